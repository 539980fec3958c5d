"""Releases: immutable folders of outputs with checksums, and the offline downloads page.

``output/releases/<version>/`` holds the PDF, the ePub, ``SHA256SUMS``, ``manifest.json`` and,
when the release has one, the web edition in ``web/`` (its landing page links the PDF and ePub
beside it, with their SHA-256); ``output/releases/index.html`` lists every release, newest
first, with a link to each version's web edition. A version, once released,
never changes: releasing it again with different sources is refused, with the same sources it
is a no-op.

A release also keeps the sources it was made from, in ``sources/`` (the manuscript, its
changelog, chapters, includes, variables, bibliography, style, images, layout overrides and the
remote-images lock, at their paths relative to the manuscript's folder), so that ``diff 1.0 1.1``
and ``docx --changes-since 1.0`` can read any released version by its number
(:func:`kept_manuscript`). The downloads page does not list them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReleaseError
from ..model import Document
from ..output import write_atomic
from ..source import changelog, files
from ..theme import Theme

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SOURCES = "sources"
REMOTE_LOCK = "remote-images.lock"


def source_files(doc: Document) -> list[Path]:
    """Everything the author controls, in a fixed order: manuscript, changelog, the files the
    manuscript names (chapters, includes, variables.yaml, bibliography, CSL style), images,
    layout overrides."""
    files = [doc.source]
    log = changelog.find(doc.source)
    if log is not None:
        files.append(log)
    files.extend(doc.inputs)  # chapters, includes, variables, bibliography, style: in reading order
    files.extend(sorted(image.path for image in doc.images if image.data is None))  # data: images are in the text
    if doc.metadata.cover_image is not None:
        files.append(doc.metadata.cover_image)
    if doc.metadata.layouts is not None:
        files.extend(sorted(p for p in doc.metadata.layouts.rglob("*") if p.is_file()))
    return files


def _relative(path: Path, root: Path) -> str:
    return (path.relative_to(root) if path.is_relative_to(root) else Path(path.name)).as_posix()


def source_fingerprint(doc: Document) -> str:
    """SHA-256 over :func:`source_files`, each with its path relative to the manuscript's folder."""
    digest = hashlib.sha256()
    for path in source_files(doc):
        digest.update(_relative(path, doc.root).encode())
        digest.update(b"\0")
        digest.update(files.kept_bytes(path))  # the bytes this build read
        digest.update(b"\0")
    return digest.hexdigest()


def keep_sources(doc: Document, folder: Path) -> str:
    """Copy the release's sources into ``folder`` at their paths relative to the manuscript's
    folder (and the remote-images lock, which a build of them checks the images against); return
    the manuscript's path inside it. The copy has the same fingerprint as the original."""
    root = doc.root.resolve()
    files = [path.resolve() for path in source_files(doc)]
    lock = doc.root / REMOTE_LOCK
    if lock.is_file():
        files.append(lock.resolve())
    # every edition's catalog as it was, so that `diff` can say which translations went stale
    files.extend(sorted(p.resolve() for p in (doc.root / "translations").glob("*.po")))
    for path in dict.fromkeys(files):
        target = folder / _relative(path, root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return _relative(doc.source.resolve(), root)


def kept_manuscript(releases_dir: Path, version: str) -> Path | None:
    """The manuscript kept with release ``version``, or None when no such version was released.
    A release made before sources were kept is an error that says so."""
    manifest = released_manifest(releases_dir, version)
    if manifest is None:
        return None
    kept = manifest.get("sources")
    if not isinstance(kept, dict) or not isinstance(kept.get("manuscript"), str):
        raise ReleaseError(
            f"release {version} does not keep its sources (it was made before report-build kept them); "
            "name a git revision or a manuscript file instead",
            releases_dir / version / MANIFEST,
        )
    path = releases_dir / version / SOURCES / kept["manuscript"]
    if not path.is_file():
        raise ReleaseError(f"release {version}'s kept manuscript is missing", path)
    return path


def released_manifest(releases_dir: Path, version: str) -> dict[str, Any] | None:
    path = releases_dir / version / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"cannot read release manifest: {exc}", path) from None


def release_name(doc: Document) -> str:
    """The release's folder: the version (``1.2``), and a translated edition's language
    (``1.2-ar``): each edition of a version is filed, and never changes, on its own."""
    return doc.version + (f"-{doc.translation.language.lower()}" if doc.translation is not None else "")


def is_draft(doc: Document, releases_dir: Path) -> bool:
    """A build whose sources differ from what was released under the same version."""
    if not doc.version:
        return False
    manifest = released_manifest(releases_dir, release_name(doc))
    return manifest is not None and manifest.get("source_sha256") != source_fingerprint(doc)


def rewritten_history(doc: Document, releases_dir: Path) -> list[tuple[str, int | None]]:
    """(message, changelog line) for each older version whose changelog entry no longer gives the
    date it was filed with: the new edition's version history would contradict the filed one
    (and its downloads page). A filed release never changes; neither does what it says of itself."""
    suffix = f"-{doc.translation.language.lower()}" if doc.translation is not None else ""
    found = []
    for entry in doc.releases[1:]:
        filed = released_manifest(releases_dir, entry.version + suffix)
        if filed is not None and filed.get("date") and filed["date"] != entry.date.isoformat():
            found.append(
                (
                    f"release {entry.version} was filed dated {filed['date']}, but the changelog now dates it "
                    f"{entry.date.isoformat()}: put back {filed['date']} (a filed release does not change)",
                    entry.line,
                )
            )
    return found


@dataclass(frozen=True)
class Released:
    folder: Path
    changed: bool
    index: Path


WebSite = Callable[[list[dict[str, Any]], dict[str, tuple[str, bytes]]], dict[str, bytes]]


