"""Gathering benchmark: 100 feeds of 20 items on local servers, each answer delayed 0.2 s.

Measured in the same run: a plain sequential requests + feedparser loop over the feeds,
Lamplighter's cold gather (empty cache), and a warm re-run, which should revalidate the
feeds with conditional requests (304) rather than download them again.

Targets: cold gather at most 0.15x the sequential loop; at least 90% of feeds revalidated.
Run with `make bench`; exits 1 when a target is missed.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import requests
from rich.console import Console

from lamplighter.gather import gather
from lamplighter.settings import from_pelican
from lamplighter.weeks import week_of, week_window
from report import Result, table

SERVERS, FEEDS_PER_SERVER, ITEMS, DELAY = 10, 10, 20, 0.2
COLD_TARGET, REVALIDATED_TARGET = 0.15, 0.90


def feed_body(name: str, now: datetime) -> bytes:
    items = "".join(
        f"<item><title>{name} post {n}</title><link>https://{name}.example/{n}</link>"
        f"<pubDate>{format_datetime(now - timedelta(hours=n))}</pubDate>"
        f"<description>&lt;p&gt;Summary {n} of {name}, long enough to look like a real one.&lt;/p&gt;</description></item>"
        for n in range(ITEMS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'.encode()


def start_server(bodies: dict[str, bytes], counts: dict[str, int], lock: threading.Lock) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            time.sleep(DELAY)
            body, etag = bodies[self.path], f'"{hash(self.path)}"'
            not_modified = self.headers.get("If-None-Match") == etag
            with lock:
                counts["304" if not_modified else "200"] += 1
            self.send_response(304 if not_modified else 200)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0" if not_modified else str(len(body)))
            self.end_headers()
            if not not_modified:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sequential(urls: list[str]) -> float:
    started = time.perf_counter()
    with requests.Session() as session:
        for url in urls:
            feedparser.parse(session.get(url, timeout=10).content)
    return time.perf_counter() - started


def run() -> list[Result]:
    """Serve the feeds, then time the sequential loop, a cold gather and a warm one."""
    now = datetime.now(timezone.utc)
    counts, lock, urls, servers = {"200": 0, "304": 0}, threading.Lock(), [], []
    for s in range(SERVERS):
        bodies = {f"/feed{f}.rss": feed_body(f"s{s}f{f}", now) for f in range(FEEDS_PER_SERVER)}
        server = start_server(bodies, counts, lock)
        servers.append(server)
        urls += [f"http://127.0.0.1:{server.server_port}{path}" for path in bodies]

    with tempfile.TemporaryDirectory() as cache:
        settings = from_pelican({"PATH": cache, "LAMPLIGHTER_CACHE_DIR": cache, "LAMPLIGHTER_TIMEOUT": 10,
                                 "LAMPLIGHTER_WORKERS": 16, "LAMPLIGHTER_SOURCES": [
                                     {"name": f"feed {n}", "type": "feed", "url": url} for n, url in enumerate(urls)]},
                                base=Path(cache))
        window = week_window(week_of(now.date()))
        baseline = sequential(urls)
        started = time.perf_counter()
        cold = gather(settings, window)
        cold_seconds = time.perf_counter() - started
        counts.update({"200": 0, "304": 0})
        started = time.perf_counter()
        warm = gather(settings, window)
        warm_seconds = time.perf_counter() - started
    for server in servers:
        server.shutdown()

    revalidated = counts["304"] / len(urls)
    ratio = cold_seconds / baseline
    ok_cold = all(r.status == "ok" for r in cold.reports) and len(cold.items) > 0
    ok_warm = sum(r.status == "not_modified" for r in warm.reports) == counts["304"] and len(warm.items) == len(cold.items)
    return [
        Result("gather", "cold", f"{cold_seconds:.2f} s", f"{baseline:.2f} s", ratio,
               f"{COLD_TARGET}x", ratio <= COLD_TARGET and ok_cold),
        Result("gather", "warm: 304s", f"{revalidated:.0%}, {warm_seconds:.2f} s", "", None,
               f">= {REVALIDATED_TARGET:.0%}", revalidated >= REVALIDATED_TARGET and ok_warm),
    ]


def main() -> int:
    results = run()
    Console().print(table(results, f"Gather: {SERVERS * FEEDS_PER_SERVER} feeds x {ITEMS} items, {DELAY} s per "
                                   f"answer, {SERVERS} local servers; reference: a sequential loop"))
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
