"""The input rules every form follows (kam/inputs.py), and the check that every form does."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from kam.inputs import (
    BUSINESS_DATES,
    DateRange,
    InputRulesMixin,
    PhoneField,
    clean_text,
    form_error_messages,
    validate_phone,
)
from kam.tests.form_errors import missing_errors

APPS = ["accounts", "visits", "receivables", "complaints", "appraisal", "analysis"]
# Django's login form: a password is compared as typed, whatever characters it holds.
EXEMPT = {"kam.forms.LoginForm"}


@pytest.mark.parametrize(
    "number",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "0510-81894459",
        "0510-8189 4459",
        "(0510) 8189 4459",
        "010-62345678-801",
        "0510-81894459转8021",
        "0510-81894459 ext. 21",
        "0510-5123456",  # seven-digit local number
        "0510-81894459 / 0510-82966838",
        "400-820-8820",
        "+852 2123 4567",
        "+1 650-253-0000",
        "+86 510 8189 4459",
        "",
    ],
)
def test_phone_numbers_people_type_are_accepted(number):
    validate_phone(number)


@pytest.mark.parametrize(
    "number",
    [
        "12345",
        "23812345678",  # no such mobile prefix
        "1381234567",  # a digit short
        "81894459",  # no area code
        "0510-0123456",  # a local number never starts with 0
        "+86 12345",
        "+12",
        "电话待补",
        "0510-81894459 / 123",
        "13812345678a",
    ],
)
def test_other_text_is_refused_as_a_phone_number(number):
    with pytest.raises(ValidationError) as caught:
        validate_phone(number)
    assert caught.value.code == "phone"


def test_control_characters_go_tabs_and_newlines_stay():
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f\u009fg") == "abcdefg"
    assert clean_text("一\r\n二\r三\t四\n") == "一\n二\n三\t四\n"
    assert clean_text("一\n二\t三", multiline=False) == "一 二 三"


@time_machine.travel(dt.datetime(2026, 6, 10, 12), tick=False)
def test_business_dates_lie_between_2000_and_ten_years_ahead():
    BUSINESS_DATES(dt.date(2000, 1, 1))
    BUSINESS_DATES(dt.date(2036, 6, 10))
    for day in (dt.date(1, 1, 1), dt.date(1999, 12, 31), dt.date(2036, 6, 11)):
        with pytest.raises(ValidationError):
            BUSINESS_DATES(day)
    with translation.override("en"), pytest.raises(ValidationError, match="future"):
        DateRange(years_ahead=0)(dt.date(2026, 6, 11))


class _Sample(InputRulesMixin, forms.Form):
    name = forms.CharField(max_length=5)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    on = forms.DateField(required=False)
    since = forms.DateField(required=False)
    date_ranges = {"since": DateRange(earliest=dt.date(1950, 1, 1))}


def test_the_mixin_cleans_text_before_the_length_check_and_bounds_every_date():
    form = _Sample({"name": "ab\x00\x01\x02cde", "notes": "x\r\ny\x0c", "on": "0001-01-01"})
    assert not form.is_valid()
    assert list(form.errors) == ["on"]
    assert form.cleaned_data["name"] == "abcde"
    assert form.cleaned_data["notes"] == "x\ny"
    assert _Sample({"name": "a", "since": "1960-01-01"}).is_valid()
    assert not _Sample({"name": "a", "on": "1960-01-01"}).is_valid()


def test_a_formset_of_mixed_forms_shares_one_query_dict_untouched():
    factory = forms.formset_factory(_Sample, extra=0)
    data = (
        RequestFactory()
        .post(
            "/",
            {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-name": "a\x00b"}
            | {"form-1-name": "cd"},
        )
        .POST
    )
    formset = factory(data)
    assert formset.forms[0].data is not data  # copied: it had something to clean
    assert formset.forms[1].data is data  # nothing to clean: no copy
    assert formset.forms[0]["name"].value() == "ab"


def _project_forms():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            importlib.import_module(info.name)
    importlib.import_module("kam.forms")

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    seen = set()
    for cls in walk(forms.BaseForm):
        name = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__module__.split(".")[0] in [*APPS, "kam"] and name not in seen:
            seen.add(name)
            if ".tests" not in cls.__module__:
                yield name, cls


def test_every_form_of_the_project_follows_the_input_rules():
    """One place for the rules, and no form that forgets them: a new form fails here until
    InputRulesMixin comes before Django's form classes in its bases (first among them, or
    through a project form that has it first)."""
    found = dict(_project_forms())
    assert len(found) > 30
    missing = [
        name
        for name, cls in found.items()
        if name not in EXEMPT
        and (
            not issubclass(cls, InputRulesMixin)
            or cls.__mro__.index(InputRulesMixin) > cls.__mro__.index(forms.BaseForm)
        )
    ]
    assert missing == []


def test_form_error_messages_name_their_field():
    with translation.override("en"):
        form = _Sample({"name": "abcdefg"})
        form.is_valid()
        [line] = form_error_messages(form)
    assert line.startswith("Name: ") and "5" in line
    with translation.override("zh-hans"):
        form = _Sample({"name": "abcdefg"})
        form.is_valid()
        [line] = form_error_messages(form)
    assert line.startswith("Name：")  # a full-width colon in Chinese


def test_the_plugin_finds_a_form_error_the_page_does_not_show():
    form = _Sample({"name": ""})
    form.is_valid()
    message = form.errors["name"][0]
    silent = HttpResponse("<form></form>", content_type="text/html")
    silent.context = [{"form": form}]
    assert missing_errors(silent) == [f"name: {message}"]
    shown = HttpResponse(f"<form><p>{message}</p></form>", content_type="text/html")
    shown.context = [{"form": form}]
    assert missing_errors(shown) == []
    unchecked = _Sample({"name": ""})  # a bound form the view never validated: not ours to do
    quiet = HttpResponse("<form></form>", content_type="text/html")
    quiet.context = [{"form": unchecked}]
    assert missing_errors(quiet) == [] and unchecked._errors is None


def test_the_admin_checks_a_users_phone_like_every_other_phone_box(admin_client, django_user_model):
    from django.urls import reverse

    user = django_user_model.objects.create(username="kam9", name="甲")
    url = reverse("admin:kam_user_change", args=[user.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    assert isinstance(form.fields["phone"], PhoneField)
