"""The `feed` source over real HTTP: every feed flavour, relative links, and the ways a source fails."""

from __future__ import annotations

import re
import socket
from datetime import datetime, timezone

import pytest

from conftest import run_source
from feeds import atom, rss1, rss2
from lamplighter.errors import SourceError
from lamplighter.fetch import Fetcher
from lamplighter.settings import SourceConfig
from lamplighter.sources import feed

NOV_24 = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)


def gather(url: str, *, kind: str | None = None, max_bytes: int = 1_000_000, timeout: float = 5):
    options = {"url": url, **({"kind": kind} if kind else {})}
    return feed.gather(SourceConfig("Test", "feed", options), Fetcher(timeout=timeout, max_bytes=max_bytes))


def test_rss2_items_carry_title_link_date_summary_and_tags(feed_server):
    url = feed_server.add("/rss", rss2([{"title": "Flow matching, explained", "link": "https://lab.example/flow",
                                         "date": NOV_24, "description": "<p>Why <b>straight</b> paths help.</p>",
                                         "tags": ["diffusion"]}]))

    [item] = gather(url)

    assert (item.title, item.url, item.published) == ("Flow matching, explained", "https://lab.example/flow", NOV_24)
    assert item.summary == "Why straight paths help."
    assert item.tags == ("diffusion",)
    assert item.source == "Test"
    assert item.kind == "article"


def test_rss1_as_arxiv_wrote_it(feed_server):
    url = feed_server.add("/rdf", rss1([{"title": "Consistency Models (arXiv:2303.01469v2 [cs.LG])",
                                         "link": "http://arxiv.org/abs/2303.01469", "date": NOV_24,
                                         "creator": "Yang Song, Prafulla Dhariwal, Mark Chen, Ilya Sutskever"}]))

    [item] = gather(url)

    assert item.kind == "paper"
    assert item.key == "arxiv:2303.01469"
    assert item.authors == ("Yang Song", "Prafulla Dhariwal", "Mark Chen", "Ilya Sutskever")


def test_rss091_without_dates_gives_undated_items(feed_server):
    url = feed_server.add("/old", """<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>https://old.example/</link><description>d</description>
<item><title>An old-style item</title><link>https://old.example/1</link></item></channel></rss>""")

    [item] = gather(url)

    assert item.published is None


def test_atom_relative_links_resolve_against_the_feed_address(feed_server):
    url = feed_server.add("/blog/feed.atom", atom([
        {"title": "Root-relative", "link": "/blog/post-1", "date": NOV_24},
        {"title": "Path-relative", "link": "post-2", "date": NOV_24},
    ]))

    items = gather(url)

    assert [item.url for item in items] == [feed_server.url("/blog/post-1"), feed_server.url("/blog/post-2")]


def test_atom_xml_base_wins_over_the_feed_address(feed_server):
    url = feed_server.add("/feed", atom([{"title": "T", "link": "2024/01/post.html", "date": NOV_24}],
                                        base="https://sander.example/"))

    [item] = gather(url)

    assert item.url == "https://sander.example/2024/01/post.html"


def test_a_relative_xml_base_resolves_against_the_feed_address(feed_server):
    url = feed_server.add("/blog/feed.atom", atom([{"title": "T", "link": "2024/post.html", "date": NOV_24}],
                                                  base="../news/"))

    [item] = gather(url)

    assert item.url == feed_server.url("/news/2024/post.html")


def test_relative_links_follow_redirects(feed_server):
    feed_server.add("/moved/feed.atom", atom([{"title": "T", "link": "post", "date": NOV_24}]))
    url = feed_server.add("/feed", "", status=301, headers={"Location": "/moved/feed.atom"})

    [item] = gather(url)

    assert item.url == feed_server.url("/moved/post")


def test_titles_are_plain_text_and_summaries_lose_their_scripts(feed_server):
    url = feed_server.add("/rss", rss2([{
        "title": "&lt;b&gt;Bold&lt;/b&gt; claims &amp;amp; results",
        "link": "https://lab.example/x", "date": NOV_24,
        "description": '<p onclick="steal()">Read</p><script>alert(1)</script><img src=x onerror=alert(2)> this',
    }]))

    [item] = gather(url)

    assert item.title == "Bold claims & results"
    assert item.summary == "Read this"


