"""Fetching a source's bytes over HTTP: cached, conditional, retried, bounded and polite.

- **Conditional requests**: a source's own request carries the ETag / Last-Modified the
  item store kept from its last answer, so an unchanged feed answers 304 and
  `Response.not_modified` is true. Further pages (a repository's README) go through
  requests-cache (SQLite in `LAMPLIGHTER_CACHE_DIR`), which stores and revalidates them.
- **Retries** are urllib3's `Retry`: connection errors, 429 and 5xx, with backoff, a small
  budget, and `Retry-After` honoured up to `MAX_RETRY_AFTER` (a server asking for an hour
  gets an error now rather than a gather that hangs for an hour).
- **Bounds**: connect and read timeouts, a cap on redirects, and a cap on the body enforced
  inside the transport, while it streams, so neither our reader nor the cache's ever holds
  more than `max_bytes` (decompressed) or waits longer than `timeout` for a whole body.
- **Politeness**: at most `PER_HOST` requests at once to one host, and arXiv's rule of one
  request at a time about three seconds apart.

`file:` URLs are read the same way (size-capped, never cached), for bundled samples and for
feeds the editor's own scripts write.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.util.retry import Retry

from . import files
from .errors import SourceError, StateError

USER_AGENT = "Lamplighter/0.1 (a weekly newsletter generator; +https://github.com/lamplighter-news/lamplighter)"
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 10.0  # seconds we will wait when a server asks us to come back later
PER_HOST = 2  # requests at once to one host
# Hosts with rules of their own: (requests at once, seconds between the starts of two requests).
HOST_RULES = {"export.arxiv.org": (1, 3.0), "arxiv.org": (1, 3.0)}


@dataclass(frozen=True)
class Response:
    url: str  # after redirects: relative links resolve against it
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False  # the server answered 304: the body is the cached one

    def json(self, expected: str) -> Any:
        """The body as JSON; a SourceError quoting what came instead (an HTML error page, say)."""
        try:
            return json.loads(self.body)
        except ValueError:
            start = " ".join(self.body[:80].decode("utf-8", "replace").split())
            raise SourceError(f"expected JSON with {expected}, got {start!r}") from None


class PatientRetry(Retry):
    """urllib3's Retry, waiting for `Retry-After` only up to MAX_RETRY_AFTER seconds."""

    def sleep_for_retry(self, response=None) -> bool:  # noqa: ANN001 (urllib3's signature)
        wait = self.get_retry_after(response) if response is not None else None
        if wait is not None and wait > MAX_RETRY_AFTER:
            raise SourceError(f"HTTP {response.status}: the server asks to retry after {wait:.0f} s")
        return super().sleep_for_retry(response)


class BoundedAdapter(HTTPAdapter):
    """An adapter whose bodies stop streaming past a size or a time limit, whoever reads them."""

    def __init__(self, *, max_bytes: int, timeout: float, retries: Retry) -> None:
        self.max_bytes, self.timeout = max_bytes, timeout
        super().__init__(max_retries=retries, pool_maxsize=PER_HOST * 4)

    def build_response(self, req, resp):  # noqa: ANN001 (requests' signature)
        response = super().build_response(req, resp)
        stream, max_bytes, timeout = resp.stream, self.max_bytes, self.timeout
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            resp.close()  # the connection still holds the unread body: do not pool it
            raise SourceError(f"body of {int(declared):,} bytes is over the {max_bytes:,}-byte cap")

        def bounded_stream(*args, **kwargs) -> Iterator[bytes]:
            deadline, total = time.monotonic() + timeout, 0
            for chunk in stream(*args, **kwargs):
                total += len(chunk)
                if total > max_bytes:
                    raise SourceError(f"body is over the {max_bytes:,}-byte cap")
                if time.monotonic() > deadline:
                    raise SourceError(f"body still arriving after {timeout:g} s")
                yield chunk

        resp.stream = bounded_stream
        return response