def release(
    doc: Document,
    render: Callable[[], dict[str, tuple[str, bytes]]],
    releases_dir: Path,
    theme: Theme,
    web: WebSite | None = None,
) -> Released:
    """File the outputs ``render()`` makes ({format: (file name, bytes)}) as release ``doc.version``.

    ``render`` is called only when the version has not been released yet. ``web``, given the
    files' entries (name, size, SHA-256) and the outputs, makes the web edition filed in ``web/``.
    """
    if not doc.version:
        raise ReleaseError("a release needs a version: add changelog.yaml beside the manuscript", doc.source)
    fingerprint = source_fingerprint(doc)
    name = release_name(doc)
    folder = releases_dir / name
    existing = released_manifest(releases_dir, name)
    if existing is not None:
        if existing.get("source_sha256") == fingerprint:
            return Released(folder, False, write_index(releases_dir, theme))
        log = changelog.find(doc.source)
        raise ReleaseError(
            f"version {doc.version} was already released from different sources; released files are left "
            "untouched. Add a new version at the top of the changelog to release these changes",
            log or doc.source,
            doc.release.line if doc.release else None,
        )
    outputs = render()
    files = []
    for fmt, (name, data) in sorted(outputs.items()):
        files.append({"format": fmt, "name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    site = web(files, outputs) if web is not None else {}
    release = doc.release
    manifest = {
        "title": doc.metadata.title,
        "subtitle": doc.metadata.subtitle,
        "identifier": doc.metadata.identifier,
        "version": doc.version,
        "date": doc.date.isoformat() if doc.date else None,
        "summary": release.summary if release else "",
        "changes": list(release.changes) if release else [],
        "source_sha256": fingerprint,
        "files": files,
        "language": doc.metadata.language,
        "editions": [_edition(t) for t in doc.editions],
    }
    if doc.translation is not None:
        manifest["translation"] = _edition(doc.translation)
    if site:
        manifest["web"] = "web/index.html"
    releases_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=releases_dir))
    try:
        for name, data in outputs.values():
            (staging / name).write_bytes(data)
        sums = "".join(f"{f['sha256']}  {f['name']}\n" for f in files)
        (staging / SUMS).write_text(sums, encoding="utf-8")
        manifest["sources"] = {"folder": SOURCES, "manuscript": keep_sources(doc, staging / SOURCES)}
        for name, data in site.items():
            path = staging / "web" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        for child in staging.rglob("*"):
            os.chmod(child, 0o755 if child.is_dir() else 0o644)
        os.chmod(staging, 0o755)
        os.rename(staging, folder)  # atomic: the version folder appears complete or not at all
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if released_manifest(releases_dir, name) is None and not folder.exists():
            raise ReleaseError(f"cannot file the release: {exc.strerror}", folder) from None
        return _lost_race(doc, manifest, folder, releases_dir, theme)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Released(folder, True, write_index(releases_dir, theme))


def _lost_race(doc: Document, mine: dict[str, Any], folder: Path, releases_dir: Path, theme: Theme) -> Released:
    """Another run filed the same version while this one was rendering: the same files make this
    run a success; anything else is refused, saying what happened (never an internal error)."""
    theirs = released_manifest(releases_dir, release_name(doc))
    if theirs is None:  # the other run's folder is there but not yet readable, or not a release
        raise ReleaseError(
            f"version {doc.version} was just released by another run at the same time, and its folder cannot "
            "be read yet; run the release again to see its outcome",
            folder,
        )
    if theirs.get("source_sha256") == mine["source_sha256"] and theirs.get("files") == mine["files"]:
        return Released(folder, False, write_index(releases_dir, theme))
    log = changelog.find(doc.source)
    raise ReleaseError(
        f"version {doc.version} was just released by another run at the same time, from "
        + (
            "the same sources but with different files"
            if theirs.get("source_sha256") == mine["source_sha256"]
            else "different sources"
        )
        + "; its files are left untouched. Add a new version at the top of the changelog to release these changes",
        log or doc.source,
        doc.release.line if doc.release else None,
    )


def _edition(translation: Any) -> dict[str, Any]:
    """A translated edition's language and completeness, as a manifest records it."""
    return {
        "language": translation.language,
        "source_language": translation.source_language,
        "passages": translation.passages,
        "fuzzy": translation.fuzzy,
        "untranslated": translation.untranslated,
        "since": translation.since,
    }


def _with_translations(manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each version once, its translated editions' releases (``1.2-ar``) listed under it as
    ``translations``; a translated release whose source version was not released here stands alone."""
    by_version = {m["version"]: m for m in manifests if "translation" not in m}
    out = []
    for manifest in manifests:
        home = by_version.get(manifest["version"]) if "translation" in manifest else None
        if home is not None:
            home.setdefault("translations", []).append(manifest)
        else:
            out.append(manifest)
    for manifest in out:
        manifest.setdefault("translations", [])
        manifest["translations"].sort(key=lambda m: m["translation"]["language"])
    return out


def write_index(releases_dir: Path, theme: Theme) -> Path:
    """The downloads page: every release, newest first; plain HTML, no scripts, works offline."""
    manifests = []
    for child in releases_dir.iterdir():
        filed = child.is_dir() and not child.name.startswith(".")  # not another run's staging folder
        manifest = released_manifest(releases_dir, child.name) if filed else None
        if manifest is not None:
            manifests.append(manifest)
    manifests.sort(key=lambda m: changelog.version_key(m["version"]), reverse=True)
    manifests = _with_translations(manifests)
    html = theme.render("downloads.html", releases=manifests, latest=manifests[0] if manifests else None)
    return write_atomic(releases_dir / "index.html", html.encode("utf-8"))
