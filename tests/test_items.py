"""Item identity: one key per paper or page, however a source spells its link."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lamplighter.items import (TRACKING_PARAMETER, guess_kind, item_key, owned_by, owner_link, tracking_parameters,
                               without_tracking)


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


def test_tracking_parameters_and_parameter_order_do_not_change_a_key():
    clean = "https://blog.example/post?page=2&id=7"
    assert item_key("https://blog.example/post?utm_source=x&id=7&fbclid=abc&page=2&utm_medium=rss") == item_key(clean)
    assert item_key("https://youtu.be/dQw4w9WgXcQ?si=share") == item_key("https://m.youtube.com/watch?v=dQw4w9WgXcQ")


def test_tracking_parameters_are_named_and_removed():
    url = "https://blog.example/post?id=7&utm_source=newsletter&gclid=1#part"
    assert tracking_parameters(url) == ["utm_source", "gclid"]
    assert without_tracking(url) == "https://blog.example/post?id=7#part"
    assert without_tracking("https://blog.example/?q=a+b") == "https://blog.example/?q=a+b"  # untouched when clean


PATH_PART = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Nd")), min_size=1, max_size=8)
PARAMS = st.lists(st.tuples(PATH_PART.filter(lambda name: not TRACKING_PARAMETER.match(name)), PATH_PART),
                  max_size=4, unique_by=lambda pair: pair[0])


@given(host=PATH_PART, path=st.lists(PATH_PART, max_size=3), params=PARAMS,
       tracking=st.lists(st.sampled_from(["utm_source", "utm_campaign", "fbclid", "gclid", "mc_eid", "si"]), max_size=3),
       www=st.booleans(), https=st.booleans(), slash=st.booleans(), fragment=st.one_of(st.none(), PATH_PART),
       shuffle=st.randoms())
def test_one_page_has_one_key_however_it_is_dressed(host, path, params, tracking, www, https, slash, fragment, shuffle):
    base = f"https://{host}.example/{'/'.join(path)}"
    plain = base + (f"?{urlencode(params)}" if params else "")
    dressed_params = [*params, *((name, "x") for name in tracking)]
    shuffle.shuffle(dressed_params)
    dressed = (f"{'https' if https else 'http'}://{'www.' if www else ''}{host}.example/{'/'.join(path)}"
               + ("/" if slash and path else "") + (f"?{urlencode(dressed_params)}" if dressed_params else "")
               + (f"#{fragment}" if fragment else ""))

    assert item_key(dressed) == item_key(plain)
    assert item_key(without_tracking(dressed)) == item_key(dressed)
    assert tracking_parameters(without_tracking(dressed)) == []


@pytest.mark.parametrize(("url", "source_page", "owned"), [
    ("http://arxiv.org/abs/2311.15127", "https://arxiv.org/search/advanced", True),  # the arxiv type
    ("https://arxiv.org/abs/2311.15127", "https://export.arxiv.org/", True),  # a feed of arXiv's listing
    ("https://arxiv.org/abs/2311.15127", "https://huggingface.co/papers", True),  # HF Papers
    ("https://arxiv.org/abs/2311.15127", "https://huggingface.co/", False),  # the Hugging Face blog's feed
    ("https://arxiv.org/abs/2311.15127", "https://evil.example/", False),
    ("https://github.com/huggingface/diffusers", "https://github.com/huggingface/diffusers/releases", True),
    ("https://github.com/huggingface/diffusers", "https://evil.example/", False),
    ("https://huggingface.co/black-forest-labs/FLUX.1-dev", "https://huggingface.co/models", True),
    ("https://evil.example/svd-download", "https://evil.example/", False),  # a blog's own post is no story's page
])
def test_the_site_that_owns_a_link_is_arxiv_github_or_the_hub(url, source_page, owned):
    assert owned_by(url, source_page) is owned


def test_a_storys_own_page_is_a_paper_a_github_or_a_hub_page():
    assert owner_link("https://doi.org/10.1145/3528223.3530127")
    assert owner_link("https://hf.co/papers/2311.15127") and owner_link("https://www.github.com/a/b")
    assert not owner_link("https://blog.example/post") and not owner_link("https://mirror.example/arxiv.org/abs/1")
