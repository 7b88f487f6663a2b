"""The product's own error pages (templates/403.html, 404.html, 500.html, in the site's
layout and the user's language, with a way back). Django's handlers render 403 and 404 with
the request; these two cover what they would not."""

from __future__ import annotations

import logging

from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template import loader

log = logging.getLogger(__name__)


def server_error(request):
    """The 500 page, without a request context or the database: the error may be the
    database. If even the template fails, a line of text is better than nothing."""
    try:
        html = loader.get_template("500.html").render({})
    except Exception:  # noqa: BLE001 - the last resort must not raise
        log.exception("the 500 page did not render")
        html = "<!doctype html><title>500</title><h1>500</h1>"
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    """A form that expired (or came from elsewhere): our 403 page with a hint, not Django's."""
    html = loader.get_template("403.html").render({"csrf_failure": True}, request)
    return HttpResponseForbidden(html)
