"""`github_releases`: a repository's releases, from `https://github.com/OWNER/REPO/releases.atom`.

One request per gather, answered from GitHub's cache (it sends an ETag, so an unchanged
feed costs a 304). The feed holds the last ten releases; the newest are what matters.
A release titled only by its tag ("v0.32.0") is named with its repository.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..items import Item
from ..settings import SourceConfig
from .feed import entry_item, fetch

TYPE = "github_releases"
ENDPOINT = "https://github.com"
MAX_AGE_DAYS = 180  # before `stale`: a repository may not release for months
REQUIRED = {"repo": str}
OPTIONAL = {"base_url": str}
REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-]*)/[A-Za-z0-9_.\-]+$")


def check(options: dict[str, Any]) -> None:
    check_repo(options["repo"])


def check_repo(repo: str) -> None:
    if not REPO.match(repo) or repo.endswith((".git", "/..", "/.")):
        raise ValueError(f"'repo' must be OWNER/NAME as on GitHub, like huggingface/diffusers, not {repo!r}")


def links(options: dict[str, Any]) -> tuple[str | None, str]:
    return f"{ENDPOINT}/{options['repo']}/releases.atom", f"{ENDPOINT}/{options['repo']}/releases"


def gather(source: SourceConfig, fetcher: Any) -> list[Item]:
    repo = source.options["repo"]
    parsed, base = fetch(fetcher, links(source.options)[0], source.options)
    name = repo.split("/")[1]
    items = []
    for entry in parsed.entries:
        item = entry_item(entry, base=base, source=source, kind="release")
        if item.url:
            title = item.title if name.lower() in item.title.lower() else f"{repo} {item.title}"
            items.append(replace(item, title=title))
    return items
