"""`github_releases`, `github_user` and `github_trending` against a loopback server answering like GitHub."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from conftest import run_source
from lamplighter.errors import SettingsError, SourceError
from services import github_atom, trending_page

NOV_24 = datetime(2026, 11, 24, 15, tzinfo=timezone.utc)
GATHERED = datetime(2026, 11, 25, 6, tzinfo=timezone.utc)


def test_releases_are_named_with_their_repository_and_link_to_github(feed_server, tmp_path):
    feed_server.add("/huggingface/diffusers/releases.atom", github_atom([
        {"id": "tag:github.com,2008:Repository/498011141/v0.36.0", "date": NOV_24, "published": False,
         "link": "https://github.com/huggingface/diffusers/releases/tag/v0.36.0", "title": "v0.36.0: FLUX.2 and more",
         "content": "<h2>New pipelines</h2><script>alert(1)</script><p>FLUX.2</p>"},
        # a mirror may answer with links relative to github.com
        {"id": "tag:github.com,2008:Repository/498011141/v0.35.2", "date": NOV_24,
         "link": "/huggingface/diffusers/releases/tag/v0.35.2", "title": "diffusers 0.35.2 patch"},
    ], title="Release notes from diffusers", self_link="https://github.com/huggingface/diffusers/releases.atom"))

    new, patch = run_source("github_releases", {"repo": "huggingface/diffusers", "base_url": feed_server.base},
                            cache_dir=tmp_path)

    assert (new.title, new.kind, new.url) == ("huggingface/diffusers v0.36.0: FLUX.2 and more", "release",
                                              "https://github.com/huggingface/diffusers/releases/tag/v0.36.0")
    assert new.summary == "New pipelines. FLUX.2" and new.published == NOV_24
    assert (patch.title, patch.url) == ("diffusers 0.35.2 patch",
                                        "https://github.com/huggingface/diffusers/releases/tag/v0.35.2")


def test_a_users_feed_gives_new_repositories_and_releases_not_stars_or_chatter(feed_server, tmp_path):
    def event(kind: str, number: int, title: str, link: str) -> dict:
        return {"id": f"tag:github.com,2008:{kind}/4512345{number}", "date": NOV_24, "title": title,
                "link": link, "author": "rromb"}

    feed_server.add("/rromb.atom", github_atom([
        event("CreateEvent", 1, "rromb created a repository rromb/fast-sampler", "https://github.com/rromb/fast-sampler"),
        event("CreateEvent", 2, "rromb created a branch dev in rromb/fast-sampler", "https://github.com/rromb/fast-sampler/tree/dev"),
        event("WatchEvent", 3, "rromb starred someone/else", "https://github.com/someone/else"),
        event("IssueCommentEvent", 4, "rromb commented on issue x/y#1", "https://github.com/x/y/issues/1#c1"),
        event("PushEvent", 5, "rromb pushed to main in rromb/fast-sampler", "https://github.com/rromb/fast-sampler/compare/a...b"),
        event("ForkEvent", 6, "rromb forked rromb/z from other/z", "https://github.com/rromb/z"),
        event("ReleaseEvent", 7, "rromb released v1.0 at rromb/fast-sampler",
              "https://github.com/rromb/fast-sampler/releases/tag/v1.0"),
        event("PublicEvent", 8, "rromb made rromb/old-notes public", "https://github.com/rromb/old-notes"),
    ], title="rromb’s Activity", self_link="https://github.com/rromb.atom"))

    items = run_source("github_user", {"user": "rromb", "base_url": feed_server.base}, cache_dir=tmp_path)

    assert [(item.url, item.kind) for item in items] == [
        ("https://github.com/rromb/fast-sampler", "code"),
        ("https://github.com/rromb/fast-sampler/releases/tag/v1.0", "release"),
        ("https://github.com/rromb/old-notes", "code"),
    ]
    assert [item.title for item in items] == ["rromb/fast-sampler", "rromb/fast-sampler v1.0", "rromb/old-notes"]
    assert [item.provenance for item in items] == [("new repository by rromb, followed",), ("release by rromb, followed",),
                                                   ("made public by rromb, followed",)]


ROWS = [
    {"repo": "huggingface/diffusers", "description": "🤗 Diffusers: diffusion models in <b>PyTorch</b>",
     "language": "Python", "stars": 29876, "in_period": 1024},
    {"repo": "comfyanonymous/ComfyUI", "description": None, "language": "Python", "stars": 71234, "in_period": 2345},
]


@pytest.mark.parametrize("heading", ["h1", "h2"], ids=["markup until 2023", "markup since 2023"])
def test_trending_rows_are_read_by_structure_in_both_markups(feed_server, tmp_path, heading):
    feed_server.add("/trending/python", trending_page(ROWS, heading=heading), content_type="text/html; charset=utf-8")

    diffusers, comfy = run_source("github_trending", {"language": "Python", "since": "weekly",
                                                      "base_url": feed_server.base}, cache_dir=tmp_path, now=GATHERED)

    assert feed_server.requests[0][0] == "/trending/python?since=weekly"
    assert (diffusers.url, diffusers.title, diffusers.kind) == ("https://github.com/huggingface/diffusers",
                                                                "huggingface/diffusers", "code")
    assert diffusers.summary == "🤗 Diffusers: diffusion models in PyTorch"
    assert diffusers.signals == {"stars": 29876, "stars_in_period": 1024}
    assert diffusers.provenance == ("1,024 stars this week on GitHub Trending",)
    assert diffusers.published == GATHERED  # a trending list is dated when it was read
    assert comfy.summary == "" and comfy.signals["stars_in_period"] == 2345


def test_a_trending_page_without_rows_is_an_error_not_a_quiet_week(feed_server, tmp_path):
    feed_server.add("/trending", "<html><body><main><div class='new-layout'>Trending</div></main></body></html>",
                    content_type="text/html")

    with pytest.raises(SourceError, match="markup changed"):
        run_source("github_trending", {"base_url": feed_server.base}, cache_dir=tmp_path)


@pytest.mark.parametrize("source_type, options, message", [
    ("github_releases", {"repo": "diffusers"}, "OWNER/NAME"),
    ("github_releases", {"repo": "huggingface/diffusers/releases"}, "OWNER/NAME"),
    ("github_user", {"user": "-bad-"}, "GitHub user name"),
    ("github_trending", {"since": "yearly"}, "'since' must be one of daily, weekly, monthly"),
])
def test_bad_keys_are_named(tmp_path, source_type, options, message):
    with pytest.raises(SettingsError, match=message):
        run_source(source_type, options, cache_dir=tmp_path)


def test_a_repository_quiet_for_two_months_is_not_stale_but_a_blog_is(feed_server, tmp_path):
    from datetime import timedelta

    from lamplighter.gather import SourceReport, _check_freshness
    from lamplighter.items import Item
    from lamplighter.settings import SourceConfig

    old = [Item(url="https://github.com/a/b/releases/tag/v1", title="v1", source="S",
                published=GATHERED - timedelta(days=60))]
    reports = {kind: SourceReport("S", kind) for kind in ("github_releases", "feed")}
    for kind, report in reports.items():
        _check_freshness(report, old, SourceConfig("S", kind, {}), GATHERED)

    assert (reports["github_releases"].status, reports["feed"].status) == ("ok", "stale")
