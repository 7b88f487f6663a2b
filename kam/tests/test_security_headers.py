"""What every answer carries (kam/security.py) and how production is configured: a
Content-Security-Policy without inline scripts, no caching of confidential pages and files,
DEBUG off unless asked for, and `check --deploy` clean with the README's production variables.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from kam.security import POLICY

pytestmark = pytest.mark.django_db


def directives(policy: str) -> dict[str, list[str]]:
    parts = (p.split() for p in policy.split(";") if p.strip())
    return {name: values for name, *values in parts}


def test_the_policy_allows_no_inline_script_and_no_style_block():
    policy = directives(POLICY)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in POLICY


def test_pages_errors_and_redirects_carry_the_policy(client, cast):
    assert client.get(reverse("login"))["Content-Security-Policy"] == POLICY
    assert client.get(reverse("home"))["Content-Security-Policy"] == POLICY  # a redirect
    client.force_login(cast.owner)
    assert client.get("/no-such-page/")["Content-Security-Policy"] == POLICY
    assert client.get(reverse("inbox"))["Content-Security-Policy"] == POLICY


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_archive_receivables_and_exports_are_never_cached(client, cast):
    client.force_login(cast.owner)
    pk = cast.account.pk
    archive = client.get(reverse("accounts:detail", args=[pk]))
    receivables = client.get(reverse("receivables:account", args=[pk]))
    export = client.get(reverse("accounts:export", args=[pk]))
    assert [r.status_code for r in (archive, receivables, export)] == [200, 200, 200]
    assert all(_no_store(r) for r in (archive, receivables, export))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(cast.sales_vp)
    report = client.get(reverse("receivables:report"))
    assert report.status_code == 200 and _no_store(report)


def test_a_view_that_sets_its_own_cache_header_keeps_it(rf):
    from django.http import HttpResponse

    from kam.security import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("photo")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Security-Policy"] == POLICY


SETTINGS_FILE = Path(settings.BASE_DIR) / "kam" / "settings.py"


def _settings_with(monkeypatch, **env) -> dict:
    for name in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_debug_is_off_unless_turned_on(monkeypatch):
    assert _settings_with(monkeypatch, SECRET_KEY="x" * 50)["DEBUG"] is False
    assert _settings_with(monkeypatch, DEBUG="true")["DEBUG"] is True
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        _settings_with(monkeypatch)  # off, and no key: refuses to start


def test_check_deploy_is_clean_with_the_production_variables():
    env = {
        # The test run's own variables (DEBUG, async-unsafe for Playwright) stay out.
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))},
        "DJANGO_SETTINGS_MODULE": "kam.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-production-length-key-" + "q7Z!p2" * 8,
        "ALLOWED_HOSTS": "crm.example.cn",
        "CSRF_TRUSTED_ORIGINS": "https://crm.example.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
