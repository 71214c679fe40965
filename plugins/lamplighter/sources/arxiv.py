"""`arxiv`: new papers by followed authors, in categories, or matching a query, from the arXiv API.

One request per gather to arXiv's API (`export.arxiv.org/api/query`, Atom), newest
submissions first. The keys narrow each other: a paper must be by one of `authors` (when
given), in one of `categories` (when given) and match `query` (arXiv's own search syntax,
when given). A paper's link is its abstract page without version, `https://arxiv.org/abs/ID`,
so every later version and every other source that names it is the same candidate. A paper
revised past its first version is dated by its newest version: a new version of a paper an
earlier issue carried is an update of that story (`curate`), and one never carried is offered
as arXiv's own listings offer replacements.

arXiv answers a query it cannot run with 200 and a feed holding one entry whose id is
`http://arxiv.org/api/errors#…`: that is reported as the source's error, never as a paper.
arXiv's terms ask for one request at a time about 3 s apart; the fetcher keeps that rule for
arxiv.org, whichever sources ask.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from ..errors import SourceError
from ..items import ARXIV_LINK, Item, arxiv_url, item_key
from ..settings import SourceConfig
from ..text import plain_text
from .feed import entry_date, fetch

TYPE = "arxiv"
ENDPOINT = "https://export.arxiv.org/api/query"
MAX_AGE_DAYS = 90  # before `stale`: a followed author may not publish for a couple of months
REQUIRED: dict[str, Any] = {}
OPTIONAL = {"authors": list, "categories": list, "query": str, "max_results": int, "base_url": str}
DEFAULT_MAX_RESULTS = 50
MOST_RESULTS = 500  # arXiv asks for large result sets to be paged; a week of one field fits in this
_CATEGORY = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$")
_CODE_LINK = re.compile(r"https?://github\.com/[\w.\-]+/[\w.\-]+", re.IGNORECASE)


def check(options: dict[str, Any]) -> None:
    if not any(options.get(key) for key in ("authors", "categories", "query")):
        raise ValueError("needs at least one of 'authors', 'categories' or 'query'")
    for key in ("authors", "categories"):
        if not all(isinstance(value, str) and value.strip() for value in options.get(key, [])):
            raise ValueError(f"'{key}' must be a list of non-empty strings")
    for category in options.get("categories", []):
        if not _CATEGORY.match(category):
            raise ValueError(f"{category!r} is not an arXiv category like cs.CV or astro-ph")
    if not 1 <= options.get("max_results", DEFAULT_MAX_RESULTS) <= MOST_RESULTS:
        raise ValueError(f"'max_results' must be between 1 and {MOST_RESULTS}")


def links(options: dict[str, Any]) -> tuple[str | None, str]:
    """The same query as a feed (the API answers in Atom), and arXiv's own search page for it."""
    return _api_url(options), "https://arxiv.org/search/advanced"


def _api_url(options: dict[str, Any], **paging: int) -> str:
    """The API's address for the newest submissions matching the source's keys."""
    query = urlencode({"search_query": search_query(options), "sortBy": "submittedDate", "sortOrder": "descending",
                       **paging, "max_results": options.get("max_results", DEFAULT_MAX_RESULTS)})
    return f"{ENDPOINT}?{query}"


def search_query(options: dict[str, Any]) -> str:
    """arXiv's search_query: each key is one group of alternatives, and every group must match."""
    groups = []
    if options.get("authors"):
        groups.append(" OR ".join(f'au:"{name.strip()}"' for name in options["authors"]))
    if options.get("categories"):
        groups.append(" OR ".join(f"cat:{category}" for category in options["categories"]))
    if options.get("query"):
        groups.append(options["query"])
    return groups[0] if len(groups) == 1 else " AND ".join(f"({group})" for group in groups)


