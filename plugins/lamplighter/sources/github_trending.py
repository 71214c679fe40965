"""`github_trending`: the repositories on `https://github.com/trending/LANGUAGE?since=PERIOD`.

GitHub has no API for Trending, so the page is read with BeautifulSoup by its structure,
not by class names alone: each repository is an `<article>` whose heading (an `h1` until
2023, an `h2` since) links to `/OWNER/NAME`; its description is the first paragraph, and
"1,234 stars this week" gives the stars in the period. A page that yields no repository
is an error ("markup changed?"), never an empty week. Items are dated at the gather: a
trending list says what is rising now.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..errors import SourceError
from ..fetch import rebased
from ..items import Item, cited_once
from ..settings import SourceConfig
from ..text import plain_text

TYPE = "github_trending"
ENDPOINT = "https://github.com"
REQUIRED: dict[str, Any] = {}
OPTIONAL = {"language": str, "since": str, "base_url": str}
PERIODS = {"daily": "today", "weekly": "this week", "monthly": "this month"}
_REPO_PATH = re.compile(r"^/([A-Za-z0-9][\w\-]*)/([\w.\-]+)/?$")
_STARS_IN_PERIOD = re.compile(r"([\d,]+)\s+stars?\s+(?:today|this week|this month)", re.IGNORECASE)


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
    return [Item(url=f"https://github.com/{row['repo']}", title=row["repo"], source=source.name, kind="code",
                 published=fetcher.now, summary=row["description"], tags=tuple(filter(None, [row["language"]])),
                 provenance=(f"{row['stars_in_period']:,} stars {PERIODS[since]} on GitHub Trending",)
                 if row["stars_in_period"] else ("on GitHub Trending",),
                 signals={"stars": row["stars"], "stars_in_period": row["stars_in_period"]},
                 links_to=cited_once(row["description"], "cites it in its description on GitHub"))
            for row in rows]


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
