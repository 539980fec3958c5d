"""output/.cache (cache.py): entries kept for a digest of what they were made from, one per
name, so that the cache does not grow as the sources change."""

from __future__ import annotations

from report_build.cache import BuildCache


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
