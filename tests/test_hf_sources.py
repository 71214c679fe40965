"""`hf_models` and `hf_papers` against a loopback server answering like the Hugging Face Hub's API."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import run_source
from lamplighter.errors import SettingsError, SourceError
from services import hf_daily_papers, hf_models

GATHERED = datetime(2026, 11, 25, 6, tzinfo=timezone.utc)
NOV_24 = datetime(2026, 11, 24, 13, 22, 18, tzinfo=timezone.utc)


def models(feed_server, tmp_path, answer: str, **options) -> list:
    feed_server.add("/api/models", answer, content_type="application/json; charset=utf-8")
    return run_source("hf_models", {"base_url": feed_server.base, **options}, cache_dir=tmp_path, now=GATHERED)


def test_trending_models_carry_their_numbers_and_responsible_use_signals(feed_server, tmp_path):
    flux, sdxl, lora, gated = models(feed_server, tmp_path, hf_models([
        {"id": "black-forest-labs/FLUX.2-dev", "author": "black-forest-labs", "gated": "auto", "likes": 1234,
         "downloads": 98765, "trendingScore": 456, "pipeline_tag": "text-to-image", "library_name": "diffusers",
         "tags": ["diffusers", "safetensors", "text-to-image", "en", "license:other", "region:us"],
         "cardData": {"license": "other", "license_name": "flux-dev-non-commercial-license"},
         "createdAt": "2026-11-20T10:00:00.000Z"},
        # older models answer with modelId too, and some answers carry modelId alone
        {"modelId": "stabilityai/stable-diffusion-xl-base-1.0", "likes": 6500, "downloads": 2_000_000,
         "gated": False, "tags": ["diffusers", "license:openrail++"], "pipeline_tag": "text-to-image"},
        {"id": "someone/lora", "gated": False, "likes": 10, "downloads": 5,
         "tags": ["lora", "not-for-all-audiences", "template:sd-lora"]},
        {"id": "org/manual", "gated": "manual", "likes": "many", "cardData": {"license": "cc-by-nc-4.0"}},
    ]), pipeline_tag="text-to-image", limit=10)

    assert (flux.url, flux.title, flux.kind, flux.published) == (
        "https://huggingface.co/black-forest-labs/FLUX.2-dev", "black-forest-labs/FLUX.2-dev", "model", GATHERED)
    assert flux.signals == {"likes": 1234, "downloads": 98765}
    assert flux.provenance == ("1,234 likes · 98,765 downloads on the Hub",)
    assert flux.cautions == ("license: flux-dev-non-commercial-license", "gated: access must be accepted on the Hub first")
    assert flux.summary == "text-to-image · diffusers"
    assert sdxl.url == "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0"
    assert sdxl.cautions == ("license: openrail++",)
    assert lora.cautions == ("license: not stated", "tagged not-for-all-audiences")
    assert gated.cautions == ("license: cc-by-nc-4.0", "gated: access must be approved by the authors first")
    assert gated.signals == {"likes": 0, "downloads": 0}  # a value of the wrong type counts as nothing


def test_the_request_sorts_by_trending_and_narrows_as_configured(feed_server, tmp_path):
    models(feed_server, tmp_path, hf_models([{"id": "a/b"}]), pipeline_tag="text-to-image", author="stabilityai",
           search="sd3", limit=7)

    asked = parse_qs(urlsplit(feed_server.requests[0][0]).query)
    assert asked["sort"] == ["trendingScore"] and asked["limit"] == ["7"]
    assert (asked["pipeline_tag"], asked["author"], asked["search"]) == (["text-to-image"], ["stabilityai"], ["sd3"])
    assert {"gated", "likes", "downloads", "tags"} <= set(asked["expand[]"])


def test_model_ids_that_are_not_ids_are_skipped(feed_server, tmp_path):
    items = models(feed_server, tmp_path, hf_models([{"id": "<script>alert(1)</script>"}, {"likes": 3}, {"id": "ok/fine"}]))

    assert [item.title for item in items] == ["ok/fine"]


def test_an_html_error_page_is_an_error_that_quotes_it(feed_server, tmp_path):
    with pytest.raises(SourceError, match="expected JSON with a list of models, got '<!DOCTYPE html>"):
        models(feed_server, tmp_path, "<!DOCTYPE html><html><title>503</title></html>")
    with pytest.raises(SourceError, match="expected a list of models, got dict"):
        models(feed_server, tmp_path, '{"error": "Invalid sort"}')


PAPERS = [
    {"id": "2611.04928", "title": "Flow Matching for <i>Video</i> Editing", "authors": ["Ana Lee", "Bo Chen"],
     "featured": NOV_24, "upvotes": 120, "comments": 4, "code": "https://github.com/ana/flowedit", "stars": 345,
     "keywords": ["flow matching", "video editing"]},
    # older entries: no code, no keywords, no submittedOnDailyAt
    {"id": "2611.01111", "title": "An older-style entry", "authors": ["C. D."], "featured": NOV_24, "upvotes": 3,
     "newer": False},
    {"id": "not-an-id", "title": "Skipped", "authors": [], "featured": NOV_24},
]


def test_daily_papers_link_to_arxiv_with_upvotes_and_code(feed_server, tmp_path):
    feed_server.add("/api/daily_papers", hf_daily_papers(PAPERS), content_type="application/json")

    flow, older = run_source("hf_papers", {"base_url": feed_server.base, "limit": 30}, cache_dir=tmp_path)

    assert parse_qs(urlsplit(feed_server.requests[0][0]).query) == {"week": ["2026-W48"], "limit": ["30"]}
    assert (flow.url, flow.key, flow.kind) == ("https://arxiv.org/abs/2611.04928", "arxiv:2611.04928", "paper")
    assert flow.title == "Flow Matching for Video Editing"
    assert flow.authors == ("Ana Lee", "Bo Chen")
    assert flow.published == NOV_24
    assert flow.provenance == ("120 upvotes on HF Papers", "345 stars on GitHub")
    assert flow.code_url == "https://github.com/ana/flowedit"
    assert flow.signals == {"upvotes": 120, "comments": 4}
    assert flow.tags == ("flow matching", "video editing")
    assert (older.provenance, older.code_url, older.published) == (("3 upvotes on HF Papers",), "", NOV_24)


def test_a_window_across_two_weeks_asks_for_both(feed_server, tmp_path):
    feed_server.add("/api/daily_papers", "[]", content_type="application/json")

    run_source("hf_papers", {"base_url": feed_server.base}, cache_dir=tmp_path,
               since=datetime(2026, 11, 20, tzinfo=timezone.utc), until=datetime(2026, 11, 27, tzinfo=timezone.utc))

    assert [parse_qs(urlsplit(path).query)["week"] for path, _ in feed_server.requests] == [["2026-W47"], ["2026-W48"]]


@pytest.mark.parametrize("source_type, options, message", [
    ("hf_models", {"limit": 0}, "'limit' must be between 1 and 100"),
    ("hf_papers", {"limit": 1000}, "'limit' must be between 1 and 100"),
    ("hf_models", {"pipeline_tag": 3}, "'pipeline_tag' must be a string"),
    ("paperswithcode", {}, "Papers with Code shut down in 2025.*'hf_papers'"),
    ("papers_with_code", {}, "Papers with Code shut down in 2025.*'hf_papers'"),
])
def test_bad_keys_are_named(tmp_path, source_type, options, message):
    with pytest.raises(SettingsError, match=message):
        run_source(source_type, options, cache_dir=tmp_path)
