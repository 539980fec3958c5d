"""What changed between two builds of the site, and what a page open in the browser does about it.

After each build the preview records which pages differ from the build before (a page whose own
bytes changed, or that uses a file that changed: a stylesheet, a font named in it, an image, a
script) and, for each, the section where its text first differs. An open page asks what
happened since the build it was served from, and gets one :class:`Reaction`:

- its own page changed: reload, keeping the reader's place (the script remembers the nearest
  heading and where it stood on the screen);
- one other chapter changed (the writer is editing it): go there, to the section that
  changed;
- nothing it shows changed but the faults did: swap the panel in place;
- otherwise nothing.

Pure logic on bytes and numbers: the server and the tests call it alike.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

ALL = "*"  # every page: the page's build is older than the history kept, or from another session
TEXT_SUFFIXES = (".html", ".css", ".js")
NOT_USED = ("downloads/",)  # linked, not shown: a page names these without depending on their bytes
HEADING_ID = re.compile(rb"<h[1-6][^>]*?\sid=\"([^\"]+)\"")
MAIN_START, MAIN_END = b"<main", b"</main>"


@dataclass(frozen=True)
class PageChange:
    """How one page changed: ``direct`` when its own bytes did (not only a file it uses), and
    the id of the section where its main text first differs, when known."""

    section: str | None = None
    direct: bool = True


Changes = dict[str, PageChange]


def changed_files(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> set[str]:
    """Files added, removed or with other bytes."""
    return {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}


def affected_pages(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> Changes:
    """Every page of ``new`` that differs from ``old`` or uses a file that does (by the file's
    name, through stylesheets and scripts too: a font that changed is named in ``site.css``,
    which every page names), each with the section where its main text first differs. A link
    to another page or a download is not a use."""
    direct = changed_files(old, new)
    affected = set(direct)
    used = {name for name in direct if not name.endswith(".html") and not name.startswith(NOT_USED)}
    texts = {name: data for name, data in new.items() if name.endswith(TEXT_SUFFIXES)}
    while True:
        names = [PurePosixPath(name).name.encode() for name in used]
        users = {name for name, data in texts.items() if name not in affected and any(n in data for n in names)}
        if not users:
            break
        affected |= users
        used |= {name for name in users if not name.endswith(".html")}
    pages = sorted(name for name in affected if name.endswith(".html") and name in new)
    indirect = PageChange(None, direct=False)
    return {page: _change(old.get(page, b""), new[page]) if page in direct else indirect for page in pages}


def _change(old: bytes, new: bytes) -> PageChange:
    return PageChange(first_changed_section(old, new))


def first_changed_section(old: bytes, new: bytes) -> str | None:
    """The id of the last heading before the first difference in the pages' ``<main>``, or
    None when the main text is the same (only the head or navigation changed) or differs
    before any heading."""
    old_main, new_main = _main(old), _main(new)
    if old_main == new_main:
        return None
    at = next((i for i, (a, b) in enumerate(zip(old_main, new_main, strict=False)) if a != b), None)
    if at is None:
        at = min(len(old_main), len(new_main))
    found = HEADING_ID.findall(new_main[:at])
    return found[-1].decode() if found else None


def _main(page: bytes) -> bytes:
    start = page.find(MAIN_START)
    end = page.find(MAIN_END, start)
    return page[start:end] if start >= 0 and end >= 0 else page


@dataclass
class History:
    """The pages each build changed, for the last ``keep`` builds (build 0: none yet)."""

    keep: int = 200
    generation: int = 0
    builds: dict[int, Changes | str] = field(default_factory=dict)

    def add(self, changes: Changes | str) -> int:
        """Record one build (``ALL`` for every page); returns its number."""
        self.generation += 1
        self.builds[self.generation] = changes
        self.builds.pop(self.generation - self.keep, None)
        return self.generation

    def since(self, generation: int) -> Changes | str:
        """The pages changed by the builds after ``generation``, each with the section of its
        latest change; ``ALL`` when some of those builds are no longer kept."""
        if generation > self.generation or generation < self.generation - self.keep:
            return ALL
        merged: Changes = {}
        for number in range(generation + 1, self.generation + 1):
            changes = self.builds.get(number, ALL)
            if changes == ALL:
                return ALL
            for page, change in changes.items():  # type: ignore[union-attr]
                before = merged.get(page, PageChange(None, False))
                merged[page] = PageChange(change.section or before.section, change.direct or before.direct)
        return merged


@dataclass(frozen=True)
class Reaction:
    action: str  # "reload", "go", "panel" or "none"
    href: str = ""  # where "go" goes: a page, with the section that changed as its fragment


SITE, WAITING, PRINT = "site", "waiting", "print"  # the views an open page can be


def reaction(
    view: str,
    page: str,
    changes: Changes | str,
    panel_changed: bool,
    pdf_changed: bool,
    chapters: Collection[str] = (),
) -> Reaction:
    """What an open page does. ``view``: ``SITE`` (a page of the site, ``page`` its file),
    ``WAITING`` (the page shown while nothing has built yet) or ``PRINT`` (the print pages
    view); ``changes``: the pages changed since it was served; ``panel_changed``: the faults
    or the PDF's state are not those it shows; ``pdf_changed``: a newer PDF was made;
    ``chapters``: the chapters' pages, the ones a page follows the writer to (the landing page
    changes with every new PDF it offers, the search page with every word)."""
    if view == PRINT:  # another chapter's edit is no reason to leave the pages of the PDF
        return Reaction("reload") if pdf_changed or changes == ALL else Reaction("panel" if panel_changed else "none")
    if changes == ALL or (view == WAITING and changes):
        return Reaction("reload")
    assert isinstance(changes, dict)
    if view == SITE and page in changes:
        return Reaction("reload")
    edited = [(name, change) for name, change in changes.items() if change.direct and name in chapters]
    if view == SITE and len(edited) == 1:
        name, change = edited[0]
        return Reaction("go", name + (f"#{change.section}" if change.section else ""))
    return Reaction("panel" if panel_changed else "none")
