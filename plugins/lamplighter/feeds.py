"""Feeds beyond Pelican's own: a JSON Feed 1.1 beside Atom and RSS, and RSS guids that validate.

Pelican gives every RSS item a `tag:` URI as its guid without `isPermaLink="false"`, so
RSS readers and the W3C validator take it for a link (the default is true) and it is not
one. `mark_guids_as_not_permalinks` fixes that on every RSS feed Pelican generates.
"""

from __future__ import annotations

import json
import os

from feedgenerator import Rss201rev2Feed, get_tag_uri
from pelican.generators import Generator
from pelican.utils import set_date_tzinfo

from .text import plain_text

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def mark_guids_as_not_permalinks(context: object, feed: object) -> None:
    if isinstance(feed, Rss201rev2Feed):
        for item in feed.items:
            item["unique_id_is_permalink"] = False


class JsonFeedGenerator(Generator):
    """Writes `FEED_ALL_JSON` (default `feeds/all.json`): every published issue, full content, absolute links."""

    def generate_output(self, writer: object) -> None:
        path = self.settings.get("FEED_ALL_JSON")
        if not path:
            return
        site = self.settings["SITEURL"]
        domain = self.settings.get("FEED_DOMAIN") or site
        issues = sorted(self.context.get("articles", []), key=lambda issue: issue.date, reverse=True)
        document = {
            "version": JSON_FEED_VERSION,
            "title": self.settings["SITENAME"],
            "home_page_url": f"{site}/",
            "feed_url": f"{domain}/{path}",
            "description": self.settings.get("SITESUBTITLE", ""),
            "language": self.settings.get("DEFAULT_LANG", "en"),
            "authors": [{"name": self.settings.get("AUTHOR", "")}],
            "items": [self._item(issue, site) for issue in issues[: self.settings.get("FEED_MAX_ITEMS")]],
        }
        target = os.path.join(self.output_path, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as file:
            json.dump(document, file, ensure_ascii=False, indent=1)

    def _item(self, issue: object, site: str) -> dict:
        url = f"{site}/{issue.url}"
        timezone = self.settings.get("TIMEZONE")
        item = {
            "id": get_tag_uri(url, issue.date),  # the same id as the issue's Atom and RSS entries
            "url": url,
            "title": issue.title,
            "content_html": issue.get_content(site),
            "summary": plain_text(issue.summary),
            "date_published": set_date_tzinfo(issue.date, timezone).isoformat(),
        }
        if getattr(issue, "modified", None):
            item["date_modified"] = set_date_tzinfo(issue.modified, timezone).isoformat()
        if getattr(issue, "tags", None):
            item["tags"] = [tag.name for tag in issue.tags]
        return item
