"""The pull request's body: what a server says is shown, never obeyed.

A reason phrase, a quoted response body or arXiv's error summary is a hostile server's to
choose. In the body it must stay text: no link, image, HTML, heading, emphasis or @mention.
The body is read back with a CommonMark parser (with GitHub's tables) to check.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from lamplighter.cli import main

HOSTILE = ("[click me](https://evil.example/x) ![pixel](https://evil.example/p.gif) @octocat **loud** "
           "<img src=https://evil.example/i> # heading `tick`` | cell https://evil.example/bare \u202eevil")


def hostile_reason(handler) -> None:  # noqa: ANN001 (the server's request handler)
    handler.send_response(404, HOSTILE.replace("\u202e", ""))  # a reason phrase is Latin-1
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def test_hostile_reasons_and_bodies_are_inert_in_the_pull_request_body(feed_server, project, tmp_path):
    feed_server.routes["/reason.rss"] = hostile_reason
    feed_server.add("/api/models", f"[x](https://evil.example/m) @octocat {HOSTILE}", content_type="text/html")
    feed_server.add("/api/query", f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
        <entry><id>http://arxiv.org/api/errors#x</id><title>Error</title><summary>{HOSTILE.replace("<", "&lt;")}</summary>
        </entry></feed>""")
    project.configure([
        {"name": "Reason", "type": "feed", "url": feed_server.url("/reason.rss")},
        {"name": "Models", "type": "hf_models", "base_url": feed_server.url("")},
        {"name": "Papers", "type": "arxiv", "query": "cat:cs.CV", "base_url": feed_server.url("")},
    ], extra="LAMPLIGHTER_TIMEOUT = 2\n")
    body_path = tmp_path / "body.md"

    main(["gather", "-s", str(project.settings), "--week", "2026-W48", "--markdown-report", str(body_path)])

    body = body_path.read_text(encoding="utf-8")
    assert body.count("evil.example/x") == 3  # each server's words are there, to read
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    inline = [child for token in tokens for child in (token.children or [])]
    for token in tokens + inline:
        assert token.type not in ("link_open", "image", "html_inline", "html_block", "em_open"), token
        assert not (token.type == "heading_open" and token.map[0] > 0), "a heading from a server"
    for token in inline:
        if token.type == "text":
            assert "@" not in token.content and "evil.example" not in token.content, token.content
    assert "\u202e" not in body
    assert all(len(line) < 1200 for line in body.splitlines())
