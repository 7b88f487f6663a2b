"""Data built once per test module, and the rows migrations seed.

A budget test needs hundreds of accounts and thousands of visits; building them for every
test of a module costs minutes. `built_once` builds them once, inside a transaction around
the module: each test's own transaction nests in it as a savepoint and rolls back to the
built data, and the module's transaction rolls back when its last test is done. It is
Django's setUpTestData, for pytest's module-scoped fixtures:

    @pytest.fixture(scope="module")
    def sales(django_db_setup, django_db_blocker):
        yield from built_once(django_db_blocker, make_sales)

The fixture must be a direct argument of the test or of its function-scoped fixtures: one
asked for by request.getfixturevalue would open after the test's transaction, inside it.
The rows are rolled back after each test, the Python objects are not: a module whose tests
change the objects they hold hands each test a copy.deepcopy of them (as setUpTestData does).
Not for transactional tests (browser, live server), which need no transaction around them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.apps import apps
from django.db import transaction

T = TypeVar("T")

# Data that migrations seed (frequency rules, complaint deadlines, analysis settings): model,
# then the plain module and function that its migration calls too.
SEEDS = [
    ("visits.FrequencyRule", "visits.seeds", "seed_frequency_rules"),
    ("complaints.ComplaintDeadline", "complaints.seeds", "seed_deadlines"),
    ("analysis.ChurnWeight", "analysis.seeds", "seed_rules"),
]


def lay_seeds() -> None:
    """Lay again the seeds a transactional test's flush has emptied; one query each if not."""
    for model, module, func in SEEDS:
        if not apps.get_model(model).objects.exists():
            getattr(importlib.import_module(module), func)(apps)


def built_once(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Yield build()'s data for a module's tests; roll it back after them."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            lay_seeds()
            data = build()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
