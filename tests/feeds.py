"""Feed documents for tests, written to look like what real servers send."""

from __future__ import annotations

from datetime import datetime


def rss2(items: list[dict], *, title: str = "A lab blog", encoding: str = "utf-8") -> str:
    """RSS 2.0 as WordPress and most blogs write it: RFC 822 dates, HTML in <description>."""
    entries = "".join(
        f"""
    <item>
      <title>{item['title']}</title>
      <link>{item['link']}</link>
      {f"<pubDate>{rfc822(item['date'])}</pubDate>" if item.get('date') else ""}
      <guid isPermaLink="false">{item['link']}#guid</guid>
      <description><![CDATA[{item.get('description', '')}]]></description>
      {"".join(f"<category>{tag}</category>" for tag in item.get('tags', []))}
    </item>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0">
  <channel>
    <title>{title}</title>
    <link>https://lab.example/</link>
    <description>News from the lab</description>{entries}
  </channel>
</rss>
"""


def atom(entries: list[dict], *, title: str = "A research blog", base: str = "") -> str:
    """Atom 1.0, optionally with relative links and an xml:base, as static site generators write it."""
    body = "".join(
        f"""
  <entry>
    <title type="html">{entry['title']}</title>
    <link rel="alternate" type="text/html" href="{entry['link']}"/>
    <id>urn:uuid:{index}</id>
    <updated>{entry['date'].isoformat()}</updated>
    {f"<author><name>{entry['author']}</name></author>" if entry.get('author') else ""}
    <summary type="html">{entry.get('summary', '')}</summary>
  </entry>"""
        for index, entry in enumerate(entries)
    )
    xml_base = f' xml:base="{base}"' if base else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"{xml_base}>
  <title>{title}</title>
  <id>urn:uuid:feed</id>
  <updated>2026-11-25T00:00:00Z</updated>{body}
</feed>
"""


def rss1(items: list[dict]) -> str:
    """RSS 1.0 (RDF), as arXiv's listings were for years: dates in dc:date, authors in dc:creator."""
    seq = "".join(f'<rdf:li rdf:resource="{item["link"]}"/>' for item in items)
    body = "".join(
        f"""
  <item rdf:about="{item['link']}">
    <title>{item['title']}</title>
    <link>{item['link']}</link>
    <description>{item.get('description', '')}</description>
    <dc:creator>{item.get('creator', '')}</dc:creator>
    <dc:date>{item['date'].isoformat()}</dc:date>
  </item>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://arxiv.org/rss/cs.CV">
    <title>cs.CV updates on arXiv.org</title>
    <link>http://arxiv.org/</link>
    <description>Computer Vision</description>
    <items><rdf:Seq>{seq}</rdf:Seq></items>
  </channel>{body}
</rdf:RDF>
"""


def rfc822(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")