class Fetcher:
    """One HTTP session for a whole gather, shared by its worker threads, and a cached one made when first needed."""

    def __init__(self, *, timeout: float, max_bytes: int, cache_dir: Path | None = None,
                 retries: int = 2, backoff: float = 0.5,
                 host_rules: dict[str, tuple[int, float]] | None = None) -> None:
        self.timeout, self.max_bytes, self.cache_dir = timeout, max_bytes, cache_dir
        self.host_rules = HOST_RULES if host_rules is None else host_rules
        self.notes: list[str] = []  # what the editor should know about the cache
        if cache_dir is not None:  # checked now, so that a locked or damaged cache is known before any source runs
            files.check_writable(cache_dir, "LAMPLIGHTER_CACHE_DIR")
            moved = usable_cache(cache_dir / "http.sqlite", wait=timeout)
            if moved:
                self.notes.append(f"The HTTP cache was damaged; it was moved aside to {moved} and started afresh "
                                  "(every source was fetched in full this time). Delete the old file when you like.")
        retry = PatientRetry(total=retries, connect=retries, read=retries, status=retries, redirect=False,
                             backoff_factor=backoff, backoff_max=MAX_RETRY_AFTER,
                             status_forcelist=(429, 500, 502, 503, 504), allowed_methods={"GET"},
                             respect_retry_after_header=True, raise_on_status=False)
        self._adapter = BoundedAdapter(max_bytes=max_bytes, timeout=timeout, retries=retry)
        # A source's own requests go through this session, without the cache: the item store keeps what
        # was read from them and their validators, and a cached body would be written and read for nothing.
        self.direct = self._configured(requests.Session())
        self._cached: requests.Session | None = None
        self._gates: dict[str, threading.Semaphore] = {}
        self._last_start: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()

    @property
    def cached(self) -> requests.Session:
        """The session for further pages (a repository's README), through requests-cache.

        Made on the first such request: many gathers make none, and importing requests-cache
        and opening its database cost about 0.04 s of CPU (a cold gather of 100 feeds takes 0.6 s).
        """
        with self._lock:
            if self._cached is None:
                import requests_cache  # here, not above: a site build loads this module and never fetches

                if self.cache_dir is None:
                    session = requests_cache.CachedSession(backend="memory",
                                                           expire_after=requests_cache.EXPIRE_IMMEDIATELY)
                else:
                    session = requests_cache.CachedSession(
                        str(self.cache_dir / "http"), backend="sqlite", expire_after=requests_cache.EXPIRE_IMMEDIATELY,
                        allowable_codes=(200,), stale_if_error=False,
                    )
                self._cached = self._configured(session)
            return self._cached

    def _configured(self, session: requests.Session) -> requests.Session:
        session.merge_environment_settings = _once_per_origin(session.merge_environment_settings)
        session.max_redirects = MAX_REDIRECTS
        session.headers["User-Agent"] = USER_AGENT
        session.mount("http://", self._adapter)
        session.mount("https://", self._adapter)
        return session

    def get(self, url: str, *, validators: dict[str, str] | None = None) -> Response:
        """The answer for `url`, from the HTTP cache when it is still good.

        With `validators`, the caller keeps what it read from the answer (a source's items,
        in the item store) and the HTTP cache is skipped: the request is conditional on the
        ETag and Last-Modified given, if any, and a 304 is an empty answer, `not_modified`.
        """
        if url.startswith("file:"):
            return self._read_file(url)
        headers = {name: value for name, value in [("If-None-Match", (validators or {}).get("etag")),
                                                   ("If-Modified-Since", (validators or {}).get("last-modified"))]
                   if value}
        session = self.cached if validators is None else self.direct
        try:
            with self._turn(urlsplit(url).netloc.lower()), \
                    session.get(url, timeout=self.timeout, headers=headers) as response:
                if response.status_code >= 400:
                    raise SourceError(f"HTTP {response.status_code} {response.reason or ''}".strip())
                headers = {key.lower(): value for key, value in response.headers.items()}
                not_modified = bool(getattr(response, "revalidated", False)) or response.status_code == 304
                return Response(response.url, response.content, headers, not_modified)
        except requests.TooManyRedirects:
            raise SourceError(f"more than {MAX_REDIRECTS} redirects") from None
        except requests.RequestException as error:
            if _timed_out(error):  # requests reports a read timeout after retries as a ConnectionError
                raise SourceError(f"no answer within {self.timeout:g} s") from None
            if isinstance(error, requests.ConnectionError):
                raise SourceError(f"could not connect: {_root_cause(error)}") from None
            raise SourceError(f"request failed: {_root_cause(error)}") from None

    @contextmanager
    def _turn(self, host: str) -> Iterator[None]:
        """Wait for this host's turn: a free slot, and its minimum interval since the last start."""
        at_once, interval = self.host_rules.get(host.split(":")[0], (PER_HOST, 0.0))
        with self._lock:
            gate = self._gates.setdefault(host, threading.Semaphore(at_once))
        with gate:
            if interval:
                with self._lock:
                    start = max(time.monotonic(), self._last_start[host] + interval)
                    self._last_start[host] = start
                time.sleep(max(0.0, start - time.monotonic()))
            yield

    def _read_file(self, url: str) -> Response:
        path = Path(unquote(urlsplit(url).path))
        try:
            with path.open("rb") as file:
                body = file.read(self.max_bytes + 1)
        except OSError as error:
            raise SourceError(f"cannot read {path}: {error.strerror}") from None
        if len(body) > self.max_bytes:
            raise SourceError(f"file is over the {self.max_bytes:,}-byte cap")
        return Response(url, body)


