"""End to end in a real headless Chromium: log in, upload a corpus scan, watch it finish, read it.

The service runs as a clerk would start it (`vanthu serve`), with its own
embedded Redis on a free port and its state in a temporary VANTHU_HOME; the
browser is Debian's chromium driven by Playwright.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import REAL

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCAN = REAL / "bc_ubnd_quangngai_23_2025_caicach_tthc.pdf"  # 2 image-only pages, OCR needed
SCREENSHOTS = ROOT / "var" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the service did not answer at {url}")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`vanthu serve` on free ports; yields (base URL, admin password) and stops everything after."""
    port, redis_port = _free_port(), _free_port()
    env = dict(os.environ, VANTHU_HOME=str(tmp_path / "home"), REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
               DATABASE_URL="", VANTHU_COOKIE_SECURE="0")
    env.pop("DATABASE_URL")
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + "/login", time.monotonic() + 90)
        log.seek(0)
        found = re.search(r"admin / (\S+)", log.read())
        assert found, "vanthu serve did not print the first admin's password"
        yield base, found.group(1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        subprocess.run(["redis-cli", "-p", str(redis_port), "shutdown", "nosave"], capture_output=True, timeout=10)
        log.close()


@pytest.mark.slow
def test_login_upload_scan_and_read_it(service: tuple[str, str]) -> None:
    base, password = service
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(locale="vi-VN")
            page.goto(base + "/login")
            page.fill("#username", "admin")
            page.fill("#password", password)
            page.click("button[type=submit]")
            page.goto(base + "/upload")
            page.set_input_files("#file-input", str(SCAN))
            row = page.locator("#uploads li.upload").first
            expect(row).to_have_class(re.compile(r"\bdone\b"), timeout=300_000)
            assert page.locator("#uploads progress").first.evaluate("b => b.value === b.max")
            page.screenshot(path=str(SCREENSHOTS / "e2e_upload_done.png"), full_page=True)
            row.locator("a.open").click()
            body = page.locator("body")
            expect(body).to_contain_text("23/BC-UBND", timeout=30_000)  # the document's own number
            expect(body).to_contain_text("5633/VPCP-KSTT")  # one of the documents it cites
            page.screenshot(path=str(SCREENSHOTS / "e2e_document.png"), full_page=True)
        finally:
            browser.close()
    assert (SCREENSHOTS / "e2e_document.png").stat().st_size > 10_000
