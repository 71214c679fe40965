"""Source types: one module each, found here by their `TYPE`.

A source module declares:

- `TYPE`: the name used in `LAMPLIGHTER_SOURCES` (`"type": "feed"`);
- `REQUIRED` and `OPTIONAL`: its keys and their Python types, checked when settings load;
- `check(options)`: deeper checks of a source's keys, raising ValueError with the reason;
- `gather(source, fetcher)`: every item the source offers now, as `Item`s; the window,
  deduplication and ranking are done after it, the same for every type;
- `links(options)`: the feed a reader could subscribe to instead (or None) and the page
  to visit, for the site's sources page and its OPML file.

So a new source type is one new file here, its tests and its README entry. A source module
imports what only gathering needs (requests, feedparser) where it gathers: a site build
reads every source's `links` and should not pay for the rest.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from urllib.parse import urlsplit


def rebased(public_url: str, base_url: str | None) -> str:
    """The address to ask for a public endpoint: `base_url` replaces its scheme and host, the path stays.

    `rebased("https://export.arxiv.org/api/query?x=1", "http://127.0.0.1:8123/arxiv")` is
    `http://127.0.0.1:8123/arxiv/api/query?x=1`. Mirrors and tests use it; the items' links
    still point at the public site.
    """
    if not base_url:
        return public_url
    parts = urlsplit(public_url)
    return base_url.rstrip("/") + parts._replace(scheme="", netloc="").geturl()


def _discover() -> dict[str, ModuleType]:
    modules = (importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__))
    return {module.TYPE: module for module in modules if hasattr(module, "TYPE")}


SOURCE_TYPES: dict[str, ModuleType] = _discover()
