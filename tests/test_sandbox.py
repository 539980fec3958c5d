"""What a build may read (sandbox.py): the layouts' stylesheets are checked for what they refer
to at every build, the references kept in the build cache while the stylesheets do not change."""

from __future__ import annotations

import json

import pytest

from report_build import sandbox
from report_build.cache import BuildCache
from report_build.errors import ResourceError


def _layouts(tmp_path, css: str):
    layouts = tmp_path / "layouts"
    (layouts / "fonts").mkdir(parents=True)
    (layouts / "fonts" / "a.ttf").write_bytes(b"font")
    (layouts / "a.css").write_text("p { color: red }\n", encoding="utf-8")
    (layouts / "b.css").write_text(css, encoding="utf-8")
    return layouts


def _checked_once(tmp_path, css: str):
    """The layouts with ``css`` as their second stylesheet, checked once with a build cache
    (committed): the layouts' folder and the cache's."""
    layouts = _layouts(tmp_path, css)
    cache_folder = tmp_path / "cache"
    cache_folder.mkdir()
    first = BuildCache(cache_folder)
    sandbox.check_stylesheets([layouts], [layouts], first)
    assert list(first.pending) == ["stylesheet-references.json"]
    first.commit()
    return layouts, cache_folder


def test_the_references_are_kept_and_still_checked(tmp_path, monkeypatch):
    layouts, cache_folder = _checked_once(tmp_path, "@font-face {\n  src: url(fonts/a.ttf);\n}\n")

    def refuse(css: str) -> None:
        raise AssertionError("tokenized again")

    monkeypatch.setattr(sandbox, "css_references", refuse)
    again = BuildCache(cache_folder)
    sandbox.check_stylesheets([layouts], [layouts], again)  # from the cache
    assert not again.pending
    # the kept references are resolved where the files are now: a file gone is refused
    (layouts / "fonts" / "a.ttf").unlink()
    with pytest.raises(ResourceError) as refused:
        sandbox.check_stylesheets([layouts], [layouts], BuildCache(cache_folder))
    assert refused.value.path == layouts / "b.css" and refused.value.line == 2


def test_a_changed_stylesheet_is_tokenized_again_and_refused_at_its_line(tmp_path):
    layouts, cache_folder = _checked_once(tmp_path, "p { color: red }\n")
    (layouts / "b.css").write_text("p {}\n\nh1 { background: url(https://example.org/x.png) }\n", encoding="utf-8")
    with pytest.raises(ResourceError) as refused:
        sandbox.check_stylesheets([layouts], [layouts], BuildCache(cache_folder))
    assert refused.value.line == 3 and "b.css" in str(refused.value.path)
    (layouts / "b.css").write_text("h1 { background: url(fonts/a.ttf) }\n", encoding="utf-8")
    again = BuildCache(cache_folder)
    sandbox.check_stylesheets([layouts], [layouts], again)
    again.commit()
    assert [path.name for path in cache_folder.iterdir()] == ["stylesheet-references.json"]  # replaced


def test_a_damaged_entry_is_ignored(tmp_path):
    layouts, cache_folder = _checked_once(tmp_path, "@font-face { src: url(fonts/a.ttf) }\n")
    (entry,) = [path for path in cache_folder.iterdir()]
    kept = json.loads(entry.read_text(encoding="utf-8"))
    assert kept["value"] == [[], [["fonts/a.ttf", 1]]]
    for damage in ([[], [[1, 2, 3]]], [[], [["fonts/a.ttf", "one"]]], [[]], "text", {"a": 1}):
        entry.write_text(json.dumps({**kept, "value": damage}), encoding="utf-8")  # the right digest
        again = BuildCache(cache_folder)
        sandbox.check_stylesheets([layouts], [layouts], again)
        assert json.loads(again.pending[entry.name]) == kept  # made and written afresh


def test_a_stylesheet_with_a_lone_surrogate_escape_is_checked_and_kept(tmp_path):
    """``\\D800`` in a reference is a lone surrogate once tokenized; the cache keeps it."""
    layouts, cache_folder = _checked_once(tmp_path, "p { background: url(#\\D800) }\n")
    again = BuildCache(cache_folder)
    sandbox.check_stylesheets([layouts], [layouts], again)
    assert not again.pending
