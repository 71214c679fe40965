"""The Pelican side: what the theme needs from an issue beyond what Pelican reads.

Receivers are module-level functions, so the signals keep them alive.
"""

from __future__ import annotations

import os
import re
import shutil
from functools import partial
from html import escape as html_escape
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.contents import Article, Content
from pelican.urlwrappers import Category

from . import draft, emails, feeds, page, reader, search, sitemap, sources_page, writer

# An update's first line as the issue reader renders it: the event, the story's link, the earlier issue's file.
_UPDATE = re.compile(r'<li>\s*(?:<p>)?<a href="[^"]*">([^<]*)</a> for <a href="([^"]*)">[^<]*</a> '
                     r'\(in <a href="\{filename\}([^"/]+\.md)">')
_hashes: dict[tuple, Any] = {}  # each source file's hash for Pelican's cache, by its stat, during a build


def register() -> None:
    signals.readers_init.connect(reader.use_issue_reader)
    signals.article_generator_init.connect(hash_sources_once)
    signals.page_generator_init.connect(hash_sources_once)
    signals.finalized.connect(forget_source_hashes)
    signals.initialized.connect(emails.forget_early)
    signals.initialized.connect(compile_templates_once)
    signals.content_object_init.connect(describe_issue)
    signals.content_object_init.connect(scan_only_text_with_links)
    signals.article_generator_finalized.connect(link_neighbours)
    signals.article_generator_finalized.connect(link_follow_ups)
    signals.article_generator_finalized.connect(remove_gone_drafts)
    signals.article_generator_finalized.connect(search.name_bundles)
    signals.all_generators_finalized.connect(fix_addresses)
    signals.feed_generated.connect(feeds.mark_guids_as_not_permalinks)
    signals.get_generators.connect(generators)
    signals.get_writer.connect(skipping_writer)
    signals.finalized.connect(sitemap.write)
    signals.article_writer_finalized.connect(search.start)
    signals.finalized.connect(search.finish)
    signals.finalized.connect(writer.save)


def generators(pelican: object) -> list[type]:
    """The pages and files Lamplighter writes beside Pelican's."""
    return [feeds.JsonFeedGenerator, sources_page.SourcesGenerator, emails.EmailGenerator]


def skipping_writer(pelican: object) -> type:
    """Pelican's writer, but issue pages and feeds are written only when what they show has changed."""
    return writer.SkippingWriter


def remove_gone_drafts(generator: object) -> None:
    """A draft's preview goes once the draft is published or deleted: a stale `drafts/2026-W48/` misleads.

    Only folders under the drafts folder that no current draft is written to are removed.
    """
    save_as = Path(generator.settings.get("DRAFT_SAVE_AS", ""))
    if len(save_as.parts) != 3 or save_as.parts[1] != "{slug}":  # not one folder per draft: nothing to tell apart
        return
    folder = Path(generator.output_path) / save_as.parts[0]
    current = {Path(preview.save_as).parent.name for preview in generator.drafts}
    for gone in [path for path in folder.glob("*") if path.is_dir() and path.name not in current]:
        shutil.rmtree(gone)


def fix_addresses(generators: list) -> None:
    """Work out each issue's address once, when every generator has read: Pelican formats it each time it is asked.

    The site asks about 20 times an issue (its page, its neighbours', the lists, the feeds,
    the email). `override_url` is how Pelican keeps an address given in an issue's metadata;
    here it keeps the one Pelican formatted, so the address is the same, formatted once.
    """
    for generator in generators:
        for issue in [*getattr(generator, "articles", []), *getattr(generator, "translations", []),
                      *getattr(generator, "drafts", []), *getattr(generator, "drafts_translations", [])]:
            if not hasattr(issue, "override_url"):
                issue.override_url = issue.url


def link_neighbours(generator: object) -> None:
    """Give each issue its older and newer neighbour once, rather than searching in every template."""
    issues = sorted(generator.articles, key=lambda article: article.date)
    for older, newer in zip(issues, issues[1:]):
        older.newer_issue, newer.older_issue = newer, older


