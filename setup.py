"""Packaging beyond pyproject.toml: the default layouts ship inside the package.

``layouts/`` at the top of the repository is the one copy in git. Built into a wheel or an
sdist, it becomes the package ``report_build.layouts`` (templates, stylesheets, fonts with
their licences, strings, the ``report-build new`` scaffold), where ``theme.default_layouts()``
finds it once installed. The mapping needs code: pyproject.toml cannot combine package
discovery in ``src/`` with a package whose folder lies outside it.
"""

from pathlib import Path

from setuptools import find_packages, setup

LAYOUTS = Path(__file__).resolve().parent / "layouts"


def layout_packages() -> tuple[list[str], dict[str, list[str]]]:
    """Every folder of layouts/ as a data package (setuptools wants each importable-looking
    folder named), and each folder's files as data of the nearest package: a folder whose name
    is no identifier (``fonts/noto-naskh-arabic``) goes with its parent."""
    packages: list[str] = []
    data: dict[str, list[str]] = {}
    for folder in sorted([LAYOUTS, *LAYOUTS.rglob("*")]):
        if not folder.is_dir() or folder.name == "__pycache__":
            continue
        parts = folder.relative_to(LAYOUTS).parts
        depth = len(parts)
        while depth and not all(part.isidentifier() for part in parts[:depth]):
            depth -= 1
        package = ".".join(("report_build", "layouts", *parts[:depth]))
        if depth == len(parts):
            packages.append(package)
        data.setdefault(package, []).append("/".join((*parts[depth:], "*")))
    return packages, data


PACKAGES, DATA = layout_packages()

setup(
    packages=[*find_packages("src"), *PACKAGES],
    package_dir={"": "src", "report_build.layouts": "layouts"},
    package_data={"report_build": ["py.typed", "checks/*.java"], **DATA},
)
