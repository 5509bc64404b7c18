"""Load test of the member residuals page and API with 100k members in the database (locust, on loopback).

    .venv/bin/python bench/web_load.py [--members 100000] [--lines-per-member 20] [--users 20] [--seconds 30]
                                      [--postgres URL]

Builds a data directory with `members` performers and their residual lines (DuckDB) and as many member
accounts (application database), starts `greenroom serve` in its own process, signs `users` members in,
and runs locust headless against /me/residuals (the page) and /api/me/residuals (the API), one after the
other. Prints requests/s and p50/p99 latency for each, on SQLite and, with --postgres (or
GREENROOM_TEST_DATABASE_URL), on PostgreSQL in a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, text

from greenroom.accounts.models import User
from greenroom.accounts.passwords import hash_password
from greenroom.config import Settings
from greenroom.ingest.models import utcnow
from greenroom.ingest.tables import ensure_tables
from greenroom.residuals.engine import ensure_output_tables
from greenroom.residuals.store import store_lines
from greenroom.store.analytics import connect
from greenroom.store.db import normalize_url, session_factory

PASSWORD = "bench password 1"
TITLES = 2_000
MARKETS = ("network_prime", "syndication", "foreign_tv", "basic_cable", "hbsvod", "pay_tv", "home_video")


@dataclass
class Result:
    """One scenario's numbers."""

    backend: str
    target: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p99_ms: float


def build_analytics(settings: Settings, members: int, per_member: int) -> int:
    """Titles, engagements (names) and residual lines for `members` performers; returns the line count."""
    with connect(settings) as con:
        ensure_tables(con)
        ensure_output_tables(con)
        con.execute(f"""INSERT INTO titles (title_id, name, agreement, kind, length_minutes, pp_date,
            initial_release_date) SELECT 'T' || lpad(i::VARCHAR, 5, '0'), 'Title ' || i, 'sag-aftra-tv-theatrical',
            'network_series', 60, DATE '2019-01-01', DATE '2020-09-01' FROM range({TITLES}) t(i)""")
        con.execute(f"""INSERT INTO engagements (engagement_id, performer_id, title_id, category, days_worked,
            weeks_worked, tac_cents, performer_name) SELECT 'E' || i, 'P' || lpad(i::VARCHAR, 7, '0'),
            'T' || lpad((i % {TITLES})::VARCHAR, 5, '0'), 'day', 1, 0, 100000, 'Performer ' || i
            FROM range({members}) t(i)""")
        markets = "[" + ", ".join(f"'{m}'" for m in MARKETS) + "]"
        # Lines in performer order, as an engine run over a union's titles would roughly leave them.
        store_lines(con, f"""
            SELECT 'L' || lpad(n::VARCHAR, 12, '0') AS line_id, 1 AS run_id, 'sag-aftra-tv-theatrical' AS agreement,
              'bench' AS formula_id, '1' AS formula_version,
              'P' || lpad((n // {per_member})::VARCHAR, 7, '0') AS performer_id,
              'E' || (n // {per_member}) AS engagement_id,
              'T' || lpad(((n // {per_member} + n % 7) % {TITLES})::VARCHAR, 5, '0') AS title_id,
              'X' || n AS exhibition_id,
              {markets}[1 + n % {len(MARKETS)}] AS market, 'residual' AS component,
              DATE '2019-01-01' + ((n % {per_member}) * 91)::INT AS period_start,
              DATE '2019-03-31' + ((n % {per_member}) * 91)::INT AS period_end,
              1000 + (n * 7919) % 250000 AS amount_cents, (1000 + (n * 7919) % 250000) * 21 / 100 AS ph_cents,
              false AS includes_ph, 210000 AS ph_rate_ppm, 1000 + (n * 7919) % 250000 AS gross_cents,
              false AS unverified
            FROM range({members * per_member}) t(n)""")
        row = con.execute("SELECT count(*) FROM residual_lines").fetchone()
    return int(row[0]) if row else 0


