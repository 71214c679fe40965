"""A faster reader for issues: cmark-gfm renders the issue format as Python-Markdown does, far faster.

Python-Markdown is most of a stock Pelican build (about 28 ms for a 250-link issue);
cmark-gfm, the C library behind GitHub's Markdown, takes well under a millisecond. The
issue format — metadata, headings, one list item per link, notes, paragraphs, emphasis,
links, raw HTML — renders to the same elements, attributes and text with both. Only
whitespace inside text differs, which no browser shows, and cmark percent-encodes
non-ASCII characters and brackets in addresses, which browsers resolve to the same
address. `tests/test_reader.py` compares them on every shape of issue. Heading ids come
from Python-Markdown's own `toc` functions, and metadata from its own `meta`
preprocessor, so they are the same too.

A file that uses what only Python-Markdown's extensions know (footnotes, abbreviations,
attribute lists, definition lists, tables, `[TOC]`, `markdown="1"`, fenced or nested code,
tabs) or Pelican's links to other pages (`{filename}`, which cmark would percent-encode),
or a site whose `MARKDOWN` setting asks for more than `extra`, `meta` and `toc`, is read
by Python-Markdown exactly as before.
"""

from __future__ import annotations

import html
import re
from typing import Any

import cmarkgfm
from cmarkgfm.cmark import Options
from markdown import Markdown
from markdown.extensions.meta import MetaPreprocessor
from markdown.extensions.toc import slugify, unique
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

from . import draft, page

FAST_EXTENSIONS = {"markdown.extensions.extra", "markdown.extensions.meta", "markdown.extensions.toc", "extra",
                   "meta", "toc"}
# What only Python-Markdown renders: anywhere in a line, and at a line's start. Two searches,
# the second anchored on "\n", are several times faster than one with `^` alternatives.
PYTHON_MARKDOWN_ONLY = re.compile(r"\[\^|\{[:#.]|\[TOC\]|markdown=|\t")
PYTHON_MARKDOWN_ONLY_LINE = re.compile(r"\n(?:\*\[|:[ \t]| {5,}\S|[ ]*\|.*\||[ ]*(?:~~~|```))")
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ID = re.compile(r'\sid="([^"]*)"')


class IssueReader(MarkdownReader):
    """Pelican's Markdown reader, with cmark-gfm rendering the bodies it can render the same."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """The page's content (`page.for_readers`) and metadata, plus the issue's facts for the site.

        All three are kept in Pelican's content cache: an unchanged issue is not worked on again.
        """
        with pelican_open(source_path) as text:
            content, metadata = self._render(source_path, text)
        metadata["lamplighter_facts"] = draft.facts(text)
        return (page.for_readers(content) if "week" in metadata else content), metadata  # issues, not pages

    def _render(self, source_path: str, text: str) -> tuple[str, dict[str, Any]]:
        if not fast_path_settings(self.settings["MARKDOWN"]):
            return super().read(source_path)
        self._source_path = source_path
        self._md = self._markdown()
        body = "\n".join(self._md.preprocessors["meta"].run(text.split("\n")))
        if (PYTHON_MARKDOWN_ONLY.search(body) or PYTHON_MARKDOWN_ONLY_LINE.search("\n" + body)
                or page.links_within_site(body, self.settings)):  # cmark would escape `{filename}`
            return super().read(source_path)
        content = with_heading_ids(cmarkgfm.markdown_to_html(body, options=Options.CMARK_OPT_UNSAFE))
        metadata = self._parse_metadata(self._md.Meta) if self._md.Meta else {}
        return content, metadata

    def _markdown(self) -> Markdown:
        """One Python-Markdown for every issue this reader reads (making one costs more than cmark's rendering).

        Only its metadata preprocessor runs on the issue; Pelican's `_parse_metadata` renders
        formatted fields (the summary) with it, after a reset, and takes the preprocessor out.
        """
        markdown = getattr(self, "_reused", None)
        if markdown is None:
            markdown = self._reused = Markdown(**self.settings["MARKDOWN"])
        if "meta" not in markdown.preprocessors:
            markdown.preprocessors.register(MetaPreprocessor(markdown), "meta", 27)
        markdown.reset()
        return markdown


def fast_path_settings(markdown: dict[str, Any]) -> bool:
    """Whether the site's Markdown settings ask for nothing beyond what the fast path renders."""
    configs = markdown.get("extension_configs", {})
    named = set(markdown.get("extensions", [])) | set(configs)
    return named <= FAST_EXTENSIONS and not any(configs.values())


def with_heading_ids(content: str) -> str:
    """Every heading gets the id Python-Markdown's `toc` extension would give it."""
    used = set(_ID.findall(content))

    def identify(match: re.Match[str]) -> str:
        text = html.unescape(_TAG.sub("", match[2]))
        return f'<h{match[1]} id="{unique(slugify(text, "-"), used)}">{match[2]}</h{match[1]}>'

    return _HEADING.sub(identify, content)


def use_issue_reader(readers: Any) -> None:
    """A `readers_init` receiver: Markdown files are read by IssueReader."""
    for extension in IssueReader.file_extensions:
        readers.reader_classes[extension] = IssueReader
