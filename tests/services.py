"""Answers written to look like the real services' (arXiv, GitHub, the Hugging Face Hub), quirks included.

Each builder takes plain dicts and returns what the service would send; the shapes follow
the services' public documentation and the variations seen in the wild over the years.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

ATOM_TIME = "%Y-%m-%dT%H:%M:%SZ"


def arxiv_old(entries: list[dict], *, query: str = 'au:"Robin Rombach"') -> str:
    """The arXiv API's Atom as it was for years: http ids, namespaces declared on each element."""
    body = "".join(f"""
  <entry>
    <id>http://arxiv.org/abs/{e['id']}v{e.get('version', 1)}</id>
    <updated>{e['date']:{ATOM_TIME}}</updated>
    <published>{e['date']:{ATOM_TIME}}</published>
    <title>{_wrapped(e['title'])}</title>
    <summary>  {escape(e.get('summary', 'An abstract.'))}
</summary>
    {"".join(f"<author><name>{escape(name)}</name></author>" for name in e.get('authors', []))}
    {f'<arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">{escape(e["comment"])}</arxiv:comment>'
     if e.get('comment') else ""}
    <link href="http://arxiv.org/abs/{e['id']}v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{e['id']}v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="{e.get('categories', ['cs.CV'])[0]}"
      scheme="http://arxiv.org/schemas/atom"/>
    {"".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in e.get('categories', ['cs.CV']))}
  </entry>""" for e in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D{escape(query)}%26id_list%3D%26start%3D0%26max_results%3D50"
    rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query={escape(query)}&amp;id_list=&amp;start=0&amp;max_results=50</title>
  <id>http://arxiv.org/api/cHxbiOdZaP56ODnBPIenZhzg5f8</id>
  <updated>2026-11-25T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(entries)}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">50</opensearch:itemsPerPage>{body}
</feed>
"""


def arxiv_new(entries: list[dict]) -> str:
    """The arXiv API's Atom since its 2025 rewrite: https links, namespaces on the root, affiliations.

    An entry's `version` past 1 is a revised paper: `published` stays its first version's
    date (`date`), `updated` is the newest version's (`revised`).
    """
    body = "".join(f"""
  <entry>
    <id>https://arxiv.org/abs/{e['id']}v{e.get('version', 1)}</id>
    <title>{_wrapped(e['title'])}</title>
    <updated>{e.get('revised', e['date']):{ATOM_TIME}}</updated>
    <link href="https://arxiv.org/abs/{e['id']}v{e.get('version', 1)}" rel="alternate" type="text/html"/>
    <link href="https://arxiv.org/pdf/{e['id']}v{e.get('version', 1)}" rel="related" type="application/pdf" title="pdf"/>
    <summary>{escape(e.get('summary', 'An abstract.'))}</summary>
    {"".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in e.get('categories', ['cs.CV']))}
    <published>{e['date']:{ATOM_TIME}}</published>
    {f"<arxiv:comment>{escape(e['comment'])}</arxiv:comment>" if e.get('comment') else ""}
    <arxiv:primary_category term="{e.get('categories', ['cs.CV'])[0]}"/>
    {"".join(f"<author><name>{escape(n)}</name><arxiv:affiliation>A lab</arxiv:affiliation></author>"
             for n in e.get('authors', []))}
  </entry>""" for e in entries)
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/vr6f4LpWhV3mEdY+Jh9dpYyMm8k</id>
  <title>arXiv Query: search_query=cat:cs.CV&amp;id_list=&amp;start=0&amp;max_results=50</title>
  <updated>2026-11-25T05:00:00Z</updated>
  <link href="https://arxiv.org/api/query?search_query=cat:cs.CV&amp;start=0&amp;max_results=50"
    type="application/atom+xml"/>
  <opensearch:itemsPerPage>50</opensearch:itemsPerPage>
  <opensearch:totalResults>{len(entries)}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>{body}
</feed>
"""


def arxiv_error(message: str = "incorrect id format for 1234.12345") -> str:
    """What arXiv sends, with status 200, for a query it cannot run."""
    anchor = message.replace(" ", "_")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D1234.12345" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=1234.12345</title>
  <id>http://arxiv.org/api/kvuntZ8c9a4Eq5CF7KY03nMug+Q</id>
  <updated>2026-11-25T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/api/errors#{anchor}</id>
    <title>Error</title>
    <summary>{message}</summary>
    <updated>2026-11-25T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#{anchor}" rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
