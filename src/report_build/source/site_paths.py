"""Site-absolute image paths (``/img/x.png``, ``<img src="/images/x.png">``), read as the site that
served them read them: under the site's root.

Docusaurus and Hugo serve ``/img/x.png`` from the site's ``static/`` folder; a page copied out of
its site usually has its images copied beside it. So a site-absolute path is looked for under

1. ``--site-root DIR`` on the command line, when given (any folder: whoever runs the build
   chooses to let it read there);
2. else ``site_root:`` in the front matter (a folder inside the manuscript's folder);
3. else the manuscript's folder, then its ``static/`` folder.

A path that leads out of the site root (``/../x.png``, a symbolic link) is refused (it stops the
build), as is a path to a file of this machine outside the site root (``/home/me/x.png``, written as
a file path); one found nowhere is a fault that names where it looked and both options (a draft
shows a placeholder with the image's alt text, as for any image that cannot be drawn). An image
found outside the manuscript's folder (under ``--site-root``) is carried by its bytes, under the
name ``site-root/<path>`` beside the manuscript, as a ``data:`` image is (:mod:`report_build.image_data`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import images
from ..errors import ResourceError, UnusableImageError

VIRTUAL_FOLDER = "site-root"
FALLBACK = "static"
ADVICE = "point site_root: (front matter) or --site-root DIR at the folder the site serves them from"


@dataclass(frozen=True)
class SiteImage:
    path: Path  # the file, or (outside the manuscript's folder) its name beside the manuscript
    src: str  # relative to the manuscript's folder, POSIX
    data: bytes | None = None  # the bytes of an image outside the manuscript's folder


def is_site_absolute(src: str) -> bool:
    src = src.strip()
    return src.startswith("/") and not src.startswith("//")


def resolve(src: str, folder: Path, given: Path | None, declared: Path | None) -> SiteImage:
    """The image a site-absolute ``src`` names. ``folder``: the manuscript's folder; ``given``:
    ``--site-root``; ``declared``: ``site_root:`` (already checked to be inside ``folder``)."""
    folder = folder.resolve()
    root = (given or declared or folder).resolve()
    relative = unquote(urlsplit(src.strip()).path).lstrip("/")
    candidates = [root / relative]
    if given is None and declared is None:
        candidates.append(root / FALLBACK / relative)
    for candidate in candidates:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root):
            raise ResourceError(
                f"image '{src}' leads outside the site root {root} (it resolves to {resolved}); refused: "
                f"site-absolute paths are read under the site root; {ADVICE}"
            )
        if not resolved.is_file():
            continue
        if resolved.is_relative_to(folder):
            inside = resolved.relative_to(folder).as_posix()
            return SiteImage(images.admit(inside, folder, (folder,)), inside)
        images.admit(resolved.relative_to(root).as_posix(), root, (root,))
        name = f"{VIRTUAL_FOLDER}/{resolved.relative_to(root).as_posix()}"
        return SiteImage(folder / name, name, resolved.read_bytes())
    literal = Path(unquote(urlsplit(src.strip()).path))
    if literal.exists() and not literal.resolve().is_relative_to(root):  # a path on this machine, not the site's
        raise ResourceError(
            f"image '{src}' is refused: it is a file outside the manuscript's folder (an absolute path is read "
            f"as site-absolute, under the site root {root}, where there is no such file); copy it into the "
            "manuscript's folder and refer to it by a relative path"
        )
    looked = " and ".join(str(c) for c in candidates)
    raise UnusableImageError(f"image '{src}' not found under the site root (looked for {looked}): {ADVICE}")
