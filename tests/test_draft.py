"""The merge rule: gathering again keeps every word the editor wrote, keeps dropped items out, adds the new."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import markdown
from hypothesis import example, given
from hypothesis import strategies as st

from feeds import atom
from lamplighter import draft
from lamplighter.cli import main
from lamplighter.items import Item

WEEK = "2026-W48"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


def entry(slug: str, day: int, title: str | None = None) -> dict:
    return {"title": title or f"Post {slug}", "link": f"https://blog.example/{slug}", "date": at(day),
            "summary": f"About {slug}."}


def gather(project, *extra: str) -> int:
    return main(["gather", "-s", str(project.settings), "--week", WEEK, *extra])


def serve(feed_server, project, entries: list[dict]) -> None:
    feed_server.add("/feed.atom", atom(entries))
    project.configure([{"name": "Blog", "type": "feed", "url": feed_server.url("/feed.atom")}])


def test_first_gather_writes_a_draft_with_metadata_and_items(feed_server, project):
    serve(feed_server, project, [entry("a", 23), entry("b", 24)])

    assert gather(project) == 0

    text = (project.issues / f"{WEEK}.md").read_text()
    meta = draft.parse(text).metadata
    assert meta["status"] == "draft"
    assert meta["week"] == WEEK
    assert meta["issue"] == "1"
    assert meta["title"] == "Issue 1: 23–29 November 2026"
    assert meta["date"] == "2026-11-29"
    assert "- [Post a](https://blog.example/a) · Blog\n    — About a.\n" in text
    assert "## Articles" in text


def test_issue_number_follows_the_archive(feed_server, project):
    project.write_issue("2026-W46", "Title: Two\nDate: 2026-11-15\nStatus: published\nIssue: 7\n\nText.\n")
    serve(feed_server, project, [entry("a", 23)])

    gather(project)

    assert draft.parse((project.issues / f"{WEEK}.md").read_text()).metadata["issue"] == "8"


def test_a_draft_begun_before_last_weeks_issue_was_merged_takes_the_next_number(feed_server, project, capsys):
    serve(feed_server, project, [entry("a", 23)])
    project.write_issue("2026-W46", "Title: Issue 7: two weeks ago\nDate: 2026-11-15\nStatus: published\nIssue: 7\n\nText.\n")
    gather(project)  # this week's draft is begun: issue 8
    path = project.issues / f"{WEEK}.md"
    path.write_text(path.read_text().replace("-->\n", "-->\n\nMy introduction.\n", 1))
    # Last week's pull request is merged only now, also numbered 8.
    project.write_issue("2026-W47", "Title: Issue 8: last week\nDate: 2026-11-22\nStatus: published\nIssue: 8\n\nText.\n")
    capsys.readouterr()

    assert gather(project, "--markdown-report", str(project.root / "report.md")) == 0

    text = path.read_text()
    assert draft.parse(text).metadata["issue"] == "9"
    assert draft.parse(text).metadata["title"] == "Issue 9: 23–29 November 2026"
    assert "My introduction." in text
    for said in (capsys.readouterr().err, (project.root / "report.md").read_text()):  # the terminal, the PR's body
        said = " ".join(said.split())
        assert "2026-W47's issue also has number 8" in said and "this draft is now issue 9" in said
    assert main(["check", str(path)]) == 0


def test_editor_notes_intro_and_edits_survive_a_second_gather(feed_server, project):
    serve(feed_server, project, [entry("a", 23), entry("b", 24)])
    gather(project)
    path = project.issues / f"{WEEK}.md"
    text = path.read_text()
    text = text.replace("Summary: Papers", "Summary: My own summary. Papers")
    text = text.replace("-->\n", "-->\n\nMy introduction, *with emphasis*.\n", 1)
    text = text.replace("    — About a.\n", "    — About a, as I rewrote it.\n\n    My note on a.\n\n        code in my note\n")
    text += "\nThat's all for this week.\n"
    path.write_text(text)

    serve(feed_server, project, [entry("a", 23), entry("b", 24), entry("c", 25)])
    assert gather(project) == 0

    merged = path.read_text()
    for line in text.splitlines():
        if not line.startswith("Reading-time:"):  # gathering's own line, kept up to date
            assert line in merged.splitlines()
    assert "Reading-time: 10 min" in text.splitlines() and "Reading-time: 15 min" in merged.splitlines()
    assert merged.splitlines()[-1] == "That's all for this week."
    assert merged.count("https://blog.example/a") == 1
    assert merged.index("https://blog.example/c") > merged.index("My note on a.")
    assert merged.index("https://blog.example/c") < merged.index("That's all for this week.")


def test_dropped_items_stay_dropped(feed_server, project):
    serve(feed_server, project, [entry("a", 23), entry("b", 24)])
    gather(project)
    path = project.issues / f"{WEEK}.md"
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if "blog.example/b)" in line)
    del lines[start:start + 2]
    path.write_text("\n".join(lines) + "\n")

    assert gather(project, "--json") == 0

    assert "blog.example/b" not in path.read_text()
    assert "blog.example/a" in path.read_text()


def test_dropped_items_are_listed_as_not_selected(feed_server, project, capsys):
    serve(feed_server, project, [entry("a", 23), entry("b", 24)])
    gather(project)
    path = project.issues / f"{WEEK}.md"
    path.write_text(path.read_text().replace("- [Post b](https://blog.example/b) · Blog\n    — About b.\n", ""))
    capsys.readouterr()

    gather(project, "--json", "--dry-run")

    selected = {c["url"]: c["selected"] for c in json.loads(capsys.readouterr().out)["candidates"]}
    assert selected == {"https://blog.example/a": True, "https://blog.example/b": False}


def test_new_items_join_their_section_and_new_sections_keep_their_order(feed_server, project):
    serve(feed_server, project, [entry("a", 23)])
    gather(project)
    feed_server.add("/papers.atom", atom([{"title": "A paper", "link": "https://arxiv.org/abs/2403.03206v2",
                                          "date": at(24)}]))
    feed_server.add("/code.atom", atom([{"title": "A repo", "link": "https://github.com/huggingface/diffusers",
                                        "date": at(24)}]))
    project.configure([
        {"name": "Blog", "type": "feed", "url": feed_server.url("/feed.atom")},
        {"name": "Papers", "type": "feed", "url": feed_server.url("/papers.atom")},
        {"name": "Code", "type": "feed", "url": feed_server.url("/code.atom")},
    ])
    feed_server.add("/feed.atom", atom([entry("a", 23), entry("b", 24)]))

    gather(project)

    text = (project.issues / f"{WEEK}.md").read_text()
    assert text.index("## Papers") < text.index("## Code") < text.index("## Articles")
    articles = text[text.index("## Articles"):]
    assert articles.index("blog.example/a") < articles.index("blog.example/b")


def test_items_the_editor_moved_or_added_by_hand_are_not_added_twice(feed_server, project):
    serve(feed_server, project, [entry("a", 23)])
    gather(project)
    path = project.issues / f"{WEEK}.md"
    path.write_text(path.read_text() + "\n## My picks\n\n- [Hand-picked](https://www.blog.example/b/) my own words\n")
    feed_server.add("/feed.atom", atom([entry("a", 23), entry("b", 24)]))

    gather(project)

    assert "https://blog.example/b)" not in path.read_text()


def test_a_published_issue_is_never_changed(feed_server, project):
    published = "Title: Done\nDate: 2026-11-29\nStatus: published\nIssue: 1\nWeek: 2026-W48\n\nFinished.\n"
    path = project.write_issue(WEEK, published)
    serve(feed_server, project, [entry("a", 23)])

    assert gather(project) == 0

    assert path.read_text() == published


def test_lazy_continuation_lines_stay_with_their_item():
    text = "Title: t\n\n## Articles\n\n- [A](https://a.example/)\nmy lazy note\n\nClosing words.\n"
    item = Item(url="https://b.example/", title="B", source="S")

    merged = draft.merge(text, [item])

    assert "- [A](https://a.example/)\nmy lazy note\n\n- [B](https://b.example/) · S\n" in merged
    assert merged.endswith("Closing words.\n")


def test_list_items_inside_code_fences_are_not_items():
    text = "Title: t\n\n## Articles\n\n```\n- [fake](https://fake.example/)\n```\n"

    assert draft.parse(text).keys == set()


def test_the_draft_renders_items_as_one_list_with_notes_as_later_paragraphs():
    text = draft.merge(draft.new_draft(WEEK, 1), [
        Item(url="https://a.example/", title="A", source="S", summary="First."),
        Item(url="https://b.example/", title="B", source="S", summary="Second."),
    ])
    text = text.replace("    — First.\n", "    — First.\n\n    The editor's note.\n")

    body = markdown.markdown(text.split("\n\n", 1)[1], extensions=["extra"])

    assert body.count("<ul>") == 1
    assert body.count("<li>") == 2
    assert "<p>The editor's note.</p>" in body
    assert "lamplighter: how to edit" in text


def test_provenance_code_and_cautions_render_as_text_and_one_safe_link():
    hostile = Item(url="https://a.example/", title="A", source="S", kind="model", summary="text-to-image",
                   provenance=("[click](javascript:alert(1))", "<script>alert(2)</script>"),
                   cautions=("license: <b>openrail</b>", "tagged not-for-all-audiences"),
                   code_url="javascript:alert(3)")
    safe = Item(url="https://b.example/", title="B", source="S", kind="paper", code_url="https://github.com/a/b")

    text = draft.merge(draft.new_draft(WEEK, 1), [hostile, safe])
    body = markdown.markdown(text.split("-->", 1)[1], extensions=["extra"])

    assert "javascript:" not in body.replace("[click](javascript:alert(1))", "")
    assert "<script>" not in body and "<b>" not in body
    assert "Before using it: license: &lt;b&gt;openrail&lt;/b&gt;; tagged not-for-all-audiences." in body
    assert body.count("<a ") == 3  # the two items' links and B's code
    assert '<a href="https://github.com/a/b">code</a>' in body


# The site's outline of an issue: a fast reading where lines say what they are, the parser elsewhere.
LINE_SHAPES = ["", "#", "# ", "Some text.", "- [T](https://a.example/x) · S", "- [T](https://a.example/y) · S [later]",
               "    — A description.", "    A note.", "  A continuation.", "## Papers", "## Code", "# Title",
               "#nohash", "## C#", "## Code ##", "<!-- a comment", "-->", "<!-- one line -->", "```", "~~~",
               "> quote", "| a | b |", "|---|---|", "---", "--", "***", "* * *", "1. item", "- ", "-",
               "-  [x](https://b.example/)", " - [x](https://b.example/)", "  ## h", "\tTab", "Setext", "===",
               "- text [x](https://c.example/) more", "- `code` [x](https://d.example/)",
               "- [a *b*](https://e.example/)", "- [x][ref]", "[ref]: https://f.example/",
               "    - [nested](https://g.example/)", "* [star](https://h.example/)", "+ [plus](https://i.example/)",
               "- [x](https://j.example/(paren))", "<div>", "</div>", "- [T](<https://k.example/a b>)",
               "- [T](https://l.example/) text <b>", "- no link here", "- [x](https://m.example/a&amp;b)"]


@given(st.lists(st.sampled_from(LINE_SHAPES), max_size=30))
@example(["<!-- a comment", "- [T](https://a.example/x) · S", "-->", "- [T](https://a.example/y) · S [later]"])
@example(["Setext", "--", "- [T](https://a.example/x) · S"])
@example(["#", "- [T](https://a.example/x) · S"])  # a lone "#" crashed the site's outline
def test_the_fast_outline_finds_what_the_parser_finds(shapes):
    text = "Status: draft\n\n" + "\n".join(shapes) + "\n"
    lines = draft.Lines.of(text).lines
    simple = draft._simple_outline(lines, 2)
    if simple is not None:
        parsed = draft.parse(text)
        items, headings = simple
        assert [(i.start, i.section, i.key, i.later) for i in items] == \
               [(i.start, i.section, i.key, i.later) for i in parsed.items]
        assert headings == parsed.headings


def test_a_gathered_issue_takes_the_fast_outline():
    text = draft.new_draft(WEEK, 4) + "\nMy introduction.\n\n## Papers\n\n" + "\n".join(
        draft.render_item(Item(url=f"https://arxiv.org/abs/2611.0000{n}", title=f"Paper {n}", source="arXiv",
                               kind="paper", summary="About it."))[0] + "\n" for n in range(3))
    lines = draft.Lines.of(text).lines
    assert draft._simple_outline(lines, len(draft.metadata_of(text))) is not None
    assert draft.facts(text)["item_count"] == 3
