"""What the business apps plug into the shell: one typed registry, filled in `AppConfig.ready()`.

kam/ imports no business app. Each app answers the shell's questions by adding entries here
from its own `apps.py` (pretix's `nav_event` receivers return plain dicts of label, url, active
and children; we keep that shape without signals):

- menu entries and their groups (the navigation bar),
- workbench providers (the to-do items of the home page) and the sections they are listed in,
- home panels (what the home page shows below the to-do list),
- account-page panels (sections of the archive page another app contributes),
- the navigation bar's search box,
- periodic jobs (Celery beat and `manage.py run_jobs`),
- notification kinds (the inbox's labels),
- hand-over steps (what moves from a leaver to successors) and the kinds of item they move,
- demo loaders (`manage.py demo_data`),
- "account changed" hooks (derived data that follows an account's owner, tier or status).

Apps are readied in INSTALLED_APPS order, which is also the order of the layers
(kam ← accounts ← visits, receivables, complaints ← appraisal, analysis), so demo loaders and
hand-over steps run lower layers first unless an entry asks for another `order`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kam.models import User

Visible = Callable[["User"], bool]


def _always(user: User) -> bool:
    return True


# Menu ----------------------------------------------------------------------------------------


def is_current(active_on: Iterable[str], view_name: str | None) -> bool:
    """Whether the page `view_name` is one of `active_on`: view names (`app:name`) or
    namespaces (`app:`), whole names compared, never parts of them. The navigation bar marks
    its current link (class and aria-current) by this alone."""
    here = view_name or ""
    namespace = here.rpartition(":")[0] + ":" if ":" in here else None
    return any(a in (here, namespace) for a in active_on)


@dataclass(frozen=True)
class MenuGroup:
    """A dropdown of the navigation bar; shown when at least one of its entries is."""

    key: str
    label: Any  # a lazy translation
    order: int = 100


@dataclass(frozen=True)
class MenuEntry:
    """One link. `active_on` lists view names (`app:name`) or namespaces (`app:`) under which
    the entry is the current page."""

    key: str
    label: Any
    url_name: str
    visible: Visible = _always
    group: str = ""  # a MenuGroup key; "" for the top level
    order: int = 100
    active_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavSearch:
    """The navigation bar's search box: a GET form to `url_name` with the text in `param`.
    The view it points to decides what the user may find."""

    key: str
    url_name: str
    label: Any  # for screen readers and the button
    placeholder: Any = ""
    param: str = "q"
    visible: Visible = _always
    order: int = 100


# Workbench -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkAction:
    """A second link on a to-do line (the line's own link is its `url`): e.g. a planned
    visit's "record it" and "check in"."""

    label: Any
    url: str
    key: str = ""


@dataclass(frozen=True)
class WorkItem:
    """A to-do line of the home page: what, how many, where it is done, how pressing.

    `due_on` is the deadline, if there is one: the page words it when it renders ("due in 3
    days", "overdue by 2 days"), so a line never names a past date as a deadline. `key`
    names the line for tests and the page (`data-item`)."""

    label: Any
    url: str
    count: int | None = None
    urgency: str = "normal"  # "overdue", "soon", "normal" or "info"
    detail: Any = ""
    section: str = ""  # groups items on the page ("today", "this_month", "decide", …)
    order: int = 100
    key: str = ""
    due_on: dt.date | None = None
    actions: tuple[WorkAction, ...] = ()


WorkbenchProvider = Callable[["User", dt.date], list[WorkItem]]


@dataclass(frozen=True)
class WorkSection:
    """A heading of the to-do list; items name it by `key`. An item whose section nobody
    registered is listed under the section "" (the shell registers it)."""

    key: str
    label: Any
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A card of the home page below the to-do list: `context(user, today)` returns the
    template's context, or None when it is not for this user. Bounded queries: the home
    page's budget must not grow with data."""

    key: str
    template: str
    context: Callable[[User, dt.date], dict | None]
    order: int = 100


# Account page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountPanel:
    """A section of the archive page that another app contributes: `context(request, account,
    can_edit)` returns the template's context, or None when the reader may not see it."""

    key: str
    template: str
    context: Callable[[HttpRequest, Any, bool], dict | None]
    order: int = 100
    column: str = "side"  # "main" or "side"


# Jobs, hand-over, demo ----------------------------------------------------------------------


@dataclass(frozen=True)
class JobSpec:
    """A daily (or rarer) job in Asia/Shanghai time; `cron` takes crontab's other fields."""

    name: str
    func: Callable[[dt.date], int]
    hour: int = 7
    minute: int = 30
    cron: dict = field(default_factory=dict)
    # False for a job that commits its own pieces (the e-mail digest, a person at a time): run
    # outside the one transaction, so a failure for one piece keeps the others done and sent.
    atomic: bool = True

    @property
    def at(self) -> tuple[int, int]:
        return (self.hour, self.minute)


# (handover, leaver, successor_of(account) -> User) -> None
HandOverStep = Callable[[Any, "User", Callable[[Any], "User"]], None]
DemoLoader = Callable[[Any], None]  # build(ctx: kam.demo.DemoContext)
# (account_ids, owner_ids): accounts whose owner, tier or status changed, and former owners
AccountChanged = Callable[[Iterable[int], Iterable[int]], None]


@dataclass(frozen=True)
class _Ordered:
    order: int
    seq: int
    item: Any


class Registry:
    """The shell's registry. One instance, `registry`, lives for the process."""

    def __init__(self) -> None:
        self.menu_groups: dict[str, MenuGroup] = {}
        self.menu_entries: dict[str, MenuEntry] = {}
        self.searches: dict[str, NavSearch] = {}
        self.workbench: list[WorkbenchProvider] = []
        self.work_sections: dict[str, WorkSection] = {}
        self.home_panels: dict[str, HomePanel] = {}
        self.account_panels: dict[str, AccountPanel] = {}
        self.jobs: dict[str, JobSpec] = {}
        self.notification_kinds: dict[str, Any] = {}
        self._handover: list[_Ordered] = []
        self.handover_kinds: dict[str, Any] = {}
        self._demo: list[_Ordered] = []
        self.account_changed_hooks: list[AccountChanged] = []

    # Filling (AppConfig.ready) -----------------------------------------------------------
    # Each add is idempotent by key or identity, so a ready() run twice adds nothing twice.

    def add_menu_group(self, *groups: MenuGroup) -> None:
        for g in groups:
            self.menu_groups[g.key] = g

    def add_menu(self, *entries: MenuEntry) -> None:
        for e in entries:
            self.menu_entries[e.key] = e

    def add_search(self, *searches: NavSearch) -> None:
        for s in searches:
            self.searches[s.key] = s

    def add_workbench(self, provider: WorkbenchProvider) -> None:
        if provider not in self.workbench:
            self.workbench.append(provider)

    def add_work_sections(self, *sections: WorkSection) -> None:
        for s in sections:
            self.work_sections[s.key] = s

    def add_home_panel(self, *panels: HomePanel) -> None:
        for p in panels:
            self.home_panels[p.key] = p

    def add_account_panel(self, *panels: AccountPanel) -> None:
        for p in panels:
            self.account_panels[p.key] = p

    def add_jobs(self, *jobs: JobSpec) -> None:
        for j in jobs:
            self.jobs[j.name] = j

    def add_notification_kinds(self, kinds: dict[str, Any]) -> None:
        self.notification_kinds.update(kinds)

    def add_handover_step(
        self, step: HandOverStep, *, order: int = 100, kinds: dict[str, Any] | None = None
    ) -> None:
        """`kinds`: labels of the `HandOverItem.kind`s this step writes."""
        if all(o.item is not step for o in self._handover):
            self._handover.append(_Ordered(order, len(self._handover), step))
        self.handover_kinds.update(kinds or {})

    def add_demo(self, loader: DemoLoader, *, order: int = 100) -> None:
        if all(o.item is not loader for o in self._demo):
            self._demo.append(_Ordered(order, len(self._demo), loader))

    def on_account_changed(self, hook: AccountChanged) -> None:
        if hook not in self.account_changed_hooks:
            self.account_changed_hooks.append(hook)

    # Reading (the shell) -------------------------------------------------------------------

    def handover_steps(self) -> list[HandOverStep]:
        return [o.item for o in sorted(self._handover, key=lambda o: (o.order, o.seq))]

    def demo_loaders(self) -> list[DemoLoader]:
        return [o.item for o in sorted(self._demo, key=lambda o: (o.order, o.seq))]

    def account_changed(self, account_ids: Iterable[int], owner_ids: Iterable[int] = ()) -> None:
        """Called by the services that change an account's owner, tier or status."""
        accounts, owners = list(account_ids), list(owner_ids)
        for hook in self.account_changed_hooks:
            hook(accounts, owners)

    def notification_label(self, kind: str) -> str:
        return str(self.notification_kinds.get(kind, kind))

    def handover_kind_label(self, kind: str) -> str:
        return str(self.handover_kinds.get(kind, kind))

    def work_items(self, user: User, today: dt.date) -> list[WorkItem]:
        items = [item for provider in self.workbench for item in provider(user, today)]
        return sorted(items, key=lambda i: (i.order, str(i.label)))

    def workbench_for(self, user: User, today: dt.date) -> list[tuple[WorkSection, list[WorkItem]]]:
        """The to-do list: the user's work items under their sections, in section order;
        sections with nothing to do are left out."""
        by_section: dict[str, list[WorkItem]] = {}
        for item in self.work_items(user, today):
            key = item.section if item.section in self.work_sections else ""
            by_section.setdefault(key, []).append(item)
        sections = [self.work_sections.get(k) or WorkSection(k, "") for k in by_section]
        return [(s, by_section[s.key]) for s in sorted(sections, key=lambda s: (s.order, s.key))]

    def home_panels_for(self, user: User, today: dt.date) -> list[tuple[HomePanel, dict]]:
        shown = []
        for panel in sorted(self.home_panels.values(), key=lambda p: (p.order, p.key)):
            context = panel.context(user, today)
            if context is not None:
                shown.append((panel, context))
        return shown

    def search_for(self, user: User) -> dict | None:
        """The search box this user gets (the first visible one), as a plain dict."""
        from django.urls import reverse

        for s in sorted(self.searches.values(), key=lambda s: (s.order, s.key)):
            if s.visible(user):
                url = reverse(s.url_name)
                return {
                    "key": s.key,
                    "url": url,
                    "param": s.param,
                    "label": s.label,
                    "placeholder": s.placeholder or s.label,
                }
        return None

    def panels_for(
        self, request: HttpRequest, account, can_edit: bool
    ) -> list[tuple[AccountPanel, dict]]:
        shown = []
        for panel in sorted(self.account_panels.values(), key=lambda p: (p.order, p.key)):
            context = panel.context(request, account, can_edit)
            if context is not None:
                shown.append((panel, context))
        return shown

    def menu_for(self, user: User, view_name: str | None) -> list[dict]:
        """The navigation for this user as plain dicts (label, url, active, children), only
        what they may use; a group with no visible entry is left out. An entry is active when
        the current view's name, or its namespace written `app:`, is one of its `active_on`
        (whole names compared, never parts of them)."""
        from django.urls import reverse

        def item(e: MenuEntry) -> dict:
            active = is_current(e.active_on or (e.url_name,), view_name)
            return {"key": e.key, "label": e.label, "url": reverse(e.url_name), "active": active}

        shown = sorted(
            (e for e in self.menu_entries.values() if e.visible(user)),
            key=lambda e: (e.order, e.key),
        )
        top: list[tuple[int, dict]] = [(e.order, item(e)) for e in shown if not e.group]
        for g in self.menu_groups.values():
            children = [item(e) for e in shown if e.group == g.key]
            if children:
                top.append(
                    (
                        g.order,
                        {
                            "key": g.key,
                            "label": g.label,
                            "url": "",
                            "active": any(c["active"] for c in children),
                            "children": children,
                        },
                    )
                )
        return [d for _order, d in sorted(top, key=lambda t: t[0])]


registry = Registry()
