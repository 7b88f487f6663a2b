"""Response headers every page carries: the Content-Security-Policy, and no caching of
what we serve.

The policy allows scripts and styles from our own origin only: no inline <script>, no
onclick="…", no <style> blocks; the little JavaScript we need lives in static/js. Style
*attributes* (style="width: 40%") are still allowed: progress bars and chart sizes are
computed per row on the server, and moving each of them to a script would only hide the
same thing behind JavaScript.

Every response that passes through Django (static files are answered earlier, by
WhiteNoise) is marked `no-store`: archives, receivables and exports are confidential, and a
shared or lost computer must not keep a copy in its cache or show it again on "Back" after
signing out. A view that sets its own Cache-Control keeps it.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        # Bootstrap draws its form controls' arrows and ticks with data: SVG images.
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", POLICY)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
