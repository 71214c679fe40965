"""Follow the story, not the link: a paper, its code, its weights and its integrations are one item.

Every join is one the sources carry in their real formats, served on loopback (and a real
git repository for the commit): a model's `arxiv:` tag and `base_model`, HF Papers'
`githubRepo`, a Trending description, release notes and a merged commit citing the paper.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from feeds import atom
from lamplighter.cli import main
from services import arxiv_new, github_atom, hf_daily_papers, hf_models, trending_page
from test_all_sources import MONDAY, WEEK, every_type
from test_github_repo_source import Upstream

PAPER, OTHER = "2611.03206", "2611.07777"


@pytest.fixture
def story_week(project, feed_server, tmp_path):
    when = MONDAY + timedelta(hours=9)
    feed_server.add("/arxiv/api/query", arxiv_new([
        {"id": PAPER, "title": "Scaling Rectified Flow Transformers", "date": when,
         "authors": ["Patrick Esser", "Robin Rombach"]}]))
    feed_server.add("/hf/api/daily_papers", hf_daily_papers([
        {"id": PAPER, "title": "Scaling Rectified Flow Transformers", "authors": ["Patrick Esser"], "featured": when,
         "upvotes": 120, "code": "https://github.com/Stability-AI/sd3", "project": "https://stability.ai/sd3"},
        {"id": OTHER, "title": "Flow Distillation in One Step", "authors": ["Yang Song"], "featured": when,
         "upvotes": 40, "code": "https://github.com/Stability-AI/sd3"}]), content_type="application/json")
    feed_server.add("/hf/api/models", hf_models([
        {"id": "stabilityai/sd3-medium", "likes": 3000, "downloads": 100000,
         "tags": ["diffusers", f"arxiv:{PAPER}", "license:other"], "pipeline_tag": "text-to-image"},
        {"id": "someone/sd3-anime", "likes": 50, "downloads": 900, "tags": ["diffusers", "lora"],
         "cardData": {"base_model": "stabilityai/sd3-medium"}, "pipeline_tag": "text-to-image"},
        {"id": "other/unrelated", "likes": 10, "downloads": 10, "tags": ["diffusers"]}]),
        content_type="application/json")
    feed_server.add("/gh/trending/python", trending_page([
        {"repo": "Stability-AI/sd3", "description": f"Official code of arXiv:{PAPER}", "language": "Python",
         "stars": 3000, "in_period": 900}]), content_type="text/html")
    feed_server.add("/gh/huggingface/diffusers/releases.atom", github_atom([
        {"id": "tag:github.com,2008:Repository/1/v0.36.0", "date": when, "title": "v0.36.0",
         "link": "https://github.com/huggingface/diffusers/releases/tag/v0.36.0",
         "content": f'<h2>SD3</h2><p>Adds <a href="https://arxiv.org/abs/{PAPER}">SD3</a>.</p>'}],
        title="Release notes from diffusers", self_link="https://github.com/huggingface/diffusers/releases.atom"))
    feed_server.add("/r/StableDiffusion.rss", atom([
        {"title": "SD3 paper discussion", "link": "https://www.reddit.com/r/StableDiffusion/comments/abc/sd3/",
         "date": when, "summary": f'&lt;a href="https://huggingface.co/papers/{PAPER}"&gt;the paper&lt;/a&gt;'}]))
    upstream = Upstream(tmp_path / "diffusers")
    upstream.commit("Add SD3 pipeline (#9101)", {"pipeline_sd3.py": f'"""See arXiv:{PAPER}."""\n'}, when=when)
    project.configure(every_type(feed_server, upstream, [], [
        {"name": "r/StableDiffusion", "type": "feed", "kind": "discussion",
         "url": feed_server.url("/r/StableDiffusion.rss")}]))
    return project


def test_one_paper_from_six_places_is_one_item_with_its_parts(story_week, capsys):
    assert main(["gather", "-s", str(story_week.settings), "--dry-run", "--json"]) == 0

    by_id = {c["id"]: c for c in json.loads(capsys.readouterr().out)["candidates"]}
    story = by_id[f"arxiv:{PAPER}"]
    assert (story["url"], story["title"], story["kind"]) == (
        f"https://arxiv.org/abs/{PAPER}", "Scaling Rectified Flow Transformers", "paper")
    assert [(part["label"], part["how"]) for part in story["parts"]] == [
        ("code: Stability-AI/sd3", "cites it in its description on GitHub"),
        ("weights: stabilityai/sd3-medium", f"tagged arxiv:{PAPER} on the Hub"),
        ("weights: someone/sd3-anime", "fine-tuned from stabilityai/sd3-medium (its base_model)"),
        ("release: huggingface/diffusers v0.36.0", "cites it in its release notes"),
        ("in huggingface/diffusers #9101", "cites it in huggingface/diffusers #9101"),
        ("discussion", "cites it in the entry"),
    ]
    assert story["signals"]["stars_in_period"] == 900 and story["signals"]["likes"] == 3000
    assert "900 stars today on GitHub Trending" in " ".join(story["provenance"])
    # The parts are not items of their own; the other paper sharing the repository stays a story of its own.
    assert set(by_id) == {f"arxiv:{PAPER}", f"arxiv:{OTHER}", "huggingface.co/other/unrelated"}
    assert by_id[f"arxiv:{OTHER}"]["parts"] == []


def test_the_story_is_one_item_in_the_draft_and_deleting_it_drops_every_part(story_week):
    run = ["gather", "-s", str(story_week.settings)]
    assert main(run) == 0
    path = story_week.issues / f"{WEEK}.md"
    draft = path.read_text(encoding="utf-8")

    [line] = [line for line in draft.splitlines() if "[code: Stability-AI/sd3]" in line]
    assert line.count("](https://github.com/Stability-AI/sd3)") == 1  # the code is a part, not also a [code] link
    assert "[weights: stabilityai/sd3-medium](https://huggingface.co/stabilityai/sd3-medium)" in line
    assert draft.count("- [") == 3  # the story, the other paper, the unrelated model
    assert "## Code" not in draft and "## Releases" not in draft and "## Discussions" not in draft

    lines = draft.splitlines()
    start = next(i for i, text in enumerate(lines) if text.startswith("- [Scaling Rectified"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("- [") or lines[i].startswith("## "))
    path.write_text("\n".join(lines[:start] + lines[end:]) + "\n", encoding="utf-8")
    assert main(run) == 0

    again = path.read_text(encoding="utf-8")
    assert PAPER not in again and "code: Stability-AI/sd3" not in again and "sd3-medium" not in again
    assert "reddit.com" not in again and "v0.36.0" not in again


def test_explain_says_how_each_part_was_joined(story_week, capsys):
    assert main(["gather", "-s", str(story_week.settings), "--dry-run"]) == 0
    capsys.readouterr()

    assert main(["explain", "-s", str(story_week.settings), f"https://arxiv.org/abs/{PAPER}"]) == 0

    out = capsys.readouterr().out
    assert (f"part: weights: stabilityai/sd3-medium https://huggingface.co/stabilityai/sd3-medium "
            f"(joined: tagged arxiv:{PAPER} on the Hub)") in out


def test_news_of_a_story_an_earlier_issue_carried_comes_as_one_update_per_event(project, feed_server):
    from lamplighter.weeks import week_of

    earlier = week_of((MONDAY - timedelta(days=7)).date())
    project.write_issue(earlier, f"Title: t\nDate: 2026-01-01\nStatus: published\nIssue: 12\nWeek: {earlier}\n"
                                 f"Summary: s\n\n## Papers\n\n- [Scaling Rectified Flow Transformers]"
                                 f"(https://arxiv.org/abs/{PAPER}) · arXiv\n")
    when = MONDAY + timedelta(hours=9)
    feed_server.add("/hf/api/models", hf_models([
        {"id": "stabilityai/sd3-medium", "likes": 3000, "downloads": 100000,
         "tags": ["diffusers", f"arxiv:{PAPER}"], "pipeline_tag": "text-to-image"}]), content_type="application/json")
    feed_server.add("/gh/trending/python", trending_page([
        {"repo": "Stability-AI/sd3", "description": f"Official code of arXiv:{PAPER}", "language": "Python",
         "stars": 3000, "in_period": 900}]), content_type="text/html")
    feed_server.add("/arxiv/api/query", arxiv_new([  # a new version of the paper: the same story again
        {"id": PAPER, "title": "Scaling Rectified Flow Transformers", "date": when, "authors": ["Robin Rombach"]}]))
    project.configure([
        {"name": "Followed authors", "type": "arxiv", "authors": ["Robin Rombach"], "base_url": feed_server.url("/arxiv")},
        {"name": "HF trending", "type": "hf_models", "pipeline_tag": "text-to-image", "base_url": feed_server.url("/hf")},
        {"name": "GitHub Trending", "type": "github_trending", "language": "python", "base_url": feed_server.url("/gh")},
    ])
    run = ["gather", "-s", str(project.settings)]

    assert main(run) == 0
    assert main(run) == 0  # gathering again offers each event once

    draft = (project.issues / f"{WEEK}.md").read_text(encoding="utf-8")
    updates = draft.split("## Updates\n")[1].split("\n## ")[0]
    assert [line for line in updates.splitlines() if line.startswith("- [")] == [
        f"- [Code released](https://github.com/Stability-AI/sd3) for [Scaling Rectified Flow Transformers]"
        f"(https://arxiv.org/abs/{PAPER}) (in [Issue 12]({{filename}}{earlier}.md)) · GitHub Trending",
        f"- [Weights on the Hub](https://huggingface.co/stabilityai/sd3-medium) for [Scaling Rectified Flow "
        f"Transformers](https://arxiv.org/abs/{PAPER}) (in [Issue 12]({{filename}}{earlier}.md)) · HF trending",
    ]
    assert "## Papers" not in draft and "## Code" not in draft and "## Models" not in draft

    # Published, the update links back to the earlier issue's page.
    path = project.issues / f"{WEEK}.md"
    path.write_text(draft.replace("Status: draft", "Status: published"), encoding="utf-8")
    output = project.build()
    page = (output / "issues" / WEEK / "index.html").read_text(encoding="utf-8")
    assert f'issues/{earlier}/"' in page
    # And the earlier issue's item links forward to its news.
    first = (output / "issues" / earlier / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'class="follow-up">Update: <a href="[^"]*issues/{WEEK}/">Code released, Issue 13</a>', first)


def test_a_code_link_in_an_arxiv_comment_joins_the_trending_repository_to_its_paper(project, feed_server, capsys):
    when = MONDAY + timedelta(hours=9)
    feed_server.add("/arxiv/api/query", arxiv_new([
        {"id": OTHER, "title": "Flow Distillation in One Step", "date": when, "authors": ["Robin Rombach"],
         "comment": "12 pages. Code: https://github.com/rromb/flow-distill."}]))
    feed_server.add("/gh/trending/python", trending_page([
        {"repo": "rromb/flow-distill", "description": "Distilling flows", "language": "Python", "stars": 500,
         "in_period": 120}]), content_type="text/html")
    project.configure([
        {"name": "Followed authors", "type": "arxiv", "authors": ["Robin Rombach"], "base_url": feed_server.url("/arxiv")},
        {"name": "GitHub Trending", "type": "github_trending", "language": "python", "base_url": feed_server.url("/gh")},
    ])

    assert main(["gather", "-s", str(project.settings), "--dry-run", "--json"]) == 0

    [story] = json.loads(capsys.readouterr().out)["candidates"]
    assert story["url"] == f"https://arxiv.org/abs/{OTHER}"
    assert [(part["label"], part["how"]) for part in story["parts"]] == [
        ("code: rromb/flow-distill", "its code, linked in its arXiv comment")]


def test_a_new_version_of_a_carried_paper_is_an_update_once_and_stays_deleted(project, feed_server):
    from lamplighter.weeks import week_of

    earlier = week_of((MONDAY - timedelta(days=14)).date())
    first_posted, revised = MONDAY - timedelta(days=13), MONDAY + timedelta(hours=9)
    project.write_issue(earlier, f"Title: t\nDate: 2026-01-01\nStatus: published\nIssue: 12\nWeek: {earlier}\n"
                                 f"Summary: s\n\n## Papers\n\n- [Scaling Rectified Flow Transformers]"
                                 f"(https://arxiv.org/abs/{PAPER}) · arXiv\n")
    paper = {"id": PAPER, "title": "Scaling Rectified Flow Transformers", "date": first_posted,
             "authors": ["Robin Rombach"], "version": 2, "revised": revised}
    never_carried = {"id": OTHER, "title": "Flow Distillation in One Step", "date": first_posted,
                     "authors": ["Robin Rombach"], "version": 3, "revised": revised}
    feed_server.add("/arxiv/api/query", arxiv_new([paper, never_carried]))
    project.configure([{"name": "Followed authors", "type": "arxiv", "authors": ["Robin Rombach"],
                        "base_url": feed_server.url("/arxiv")}])
    run = ["gather", "-s", str(project.settings)]
    path = project.issues / f"{WEEK}.md"

    assert main(run) == 0
    assert main(run) == 0  # gathering again offers the version once
    draft = path.read_text(encoding="utf-8")
    update = (f"- [New version (v2)](https://arxiv.org/abs/{PAPER}v2) for [Scaling Rectified Flow Transformers]"
              f"(https://arxiv.org/abs/{PAPER}) (in [Issue 12]({{filename}}{earlier}.md)) · Followed authors")
    assert [line for line in draft.splitlines() if line.startswith("- [")] == [
        update, f"- [Flow Distillation in One Step](https://arxiv.org/abs/{OTHER}) · Followed authors"]
    assert f"v2 posted on arXiv on {revised:%Y-%m-%d}" in draft

    # Deleted, the update stays deleted; the paper itself is still a repeat, not offered again.
    lines = draft.splitlines()
    start = lines.index(update)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(("- [", "## ")))
    path.write_text("\n".join(lines[:start] + lines[end:]) + "\n", encoding="utf-8")
    assert main(run) == 0
    again = path.read_text(encoding="utf-8")
    assert f"{PAPER}v2" not in again and f"abs/{PAPER})" not in again and f"abs/{OTHER})" in again

    # Published with the update, the next week's v3 is news again, and v2 is not.
    path.write_text(draft.replace("Status: draft", "Status: published"), encoding="utf-8")
    later = MONDAY + timedelta(days=7, hours=9)
    feed_server.add("/arxiv/api/query", arxiv_new([{**paper, "version": 3, "revised": later}]))
    assert main([*run, "--week", week_of(later.date())]) == 0
    following = (project.issues / f"{week_of(later.date())}.md").read_text(encoding="utf-8")
    assert f"[New version (v3)](https://arxiv.org/abs/{PAPER}v3)" in following
    assert f"{PAPER}v2" not in following and f"(in [Issue 12]({{filename}}{earlier}.md))" in following


def test_a_trending_repository_whose_readme_opens_with_its_paper_joins_the_paper(project, feed_server, capsys):
    when = MONDAY + timedelta(hours=9)
    feed_server.add("/arxiv/api/query", arxiv_new([
        {"id": PAPER, "title": "Scaling Rectified Flow Transformers", "date": when, "authors": ["Robin Rombach"]},
        {"id": OTHER, "title": "Flow Distillation in One Step", "date": when, "authors": ["Robin Rombach"]}]))
    feed_server.add("/gh/trending/python", trending_page([
        {"repo": "Stability-AI/sd3", "description": "Inference code", "language": "Python", "stars": 3000,
         "in_period": 900},
        {"repo": "someone/flow-zoo", "description": "Flow models", "language": "Python", "stars": 80, "in_period": 20},
        {"repo": "someone/no-readme", "description": "Tools", "language": "Python", "stars": 50, "in_period": 10}]),
        content_type="text/html")
    # The official code: a title, the arXiv badge, then sections that cite the work it builds on.
    feed_server.add("/gh/Stability-AI/sd3/raw/HEAD/README.md", (
        "<p align=\"center\"><img src=\"assets/logo.png\" width=\"300\"></p>\n\n# Stable Diffusion 3\n\n"
        f"[![arXiv](https://img.shields.io/badge/arXiv-{PAPER}-b31b1b.svg)](https://arxiv.org/abs/{PAPER}) "
        "[![Project](https://img.shields.io/badge/Project-Page-green)](https://stability.ai/sd3)\n\n"
        "Official inference code.\n\n## Installation\n\npip install -e .\n\n## Acknowledgements\n\n"
        f"Built on latent diffusion (arXiv:2112.10752) and [{OTHER}](https://arxiv.org/abs/{OTHER}).\n"),
        content_type="text/plain; charset=utf-8")
    # A collection cites several papers at its top: which would it be? No join.
    feed_server.add("/gh/someone/flow-zoo/raw/HEAD/README.md",
                    f"# Flow zoo\n\nImplementations of arXiv:{PAPER} and arXiv:{OTHER}.\n",
                    content_type="text/plain; charset=utf-8")
    project.configure([
        {"name": "Followed authors", "type": "arxiv", "authors": ["Robin Rombach"], "base_url": feed_server.url("/arxiv")},
        {"name": "GitHub Trending", "type": "github_trending", "language": "python", "base_url": feed_server.url("/gh")},
    ])

    assert main(["gather", "-s", str(project.settings), "--dry-run", "--json"]) == 0

    by_id = {c["id"]: c for c in json.loads(capsys.readouterr().out)["candidates"]}
    assert [(part["label"], part["how"]) for part in by_id[f"arxiv:{PAPER}"]["parts"]] == [
        ("code: Stability-AI/sd3", "cites it at the top of its README")]
    assert by_id[f"arxiv:{OTHER}"]["parts"] == []
    assert {"github.com/someone/flow-zoo", "github.com/someone/no-readme"} <= set(by_id)  # stories of their own
