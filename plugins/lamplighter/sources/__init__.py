"""Source types: one module each, found here by their `TYPE`.

A source module declares:

- `TYPE`: the name used in `LAMPLIGHTER_SOURCES` (`"type": "feed"`);
- `REQUIRED` and `OPTIONAL`: its keys and their Python types, checked when settings load;
- `check(options)`: deeper checks of a source's keys, raising ValueError with the reason;
- `gather(source, fetcher)`: every item the source offers now, as `Item`s; the window,
  deduplication and ranking are done after it, the same for every type;
- `links(options)`: the feed a reader could subscribe to instead (or None) and the page
  to visit, for the site's sources page and its OPML file.

So a new source type is one new file here, its tests and its README entry.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def _discover() -> dict[str, ModuleType]:
    modules = (importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__))
    return {module.TYPE: module for module in modules if hasattr(module, "TYPE")}


SOURCE_TYPES: dict[str, ModuleType] = _discover()
