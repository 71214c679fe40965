"""A Pelican writer that leaves a page or a feed alone when what it is made of has not changed.

Stock Pelican renders and writes every page on every build. With hundreds of issues that
is most of a rebuild, although an edit changes one issue. This writer skips:

- an issue's page, when the issue (its text and metadata), the list of all issues and
  pages (titles, addresses, dates: the neighbour links and the menu), the settings, the
  theme and the plugin are the same as when the page was last written;
- a feed, when its entries, its title and address, and the settings are the same;
- every other page (home, archive, topics, search, pages), when everything it could show is
  the same: every issue, draft and page (text and metadata), whatever else Pelican and the
  plugins put in the templates' context, the settings and the theme. So an edit to any issue
  writes them all again, and a build with nothing changed writes none of them.

A page or feed that is missing from the output is always written, so a cold build or a
publish into an empty folder writes everything. Records live in Pelican's `CACHE_PATH`.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from pelican.contents import Content
from pelican.writers import Writer

from . import search
from .buildrecord import BuildRecord


class SkippingWriter(Writer):
    """Pelican's writer, skipping issue pages and feeds whose inputs match the last build's record."""

    def __init__(self, output_path: str, settings: dict | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.record = BuildRecord.of(self.settings, "pages")
        self._site: str | None = None
        self._context: str | None = None
        self._digests: dict[int, str] = {}
        self._root = Path(output_path).resolve()
        _writers[self._root] = self

    def write_file(self, name: str, template: Any, context: dict, *args: Any, **kwargs: Any) -> None:
        if not name or kwargs.get("paginated"):
            return super().write_file(name, template, context, *args, **kwargs)
        article = kwargs.get("article")
        if article is None:  # home, archive, a topic, search, a page: anything in the context may show
            inputs = [name, template.name, self._site_digest(context), self._context_digest(context),
                      json.dumps([self._fingerprint(args), self._fingerprint(kwargs)], sort_keys=True)]
        else:
            inputs = [name, template.name, self._site_digest(context), self.digest(article)]
        if not self.record.unchanged(self._key(name), inputs, [Path(self.output_path) / name]):
            super().write_file(name, template, context, *args, **kwargs)
        if article is not None:
            search.page_done(self._root, name, self.record.now[self._key(name)])  # its year may be indexed now

    def write_feed(self, elements: list, context: dict, path: str | None = None, url: str | None = None,
                   feed_type: str = "atom", override_output: bool = False, feed_title: str | None = None) -> Any:
        if path:
            entries = [self.digest(element) for element in elements[: self.settings["FEED_MAX_ITEMS"]]]
            inputs = [path, str(url), feed_type, str(feed_title), self._settings_digest, *entries]
            if self.record.unchanged(self._key(path), inputs, [Path(self.output_path) / path]):
                return None
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def digest(self, content: Any) -> str:
        """One issue or page: its metadata and its HTML as read (before Pelican resolves its links)."""
        key = id(content)
        if key not in self._digests:
            digest = hashlib.blake2b(json.dumps(_stable(content.metadata), sort_keys=True).encode("utf-8"))
            digest.update((content._content or "").encode("utf-8"))
            digest.update(f"{content.url}\0{content.status}".encode("utf-8"))
            self._digests[key] = digest.hexdigest()
        return self._digests[key]

    def _site_digest(self, context: dict) -> str:
        """What every issue page shows of the rest of the site: the other issues and pages, the settings, the theme."""
        if self._site is None:
            listing = [(item.url, item.title, item.date.isoformat(), item.status)
                       for item in [*context.get("articles", []), *context.get("drafts", [])]]
            listing += [(page.url, page.title) for page in context.get("pages", [])]
            digest = hashlib.blake2b(json.dumps(listing).encode("utf-8"))
            digest.update(self._settings_digest.encode("utf-8"))
            for folder in _theme_folders(self.settings):
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        digest.update(str(path).encode("utf-8") + b"\0" + path.read_bytes())
            self._site = digest.hexdigest()
        return self._site

    def _context_digest(self, context: dict) -> str:
        """Everything in the templates' context beyond the settings, once a build: it is complete before any writing."""
        if self._context is None:
            extra = {key: value for key, value in context.items()
                     if value is not self.settings.get(key, _NOT_SET) and key != "localsiteurl"}  # set for each page
            self._context = hashlib.blake2b(json.dumps(self._fingerprint(extra), sort_keys=True).encode()).hexdigest()
        return self._context

    def _fingerprint(self, value: Any) -> Any:
        """`value` as JSON, with each issue or page as its digest (text, metadata, address)."""
        if isinstance(value, Content):
            return self.digest(value)
        if isinstance(value, dict):
            return {str(key): self._fingerprint(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._fingerprint(item) for item in value]
        if isinstance(value, (set, frozenset)):
            return sorted((self._fingerprint(item) for item in value), key=json.dumps)
        return _stable(value)

    @cached_property
    def _settings_digest(self) -> str:
        """Worked out once a build: every issue page and feed depends on the settings."""
        return hashlib.blake2b(json.dumps(_stable(self.settings), sort_keys=True).encode("utf-8")).hexdigest()

    def _key(self, name: str) -> str:
        return str(self._root / name)


def save(pelican: object) -> None:
    """A `finalized` receiver: remember what each page was made from, once the whole build succeeded."""
    writer = _writers.pop(Path(pelican.settings["OUTPUT_PATH"]).resolve(), None)
    if writer is not None:
        writer.record.save()


def _theme_folders(settings: dict) -> list[Path]:
    folders = [Path(settings["THEME"]) / "templates"]
    folders += [Path(folder) for folder in settings.get("THEME_TEMPLATES_OVERRIDES", [])]
    return [folder for folder in folders if folder.is_dir()]


def _stable(value: Any, depth: int = 0) -> Any:
    """A value as JSON that is the same from one build to the next (no object addresses)."""
    if depth > 8:  # an object that holds itself, or one too deep to show on a page
        return type(value).__qualname__
    if isinstance(value, dict):
        return {str(key): _stable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stable(item, depth + 1) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_stable(item, depth + 1) for item in value), key=json.dumps)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if callable(value) or isinstance(value, ModuleType):
        name = getattr(value, "__qualname__", getattr(value, "__name__", type(value).__name__))
        return f"{getattr(value, '__module__', '')}.{name}"
    if type(value).__repr__ is object.__repr__ and hasattr(value, "__dict__"):  # its repr has its address
        return {f"{type(value).__module__}.{type(value).__qualname__}": _stable(vars(value), depth + 1)}
    return str(value)


_NOT_SET = object()

# The writer of each build in progress, by output folder, until `finalized` saves its record.
_writers: dict[Path, SkippingWriter] = {}
