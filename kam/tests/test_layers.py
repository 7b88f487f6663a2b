"""The layers (README "Layout"): an app depends only on apps to its left.

    kam  <-  accounts  <-  visits, receivables, complaints  <-  appraisal, analysis

kam/, the shell, names no business app: the apps plug into it through kam/registry.py. The
test reads the source, not the running program, so it also sees what no import shows:

- every `import` and `from … import` of every .py file of an app, those inside functions and
  under `if TYPE_CHECKING:` included, and `import_module("…")` calls;
- string constants that name another app's view (`"analysis:churn"`, for `reverse()`);
- templates: `{% load %}` of an app's tag library, `{% url 'app:…' %}`, and `{% include %}` /
  `{% extends %}` of another app's templates. A template in `templates/<app>/` belongs to that
  app; `base.html`, `section.html`, `partials/`, `kam/`, `registration/` and the error pages
  to the shell.

Apps of the same level do not depend on each other (none do today: appraisal and analysis
share only what lies to their left). An app's tests follow its app's rule: they may use the
fixtures of lower layers. kam/tests is the one exception: it holds the cast and factories that
every app's tests share, and the checks that span the product (the whole day's job schedule,
page budgets, this test).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# receivables and complaints are listed before they exist so that they land in their place.
LAYERS = {
    "kam": 0,
    "accounts": 1,
    "visits": 2,
    "receivables": 2,
    "complaints": 2,
    "appraisal": 3,
    "analysis": 3,
}
SHELL_TEMPLATES = {"base.html", "section.html", "partials", "kam", "registration"}
EXEMPT = [ROOT / "kam" / "tests"]  # see the module's docstring

VIEW_NAME = re.compile(r"^(?P<app>[a-z_]+):[a-z_]+$")
LOAD = re.compile(r"{%\s*load\s+(?P<names>[^%]+?)\s*%}")
URL = re.compile(r"""{%\s*url\s+['"](?P<app>[a-z_]+):""")
INCLUDE = re.compile(r"""{%\s*(?:include|extends)\s+['"](?P<path>[^'"]+)['"]""")


@dataclass(frozen=True)
class Violation:
    where: str
    app: str
    uses: str
    how: str

    def __str__(self) -> str:
        return f"{self.where}: {self.app} uses {self.uses} ({self.how})"


def may_use(app: str, other: str) -> bool:
    return app == other or other not in LAYERS or LAYERS[other] < LAYERS[app]


# Python -------------------------------------------------------------------------------------


def _used_apps(tree: ast.AST):
    """(app, how) for every app a module names: imports anywhere in it, import_module("…")
    calls, and string constants that are view names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], f"from {node.module} import …"
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value.split(".")[0], f"import_module({node.args[0].value!r})"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = VIEW_NAME.match(node.value)
            if match:
                yield match["app"], f"view name {node.value!r}"


def python_violations(app: str, source: str, where: str) -> list[Violation]:
    tree = ast.parse(source, filename=where)
    return [
        Violation(where, app, other, how)
        for other, how in _used_apps(tree)
        if other in LAYERS and not may_use(app, other)
    ]


def _python_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if not any(path.is_relative_to(e) for e in EXEMPT):
            yield path


# Templates ----------------------------------------------------------------------------------


def tag_libraries() -> dict[str, str]:
    """Our template tag libraries: name -> the app that defines it."""
    return {
        path.stem: app
        for app in LAYERS
        for path in (ROOT / app / "templatetags").glob("*.py")
        if path.stem != "__init__"
    }


def template_owner(relative: Path) -> str:
    first = relative.parts[0]
    if first in SHELL_TEMPLATES or len(relative.parts) == 1:
        return "kam"
    return first


def template_violations(
    owner: str, text: str, where: str, libraries: dict[str, str]
) -> list[Violation]:
    found: list[Violation] = []
    for match in LOAD.finditer(text):
        names = match["names"].split()
        if "from" in names:  # {% load a b from library %}
            names = names[names.index("from") + 1 :]
        # Stricter than imports: a template loads its own app's tags or the shell's, never
        # another app's (what one app shows on another's page comes as a registry panel).
        found += [
            Violation(where, owner, libraries[n], f"{{% load {n} %}}")
            for n in names
            if n in libraries and libraries[n] not in (owner, "kam")
        ]
    used = [(m["app"], f"{{% url '{m['app']}:…' %}}") for m in URL.finditer(text)]
    for match in INCLUDE.finditer(text):
        used.append((template_owner(Path(match["path"])), f"template {match['path']}"))
    return found + [
        Violation(where, owner, other, how)
        for other, how in used
        if other in LAYERS and not may_use(owner, other)
    ]


# The project --------------------------------------------------------------------------------


def project_violations() -> tuple[list[Violation], int]:
    """Every violation in the tree, and how many files were read (so an empty walk cannot
    pass for a clean one)."""
    found, read = [], 0
    for app in LAYERS:
        for path in _python_files(app):
            found += python_violations(app, path.read_text(), str(path.relative_to(ROOT)))
            read += 1
    libraries = tag_libraries()
    templates = ROOT / "templates"
    for path in sorted(templates.rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        relative = path.relative_to(templates)
        found += template_violations(
            template_owner(relative), path.read_text(), f"templates/{relative}", libraries
        )
        read += 1
    return found, read


def test_no_app_depends_on_an_app_to_its_right_or_beside_it():
    violations, read = project_violations()
    assert read > 300  # the walk really read the apps and the templates
    assert not violations, "\n".join(map(str, violations))


# The checker itself catches what it must --------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("kam", "from accounts.models import KeyAccount\n"),
        ("kam", "def home(request):\n    from analysis.selectors import at_risk\n"),
        ("kam", "import visits.tally\n"),
        ("kam", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import accounts\n"),
        ("kam", "import importlib\nimportlib.import_module('appraisal.demo')\n"),
        ("kam", "from django.urls import reverse\nURL = reverse('accounts:list')\n"),
        ("accounts", "from visits.models import Visit\n"),
        ("accounts", "from receivables.models import Invoice\n"),  # a future app
        ("visits", "from complaints import services\n"),  # the same level
        ("appraisal", "from analysis.churn import weights\n"),  # the same level
        ("visits", "def f():\n    from appraisal import metrics\n"),
    ],
)
def test_a_violating_import_is_caught(app, source):
    assert python_violations(app, source, "fake.py")


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("kam", "from kam.registry import registry\nfrom django.db import models\n"),
        ("accounts", "from kam import roles\nfrom . import selectors\n"),
        ("visits", "from accounts.models import KeyAccount\n"),
        ("analysis", "from visits import rules\nfrom accounts import selectors\n"),
        ("complaints", "from accounts.services import timeline_add\n"),
        ("kam", "LABEL = 'accounts: a word and a colon, not a view name'\n"),
    ],
)
def test_an_allowed_import_passes(app, source):
    assert python_violations(app, source, "fake.py") == []


LIBS = {
    "analysis_tags": "analysis",
    "money": "kam",
    "receivables_tags": "receivables",
    "compliance_tags": "visits",
}


@pytest.mark.parametrize(
    ("owner", "text"),
    [
        ("accounts", "{% load i18n analysis_tags %}"),
        ("accounts", "{% load class_tone from analysis_tags %}"),
        ("kam", "{% load receivables_tags %}"),
        ("appraisal", "{% load i18n compliance_tags %}"),
        ("kam", '<a href="{% url "visits:plans" %}">'),
        ("kam", "{% include 'accounts/home/summary.html' %}"),
        ("visits", "{% extends 'appraisal/detail.html' %}"),
    ],
)
def test_a_violating_template_is_caught(owner, text):
    assert template_violations(owner, text, "fake.html", LIBS)


@pytest.mark.parametrize(
    ("owner", "text"),
    [
        ("kam", "{% load i18n static panels %}{% url 'inbox' %}{% include 'partials/form.html' %}"),
        ("analysis", "{% load i18n money analysis_tags %}{% url 'accounts:detail' a.pk %}"),
        ("visits", "{% load crispy_forms_tags compliance_tags %}{% extends 'section.html' %}"),
    ],
)
def test_an_allowed_template_passes(owner, text):
    assert template_violations(owner, text, "fake.html", LIBS) == []


def test_templates_belong_to_their_folder():
    assert template_owner(Path("accounts/home/summary.html")) == "accounts"
    assert template_owner(Path("partials/navbar.html")) == "kam"
    assert template_owner(Path("404.html")) == "kam"
    assert tag_libraries()["analysis_tags"] == "analysis"
