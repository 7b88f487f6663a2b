"""The schemes page: edit weights and rules, refuse sums other than 100, copy, make default."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from appraisal import scoring, services
from appraisal.models import Dimension, Scheme

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def _form(rules) -> dict:
    data = {}
    for d, rule in rules.items():
        data |= {f"weight_{d}": rule.weight, f"full_{d}": rule.full_at, f"zero_{d}": rule.zero_at}
    return data


def test_admin_edits_the_default_scheme(client, cast):
    scheme = services.scheme_default()
    client.force_login(cast.admin)
    rules = dict(scoring.DEFAULT_RULES)
    rules[Dimension.SALES] = scoring.Rule(D(25), D(110), D(60))
    rules[Dimension.INFORMATION] = scoring.Rule(D(15), D(100), D(40))
    url = reverse("appraisal:scheme_edit", args=[scheme.pk])
    assert client.post(url, _form(rules)).status_code == 302
    assert services.scheme_rules(scheme) == rules


def test_weights_not_adding_to_100_are_refused(client, cast):
    scheme = services.scheme_default()
    client.force_login(cast.admin)
    rules = dict(scoring.DEFAULT_RULES)
    rules[Dimension.SALES] = scoring.Rule(D(35), D(100), D(50))
    url = reverse("appraisal:scheme_edit", args=[scheme.pk])
    response = client.post(url, _form(rules), headers=EN)
    assert "The weights must add up to 100." in response.content.decode()
    assert services.scheme_rules(scheme) == scoring.DEFAULT_RULES


def test_copy_and_make_default(client, cast):
    standard = services.scheme_default()
    client.force_login(cast.admin)
    client.post(reverse("appraisal:scheme_copy", args=[standard.pk]), {"name": "2027 方案"})
    copy = Scheme.objects.get(name="2027 方案")
    assert services.scheme_rules(copy) == services.scheme_rules(standard)
    client.post(reverse("appraisal:schemes"), {"default": copy.pk})
    assert services.scheme_default() == copy
    standard.refresh_from_db()
    assert not standard.is_default
