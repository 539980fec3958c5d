"""The web edition in a real browser: axe-core, sideways scrolling, links, requests.

``tools/web-check/check.mjs`` (puppeteer-core and axe-core, pinned in
``tools/web-check/package-lock.json``; ``make web-check-deps``) opens every page of a site
from ``file://`` in headless Chromium, at 1280 px in light and dark mode and at 375 and 320 px,
runs axe-core's WCAG 2.0-2.2 A and AA rules, measures the page's width at 375 and 320 px, finds
every region that scrolls sideways (can a keyboard reach it, is it named, does it show a scroll
cue), notes what the page's Content-Security-Policy refused, collects ids and links, resolves
every internal link and fragment, and refuses (and reports) every request that leaves the site.
It can take screenshots and try the search page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RenderError

# tools/web-check beside src/ (make web-check-deps); REPORT_BUILD_WEB_CHECK_DIR overrides it.
# A report-build installed from a wheel has no tools/web-check: it needs the variable, or --no-site.
SOURCE_TOOL_DIR = Path(__file__).resolve().parents[3] / "tools" / "web-check"
TOOL_DIR = Path(os.environ.get("REPORT_BUILD_WEB_CHECK_DIR") or SOURCE_TOOL_DIR)
if os.environ.get("REPORT_BUILD_WEB_CHECK_DIR") or (SOURCE_TOOL_DIR / "package.json").is_file():
    INSTALL_HINT = "run `make web-check-deps`"
else:  # installed from a wheel
    INSTALL_HINT = (
        "this installed report-build has no browser checks of its own: set REPORT_BUILD_WEB_CHECK_DIR to a "
        "folder holding check.mjs where `npm install puppeteer-core axe-core` ran (a clone of report-build "
        "has it in tools/web-check after `make web-check-deps`), or skip the site's checks with `--no-site`"
    )
SCRIPT = TOOL_DIR / "check.mjs"
CHROMIUM = Path(os.environ.get("CHROMIUM_BIN") or "/usr/bin/chromium")
PHONE = 375
NARROWEST = 320  # the narrowest phone WCAG's reflow criterion (1.4.10) asks a page to fit


def missing() -> str | None:
    """Why the browser checks cannot run here, or None when they can."""
    if shutil.which("node") is None:
        return "Node.js is not installed"
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (run `make ace-deps`)"
    modules = TOOL_DIR / "node_modules"
    if not (modules / "axe-core").is_dir() or not (modules / "puppeteer-core").is_dir():
        return f"axe-core and puppeteer-core are not installed in {TOOL_DIR} ({INSTALL_HINT})"
    return None


@dataclass(frozen=True)
class BrowserReport:
    raw: dict[str, Any]

    @property
    def pages(self) -> dict[str, Any]:
        return self.raw["pages"]

    @property
    def violations(self) -> list[str]:
        """One line per axe violation: page, width, colour scheme, rule, first element."""
        found = []
        for name, page in sorted(self.pages.items()):
            for v in page["violations"]:
                node = v["nodes"][0] if v["nodes"] else {}
                found.append(
                    f"{name} @{v['width']}px {v['scheme']}: {v['id']} ({v['impact']}) {v['help']}: "
                    f"{node.get('target', '')} {node.get('html', '')}"
                )
        return found

    @property
    def sideways(self) -> list[str]:
        """Pages that scroll sideways on a phone (375 px) or on the narrowest one (320 px)."""
        found = []
        for name, page in sorted(self.pages.items()):
            for key, width in (("overflow", PHONE), ("narrowest", NARROWEST)):
                measured = page.get(key)
                if measured and measured["scrollWidth"] > measured["clientWidth"]:
                    found.append(f"{name}: {measured['scrollWidth']} px wide at {width} px")
        return found

    @property
    def unreachable(self) -> list[str]:
        """Regions that scroll sideways but that a keyboard cannot reach, that have no name,
        or that show no scroll cue."""
        found = []
        for name, page in sorted(self.pages.items()):
            for region in page.get("scrollers", []):
                faults = [
                    text
                    for text, fault in (
                        ("not reachable by keyboard", not region["reachable"]),
                        ("not a named region", region["role"] != "region" or not region["label"]),
                        ("no scroll cue", not region["cue"]),
                    )
                    if fault
                ]
                if faults:
                    found.append(
                        f"{name} @{region['width']}px: <{region['tag']}> {', '.join(faults)}: {region['html']}"
                    )
        return found

    @property
    def split_phrases(self) -> list[str]:
        """Phrases of a Japanese or Chinese title or heading (:mod:`report_build.phrases`) that a
        line breaks inside although the phrase would fit on a line of its own."""
        return [
            f"{name} @{item['width']}px: '{item['text']}' on {item['lines']} lines "
            f"({item['natural']} px wide, room for {item['room']} px)"
            for name, page in sorted(self.pages.items())
            for item in page.get("split", [])
        ]

    @property
    def refused(self) -> list[str]:
        """What a page's Content-Security-Policy refused (an inline script or style, another site)."""
        return [
            f"{name} @{item['width']}px: {item['directive']} refused "
            f"{item['blocked'] or 'inline'} {item['sample'] or ''}".rstrip()
            for name, page in sorted(self.pages.items())
            for item in page.get("refused", [])
        ]

    @property
    def broken(self) -> list[dict[str, str]]:
        return self.raw["broken"]

    @property
    def external(self) -> list[dict[str, str]]:
        return self.raw["external"]


def check_site(
    site: Path,
    shots: Path,
    *,
    screenshots: tuple[str, ...] = (),
    search: str = "",
    root: Path | None = None,
    timeout: float = 600,
) -> BrowserReport:
    """Run the browser checks on the site in ``site``; screenshots go to ``shots``."""
    problem = missing()
    if problem is not None:
        raise RenderError(f"browser checks cannot run: {problem}")
    command = ["node", str(SCRIPT), str(site), str(shots), "--shots", ",".join(screenshots)]
    if search:
        command += ["--search", search]
    if root is not None:
        command += ["--root", str(root)]
    env = {**os.environ, "CHROMIUM_BIN": str(CHROMIUM)}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"browser checks took longer than {timeout:.0f} s", site) from None
    if done.returncode != 0:
        raise RenderError(f"browser checks failed to run: {done.stderr.strip()[-2000:]}", site)
    return BrowserReport(json.loads(done.stdout))
