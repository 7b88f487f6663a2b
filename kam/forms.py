from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from kam.inputs import InputRulesMixin


def add_service_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: each error on the field it names when the
    form has that field, the rest (and errors naming no field) above the form. Django's own
    add_error(None, exc) raises when a service names a field this form does not show."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class LoginForm(AuthenticationForm):
    """Django's form; the request is passed on so axes can count failures per address."""


class InboxFilterForm(InputRulesMixin, forms.Form):
    """The inbox's filters. A bad value is not an error: that filter falls back (unread
    reminders, every kind)."""

    show = forms.ChoiceField(choices=[("unread", "unread"), ("all", "all")], required=False)
    kind = forms.ChoiceField(required=False)

    def __init__(self, data=None, *, kinds: list[str]):
        super().__init__(data)
        self.fields["kind"].choices = [("", ""), *((k, k) for k in kinds)]

    def values(self) -> tuple[str, str]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("show") or "unread", cleaned.get("kind") or ""
