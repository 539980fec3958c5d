"""The layouts' compiled templates: the default layouts' kept where the package is installed,
read back only for those templates and only while their source is unchanged (in memory, no build)."""

from __future__ import annotations

import jinja2

from report_build.theme import CompiledTemplates, Theme, keep_installed


def test_the_default_layouts_compiled_once_are_not_compiled_again(tmp_path, monkeypatch):
    kept = tmp_path / "templates"
    count = keep_installed(kept)
    assert count >= 20 and len(list(kept.glob("*.jinja"))) == count
    installed = CompiledTemplates(kept)
    compiled: list[str] = []
    monkeypatch.setattr(installed, "dump_bytecode", lambda bucket: compiled.append(bucket.key))
    theme = Theme()
    theme.env.bytecode_cache = installed
    theme.load_all()
    assert compiled == []  # every template read back compiled


def test_a_layouts_folder_of_the_reports_own_is_compiled_not_read_from_the_installed_copy(tmp_path, monkeypatch):
    kept = tmp_path / "templates"
    keep_installed(kept)
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "cover.html").write_text("<p>OUR COVER</p>\n", encoding="utf-8")
    installed = CompiledTemplates(kept)
    compiled: list[str] = []
    monkeypatch.setattr(installed, "dump_bytecode", lambda bucket: compiled.append(bucket.key))
    theme = Theme(layouts)
    theme.env.bytecode_cache = installed
    assert theme.render("cover.html") == "<p>OUR COVER</p>\n"
    assert len(compiled) == 1  # the report's own cover, compiled; the default one is not used


def test_a_template_changed_since_it_was_kept_is_compiled_again(tmp_path):
    folder = tmp_path / "layouts"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text("old {{ word }}", encoding="utf-8")
    first = CompiledTemplates()
    jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=first).get_template("page.html")
    kept = tmp_path / "kept"
    kept.mkdir()
    for key, data in first.memory.items():
        (kept / f"{key}.jinja").write_bytes(data)
    page.write_text("new {{ word }}", encoding="utf-8")
    later = CompiledTemplates(kept)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=later)
    assert environment.get_template("page.html").render(word="text") == "new text"
    assert later.memory  # compiled again (and kept in memory), the stale entry left unused
