"""End to end in a real headless Chromium: log in, upload a corpus scan, watch it finish, read it,
and draft its phiếu tóm tắt (DOCX and PDF downloads).

The service runs as a clerk would start it (`vanthu serve`), with its own
embedded Redis on a free port and its state in a temporary VANTHU_HOME; the
browser is Debian's chromium driven by Playwright.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import REAL
from tests.service_proc import Service, running_service

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SCAN = REAL / "bc_ubnd_quangngai_23_2025_caicach_tthc.pdf"  # 2 image-only pages, OCR needed
SCREENSHOTS = ROOT / "var" / "screenshots"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    with running_service(tmp_path) as svc:
        yield svc


@pytest.mark.slow
def test_login_upload_scan_and_read_it(service: tuple[str, str]) -> None:
    base, password = service.base, service.password
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

            # The leader's digest of it: the button, the form, the worker job, the downloads.
            page.click("text=In phiếu tóm tắt")
            expect(page.locator("h1")).to_contain_text("Phiếu tóm tắt văn bản đến")
            page.fill("#f-unit", "Văn phòng UBND tỉnh")
            page.fill("#f-prepared_by", "Nguyễn Thị Lan")
            page.click("form.draft-form button[type=submit]")
            expect(page.locator("#draft .badge")).to_have_text("đã xong", timeout=120_000)
            with page.expect_download() as download:
                page.click("text=Word (.docx)")
            assert download.value.suggested_filename.endswith(".docx")
            with page.expect_download() as download:
                page.click("text=PDF")
            pdf_path = download.value.path()
            assert pdf_path and Path(pdf_path).read_bytes().startswith(b"%PDF")
            page.screenshot(path=str(SCREENSHOTS / "e2e_draft.png"), full_page=True)
        finally:
            browser.close()
    assert (SCREENSHOTS / "e2e_document.png").stat().st_size > 10_000
