"""The package as installed: one version number, the default layouts found inside it or beside src/."""

from __future__ import annotations

import tomllib
from importlib.metadata import version

import pytest

import report_build
from conftest import ROOT
from report_build import TemplateError, theme


def test_one_version_number():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert version("report-build") == report_build.__version__


def test_default_layouts_prefer_the_installed_copy(tmp_path, monkeypatch):
    packaged, source = tmp_path / "site-packages" / "layouts", tmp_path / "clone" / "layouts"
    for folder in (packaged, source):
        (folder / "strings").mkdir(parents=True)
        (folder / "strings" / "en.yaml").write_text("contents: Contents\n")
    monkeypatch.setattr(theme, "PACKAGED_LAYOUTS", packaged)
    monkeypatch.setattr(theme, "SOURCE_LAYOUTS", source)
    assert theme.default_layouts() == packaged
    (packaged / "strings" / "en.yaml").unlink()
    assert theme.default_layouts() == source
    (source / "strings" / "en.yaml").unlink()
    with pytest.raises(TemplateError, match="default layouts are missing"):
        theme.default_layouts()


def test_in_a_clone_the_layouts_are_the_repositorys_own():
    assert theme.default_layouts() == ROOT / "layouts"
    assert not (ROOT / "src" / "report_build" / "layouts").exists()  # one copy in git, mapped at build time
    assert (ROOT / "src" / "report_build" / "py.typed").is_file()
