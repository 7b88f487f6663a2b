"""Every URL is in some permission matrix: each namespace, and for visits each view module,
is claimed by a matrix module that checks it with kam.tests.matrix.covers_every_url. A new
namespace or view module fails here until a matrix takes it."""

from pathlib import Path

from kam.tests.matrix import url_names

ROOT = Path(__file__).resolve().parents[2]

# namespace ("" the project's own URLs): the modules that check it
NAMESPACES = {
    "": ["accounts/tests/test_permissions.py"],
    "accounts": ["accounts/tests/test_permissions.py"],
    "receivables": ["receivables/tests/test_permissions.py"],
    "complaints": ["complaints/tests/test_permissions.py"],
    "analysis": ["analysis/tests/test_permissions.py"],
    "appraisal": ["appraisal/tests/test_views.py"],
    "visits": [
        "visits/tests/test_calendar_permissions.py",
        "visits/tests/test_checkin_permissions.py",
        "visits/tests/test_compliance_permissions.py",
        "visits/tests/test_plan_permissions.py",
        "visits/tests/test_schedule_permissions.py",
    ],
}
# visits is split over several matrices, by the module that serves the URL.
VISITS_VIEWS = {
    "visits.views.calendar": "visits/tests/test_calendar_permissions.py",
    "visits.views.checkins": "visits/tests/test_checkin_permissions.py",
    "visits.views.compliance": "visits/tests/test_compliance_permissions.py",
    "visits.views.plans": "visits/tests/test_plan_permissions.py",
    "visits.views.records": "visits/tests/test_plan_permissions.py",
    "visits.views.spot_checks": "visits/tests/test_plan_permissions.py",
    "visits.views.schedule": "visits/tests/test_schedule_permissions.py",
}


def test_every_namespace_has_a_matrix():
    namespaces = {name.rpartition(":")[0] for name, _pattern in url_names()}
    assert namespaces == set(NAMESPACES)
    for namespace, modules in NAMESPACES.items():
        for module in modules:
            assert f'covers_every_url("{namespace}"' in (ROOT / module).read_text(), module


def test_every_visits_view_module_has_a_matrix():
    modules = {p.callback.__module__ for n, p in url_names() if n.startswith("visits:")}
    assert modules == set(VISITS_VIEWS)
    for views, module in VISITS_VIEWS.items():
        assert f'"{views}"' in (ROOT / module).read_text(), module
