"""The real app as a real process under strace: driven by selenium and headless Chromium (question,
feedback, source view), and started for a team with `scripts/start.sh --team`. Either fails on any
connection the server's process tree makes beyond loopback."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import psutil
import pytest

from procqa.config import Settings
from procqa.feedback.store import db_path, rows

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
QUESTION = "A child has told me they are being hurt at home. What must I do now?"
LOCAL = re.compile(r"^(https?://(127\.0\.0\.1|localhost)(:\d+)?/|data:|blob:)")

pytestmark = pytest.mark.slow  # the tests that drive Chromium are marked browser too


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
    trace: Path  # every connect() and sendto() of the server's process tree, as strace saw it


@contextmanager
def traced_server(cmd: list[str], port: int, env: dict[str, str], folder: Path) -> Iterator[Server]:
    """Run CMD (which starts the app on PORT) under strace, recording every connect() and sendto() its
    whole process tree makes; yields once the app answers its health check, stops it afterwards."""
    log, trace = folder / "server.log", folder / "connect.strace"
    strace = ["strace", "-f", "-qq", "-e", "trace=connect,sendto", "-o", str(trace)]
    with open(log, "w") as out:
        # A session of its own: stopping strace alone would leave the app it runs behind, detached.
        proc = subprocess.Popen(
            strace + cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", proc, 60)
        yield Server(f"http://127.0.0.1:{port}", log, trace)
    finally:
        _stop_group(proc)
        if sys.exc_info()[0] is not None:
            print(log.read_text(), file=sys.stderr)


def _stop_group(proc: subprocess.Popen, seconds: float = 15) -> None:
    """SIGTERM to strace and everything it started; SIGKILL to whatever is left after SECONDS."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _group_alive(proc):
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        deadline = time.monotonic() + seconds
        while _group_alive(proc) and time.monotonic() < deadline:
            time.sleep(0.2)
    proc.wait()


def _group_alive(proc: subprocess.Popen) -> bool:
    proc.poll()  # reap strace, or it stays in the group as a zombie
    try:
        os.killpg(proc.pid, 0)
    except ProcessLookupError:
        return False
    return True


LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|inet_pton\(AF_INET6, "::ffff:127\.')


def beyond_loopback(trace: Path) -> list[str]:
    """The traced connect()/sendto() calls that named an IPv4 or IPv6 address other than loopback."""
    calls = [ln for ln in trace.read_text().splitlines() if "sa_family=AF_INET" in ln]
    return [ln for ln in calls if not LOOPBACK.search(ln)]


@pytest.fixture(scope="module")
def server(data_dir, tmp_path_factory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists() and shutil.which("strace")):
        pytest.skip("chromium, chromedriver or strace is not installed: run scripts/install-browser.sh")
    port = _free_port()
    env = {**os.environ, "PROCQA_DATA": str(data_dir)}
    # The app as scripts/start.sh runs it: only the port is given, the address comes from the project's
    # own config.
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    with traced_server(cmd, port, env, tmp_path_factory.mktemp("streamlit")) as running:
        yield running


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


@pytest.mark.browser
def test_ask_give_feedback_and_open_a_citation_in_the_browser(server, browser, engine, data_dir):
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
    # The answer renders after the urgent-help box: wait for its first citation's label, in its expander.
    wait.until(lambda d: re.search(r"\[1\] SET [A-Z] \d", d.find_element(By.TAG_NAME, "body").text))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "SET: Southend, Essex & Thurrock" in body
    assert not _external_requests(browser)

    href = markers[0].get_attribute("href")

    # Feedback on the answer: the button the page renders under it, stored in the feedback store.
    store = db_path(Settings(data_dir=data_dir))
    before = len(rows(store))
    helpful = wait.until(
        ec.element_to_be_clickable((By.XPATH, "//button[.//p[normalize-space()='Helpful']]"))
    )
    _click(browser, helpful)
    wait.until(lambda d: "Feedback recorded (helpful)" in d.find_element(By.TAG_NAME, "body").text)
    stored = rows(store)[before:]
    assert len(stored) == 1
    _, question, refs, choice, procedures = stored[0]
    assert (question, choice, procedures) == (QUESTION, "helpful", "set-2025")
    assert refs.startswith("SET ") and re.search(r"SET [A-Z] \d", refs)

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


def _wait_for_page(browser, seconds: float = 120) -> None:
    """Until the page has a heading and Streamlit has finished running its script."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, seconds).until(lambda d: d.find_elements(By.TAG_NAME, "h1"))
    WebDriverWait(browser, seconds).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget'] img, .stSpinner")
    )
    time.sleep(1)


def _click(browser, element) -> None:
    """Scroll an element clear of the chat box pinned to the bottom of the page, then click it. While an
    answer is still being laid out the page can shift under the pointer: scroll again and retry."""
    from selenium.common.exceptions import ElementClickInterceptedException

    for attempt in range(5):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        try:
            element.click()
            return
        except ElementClickInterceptedException:
            if attempt == 4:
                raise
            time.sleep(0.5)


def _ask(browser, question: str, seconds: float = 180, whole: bool = True):
    """Type a question, press Enter; returns the new answer's first step once it shows (and, with
    `whole`, once the whole answer has rendered: its feedback buttons come last)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, seconds)
    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInput'] textarea")))
    before = len(browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']"))
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    first = wait.until(
        lambda d: (
            (msgs := d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']"))[before + 1 :]
            and msgs[-1].find_elements(By.CSS_SELECTOR, "li, [data-testid='stAlert']")
        )
    )[0]
    if whole:
        wait.until(lambda d: d.find_elements(By.XPATH, "//button[.//p[normalize-space()='Helpful']]"))
    return first


def _axe(browser) -> list[dict]:
    """axe-core (the copy packaged in axe-selenium-python, read from disk) on the current page: the
    serious and critical violations."""
    import axe_selenium_python

    script = Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
    browser.execute_script(script.read_text(encoding="utf-8"))
    violations = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations));"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:120] for n in v["nodes"]]}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.browser
