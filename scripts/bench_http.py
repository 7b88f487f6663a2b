"""What users get: every page of each role's menu timed over real HTTP against gunicorn with
DEBUG=false, at two company sizes, then a four-page mix under load, then the quarter rollup
and the record export against openpyxl's floor (scripts/bench.py). `make bench` runs it.

Each scale has its own database (`kam_bench_<N>` beside BENCH_DATABASE_URL's), generated with
`demo_data --scale N` only when it is empty, so a rerun takes minutes. Prints figures and
asserts nothing but that every page answers 200.

    python scripts/bench_http.py [--scales 2000,20000] [--runs 15] [--mix-seconds 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SECRET = "bench-only-secret-key-" + "x" * 40
MIX = ("account list", "archive page", "compliance, team, year", "home")


# The parent: databases, servers, the comparison ------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="2000,20000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--mix-seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--one-scale", help=argparse.SUPPRESS)  # the child: url of a server
    args = parser.parse_args()
    if args.one_scale:
        _child(args)
        return
    base = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kam_bench")
    static = Path(tempfile.mkdtemp(prefix="kam-bench-static-"))
    scales = [int(s) for s in args.scales.split(",") if s]
    results = {}
    for scale in scales:
        db = _database(base, scale)
        _collectstatic(db, static)
        with _gunicorn(db, static) as url:
            out = subprocess.run(
                [PY, __file__, "--one-scale", url, "--runs", str(args.runs),
                 "--mix-seconds", str(args.mix_seconds), "--concurrency", str(args.concurrency)],
                env={**os.environ, "DATABASE_URL": db, "DEBUG": "true", "SECRET_KEY": SECRET},
                cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True,
            )  # fmt: skip
            results[scale] = json.loads(out.stdout)
    _report(results, scales)
    largest = _database(base, scales[-1])
    print(f"\n== rollup and record export at {scales[-1]:,} accounts", flush=True)
    subprocess.run(
        [PY, "scripts/bench.py", "--skip-pages", "--export-rows", str(args.export_rows)],
        env={**os.environ, "DATABASE_URL": largest, "DEBUG": "false", "SECRET_KEY": SECRET},
        cwd=ROOT, check=True,
    )  # fmt: skip


def _database(base: str, scale: int) -> str:
    """The database of this scale, created, migrated and filled when it is not yet."""
    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/')}_{scale}"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    exists = _psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if not exists:
        _psql(admin, f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    if not _psql(url, "SELECT 1 FROM accounts_keyaccount LIMIT 1"):
        print(f"== generating {scale:,} accounts in {name} (once; later runs reuse it)", flush=True)
        subprocess.run(
            [PY, "manage.py", "demo_data", "--scale", str(scale)],
            env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    subprocess.run([PY, "-c", _ANALYZE], env=env, cwd=ROOT, check=True)
    return url


_ANALYZE = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kam.settings');"
    "django.setup(); from django.db import connection; connection.cursor().execute('ANALYZE')"
)


def _psql(url: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", url, "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout
    return out.strip()


def _collectstatic(db: str, static: Path) -> None:
    env = {**os.environ, "DATABASE_URL": db, "STATIC_ROOT": str(static), "DEBUG": "true"}
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )


class _gunicorn:
    """gunicorn as the README serves it (2 workers x 4 threads here: 2 cores), DEBUG=false."""

    def __init__(self, db: str, static: Path):
        self.db, self.static = db, static

    def __enter__(self) -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {
            **os.environ,
            "DATABASE_URL": self.db,
            "DEBUG": "false",
            "SECRET_KEY": SECRET,
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(self.static),
        }
        env.pop("REDIS_URL", None)
        self.proc = subprocess.Popen(
            [PY, "-m", "gunicorn", "kam.wsgi", "--workers", "2", "--threads", "4",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            env=env, cwd=ROOT,
        )  # fmt: skip
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/login/", headers=_HEADERS)
                if conn.getresponse().status == 200:
                    return f"http://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


_HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}


def _report(results: dict, scales: list[int]) -> None:
    small, large = scales[0], scales[-1]
    print("\n== pages over HTTP, gunicorn 2x4, DEBUG=false (median of runs, ms)")
    print(
        f"{'page':<34} {'who':<14} {small:>7,} {large:>7,} {'p95':>6} {'ratio':>6} "
        f"{'queries':>7} {'KB':>6}"
    )
    rows = {(r["page"], r["who"]): r for r in results[large]["pages"]}
    for r in results[small]["pages"]:
        big = rows.get((r["page"], r["who"]))
        if big is None:
            continue
        ratio = big["median"] / r["median"] if r["median"] else 0
        flag = "  <-- over 150 ms" if big["median"] > _limit(big["page"]) else ""
        print(
            f"{r['page'][:34]:<34} {r['who'][:14]:<14} {r['median']:>7.0f} {big['median']:>7.0f} "
            f"{big['p95']:>6.0f} {ratio:>6.2f} {big['queries']:>7} {big['bytes'] / 1024:>6.0f}"
            f"{flag}"
        )
    for scale in scales:
        mix = results[scale]["mix"]
        print(
            f"\n== mix of {', '.join(MIX)} at {scale:,} accounts: {mix['rps']:.1f} requests/s "
            f"with {mix['concurrency']} clients for {mix['seconds']:.0f} s, median "
            f"{mix['median']:.0f} ms, p95 {mix['p95']:.0f} ms, {mix['errors']} errors"
        )


def _limit(page: str) -> float:
    return 250 if "year" in page else 150  # the year pages (compliance, schedule) may take more


# The child: one scale, against a running server ----------------------------------------------


def _child(args) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    import django

    django.setup()
    from bench_pages import pages_by_role

    url = urlsplit(args.one_scale)
    pages = pages_by_role()
    timed = []
    for page in pages:
        sys.stderr.write(f"  {page.label} ({page.who})\n")
        timed.append(_time_page(url, page, args.runs))
    mix_pages = [p for p in pages if p.mix]
    out = {"pages": timed, "mix": _mix(url, mix_pages, args.mix_seconds, args.concurrency)}
    json.dump(out, sys.stdout)


def _get(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, int]:
    conn.request("GET", path, headers={**_HEADERS, "Cookie": f"sessionid={cookie}"})
    response = conn.getresponse()
    return response.status, len(response.read())


def _time_page(url, page, runs: int) -> dict:
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    status, size = _get(conn, page.path, page.cookie)  # warm the worker's caches
    if status != 200:
        raise RuntimeError(f"{page.path} as {page.who}: {status}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        status, size = _get(conn, page.path, page.cookie)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "page": page.label,
        "who": page.who,
        "median": statistics.median(times),
        "p95": _p95(times),
        "bytes": size,
        "queries": page.queries,
    }


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _mix(url, pages, seconds: float, concurrency: int) -> dict:
    """`concurrency` clients, each on its own keep-alive connection, request the pages in
    turn as fast as they are answered for `seconds`: a closed loop, so the load is bounded."""
    stop = time.perf_counter() + seconds
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        n = offset
        while time.perf_counter() < stop:
            page = pages[n % len(pages)]
            n += 1
            start = time.perf_counter()
            try:
                status, _size = _get(conn, page.path, page.cookie)
            except (OSError, http.client.HTTPException):
                status = 0
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                times.append(elapsed)
                errors[0] += status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "rps": len(times) / elapsed,
        "seconds": elapsed,
        "concurrency": concurrency,
        "median": statistics.median(times),
        "p95": _p95(times),
        "errors": errors[0],
    }


if __name__ == "__main__":
    main()
