"""`{% phone_link %}`: numbers typed the way people write them become a tap to call."""

import pytest
from django.template import Context, Template

from kam.templatetags.phone import tel_href


@pytest.mark.parametrize(
    ("typed", "href"),
    [
        ("13812345678", "tel:13812345678"),
        ("138 1234 5678", "tel:13812345678"),
        ("0510-8189 4459", "tel:051081894459"),
        ("(0510) 81894459", "tel:051081894459"),
        ("+86 510 8189 4459", "tel:+8651081894459"),
        ("0510-81894459 / 0510-82966838", "tel:051081894459"),
        ("0510-81894459，0510-82966838", "tel:051081894459"),
        ("0510-81894459转8021", "tel:051081894459,8021"),
        ("0510-81894459 ext. 12", "tel:051081894459,12"),
        ("无", ""),
        ("", ""),
        ("12", ""),
    ],
)
def test_tel_href(typed, href):
    assert tel_href(typed) == href


def test_the_tag_links_a_number_and_leaves_anything_else_as_text():
    template = Template("{% load phone %}{% phone_link a %}|{% phone_link b %}")
    html = template.render(Context({"a": "0510-8189 4459", "b": "<总机>"}))
    assert html == '<a class="tel-link" href="tel:051081894459">0510-8189 4459</a>|&lt;总机&gt;'
