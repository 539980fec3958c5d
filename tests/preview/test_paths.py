"""Which requests the preview answers, and with which of its files: fast, no server."""

from __future__ import annotations

import pytest

from report_build.preview.paths import (
    fetch_allowed,
    host_allowed,
    is_loopback,
    preview_file,
    request_key,
    site_file,
)

SITE = {"index.html", "chapter-01.html", "assets/site.css", "images/01-map.svg", "ar/index.html"}


@pytest.mark.parametrize(
    ("target", "key"),
    [
        ("/", "index.html"),
        ("/chapter-01.html", "chapter-01.html"),
        ("/chapter-01.html?x=1#top", "chapter-01.html"),
        ("/assets/site.css", "assets/site.css"),
        ("/ar/", "ar/index.html"),
        ("/images/01%2Dmap.svg", "images/01-map.svg"),  # an encoded letter is only a letter
    ],
)
def test_a_site_file_is_served_by_its_name(target, key):
    assert site_file(target, SITE) == key


@pytest.mark.parametrize(
    "target",
    [
        "/../report.md",
        "/assets/../../etc/passwd",
        "/%2e%2e/report.md",
        "/%2E%2E%2Freport.md",
        "/assets/..%2f..%2fetc%2fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/assets\\..\\index.html",
        "//etc/passwd",
        "/%2F%2Fetc/passwd",
        "/./index.html",
        "/assets//site.css",
        "/index.html%00.css",
        "/%ff.html",
        "/%252e%252e/report.md",  # encoded twice: one decoding leaves a name no file has
        "http://127.0.0.1:8000/index.html",  # absolute-form: for proxies, not for this server
        "index.html",
        "/assets/",  # a folder without index.html: no listing
        "/images",
        "/report.md",  # the manuscript is not part of the site
        "/_preview/live.js",  # the preview's own files are not site files
    ],
)
def test_anything_else_is_not_found(target):
    assert site_file(target, SITE) is None


def test_traversal_is_refused_before_any_lookup():
    """Even where a tidied-up name would exist, a path that tries to leave is refused."""
    assert request_key("/assets/../index.html") is None
    assert request_key("/%2e/index.html") is None
    assert request_key("/ar/") == "ar/index.html"


def test_the_previews_own_files_live_under_one_prefix():
    assert preview_file("/_preview/live.js") == "live.js"
    assert preview_file("/_preview/pages/3-12.png?x") == "pages/3-12.png"
    assert preview_file("/_preview/../index.html") is None
    assert preview_file("/_preview/") == "index.html"  # a name the preview does not have: 404
    assert preview_file("/index.html") is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True), ("0.0.0.0", False), ("", False)],
)
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_on_loopback_only_loopback_names_are_answered():
    assert host_allowed("127.0.0.1:8000", "127.0.0.1", 8000)
    assert host_allowed("localhost:8000", "127.0.0.1", 8000)
    assert host_allowed("LOCALHOST:8000", "127.0.0.1", 8000)
    assert host_allowed("[::1]:8001", "::1", 8001)
    assert host_allowed(None, "127.0.0.1", 8000)
    assert not host_allowed("evil.example:8000", "127.0.0.1", 8000)  # a name rebound to 127.0.0.1
    assert not host_allowed("127.0.0.1:9999", "127.0.0.1", 8000)
    assert host_allowed("report.lan:8000", "0.0.0.0", 8000)  # --host: whoever reaches it


def test_other_sites_may_link_to_the_preview_but_not_load_its_files():
    assert fetch_allowed(None, None)  # curl, older browsers
    assert fetch_allowed("same-origin", "no-cors")
    assert fetch_allowed("none", "navigate")  # typed in
    assert fetch_allowed("cross-site", "navigate")  # a link followed
    assert not fetch_allowed("cross-site", "no-cors")  # <script src="http://127.0.0.1:8000/_preview/poll.js">
    assert not fetch_allowed("same-site", "cors")
