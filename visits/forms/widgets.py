"""Widgets rendered in Python, for the plan form's many rows: Django renders each widget
through a template (about a millisecond apiece), which thirty rows of seven fields feel."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


def options_html(choices: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in choices)


class PrebuiltSelect(forms.Widget):
    """A select whose options are rendered once per page and shared by every row: thirty
    rows of two hundred accounts would otherwise escape six thousand options one by one."""

    options = '<option value="">—</option>'

    def render(self, name, value, attrs=None, renderer=None):
        html = self.options
        if value not in (None, ""):
            needle = f'value="{escape(value)}"'
            html = html.replace(needle, needle + " selected", 1)
        attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{html}</select>')


class _Direct:
    """An <input> written out directly, with the value formatted as the widget would."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("type", self.input_type)
        value = self.format_value(value)
        if value is not None:
            attrs["value"] = value
        return format_html('<input name="{}"{}>', name, flatatt(attrs))


class DirectDateInput(_Direct, forms.DateInput):
    pass


class DirectNumberInput(_Direct, forms.NumberInput):
    pass


class DirectTextInput(_Direct, forms.TextInput):
    pass


class DirectHiddenInput(_Direct, forms.HiddenInput):
    pass


class PurposeChips(forms.CheckboxSelectMultiple):
    """The purposes as toggle chips (Bootstrap's btn-check): one tab stop each, Space ticks."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value or [])}
        base = self.build_attrs(self.attrs, attrs).get("id", name)
        chips = []
        for index, (code, label) in enumerate(self.choices):
            chip_id = f"{base}_{index}"
            chips.append(
                format_html(
                    '<input type="checkbox" class="btn-check" name="{}" value="{}" id="{}"'
                    ' autocomplete="off"{}><label class="btn btn-outline-secondary" for="{}">'
                    "{}</label>",
                    name,
                    code,
                    chip_id,
                    mark_safe(" checked") if str(code) in chosen else "",
                    chip_id,
                    label,
                )
            )
        return format_html(
            '<div class="d-flex flex-wrap gap-1" role="group" aria-label="{}">{}</div>',
            self.attrs.get("aria-label", ""),
            mark_safe("".join(chips)),
        )
