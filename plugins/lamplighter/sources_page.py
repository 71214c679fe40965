"""The newsletter's sources, for readers: a page listing them, and an OPML file to follow them.

Readers who want the raw channels can import `sources.opml` into any feed reader: every
source with a feed of its own (blogs, channels, arXiv queries, GitHub's release, commit
and activity feeds) is an `rss` outline; the ones that have only a page (GitHub
Trending, the Hub's trending models, the daily papers) are `link` outlines. The page at
`sources/` lists them all by kind, from the same `LAMPLIGHTER_SOURCES` that gathering reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

from pelican.generators import Generator

from . import settings
from .items import is_web_link
from .sources import SOURCE_TYPES

OPML_PATH = "sources.opml"
PAGE_URL = "sources/"
# How the sources page groups them, in this order.
GROUPS = {
    "arxiv": "Papers on arXiv", "hf_papers": "Papers on arXiv", "github_repo": "Code on GitHub",
    "github_releases": "Code on GitHub", "github_user": "People on GitHub", "github_trending": "Code on GitHub",
    "hf_models": "Models on the Hugging Face Hub", "feed": "Blogs, channels and discussions",
}


@dataclass(frozen=True)
class Channel:
    name: str
    type: str
    feed: str | None  # None when the source has only a page
    page: str


class SourcesGenerator(Generator):
    """Fills `channels` for the sources page, then writes the page and `sources.opml`."""

    def generate_context(self) -> None:
        config = settings.from_pelican(self.settings, base=Path(self.settings["PATH"]).resolve().parent)
        channels = []
        for source in config.sources:
            feed, page = SOURCE_TYPES[source.type].links(source.options)
            if is_web_link(page):  # a demo's file: feeds are nobody else's to follow
                channels.append(Channel(source.name, source.type, feed if feed and is_web_link(feed) else None, page))
        groups: dict[str, list[Channel]] = {}
        for channel in sorted(channels, key=lambda c: list(GROUPS).index(c.type)):
            groups.setdefault(GROUPS[channel.type], []).append(channel)
        self.context["source_groups"] = groups
        self.context["SOURCES_OPML"] = OPML_PATH
        self.context["SOURCES_URL"] = PAGE_URL

    def generate_output(self, writer: object) -> None:
        groups = self.context["source_groups"]
        writer.write_file(f"{PAGE_URL}index.html", self.get_template("sources"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=PAGE_URL)
        target = Path(self.output_path) / OPML_PATH
        os.makedirs(target.parent, exist_ok=True)
        target.write_bytes(opml(self.settings["SITENAME"], [c for group in groups.values() for c in group]))


def opml(title: str, channels: list[Channel]) -> bytes:
    """OPML 2.0, as feed readers import it."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = f"{title}: sources"
    ElementTree.SubElement(head, "dateCreated").text = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ElementTree.SubElement(root, "body")
    for channel in channels:
        if channel.feed:
            ElementTree.SubElement(body, "outline", type="rss", text=channel.name, title=channel.name,
                                   xmlUrl=channel.feed, htmlUrl=channel.page)
        else:
            ElementTree.SubElement(body, "outline", type="link", text=channel.name, url=channel.page)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
