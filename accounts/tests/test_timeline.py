"""The archive page's timeline: paged twenty at a time, filterable by kind, at the same query
cost whatever the page or the kind."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models.archive import TIMELINE_LABELS
from accounts.selectors import TIMELINE_FILTERS, TIMELINE_PAGE_SIZE

pytestmark = pytest.mark.django_db

# 45 entries, newest first: every third a visit, every fifth a payment, the rest changes.
KINDS = ["visit" if i % 3 == 0 else "payment" if i % 5 == 0 else "updated" for i in range(45)]


@pytest.fixture
def timeline(cast):
    now = timezone.now()
    for i, kind in enumerate(KINDS):
        services.timeline_add(
            account=cast.account,
            kind=kind,
            summary=f"第{i}条",
            actor=cast.owner,
            at=now - dt.timedelta(hours=i),
        )
    return cast.account


def summaries(page) -> list[str]:
    return [e.summary for e in page.entries]


def test_pages_of_twenty_newest_first(timeline):
    first = selectors.account_timeline_page(timeline, page=1)
    third = selectors.account_timeline_page(timeline, page=3)

    assert summaries(first) == [f"第{i}条" for i in range(TIMELINE_PAGE_SIZE)]
    assert first.has_next and not first.has_previous
    assert summaries(third) == [f"第{i}条" for i in range(40, 45)]
    assert third.has_previous and not third.has_next
    assert not selectors.account_timeline_page(timeline, page=4).entries


def test_a_kind_shows_only_its_entries(timeline):
    visits = selectors.account_timeline_page(timeline, kind="visit")
    payments = selectors.account_timeline_page(timeline, kind="payment")

    assert summaries(visits) == [f"第{i}条" for i in range(0, 45, 3)]
    assert not visits.has_next and visits.kind == "visit"
    assert {e.kind for e in payments.entries} == {"payment"}
    assert len(payments.entries) == sum(k == "payment" for k in KINDS)


def test_an_unknown_kind_shows_everything(timeline):
    page = selectors.account_timeline_page(timeline, kind="'; drop table")
    assert page.kind == "" and len(page.entries) == TIMELINE_PAGE_SIZE


def test_every_kind_with_a_label_has_a_filter():
    """TIMELINE_LABELS names every kind the apps write (an unnamed one would show its code):
    each must be in a filter, or it would vanish from every filtered view."""
    covered = {k for _label, kinds in TIMELINE_FILTERS.values() for k in kinds}
    assert len(TIMELINE_LABELS) > 30
    assert set(TIMELINE_LABELS) - covered == set()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_filtered_or_paged(client, timeline, cast):
    client.force_login(cast.owner)
    url = reverse("accounts:detail", args=[timeline.pk])
    plain = count_queries(client, url)
    assert count_queries(client, url + "?kind=visit") == plain
    assert count_queries(client, url + "?tl_page=3") == plain
    assert count_queries(client, url + "?kind=payment&tl_page=2") == plain


@pytest.mark.parametrize("raw", ["abc", "0", "-2", "²", "9" * 5000, "99999999999"])
def test_a_nonsense_page_number_is_a_page_not_an_error(client, timeline, cast, raw):
    client.force_login(cast.owner)
    response = client.get(reverse("accounts:detail", args=[timeline.pk]), {"tl_page": raw})
    assert response.status_code == 200
    assert response.context["timeline"].number in (1, selectors.TIMELINE_MAX_PAGE)


def test_the_page_shows_one_kind_and_links_the_next_page(client, timeline, cast):
    client.force_login(cast.owner)
    url = reverse("accounts:detail", args=[timeline.pk])
    html = client.get(url, {"kind": "visit"}).content.decode()
    assert set(re.findall(r'data-kind="([a-z_]+)"', html)) == {"visit"}
    assert 'id="timeline-older"' not in html  # 15 visits: one page

    html = client.get(url).content.decode()
    older = re.search(r'id="timeline-older" href="([^"]+)"', html).group(1)
    assert older == "?tl_page=2#timeline"
    html = client.get(url + older.split("#")[0]).content.decode()
    assert 'id="timeline-newer" href="?tl_page=1#timeline"' in html
    assert "第20条" in html and "第19条" not in html


def test_the_filter_shows_labels_never_codes(client, timeline, cast):
    client.force_login(cast.owner)
    html = client.get(reverse("accounts:detail", args=[timeline.pk])).content.decode()
    start = html.index('id="timeline-kind"')
    select = html[start : html.index("</select>", start)]
    options = dict(re.findall(r'<option value="([a-z_]*)"[^>]*>([^<]+)</option>', select))
    assert set(options) == {"", *TIMELINE_FILTERS}
    for code, text in options.items():
        assert text.strip() and text.strip() != code
