"""End to end in Debian's Chromium (Playwright): a member and an auditor each do their job; screenshots saved.

The screenshots go to the test's output directory (printed at the end of each test).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from greenroom.web.app import create_app
from greenroom.web.security import WebConfig
from tests.web.conftest import PASSWORD, Union

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="browser tests need Debian's chromium at /usr/bin/chromium")

TITLES = ("title_id,name,agreement,kind,length_minutes,pp_date,initial_release_date\n"
          "TBRW1,Browser One,sag-aftra-tv-theatrical,network_series,60,2020-01-06,2020-09-01\n"
          "TBRW2,Browser Two,sag-aftra-tv-theatrical,network_series,ninety,2020-01-06,2020-09-01\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(union: Union) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, for the length of the module."""
    if union.settings.database_url.startswith("postgresql"):
        pytest.skip("browser tests run on SQLite; the API tests cover PostgreSQL")
    port = _free_port()
    app = create_app(union.settings, WebConfig(duckdb_idle_seconds=0.5))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def shots(tmp_path: Path) -> Iterator[Path]:
    out = tmp_path / "screenshots"
    out.mkdir()
    yield out
    print(f"\nscreenshots: {out}")


def _sign_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]


def test_member_reads_residuals_explanation_payments_and_who_looked(server: str, browser: object, shots: Path,
                                                                      union: Union) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)  # type: ignore
    page = context.new_page()
    _sign_in(page, server, "alice")
    expect(page).to_have_url(f"{server}/me")
    expect(page.locator("svg.chart")).to_be_visible()
    page.screenshot(path=str(shots / "member-1-summary-phone.png"), full_page=True)
    page.goto(f"{server}/me/residuals?by=market")
    expect(page.locator("h1")).to_have_text("My residuals")
    first_market = page.locator("table.table >> nth=0").locator("tbody tr >> nth=0").locator("a")
    market = first_market.inner_text()
    first_market.click()
    expect(page.locator("h2")).to_contain_text(market)
    page.screenshot(path=str(shots / "member-2-residuals-by-market.png"), full_page=True)
    page.locator("table.lines a", has_text="Explain").first.click()
    expect(page.locator("h2", has_text="Values used")).to_be_visible()
    expect(page.locator("pre.explain")).to_contain_text("How it was worked out")
    assert union.member in page.locator("dl.facts").inner_text()
    page.screenshot(path=str(shots / "member-3-explained.png"), full_page=True)
    page.goto(f"{server}/me/statement")
    expect(page.locator("h1")).to_contain_text("What was owed")
    page.screenshot(path=str(shots / "member-4-owed-and-paid.png"), full_page=True)
    page.goto(f"{server}/me/access-log")
    page.screenshot(path=str(shots / "member-5-who-looked.png"), full_page=True)
    page.goto(f"{server}/me")
    with page.expect_download() as download:
        page.click("text=Download my data")
    assert download.value.suggested_filename == f"greenroom-{union.member}.json"
    # The phone menu folds away and opens.
    expect(page.locator("nav.nav")).to_be_hidden()
    page.click("label.menu-button")
    expect(page.locator("nav.nav")).to_be_visible()
    page.screenshot(path=str(shots / "member-6-phone-menu.png"))
    context.close()


def test_auditor_loads_a_file_fixes_the_quarantine_and_works_a_finding(server: str, browser: object, shots: Path,
                                                                      tmp_path: Path, union: Union) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    _sign_in(page, server, "auditor")
    expect(page).to_have_url(f"{server}/staff")
    page.screenshot(path=str(shots / "auditor-1-console.png"), full_page=True)

    upload = tmp_path / "titles-browser.csv"
    upload.write_text(TITLES)
    page.goto(f"{server}/staff/ingest")
    page.set_input_files("input[type=file]", str(upload))
    page.click("text=Upload and load")
    expect(page.locator("#upload-result")).to_contain_text("loaded 1 + quarantined 1", timeout=30_000)
    page.screenshot(path=str(shots / "auditor-2-uploaded.png"), full_page=True)
    page.click("#upload-result a")
    expect(page.locator("table.table")).to_contain_text("ninety")
    with page.expect_download() as download:
        page.click("text=Download to fix")
    fix = tmp_path / "titles-fix.csv"
    download.value.save_as(str(fix))
    fix.write_text(fix.read_text(encoding="utf-8-sig").replace("ninety", "90"))
    page.screenshot(path=str(shots / "auditor-3-quarantine.png"), full_page=True)
    page.goto(f"{server}/staff/ingest")
    page.set_input_files("input[type=file]", str(fix))
    page.click("text=Upload and load")
    expect(page.locator("#upload-result")).to_contain_text("loaded 1 + quarantined 0", timeout=30_000)

    page.goto(f"{server}/staff/findings?status=open")
    expect(page.locator("svg.chart")).to_be_visible()
    page.screenshot(path=str(shots / "auditor-4-findings.png"), full_page=True)
    page.locator("table.table tbody tr a").first.click()
    expect(page.locator("#finding-status")).to_have_text("open")
    page.fill("input[name=note]", "asked the payer for the missing check")
    page.click("button[value=claim]")
    expect(page.locator("#finding-status")).to_contain_text("claimed by auditor")
    page.fill("input[name=note]", "check received")
    page.click("button[value=recovered]")
    expect(page.locator("#finding-status")).to_have_text("resolved (recovered)")
    expect(page.locator("table.table")).to_contain_text("check received")
    page.screenshot(path=str(shots / "auditor-5-finding-resolved.png"), full_page=True)

    page.goto(f"{server}/staff/residuals?performer={union.member}")
    page.locator("table.lines tbody tr a").first.click()
    expect(page.locator("h2", has_text="Values used")).to_be_visible()
    page.screenshot(path=str(shots / "auditor-6-line-explained.png"), full_page=True)
    page.goto(f"{server}/staff/reports")
    expect(page.locator("h1")).to_have_text("Audit reports")
    page.screenshot(path=str(shots / "auditor-7-reports.png"), full_page=True)
    context.close()


def test_business_affairs_reviews_a_contract(server: str, browser: object, shots: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    contract = tmp_path / "performer-agreement.txt"
    contract.write_text("PERFORMER AGREEMENT\n\n1. Term. One year from signing.\n\n2. Digital Replica. Producer may "
                        "create a digital replica of Performer and use it in any project, in perpetuity, without "
                        "further consent or payment.\n")
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    _sign_in(page, server, "business")
    page.goto(f"{server}/staff/review")
    page.set_input_files("input[type=file]", str(contract))
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("performer-agreement.txt", timeout=60_000)
    expect(page.locator("section.card").first).to_contain_text("deviation")
    page.screenshot(path=str(shots / "business-1-review-flags.png"), full_page=True)
    page.click("text=Open the annotated contract")
    expect(page.locator("body")).to_contain_text("Digital Replica")
    page.screenshot(path=str(shots / "business-2-annotated-contract.png"), full_page=True)
    context.close()
