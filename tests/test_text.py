"""Text from sources reaches the draft as text: never as markup, links, attributes or blocks."""

from __future__ import annotations

import unicodedata

import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import example, given
from hypothesis import strategies as st

from lamplighter.text import markdown_text, markdown_url, plain_text, shorten

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "![pixel](https://tracker.example/p.gif)",
    "<https://autolink.example/>",
    '{: onclick="alert(1)" }',
    "# Not a heading",
    "> not a quote",
    "- not a list",
    "1. not a list",
    ": not a definition",
    "=== not a heading",
    "*[HTML]: not an abbreviation",
    "[^1]: not a footnote",
    "&lt;script&gt; stays text",
    "`code` \\ back\\slash",
    "Stable Diffusion 3.5 & FLUX.1 [dev] <- 2x faster",
]


def render(markdown_source: str) -> BeautifulSoup:
    """The HTML that Pelican's Markdown settings make of a draft line."""
    return BeautifulSoup(markdown.markdown(markdown_source, extensions=["extra", "toc"]), "html.parser")


def elements_and_attributes(page: BeautifulSoup) -> list[tuple[str, list[str]]]:
    return [(tag.name, sorted(tag.attrs)) for tag in page.find_all(True)]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_renders_as_the_same_text_and_nothing_else(text):
    page = render(f"- [Title](https://example.org/) · Source\n    {markdown_text(text)}\n")

    assert elements_and_attributes(page) == [("ul", []), ("li", []), ("a", ["href"])]
    assert page.li.get_text(" ", strip=True).split() == f"Title · Source {text}".split()


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_in_a_link_title_stays_inside_the_link(text):
    page = render(f"- [{markdown_text(text)}](https://example.org/) · Source")

    assert elements_and_attributes(page) == [("ul", []), ("li", []), ("a", ["href"])]
    assert page.a.get_text() == text
    assert page.a["href"] == "https://example.org/"


def test_markdown_url_cannot_close_the_link_or_the_attribute():
    url = markdown_url('https://example.org/a (b)"><script>')

    rendered = markdown.markdown(f"[x]({url})")

    assert "<script" not in rendered
    assert rendered.count("<a ") == 1


def test_plain_text_drops_tags_scripts_and_styles_and_decodes_entities():
    markup = "<h2>New</h2><p>Fast &amp; <em>small</em></p><style>p{}</style><script>x()</script><br>done"

    assert plain_text(markup) == "New. Fast & small done"


def test_shorten_cuts_at_a_word_and_says_so():
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("short", 12) == "short"


def test_markdown_text_is_one_line_so_no_line_can_start_a_block():
    assert markdown_text("first\n# not a heading\n1. not a list") == "first # not a heading 1. not a list"


@pytest.mark.parametrize(("source", "reads"), [
    ("PixArt-$\\alpha$: Fast Training", "PixArt-α: Fast Training"),
    ("Attention in $\\mathcal{O}(n^2)$", "Attention in 𝒪(n²)"),
    ("From $x_t$ to $x_{t-1}$", "From xₜ to xₜ₋₁"),
    ("Scaled by $\\frac{1}{\\sqrt{d}}$ in $\\mathbb{R}^{d}$", "Scaled by 1/√(d) in ℝᵈ"),
    ("Inline \\(\\beta\\)-VAE", "Inline β-VAE"),
    ("Schr\\\"odinger bridges and \\emph{flows}", "Schrödinger bridges and flows"),
    ("It costs $20 and $30 a month", "It costs $20 and $30 a month"),
    ("50% faster, C:\\Users\\me and a $ sign", "50% faster, C:\\Users\\me and a $ sign"),
    ("with $k<n$ samples", "with k<n samples"),
])
def test_tex_becomes_the_unicode_a_reader_would_write_and_nothing_else_is_touched(source, reads):
    assert plain_text(source) == reads


def test_entities_are_decoded_before_markup_is_removed():
    assert plain_text("&lt;a href=&quot;https://evil.example/&quot;&gt;Click&lt;/a&gt; here") == "Click here"
    assert plain_text("AT&amp;T &lt; 5 &gt; 3") == "AT&T < 5 > 3"


def test_release_notes_headings_and_list_items_become_sentences():
    notes = "<h2>New pipelines</h2><p>Two of them:</p><ul><li>Flux fill</li><li>SD3 ControlNet!</li></ul><h3>Fixes</h3>"

    assert plain_text(notes) == "New pipelines. Two of them: Flux fill. SD3 ControlNet! Fixes"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
@example("a\u202eb\x1ec\u2066d\u2028e\x00f")
def test_plain_text_has_no_control_or_direction_characters_and_one_line(text):
    cleaned = plain_text(text)

    assert not any(unicodedata.category(char) == "Cc" for char in cleaned)
    assert not set(cleaned) & set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert cleaned == " ".join(cleaned.split())
