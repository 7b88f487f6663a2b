"""Every page, as every role, in Chinese (kam/tests/walk.py opens them on the demo company):
no English string that has a Chinese translation, no raw code of a model's choices, no
half-width comma or colon between Chinese words, and the security headers on every answer.

One walk serves all the tests of this module (it is the slow part); each test reads it.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction

from kam.tests.walk import Walk, page_text, unreached, visible_texts, walk_as

# The mark makes pytest-django create the test database; the walk's data lives in the
# module's fixture, in a transaction rolled back when the module ends.
pytestmark = pytest.mark.django_db

# One person of each role of the demo company (kam.demo.PEOPLE).
WALKERS = [
    "admin",
    "gm",
    "gmoffice",
    "salesvp",
    "techvp",
    "execvp",
    "manager1",
    "kam1",
    "finance1",
]

# Patterns with parameters that the walk does not reach, and why. The walk opens one URL per
# pattern and person, so a page shown only for an object in a state the demo day lacks is
# not reached; each of these has its own tests in its app.
NOT_LINKED = {
    "visits:calendar_feed": "its address (with a secret token) is copied into a calendar app",
    "admin:view_on_site": "our admin pages offer no 'view on site' link",
    "admin:auth_user_password_change": "the product's users are kam.User",
    **dict.fromkeys(
        [
            "accounts:handover_detail",
            "accounts:report_file",
            "export_download",
            "export_status",
            "visits:account_location_set",
            "visits:checkin_photo",
            "visits:checkin_photo_upload",
            "visits:checkin_visit",
            "visits:checkout",
            "admin:accounts_handover_change",
            "admin:accounts_handover_history",
            "admin:auth_group_change",
            "admin:auth_group_history",
            "admin:axes_accessattempt_change",
            "admin:axes_accessattempt_history",
            "admin:axes_accessfailurelog_change",
            "admin:axes_accessfailurelog_history",
            "admin:visits_officialday_change",
            "admin:visits_officialday_history",
        ],
        "the demo day has none (hand-overs, uploaded reports, exports, check-ins under "
        "way, groups, lockouts, official days: chinese-calendar knows the demo's year)",
    ),
    **dict.fromkeys(
        ["admin:accounts_archiveaccess_change", "admin:accounts_archiveaccess_history"],
        "the access log is read-only: its admin list links to no change page",
    ),
    **dict.fromkeys(
        [
            "accounts:loan_decide",
            "accounts:loan_new",
            "appraisal:adjust",
            "complaints:follow_up",
            "receivables:contract_detail",
            "receivables:contract_edit",
            "receivables:credit_apply",
            "receivables:payment_reverse",
            "visits:plan_copy",
            "visits:plan_submit",
        ],
        "offered only on an object the walk's first pick is not (another account, a plan "
        "in another state)",
    ),
}
# Business records are never deleted: their admin pages offer no delete link.
ADMIN_DELETE = re.compile(r"^admin:\w+_delete$")
# Django's admin, unlike our pages, shows stored data as it is (permission names, JSON) and
# formats "model: object" with a half-width colon itself: the code and punctuation checks
# read our pages; the admin's labels are checked for English like every page.
ADMIN = "/admin/"


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker, tmp_path_factory) -> Walk:
    from django.test import override_settings

    from kam.models import Notification, User
    from kam.tests.demo_day import demo_day
    from kam.tests.once import lay_seeds

    result = Walk()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        lay_seeds()
        with demo_day():
            for username in WALKERS:
                walk_as(User.objects.get(username=username), result)
        result.usernames = set(User.objects.values_list("username", flat=True))
        result.kinds = set(Notification.objects.values_list("kind", flat=True).distinct())
        transaction.set_rollback(True)
    return result


def _report(problems: dict[str, set[str]]) -> str:
    lines = (f"{url}: {', '.join(sorted(found))}" for url, found in sorted(problems.items()))
    return "\n".join(lines)


# The catalog ------------------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff]")
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z0-9 '’,.:;!?()/&-]*[A-Za-z0-9.?!)]|[A-Za-z]")


def translated_msgids() -> set[str]:
    """Our catalog's English msgids that have a Chinese translation: shown as they are, they
    are a string that missed gettext (or a page rendered outside the user's language)."""
    msgids = set()
    for po in Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES").glob("*.po"):
        for entry in polib.pofile(str(po)):
            forms = [entry.msgstr, *entry.msgstr_plural.values()]
            if entry.obsolete or not any(CJK.search(f) for f in forms):
                continue
            for msgid in (entry.msgid, entry.msgid_plural):
                if msgid and "%" not in msgid and "{" not in msgid and len(msgid) > 1:
                    msgids.add(msgid.strip())
    return msgids


def english_candidates(text: str) -> set[str]:
    """The English runs of a text, and their parts between punctuation."""
    found = set()
    for run in ENGLISH_RUN.findall(text):
        run = run.strip(" ,:;")
        found.add(run)
        found.update(p.strip() for p in re.split(r"[:;,()]", run) if p.strip())
    # Two letters are a code ("Q3", "A"), not a sentence someone forgot to translate.
    return {f for f in found if len(f) > 2}


def test_no_page_fails(walk):
    failed = [f"{p.user} {p.url}: {p.error or p.status}" for p in walk.pages if p.status >= 500]
    assert not failed, "\n".join(failed)


def test_every_page_is_walked(walk):
    missing = {n for n in unreached(walk) - set(NOT_LINKED) if not ADMIN_DELETE.match(n)}
    assert not missing, (
        "no page links to these patterns, so the walk did not open them (link them, or say "
        "why not in NOT_LINKED):\n" + "\n".join(sorted(missing))
    )
    assert len(list(walk.html_pages())) > 100


def test_no_english_string_on_a_chinese_page(walk):
    msgids = translated_msgids()
    problems: dict[str, set[str]] = {}
    for page in walk.html_pages():
        for text in visible_texts(page.html):
            found = english_candidates(text) & msgids
            if found:
                problems.setdefault(page.url, set()).update(found)
    assert not problems, "untranslated strings on Chinese pages:\n" + _report(problems)


# Choices ----------------------------------------------------------------------------------

TOKEN = re.compile(r"[A-Za-z0-9_]+")


def choice_codes() -> set[str]:
    """Every stored value of every model field's choices that a person would not read as a
    word: codes such as `sales_vp`, `pending` or `review_due`."""
    codes = set()
    for model in apps.get_models():
        for f in model._meta.get_fields():
            for value, label in getattr(f, "flatchoices", None) or []:
                if isinstance(value, str) and len(value) > 1 and value != str(label):
                    codes.add(value)
    return codes


# Codes that are no model's choices (notification kinds, timeline kinds) look like this.
SNAKE_CASE = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")


def test_no_choice_code_on_a_page(walk):
    codes = choice_codes()
    assert {"sales_vp", "draft"} <= codes  # the collection works
    problems: dict[str, set[str]] = {}
    for page in walk.html_pages():
        if page.url.startswith(ADMIN):
            continue
        for text in visible_texts(page.html):
            tokens = set(TOKEN.findall(text))
            found = (tokens & codes) | {t for t in tokens if SNAKE_CASE.match(t)}
            # A person's username is data, even when it reads like a role ("admin").
            found -= walk.usernames
            if found:
                problems.setdefault(page.url, set()).update(found)
    assert not problems, "codes shown instead of their labels:\n" + _report(problems)


def test_every_notification_kind_has_a_label(walk):
    """The inbox's filter and the admin name kinds by the labels the apps register."""
    from kam.registry import registry

    assert walk.kinds  # the demo's inboxes are not empty
    unlabelled = sorted(k for k in walk.kinds if registry.notification_label(k) == k)
    assert not unlabelled, "register a label (registry.add_notification_kinds): " + ", ".join(
        unlabelled
    )


# Punctuation ------------------------------------------------------------------------------

HALF_WIDTH = re.compile(r"[\u3400-\u9fff][ \t]*[,:][ \t]*[\u3400-\u9fff]")


def test_no_half_width_comma_or_colon_between_chinese_words(walk):
    problems: dict[str, set[str]] = {}
    for page in walk.html_pages():
        if page.url.startswith(ADMIN):
            continue
        found = set(HALF_WIDTH.findall(page_text(page.html)))
        if found:
            problems.setdefault(page.url, set()).update(found)
    assert not problems, "use ， and ： between Chinese words:\n" + _report(problems)


# Headers ----------------------------------------------------------------------------------


def test_every_answer_carries_the_content_security_policy(walk):
    missing = [
        f"{p.user} {p.url} ({p.status})"
        for p in walk.pages
        if not p.error and "script-src 'self'" not in p.headers.get("Content-Security-Policy", "")
    ]
    assert not missing, "answers without the CSP header:\n" + "\n".join(missing)
    policies = {p.headers["Content-Security-Policy"] for p in walk.pages}
    assert not any("unsafe-inline" in _directive(p, "script-src") for p in policies)


def _directive(policy: str, name: str) -> str:
    for part in policy.split(";"):
        if part.strip().split(" ")[0] == name:
            return part
    return ""


def test_no_page_has_an_inline_script_or_event_handler(walk):
    inline = re.compile(
        r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|\son[a-z]+\s*=\s*[\"']",
        re.IGNORECASE,
    )
    problems = {
        p.url: set(inline.findall(p.html)) for p in walk.html_pages() if inline.search(p.html)
    }
    assert not problems, "inline scripts, refused by the CSP:\n" + _report(problems)
