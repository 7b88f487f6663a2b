"""Targets typed in on one page or imported from Excel; bad input changes nothing."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import Workbook

from appraisal.models import Period, PeriodKind, Target
from appraisal.periods import period_get_or_create

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def period():
    return period_get_or_create(kind=PeriodKind.QUARTER, year=2026, quarter=4)


def _xlsx(rows) -> io.BytesIO:
    wb = Workbook()
    wb.active.append(["user name", "sales", "new key accounts", "collections"])
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "targets.xlsx"
    return out


def test_admin_sets_targets_on_one_page(client, cast, period):
    client.force_login(cast.admin)
    url = reverse("appraisal:targets", args=[period.pk])
    page = client.get(url)
    assert f'name="sales_{cast.owner.pk}"' in page.content.decode()
    data = {
        f"sales_{cast.owner.pk}": "1200000.50",
        f"new_{cast.owner.pk}": "2",
        f"collections_{cast.owner.pk}": "",
        f"sales_{cast.other_kam.pk}": "",
    }
    assert client.post(url, data).status_code == 302
    target = Target.objects.get(period=period, kam=cast.owner)
    assert (target.sales, target.new_accounts, target.collections) == (D("1200000.50"), 2, None)
    assert not Target.objects.filter(kam=cast.other_kam).exists()  # nothing typed, no row


def test_a_negative_target_is_refused_and_nothing_saved(client, cast, period):
    client.force_login(cast.admin)
    url = reverse("appraisal:targets", args=[period.pk])
    data = {f"sales_{cast.owner.pk}": "-5", f"sales_{cast.other_kam.pk}": "100"}
    response = client.post(url, data, headers=EN)
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not Target.objects.exists()


def test_import_from_excel(client, cast, period):
    client.force_login(cast.admin)
    file = _xlsx([["owner", 500000, 1, "400,000.00"], ["otherkam", None, 3, None]])
    url = reverse("appraisal:targets_import", args=[period.pk])
    assert client.post(url, {"file": file}).status_code == 302
    got = {
        t.kam.username: (t.sales, t.new_accounts, t.collections)
        for t in Target.objects.select_related("kam")
    }
    assert got == {
        "owner": (D("500000.00"), 1, D("400000.00")),
        "otherkam": (None, 3, None),
    }


@pytest.mark.parametrize(
    "rows,message",
    [
        ([["owner", "lots", 1, None]], "Row 2: “lots” is not an amount."),
        ([["owner", 1, 1.5, None]], "Row 2: “1.5” is not a whole number."),
        ([["owner", 1, 1, None], ["nobody", 1, 1, None]], "Not key account managers here: nobody"),
        ([["owner", 1, 1, None], ["owner", 2, 1, None]], "Row 3: owner appears twice."),
    ],
)
def test_a_bad_import_changes_nothing_and_says_why(client, cast, period, rows, message):
    client.force_login(cast.admin)
    url = reverse("appraisal:targets_import", args=[period.pk])
    response = client.post(url, {"file": _xlsx(rows)}, follow=True, headers=EN)
    assert message in response.content.decode()
    assert not Target.objects.exists()


def test_a_file_that_is_not_a_workbook(client, cast, period):
    client.force_login(cast.admin)
    junk = io.BytesIO(b"not a workbook")
    junk.name = "targets.xlsx"
    url = reverse("appraisal:targets_import", args=[period.pk])
    response = client.post(url, {"file": junk}, follow=True, headers=EN)
    assert "This file is not a readable .xlsx workbook." in response.content.decode()


def test_admin_opens_a_period(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("appraisal:periods"), {"kind": "year", "year": "2027"})
    assert response.status_code == 302
    client.post(reverse("appraisal:periods"), {"kind": "quarter", "year": "2027", "quarter": ""})
    assert list(Period.objects.values_list("kind", "year", "quarter")) == [("year", 2027, None)]
    client.force_login(cast.sales_vp)
    refused = client.post(reverse("appraisal:periods"), {"kind": "year", "year": "2028"})
    assert refused.status_code == 403
