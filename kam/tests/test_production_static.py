"""Production mode as the README documents it: `collectstatic` writes the manifest that a
DEBUG=false server needs to render its pages, even when it was run with DEBUG on (a local
checkout's setting), which once left the server failing on every page."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_collectstatic_serves_a_debug_off_server_whatever_debug_it_ran_with(tmp_path):
    drop = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}  # the product's own settings
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["STATIC_ROOT"] = str(tmp_path / "static")
    collected = _run({**env, "DEBUG": "true"}, "manage.py", "collectstatic", "--noinput", "-v0")
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "css/kam.css" in manifest["paths"]

    page = _run(
        {**env, "DEBUG": "false", "SECRET_KEY": "x" * 50},
        "-c",
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kam.settings');"
        "django.setup(); from django.test import Client;"
        "c = Client(raise_request_exception=False, HTTP_HOST='localhost');"
        "r = c.get('/login/', secure=True);"
        "print(r.status_code); print(r.content.decode())",
    )
    assert page.returncode == 0, page.stderr
    status, html = page.stdout.split("\n", 1)
    assert status == "200", page.stdout[:2000] + page.stderr[-2000:]
    hashed = manifest["paths"]["css/kam.css"]
    assert hashed != "css/kam.css" and f"/static/{hashed}" in html
