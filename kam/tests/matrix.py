"""The permission matrices' shared harness.

Each app's matrix module (`*/tests/test_*permissions.py`) keeps its own table: one row per URL
(or per URL and method), one column per member of the cast, each cell the status that member
gets, or "302 <target>" for a redirect to a named page the module resolves. What they share
lives here: who stands in each column, a signed-in client per member, one cell per test case,
the check of a cell's response, and the check that a table leaves no URL out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kam.roles import Role
from kam.tests.cast import Cast
from kam.tests.factories import UserFactory

ANONYMOUS = "anonymous"
LOG = "302 login"  # anonymous visitors are sent to sign in

# The columns of the matrices built on the cast alone (kam/tests/cast.py), in its order.
CAST_MEMBERS = (
    "owner",
    "other_kam",
    "manager",
    "other_manager",
    "sales_vp",
    "gm",
    "admin",
    "staff",
    "staff_loan",
    "staff_expired",
    ANONYMOUS,
)

# Rows over CAST_MEMBERS for what belongs to the archive (SPEC §2, §4). Reads: whoever reads
# the archive (owner, her sales manager, sales VP, GM, administrators, an active loan); anyone
# else 404, like a guessed URL. Writes: the owner and administrators; readers without the
# right 403. Scoped lists: like the account list, open to the sales line; other departments 403.
# columns:    own  oKAM mgr  oMgr VP   GM   adm  stf  loan exp  anon
ARCHIVE_READ = (200, 404, 200, 404, 200, 200, 200, 404, 200, 404, LOG)
ARCHIVE_WRITE = (200, 404, 403, 404, 403, 403, 200, 404, 403, 404, LOG)
SCOPED_LIST = (200, 200, 200, 200, 200, 200, 200, 403, 403, 403, LOG)

# Roles some matrices add to the cast, with the usernames their fixtures have always used.
EXTRA_ROLES = {
    "tech_vp": ("techvp", Role.TECH_VP),
    "exec_vp": ("execvp", Role.EXEC_VP),
    "gm_office": ("gmoffice", Role.GM_OFFICE),
}


def extra_members(*members: str) -> dict:
    """Users for roles the cast lacks (EXTRA_ROLES), by member name."""
    return {m: UserFactory(username=EXTRA_ROLES[m][0], role=EXTRA_ROLES[m][1]) for m in members}


class Members:
    """Who stands in each column: the cast's members, any extra users, nobody for anonymous."""

    def __init__(self, cast: Cast | None = None, **extra):
        self.cast = cast
        self.extra = extra

    def user(self, member: str):
        if member == ANONYMOUS:
            return None
        if member in self.extra:
            return self.extra[member]
        return getattr(self.cast, member)

    def client(self, member: str) -> Client:
        return client_for(self.user(member))


def client_for(user) -> Client:
    """A fresh client, signed in as `user` (None: nobody signed in)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def cells(table: Mapping[str, tuple], members: tuple[str, ...]) -> list:
    """One test case per cell, named row-member; a row of the wrong length fails collection."""
    return [
        pytest.param(row, member, expected, id=f"{row}-{member}")
        for row, expected_row in table.items()
        for member, expected in zip(members, expected_row, strict=True)
    ]


def parametrize(table: Mapping[str, tuple], members: tuple[str, ...], row: str = "name"):
    """The decorator for a matrix test taking (name, member, expected), one case per cell."""
    return pytest.mark.parametrize((row, "member", "expected"), cells(table, members))


def assert_cell(
    response,
    expected: int | str,
    where: Callable[[str], str],
    label: str = "",
    *,
    ignore_fragment: bool = False,
) -> None:
    """The response is the cell's status; a redirect goes to where(target), query ignored."""
    if isinstance(expected, int):
        assert response.status_code == expected, label
        return
    status, target = expected.split()
    assert response.status_code == int(status), label
    location = response.headers["Location"].split("?")[0]
    if ignore_fragment:
        location = location.split("#")[0]
    assert location == where(target), label


def row_url_name(row: str) -> str:
    """The URL name of a row: rows may add a method ("POST name") or a query ("name?account")."""
    return row.removeprefix("POST ").partition("?")[0]


def url_names(patterns=None, namespace: str = "") -> Iterable[tuple[str, URLPattern]]:
    """(full name, pattern) of every named URL of the project, Django's admin left out."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # Django's own admin; matrices check its door by a row of their own
            prefix = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from url_names(p.url_patterns, prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name, p


def covers_every_url(
    app_namespace: str,
    rows: Iterable[str],
    *,
    views: Iterable[str] = (),
    leave: Iterable[str] = (),
) -> None:
    """Assert the rows name every URL of the namespace, and nothing else of it.

    `app_namespace` "" is the project's own URLs, outside any namespace. `views` narrows the
    namespace to the URLs served by those modules (visits is split over several matrices);
    `leave` names URLs checked elsewhere. Rows of other namespaces are ignored.
    """
    views = set(views)
    prefix = f"{app_namespace}:" if app_namespace else ""

    def ours(name: str) -> bool:
        return name.startswith(prefix) and ":" not in name.removeprefix(prefix)

    names = {
        name
        for name, pattern in url_names()
        if ours(name) and (not views or pattern.callback.__module__ in views)
    } - set(leave)
    assert names == {row_url_name(row) for row in rows if ours(row_url_name(row))}
