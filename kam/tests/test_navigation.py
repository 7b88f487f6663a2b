"""The navigation bar and the other registry readings: what the apps register in ready() is
what the shell shows, to each role only what it may use."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kam.registry import MenuEntry, MenuGroup, Registry, WorkItem, WorkSection, registry
from kam.roles import Role

pytestmark = pytest.mark.django_db


class Someone:
    def __init__(self, role=Role.KAM):
        self.role = role


def small_registry() -> Registry:
    r = Registry()
    r.add_menu_group(MenuGroup("g", "Group", order=20), MenuGroup("empty", "Empty", order=5))
    r.add_menu(
        MenuEntry("top", "Top", "home", order=10),
        MenuEntry("in", "Inbox", "inbox", group="g", order=2, active_on=("inbox", "kam:")),
        MenuEntry("pw", "Password", "password_change", group="g", order=1),
        MenuEntry(
            "hidden", "Hidden", "home", group="empty", visible=lambda u: u.role == Role.ADMIN
        ),
    )
    return r


def test_menu_is_plain_dicts_in_order_without_empty_groups():
    menu = small_registry().menu_for(Someone(), "inbox")
    assert [m["key"] for m in menu] == ["top", "g"]
    group = menu[1]
    assert [c["key"] for c in group["children"]] == ["pw", "in"]
    assert group["children"][1] == {
        "key": "in",
        "label": "Inbox",
        "url": reverse("inbox"),
        "active": True,
    }
    assert group["active"] and not menu[0]["active"]
    assert [m["key"] for m in small_registry().menu_for(Someone(Role.ADMIN), None)] == [
        "empty",
        "top",
        "g",
    ]


@pytest.mark.parametrize(
    ("view_name", "active"),
    [
        ("inbox", True),
        ("kam:anything", True),  # the namespace, written "kam:"
        ("inbox_read_all", False),  # a longer name is another page
        ("kamx:inbox", False),
        ("", False),
        (None, False),
    ],
)
def test_an_entry_is_active_on_whole_names_only(view_name, active):
    menu = small_registry().menu_for(Someone(), view_name)
    assert menu[1]["children"][1]["active"] is active


def test_work_items_are_grouped_by_section_in_order():
    r = Registry()
    r.add_work_sections(WorkSection("late", "Late", order=1), WorkSection("", "Other", 9))
    r.add_workbench(lambda user, today: [WorkItem("b", "/b", section="late", order=2)])
    r.add_workbench(lambda user, today: [WorkItem("a", "/a", section="nowhere")])
    r.add_workbench(lambda user, today: [WorkItem("c", "/c", section="late", order=1)])
    grouped = r.workbench_for(Someone(), None)
    assert [(s.key, [i.label for i in items]) for s, items in grouped] == [
        ("late", ["c", "b"]),
        ("", ["a"]),  # a section nobody registered falls under "Other"
    ]


def test_every_registered_entry_leads_somewhere_and_every_job_runs_a_function():
    for entry in registry.menu_entries.values():
        assert reverse(entry.url_name)
        assert entry.group in registry.menu_groups or entry.group == ""
    assert len(registry.jobs) == 17
    assert all(callable(j.func) for j in registry.jobs.values())
    steps = registry.handover_steps()
    assert steps[0].__name__ == "_move_accounts"
    assert set(registry.handover_kinds) >= {"account", "plan_line"}


def _nav(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


def test_the_menu_shows_each_role_what_it_may_use(client, cast):
    expected = {
        cast.owner: {"account-list", "plans", "visit-new", "compliance", "churn", "appraisal"},
        cast.manager: {"account-list", "spot-checks", "my-schedule", "appraisal"},
        cast.sales_vp: {"access-log", "handover", "schedule", "tier-review", "appraisal"},
        cast.admin: {"import", "users", "access-log", "schedule", "tier-review"},
        cast.staff: {"lookup", "loans"},
    }
    never = {
        cast.owner: {"access-log", "handover", "import", "users", "spot-checks", "tier-review"},
        cast.manager: {"import", "users", "schedule", "tier-review"},
        cast.sales_vp: {"import", "users", "my-schedule"},
        cast.admin: {"my-schedule"},
        cast.staff: {"account-list", "plans", "compliance", "appraisal", "users", "receivables"},
    }
    for user, keys in expected.items():
        client.force_login(user)
        nav = _nav(client.get(reverse("home")).content.decode())
        shown = set(re.findall(r'id="nav-([a-z-]+)"', nav))
        assert keys <= shown, (user.role, keys - shown)
        assert not never[user] & shown, (user.role, never[user] & shown)
        assert 'id="nav-search"' in nav and 'id="inbox-link"' in nav


def test_the_current_page_is_marked_once(client, cast):
    client.force_login(cast.owner)
    page = client.get(reverse("visits:compliance"), follow=True)  # to her own figures
    assert page.resolver_match.view_name == "visits:compliance_kam"
    nav = _nav(page.content.decode())
    assert nav.count('aria-current="page"') == 1
    marked = re.search(r'<a class="([^"]*)" href="([^"]*)" id="nav-([a-z-]+)" aria-current', nav)
    assert marked.group(3) == "compliance" and "active" in marked.group(1)
    # its dropdown is marked too, so the reader sees where she is with the menu closed
    assert re.search(r'id="nav-analysis">\s*<a class="nav-link dropdown-toggle active"', nav)
    assert nav.count("dropdown-toggle active") == 1
    home = _nav(client.get(reverse("home")).content.decode())
    assert 'aria-current="page"' not in home


def test_the_search_box_sends_to_the_lookup_which_keeps_its_scope(client, cast):
    client.force_login(cast.staff)
    nav = _nav(client.get(reverse("home")).content.decode())
    form = re.search(r'<form[^>]*id="nav-search"[^>]*>', nav).group(0)
    assert f'action="{reverse("accounts:lookup")}"' in form and 'method="get"' in form
    assert re.search(r'<label class="visually-hidden" for="nav-search-input">', nav)
    assert 'name="q"' in nav


def test_inbox_kinds_are_labelled_by_the_apps(client, cast):
    from kam.models import Notification
    from kam.notifications import kind_label

    for kind in ("review_due", "visits_due", "receivable_overdue", "tier_review", "plan_returned"):
        assert kind_label(kind) != kind
    assert kind_label("unknown_kind") == "unknown_kind"
    Notification.objects.create(recipient=cast.owner, kind="plan_returned", key="x", title="t")
    client.force_login(cast.owner)
    kinds = dict(client.get(reverse("inbox")).context["kinds"])
    assert kinds["plan_returned"] == str(registry.notification_kinds["plan_returned"])