def gather(source: SourceConfig, fetcher: Any) -> list[Item]:
    parsed, _ = fetch(fetcher, _api_url(source.options, start=0), source.options, allow_empty=True)
    errors = [entry for entry in parsed.entries if "/api/errors" in entry.get("id", "")]
    if errors:
        raise SourceError(f"arXiv refused the query: {plain_text(errors[0].get('summary', '')) or 'no reason given'}")
    if not parsed.entries:
        raise SourceError("arXiv found no paper for this query: check the authors' names and the categories")
    followed = {_name_key(name): name for name in source.options.get("authors", [])}
    items = (_item(entry, source, followed) for entry in parsed.entries)
    return [item for item in items if item]


def describe_cited(items: list[Item], fetcher: Any, base_url: str | None = None) -> list[Item]:
    """The items, with papers that only a citation named ("arXiv:2406.01234") described by arXiv.

    A commit cites a paper by its id alone. When no other source offers the same paper, one
    request for all of them (the API's `id_list`) gives each its title, authors and abstract.
    Raises SourceError when arXiv cannot answer; the items then keep their ids as titles.
    """
    cited, described = set(), set()
    for item in items:
        (cited if _only_cited(item) else described).add(item_key(item.url))
    wanted = sorted(key.removeprefix("arxiv:") for key in cited - described)
    if not wanted:
        return items
    query = urlencode({"id_list": ",".join(wanted), "max_results": len(wanted)})
    parsed, _ = fetch(fetcher, f"{ENDPOINT}?{query}", {"base_url": base_url} if base_url else {}, allow_empty=True)
    errors = [entry for entry in parsed.entries if "/api/errors" in entry.get("id", "")]
    if errors:
        raise SourceError(f"arXiv refused the ids: {plain_text(errors[0].get('summary', '')) or 'no reason given'}")
    papers = {item_key(paper.url): paper for entry in parsed.entries
              if (paper := _item(entry, SourceConfig("arXiv", TYPE, {}), {}))}
    return [replace(item, title=paper.title, authors=paper.authors, summary=item.summary or paper.summary,
                    from_owner=True, tags=tuple(dict.fromkeys([*item.tags, *paper.tags])))
            if _only_cited(item) and (paper := papers.get(item_key(item.url))) else item
            for item in items]


def _only_cited(item: Item) -> bool:
    """A paper known by its arXiv id alone: a citation gave it its id as its title."""
    key = item_key(item.url)
    return key.startswith("arxiv:") and item.title == f"arXiv:{key.removeprefix('arxiv:')}"


def _item(entry: Any, source: SourceConfig, followed: dict[str, str]) -> Item | None:
    paper = ARXIV_LINK.match(entry.get("id", "").strip())
    if not paper:
        return None
    authors = tuple(name for author in entry.get("authors", []) if (name := plain_text(author.get("name", ""))))
    by_followed = [followed[key] for name in authors if (key := _name_key(name)) in followed]
    primary = (entry.get("arxiv_primary_category") or {}).get("term", "")
    tags = tuple(dict.fromkeys(t for t in [primary, *(tag.get("term") for tag in entry.get("tags", []))] if t))
    code = _CODE_LINK.search(entry.get("arxiv_comment", ""))
    version = int(paper["version"] or 1)
    return Item(
        url=arxiv_url(paper["id"]),
        title=plain_text(entry.get("title", "")) or f"arXiv:{paper['id']}",
        source=source.name,
        kind="paper",
        published=entry_date(entry, revised=version > 1),
        summary=plain_text(entry.get("summary", "")),
        authors=authors,
        version=version,
        tags=tags,
        provenance=(f"by {', '.join(by_followed)}, followed",) if by_followed else (),
        code_url=code[0].rstrip(".") if code else "",
        links_to=((code[0].rstrip("."), "its code, linked in its arXiv comment"),) if code else (),
    )


def _name_key(name: str) -> str:
    """'Björn Ommer' and 'Bjorn  Ommer' are one author; so are 'R. Rombach' and 'Robin Rombach'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = re.findall(r"[a-z]+", plain)
    return f"{words[0][0]} {words[-1]}" if words else ""
