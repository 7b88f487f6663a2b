"""Project-wide test settings: fast hashing, in-memory mail, real PostgreSQL."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread

pytest_plugins = [
    "kam.tests.browser",  # browser_page, for every app's browser tests
    "kam.tests.phone",  # narrow_page and wide_page: pages at 390 and 1440 px
    "kam.tests.form_errors",  # every error of a rendered form is on the page
]


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cast(db):
    from kam.tests.cast import make_cast

    return make_cast()


# Data that migrations seed (frequency rules, complaint deadlines, analysis settings). A
# transactional test (browser, real worker) flushes every table when it ends, so the seeds are
# laid again, inside the test's own transaction, whenever a test finds them gone. The seed
# functions live in plain modules that their migrations call too (kam/tests/once.py).
@pytest.fixture(autouse=True)
def _migration_seeds(request):
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and not {"db", "transactional_db", "live_server"} & set(names):
        return
    transactional = (
        "live_server" in names
        or "transactional_db" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from kam.tests.once import lay_seeds

    lay_seeds()


def pytest_sessionstart(session):
    """Modules that work out deadlines when imported (at collection) see the empty table too."""
    from visits import working_calendar

    working_calendar.pin()


@pytest.fixture(autouse=True)
def _holiday_table_pinned():
    """The holiday table (visits.working_calendar) is read at most once a minute; in tests it
    is taken as empty, without a query, so query counts never depend on the clock. A test
    that changes it goes through `calendar_changed`, which reads it again."""
    from visits import working_calendar

    working_calendar.pin()
    yield
    working_calendar.pin()
