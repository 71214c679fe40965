"""Items the editor keeps for later: off this week's page, into next week's draft with their notes."""

from __future__ import annotations

from datetime import datetime, timezone

from bs4 import BeautifulSoup

from feeds import rss2
from lamplighter.cli import main

W47 = """Title: Issue 3: 16–22 November 2026
Date: 2026-11-22
Status: published
Issue: 3
Week: 2026-W47
Summary: Last week.

## Papers

- [Now paper](https://arxiv.org/abs/2611.00001) · arXiv
    — Read this now.

- [Later paper](https://arxiv.org/abs/2611.00002) · arXiv [later]
    — Needs a closer read.

    My half-written note on it.

## Videos

- [Later talk](https://www.youtube.com/watch?v=abc) · YouTube [Later]
"""


def gather(project, feed_server) -> int:
    feed_server.add("/feed", rss2([{"title": "New post", "link": "https://blog.example/new",
                                    "date": datetime(2026, 11, 24, tzinfo=timezone.utc)}]))
    project.configure([{"name": "Blog", "type": "feed", "url": feed_server.url("/feed")}])
    return main(["gather", "-s", str(project.settings), "--week", "2026-W48"])


def test_later_items_move_with_their_notes_into_the_next_draft(project, feed_server):
    project.write_issue("2026-W47", W47)

    assert gather(project, feed_server) == 0

    draft = (project.issues / "2026-W48.md").read_text()
    carried = draft.split("## Carried over\n", 1)[1].split("\n## ", 1)[0]
    assert "- [Later paper](https://arxiv.org/abs/2611.00002) · arXiv\n    — Needs a closer read.\n\n" \
           "    My half-written note on it.\n" in carried
    assert "- [Later talk](https://www.youtube.com/watch?v=abc) · YouTube\n" in carried
    assert "Now paper" not in draft and "· arXiv [later]" not in draft.lower()
    assert draft.index("## Carried over") < draft.index("## Articles")


def test_a_carried_item_the_editor_deletes_stays_deleted(project, feed_server):
    project.write_issue("2026-W47", W47)
    gather(project, feed_server)
    path = project.issues / "2026-W48.md"
    path.write_text(path.read_text().replace("- [Later talk](https://www.youtube.com/watch?v=abc) · YouTube\n", ""))

    assert gather(project, feed_server) == 0

    assert "Later talk" not in path.read_text()
    assert path.read_text().count("Later paper") == 1


def test_later_items_never_reach_the_published_page_and_are_not_counted(project):
    project.write_issue("2026-W47", W47)

    output = project.build()

    html = (output / "issues" / "2026-W47" / "index.html").read_text(encoding="utf-8")
    body = BeautifulSoup(html, "html.parser").find("main")
    assert "Now paper" in body.text
    assert "Later paper" not in html and "half-written" not in html and "Later talk" not in html
    assert body.find(id="videos") is None  # the section it emptied is gone
    assert "1 links" in body.text or "1 link" in body.text


def test_the_draft_and_its_page_give_one_reading_time_without_later_items(project, feed_server):
    project.write_issue("2026-W48", W47.replace("Status: published", "Status: draft").replace("Issue: 3", "Issue: 4")
                        .replace("Week: 2026-W47", "Week: 2026-W48"))
    assert gather(project, feed_server) == 0  # a new post (5 min) joins the paper (6 min); the later paper and talk do not count
    draft = (project.issues / "2026-W48.md").read_text(encoding="utf-8")
    assert "Reading-time: 11 min" in draft

    output = project.build()
    page = BeautifulSoup((output / "drafts" / "2026-W48" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "about 11 min" in page.select_one(".meta").get_text()
