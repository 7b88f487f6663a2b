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
