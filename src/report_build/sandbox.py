"""What a build may read: files inside the manuscript's folder and the layouts folders, nothing else.

Used twice: when the manuscript is parsed (every image is checked, with its line)
and by WeasyPrint's URL fetcher (:mod:`report_build.writers.pdf.fetcher`), which refuses anything
outside the same roots, so a template or stylesheet cannot reach further than the
manuscript can.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import tinycss2

from .cache import BuildCache, stamp
from .errors import MissingFileError, ResourceError

SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
REFERENCES = "stylesheet-references.json"  # the build cache's entry (check_stylesheets)
REMOTE_SCHEMES = {"http", "https", "ftp", "ftps", "sftp", "ws", "wss", "gopher"}


def resolve_reference(ref: str, base: Path, roots: Iterable[Path], near: str = "the manuscript") -> Path:
    """Resolve a relative reference against ``base``; refuse remote, absolute and escaping ones.

    ``near`` names what relative paths are relative to, in messages ("the stylesheet").
    """
    ref = ref.strip()
    if not ref:
        raise ResourceError("empty file reference")
    match = SCHEME.match(ref)
    if match and len(match.group(1)) > 1:  # a one-letter "scheme" is a Windows drive
        scheme = match.group(1).lower()
        if scheme in REMOTE_SCHEMES or ref.startswith("//"):
            raise ResourceError(
                f"remote resource '{ref}' is refused: builds never use the network; "
                f"download it into the folder of {near} and refer to it by a relative path"
            )
        if scheme == "file":
            raise ResourceError(f"'{ref}' is refused: refer to files by a path relative to {near}")
        raise ResourceError(f"'{ref}' is refused: the '{scheme}:' scheme is not supported")
    if ref.startswith("//"):
        raise ResourceError(f"remote resource '{ref}' is refused: builds never use the network")
    path_part = unquote(urlsplit(ref).path)
    if path_part.startswith(("/", "\\")) or (len(path_part) > 1 and path_part[1] == ":"):
        raise ResourceError(f"absolute path '{ref}' is refused: use a path relative to {near}")
    candidate = (base / path_part).resolve()
    check_inside(candidate, roots, ref)
    if not candidate.is_file():
        raise MissingFileError(f"file '{ref}' not found (looked for {candidate})")
    return candidate


def check_inside(path: Path, roots: Iterable[Path], shown: str) -> None:
    resolved = path.resolve()
    for root in roots:
        if resolved.is_relative_to(root.resolve()):
            return
    raise ResourceError(f"'{shown}' is outside the manuscript and layouts folders (it resolves to {resolved}); refused")


@functools.lru_cache(maxsize=64)  # a pure function of the text: a watch's rebuilds reuse it
def css_references(css: str) -> tuple[tuple[str, int], ...]:
    """Every file a stylesheet refers to, as written, with its line: ``url(...)``, ``url("...")``
    and ``@import "..."``, wherever they are (rules, @font-face, @media, @page)."""
    found: list[tuple[str, int]] = []
    stack = [tinycss2.parse_component_value_list(css, skip_comments=True)]
    while stack:
        tokens = list(stack.pop())
        for index, token in enumerate(tokens):
            kind = getattr(token, "type", "")
            if kind == "url":
                found.append((token.value, token.source_line))
            elif kind == "function":
                if token.lower_name == "url":
                    strings = [t for t in token.arguments if getattr(t, "type", "") == "string"]
                    if strings:
                        found.append((strings[0].value, token.source_line))
                stack.append(token.arguments)
            elif kind in ("() block", "[] block", "{} block"):
                stack.append(token.content)
            elif kind == "at-keyword" and token.lower_value == "import":
                following = next((t for t in tokens[index + 1 :] if getattr(t, "type", "") != "whitespace"), None)
                if following is not None and following.type == "string":
                    found.append((following.value, following.source_line))
    return tuple(sorted(found, key=lambda item: item[1]))


def check_css(
    css: str,
    path: Path,
    roots: Iterable[Path],
    what: str = "stylesheet",
    references: tuple[tuple[str, int], ...] | None = None,
) -> None:
    """Refuse a stylesheet that refers to anything outside ``roots``: remote, absolute, escaping,
    missing. ``references``: :func:`css_references` of ``css``, when known already."""
    roots = tuple(roots)
    for ref, line in css_references(css) if references is None else references:
        if not ref.strip() or ref.strip().startswith("#") or ref.strip().lower().startswith("data:"):
            continue
        try:
            resolve_reference(ref, path.parent, roots, near=f"the {what}")
        except ResourceError as exc:
            raise ResourceError(f"{what}: {exc.message}", path, line) from None


def check_stylesheets(dirs: Iterable[Path], roots: Iterable[Path], cache: BuildCache | None = None) -> None:
    """Check every stylesheet of the layouts before rendering, so that a stylesheet reaching for
    the network or for a file outside the manuscript and layouts folders is an error naming its
    file and line (WeasyPrint's fetcher, :class:`SandboxFetcher`, refuses it too, but cannot
    say where it was written).

    What each stylesheet refers to is a function of its text alone: it is kept in the build's
    ``cache`` for a digest of the texts, so that a build whose layouts have not changed does not
    tokenize them again (0.04 s for the default layouts). The references are resolved and
    checked at every build, where the files are now."""
    roots = tuple(roots)
    sheets: list[tuple[Path, str | ResourceError]] = []
    for folder in dirs:
        for path in sorted(Path(folder).rglob("*.css")):
            try:
                sheets.append((path, path.read_text(encoding="utf-8-sig")))
            except (OSError, UnicodeDecodeError) as exc:
                sheets.append((path, ResourceError(f"stylesheet cannot be read as UTF-8 text: {exc}", path)))
    texts = [css for _path, css in sheets if isinstance(css, str)]
    digest = stamp("stylesheet references 1", texts, sys.modules[__name__], tinycss2)
    kept = _kept_references(cache.read_kept(REFERENCES, digest) if cache is not None else None, len(texts))
    references = kept if kept is not None else [css_references(css) for css in texts]
    found = iter(references)
    for path, css in sheets:
        if isinstance(css, ResourceError):
            raise css
        check_css(css, path, roots, references=next(found))
    if kept is None and cache is not None:
        cache.keep(REFERENCES, digest, [[list(item) for item in sheet] for sheet in references])


def _kept_references(value: Any, count: int) -> list[tuple[tuple[str, int], ...]] | None:
    """The references a cache entry holds for ``count`` stylesheets, or None (no entry, or not
    one this build wrote)."""
    if value is None:
        return None
    try:
        found = [tuple((str(ref), int(line)) for ref, line in sheet) for sheet in value]
    except (ValueError, TypeError):
        return None
    return found if len(found) == count else None
