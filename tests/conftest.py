"""Shared fixtures: a real HTTP server on 127.0.0.1, and a site project in a temporary folder."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_settings_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pelican keeps each settings file it loads in sys.modules under its bare name; one test's
    `pelicanconf` must not be what the next test's `from pelicanconf import *` finds."""
    for name in ("pelicanconf", "publishconf", "democonf"):
        monkeypatch.delitem(sys.modules, name, raising=False)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FeedServer:
    """Serves fixed answers by path, and remembers every request it was sent."""

    base: str
    routes: dict[str, Route | Callable[[BaseHTTPRequestHandler], None]]
    requests: list[tuple[str, dict[str, str]]]
    most_at_once: int = 0  # the most requests it was handling at the same moment

    def add(self, path: str, body: bytes | str, *, status: int = 200, content_type: str = "application/xml",
            headers: dict[str, str] | None = None) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, status, {"Content-Type": content_type, **(headers or {})})
        return self.base + path

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def serving() -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1, on a port of its own, for the duration of a test."""
    routes: dict = {}
    state = FeedServer("", routes, [])
    lock, in_flight = threading.Lock(), [0]

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            with lock:
                state.requests.append((self.path, dict(self.headers)))
                in_flight[0] += 1
                state.most_at_once = max(state.most_at_once, in_flight[0])
            try:
                # A route without a query answers every query on its path (APIs are asked with parameters).
                self._answer(routes.get(self.path) or routes.get(self.path.split("?")[0]))
            finally:
                with lock:
                    in_flight[0] -= 1

        def _answer(self, route) -> None:
            if callable(route):
                route(self)
                return
            route = route or Route(b"not found", 404, {"Content-Type": "text/plain"})
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if "Content-Length" not in route.headers:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

    with loopback(Handler) as base:
        state.base = base
        yield state


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps the test output clean of access logs."""

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1, on a port of its own, answering with `handler`; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with serving() as server:
        yield server


@dataclass
class Project:
    """A newsletter project in a temporary folder, using the repository's theme, plugin and settings."""

    root: Path

    @property
    def issues(self) -> Path:
        return self.root / "content" / "issues"

    @property
    def settings(self) -> Path:
        return self.root / "pelicanconf.py"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def configure(self, sources: list[dict], extra: str = "") -> Path:
        self.settings.write_text(
            # Pelican loads this file as the module `pelicanconf`, so `from pelicanconf import *`
            # would import itself: run the repository's settings by path instead.
            f"exec(open({str(REPO / 'pelicanconf.py')!r}, encoding='utf-8').read())\n"
            "PATH = 'content'\nOUTPUT_PATH = 'output'\n"
            f"THEME = {str(REPO / 'theme')!r}\n"
            f"PLUGIN_PATHS = [{str(REPO / 'plugins')!r}]\n"
            "LAMPLIGHTER_CACHE_DIR = 'cache'\n"
            "LAMPLIGHTER_TIMEOUT = 5\n"
            "LAMPLIGHTER_ARXIV_BASE_URL = 'http://127.0.0.1:9'\n"  # no test asks the real arXiv for titles
            f"LAMPLIGHTER_SOURCES = {sources!r}\n" + extra,
            encoding="utf-8",
        )
        return self.settings

    def write_issue(self, week: str, text: str) -> Path:
        path = self.issues / f"{week}.md"
        path.write_text(text, encoding="utf-8")
        return path

    def build(self, settings_file: str = "pelicanconf.py", **override: object) -> Path:
        """A real Pelican build of the project, as `pelican -s SETTINGS` would run it."""
        from pelican import Pelican
        from pelican.settings import read_settings

        Pelican(read_settings(str(self.root / settings_file), override=override or None)).run()
        return self.output


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "content" / "issues").mkdir(parents=True)
    (tmp_path / "content" / "pages").mkdir()
    made = Project(tmp_path)
    made.configure([])
    return made


def run_source(source_type: str, options: dict, *, cache_dir: Path, since: datetime | None = None,
               until: datetime | None = None, now: datetime | None = None) -> list:
    """One source, checked as the settings check it, gathered over real HTTP with a fresh fetcher."""
    from lamplighter.fetch import Fetcher
    from lamplighter.gather import SourceFetcher
    from lamplighter.settings import from_pelican
    from lamplighter.sources import SOURCE_TYPES
    from lamplighter.weeks import Window

    [config] = from_pelican({"PATH": str(cache_dir), "LAMPLIGHTER_SOURCES": [
        {"name": "Test", "type": source_type, **options}]}, base=cache_dir).sources
    since = since or datetime(2026, 11, 23, tzinfo=timezone.utc)
    window = Window(since, until or since + timedelta(days=7))
    fetcher = SourceFetcher(Fetcher(timeout=5, max_bytes=1_000_000, host_rules={}), can_skip=False, window=window,
                            now=now or window.since + timedelta(days=2), cache_dir=cache_dir)
    return SOURCE_TYPES[source_type].gather(config, fetcher)
