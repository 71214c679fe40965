"""`github_user`: what a followed person makes public on GitHub, from `https://github.com/USER.atom`.

The feed mixes every public event; only the ones worth a reader's time become items: a
repository created or made public (linked to the repository) and a release published.
Stars, forks, pushes, comments and branches are left out. GitHub keeps the last few dozen
events in the feed, so a busy person's week is best gathered daily.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from dataclasses import replace
from typing import Any

from ..items import Item
from ..settings import SourceConfig
from .feed import entry_item, fetch

TYPE = "github_user"
ENDPOINT = "https://github.com"
MAX_AGE_DAYS = 90  # before `stale`: a person may make nothing public for a while
REQUIRED = {"user": str}
OPTIONAL = {"base_url": str}
USER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
# The event is named in each entry's id: tag:github.com,2008:CreateEvent/43520394185
_EVENT = re.compile(r":(\w+Event)/")
# The events that become items: their kind, and what the person did.
_EVENTS = {"CreateEvent": ("code", "new repository"), "PublicEvent": ("code", "made public"),
           "ReleaseEvent": ("release", "release")}
_NEW_REPOSITORY = re.compile(r"\bcreated a repository\b|\bmade .+ public\b", re.IGNORECASE)


def check(options: dict[str, Any]) -> None:
    if not USER.match(options["user"]):
        raise ValueError(f"'user' must be a GitHub user name like rromb, not {options['user']!r}")


def links(options: dict[str, Any]) -> tuple[str | None, str]:
    return f"{ENDPOINT}/{options['user']}.atom", f"{ENDPOINT}/{options['user']}"


def gather(source: SourceConfig, fetcher: Any) -> list[Item]:
    user = source.options["user"]
    parsed, base = fetch(fetcher, links(source.options)[0], source.options, allow_empty=True)
    items = []
    for entry in parsed.entries:
        event = _EVENT.search(entry.get("id", ""))
        name = event[1] if event else ""
        if name not in _EVENTS or name == "CreateEvent" and not _NEW_REPOSITORY.search(entry.get("title", "")):
            continue
        kind, what = _EVENTS[name]
        item = entry_item(entry, base=base, source=source, kind=kind)
        if item.url:
            # The entry's title repeats the user's name ("rromb created a repository rromb/x"): name the repository.
            repository = "/".join(urlsplit(item.url).path.strip("/").split("/")[:2])
            title = f"{repository} {item.url.rsplit('/', 1)[-1]}" if kind == "release" else repository
            items.append(replace(item, title=title or item.title, summary="",
                                 provenance=(f"{what} by {user}, followed",)))
    return items