def link_follow_ups(generator: object) -> None:
    """An item with news in a later issue links to it ("Update: Code released, Issue 14"), as the update links back.

    The later issue's `## Updates` item names the story's link and the earlier issue's file
    (`{filename}2026-W47.md`); the earlier page gets a line under that item. The links stay
    `{filename}` links, which Pelican resolves as it does the editor's own.
    """
    issues = {Path(issue.source_path).name: issue for issue in generator.articles}
    for later in sorted(generator.articles, key=lambda article: article.date):
        label = f"Issue {later.metadata['issue']}" if later.metadata.get("issue") else later.metadata.get("week", "")
        content = later._content or ""
        for event, story, earlier_name in _UPDATE.findall(content) if "{filename}" in content else ():
            earlier = issues.get(earlier_name)
            if earlier is None:
                continue
            html = earlier._content or ""
            start = html.find(f'<a href="{story}"')
            end = html.find("</li>", start)
            if start < 0 or end < 0:
                continue
            note = (f'<p class="follow-up">Update: <a href="{{filename}}{Path(later.source_path).name}">'
                    f"{event}, {html_escape(label)}</a></p>")
            earlier._content = html[:end] + note + html[end:]


def hash_sources_once(generator: object) -> None:
    """Pelican's content cache (`CHECK_MODIFIED_METHOD = "blake2b"`) hashes each issue's file
    three or four times a build: as the generator and its readers each look it up and store
    it. Once is enough while the file is as it was then (the same size, time and inode).
    """
    method = generator.settings.get("CHECK_MODIFIED_METHOD")
    for cacher in (generator, getattr(generator, "readers", None)):
        stamp = getattr(cacher, "_filestamp_func", None)
        if stamp is not None and method != "mtime" and not isinstance(stamp, partial):
            cacher._filestamp_func = partial(_hash_once, stamp, method)


def _hash_once(stamp: Any, method: str, filename: str) -> Any:
    try:
        status = os.stat(filename)
    except OSError:
        return stamp(filename)  # fails as Pelican expects
    key = (method, os.path.abspath(filename), status.st_size, status.st_mtime_ns, status.st_ino)
    if key not in _hashes:
        _hashes[key] = stamp(filename)
    return _hashes[key]


def forget_source_hashes(pelican: object) -> None:
    """A `finalized` receiver: `pelican --autoreload` hashes again for its next build."""
    _hashes.clear()


def compile_templates_once(pelican: object) -> None:
    """Each of Pelican's generators makes its own Jinja environment, which compiles the theme's
    templates again and checks each one's file for changes every time a page is written. With
    Jinja's bytecode cache (keyed by each template's text) a build compiles each template once,
    and an unchanged theme not at all; the checks are not needed, as every build (and every
    rebuild of `pelican --autoreload`) makes its environments anew.
    """
    environment = dict(pelican.settings["JINJA_ENVIRONMENT"])
    environment.setdefault("auto_reload", False)
    if "bytecode_cache" not in environment:
        folder = Path(pelican.settings["CACHE_PATH"]) / f"jinja-{jinja2.__version__}"
        folder.mkdir(parents=True, exist_ok=True)
        environment["bytecode_cache"] = FileSystemBytecodeCache(str(folder))
    pelican.settings["JINJA_ENVIRONMENT"] = environment


def scan_only_text_with_links(content: object) -> None:
    """Pelican looks for `{filename}` links in a page's text (for its page, its feeds, its email)
    with a pattern that backtracks over every tag: a quarter of a millisecond an issue, each
    time. Where the link pattern alone finds nothing the whole one cannot either, so such a
    text is left as it is, unscanned. (`partial`, not a lambda: Pelican may pickle a page.)
    """
    if isinstance(content, Content):
        content._update_content = partial(_update_if_linked, content)
        content.get_static_links = partial(_static_links_if_linked, content)


def _update_if_linked(content: Content, text: str, siteurl: str) -> str:
    linked = text and page.links_within_site(text, content.settings)
    return type(content)._update_content(content, text, siteurl) if linked else text


def _static_links_if_linked(content: Content) -> set[str]:
    linked = page.links_within_site(content._content or "", content.settings)
    return type(content).get_static_links(content) if linked else set()


def describe_issue(content: object) -> None:
    """Count the issue's items per section for the templates, and start its email versions."""
    if not isinstance(content, Article):
        return
    if not hasattr(content, "category"):
        # Pelican assigns categories only when it writes category pages, which issues do
        # without, yet its draft writer reads `draft.category`: give issues their folder's.
        content.category = Category("issues", content.settings)
    facts = getattr(content, "lamplighter_facts", None)
    if facts is None:  # read by another reader than Lamplighter's: its page and facts are worked out here
        content._content = page.for_readers(content._content or "")
        source = Path(content.source_path)
        if source.suffix.lower() not in (".md", ".markdown"):
            return
        facts = draft.facts(source.read_text(encoding="utf-8-sig"))
    for name, value in facts.items():
        setattr(content, name, value)
    emails.render_early(content)
