"""Open a local HTML file in headless Chromium and report what a person would see.

A small Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (file descriptors 3 and 4,
messages separated by NUL bytes): no websocket library, no driver, no download, only Debian's
``chromium`` package. :func:`open_page` loads the page, waits for a JavaScript condition, and
returns the console errors, uncaught exceptions, failed or non-local requests and a PNG screenshot.

Chromium is started offline: ``--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
--disable-background-networking --disable-component-update --disable-sync`` and a fresh
``--user-data-dir``, so that it tries no network of its own.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--metrics-recording-only",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    """The Chromium executable: ``$TOPICS_CHROMIUM``, else the first of :data:`CANDIDATES` on PATH."""
    given = os.environ.get("TOPICS_CHROMIUM")
    if given:
        return given if Path(given).is_file() else shutil.which(given)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    """What happened while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    ready: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    screenshot: bytes = b""

    @property
    def errors(self) -> list[str]:
        """Every console error, uncaught exception and error log entry."""
        return self.console_errors + self.exceptions + self.log_errors


class _Browser:
    def __init__(self, executable: str, width: int, height: int):
        self.profile = tempfile.mkdtemp(prefix="topics-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def arrange_fds() -> None:  # in the child: its fd 3 reads our commands, fd 4 answers
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        args = [executable, *FLAGS, f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}", "about:blank"]
        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=arrange_fds, pass_fds=(3, 4), close_fds=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._next = 0
        self._replies: dict[int, queue.Queue] = {}
        self.events: queue.Queue = queue.Queue()
        self._stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line)

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_child, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message and message["id"] in self._replies:
                    self._replies[message["id"]].put(message)
                else:
                    self.events.put(message)
        self.events.put({"method": "__closed__"})

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict:
        self._next += 1
        ident = self._next
        reply: queue.Queue = queue.Queue()
        self._replies[ident] = reply
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        try:
            answer = reply.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"chromium did not answer {method} in {timeout} s; stderr: "
                               f"{b''.join(self._stderr)[-2000:].decode(errors='replace')}") from None
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


def _describe_console(params: dict) -> str:
    args = params.get("args", [])
    parts = [str(a.get("value", a.get("description", a.get("type", "")))) for a in args]
    return " ".join(parts)


def open_page(
    path: str | Path,
    *,
    ready: str = "document.readyState === 'complete'",
    evaluate: dict[str, str] | None = None,
    executable: str | None = None,
    timeout: float = 60.0,
    width: int = 1280,
    height: int = 1000,
    settle: float = 0.5,
) -> Page:
    """Load ``path`` (a local file) in headless Chromium.

    Parameters
    ----------
    ready : str
        A JavaScript expression; the page counts as ready once it is true (polled).
    evaluate : dict of name to JavaScript expression
        Evaluated once ready; results (JSON values) in ``Page.values``.
    timeout : float
        Seconds to wait for ``ready``.
    settle : float
        Seconds to wait after ready, for late errors, before the screenshot.
    """
    executable = executable or find_chromium()
    if executable is None:
        raise FileNotFoundError("no chromium executable found")
    url = Path(path).resolve().as_uri()
    browser = _Browser(executable, width, height)
    page = Page()
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
        browser.send("Page.navigate", {"url": url}, session=session)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = browser.send("Runtime.evaluate",
                                  {"expression": f"Boolean({ready})", "returnByValue": True},
                                  session=session)
            if result.get("result", {}).get("value") is True:
                page.ready = True
                break
            time.sleep(0.2)
        time.sleep(settle)
        for name, expression in (evaluate or {}).items():
            result = browser.send("Runtime.evaluate",
                                  {"expression": expression, "returnByValue": True},
                                  session=session)
            page.values[name] = result.get("result", {}).get("value")
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        page.screenshot = base64.b64decode(shot["data"])
    finally:
        browser.close()
    while True:
        try:
            event = browser.events.get_nowait()
        except queue.Empty:
            break
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            page.console_errors.append(_describe_console(params))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            exception = details.get("exception", {})
            page.exceptions.append(str(exception.get("description") or details.get("text")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            page.log_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
        elif method == "Network.requestWillBeSent":
            page.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Network.loadingFailed":
            page.failed_requests.append(str(params.get("errorText")))
    return page
