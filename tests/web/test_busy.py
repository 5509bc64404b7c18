"""When another process holds the analytics database, pages say so (503) instead of failing obscurely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from greenroom.accounts.service import create_user
from greenroom.config import Settings
from greenroom.ingest.tables import ensure_tables
from greenroom.residuals.engine import LINES_DDL
from greenroom.store.analytics import connect
from greenroom.store.db import session_factory
from greenroom.web.app import create_app
from greenroom.web.security import WebConfig
from tests.web.conftest import PASSWORD, sign_in


def test_a_writer_elsewhere_gives_503_then_the_page_works_again(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'app.sqlite3'}")
    with connect(settings) as con:
        ensure_tables(con)
        con.execute(LINES_DDL)
    create_user(session_factory(settings), "m1", "member", password=PASSWORD, performer_id="P1")
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"c = duckdb.connect({str(settings.duckdb_path)!r})\n"
                               "print('locked', flush=True)\ntime.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with TestClient(create_app(settings, WebConfig(duckdb_idle_seconds=0.2))) as client:
            sign_in(client, "m1")
            r = client.get("/api/me/residuals")
            assert r.status_code == 503 and "another Greenroom process" in r.json()["detail"]
            assert r.headers["retry-after"] == "30"
            page = client.get("/me/residuals")
            assert page.status_code == 503 and "Try again" in page.text
            holder.kill()
            holder.wait(10)
            r = client.get("/api/me/residuals")
            assert r.status_code == 200 and r.json()["total_lines"] == 0
    finally:
        if holder.poll() is None:
            holder.kill()
