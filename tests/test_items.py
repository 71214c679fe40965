"""Item identity: one key per paper or page, however a source spells its link."""

from __future__ import annotations

import pytest

from lamplighter.items import guess_kind, item_key


@pytest.mark.parametrize("url", [
    "https://arxiv.org/abs/2403.03206",
    "http://arxiv.org/abs/2403.03206v2",
    "https://arxiv.org/pdf/2403.03206v1.pdf",
    "https://www.arxiv.org/pdf/2403.03206",
    "https://export.arxiv.org/abs/2403.03206",
    "https://arxiv.org/html/2403.03206v1",
])
def test_arxiv_links_share_the_paper_id(url):
    assert item_key(url) == "arxiv:2403.03206"


def test_old_style_arxiv_ids_keep_their_archive():
    assert item_key("https://arxiv.org/abs/astro-ph/0601001v3") == "arxiv:astro-ph/0601001"
    assert item_key("https://arxiv.org/abs/math.GT/0309136") == "arxiv:math.GT/0309136"


def test_page_keys_ignore_scheme_www_trailing_slash_and_fragment():
    assert item_key("http://www.Example.org/post/#comments") == item_key("https://example.org/post")


def test_page_keys_keep_the_query_and_a_non_default_port():
    assert item_key("https://example.org/p?id=1") != item_key("https://example.org/p?id=2")
    assert item_key("http://127.0.0.1:8123/x") == "127.0.0.1:8123/x"


@pytest.mark.parametrize(("url", "kind"), [
    ("https://arxiv.org/abs/2403.03206", "paper"),
    ("https://huggingface.co/papers/2403.03206", "paper"),
    ("https://github.com/huggingface/diffusers", "code"),
    ("https://github.com/huggingface/diffusers/releases/tag/v0.30.0", "release"),
    ("https://www.youtube.com/watch?v=abc", "video"),
    ("https://www.reddit.com/r/StableDiffusion/comments/x/y/", "discussion"),
    ("https://lilianweng.github.io/posts/2021-07-11-diffusion-models/", "article"),
])
def test_kind_is_guessed_from_the_link(url, kind):
    assert guess_kind(url) == kind