def test_urgent_help_comes_first_the_record_saves_and_start_again_clears(server, browser, engine, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from procqa.answer.urgent import PHONE

    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.get(server.url)
    _ask(browser, QUESTION)
    body = browser.find_element(By.TAG_NAME, "body").text
    expected = engine.ask(QUESTION, ["set-2025"]).urgent[0]
    numbers = [m.group(0) for s in expected.steps for m in PHONE.finditer(s.text)]
    assert numbers and all(n in body for n in numbers)  # the numbers the procedures print, no others
    assert body.index("If a child is in immediate danger") < body.index("Sources")  # urgent help first

    save = "//button[.//p[normalize-space()='Save as text (to paste into a log)']]"
    _click(browser, browser.find_element(By.XPATH, save))
    saved = WebDriverWait(browser, 30).until(lambda d: [p for p in tmp_path.glob("procqa-record-*.txt")])
    record = saved[0].read_text(encoding="utf-8")
    assert record.startswith(f"Question: {QUESTION}\n")
    assert all(c.label in record for c in expected.citations)

    _click(browser, browser.find_element(By.XPATH, "//button[.//p[normalize-space()='Start again']]"))
    WebDriverWait(browser, 30).until(lambda d: QUESTION not in d.find_element(By.TAG_NAME, "body").text)
    assert "Try an example" in browser.find_element(By.TAG_NAME, "body").text


@pytest.mark.browser
def test_a_trainer_builds_a_chapter_quiz_and_downloads_it_as_gift(server, browser, engine, tmp_path):
    """On the quiz page: choose a chapter from the contents, build, and download the GIFT file; it parses
    back to the quiz `procqa quiz --section "A 4" -n 20 --seed 0` builds, item for item."""
    from quiz_formats import read_back
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from procqa.quiz.build import build_quiz

    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    browser.get(server.url.rstrip("/") + "/quiz")
    _wait_for_page(browser)
    pick = "[data-testid='stMultiSelect'] input"
    chapters = WebDriverWait(browser, 180).until(lambda d: d.find_elements(By.CSS_SELECTOR, pick))[0]
    _click(browser, chapters)
    chapters.send_keys("A 4 · 4.")
    label = "A 4 · 4. Child Protection Conferences"
    option = WebDriverWait(browser, 30).until(
        lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, "[role='option']") if o.text.strip() == label]
    )[0]
    _click(browser, option)
    chapters.send_keys(Keys.ESCAPE)  # the list stays open for more choices, over the build button
    WebDriverWait(browser, 30).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[role='option']"))
    assert label in browser.find_element(By.TAG_NAME, "body").text  # chosen, shown as a tag
    _click(browser, browser.find_element(By.XPATH, "//button[.//p[normalize-space()='Build the quiz']]"))
    gift = "//button[.//p[normalize-space()='GIFT (Moodle)']]"
    WebDriverWait(browser, 300).until(lambda d: d.find_elements(By.XPATH, gift))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "20 questions from" in body and "SET A 4." in body  # each item cites its paragraph
    _click(browser, browser.find_element(By.XPATH, gift))
    saved = WebDriverWait(browser, 60).until(lambda d: list(tmp_path.glob("quiz-set-2025.txt")))
    _, got = read_back("gift", saved[0])
    want = build_quiz(engine, "set-2025", ["A 4"], n=20, seed=0)
    assert [g["stem"] for g in got] == [i.stem for i in want.items]
    assert [g["feedback"] for g in got] == [i.feedback for i in want.items]


