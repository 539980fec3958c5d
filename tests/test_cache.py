"""output/.cache (cache.py): entries kept for a digest of what they were made from, one per
name, so that the cache does not grow as the sources change."""

from __future__ import annotations

from report_build.cache import BuildCache, made_by, stamp


def test_a_kept_value_is_read_for_its_digest_only(tmp_path):
    first = BuildCache(tmp_path)
    first.keep("rules.json", "abc", {"strings": [["h1", "title"]]})
    assert first.read_kept("rules.json", "abc") == {"strings": [["h1", "title"]]}  # before the commit too
    first.commit()
    again = BuildCache(tmp_path)
    assert again.read_kept("rules.json", "abc") == {"strings": [["h1", "title"]]}
    assert again.read_kept("rules.json", "def") is None  # made from something else
    assert again.read_kept("other.json", "abc") is None
    again.keep("rules.json", "def", [1, 2])
    again.commit()
    assert [path.name for path in tmp_path.iterdir()] == ["rules.json"]  # replaced, not added
    assert BuildCache(tmp_path).read_kept("rules.json", "def") == [1, 2]


def test_a_damaged_entry_reads_as_none(tmp_path):
    for damage in (b"", b"{", b"[1, 2]", b'"text"', b'{"value": 1}', b"\xff\xfe"):
        (tmp_path / "x.json").write_bytes(damage)
        assert BuildCache(tmp_path).read_kept("x.json", "abc") is None
    assert BuildCache(None).read_kept("x.json", "abc") is None


def test_a_value_with_a_lone_surrogate_is_kept(tmp_path):
    """A CSS escape can give a lone surrogate (``\\D800``), which UTF-8 cannot encode."""
    first = BuildCache(tmp_path)
    first.keep("refs.json", "abc", [["#\ud800", 1]])
    first.commit()
    assert BuildCache(tmp_path).read_kept("refs.json", "abc") == [["#\ud800", 1]]


def test_a_deeply_nested_entry_reads_as_none(tmp_path):
    (tmp_path / "x.json").write_bytes(b"[" * 200_000)
    assert BuildCache(tmp_path).read_kept("x.json", "abc") is None


def test_the_code_that_made_a_value_is_part_of_its_digest(tmp_path):
    import types

    def module(name: str, source: str | None = None, version: str | None = None) -> types.ModuleType:
        made = types.ModuleType(name)
        if source is not None:
            path = tmp_path / f"{name}-{len(source)}.py"
            path.write_text(source, encoding="utf-8")
            made.__file__ = str(path)
        if version is not None:
            made.__version__ = version  # type: ignore[attr-defined]
        return made

    ours, changed = module("ours", "def f(): return 1\n"), module("ours", "def f(): return 2 # fixed\n")
    library, upgraded = module("lib", version="1.5.1"), module("lib", version="1.6.0")
    assert made_by(ours, library) == made_by(ours, library)
    assert len({made_by(ours, library), made_by(changed, library), made_by(ours, upgraded)}) == 3


def test_a_stamp_names_its_kind_its_parts_in_order_and_their_bounds():
    import tinycss2

    base = stamp("rules 1", ["ab", "c"], tinycss2)
    assert base == stamp("rules 1", ["ab", b"c"], tinycss2)  # a text and its UTF-8 bytes alike
    others = {
        stamp("rules 2", ["ab", "c"], tinycss2),  # another format
        stamp("rules 1", ["c", "ab"], tinycss2),  # another order
        stamp("rules 1", ["a", "bc"], tinycss2),  # the same text cut elsewhere
        stamp("rules 1", ["ab", "c"]),  # other code
    }
    assert base not in others and len(others) == 4
