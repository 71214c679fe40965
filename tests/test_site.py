"""Real Pelican builds: the pages readers see, the feeds they subscribe to, and no drafts when publishing."""

from __future__ import annotations

import json
import re
import textwrap
from datetime import datetime, timezone
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO
from feeds import rss2
from lamplighter.cli import main
from site_under_test import SAMPLE_WEEKS, SAMPLES, add_samples

def publish_overrides() -> dict:
    """What publishconf.py changes relative to pelicanconf.py, read from the real files."""
    from pelican.settings import get_settings_from_file

    published = get_settings_from_file(str(REPO / "publishconf.py"))
    preview = get_settings_from_file(str(REPO / "pelicanconf.py"))
    return {key: value for key, value in published.items() if preview.get(key, object()) != value}


def page(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def archive(project):
    return add_samples(project)


def test_preview_build_has_home_issues_archive_about_and_the_draft(archive):
    output = archive.build()

    for week in SAMPLE_WEEKS:
        assert (output / "issues" / week / "index.html").exists()
    assert (output / "archive" / "index.html").exists()
    assert (output / "about" / "index.html").exists()
    assert (output / "drafts" / "2026-W48" / "index.html").exists()
    assert "Unpublished paper" not in (output / "index.html").read_text()


def test_a_draft_preview_says_it_is_a_draft_and_goes_once_published(archive):
    output = archive.build()

    preview = page(output / "drafts" / "2026-W48" / "index.html")
    assert "Draft — not published" in preview.select_one(".draft-banner").get_text()
    assert not preview.select('a[href*="email."]')  # a draft's email versions are never written
    assert not (output / "drafts" / "2026-W48" / "email.html").exists()
    published = page(output / "issues" / "2026-W47" / "index.html")
    assert not published.select(".draft-banner") and published.select('a[href$="email.html"]')

    path = archive.issues / "2026-W48.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Status: draft", "Status: published"), encoding="utf-8")
    output = archive.build()

    assert (output / "issues" / "2026-W48" / "index.html").exists()
    assert not (output / "drafts" / "2026-W48").exists()


def test_home_shows_the_latest_issue_first_then_earlier_ones(archive):
    home = page(archive.build() / "index.html")

    assert home.main.h1.get_text(strip=True).startswith("Issue 3")
    assert "Scaling Rectified Flow Transformers" in home.main.article.get_text()
    earlier = [a.get_text(strip=True) for a in home.select(".recent .issue-list > li > a")]
    assert [title[:7] for title in earlier] == ["Issue 2", "Issue 1"]


def test_issue_page_has_sections_counts_notes_and_neighbours(archive):
    issue = page(archive.build() / "issues" / "2026-W46" / "index.html")

    assert issue.title.get_text().startswith("Issue 2: Control and personalisation")
    assert "7 links" in issue.select_one(".meta").get_text()
    assert [a.get_text() for a in issue.select(".sections a")] == ["Papers", "Code"]
    assert issue.find(id="papers") is not None
    notes = [p.get_text() for p in issue.select("article li > p + p")]
    assert any(note.startswith("The zero convolutions") for note in notes)
    assert issue.select_one("a[rel=prev]")["href"].endswith("issues/2026-W45/")
    assert issue.select_one("a[rel=next]")["href"].endswith("issues/2026-W47/")
    assert issue.find("main") and issue.select_one("a.skip[href='#main']")


def test_archive_lists_every_published_issue_by_year(archive):
    listing = page(archive.build() / "archive" / "index.html")

    titles = [a.get_text(strip=True)[:7] for a in listing.select(".issue-list > li > a")]
    assert titles == ["Issue 3", "Issue 2", "Issue 1"]
    assert listing.find(id="year-2026")


def test_the_editing_guide_never_reaches_a_page(archive):
    draft_page = (archive.build() / "drafts" / "2026-W48" / "index.html").read_text()

    assert "Unpublished paper" in draft_page
    assert "how to edit" not in draft_page


