"""The test suite's settings: production's (DEBUG off, the same middleware and headers),
served over plain HTTP on one machine, so without the HTTPS redirect and secure cookies."""

import os

# A key of production's length, for tests only; set before the settings read it.
os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 50)

from kam.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
