"""Small forms that report by message say what is wrong, not a guess."""

import pytest
from django.urls import reverse

from appraisal import services
from appraisal.models import Scheme

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def test_a_scheme_name_too_long_is_called_too_long(client, cast):
    """Before: any refusal read "Give the new scheme a name.", even for 10,000 characters."""
    standard = services.scheme_default()
    client.force_login(cast.admin)
    url = reverse("appraisal:scheme_copy", args=[standard.pk])
    response = client.post(url, {"name": "方" * 10_000}, headers=EN, follow=True)
    html = response.content.decode()
    assert "at most 100 characters" in html
    assert "Give the new scheme a name" not in html
    assert Scheme.objects.count() == 1

    empty = client.post(url, {"name": "  "}, headers=EN, follow=True)
    assert "Give the new scheme a name" in empty.content.decode()