def _once_per_origin(merge: Callable[..., dict]) -> Callable[..., dict]:
    """requests' settings from the environment (proxies, CA bundle), worked out once per scheme and host.

    requests reads every proxy variable for every request: a sixth of a warm gather's CPU,
    for an answer that does not change during a gather.
    """
    known: dict[tuple, dict] = {}

    def merged(url: str, proxies: dict, stream: object, verify: object, cert: object) -> dict:
        key = (urlsplit(url)[:2], tuple(sorted((proxies or {}).items())), stream, verify, cert)
        if key not in known:
            known[key] = merge(url, proxies, stream, verify, cert)
        settings = known[key]
        return {**settings, "proxies": dict(settings["proxies"])}

    return merged


def usable_cache(path: Path, *, wait: float) -> Path | None:
    """Check the HTTP cache before a gather relies on it: a damaged one is moved aside (its new name
    is returned) and rebuilt; a locked or unwritable one is a StateError now, not a hang or a crash later."""
    try:
        with closing(sqlite3.connect(path, timeout=wait)) as db:
            db.execute("BEGIN IMMEDIATE")  # waits up to `wait` for another writer, as every request would
            db.execute("SELECT count(*) FROM sqlite_master")
            db.rollback()
    except sqlite3.OperationalError as error:
        if "locked" in str(error):
            raise StateError(f"the HTTP cache {path} has been locked by another process for {wait:g} s; "
                             "run again once it has finished") from None
        raise StateError(f"cannot use the HTTP cache {path}: {error} (is LAMPLIGHTER_CACHE_DIR writable?)") from None
    except sqlite3.DatabaseError:
        aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
        os.replace(path, aside)
        return aside
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what caused it, and the reasons urllib3 wraps inside its own errors."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(e for e in (current.__cause__, current.__context__, getattr(current, "reason", None),
                                   *current.args) if isinstance(e, BaseException))


def _timed_out(error: BaseException) -> bool:
    # urllib3's NewConnectionError (a refused connection) subclasses its timeout error, for history's sake.
    return any(isinstance(cause, (TimeoutError, requests.Timeout, urllib3_exceptions.TimeoutError))
               and not isinstance(cause, urllib3_exceptions.NewConnectionError) for cause in _causes(error))


def _root_cause(error: BaseException) -> str:
    """The innermost reason, in one line: 'Connection refused' rather than a chain of wrappers."""
    while error.__cause__ or error.__context__:
        error = error.__cause__ or error.__context__
    text = str(error).split(": ")[-1] if ": " in str(error) else str(error)
    return text.strip() or type(error).__name__
