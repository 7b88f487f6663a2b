"""The Chinese catalog is complete, compiled and in step with the code; pages switch language.

Chinese (zh-hans) is the default interface language and source strings are English, so a
string missing from locale/zh_Hans would show up in English to every user. These tests fail
when:

- an entry of the zh_Hans catalog is untranslated or fuzzy, or its placeholders differ;
- a committed .mo no longer matches its .po (someone forgot `make messages`);
- a string marked for translation in the code or templates is not in the catalog (someone
  added a string and did not run makemessages);
- a page does not render in Chinese by default and in English after /i18n/setlang/.

Fix the first three with `make messages`, then translate the new entries in
locale/zh_Hans/LC_MESSAGES/django.po and run `make messages` again to compile.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
CATALOG_LANGUAGES = ["zh_Hans", "en"]

# Directories `make messages` does not scan (or that hold no source): never copied.
SKIP_DIRS = {"locale", "staticfiles", "screenshots", "media", "node_modules", "__pycache__"}
# What `makemessages -d django` reads by default.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%")


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _label(key: tuple[str, str]) -> str:
    context, msgid = key
    return f"[{context}] {msgid!r}" if context else repr(msgid)


def _translations(catalog: polib.POFile | polib.MOFile) -> dict[tuple[str, str], tuple[str, ...]]:
    """msgctxt/msgid → msgstr (or every plural form), for what msgfmt would compile."""
    result = {}
    for entry in catalog:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            if not all(forms):
                continue
        else:
            if not entry.msgstr:
                continue
            forms = (entry.msgstr,)
        result[_key(entry)] = forms
    return result


@pytest.fixture(scope="module")
def zh_po() -> polib.POFile:
    assert ZH_PO.is_file(), f"{ZH_PO} is missing: run `make messages`"
    return polib.pofile(str(ZH_PO))


def test_every_chinese_entry_is_translated_and_not_fuzzy(zh_po):
    problems = []
    for entry in zh_po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {_label(_key(entry))}")
        elif not entry.translated():
            problems.append(f"untranslated: {_label(_key(entry))}")
    assert not problems, f"{ZH_PO.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_chinese_header_is_usable(zh_po):
    assert not zh_po.metadata_is_fuzzy, "the catalog header is marked fuzzy"
    assert zh_po.metadata.get("Plural-Forms", "").startswith("nplurals=1;")
    assert "charset=UTF-8" in zh_po.metadata.get("Content-Type", "")


def test_chinese_translations_keep_placeholders(zh_po):
    problems = []
    for entry in zh_po:
        if entry.obsolete or not entry.translated():
            continue
        if entry.msgid_plural:
            wanted = set(PLACEHOLDER.findall(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                if set(PLACEHOLDER.findall(form)) != wanted:
                    problems.append(f"{_label(_key(entry))} → {form!r}")
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            problems.append(f"{_label(_key(entry))} → {entry.msgstr!r}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_compiled_catalog_matches_po(language):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    assert po_path.is_file(), f"{po_path} is missing: run `make messages`"
    assert mo_path.is_file(), f"{mo_path} is missing: run `make messages`"
    po = _translations(polib.pofile(str(po_path)))
    mo = _translations(polib.mofile(str(mo_path)))
    stale = sorted(k for k in po.keys() | mo.keys() if po.get(k) != mo.get(k))
    assert not stale, (
        f"{mo_path.relative_to(ROOT)} is stale (run `make messages`); differing entries:\n"
        + "\n".join(_label(k) for k in stale[:50])
    )


def _copy_sources(target: Path) -> None:
    """Copy what makemessages reads (.py, .html, .txt) from the project, keeping paths."""
    for dirpath, dirnames, filenames in os.walk(ROOT):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS]
        for name in filenames:
            if Path(name).suffix in SOURCE_SUFFIXES:
                destination = target / (here / name).relative_to(ROOT)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, destination)


def test_every_marked_string_is_in_the_chinese_catalog(tmp_path, zh_po):
    work = tmp_path / "project"
    _copy_sources(work)
    (work / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--ignore=.venv"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(work / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    found = {_key(e): e for e in extracted if e.msgid}
    assert found, "makemessages found no strings at all: the copy is wrong"
    committed = {_key(e): e for e in zh_po if not e.obsolete}
    missing = []
    for key, entry in sorted(found.items()):
        known = committed.get(key)
        if known is None or (known.msgid_plural or "") != (entry.msgid_plural or ""):
            where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:3])
            missing.append(f"{_label(key)} ({where})")
    assert not missing, (
        "strings marked for translation but missing from the catalog "
        "(run `make messages` and translate them):\n" + "\n".join(missing)
    )


@pytest.fixture
def restore_language():
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.mark.django_db
def test_login_page_is_chinese_by_default_and_english_after_switching(client, restore_language):
    login = reverse("login")

    page = client.get(login)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "Sign in" not in html

    switched = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert switched.status_code == 302
    assert switched["Location"] == login
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client.get(login).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "登录" not in html

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})
    assert "登录" in client.get(login).content.decode()
