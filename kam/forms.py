from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


def service_errors(form, exc: ValidationError) -> None:
    """Put a service's errors on the fields they name, the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class LoginForm(AuthenticationForm):
    """Django's form; the request is passed on so axes can count failures per address."""


class InboxFilterForm(forms.Form):
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
