"""The helpers every app's services and views share (kam/services.py, kam/forms.py): one copy
of each rule, and a check that no app writes simple-history's author by hand again."""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import Contact
from kam.forms import add_service_error
from kam.services import apply_changes, save_with_history


class NoteForm(forms.Form):
    note = forms.CharField()


def test_a_service_error_naming_a_field_the_form_lacks_lands_above_the_form():
    form = NoteForm(data={"note": "x"})
    assert form.is_valid()
    exc = ValidationError({"note": "too short", "lost_on": "A lost account needs a date."})
    add_service_error(form, exc)  # Django's form.add_error(None, exc) raises ValueError here
    assert form.errors["note"] == ["too short"]
    assert form.non_field_errors() == ["A lost account needs a date."]


def test_a_service_error_naming_no_field_lands_above_the_form():
    form = NoteForm(data={"note": "x"})
    form.is_valid()
    add_service_error(form, ValidationError(["one", "two"]))
    assert form.non_field_errors() == ["one", "two"]
    assert "note" not in form.errors


@pytest.mark.django_db
def test_apply_changes_names_only_what_changed_and_the_history_names_the_author(cast):
    contact = Contact.objects.get(account=cast.account)
    changed = apply_changes(contact, {"name": contact.name, "title": "采购总监"})
    assert changed == ["title"]
    save_with_history(contact, cast.manager, reason="reorganised")
    row = contact.history.first()
    assert (row.title, row.history_user, row.history_change_reason) == (
        "采购总监",
        cast.manager,
        "reorganised",
    )


@pytest.mark.django_db
def test_save_with_history_can_validate_first(cast):
    contact = Contact.objects.get(account=cast.account)
    contact.name = ""
    with pytest.raises(ValidationError):
        save_with_history(contact, cast.owner, clean=True)
    assert Contact.objects.get(pk=contact.pk).name == "李采购"


HAND_WRITTEN = re.compile(r"\._history_(user|date)\b[^=\n]*=(?!=)|_change_reason\s*=(?!=)")


def test_only_the_helper_sets_the_history_author():
    """The one place that knows simple-history's private attributes is kam/services.py."""
    root = Path(settings.BASE_DIR)
    helper = root / "kam" / "services.py"
    offenders = []
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or path == helper:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_WRITTEN.search(line):
                offenders.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert offenders == []
    assert HAND_WRITTEN.search("    plan._history_date, plan._history_user = a, b")
    assert not HAND_WRITTEN.search("assert row.history_user == by")
