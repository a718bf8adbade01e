"""The real app in a real browser: `streamlit run app.py` driven by selenium and headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
QUESTION = "A child has told me they are being hurt at home. What must I do now?"
LOCAL = re.compile(r"^(https?://(127\.0\.0\.1|localhost)(:\d+)?/|data:|blob:)")

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer on {url} within {seconds}s")


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    trace: Path  # every connect() of the server's process tree, as strace saw it


@pytest.fixture(scope="module")
def server(data_dir, tmp_path_factory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists() and shutil.which("strace")):
        pytest.skip("chromium, chromedriver or strace is not installed: run scripts/install-browser.sh")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("streamlit")
    log, trace = folder / "server.log", folder / "connect.strace"
    env = {**os.environ, "PROCQA_DATA": str(data_dir)}
    # The app as scripts/start.sh runs it: only the port is given, the address comes from the project's
    # own config; strace records every connection the server's whole process tree makes.
    cmd = ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace)]
    cmd += [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(url, proc, 60)
        yield Server(url, log, trace)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if sys.exc_info()[0] is not None:
            print(log.read_text(), file=sys.stderr)


@pytest.fixture(scope="module")
def browser(server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def _normal(text: str) -> str:
    """Text as a browser shows it: Markdown emphasis gone, whitespace collapsed."""
    return " ".join(text.replace("*", "").split())


def _external_requests(driver) -> list[str]:
    names = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [n for n in names if not LOCAL.match(n)]


def test_ask_in_the_browser_and_open_a_citation(server, browser, engine):
    url = server.url
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    wait = WebDriverWait(browser, 180)
    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInput'] textarea")))
    assert "999" in browser.find_element(By.TAG_NAME, "body").text  # the permanent notice

    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)
    # A step's [n] marker is a link to the cited paragraph's own address.
    markers = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage'] a[href*='doc=set-2025']")
    )
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "SET: Southend, Essex & Thurrock" in body
    assert re.search(r"\[1\] SET [A-Z] \d", body)  # the first citation's label, in its expander
    assert not _external_requests(browser)

    href = markers[0].get_attribute("href")
    params = dict(parse_qsl(urlsplit(href).query, keep_blank_values=True))
    found = engine.context(params["doc"], params["ref"], int(params["para"]) if params["para"] else None)
    assert found is not None
    # The first line only: later lines may be list items, which the browser shows without their "- ".
    cited = _normal(found.matches[0].text.splitlines()[0])[:80]

    browser.get(href)  # as if the link had been pasted into a new tab
    wait.until(lambda d: cited in _normal(d.find_element(By.TAG_NAME, "body").text))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert f"SET {params['ref']}" in body
    assert "Contents of SET" in body
    assert not _external_requests(browser)


LOOPBACK_CONNECT = re.compile(
    r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|inet_pton\(AF_INET6, "::ffff:127\.'
)


def test_the_server_listens_on_loopback_and_connects_nowhere_else(server):
    # Runs after the question and the citation above: start-up, a question and a source view in all.
    log = server.log.read_text()
    assert "URL: http://127.0.0.1:" in log
    assert "Network URL" not in log and "External URL" not in log  # no address lookup, no exposure
    connects = [ln for ln in server.trace.read_text().splitlines() if "sa_family=AF_INET" in ln]
    assert [ln for ln in connects if not LOOPBACK_CONNECT.search(ln)] == []