"""


def _wrapped(title: str) -> str:
    """arXiv breaks long titles over lines with a two-space indent."""
    words = escape(title).split(" ")
    half = len(words) // 2
    return " ".join(words[:half]) + "\n  " + " ".join(words[half:]) if half else escape(title)


def github_atom(entries: list[dict], *, title: str, self_link: str) -> str:
    """GitHub's Atom (releases and user activity): tag: ids naming the event, HTML content, thumbnails."""
    body = "".join(f"""
  <entry>
    <id>{e['id']}</id>
    {f"<published>{e['date']:{ATOM_TIME}}</published>" if e.get('published', True) else ""}
    <updated>{e['date']:{ATOM_TIME}}</updated>
    <link type="text/html" rel="alternate" href="{e['link']}"/>
    <title type="html">{escape(e['title'])}</title>
    <author><name>{e.get('author', 'someone')}</name><uri>https://github.com/{e.get('author', 'someone')}</uri></author>
    <media:thumbnail height="30" width="30" url="https://avatars.githubusercontent.com/u/1?s=30&amp;v=4"/>
    <content type="html">{escape(e.get('content', '<p>Details</p>'))}</content>
  </entry>""" for e in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="en-US">
  <id>tag:github.com,2008:{self_link}</id>
  <link type="text/html" rel="alternate" href="{self_link.removesuffix('.atom')}"/>
  <link type="application/atom+xml" rel="self" href="{self_link}"/>
  <title>{escape(title)}</title>
  <updated>2026-11-25T00:00:00Z</updated>{body}
</feed>
"""


def trending_page(rows: list[dict], *, heading: str = "h2", since: str = "this week") -> str:
    """A GitHub Trending page: `h1` headings until 2023 and `h2` since, other class names in each era."""
    muted = "color-fg-muted" if heading == "h2" else "color-text-secondary"
    link_class = "Link Link--muted" if heading == "h2" else "muted-link"
    articles = "".join(f"""
  <article class="Box-row">
    <div class="float-right d-flex">
      <a href="/login?return_to=%2F{r['repo'].replace('/', '%2F')}" rel="nofollow" class="btn-sm btn">Star</a>
    </div>
    <{heading} class="h3 lh-condensed">
      <a data-hydro-click="{{&quot;event_type&quot;:&quot;explore.click&quot;}}" href="/{r['repo']}" class="Link">
        <svg aria-hidden="true" height="16" viewBox="0 0 16 16" width="16" class="octicon octicon-repo mr-1"></svg>
        <span data-view-component="true" class="text-normal">
          {r['repo'].split('/')[0]} /
</span>
        {r['repo'].split('/')[1]}
      </a>
    </{heading}>
    {f'<p class="col-9 {muted} my-1 pr-4">{r["description"]}</p>' if r.get('description') is not None else ""}
    <div class="f6 {muted} mt-2">
      {f'''<span class="d-inline-block ml-0 mr-3">
        <span class="repo-language-color" style="background-color: #3572A5"></span>
        <span itemprop="programmingLanguage">{r['language']}</span>
      </span>''' if r.get('language') else ""}
      <a href="/{r['repo']}/stargazers" class="{link_class} d-inline-block mr-3">
        <svg aria-label="star" role="img" height="16" viewBox="0 0 16 16" width="16"></svg>
        {r['stars']:,}
      </a>
      <a href="/{r['repo']}/forks" class="{link_class} d-inline-block mr-3">
        <svg aria-label="fork" role="img" height="16" viewBox="0 0 16 16" width="16"></svg>
        {r.get('forks', 12):,}
      </a>
      <span class="d-inline-block mr-3">
        Built by
        <a class="d-inline-block" href="/{r['repo'].split('/')[0]}"><img class="avatar mb-1 avatar-user"
          src="https://avatars.githubusercontent.com/u/1?s=40&amp;v=4" width="20" height="20" alt="@someone"/></a>
      </span>
      <span class="d-inline-block float-sm-right">
        <svg aria-hidden="true" height="16" viewBox="0 0 16 16" width="16" class="octicon octicon-star"></svg>
        {r['in_period']:,} stars {since}
      </span>
    </div>
  </article>""" for r in rows)
    return f"""<!DOCTYPE html>
<html lang="en" data-color-mode="auto">
<head><meta charset="utf-8"><title>Trending  repositories on GitHub this week</title></head>
<body>
  <a href="#start-of-content" class="p-3 color-bg-accent-emphasis">Skip to content</a>
  <header><h1 class="h1">Trending</h1><a href="/explore">Explore</a></header>
  <main>
    <div class="Box">
      <div class="Box-header"><nav><a href="/trending">Repositories</a><a href="/trending/developers">Developers</a></nav></div>
      <div data-hpc>{articles}
      </div>
    </div>
  </main>
</body>
</html>
"""


def hf_models(models: list[dict]) -> str:
    """/api/models as the Hub answers: `_id` and `id` always, `modelId` on older entries, the rest as expanded."""
    return json.dumps([{"_id": f"66e1a2b3c4d5e6f7a8b9c{index:03d}", **model} for index, model in enumerate(models)])


def hf_daily_papers(papers: list[dict]) -> str:
    """/api/daily_papers: each entry wraps its `paper`; code links and keywords only on newer entries."""
    entries = []
    for index, p in enumerate(papers):
        paper = {
            "id": p["id"],
            "authors": [{"_id": f"6540{index}{n}", "name": name, "hidden": False} for n, name in enumerate(p["authors"])],
            "publishedAt": _iso(p.get("published", p["featured"])),
            "title": p["title"],
            "summary": p.get("summary", "An abstract."),
            "upvotes": p.get("upvotes", 0),
            "discussionId": f"6741{index:04d}",
        }
        if "featured" in p and p.get("newer", True):
            paper["submittedOnDailyAt"] = _iso(p["featured"])
        if p.get("code"):
            paper.update(githubRepo=p["code"], githubStars=p.get("stars", 0))
        if p.get("project"):
            paper.update(projectPage=p["project"])
        if p.get("keywords"):
            paper.update(ai_summary="A summary written by a model.", ai_keywords=p["keywords"])
        entries.append({"paper": paper, "publishedAt": _iso(p["featured"]), "title": p["title"],
                        "summary": paper["summary"], "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{p['id']}.png",
                        "numComments": p.get("comments", 0), "isAuthorParticipating": False})
    return json.dumps(entries)


def _iso(moment: datetime) -> str:
    """The Hub's dates: milliseconds and a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
