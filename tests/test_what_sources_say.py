"""What a source says is what the reader gets: undated and linkless entries, owned links, clean text.

Every case here is served on loopback in the format real feeds use, and goes the whole way
through a gather into the week's draft, where the editor (and then the reader) sees it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from feeds import rss1, rss2
from lamplighter import settings
from lamplighter.cli import main
from lamplighter.weeks import week_window
from lamplighter.week import gather_week

WEEK, NEXT_WEEK = "2026-W48", "2026-W49"
TUESDAY = datetime(2026, 11, 24, 9, tzinfo=timezone.utc)
NEXT_TUESDAY = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


def undated_rdf(titles: list[str]) -> str:
    """RSS 1.0 as old news sites (heise's RSS 0.9x/1.0 feeds) still write it: no dates at all."""
    seq = "".join(f'<rdf:li rdf:resource="https://news.example/{n}"/>' for n, _ in enumerate(titles))
    items = "".join(f'<item rdf:about="https://news.example/{n}"><title>{title}</title>'
                    f"<link>https://news.example/{n}</link><description>About {title}.</description></item>"
                    for n, title in enumerate(titles))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://news.example/"><title>News</title><link>https://news.example/</link>
    <description>d</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>{items}
</rdf:RDF>"""


def gather_on(project, week: str, now: datetime):
    config = settings.load(project.settings)
    return gather_week(config, week, week_window(week), today=now.date(), write=True, now=now)


def gather_json(project, capsys) -> dict:
    assert main(["gather", "-s", str(project.settings), "--week", WEEK, "--json"]) in (0, 1)
    return json.loads(capsys.readouterr().out)


def draft(project, week: str = WEEK) -> str:
    return (project.issues / f"{week}.md").read_text(encoding="utf-8")


def test_undated_entries_are_dated_when_first_seen_and_come_once(project, feed_server):
    feed_server.add("/news.rdf", undated_rdf(["Model release one", "Model release two"]))
    project.configure([{"name": "News", "type": "feed", "url": feed_server.url("/news.rdf")}])

    first = gather_on(project, WEEK, TUESDAY)
    feed_server.add("/news.rdf", undated_rdf(["Model release one", "Model release two", "Model release three"]))
    second = gather_on(project, NEXT_WEEK, NEXT_TUESDAY)

    assert "https://news.example/0" in draft(project) and "https://news.example/1" in draft(project)
    assert "https://news.example/2" not in draft(project)
    assert "news.example/2" in draft(project, NEXT_WEEK)
    assert "news.example/0" not in draft(project, NEXT_WEEK) and "news.example/1" not in draft(project, NEXT_WEEK)
    [report] = first.gathering.reports
    assert (report.status, report.items, report.dated_when_first_seen) == ("ok", 2, 2)
    [report] = second.gathering.reports
    assert (report.items, report.dated_when_first_seen, report.out_of_window) == (1, 3, 2)
    assert report.note == "3 undated, dated when first seen; 2 outside the week"


def revalidated(body: str):
    """A server that answers 304 to a request that names its ETag, as most feed hosts do."""
    def route(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("ETag", '"v1"')
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        data = body.encode()
        handler.send_response(200)
        handler.send_header("ETag", '"v1"')
        handler.send_header("Content-Type", "application/rdf+xml")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return route


def test_the_first_seen_date_outlives_a_304(project, feed_server):
    feed_server.routes["/news.rdf"] = revalidated(undated_rdf(["Model release one"]))
    project.configure([{"name": "News", "type": "feed", "url": feed_server.url("/news.rdf")}])

    gather_on(project, WEEK, TUESDAY)
    later = gather_on(project, NEXT_WEEK, NEXT_TUESDAY)

    [report] = later.gathering.reports
    assert (report.status, report.items, report.dated_when_first_seen, report.out_of_window) == (
        "not_modified", 0, 1, 1)
    assert not (project.issues / f"{NEXT_WEEK}.md").exists()


def test_an_entry_without_a_link_is_skipped_and_counted_never_given_the_feeds_address(project, feed_server, capsys):
    feed_server.add("/status.rss", """<?xml version="1.0"?><rss version="2.0"><channel><title>Status</title>
        <link>https://status.example/</link><description>Incidents</description>
        <item><title>Degraded image generation</title><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>
        <item><title>Elevated error rates</title><description>Investigating</description>
              <pubDate>Tue, 24 Nov 2026 11:00:00 GMT</pubDate></item>
        <item><title>Script</title><link>javascript:alert(1)</link><pubDate>Tue, 24 Nov 2026 11:00:00 GMT</pubDate></item>
        <item><title>Resolved: all systems normal</title><link>https://status.example/incidents/2</link>
              <pubDate>Tue, 24 Nov 2026 12:00:00 GMT</pubDate></item>
        </channel></rss>""")
    project.configure([{"name": "Status", "type": "feed", "url": feed_server.url("/status.rss")}])

    result = gather_json(project, capsys)

    assert [c["url"] for c in result["candidates"]] == ["https://status.example/incidents/2"]
    [source] = result["sources"]
    assert (source["status"], source["items"], source["without_link"]) == ("ok", 1, 3)
    assert source["note"] == "3 without a link, skipped"
    assert feed_server.url("/status.rss") not in draft(project)


def test_the_json_report_carries_every_note_the_table_shows(project, feed_server, capsys):
    feed_server.add("/rss", rss2([{"title": "Old post", "link": "https://lab.example/old",
                                   "date": datetime(2026, 10, 1, tzinfo=timezone.utc)},
                                  {"title": "New post", "link": "https://lab.example/new", "date": TUESDAY},
                                  {"title": "Undated post", "link": "https://lab.example/undated"}]))
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/rss")}])

    [source] = gather_json(project, capsys)["sources"]

    assert (source["dated_when_first_seen"], source["without_link"], source["out_of_window"]) == (1, 0, 2)
    assert source["note"] == "1 undated, dated when first seen; 2 outside the week"


PAPER = "Stable Video Diffusion: Scaling Latent Video Diffusion Models to Large Datasets"


def test_a_feed_mimicking_a_papers_title_never_takes_over_its_link(project, feed_server):
    """arXiv owns a paper's link and title; a blog with the same title adds its own page, labelled, beside it."""
    feed_server.add("/rss/cs.CV", rss1([{"title": PAPER, "link": "http://arxiv.org/abs/2311.15127", "date": TUESDAY,
                                         "creator": "Andreas Blattmann, Tim Dockhorn"}]))
    feed_server.add("/feed", rss2([{"title": f"{PAPER}.", "link": "https://evil.example/svd-download",
                                    "date": TUESDAY, "description": "Download the weights here, now, free. " * 20}],
                                  title="Some blog"))
    project.configure([
        {"name": "arXiv cs.CV", "type": "feed", "url": "https://export.arxiv.org/rss/cs.CV",
         "base_url": feed_server.url("")},
        {"name": "Some blog", "type": "feed", "url": "https://evil.example/feed", "base_url": feed_server.url("")},
    ])

    gather_on(project, WEEK, TUESDAY)

    [line] = [line for line in draft(project).splitlines() if line.startswith("- [")]
    assert line == (f"- [{PAPER}](http://arxiv.org/abs/2311.15127) · arXiv cs.CV · "
                    "[Some blog](https://evil.example/svd-download)")
    assert "Download the weights" not in draft(project)


def test_tex_in_titles_reads_as_unicode(project, feed_server):
    titles = {"pixart": "PixArt-$\\alpha$: Fast Training of Diffusion Transformer",
              "linear": "Attention in $\\mathcal{O}(n^2)$ time, made linear",
              "noise": "Predicting $x_t$ from $x_{t-1}$ in one step"}
    feed_server.add("/rss", rss2([{"title": title, "link": f"https://lab.example/{name}", "date": TUESDAY,
                                   "description": f"We show $\\epsilon$-prediction with $k&lt;n$ steps ({name})."}
                                  for name, title in titles.items()]))
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/rss")}])

    gather_on(project, WEEK, TUESDAY)

    text = draft(project)
    assert "PixArt-α: Fast Training" in text
    assert "Attention in 𝒪(n²) time" in text
    assert "Predicting xₜ from xₜ₋₁ in one step" in text
    assert "We show ϵ-prediction with k&lt;n steps" in text
    assert "$" not in text and "\\alpha" not in text and "mathcal" not in text


def test_escaped_markup_is_cleaned_not_shown_and_bidi_overrides_are_gone(project, feed_server):
    feed_server.add("/rss", rss2([
        {"title": "&amp;lt;a href=&quot;https://evil.example/&quot;&amp;gt;Click&amp;lt;/a&amp;gt; here, a new sampler",
         "link": "https://lab.example/escaped", "date": TUESDAY},
        {"title": "Safe title \u202egpj.exe\u202c done", "link": "https://lab.example/bidi", "date": TUESDAY,
         "description": "Text with \u2066isolates\u2069 and a \u200fmark."},
    ]))
    project.configure([{"name": "Lab", "type": "feed", "url": feed_server.url("/rss")}])

    gather_on(project, WEEK, TUESDAY)

    text = draft(project)
    assert "- [Click here, a new sampler](https://lab.example/escaped)" in text
    assert "href" not in text and "&lt;a" not in text
    assert "Safe title gpj.exe done" in text and "Text with isolates and a mark." in text
    assert not any(char in text for char in "\u202e\u202c\u2066\u2069\u200f")


def test_release_notes_headings_and_list_items_are_sentences(project, feed_server):
    notes = ("&lt;h2&gt;New pipelines&lt;/h2&gt;&lt;p&gt;This release adds two.&lt;/p&gt;"
             "&lt;ul&gt;&lt;li&gt;Flux fill&lt;/li&gt;&lt;li&gt;SD3 ControlNet&lt;/li&gt;&lt;/ul&gt;"
             "&lt;h2&gt;Fixes&lt;/h2&gt;Many.")
    feed_server.add("/huggingface/diffusers/releases.atom", f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:github.com,2008:https://github.com/huggingface/diffusers/releases</id>
<title>Release notes from diffusers</title><updated>2026-11-24T09:00:00Z</updated>
<entry><id>tag:github.com,2008:Repository/1/v0.32.0</id><updated>2026-11-24T09:00:00Z</updated>
<link rel="alternate" type="text/html" href="https://github.com/huggingface/diffusers/releases/tag/v0.32.0"/>
<title>v0.32.0</title><content type="html">{notes}</content><author><name>sayakpaul</name></author></entry></feed>""")
    project.configure([{"name": "diffusers releases", "type": "github_releases", "repo": "huggingface/diffusers",
                        "base_url": feed_server.url("")}])

    gather_on(project, WEEK, TUESDAY)

    assert "New pipelines. This release adds two. Flux fill. SD3 ControlNet. Fixes. Many." in draft(project)
