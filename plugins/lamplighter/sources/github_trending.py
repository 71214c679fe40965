"""`github_trending`: the repositories on `https://github.com/trending/LANGUAGE?since=PERIOD`.

GitHub has no API for Trending, so the page is read with BeautifulSoup by its structure,
not by class names alone: each repository is an `<article>` whose heading (an `h1` until
2023, an `h2` since) links to `/OWNER/NAME`; its description is the first paragraph, and
"1,234 stars this week" gives the stars in the period. A page that yields no repository
is an error ("markup changed?"), never an empty week. Items are dated at the gather: a
trending list says what is rising now.

A trending repository is often a paper's official code. When its description cites exactly
one paper, it joins that paper's story. When it cites none, the opening of its README may:
its title, badges and first paragraphs, before its first `##` section, read from
`github.com/OWNER/NAME/raw/HEAD/README.md`. A README that cannot be read only means no join.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from ..errors import SourceError
from ..items import Item, cited_once
from ..settings import SourceConfig
from ..text import plain_text
from . import rebased

TYPE = "github_trending"
ENDPOINT = "https://github.com"
REQUIRED: dict[str, Any] = {}
OPTIONAL = {"language": str, "since": str, "base_url": str}
PERIODS = {"daily": "today", "weekly": "this week", "monthly": "this month"}
_REPO_PATH = re.compile(r"^/([A-Za-z0-9][\w\-]*)/([\w.\-]+)/?$")
_STARS_IN_PERIOD = re.compile(r"([\d,]+)\s+stars?\s+(?:today|this week|this month)", re.IGNORECASE)
_SECTION = re.compile(r"^(?:#{2,6}\s|<h[2-6][\s>])", re.MULTILINE | re.IGNORECASE)  # a section's heading, below the title
README_OPENING = 4000  # characters: a title, badges and a paragraph or two
README_READERS = 4  # READMEs asked for at once


def check(options: dict[str, Any]) -> None:
    if options.get("since", "daily") not in PERIODS:
        raise ValueError(f"'since' must be one of {', '.join(PERIODS)}, not {options['since']!r}")
    if not re.match(r"^[\w+#.\- ]*$", options.get("language", "")):
        raise ValueError(f"'language' must be a language as GitHub names it (python, c++), not {options['language']!r}")


def links(options: dict[str, Any]) -> tuple[str | None, str]:
    """Trending has no feed, only its page."""
    language = options.get("language", "").strip().lower().replace(" ", "-")
    path = f"/trending/{quote(language, safe='')}" if language else "/trending"
    return None, f"{ENDPOINT}{path}?since={options.get('since', 'daily')}"


def gather(source: SourceConfig, fetcher: Any) -> list[Item]:
    since = source.options.get("since", "daily")
    response = fetcher.get(rebased(links(source.options)[1], source.options.get("base_url")))
    rows = parse(response.body.decode("utf-8", "replace"))
    if not rows:
        raise SourceError("no repositories found on the Trending page (markup changed?)")
    joins = {row["repo"]: cited_once(row["description"], "cites it in its description on GitHub") for row in rows}
    unjoined = [repo for repo, join in joins.items() if not join]
    with ThreadPoolExecutor(max_workers=README_READERS) as pool:
        joins.update(zip(unjoined, pool.map(lambda repo: _readme_join(repo, fetcher, source.options), unjoined)))
    return [Item(url=f"https://github.com/{row['repo']}", title=row["repo"], source=source.name, kind="code",
                 published=fetcher.now, summary=row["description"], tags=tuple(filter(None, [row["language"]])),
                 provenance=(f"{row['stars_in_period']:,} stars {PERIODS[since]} on GitHub Trending",)
                 if row["stars_in_period"] else ("on GitHub Trending",),
                 signals={"stars": row["stars"], "stars_in_period": row["stars_in_period"]},
                 links_to=joins[row["repo"]])
            for row in rows]


def _readme_join(repo: str, fetcher: Any, options: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The paper the opening of a repository's README cites, when it cites exactly one."""
    try:
        response = fetcher.detail(rebased(f"{ENDPOINT}/{repo}/raw/HEAD/README.md", options.get("base_url")))
    except SourceError:
        return ()
    return cited_once(opening(response.body[:README_OPENING * 4].decode("utf-8", "replace")),
                      "cites it at the top of its README")


def opening(readme: str) -> str:
    """A README's title block: everything before its first section, at most `README_OPENING` characters."""
    section = _SECTION.search(readme, 0, README_OPENING)
    return readme[:section.start() if section else README_OPENING]


def parse(page: str) -> list[dict[str, Any]]:
    """Every repository row of a Trending page, in its order."""
    from bs4 import BeautifulSoup  # here, not above: every site build loads the source types, and never parses

    rows = []
    for article in BeautifulSoup(page, "html.parser").find_all("article"):
        heading = article.find(["h1", "h2"])
        link = heading.find("a", href=True) if heading else None
        path = _REPO_PATH.match(link["href"]) if link else None
        if not path:
            continue
        repo = f"{path[1]}/{path[2]}"
        description = article.find("p")
        language = article.find(attrs={"itemprop": "programmingLanguage"})
        stargazers = article.find("a", href=re.compile(r"/stargazers/?$"))
        in_period = _STARS_IN_PERIOD.search(article.get_text(" "))
        rows.append({
            "repo": repo,
            "description": plain_text(description.get_text(" ")) if description else "",
            "language": plain_text(language.get_text()) if language else "",
            "stars": _number(stargazers.get_text()) if stargazers else 0,
            "stars_in_period": _number(in_period[1]) if in_period else 0,
        })
    return rows


def _number(text: str) -> int:
    digits = re.sub(r"[^\d]", "", text)
    return int(digits) if digits else 0