@pytest.mark.browser
def test_no_serious_or_critical_accessibility_violations_on_any_page(server, browser):
    pages = {
        "chat start": "",
        "source view": "?doc=set-2025&ref=A%201.6.5&para=",
        "contents": "?doc=set-2025",
        "quiz": "quiz",
        "coverage": "coverage",
    }
    found = {}
    base = server.url.rstrip("/") + "/"
    for name, path in pages.items():
        browser.get(base + path)
        _wait_for_page(browser)
        found[name] = _axe(browser)
    browser.get(server.url)
    _wait_for_page(browser)
    _ask(browser, QUESTION)
    time.sleep(1)
    found["after an answer"] = _axe(browser)
    print("axe-core serious/critical violations per page:", {k: len(v) for k, v in found.items()})
    assert all(not v for v in found.values()), found


@pytest.mark.browser
def test_keyboard_only_ask_open_a_source_and_give_feedback(server, browser, data_dir):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    def tab_to(match, limit: int = 250):
        for _ in range(limit):
            ActionChains(browser).send_keys(Keys.TAB).perform()
            element = browser.switch_to.active_element
            if match(element):
                return element
        raise AssertionError("not reachable with the Tab key")

    def focus_visible(element) -> bool:
        style = browser.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.boxShadow];",
            element,
        )
        return (style[0] != "none" and style[1] != "0px") or style[2] != "none"

    browser.get(server.url)
    _wait_for_page(browser)
    box = tab_to(lambda e: e.tag_name == "textarea")
    box.send_keys(QUESTION + Keys.ENTER)
    WebDriverWait(browser, 180).until(
        lambda d: d.find_elements(By.XPATH, "//button[.//p[normalize-space()='Helpful']]")
    )
    helpful = tab_to(lambda e: e.tag_name == "button" and e.text.strip() == "Helpful")
    assert focus_visible(helpful)
    store = db_path(Settings(data_dir=data_dir))
    before = len(rows(store))
    helpful.send_keys(Keys.ENTER)
    WebDriverWait(browser, 30).until(lambda d: len(rows(store)) == before + 1)
    link = tab_to(lambda e: e.tag_name == "a" and "doc=set-2025" in (e.get_attribute("href") or ""))
    assert focus_visible(link)
    href = link.get_attribute("href")
    chat = browser.current_window_handle
    link.send_keys(Keys.ENTER)  # a citation opens its paragraph in a new tab
    WebDriverWait(browser, 30).until(lambda d: len(d.window_handles) > 1)
    browser.switch_to.window([h for h in browser.window_handles if h != chat][0])
    try:
        WebDriverWait(browser, 60).until(
            lambda d: "Back to the chat" in d.find_element(By.TAG_NAME, "body").text
        )
        assert "ref=" in href and "ref=" in browser.current_url
    finally:
        browser.close()
        browser.switch_to.window(chat)


