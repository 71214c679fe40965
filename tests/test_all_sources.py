"""Every source type in one gather, each pointed at a loopback server or a local repository.

One paper seen through a followed author's listing, the daily papers, a feed and a commit
that cites it is one candidate carrying every source's word, the commit one of its parts;
the draft groups by kind.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from feeds import atom
from lamplighter.cli import main
from lamplighter.weeks import week_of, week_window
from services import arxiv_new, github_atom, hf_daily_papers, hf_models, trending_page
from test_github_repo_source import Upstream

# Trending lists are dated when they are read, so this gather is for the week it runs in.
WEEK = week_of(datetime.now(timezone.utc).date())
MONDAY = week_window(WEEK).since
PAPER = "2611.03206"


@pytest.fixture
def everything(project, feed_server, tmp_path):
    when = MONDAY + timedelta(hours=9)
    feed_server.add("/arxiv/api/query", arxiv_new([
        {"id": PAPER, "title": "Scaling Rectified Flow Transformers", "date": when,
         "authors": ["Patrick Esser", "Sumith Kulal", "Andreas Blattmann", "Robin Rombach"]}]))
    feed_server.add("/hf/api/daily_papers", hf_daily_papers([
        {"id": PAPER, "title": "Scaling Rectified Flow Transformers", "authors": ["Patrick Esser"],
         "featured": when + timedelta(days=1), "upvotes": 120, "code": "https://github.com/Stability-AI/sd3"},
        {"id": "2611.07777", "title": "Consistency at Scale", "authors": ["Yang Song"], "featured": when, "upvotes": 40}]),
        content_type="application/json")
    feed_server.add("/hf/api/models", hf_models([
        {"id": "stabilityai/sd3.5-large", "likes": 3000, "downloads": 100000, "gated": "auto",
         "tags": ["diffusers", "license:other"], "pipeline_tag": "text-to-image"}]), content_type="application/json")
    feed_server.add("/gh/trending/python", trending_page([
        {"repo": "huggingface/diffusers", "description": "Diffusion models", "language": "Python", "stars": 30000,
         "in_period": 900}]), content_type="text/html")
    feed_server.add("/gh/huggingface/diffusers/releases.atom", github_atom([
        {"id": "tag:github.com,2008:Repository/1/v0.36.0", "date": when, "title": "v0.36.0",
         "link": "https://github.com/huggingface/diffusers/releases/tag/v0.36.0"}],
        title="Release notes from diffusers", self_link="https://github.com/huggingface/diffusers/releases.atom"))
    feed_server.add("/gh/rromb.atom", github_atom([
        {"id": "tag:github.com,2008:CreateEvent/1", "date": when, "title": "rromb created a repository rromb/sampler",
         "link": "https://github.com/rromb/sampler"}], title="rromb’s Activity", self_link="https://github.com/rromb.atom"))
    feed_server.add("/bridge/ak.xml", atom([
        {"title": "SD3 is out", "link": f"https://huggingface.co/papers/{PAPER}", "date": when},
        {"title": "Why flow matching works", "link": "https://lab.example/flow", "date": when}]))
    upstream = Upstream(tmp_path / "diffusers")
    upstream.commit("Add SD3 pipeline (#9101)", {"pipeline_sd3.py": f'"""See arXiv:{PAPER}."""\n'}, when=when)

    gh = feed_server.url("/gh")
    project.configure(every_type(feed_server, upstream, [
        {"name": "Robin Rombach on GitHub", "type": "github_user", "user": "rromb", "base_url": gh}], [
        {"name": "AK on X", "type": "feed", "url": feed_server.url("/bridge/ak.xml")}]))
    return project


def every_type(feed_server, upstream: Upstream, before_repo: list[dict], after: list[dict]) -> list[dict]:
    """Sources of every type on the test server, and the local diffusers repository."""
    gh, hf = feed_server.url("/gh"), feed_server.url("/hf")
    return [
        {"name": "Followed authors", "type": "arxiv", "authors": ["Robin Rombach"], "base_url": feed_server.url("/arxiv")},
        {"name": "HF Papers", "type": "hf_papers", "base_url": hf},
        {"name": "HF trending", "type": "hf_models", "pipeline_tag": "text-to-image", "base_url": hf},
        {"name": "GitHub Trending", "type": "github_trending", "language": "python", "base_url": gh},
        {"name": "diffusers releases", "type": "github_releases", "repo": "huggingface/diffusers", "base_url": gh},
        *before_repo,
        {"name": "diffusers", "type": "github_repo", "repo": "huggingface/diffusers", "git_url": str(upstream.path)},
        *after,
    ]


def test_a_dry_run_lists_every_sources_candidates_with_their_provenance_merged(everything, capsys):
    assert main(["gather", "-s", str(everything.settings), "--dry-run", "--json"]) == 0

    result = json.loads(capsys.readouterr().out)
    assert [(s["type"], s["status"], s["items"]) for s in result["sources"]] == [
        ("arxiv", "ok", 1), ("hf_papers", "ok", 2), ("hf_models", "ok", 1), ("github_trending", "ok", 1),
        ("github_releases", "ok", 1), ("github_user", "ok", 1), ("github_repo", "ok", 2), ("feed", "ok", 2)]
    by_id = {c["id"]: c for c in result["candidates"]}
    assert set(by_id) == {f"arxiv:{PAPER}", "arxiv:2611.07777", "huggingface.co/stabilityai/sd3.5-large",
                          "github.com/huggingface/diffusers", "github.com/huggingface/diffusers/releases/tag/v0.36.0",
                          "github.com/rromb/sampler", "lab.example/flow"}  # the commit citing the paper is a part of it
    paper = by_id[f"arxiv:{PAPER}"]
    assert paper["url"] == f"https://arxiv.org/abs/{PAPER}"
    assert paper["title"] == "Scaling Rectified Flow Transformers"
    assert paper["source"] == "Followed authors · HF Papers · diffusers · AK on X"
    assert paper["provenance"] == ["by Robin Rombach, followed", "120 upvotes on HF Papers",
                                   "cited in huggingface/diffusers #9101",
                                   "merged into huggingface/diffusers as #9101, +1 line, cites 1 paper"]
    assert paper["signals"] == {"upvotes": 120, "comments": 0, "citations": 1, "lines_added": 1}
    assert paper["code_url"] == "https://github.com/Stability-AI/sd3"
    [part] = paper["parts"]
    assert (part["label"], part["how"]) == ("in huggingface/diffusers #9101", "cites it in huggingface/diffusers #9101")
    assert part["url"].startswith("https://github.com/huggingface/diffusers/commit/")
    assert by_id["huggingface.co/stabilityai/sd3.5-large"]["cautions"] == [
        "license: other", "gated: access must be accepted on the Hub first"]
    assert not everything.issues.joinpath(f"{WEEK}.md").exists()


def test_the_draft_groups_them_by_kind(everything):
    assert main(["gather", "-s", str(everything.settings)]) == 0

    draft = everything.issues.joinpath(f"{WEEK}.md").read_text(encoding="utf-8")
    headings = [line for line in draft.splitlines() if line.startswith("## ")]
    assert headings == ["## Papers", "## Code", "## Models", "## Releases", "## Articles"]
    assert draft.count(f"arxiv.org/abs/{PAPER}") == 1
    papers = draft.split("## Papers")[1].split("## Code")[0]
    assert ("- [Scaling Rectified Flow Transformers](https://arxiv.org/abs/2611.03206) · Followed authors · HF Papers"
            " · diffusers · AK on X\n    — by Robin Rombach, followed · 120 upvotes on HF Papers · cited in "
            "huggingface/diffusers #9101 · merged into huggingface/diffusers as #9101, +1 line, cites 1 paper · "
            "[code](https://github.com/Stability-AI/sd3) · [in huggingface/diffusers #9101](https://github.com/"
            "huggingface/diffusers/commit/") in papers
    models = draft.split("## Models")[1].split("## Releases")[0]
    assert "Before using it: license: other; gated: access must be accepted on the Hub first." in models
