"""Fetching a source's bytes over HTTP, bounded in time and size.

Every body is read as a stream and abandoned as soon as it passes the size cap, so a
server that sends too much (or never stops) costs at most `max_bytes` of memory and
`timeout` seconds of waiting. `file:` URLs are read the same way, for bundled samples
and for feeds that the editor's own scripts write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests

from .errors import SourceError

USER_AGENT = "Lamplighter/0.1 (a weekly newsletter generator; +https://github.com/lamplighter-news/lamplighter)"
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    url: str  # after redirects: relative links resolve against it
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Fetcher:
    """One HTTP session for a whole gather, with the settings' limits."""

    def __init__(self, *, timeout: float, max_bytes: int) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.session = requests.Session()
        self.session.max_redirects = MAX_REDIRECTS
        self.session.headers["User-Agent"] = USER_AGENT

    def get(self, url: str) -> Response:
        if url.startswith("file:"):
            return self._read_file(url)
        try:
            with self.session.get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code >= 400:
                    raise SourceError(f"HTTP {response.status_code} {response.reason or ''}".strip())
                body = self._read_capped(response)
                return Response(response.url, body, {k.lower(): v for k, v in response.headers.items()})
        except requests.Timeout:
            raise SourceError(f"no answer within {self.timeout:g} s") from None
        except requests.TooManyRedirects:
            raise SourceError(f"more than {MAX_REDIRECTS} redirects") from None
        except requests.ConnectionError as error:
            raise SourceError(f"could not connect: {_root_cause(error)}") from None
        except requests.RequestException as error:
            raise SourceError(f"request failed: {_root_cause(error)}") from None

    def _read_capped(self, response: requests.Response) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise SourceError(f"body of {int(declared):,} bytes is over the {self.max_bytes:,}-byte cap")
        deadline = time.monotonic() + self.timeout
        body = bytearray()
        for chunk in response.iter_content(CHUNK):
            body += chunk
            if len(body) > self.max_bytes:
                raise SourceError(f"body is over the {self.max_bytes:,}-byte cap")
            if time.monotonic() > deadline:
                raise SourceError(f"body still arriving after {self.timeout:g} s")
        return bytes(body)

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


def _root_cause(error: BaseException) -> str:
    """The innermost reason, in one line: 'Connection refused' rather than a chain of wrappers."""
    while error.__cause__ or error.__context__:
        error = error.__cause__ or error.__context__
    text = str(error).split(": ")[-1] if ": " in str(error) else str(error)
    return text.strip() or type(error).__name__
