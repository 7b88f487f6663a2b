"""Every error of a form that a page renders must be on the page (pytest plugin).

A form that fails and says nothing looks like a page that ignored the click: it happened with
a tampered hand-over row (the error sat on a select rendered as a bare widget) and with a visit
form sent twice (the error sat on a hidden field). Each page is free to lay its fields out, so
instead of checking templates we check what the test client gets back: for each bound form in
the context, each of its error messages must appear in the HTML."""

from __future__ import annotations

import pytest
from django.forms import BaseForm, BaseFormSet
from django.test.client import Client
from django.utils.html import escape


def _forms(context) -> list[BaseForm]:
    found, seen = [], set()
    for layer in context or []:
        for value in layer.dicts if hasattr(layer, "dicts") else [layer]:
            for item in value.values() if isinstance(value, dict) else []:
                items = item.forms if isinstance(item, BaseFormSet) else [item]
                for form in items:
                    if isinstance(form, BaseForm) and id(form) not in seen:
                        seen.add(id(form))
                        found.append(form)
    return found


def missing_errors(response) -> list[str]:
    """Error messages of the page's forms that its HTML does not show."""
    if "html" not in response.get("Content-Type", ""):
        return []
    context = getattr(response, "context", None)
    if context is None:
        return []
    layers = context if isinstance(context, list) else [context]
    html = response.content.decode(errors="replace")
    missing = []
    for form in _forms(layers):
        # only forms already validated by the view: never validate one here
        if not form.is_bound or form._errors is None:
            continue
        for field, messages in form.errors.items():
            if field in form.fields and form.fields[field].widget.is_hidden:
                # a value the page's script fills in (a check-in's position): the person
                # cannot correct it, so a message saying it failed is enough
                if "alert-danger" not in html:
                    missing += [f"{field}: {m}" for m in messages]
                continue
            missing += [f"{field}: {m}" for m in messages if escape(m) not in html]
    return missing


@pytest.fixture(autouse=True)
def _form_errors_are_shown(monkeypatch):
    request = Client.request

    def checked(self, **kwargs):
        response = request(self, **kwargs)
        if kwargs.get("REQUEST_METHOD") != "POST" or response.status_code != 200:
            # a filter (GET) may drop a value outside the user's scope; a refusal page
            # (the sign-in lockout's 429) is itself the message
            return response
        missing = missing_errors(response)
        if missing:
            pytest.fail(
                f"{kwargs.get('PATH_INFO')} did not show these form errors: {missing}",
                pytrace=False,
            )
        return response

    monkeypatch.setattr(Client, "request", checked)
