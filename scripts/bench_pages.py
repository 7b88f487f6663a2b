"""The pages the HTTP bench times (scripts/bench_http.py): for one user of each role, home and
every entry of the menu that role sees (from kam/registry.py, so a new page is timed without
editing this list), plus the pages the menu reaches in one step that users open most (an
archive, the compliance drill-down, a year's schedule, the appraisal of a quarter, a plan).
Each page comes with a session cookie for its user and its query count, taken in-process."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import KeyAccount
from appraisal.models import Period, PeriodStatus
from kam.models import Team, User
from kam.registry import registry
from kam.roles import Role
from visits.models import ExecutiveSchedule, VisitPlan


@dataclass
class Page:
    label: str
    who: str
    path: str
    cookie: str = ""
    queries: int = 0
    mix: bool = False


def _users() -> dict[str, User]:
    """One active user per role; the KAM is the one with the most accounts, so her pages show
    as much as anyone's."""
    found = {}
    for role in Role:
        users = User.objects.filter(role=role, is_active=True).order_by("pk")
        if role == Role.KAM:
            users = users.annotate(n=Count("accounts")).order_by("-n", "pk")
        user = users.first()
        if user is not None:
            found[role.value] = user
    return found


def _menu_paths(user: User) -> list[tuple[str, str]]:
    paths = [("home", "/")]
    for entry in sorted(registry.menu_entries.values(), key=lambda e: (e.group, e.order)):
        if not entry.visible(user):
            continue
        try:
            paths.append((str(entry.key), reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    return paths


def _extra_paths(users: dict[str, User]) -> list[tuple[str, str, str, bool]]:
    today = timezone.localdate()
    year = today.year
    extra = []
    vp = users.get(Role.SALES_VP)
    kam = users.get(Role.KAM)
    manager = users.get(Role.SALES_MANAGER)
    if vp:
        extra.append(("account list", vp, "/accounts/", True))
        extra.append(("account list, name search", vp, "/accounts/?q=%E6%97%A0%E9%94%A1", False))
        extra.append(("compliance, company, year", vp, f"/visits/compliance/?p={year}", False))
        period = Period.objects.filter(status=PeriodStatus.SCORED).order_by("-pk").first()
        if period:
            extra.append(("appraisal overview", vp, f"/appraisal/{period.pk}/", False))
    if kam:
        account = KeyAccount.objects.filter(owner=kam).order_by("pk").first()
        if account:
            extra.append(("archive page", kam, f"/accounts/{account.pk}/", True))
        path = f"/visits/compliance/kam/{kam.pk}/?p={year}"
        extra.append(("compliance, KAM, year", kam, path, False))
        plan = VisitPlan.objects.filter(kam=kam).order_by("-month").first()
        if plan:
            extra.append(("visit plan", kam, f"/visits/plans/{plan.pk}/", False))
    if manager:
        team = Team.objects.filter(manager=manager).values_list("pk", flat=True).first()
        if team:
            path = f"/visits/compliance/team/{team}/?p={year}"
            extra.append(("compliance, team, year", manager, path, True))
    office = users.get(Role.GM_OFFICE)
    schedule = ExecutiveSchedule.objects.order_by("-year").first()
    if office and schedule:
        path = f"/visits/schedule/{schedule.year}/"
        extra.append(("executive schedule, year", office, path, False))
    return [(label, user.role, path, mix) for label, user, path, mix in extra]


def pages_by_role() -> list[Page]:
    users = _users()
    cookies, pages = {}, []
    for who, user in users.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        cookies[who] = client.cookies["sessionid"].value
        for label, path in _menu_paths(user):
            pages.append(Page(label, who, path, mix=(label == "home" and user.role == Role.KAM)))
    pages += [Page(label, who, path, mix=mix) for label, who, path, mix in _extra_paths(users)]
    seen, unique = set(), []
    for page in pages:
        if (page.who, page.path) in seen:
            continue
        seen.add((page.who, page.path))
        page.cookie = cookies[page.who]
        page.path, page.queries = _settle(users[page.who], page.path)
        unique.append(page)
    return unique


def _settle(user: User, path: str) -> tuple[str, int]:
    """Where the page ends up (a menu entry may redirect, e.g. to the user's own team) and
    the queries it runs there."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    response = client.get(path, follow=True)
    if response.redirect_chain:
        path = response.redirect_chain[-1][0]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} as {user}: {response.status_code}")
    return path, len(queries)
