"""The admin carries the product's name and speaks the user's language in every section:
app names (ours and the libraries'), model names, and the column headers of each list."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html

pytestmark = pytest.mark.django_db

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def test_the_admin_is_branded_and_every_section_is_chinese(client, cast):
    client.force_login(cast.admin)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    tree = lxml_html.fromstring(page.content.decode())
    assert "大客户管理系统" in tree.findtext(".//title")
    assert "大客户管理系统" in tree.xpath("string(//*[@id='site-name'])")
    sections = [c.text_content().strip() for c in tree.xpath("//div[@id='content-main']//caption")]
    models = [a.text_content().strip() for a in tree.xpath("//div[@id='content-main']//th/a")]
    assert len(sections) >= 8 and len(models) >= 20
    english = [name for name in sections + models if ENGLISH_WORD.search(name)]
    assert not english, f"English on the admin's index: {english}"


def test_every_registered_model_and_its_app_have_chinese_names():
    english = []
    with translation.override("zh-hans"):
        for model in admin.site._registry:
            meta = model._meta
            names = [
                str(apps.get_app_config(meta.app_label).verbose_name),
                str(meta.verbose_name),
                str(meta.verbose_name_plural),
            ]
            english += [f"{meta.label}: {n}" for n in names if ENGLISH_WORD.search(n)]
    assert not english, "\n".join(english)


def test_every_list_column_of_our_admin_is_chinese(client, cast):
    """The column headers of each of our models' change lists (the libraries' are checked
    through their names above)."""
    client.force_login(cast.admin)
    english = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in {
            "kam",
            "accounts",
            "visits",
            "receivables",
            "complaints",
            "appraisal",
            "analysis",
        }:
            continue
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        tree = lxml_html.fromstring(client.get(url).content.decode())
        for header in tree.xpath("//table[@id='result_list']//th[@scope='col']"):
            text = header.text_content().strip()
            if ENGLISH_WORD.search(text):
                english.append(f"{url}: {text}")
    assert not english, "\n".join(english)