def test_feeds_hold_every_published_issue_in_full_with_absolute_links(archive):
    output = archive.build()

    for name in ("all.atom.xml", "all.rss.xml"):
        parsed = feedparser.parse((output / "feeds" / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [entry.title[:7] for entry in parsed.entries] == ["Issue 3", "Issue 2", "Issue 1"]
        for entry in parsed.entries:
            assert entry.link.startswith("http://127.0.0.1:8000/issues/2026-W4")
            body = entry.content[0].value if "content" in entry else entry.summary
            assert 'href="https://arxiv.org/abs/' in body
        assert "Unpublished paper" not in (output / "feeds" / name).read_text()


def test_the_json_feed_follows_json_feed_1_1_and_matches_the_atom_feed(archive):
    output = archive.build()

    feed = json.loads((output / "feeds" / "all.json").read_text(encoding="utf-8"))
    atom = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert (feed["title"], feed["home_page_url"], feed["feed_url"]) == (
        atom.feed.title, "http://127.0.0.1:8000/", "http://127.0.0.1:8000/feeds/all.json")  # SITENAME, whatever it is
    assert [item["id"] for item in feed["items"]] == [entry.id for entry in atom.entries]
    for item in feed["items"]:
        assert item["url"].startswith("http://127.0.0.1:8000/issues/2026-W4")
        assert 'href="https://arxiv.org/abs/' in item["content_html"]
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
        assert "<" not in item["summary"]
    assert "Unpublished paper" not in json.dumps(feed)


def test_rss_guids_are_not_permalinks_and_every_page_points_to_the_feeds(archive):
    output = archive.build()

    guids = ElementTree.parse(output / "feeds" / "all.rss.xml").getroot().iter("guid")
    assert [(guid.get("isPermaLink"), guid.text[:4]) for guid in guids] == [("false", "tag:")] * 3
    for path in ("index.html", "archive/index.html", "issues/2026-W47/index.html", "about/index.html"):
        types = {link["type"] for link in page(output / path).find_all("link", rel="alternate")}
        assert types == {"application/atom+xml", "application/rss+xml", "application/feed+json"}


def test_publishing_writes_no_drafts_and_uses_the_public_address(archive, monkeypatch):
    monkeypatch.setenv("SITEURL", "https://editor.github.io/newsletter")
    output = archive.build(**publish_overrides())

    assert not (output / "drafts").exists()
    assert not any("Unpublished paper" in path.read_text(errors="ignore") for path in output.rglob("*") if path.is_file())
    atom = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert atom.entries[0].link == "https://editor.github.io/newsletter/issues/2026-W47/"


def test_nothing_a_hostile_feed_sends_reaches_the_site_as_markup(feed_server, project):
    payloads = [
        ("<script>alert('title')</script>Innocent title", '<p>Text</p><script>alert("x")</script>'),
        ("Image trap", '<img src="x" onerror="alert(1)"> and <a href="javascript:alert(2)">a link</a>'),
        ("Markdown trap", "[click me](javascript:alert(3)) ![pixel](https://tracker.example/p.gif)"),
        ("Attribute trap", '{: onclick="alert(4)" } and &lt;iframe src=//evil.example&gt;'),
    ]
    when = datetime(2026, 11, 24, tzinfo=timezone.utc)
    feed_server.add("/evil.rss", rss2([
        {"title": title.replace("<", "&lt;").replace(">", "&gt;"), "link": f"https://evil.example/{index}",
         "date": when, "description": description}
        for index, (title, description) in enumerate(payloads)
    ] + [{"title": "Scheme trap", "link": "javascript:alert(5)", "date": when}]))
    project.configure([{"name": "Evil <b>feed</b>", "type": "feed", "url": feed_server.url("/evil.rss")}])
    assert main(["gather", "-s", str(project.settings), "--week", "2026-W48"]) == 0

    html = (project.build() / "drafts" / "2026-W48" / "index.html").read_text()

    body = BeautifulSoup(html, "html.parser").main
    assert body.find_all(["script", "img", "iframe"]) == []
    assert not [tag for tag in body.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
    assert all(a["href"].startswith(("https://evil.example/", "#", "../", "http://127.0.0.1"))
               for a in body.find_all("a", href=True)), [a["href"] for a in body.find_all("a")]
    assert "Innocent title" in body.get_text()
    assert "javascript:alert(5)" not in html


def test_the_sources_page_and_opml_list_the_channels_readers_can_follow(project):
    project.configure([
        {"name": "Followed authors", "type": "arxiv", "authors": ["Robin Rombach"]},
        {"name": "diffusers releases", "type": "github_releases", "repo": "huggingface/diffusers"},
        {"name": "Trending <models>", "type": "hf_models", "pipeline_tag": "text-to-image"},
        {"name": "Two Minute Papers", "type": "feed", "kind": "video",
         "url": "https://www.youtube.com/feeds/videos.xml?channel_id=UCbfYPyITQ-7l4upoX8nvctg"},
        {"name": "A local file", "type": "feed", "url": "file:///tmp/feed.xml"},
    ])

    output = project.build()

    outlines = ElementTree.parse(output / "sources.opml").getroot().find("body")
    assert [(o.get("type"), o.get("text"), o.get("xmlUrl") or o.get("url")) for o in outlines] == [
        ("rss", "Followed authors",
         "https://export.arxiv.org/api/query?search_query=au%3A%22Robin+Rombach%22&sortBy=submittedDate"
         "&sortOrder=descending&max_results=50"),
        ("rss", "diffusers releases", "https://github.com/huggingface/diffusers/releases.atom"),
        ("link", "Trending <models>", "https://huggingface.co/models?sort=trending&pipeline_tag=text-to-image"),
        ("rss", "Two Minute Papers", "https://www.youtube.com/feeds/videos.xml?channel_id=UCbfYPyITQ-7l4upoX8nvctg"),
    ]
    listing = page(output / "sources" / "index.html").select_one("main article.sources")
    assert [h2.text for h2 in listing.find_all("h2")] == [
        "Papers on arXiv", "Code on GitHub", "Models on the Hugging Face Hub", "Blogs, channels and discussions"]
    assert "Trending <models>" in listing.text and "<models>" not in str(listing).replace("&lt;models&gt;", "")
    assert listing.find("a", href="https://www.youtube.com/channel/UCbfYPyITQ-7l4upoX8nvctg")
    assert "A local file" not in listing.text


def test_each_issue_has_an_email_version_with_inline_styles_and_a_plain_text_one(archive):
    archive.write_issue("2026-W47", (SAMPLES / "2026-W47.md").read_text(encoding="utf-8")
                        + "\n<script>alert(1)</script>\n\n[relative](../about/)\n")
    output = archive.build()
    folder = output / "issues" / "2026-W47"

    mail = page(folder / "email.html")
    assert mail.find_all(["script", "style", "link", "iframe", "img"]) == []
    assert mail.find("table", attrs={"width": "600"})["style"].startswith("width:100%;max-width:600px")
    body = mail.find("table", attrs={"width": "600"})
    assert all(element.get("style") for element in body.find_all(["h1", "h2", "p", "li", "a"]))
    assert all(a["href"].startswith(("http://", "https://")) for a in mail.find_all("a"))
    assert mail.find("a", string="read it on the web")["href"] == "http://127.0.0.1:8000/issues/2026-W47/"
    note = next(p for p in body.find_all("p") if p.text.startswith("The size and crop conditioning"))
    assert "border-left" in note["style"]  # the editor's note stands apart
    assert "alert(1)" not in str(mail)
    # The issue's number, week and reading time, as its page gives them, and the site's palette and promise.
    minutes = page(folder / "index.html").select_one("main .meta").get_text(" ", strip=True).split("about ")[1][:6]
    assert f"Issue 3 · 16–22 November 2026 · about {minutes}" in mail.get_text(" ")
    css = (output / "theme" / "css" / "main.css").read_text(encoding="utf-8")
    assert all(f"color:{colour}" in a["style"] and colour in css for a in body.find_all("a") for colour in ["#8a4b00"])
    assert body.find_all("p")[-1].get_text().startswith("You are reading ")  # the footer, whatever the name

    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert f"Issue 3 · 16–22 November 2026 · about {minutes}" in text and "\n-- \nYou are reading " in text
    assert text.startswith("Issue 3: Bigger, faster — SDXL, distillation and flow matching\n=====")
    assert "Read it on the web: http://127.0.0.1:8000/issues/2026-W47/" in text
    # Each item in three lines, as on the page: its title and address, its sources (quieter in HTML), what it is.
    assert ("- SDXL: Improving Latent Diffusion Models for High-Resolution Image\n  Synthesis <https://arxiv.org/abs/2307.01952>"
            "\n  arXiv\n  Dustin Podell et al. A larger UNet") in text
    sources = body.find("a", string=re.compile("^SDXL")).find_next("small")
    assert sources.get_text() == "arXiv" and "font-size:13px" in sources["style"]
    assert "\n\n  The size and crop conditioning is a small trick" in text
    assert "<" not in text.replace("<http", "").replace("<script>", "")
    assert max(len(line) for line in text.splitlines() if "://" not in line) <= 72
    assert not (output / "drafts" / "2026-W48" / "email.html").exists()


def test_pages_carry_canonical_and_sharing_metadata(archive):
    output = archive.build()

    issue = page(output / "issues" / "2026-W47" / "index.html")
    meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in issue.find_all("meta") if tag.get("content")}
    assert issue.find("link", rel="canonical")["href"] == "http://127.0.0.1:8000/issues/2026-W47/"
    assert meta["og:url"] == "http://127.0.0.1:8000/issues/2026-W47/" and meta["og:type"] == "article"
    assert meta["og:title"].startswith("Issue 3: Bigger, faster") and meta["twitter:card"] == "summary"
    assert meta["og:description"].startswith("Primer, part three")
    assert page(output / "archive" / "index.html").find("link", rel="canonical")["href"] == "http://127.0.0.1:8000/archive/"


def test_the_issue_meta_shows_week_links_reading_time_and_topics(archive):
    output = archive.build()

    meta = page(output / "issues" / "2026-W47" / "index.html").find("main").find(class_="meta")
    text = " ".join(meta.text.split())
    assert text.startswith("Issue 3 · 16–22 November 2026 · ")
    assert " links · about " in text and " min" in text
    assert [a.text for a in meta.find_all("a", class_="topic")] == ["sdxl", "distillation", "flow matching"]


def test_topics_have_pages_and_feeds_of_their_own(archive):
    output = archive.build()

    topics = page(output / "topics" / "index.html").find("main")
    assert "controlnet" in topics.text and "flow matching" in topics.text
    topic = page(output / "topics" / "flow-matching" / "index.html")
    assert [a.text for a in topic.find("main").select(".issue-list > li > a")] == [
        "Issue 3: Bigger, faster — SDXL, distillation and flow matching"]
    feeds = {link["href"] for link in topic.find_all("link", rel="alternate")}
    assert "http://127.0.0.1:8000/feeds/topics/flow-matching.atom.xml" in feeds
    for name in ("flow-matching.atom.xml", "flow-matching.rss.xml"):
        parsed = feedparser.parse((output / "feeds" / "topics" / name).read_bytes())
        assert not parsed.bozo and [e.title[:7] for e in parsed.entries] == ["Issue 3"]


def test_a_sitemap_robots_txt_and_a_404_page(archive):
    output = archive.build()

    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in ElementTree.parse(output / "sitemap.xml").getroot().findall("s:url/s:loc", namespace)]
    assert "http://127.0.0.1:8000/" in urls and "http://127.0.0.1:8000/issues/2026-W45/" in urls
    assert "http://127.0.0.1:8000/topics/controlnet/" in urls and "http://127.0.0.1:8000/sources/" in urls
    assert not any("drafts" in url for url in urls)
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in (output / "robots.txt").read_text()
    missing = page(output / "404.html")
    assert missing.find("h1").text == "Page not found"
    assert missing.find("a", string="the archive of every issue")["href"] == "http://127.0.0.1:8000/archive/"


def test_search_is_an_index_of_the_published_issues_and_the_only_script(archive):
    output = archive.build()

    entry = json.loads((output / "pagefind" / "2026" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3  # the issues; not the lists, the draft or the emails
    search = page(output / "search" / "index.html")
    assert search.find("noscript").find("a")["href"].endswith("archive/")
    assert [script.get("src", "inline").rsplit("/", 1)[-1] for script in search.find_all("script")] == [
        "pagefind-ui.js", "inline"]
    for path in output.rglob("*.html"):
        if path.parts[-2:] != ("search", "index.html") and "pagefind" not in path.parts:
            assert "<script" not in path.read_text(encoding="utf-8"), path


ATOM = "{http://www.w3.org/2005/Atom}"


def test_feeds_follow_the_feed_validators_rules(archive):
    """The rules the W3C feed validator checks that a Pelican site can break, for Atom, RSS and topic feeds."""
    from email.utils import parsedate_to_datetime

    output = archive.build()
    for path in [output / "feeds" / "all.atom.xml", *(output / "feeds" / "topics").glob("*.atom.xml")]:
        feed = ElementTree.parse(path).getroot()
        self_links = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert self_links == [f"http://127.0.0.1:8000/{path.relative_to(output).as_posix()}"]
        assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}title")
        datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
        entries = feed.findall(f"{ATOM}entry")
        assert len({entry.findtext(f"{ATOM}id") for entry in entries}) == len(entries) > 0
        for entry in entries:
            assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}author/{ATOM}name")
            datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
            assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://127.0.0.1:8000/")
            assert entry.find(f"{ATOM}content").get("type") == "html"
    for path in [output / "feeds" / "all.rss.xml", *(output / "feeds" / "topics").glob("*.rss.xml")]:
        channel = ElementTree.parse(path).getroot().find("channel")
        assert channel.findtext("title") and channel.findtext("link") and channel.findtext("description")
        assert channel.find(f"{ATOM}link[@rel='self']").get("href") == \
            f"http://127.0.0.1:8000/{path.relative_to(output).as_posix()}"
        items = channel.findall("item")
        assert len({item.findtext("guid") for item in items}) == len(items) > 0
        for item in items:
            assert item.find("guid").get("isPermaLink") == "false"
            assert item.findtext("link").startswith("http://127.0.0.1:8000/") and item.findtext("title")
            assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None


def test_a_250_link_issue_weighs_no_more_per_link_than_this_week_in_rust(project):
    """This Week in Rust's issue pages carry about 180 bytes of HTML per link; ours may not carry more."""
    from lamplighter.draft import merge, new_draft
    from lamplighter.items import Item

    kinds = ["paper", "code", "article", "release", "video"]
    items = [Item(url=f"https://blog{n % 7}.example.org/2026/11/post-about-topic-{n}", source=f"Source {n % 9}",
                  title=f"How we made diffusion sampling faster, part {n}", kind=kinds[n % 5]) for n in range(250)]
    project.write_issue("2026-W47", new_draft("2026-W47", 3).replace("Status: draft", "Status: published")
                        .split("<!--")[0] + merge("", items))

    output = project.build()

    html = (output / "issues" / "2026-W47" / "index.html").read_bytes()
    assert html.count(b"<a href=\"https://blog") == 250
    assert len(html) / 250 <= 180, f"{len(html) / 250:.0f} bytes per link"
    assert b"<script" not in html


def test_pages_load_nothing_from_other_sites(archive):
    output = archive.build()

    for path in output.rglob("*.html"):
        if path.name == "email.html":
            continue
        document = page(path)
        elements = document.find_all(["script", "img", "iframe", "video", "audio", "source"]) + \
            document.find_all("link", rel=lambda rel: rel and ("stylesheet" in rel or "icon" in rel))
        loaded = [url for element in elements if (url := element.get("src") or element.get("href"))]
        others = [url for url in loaded if url.startswith(("http:", "https:", "//"))
                  and not url.startswith("http://127.0.0.1:8000/")]
        assert others == [], path


def test_the_email_text_keeps_lists_code_and_links_readable():
    from lamplighter.emails import render

    body, lines = render('<p>Intro with <a href="../about/">a relative link</a>.</p>\n<h2 id="x">Steps</h2>\n'
                         '<ol><li>First</li><li><p>Second</p><ul><li>nested <a href="https://a.example/">'
                         'https://a.example/</a></li></ul></li></ol>\n<pre><code>x = 1\ny = 2</code></pre>',
                         "https://site.example/issues/2026-W47/")

    assert lines == ["Intro with a relative link <https://site.example/issues/about/>.", "", "Steps", "-----", "",
                     "1. First", "", "2. Second", "   - nested https://a.example/", "", "    x = 1", "    y = 2", ""]
    assert '<a href="https://site.example/issues/about/" style="' in body and 'id="x"' not in body


@given(st.lists(st.text(alphabet="abcdefghij<>&", min_size=1, max_size=90), max_size=40),
       st.sampled_from(["", "- ", "  ", "   1. "]))
def test_email_text_wraps_as_textwrap_does_without_breaking_words(words, first):
    from lamplighter.emails import TEXT_WIDTH, _wrap

    text = " ".join(words)
    expected = textwrap.wrap(text, TEXT_WIDTH, initial_indent=first, subsequent_indent=" " * len(first),
                             break_long_words=False, break_on_hyphens=False) or [first.rstrip()]

    assert _wrap(text, first, " " * len(first)) == expected


def test_email_versions_keep_escaped_text_escaped_in_html_and_plain_in_text():
    from lamplighter.emails import render

    body, lines = render('<p title="x > y">Fish &amp; chips <em>&lt;b&gt;</em> <a href="https://a.example/?q=1&amp;r=2" '
                         'onclick="steal()">a &quot;link&quot;</a><!-- a comment --><img src=x onerror=alert(1)></p>'
                         '<pre><code>if a &lt; b:\n    pass</code></pre><script>alert(1)</script>',
                         "https://site.example/issues/2026-W47/")

    assert lines == ['Fish & chips <b> a "link" <https://a.example/?q=1&r=2>', "", "    if a < b:", "        pass", ""]
    assert "Fish &amp; chips" in body and "&lt;b&gt;" in body and 'href="https://a.example/?q=1&amp;r=2"' in body
    assert not any(marker in body for marker in ("onclick", "<img", "<script", "comment", "title="))


def test_a_line_break_in_the_email_text_keeps_the_paragraph_going():
    from lamplighter.emails import render

    _, lines = render("<ul><li><p>Title<br>\n<small>Source</small><br>\nWhat it is.<br></p><p>A note.</p></li></ul>"
                      "<p>One<br><br>two</p><h2>A<br>heading</h2><p>After.</p>", "https://site.example/issues/2026-W47/")

    assert lines == ["- Title", "  Source", "  What it is.", "", "  A note.", "", "One", "two", "",
                     "A heading", "---------", "", "After.", ""]


# Pieces of list items as the page writes them (page.for_readers, cleaned by nh3), and what breaks the shape.
ITEM_TITLES = ["Title", "A &amp; B", " ", "x" * 80, "https://e.example/", "word " * 20, "odd\u2028line"]
ITEM_HREFS = ["https://e.example/", "/relative", "x?a=1&amp;b=2", "", "https://e.example/<li><p>", "mailto:a@b.example"]
ITEM_TEXTS = ["", " ", "Source", "S &amp; T", "\nWhat it is.", "d " * 50, "\na &lt;b&gt;"]
BLOCKS = ["<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<p>", "</p>", "text", "\n", "<h2>", "</h2>",
          '<a href="x">', "</a>", "<pre>", "</pre>", "<blockquote>", "</blockquote>", "<br>"]


@st.composite
def page_items(draw):
    notes = "".join(f"{draw(st.sampled_from(['', chr(10)]))}<p>{draw(st.sampled_from(ITEM_TEXTS[1:]))}</p>"
                    for _ in range(draw(st.integers(0, 3))))
    return (f"<li>{draw(st.sampled_from(['', chr(10)]))}<p><a href=\"{draw(st.sampled_from(ITEM_HREFS))}\">"
            f"{draw(st.sampled_from(ITEM_TITLES))}</a><br>{draw(st.sampled_from(['', chr(10)]))}"
            f"<small>{draw(st.sampled_from(ITEM_TEXTS))}</small><br>{draw(st.sampled_from(ITEM_TEXTS[1:]))}</p>"
            f"{notes}{draw(st.sampled_from(['', chr(10)]))}</li>")


@given(st.lists(st.one_of(page_items(), st.sampled_from(BLOCKS)), max_size=25))
def test_email_versions_read_whole_items_as_they_read_them_tag_by_tag(pieces):
    from lamplighter.emails import render

    content = "".join(pieces)
    page = "https://site.example/issues/2026-W47/"

    assert render(content, page) == render(content, page, whole_items=False)


def test_an_issue_on_the_site_is_read_item_by_item_for_its_email_version(archive):
    from lamplighter import emails

    page = (archive.build() / "issues" / "2026-W47" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article"):page.index("</article>")]
    clean = emails._clean(article)

    assert len(re.findall(emails._ITEM, clean)) == article.count("<li>\n<p><a ")  # every item as one piece
    assert emails.render(article, "https://site.example/") == emails.render(article, "https://site.example/",
                                                                            whole_items=False)


LINK_PIECES = ['<a href="{filename}a.md">', '<a href="|filename|a.md">', '<img src="{static}/images/x.png">',
               '<a href="https://e.example/">', "</a>", "<p>", "text { brace", "a | pipe |", "x}", '<a href="{index}">',
               '<a title="{filename}" href="b">', "\n", "<a href='{filename}a.md'>", '<a href="{attach}f.pdf">',
               '<a href="[filename]a.md">', "[x]"]


@given(st.lists(st.sampled_from(LINK_PIECES), max_size=20),
       st.sampled_from(["[{|](?P<what>.*?)[|}]", r"\[(?P<what>.*?)\]"]))  # Pelican's default, and a fork's own
def test_pages_without_site_links_are_left_as_pelican_would_leave_them(pieces, pattern):
    from pelican.contents import Page
    from pelican.settings import DEFAULT_CONFIG

    from lamplighter.site import scan_only_text_with_links

    text = "".join(pieces)  # pages, not issues: the plugin's other receivers leave pages be
    settings = {**DEFAULT_CONFIG, "PATH": "/site/content", "INTRASITE_LINK_REGEX": pattern}
    linked = Page("", {"title": "A", "date": datetime(2026, 11, 22)}, settings=settings,
                  source_path="/site/content/a.md", context={})
    context = {"generated_content": {"a.md": linked}, "static_content": {}, "localsiteurl": ""}
    quick = Page(text, {"title": "B", "date": datetime(2026, 11, 29)}, settings=settings,
                 source_path="/site/content/b.md", context=context)
    scan_only_text_with_links(quick)
    pelicans = Page(text, {"title": "B", "date": datetime(2026, 11, 29)}, settings=settings,
                    source_path="/site/content/b.md", context=context)

    assert quick.get_content("https://site.example") == pelicans.get_content("https://site.example")
    assert quick.get_static_links() == pelicans.get_static_links()


def test_an_unparseable_relative_address_does_not_stop_the_email_version():
    from lamplighter.emails import render

    body, lines = render('<p><a href="//[">broken</a></p>', "https://site.example/issues/2026-W47/")

    assert lines == ["broken <//[>", ""]


def test_email_versions_rendered_while_reading_equal_those_rendered_after(project, monkeypatch):
    """A cold build renders email versions in a second process as issues are read; the result is the same.

    Even for an issue that changed after it was read (a later issue's follow-up adds a note
    to it): the second process's older versions never stay, nor overwrite the newer ones.
    """
    from lamplighter import emails

    add_samples(project)
    linked = project.issues / "2026-W46.md"  # a link to another page is resolved after reading, in this process
    linked.write_text(linked.read_text(encoding="utf-8") + "\nSee also [the first issue]({filename}2026-W45.md).\n",
                      encoding="utf-8")
    later = project.issues / "2026-W47.md"
    later.write_text(later.read_text(encoding="utf-8") + "\n## Updates\n\n- [Code released](https://github.com/o/ddpm) for "
                     "[Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239) "
                     "(in [Issue 1]({filename}2026-W45.md)) · GitHub Trending\n", encoding="utf-8")
    results = {}
    for parallel_from in (1, 10_000):
        monkeypatch.setattr(emails, "PARALLEL_FROM", parallel_from)
        output = project.root / f"output-{parallel_from}"
        project.build(OUTPUT_PATH=str(output), CACHE_PATH=str(project.root / f"cache-{parallel_from}"))
        results[parallel_from] = {path.relative_to(output).as_posix(): path.read_text(encoding="utf-8")
                                  for path in output.glob("issues/*/email.*")}

    assert results[1] == results[10_000] and len(results[1]) == 2 * len(SAMPLE_WEEKS)
    assert "/issues/2026-W45/" in results[1]["issues/2026-W46/email.txt"]
    assert "Update: Code released, Issue" in results[1]["issues/2026-W45/email.txt"]


@pytest.mark.parametrize("html, expected", [
    # As gathered: title, then sources and signals on a quieter line, then the description.
    ('<li>\n<p><a href="https://a.example/x">A paper</a> · arXiv · HF Papers\n— 120 upvotes · '
     '<a href="https://github.com/o/r">code: o/r</a>.\nWhat it does.</p>',
     '<li>\n<p><a href="https://a.example/x">A paper</a><br>\n<small>arXiv · HF Papers\n— 120 upvotes · '
     '<a href="https://github.com/o/r">code: o/r</a>.</small><br>\nWhat it does.</p>'),
    # As Python-Markdown renders it (an issue with {filename} links), the continuation lines keep their indent.
    ('<li>\n<p><a href="u">T</a> · arXiv\n    — 120 upvotes.\n    What it does.</p>',
     '<li>\n<p><a href="u">T</a><br>\n<small>arXiv\n    — 120 upvotes.</small><br>\n    What it does.</p>'),
    # No provenance: the dash before the description goes.
    ('<li><p><a href="u">T</a> · Blog\n— What it says.</p>', '<li><p><a href="u">T</a><br>\n<small>Blog</small><br>\nWhat it says.</p>'),
    # The editor's own shapes are left alone: a bare link, and a tag that does not close on the line.
    ('<li><p><a href="u">T</a> is worth it.</p>', '<li><p><a href="u">T</a> is worth it.</p>'),
    ('<li><p><a href="u">T</a> · <em>Blog\nstill emphasised</em></p>', '<li><p><a href="u">T</a> · <em>Blog\nstill emphasised</em></p>'),
])
def test_an_items_sources_are_a_quieter_line_between_title_and_description(html, expected):
    from lamplighter.page import _with_quiet_sources

    assert _with_quiet_sources(html) == expected


def test_tex_an_editor_types_reads_as_unicode_on_the_page_in_the_email_and_the_feed(archive):
    text = (SAMPLES / "2026-W47.md").read_text(encoding="utf-8")
    archive.write_issue("2026-W47", text + "\n## Notes\n\n- [PixArt-$\\alpha$ at $x_t$](https://arxiv.org/abs/2310.00426)"
                                           " · arXiv\n\n    Costs $20 and $30; the code says `$\\alpha$`.\n")
    output = archive.build()

    issue = page(output / "issues" / "2026-W47" / "index.html").main.get_text()
    assert "PixArt-α at xₜ" in issue and "Costs $20 and $30" in issue and "$\\alpha$" in issue  # code stays TeX
    assert "PixArt-α at xₜ" in (output / "issues" / "2026-W47" / "email.txt").read_text(encoding="utf-8")
    entry = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes()).entries[0]
    assert "PixArt-α" in entry.content[0].value and "$\\alpha$</code>" in entry.content[0].value


def test_every_page_invites_readers_to_subscribe_by_feed_and_by_email_when_configured(archive):
    home = page(archive.build() / "index.html")
    block = home.select_one("#subscribe")
    assert [a.get_text() for a in block.find_all("a")] == ["Atom", "RSS", "JSON Feed"]
    assert home.select_one('header.site nav a[href="#subscribe"]')

    output = archive.build(LAMPLIGHTER_SUBSCRIBE_URL="https://buttondown.com/lamplighter")
    for path in ["index.html", "issues/2026-W47/index.html", "archive/index.html"]:
        link = page(output / path).select_one("#subscribe a")
        assert (link.get_text(), link["href"]) == ("By email", "https://buttondown.com/lamplighter")


@pytest.mark.parametrize("value", ["javascript:alert(1)", "buttondown.com/x", "mailto:", 42])
def test_a_subscribe_address_that_is_not_a_page_or_mailbox_is_a_settings_error(value):
    from lamplighter.errors import SettingsError
    from lamplighter.settings import from_pelican

    with pytest.raises(SettingsError, match="LAMPLIGHTER_SUBSCRIBE_URL"):
        from_pelican({"PATH": "content", "LAMPLIGHTER_SUBSCRIBE_URL": value}, base=REPO)


def test_issue_addresses_worked_out_once_build_the_site_pelican_builds_asking_each_time(archive, monkeypatch):
    from pelican import signals

    from lamplighter import site

    def files(output):
        return {path.relative_to(output): path.read_bytes() for path in output.rglob("*") if path.is_file()}

    def ask_each_time(generators):
        pass

    archive.build(OUTPUT_PATH=str(archive.root / "fixed"))
    signals.all_generators_finalized.disconnect(site.fix_addresses)
    monkeypatch.setattr(site, "fix_addresses", ask_each_time)  # what the plugin connects on the next build
    archive.build(OUTPUT_PATH=str(archive.root / "asked"))

    fixed, asked = files(archive.root / "fixed"), files(archive.root / "asked")
    assert any(name.name == "email.html" for name in fixed)
    assert fixed.keys() == asked.keys()
    assert [name for name in fixed if fixed[name] != asked[name]] == []
