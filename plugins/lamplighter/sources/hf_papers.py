"""`hf_papers`: Hugging Face's daily papers, from `https://huggingface.co/api/daily_papers`.

The list the community upvotes each day, where Papers with Code's readers went after it
shut down in 2025: each paper comes with its upvotes and, often, its code on GitHub.
One request per ISO week the gather covers (`?week=2026-W48`), with at most `limit`
papers each. Papers link to their arXiv page, so a paper also seen through arXiv or a
commit is one candidate; each is dated by the day it was featured.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from ..errors import SourceError
from ..items import ARXIV_ID, Item, arxiv_url, is_web_link
from ..settings import SourceConfig
from ..text import plain_text
from ..weeks import week_of
from . import rebased
from .hf_models import count

TYPE = "hf_papers"
ENDPOINT = "https://huggingface.co/api/daily_papers"
REQUIRED: dict[str, Any] = {}
OPTIONAL = {"limit": int, "base_url": str}
DEFAULT_LIMIT = 50
MOST = 100
MOST_TAGS = 8
_PAPER_ID = re.compile(rf"^{ARXIV_ID}$")


def check(options: dict[str, Any]) -> None:
    if not 1 <= options.get("limit", DEFAULT_LIMIT) <= MOST:
        raise ValueError(f"'limit' must be between 1 and {MOST}")


def links(options: dict[str, Any]) -> tuple[str | None, str]:
    """The daily papers have no feed of their own, only their page."""
    return None, "https://huggingface.co/papers"


def gather(source: SourceConfig, fetcher: Any) -> list[Item]:
    items: list[Item] = []
    for week in _weeks(fetcher.window):
        query = urlencode({"week": week, "limit": source.options.get("limit", DEFAULT_LIMIT)})
        response = fetcher.get(rebased(f"{ENDPOINT}?{query}", source.options.get("base_url")))
        papers = response.json("a list of papers")
        if not isinstance(papers, list):
            raise SourceError(f"expected a list of papers, got {type(papers).__name__}")
        items += [item for entry in papers if isinstance(entry, dict) and (item := _item(entry, source))]
    return items


def _weeks(window: Any) -> list[str]:
    """Every ISO week the window touches, in order."""
    weeks, day = [], window.since.date()
    while day < window.until.date():
        if week_of(day) not in weeks:
            weeks.append(week_of(day))
        day += timedelta(days=1)
    return weeks


def _item(entry: dict[str, Any], source: SourceConfig) -> Item | None:
    paper = entry.get("paper") if isinstance(entry.get("paper"), dict) else entry
    paper_id = str(paper.get("id") or "")
    if not _PAPER_ID.match(paper_id):
        return None
    upvotes = count(paper.get("upvotes", entry.get("upvotes")))
    code = str(paper.get("githubRepo") or "")
    stars = count(paper.get("githubStars"))
    seen = [f"{upvotes:,} upvotes on HF Papers"]
    if code and stars:
        seen.append(f"{stars:,} stars on GitHub")
    keywords = [plain_text(str(word)) for word in paper.get("ai_keywords") or [] if isinstance(word, str)]
    return Item(
        url=arxiv_url(paper_id),
        title=plain_text(str(entry.get("title") or paper.get("title") or "")) or f"arXiv:{paper_id}",
        source=source.name,
        kind="paper",
        # The day it was featured; older answers only say when the entry or the paper was published.
        published=next(filter(None, map(_date, (paper.get("submittedOnDailyAt"), entry.get("publishedAt"),
                                                paper.get("publishedAt")))), None),
        summary=plain_text(str(paper.get("summary") or entry.get("summary") or "")),
        authors=tuple(name for author in paper.get("authors") or []
                      if isinstance(author, dict) and (name := plain_text(str(author.get("name") or "")))),
        tags=tuple(word for word in keywords if word)[:MOST_TAGS],
        provenance=tuple(seen),
        signals={"upvotes": upvotes, "comments": count(entry.get("numComments"))},
        code_url=code if is_web_link(code) else "",
        links_to=tuple((link, f"{field} on HF Papers")
                       for field, link in (("githubRepo", code), ("projectPage", str(paper.get("projectPage") or "")))
                       if is_web_link(link)),
    )


def _date(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
