"""Gathering many sources: at once but politely, isolated, and honest about each source's state."""

from __future__ import annotations

import json
import threading
import time
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone

import pytest

from conftest import serving
from feeds import rss2
from lamplighter.cli import main
from lamplighter.fetch import Fetcher

WEEK = "2026-W48"
IN_WEEK = datetime(2026, 11, 24, 8, tzinfo=timezone.utc)


def feed_of(name: str, when: datetime = IN_WEEK) -> str:
    return rss2([{"title": f"Post from {name}", "link": f"https://{name}.example/post", "date": when}])


def slow(body: str, delay: float):
    def route(handler):
        time.sleep(delay)  # the server is slow; the test itself never waits on a clock
        data = body.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return route


def gather_json(project, capsys, *extra: str) -> dict:
    """The gather's JSON, with what it said on stderr under "stderr"."""
    assert main(["gather", "-s", str(project.settings), "--week", WEEK, "--json", *extra]) in (0, 1)
    captured = capsys.readouterr()
    return {**json.loads(captured.out), "stderr": " ".join(captured.err.split())}


def test_sources_are_fetched_at_once_but_never_more_than_two_per_host(project, capsys):
    with ExitStack() as stack:
        servers = [stack.enter_context(serving()) for _ in range(3)]
        sources = []
        for s, server in enumerate(servers):
            for f in range(4):
                server.routes[f"/feed{f}"] = slow(feed_of(f"s{s}f{f}"), 0.3)
                sources.append({"name": f"s{s}f{f}", "type": "feed", "url": server.url(f"/feed{f}")})
        project.configure(sources, extra="LAMPLIGHTER_WORKERS = 12\n")

        result = gather_json(project, capsys)

    assert [s["status"] for s in result["sources"]] == ["ok"] * 12
    assert [server.most_at_once for server in servers] == [2, 2, 2]
    assert len(result["candidates"]) == 12


def test_a_host_with_a_rule_gets_one_request_at_a_time_spaced_apart(feed_server):
    starts: list[float] = []
    lock = threading.Lock()

    def route(handler):
        with lock:
            starts.append(time.monotonic())
        slow(feed_of("arxiv"), 0)(handler)

    for n in range(3):
        feed_server.routes[f"/q{n}"] = route
    fetcher = Fetcher(timeout=5, max_bytes=100_000, host_rules={"127.0.0.1": (1, 0.4)})
    threads = [threading.Thread(target=fetcher.get, args=(feed_server.url(f"/q{n}"),)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert feed_server.most_at_once == 1
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
    assert len(gaps) == 2 and all(gap >= 0.38 for gap in gaps), gaps


def test_a_hanging_source_does_not_hold_back_the_others(project, feed_server, capsys):
    release = threading.Event()
    feed_server.routes["/hang"] = lambda handler: release.wait(10)
    feed_server.add("/fine", feed_of("fine"))
    project.configure([{"name": "Hangs", "type": "feed", "url": feed_server.url("/hang")},
                       {"name": "Fine", "type": "feed", "url": feed_server.url("/fine")}],
                      extra="LAMPLIGHTER_TIMEOUT = 0.5\n")
    try:
        result = gather_json(project, capsys)
    finally:
        release.set()

    statuses = {s["name"]: (s["status"], s["error"]) for s in result["sources"]}
    assert statuses == {"Hangs": ("error", "no answer within 0.5 s"), "Fine": ("ok", None)}
    assert [c["source"] for c in result["candidates"]] == ["Fine"]


def test_an_unchanged_feed_is_not_modified_and_keeps_its_items(project, feed_server, capsys):
    body = feed_of("lab").encode()

    def route(handler):
        if handler.headers.get("If-None-Match") == '"abc"':
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", '"abc"')
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    feed_server.routes["/feed"] = route
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/feed")}])

    first = gather_json(project, capsys, "--dry-run")
    second = gather_json(project, capsys, "--dry-run")

    assert first["sources"][0]["status"] == "ok"
    assert second["sources"][0]["status"] == "not_modified"
    assert [c["url"] for c in second["candidates"]] == [c["url"] for c in first["candidates"]]
    assert [headers.get("If-None-Match") for _, headers in feed_server.requests] == [None, '"abc"']


def conditional(body: bytes, validator: str, value: str):
    """A feed's route that sends `validator` ("ETag" or "Last-Modified") and answers 304 when it comes back."""
    asked_with = {"ETag": "If-None-Match", "Last-Modified": "If-Modified-Since"}[validator]

    def route(handler):
        fresh = handler.headers.get(asked_with) == value
        handler.send_response(304 if fresh else 200)
        handler.send_header(validator, value)
        handler.send_header("Content-Length", "0" if fresh else str(len(body)))
        handler.end_headers()
        if not fresh:
            handler.wfile.write(body)

    return route


def test_a_feed_with_only_last_modified_is_asked_conditionally_and_an_older_item_store_learns_it(
        project, feed_server, capsys):
    import json

    stamp = "Mon, 23 Nov 2026 08:00:00 GMT"
    feed_server.routes["/feed"] = conditional(feed_of("lab").encode(), "Last-Modified", stamp)
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/feed")}])
    first = gather_json(project, capsys, "--dry-run")
    [stored] = (project.root / "cache" / "items").glob("*.json")
    # An item store written before validators were kept: the feed is read once more, and the store learns them.
    document = json.loads(stored.read_text(encoding="utf-8"))
    assert document.pop("validators") == {feed_server.url("/feed"): {"last-modified": stamp}}
    stored.write_text(json.dumps(document), encoding="utf-8")

    runs = [gather_json(project, capsys, "--dry-run") for _ in range(2)]

    assert [run["sources"][0]["status"] for run in runs] == ["ok", "not_modified"]
    assert all([c["url"] for c in run["candidates"]] == [c["url"] for c in first["candidates"]] for run in runs)
    assert [headers.get("If-Modified-Since") for _, headers in feed_server.requests] == [None, None, stamp]
    assert "validators" in json.loads(stored.read_text(encoding="utf-8"))


def test_when_nothing_changed_the_last_ranking_stands_and_any_change_ranks_again(project, feed_server, capsys):
    feed_server.routes["/feed"] = conditional(feed_of("lab").encode(), "ETag", '"abc"')
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/feed")}])
    path = project.issues / f"{WEEK}.md"
    first = gather_json(project, capsys)
    drafted = path.read_bytes()

    again = gather_json(project, capsys)

    assert "its ranking stands" in again["stderr"] and path.read_bytes() == drafted
    assert again["candidates"] == first["candidates"]
    # The editor deletes an item: the next gather ranks again, and records the drop.
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("- ["))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(("- [", "## "))), len(lines))
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    third = gather_json(project, capsys)
    assert "ranking stands" not in third["stderr"]
    assert sum(1 for c in third["candidates"] if c["dropped_in"]) == 1
    # A setting changes: ranked again too.
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/feed")}], "LAMPLIGHTER_FOCUS = {'lab': 2}\n")
    assert "ranking stands" not in gather_json(project, capsys)["stderr"]
    assert "ranking stands" in gather_json(project, capsys)["stderr"]