def test_a_declared_kind_overrides_the_guess(feed_server):
    url = feed_server.add("/rss", rss2([{"title": "T", "link": "https://lab.example/talk", "date": NOV_24}]))

    [item] = gather(url, kind="video")

    assert item.kind == "video"


def test_latin1_feed_declared_in_its_prolog(feed_server):
    body = rss2([{"title": "Café généreux", "link": "https://lab.example/cafe", "date": NOV_24}],
                encoding="iso-8859-1").encode("iso-8859-1")
    url = feed_server.add("/latin1", body, content_type="application/rss+xml")

    [item] = gather(url)

    assert item.title == "Café généreux"


@pytest.mark.parametrize(("body", "content_type"), [
    ("<!doctype html><html><body><h1>Welcome</h1></body></html>", "text/html"),
    ("", "application/xml"),
    ("\x00\xff garbage \x89PNG", "application/octet-stream"),
])
def test_a_response_that_is_not_a_feed_is_an_error(feed_server, body, content_type):
    url = feed_server.add("/feed", body, content_type=content_type)

    with pytest.raises(SourceError, match="not a feed"):
        gather(url)


def test_a_plain_text_answer_is_quoted_in_the_reason(feed_server):
    url = feed_server.add("/api/query", "Rate exceeded.", content_type="text/plain")

    with pytest.raises(SourceError, match="not a feed: the server said 'Rate exceeded.'"):
        gather(url)


@pytest.mark.parametrize("status", [404, 410, 500])
def test_http_errors_are_reported_with_their_status(feed_server, status):
    url = feed_server.add("/feed", "oops", status=status, content_type="text/plain")

    with pytest.raises(SourceError, match=f"HTTP {status}"):
        gather(url)


def test_a_refused_connection_is_one_line(feed_server):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(SourceError, match="could not connect") as error:
        gather(f"http://127.0.0.1:{port}/feed")

    assert "\n" not in str(error.value)


def test_a_body_over_the_cap_is_abandoned(feed_server):
    url = feed_server.add("/big", rss2([{"title": "x" * 5000, "link": "https://lab.example/", "date": NOV_24}]))

    with pytest.raises(SourceError, match="cap"):
        gather(url, max_bytes=1000)


def test_a_body_over_the_cap_without_content_length_is_abandoned_while_streaming(feed_server):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.end_headers()
        try:
            for _ in range(10_000):
                handler.wfile.write(b"<rss>" + b" " * 65536)
        except OSError:
            pass  # the client hung up, as it should

    feed_server.routes["/endless"] = endless

    with pytest.raises(SourceError, match="cap"):
        gather(feed_server.url("/endless"), max_bytes=200_000)


def test_a_redirect_loop_is_an_error(feed_server):
    feed_server.add("/a", "", status=302, headers={"Location": "/b"})
    feed_server.add("/b", "", status=302, headers={"Location": "/a"})

    with pytest.raises(SourceError, match="redirects"):
        gather(feed_server.url("/a"))


def test_a_feed_with_no_entries_is_an_error_not_an_empty_success(feed_server):
    url = feed_server.add("/rss", rss2([]))

    with pytest.raises(SourceError, match="no entries"):
        gather(url)


def test_requests_say_who_is_asking(feed_server):
    url = feed_server.add("/rss", rss2([{"title": "T", "link": "https://lab.example/t", "date": NOV_24}]))

    gather(url)

    assert feed_server.requests[0][1]["User-Agent"].startswith("Lamplighter/")


def test_a_parser_error_keeps_its_line_and_column(feed_server, tmp_path):
    feed_server.add("/broken.xml", '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x &nbsp; y</title>'
                                   '</channel></rss>' + " " * 400)

    with pytest.raises(SourceError) as error:
        run_source("feed", {"url": feed_server.url("/broken.xml")}, cache_dir=tmp_path)

    assert re.search(r"<unknown>:\d+:\d+: undefined entity", str(error.value)), str(error.value)
