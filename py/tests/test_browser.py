"""A real browser against `wallet-partner serve`: headless Chromium (Debian's `chromium` and
`chromium-driver`, driven by Selenium) opens a signed Payment Page URL, clicks through the
partner page, and lands on the merchant's return URL; the callbacks reach the webhook example
and the stored payment ends `succeeded` ("Pay") or `declined` ("Cancel"). A screenshot of each
page is saved in target/test-output/browser/.

Where Chromium is not installed the test skips and says so, unless WP_REQUIRE_BROWSER=1 (set by
tests/run-all.sh, which installs it): then it fails."""
import http.server
import os
import pathlib
import shutil
import subprocess
import threading
import time

import pytest

import wallet_partner as wp
from test_serve_http import CUSTOMER, SECRET, server_binary, wait_for, webhook_server  # noqa: F401

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "target" / "test-output" / "browser"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def need_browser():
    missing = [name for name, path in [("chromium", CHROMIUM), ("chromedriver", DRIVER)] if not path]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        why = f"no {', '.join(missing)}: apt-get install chromium chromium-driver; pip install selenium"
        if os.environ.get("WP_REQUIRE_BROWSER") == "1":
            pytest.fail(why)
        pytest.skip(why)


class Merchant:
    """The shop's pages the customer returns to, and its webhook (the example's logic)."""

    def __init__(self, project, store):
        merchant = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                page = f"<!doctype html><title>shop</title><h1 id='back'>{self.path}</h1>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, _ = webhook_server.handle_callback(merchant.project, merchant.store, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.project, self.store = project, store
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def browser():
    need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=900,700"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize("button, final", [("pay", "succeeded"), ("cancel", "declined")])
def test_payment_page_in_a_real_browser(browser, tmp_path, button, final):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    OUT.mkdir(parents=True, exist_ok=True)
    store = webhook_server.Store(str(tmp_path / "payments.sqlite3"))
    merchant = Merchant(wp.Project(48039, SECRET), store)
    proc = subprocess.Popen(
        [server_binary(), "serve", "--listen", "127.0.0.1:0", "--project-id", "48039",
         "--callback-url", f"{merchant.base}/webhook", "--partner-auto-ms", "0", "--time-scale", "100"],
        env={**os.environ, "WALLET_PARTNER_SECRET": SECRET}, stdout=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().strip().removeprefix("listening on ")
        project = wp.Project(48039, SECRET, gate_url=base, payment_page_url=f"{base}/payment")
        pid = f"browser-{button}"
        payment = wp.Payment(project, payment_id=pid, amount=125_000, customer=CUSTOMER,
                             return_url={"success": f"{merchant.base}/ok", "decline": f"{merchant.base}/fail"})
        url = payment.payment_page_url()
        store.insert(payment)

        browser.get(url)
        assert browser.find_element(By.ID, "wallet-partner").is_selected()   # force_payment_method
        assert "1250.00" in browser.find_element(By.ID, "amount").text
        browser.save_screenshot(str(OUT / f"{button}-1-payment-page.png"))
        browser.find_element(By.ID, "continue").click()

        # click() may return before the form's navigation commits: wait for it (up to 20 s).
        WebDriverWait(browser, 20).until(expected_conditions.url_contains("/partner/"))
        WebDriverWait(browser, 20).until(expected_conditions.presence_of_element_located((By.ID, button)))
        assert "/partner/" in browser.current_url
        assert "1250.00" in browser.find_element(By.ID, "amount").text
        browser.save_screenshot(str(OUT / f"{button}-2-partner-page.png"))
        browser.find_element(By.ID, button).click()

        want = f"{merchant.base}/ok" if button == "pay" else f"{merchant.base}/fail"
        deadline = time.monotonic() + 20
        while not browser.current_url.startswith(want) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert browser.current_url == want
        browser.save_screenshot(str(OUT / f"{button}-3-merchant.png"))
        wait_for(store, {pid: final}, timeout=30)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
        merchant.server.shutdown()
        merchant.server.server_close()
    for n in ("1-payment-page", "2-partner-page", "3-merchant"):
        shot = OUT / f"{button}-{n}.png"
        assert shot.stat().st_size > 1000, shot


def test_a_forged_payment_page_url_is_refused(browser, tmp_path):
    from selenium.webdriver.common.by import By

    proc = subprocess.Popen(
        [server_binary(), "serve", "--listen", "127.0.0.1:0", "--project-id", "48039"],
        env={**os.environ, "WALLET_PARTNER_SECRET": SECRET}, stdout=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().strip().removeprefix("listening on ")
        project = wp.Project(48039, "another-secret", payment_page_url=f"{base}/payment")
        payment = wp.Payment(project, payment_id="forged", amount=10_000, customer=CUSTOMER,
                             return_url="https://shop.example/ok")
        browser.get(payment.payment_page_url())
        error = browser.find_element(By.ID, "error")
        assert error.get_attribute("data-code") == "2002"
        OUT.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(OUT / "forged-payment-page.png"))
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