@pytest.mark.browser
def test_a_phone_sized_screen_shows_the_box_the_first_step_and_its_citation(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    # A phone's viewport, as Chromium's device emulation gives it (a headless window keeps its size).
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        browser.get(server.url)
        _wait_for_page(browser)
        first = _ask(browser, QUESTION)
        width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width  # nothing scrolls sideways
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
        assert first.is_displayed() and first.find_elements(By.CSS_SELECTOR, "a[href*='doc=']")
        box = browser.find_element(By.CSS_SELECTOR, "[data-testid='stChatInput'] textarea")
        assert box.is_displayed() and box.rect["x"] >= 0 and box.rect["x"] + box.rect["width"] <= 390
        browser.save_screenshot(str(tmp_path / "phone.png"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.browser
def test_time_from_enter_to_the_first_step(server, browser, tmp_path):
    """Warm, 10 scenario questions of the dev split: the figure the README quotes (not a pass mark)."""
    from procqa.eval.gold import load_gold

    questions = [q.question for q in load_gold(Settings().gold) if q.split == "dev" and q.kind == "action"][
        :10
    ]
    browser.get(server.url)
    _wait_for_page(browser)
    _ask(browser, questions[0])  # warm
    times = []
    for question in questions:
        browser.get(server.url)
        _wait_for_page(browser)
        t0 = time.perf_counter()
        _ask(browser, question, whole=False)
        times.append(time.perf_counter() - t0)
    times.sort()
    p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"Enter to first step, warm, {len(times)} scenario questions: p50 {p50:.2f} s, p95 {p95:.2f} s")
    assert len(times) == 10


@pytest.mark.browser
def test_the_server_listens_on_loopback_and_connects_nowhere_else(server):
    # Runs after the test above: start-up, a question, feedback and a source view in all.
    log = server.log.read_text()
    assert "URL: http://127.0.0.1:" in log
    assert "Network URL" not in log and "External URL" not in log  # no address lookup, no exposure
    assert beyond_loopback(server.trace) == []


def test_team_mode_listens_on_every_interface_and_connects_nowhere_else(data_dir, tmp_path):
    """`scripts/start.sh --team PORT`, as a user runs it (setup skipped: the venv is installed)."""
    if not shutil.which("strace"):
        pytest.skip("strace is not installed")
    port = _free_port()
    env = {**os.environ, "PROCQA_DATA": str(data_dir), "PROCQA_SKIP_SETUP": "1"}
    env.pop("PROCQA_HOST", None)
    cmd = ["bash", "scripts/start.sh", "--team", str(port)]
    with traced_server(cmd, port, env, tmp_path) as server:
        with urllib.request.urlopen(f"{server.url}/", timeout=10) as page:  # the page, over loopback
            assert page.status == 200 and b'<div id="root">' in page.read()
        listening = {
            c.laddr.ip
            for c in psutil.net_connections("tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port
        }
        assert listening == {"0.0.0.0"}
    log = server.log.read_text()
    warnings = [ln for ln in log.splitlines() if "WARNING" in ln]
    assert len(warnings) == 1 and f"0.0.0.0:{port}" in warnings[0] and "feedback store" in warnings[0]
    assert f"URL: http://{socket.gethostname()}:{port}" in log  # the name colleagues use, not a lookup
    assert "Network URL" not in log and "External URL" not in log
    assert beyond_loopback(server.trace) == []


@pytest.mark.browser
def test_coverage_report_opens_from_disk_and_loads_nothing_else(engine, tmp_path):
    """The report a policy lead is sent: report.html opened from the folder, with no server at all."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("chromium or chromedriver is not installed: run scripts/install-browser.sh")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from procqa.coverage.report import build_report, write_report

    topics = tmp_path / "topics.csv"
    topics.write_text(
        "topic,description\nNeglect,Basic needs not met.\nCounty lines,Gangs moving drugs.\n",
        encoding="utf-8",
    )
    out = write_report(build_report(engine, ["set-2025", "wales-2008"], topics), tmp_path / "coverage")
    page = (out / "report.html").as_uri()

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(page)
        headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
        for wanted in ("Topic checklist", "Timescales compared", "Law and guidance cited", "What staff ask",
                       "Section map"):  # fmt: skip
            assert any(h.startswith(wanted) for h in headings), (wanted, headings)
        tables = driver.find_elements(By.TAG_NAME, "table")
        assert len(tables) >= 6
        assert all(len(t.find_elements(By.TAG_NAME, "tr")) > 1 for t in tables)
        images = driver.find_elements(By.TAG_NAME, "img")
        assert len(images) >= 3
        assert all(driver.execute_script("return arguments[0].naturalWidth", img) > 0 for img in images)
        # Nothing was fetched but the file itself: no resource entries beyond file: and inline data: ...
        resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert [r for r in resources if not r.startswith(("file:", "data:"))] == []
        navigation = driver.execute_script("return performance.getEntriesByType('navigation')[0].name")
        assert navigation == page
        # ... and nothing on the page could fetch anything: every src is inline, every link relative.
        targets = driver.execute_script(
            "return Array.from(document.querySelectorAll('[src],[href]'))"
            ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
        )
        assert targets and all(re.match(r"^(data:image/png;base64,|\?doc=)", t) for t in targets), targets
        assert not driver.find_elements(By.CSS_SELECTOR, "script, link, iframe, object, embed")
    finally:
        driver.quit()