def build_accounts(settings: Settings, members: int) -> None:
    """`members` member accounts in the application database (one shared hash: hashing 100k is not the test)."""
    sessions = session_factory(settings)
    hashed = hash_password(PASSWORD)
    now = utcnow()
    rows = [{"username": f"p{i:07d}", "display_name": f"Performer {i}", "role": "member",
             "performer_id": f"P{i:07d}", "password_hash": hashed, "active": True, "created_at": now}
            for i in range(members)]
    with sessions.begin() as s:
        for start in range(0, len(rows), 10_000):
            s.execute(insert(User), rows[start:start + 10_000])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path, database_url: str, port: int) -> subprocess.Popen[bytes]:
    """`greenroom serve` in its own process group; returns once it answers."""
    env = {**os.environ, "GREENROOM_DATABASE_URL": database_url}
    exe = Path(sys.executable).with_name("greenroom")
    proc = subprocess.Popen([str(exe), "--data-dir", str(data_dir), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server we started (by its process group)."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def sign_in(base: str, username: str) -> dict[str, str]:
    """Session cookie for one member."""
    with httpx.Client(base_url=base) as c:
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = c.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
        assert r.status_code in (200, 303), r.text
        return dict(c.cookies)


def run_locust(base: str, path: str, cookies: list[dict[str, str]], users: int,
               seconds: float) -> tuple[int, int, float, float, float]:
    """Run locust headless against one path; (requests, failures, rps, p50 ms, p99 ms)."""
    import gevent
    from locust import HttpUser, constant, task
    from locust.env import Environment

    class Member(HttpUser):
        wait_time = constant(0)
        host = base

        def on_start(self) -> None:
            self.client.cookies.update(random.choice(cookies))

        @task
        def residuals(self) -> None:
            self.client.get(path, name=path)

    env = Environment(user_classes=[Member])
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(2)  # warm up, then measure from a clean slate
    env.stats.reset_all()
    start = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - start
    runner.quit()
    total = env.stats.total
    return (total.num_requests, total.num_failures, total.num_requests / elapsed,
            total.get_response_time_percentile(0.5), total.get_response_time_percentile(0.99))


def bench_backend(name: str, database_url: str | None, args: argparse.Namespace) -> list[Result]:
    """Build, serve, measure the page and the API, stop (database_url None: SQLite in the data directory)."""
    root = Path(tempfile.mkdtemp(prefix=f"greenroom-web-bench-{name}-"))
    database_url = database_url or f"sqlite:///{root / 'app.sqlite3'}"
    try:
        settings = Settings(data_dir=root, database_url=database_url)
        t0 = time.monotonic()
        lines = build_analytics(settings, args.members, args.lines_per_member)
        build_accounts(settings, args.members)
        print(f"[{name}] {args.members:,} members, {lines:,} residual lines, built in {time.monotonic() - t0:.1f}s")
        port = _free_port()
        proc = start_server(root, database_url, port)
        base = f"http://127.0.0.1:{port}"
        try:
            rng = random.Random(7)
            picks = rng.sample(range(args.members), args.users * 2)
            cookies = [sign_in(base, f"p{i:07d}") for i in picks]
            out = []
            for path in ("/me/residuals", "/api/me/residuals"):
                n, failed, rps, p50, p99 = run_locust(base, path, cookies, args.users, args.seconds)
                out.append(Result(name, path, n, failed, rps, p50, p99))
                print(f"[{name}] {path}: {n:,} requests, {failed} failed, {rps:.1f} req/s, "
                      f"p50 {p50:.0f} ms, p99 {p99:.0f} ms")
            return out
        finally:
            stop_server(proc)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    """Run the benchmark on SQLite, and on PostgreSQL when a URL is given."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--lines-per-member", type=int, default=20)
    parser.add_argument("--users", type=int, default=20, help="Concurrent locust users.")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--postgres", default=os.environ.get("GREENROOM_TEST_DATABASE_URL"),
                        help="PostgreSQL URL (default GREENROOM_TEST_DATABASE_URL); a schema of its own is used.")
    args = parser.parse_args()
    results = bench_backend("sqlite", None, args)
    if args.postgres:
        schema = "web_bench_" + uuid.uuid4().hex[:8]
        admin = create_engine(normalize_url(args.postgres))
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            sep = "&" if "?" in args.postgres else "?"
            results += bench_backend("postgresql", f"{args.postgres}{sep}options=-csearch_path%3D{schema}", args)
        finally:
            with admin.begin() as c:
                c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    print("\n| backend | target | requests | failed | req/s | p50 ms | p99 ms |\n|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.backend} | {r.target} | {r.requests:,} | {r.failures} | {r.rps:.1f} | {r.p50_ms:.0f} | "
              f"{r.p99_ms:.0f} |")


if __name__ == "__main__":
    main()
