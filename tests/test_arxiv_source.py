"""The `arxiv` source against a loopback server answering like arXiv's API, in both its layouts."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import run_source
from lamplighter.errors import SettingsError, SourceError
from lamplighter.sources.arxiv import search_query
from services import arxiv_error, arxiv_new, arxiv_old

NOV_24 = datetime(2026, 11, 24, 17, 45, tzinfo=timezone.utc)
SD3 = {"id": "2611.03206", "title": "Scaling Rectified Flow Transformers for High-Resolution Image Synthesis",
       "date": NOV_24, "version": 2, "authors": ["Patrick Esser", "Sumith Kulal", "Robin Rombach"],
       "categories": ["cs.CV", "cs.LG"], "comment": "Code: https://github.com/Stability-AI/sd3-ref."}
OLD_STYLE = {"id": "astro-ph/0601001", "title": "An old-style identifier", "date": NOV_24, "authors": ["A. Author"],
             "categories": ["astro-ph"]}


@pytest.mark.parametrize("layout", [arxiv_old, arxiv_new], ids=["old layout", "new layout"])
def test_both_layouts_give_papers_keyed_by_id_without_version(feed_server, tmp_path, layout):
    feed_server.add("/api/query", layout([SD3, OLD_STYLE]))

    sd3, old = run_source("arxiv", {"authors": ["Robin Rombach"], "base_url": feed_server.base},
                          cache_dir=tmp_path)

    assert (sd3.url, sd3.key, sd3.kind) == ("https://arxiv.org/abs/2611.03206", "arxiv:2611.03206", "paper")
    assert sd3.title == SD3["title"]  # the line break arXiv puts in long titles is gone
    assert sd3.authors == ("Patrick Esser", "Sumith Kulal", "Robin Rombach")
    assert sd3.tags == ("cs.CV", "cs.LG")
    assert sd3.published == NOV_24
    assert sd3.provenance == ("by Robin Rombach, followed",)
    assert sd3.code_url == "https://github.com/Stability-AI/sd3-ref"
    assert (old.url, old.key) == ("https://arxiv.org/abs/astro-ph/0601001", "arxiv:astro-ph/0601001")


def test_the_request_asks_for_newest_submissions_matching_every_group(feed_server, tmp_path):
    feed_server.add("/arxiv/api/query", arxiv_old([SD3]))

    run_source("arxiv", {"authors": ["Robin Rombach", "Björn Ommer"], "categories": ["cs.CV"],
                         "max_results": 20, "base_url": feed_server.url("/arxiv")}, cache_dir=tmp_path)

    [(path, _)] = feed_server.requests
    asked = urlsplit(path)
    assert asked.path == "/arxiv/api/query"  # base_url replaces the host and keeps the path
    assert parse_qs(asked.query) == {
        "search_query": ['(au:"Robin Rombach" OR au:"Björn Ommer") AND (cat:cs.CV)'],
        "sortBy": ["submittedDate"], "sortOrder": ["descending"], "start": ["0"], "max_results": ["20"]}


def test_followed_authors_are_recognised_under_other_spellings(feed_server, tmp_path):
    paper = {**SD3, "authors": ["R. Rombach", "Bjorn Ommer", "Someone Else"]}
    feed_server.add("/api/query", arxiv_new([paper]))

    [item] = run_source("arxiv", {"authors": ["Robin Rombach", "Björn Ommer"], "base_url": feed_server.base},
                        cache_dir=tmp_path)

    assert item.provenance == ("by Robin Rombach, Björn Ommer, followed",)


def test_an_error_entry_is_the_sources_error_never_a_paper(feed_server, tmp_path):
    feed_server.add("/api/query", arxiv_error("malformed query: unbalanced parentheses"))

    with pytest.raises(SourceError, match="arXiv refused the query: malformed query: unbalanced parentheses"):
        run_source("arxiv", {"query": "ti:(diffusion", "base_url": feed_server.base}, cache_dir=tmp_path)


def test_a_query_that_finds_nothing_says_what_to_check(feed_server, tmp_path):
    feed_server.add("/api/query", arxiv_old([]))

    with pytest.raises(SourceError, match="no paper for this query"):
        run_source("arxiv", {"authors": ["Nobody Atall"], "base_url": feed_server.base}, cache_dir=tmp_path)


def test_rate_limit_text_is_quoted(feed_server, tmp_path):
    feed_server.add("/api/query", "Rate exceeded.", content_type="text/plain")

    with pytest.raises(SourceError, match="Rate exceeded"):
        run_source("arxiv", {"categories": ["cs.CV"], "base_url": feed_server.base}, cache_dir=tmp_path)


@pytest.mark.parametrize("options, message", [
    ({}, "at least one of 'authors', 'categories' or 'query'"),
    ({"categories": ["computer vision"]}, "not an arXiv category"),
    ({"authors": ["Robin Rombach", ""]}, "list of non-empty strings"),
    ({"query": "diffusion", "max_results": 5000}, "between 1 and 500"),
    ({"query": "diffusion", "base_url": "ftp://mirror"}, "'base_url' must be an address"),
])
def test_bad_keys_are_named(tmp_path, options, message):
    with pytest.raises(SettingsError, match=message):
        run_source("arxiv", options, cache_dir=tmp_path)


def test_query_groups_stand_alone_or_combine():
    assert search_query({"query": "ti:diffusion"}) == "ti:diffusion"
    assert search_query({"categories": ["cs.CV", "cs.LG"], "query": 'abs:"flow matching"'}) == \
        '(cat:cs.CV OR cat:cs.LG) AND (abs:"flow matching")'
