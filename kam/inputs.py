"""What every typed value must be, in one place: the rules every form of the project follows
(`InputRulesMixin`), the date range of business dates (`DateRange`) and phone numbers
(`validate_phone`). The Excel import goes through the same forms, so it follows them too."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

# C0 controls but tab (\x09) and newline (\x0a), DEL, and the C1 controls. Carriage returns
# are turned into newlines before this runs: browsers send a textarea's lines as \r\n.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?")


def clean_text(value: str, *, multiline: bool = True) -> str:
    """Remove control characters (pasted from Word, Excel or a PDF, or sent on purpose); a
    one-line box also loses tabs and line breaks, which it cannot show."""
    value = _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))
    if not multiline:
        value = re.sub(r"[\t\n]+", " ", value)
    return value


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@deconstructible
class DateRange:
    """A business date lies between `earliest` and `years_ahead` years from today: nobody signs
    a contract in the year 1 or collects a payment in 2099 — such a date is a typing error."""

    def __init__(self, earliest: dt.date = dt.date(2000, 1, 1), years_ahead: int = 10):
        self.earliest = earliest
        self.years_ahead = years_ahead

    def latest(self) -> dt.date:
        return _add_years(timezone.localdate(), self.years_ahead)

    def __call__(self, value) -> None:
        if not isinstance(value, dt.date):
            return
        if value < self.earliest:
            raise ValidationError(
                _("This date is too early: enter a date on or after %(earliest)s."),
                code="date_too_early",
                params={"earliest": formats.date_format(self.earliest)},
            )
        latest = self.latest()
        if value > latest:
            if self.years_ahead == 0:
                message = _("This date is in the future: enter a date on or before %(latest)s.")
            else:
                message = _("This date is too far ahead: enter a date on or before %(latest)s.")
            raise ValidationError(
                message, code="date_too_late", params={"latest": formats.date_format(latest)}
            )

    def __eq__(self, other):
        return isinstance(other, DateRange) and (self.earliest, self.years_ahead) == (
            other.earliest,
            other.years_ahead,
        )


BUSINESS_DATES = DateRange()
PAST_DATES = DateRange(years_ahead=0)  # things that have happened: payments, visits, reviews

# Several numbers in one box are usual ("0510-81894459 / 0510-82966838"); an extension follows
# 转, 分机, ext or x (the way kam/templatetags/phone.py reads them to dial).
_SEPARATORS = re.compile(r"\s*(?:[/,，;；、]|\bor\b|或)\s*")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?[2-9]\d{2,3}-?\d{4}(?:-\d{1,6})?")
_SERVICE = re.compile(r"[48]00-?\d{3}-?\d{4}")  # 400 / 800 numbers
_INTERNATIONAL = re.compile(r"\+[1-9][\d-]{6,17}")


def _one_number_ok(number: str) -> bool:
    number = _EXTENSION.sub("", number)
    number = re.sub(r"[\s\u3000.]|[()（）]", lambda m: "-" if m.group() in ")）" else "", number)
    number = re.sub(r"-+", "-", number).strip("-")
    if number.startswith("+86") or number.startswith("0086"):
        number = number.split("86", 1)[1].lstrip("-")
        if not number.startswith("1") and not number.startswith("0"):
            number = "0" + number  # +86 510 8189 4459: the area code loses its 0 abroad
        number = number.lstrip("-")
    if number.startswith("+"):
        digits = sum(c.isdigit() for c in number)
        return bool(_INTERNATIONAL.fullmatch(number)) and 7 <= digits <= 15
    compact = number.replace("-", "")
    if compact.startswith("1"):
        return bool(_MOBILE.fullmatch(compact))
    return bool(_LANDLINE.fullmatch(number) or _LANDLINE.fullmatch(compact)) or bool(
        _SERVICE.fullmatch(number)
    )


def validate_phone(value: str) -> None:
    """A Chinese mobile number, a landline with its area code (and an extension), a 400/800
    number, or an international number starting with +; several separated by / or ；."""
    numbers = [n for n in _SEPARATORS.split((value or "").strip()) if n]
    bad = [n for n in numbers if not _one_number_ok(n)]
    if bad:
        raise ValidationError(
            _(
                "“%(number)s” is not a phone number we can dial. Enter a mobile number of 11 "
                "digits (138 1234 5678), a landline with its area code (0510-8189 4459, an "
                "extension after 转), or an international number starting with + "
                "(+852 2123 4567)."
            ),
            code="phone",
            params={"number": bad[0]},
        )


class PhoneField(forms.CharField):
    default_validators = [validate_phone]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "tel")
        return attrs


class InputRulesMixin:
    """Put first in the bases of every form (kam/tests/test_inputs.py checks): text loses
    control characters before any other check sees it, and every date field refuses dates
    outside its range — `BUSINESS_DATES` unless the form's `date_ranges` names another."""

    date_ranges: dict[str, DateRange] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField) and not any(
                isinstance(v, DateRange) for v in field.validators
            ):
                field.validators.append(self.date_ranges.get(name, BUSINESS_DATES))
        if self.is_bound:
            self.data = self._cleaned_text(self.data)

    def _cleaned_text(self, data):
        """The data with every text value cleaned; the same object when nothing changes (a
        plan's formset has a hundred forms over one QueryDict: no copy each)."""
        changes = {}
        for name, field in self.fields.items():
            if not isinstance(field, (forms.CharField, forms.ChoiceField)):
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            cleaned = [
                clean_text(v, multiline=multiline) if isinstance(v, str) else v for v in values
            ]
            if cleaned != values:
                changes[key] = cleaned
        if not changes:
            return data
        data = data.copy()  # a QueryDict's copy is mutable
        for key, values in changes.items():
            if hasattr(data, "setlist"):
                data.setlist(key, values)
            else:
                data[key] = values[0]
        return data


def form_error_messages(form) -> list[str]:
    """A form's errors as lines that say which field they are about, for the pages that post
    a small form and report by message: the message must be the form's own (a name too long
    is "too long", not "give it a name")."""
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field and (field.label or field.widget.attrs.get("aria-label") or form[name].label)
        lines += [labelled(label, e) for e in errors]
    return lines


def labelled(label, message) -> str:
    """“Label: message”, with the colon of the user's language (full-width in Chinese)."""
    if not label:
        return str(message)
    return pgettext("a field's label before its error", "%(label)s: %(message)s") % {
        "label": capfirst(label),
        "message": message,
    }
