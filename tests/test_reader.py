"""The fast reader renders the issue format as Python-Markdown does: same elements, attributes and text."""

from __future__ import annotations

import sys
from copy import deepcopy

import pytest
from bs4 import BeautifulSoup, NavigableString
from pelican.readers import MarkdownReader

from conftest import REPO
from site_under_test import SAMPLES
from lamplighter.draft import merge, new_draft
from lamplighter.items import Item
from lamplighter.page import for_readers
from lamplighter.reader import IssueReader

sys.path.insert(0, str(REPO / "bench"))
import archive  # noqa: E402

SETTINGS = {"extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.meta": {},
                                  "markdown.extensions.toc": {}}, "output_format": "html5"}
HOSTILE = [Item(url="https://a.example/x?a=1&b=2", title="[click](javascript:alert(1)) <b>bold</b> `code` *em*",
                source="Source | with {braces}", summary="# not a heading\n1. not a list & <script>", kind="paper",
                authors=("A. Author", "B_b Author"), provenance=("120 upvotes", "cited in x/y #1"),
                code_url="https://github.com/a/b", cautions=("license: other",)),
           Item(url="https://b.example/", title="=== looks like a setext", source="S", summary="- dash\n+ plus"),
           Item(url="https://c.example/", title="Trailing backslash \\", source="S", kind="video")]
EDITOR = """
My introduction, with *emphasis*, **strong**, `code`, a [link](https://x.example/ "with a title") and <abbr>raw</abbr> HTML.

<!-- a comment of the editor's -->

## Carried over

- [Old paper](https://arxiv.org/abs/2501.00001) · arXiv [later]
    — Still worth it.

    My note, in two lines
    that Markdown joins.

    - a nested list in a note
    - with two items

## Papers

1. An ordered list the editor wrote
2. by hand

That's all for this week. > not a quote &amp; an entity; a line with a hard break  
and its next line.
"""


def documents() -> dict[str, str]:
    docs = {path.stem: path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("20*.md"))}
    docs["draft with hostile items"] = merge(new_draft("2026-W48", 4), HOSTILE)
    docs["editor's own writing"] = new_draft("2026-W48", 4) + EDITOR
    docs["synthetic archive issue"] = archive.issue(7, archive.date(2026, 11, 22), archive.random.Random(3))
    docs["headings that repeat"] = "Title: t\n\n## Papers\n\ntext\n\n## Papers\n\n## Ünïcode & *style*\n"
    return docs


def shape(content: str) -> list:
    """The rendered document as a reader's browser sees it: elements, attributes, and text with whitespace collapsed."""
    def walk(node) -> list:
        out = []
        for child in node.children:
            if isinstance(child, NavigableString):
                text = " ".join(str(child).split())
                if text and type(child) is NavigableString:
                    out.append(text)
                elif type(child) is not NavigableString:  # a comment: keep it whole
                    out.append(("comment", " ".join(str(child).split())))
            else:
                out.append((child.name, sorted(child.attrs.items()), walk(child)))
        return out
    return walk(BeautifulSoup(content, "html.parser"))


def settings() -> dict:
    from pelican.settings import DEFAULT_CONFIG

    return {**DEFAULT_CONFIG, "MARKDOWN": deepcopy(SETTINGS)}


@pytest.fixture
def issue_reader():
    return IssueReader(settings())


@pytest.mark.parametrize("name", sorted(documents()))
def test_the_fast_reader_renders_like_python_markdown(issue_reader, tmp_path, name):
    path = tmp_path / "issue.md"
    path.write_text(documents()[name], encoding="utf-8")

    content, metadata = issue_reader.read(str(path))
    facts = metadata.pop("lamplighter_facts")  # what the site shows beside the content; Pelican's reader has none

    expected_content, expected_metadata = MarkdownReader(settings()).read(str(path))  # Pelican's own reader
    expected_content = for_readers(expected_content)  # what the page makes of either
    assert isinstance(facts["item_count"], int) and isinstance(facts["sections"], list)
    assert shape(content) == shape(expected_content)
    assert {key: str(value) for key, value in metadata.items()} == {
        key: str(value) for key, value in expected_metadata.items()}


def test_one_reader_reads_issue_after_issue_as_a_new_reader_would(issue_reader, tmp_path):
    """The reader keeps one Python-Markdown for every issue: nothing of one issue leaks into the next."""
    names = sorted(documents())
    paths = []
    for index, name in enumerate([*names, *names]):  # each document read after every shape of document
        path = tmp_path / f"{index}.md"
        path.write_text(documents()[name], encoding="utf-8")
        paths.append(path)
    between = tmp_path / "python-markdown.md"  # read by Python-Markdown in between, as a footnote makes it
    between.write_text("Title: t\nSummary: *only here*\n\nA footnote[^1].\n\n[^1]: The note.\n", encoding="utf-8")

    read = [issue_reader.read(str(path)) for path in [*paths[:3], between, *paths[3:]]]
    del read[3]

    assert read == [IssueReader(settings()).read(str(path)) for path in paths]


@pytest.mark.parametrize("body", [
    "Text with a footnote[^1].\n\n[^1]: The note.\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "- item\n\n        code in a note, indented twice\n",
    "```python\nprint(1)\n```\n",
    "Term\n:   Definition\n",
    "## A heading {: #custom }\n",
    "See [the first issue]({filename}2026-W45.md) and [its image]({static}/images/a.png).\n",
])
def test_what_only_python_markdown_knows_is_left_to_python_markdown(issue_reader, tmp_path, body):
    path = tmp_path / "issue.md"
    path.write_text("Title: t\n\n" + body, encoding="utf-8")

    content, _ = issue_reader.read(str(path))

    assert content == MarkdownReader(settings()).read(str(path))[0]
