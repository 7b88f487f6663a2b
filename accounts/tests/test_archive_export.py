"""The archive's Excel file: what the user typed comes back exactly, as text, never a formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import KeyAccount
from kam.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'


def test_formula_like_text_comes_back_as_the_same_text(client, cast):
    KeyAccount.objects.filter(pk=cast.account.pk).update(name=FORMULA, phone="+86 510 8888")
    ContactFactory(account=cast.account, name="@李总", title="-采购部")
    client.force_login(cast.owner)
    response = client.get(reverse("accounts:export", args=[cast.account.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    archive, contacts = wb.worksheets
    values = {row[0].value: row[1] for row in archive.iter_rows()}
    name = next(c for label, c in values.items() if c.value == FORMULA)
    assert name.data_type == "s"
    assert any(c.value == "+86 510 8888" and c.data_type == "s" for c in values.values())
    rows = [[c.value for c in row] for row in contacts.iter_rows()]
    assert ["@李总", "-采购部"] in [r[:2] for r in rows]
    assert all(c.data_type != "f" for row in contacts.iter_rows() for c in row)