def test_a_feed_that_stopped_updating_is_stale(project, feed_server, capsys):
    long_ago = datetime.now(timezone.utc) - timedelta(days=45)
    feed_server.add("/old", feed_of("old", long_ago))
    feed_server.add("/patient", feed_of("patient", long_ago))
    project.configure([{"name": "Old", "type": "feed", "url": feed_server.url("/old")},
                       {"name": "Patient", "type": "feed", "url": feed_server.url("/patient"), "max_age_days": 60}])

    result = gather_json(project, capsys)

    statuses = {s["name"]: (s["status"], s["error"]) for s in result["sources"]}
    assert statuses["Old"] == ("stale", "newest item is 45 days old (max_age_days is 30)")
    assert statuses["Patient"] == ("ok", None)
    assert "1 source(s) look stale: Old" in result["stderr"]


def test_a_host_with_one_feed_is_not_kept_waiting_behind_a_busy_host(project, capsys):
    with serving() as busy, serving() as quiet:
        starts: dict[str, float] = {}

        def timed(name, server, delay):
            def route(handler):
                starts[name] = time.monotonic()
                slow(feed_of(name), delay)(handler)
            return route

        sources = []
        for n in range(6):
            busy.routes[f"/f{n}"] = timed(f"busy{n}", busy, 0.4)
            sources.append({"name": f"busy{n}", "type": "feed", "url": busy.url(f"/f{n}")})
        quiet.routes["/f"] = timed("quiet", quiet, 0)
        sources.append({"name": "quiet", "type": "feed", "url": quiet.url("/f")})
        project.configure(sources, extra="LAMPLIGHTER_WORKERS = 3\n")

        gather_json(project, capsys)

    assert starts["quiet"] - min(starts.values()) < 0.3


@pytest.mark.parametrize("damage", [b"{not json", b'{"items": 3, "first_seen": {}}', b"\xff\xfe", b'{"items": []}'])
def test_a_damaged_item_store_means_the_source_is_read_again(project, feed_server, capsys, damage):
    feed_server.add("/feed", feed_of("lab"))
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/feed")}])
    first = gather_json(project, capsys, "--dry-run")
    [stored] = (project.root / "cache" / "items").glob("*.json")
    stored.write_bytes(damage)

    again = gather_json(project, capsys, "--dry-run")

    assert again["sources"][0]["status"] == "ok" and again["candidates"] == first["candidates"]
