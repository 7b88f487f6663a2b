from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's form; the request is passed on so axes can count failures per address."""
