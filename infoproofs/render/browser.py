"""Load a report in headless Chromium: its DOM after rendering, its console messages, and a screenshot.

Why a real browser: the HTML report promises mathematics that *renders*
(MathML, displayed natively) and a page free of errors; only a browser can
say so.  The test suite uses this module, and so does the README's
screenshot (``python -m infoproofs.render.browser REPORT.html OUT.png``), so
the picture in the README is the page the test looked at.  Chromium is an
optional system tool (Debian's ``chromium`` package): without it,
``find_chromium`` returns None and callers skip with that reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["find_chromium", "PageLoad", "load_page", "page_text"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)\]\s*(.*)")


def find_chromium() -> str | None:
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLoad:
    dom: str
    console: list[str]
    screenshot: Path | None


def _run(chromium: str, args: list[str], seconds: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="infoproofs-chromium-") as profile:
        return subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
            capture_output=True, text=True, timeout=seconds,
        )


def load_page(html_file: Path, screenshot: Path | None = None, width: int = 1200, height: int = 1600,
              seconds: float = 60.0) -> PageLoad:
    """The rendered DOM and every console message (errors included) of one page, and optionally a PNG of it."""
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("no Chromium found (Debian/Ubuntu: apt-get install chromium)")
    url = Path(html_file).resolve().as_uri()
    dumped = _run(chromium, ["--dump-dom", url], seconds)
    console = [m.group(1) for m in map(_CONSOLE.search, dumped.stderr.splitlines()) if m]
    if screenshot is not None:
        shot = _run(chromium, [f"--screenshot={Path(screenshot).resolve()}", f"--window-size={width},{height}",
                               "--hide-scrollbars", url], seconds)
        console += [m.group(1) for m in map(_CONSOLE.search, shot.stderr.splitlines()) if m]
        if not Path(screenshot).exists():
            raise RuntimeError(f"Chromium wrote no screenshot: {shot.stderr[-300:]}")
    return PageLoad(dumped.stdout, console, screenshot)


def page_text(dom: str) -> str:
    """The text a reader sees (tags dropped, scripts and styles removed), for asserting what is on the page."""
    without = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", without)


def main(argv: list[str] | None = None) -> int:
    """``python -m infoproofs.render.browser REPORT.html OUT.png [WIDTH HEIGHT]``: the README's screenshot."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (2, 4):
        print("usage: python -m infoproofs.render.browser REPORT.html OUT.png [WIDTH HEIGHT]", file=sys.stderr)
        return 2
    size = (int(args[2]), int(args[3])) if len(args) == 4 else (1200, 1600)
    try:
        page = load_page(Path(args[0]), Path(args[1]), *size)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"screenshot: {exc}", file=sys.stderr)
        return 2
    for message in page.console:
        print(f"console: {message}", file=sys.stderr)
    print(f"wrote {args[1]}")
    return 1 if page.console else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
