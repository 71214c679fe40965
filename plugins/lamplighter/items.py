"""The one record every stage passes on: sources make items, curation ranks them, the draft writes them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

# Sections of the draft, in the order they appear.
KINDS = ("update", "paper", "code", "model", "release", "article", "video", "discussion")
# Minutes a reader spends on an item of each kind, from the newsletter: reading an abstract
# and its figures, skimming a repository's README, watching part of a talk.
READING_MINUTES = {"update": 2, "paper": 6, "code": 3, "model": 2, "release": 2, "article": 5, "video": 10, "discussion": 3}

# New-style ids (2403.03206) and old-style ones (astro-ph/0601001, math.GT/0309136).
ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"
ARXIV_LINK = re.compile(
    rf"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/{ARXIV_ID}(?:v(?P<version>\d+))?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
# Hugging Face's paper pages are named by the arXiv id: the same paper, another page.
HF_PAPER_LINK = re.compile(rf"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/papers/{ARXIV_ID}/?$", re.IGNORECASE)
# arXiv registers a DOI for every paper: 10.48550/arXiv.2403.03206.
ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.{ARXIV_ID}$", re.IGNORECASE)
DOI_LINK = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)$", re.IGNORECASE)
# How texts cite a paper: arXiv links and ids, HF paper pages, DOIs (arXiv's own DOI is the arXiv paper).
_CITATIONS = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|(?:huggingface|hf)\.co/papers/|\barxiv:\s*|\barxiv\s+){ARXIV_ID}"
    r"|\b(?P<doi>10\.\d{4,9}/[^\s\"'<>)\]}]+)",
    re.IGNORECASE,
)
# Query parameters that say where a click came from, not what the link points at.
TRACKING_PARAMETER = re.compile(
    r"^(?:utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|li_fat_id|mc_cid|mc_eid|_hsenc|_hsmi"
    r"|igshid|mkt_tok|ref_src|ref_url|trk|spm|si|s_cid|_ga|_gl)$",
    re.IGNORECASE,
)
# Signals that add up when one link comes from several sources; the others keep their highest value.
ADDITIVE_SIGNALS = ("citations",)
# The sites that own a story's link and title: a paper's is arXiv's (or Hugging Face Papers'),
# a repository's GitHub's, a model's the Hub's. Another site may mention the story, never replace them.
HF_PAPERS_PAGE = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/papers(?:[/?#]|$)", re.IGNORECASE)
HOME_SITES = ("github.com", "huggingface.co")
# What a story's parts are, in the order a reader looks for them (`part_label` writes them, `part_role` reads them).
PART_ROLES = ("code", "weights", "release", "merge")


@dataclass(frozen=True, kw_only=True)
class Item:
    """One link a source offers for the issue. Every text field is plain text, never markup.

    `provenance` says, in words, how the source came to it ("cited in huggingface/diffusers
    #9101", "120 upvotes on HF Papers"); `signals` are the numbers behind such words, for
    ranking (stars, stars_in_period, likes, downloads, upvotes, citations); `cautions` are
    what a reader should know before using a model (its license, gated access, content tags).
    `from_owner` says the source is the site that owns the link (`owned_by`); `pages` are
    other sources' own pages on the same story, as (source name, link). `links_to` are the
    stories a source says this item belongs to, as (link, how it says so: "tagged
    arxiv:2403.03206 on the Hub"); `parts` are the items joined under this one, the head of
    its story, as (label, link, how they were joined, the sources that offered them).
    """

    url: str
    title: str
    source: str
    kind: str = "article"
    published: datetime | None = None
    summary: str = ""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    provenance: tuple[str, ...] = ()
    signals: dict[str, int] = field(default_factory=dict, hash=False)
    cautions: tuple[str, ...] = ()
    code_url: str = ""  # the code behind a paper, when a source knows it
    from_owner: bool = False
    pages: tuple[tuple[str, str], ...] = ()
    links_to: tuple[tuple[str, str], ...] = ()
    parts: tuple[tuple[str, str, str, str], ...] = ()
    follows: tuple[str, str, str, str] = ()  # an update's earlier story: (week, issue label, title, link)
    version: int = 0  # a paper's arXiv version, when its source says which

    @property
    def key(self) -> str:
        return update_key(self.url) if self.kind == "update" else item_key(self.url)


def citations(text: str) -> list[str]:
    """The papers a text cites, as links, in order, each once: arXiv ids and links, HF paper pages, DOIs."""
    links: dict[str, str] = {}
    for match in _CITATIONS.finditer(text):
        link = arxiv_url(match["id"]) if match["id"] else "https://doi.org/" + match["doi"].rstrip(".,;:'\"`")
        key = item_key(link)  # arXiv's own DOI (10.48550/arXiv.ID) is the arXiv paper
        links.setdefault(key, arxiv_url(key.removeprefix("arxiv:")) if key.startswith("arxiv:") else link)
    return list(links.values())


def cited_once(text: str, how: str) -> tuple[tuple[str, str], ...]:
    """The one paper a text cites, as a join to its story; none when it cites several (which would it be?)."""
    cited = citations(text)
    return ((cited[0], how),) if len(cited) == 1 else ()


def reading_minutes(kinds: Iterable[str | None]) -> int:
    """The estimated reading time of items of these kinds; an unknown kind reads like an article."""
    return sum(READING_MINUTES.get(kind or "article", READING_MINUTES["article"]) for kind in kinds)


def arxiv_url(arxiv_id: str) -> str:
    """A paper's public page, whichever source or mirror it came through."""
    return f"https://arxiv.org/abs/{arxiv_id}"


@lru_cache(maxsize=1 << 16)  # a ranking asks for each link's key many times
def item_key(url: str) -> str:
    """The identity of a link: a paper's arXiv id or DOI, otherwise its URL without the parts that vary.

    However a link is written back (percent-encoded in the draft, its host in punycode by a
    Markdown parser, or as a source gave it), it has one key: the address decoded.
    """
    url = url.strip()
    paper = ARXIV_LINK.match(url) or HF_PAPER_LINK.match(url)
    if paper:
        return f"arxiv:{paper['id']}"
    doi = DOI_LINK.match(url)
    if doi:
        name = unquote(doi[1]).rstrip(".,;")
        arxiv = ARXIV_DOI.match(name)
        return f"arxiv:{arxiv['id']}" if arxiv else f"doi:{name.lower()}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # not an address a browser could open: its own text is its identity
        return url
    host = _host(parts.hostname or "").removeprefix("www.").removeprefix("m.")
    if port and port not in (80, 443):
        host = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    query = sorted((name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                   if not TRACKING_PARAMETER.match(name))
    if host == "youtu.be":  # the share link of a video is the video
        host, query = "youtube.com", sorted([*query, ("v", parts.path.strip("/"))])
        return f"{host}/watch?{urlencode(query)}"
    key = host + unquote(parts.path).strip().rstrip("/")  # "%20" at an end is the space a source left
    return f"{key}?{urlencode(query)}" if query else key


def update_key(url: str) -> str:
    """An update's identity: its event's link, where a paper's new version (arxiv.org/abs/IDv3) is its own.

    Everywhere else a version is the paper, so that every source naming it is one story;
    as news, each version comes once.
    """
    paper = ARXIV_LINK.match(url.strip())
    return f"arxiv:{paper['id']}v{paper['version']}" if paper and paper["version"] else item_key(url)


def _host(name: str) -> str:
    """A host name in one spelling: decoded, lower-case, international names in Unicode."""
    name = unquote(name).lower()
    if "xn--" in name:
        try:
            return name.encode("ascii").decode("idna")
        except UnicodeError:
            return name
    return name


@lru_cache(maxsize=1 << 16)  # asked of each link by gathering, ranking and the draft
def is_web_link(url: str) -> bool:
    """Whether a link can go in an issue: http(s) to a named host, nothing else."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def tracking_parameters(url: str) -> list[str]:
    """The names of the parameters in a link that only track the click (utm_source, fbclid…)."""
    if "?" not in url:
        return []  # most links have no query: no need to parse them
    return [name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True) if TRACKING_PARAMETER.match(name)]


def without_tracking(url: str) -> str:
    """The link a reader should get: the same address without its tracking parameters."""
    if not tracking_parameters(url):
        return url
    parts = urlsplit(url)
    kept = [pair for pair in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMETER.match(pair[0])]
    return parts._replace(query=urlencode(kept)).geturl()


@lru_cache(maxsize=1 << 16)
def site(url: str) -> str:
    """The site a link is on, as its owner is named: "export.arxiv.org" is arXiv, "hf.co" the Hub."""
    host = _host(urlsplit(url).hostname or "")
    name = ".".join(host.split(".")[-2:])
    return "huggingface.co" if name == "hf.co" else name


def owner_link(url: str) -> bool:
    """Whether a link is a story's own page: a paper on arXiv, Hugging Face Papers or doi.org, or a page on GitHub or the Hub."""
    return item_key(url).startswith(("arxiv:", "doi:")) or site(url) in HOME_SITES


def owned_by(url: str, source_page: str) -> bool:
    """Whether a source on `source_page`'s site owns the link's title and link: arXiv's own listing does, a blog does not."""
    if item_key(url).startswith("arxiv:"):
        return site(source_page) == "arxiv.org" or bool(HF_PAPERS_PAGE.match(source_page))
    return owner_link(url) and site(url) == site(source_page)


def merge(items: list[Item], *, primary: Item | None = None) -> Item:
    """One item out of the same story seen through several sources, keeping every source's word on it.

    A story's own page (a paper, a repository, a model) gives the link, title and text, and
    of several, the one its owner offered (arXiv's listing of a paper, whatever a blog that
    links to it calls it); then the fullest item (with an abstract and authors, rather than
    a bare citation in a commit). The others add their source names, provenance, tags,
    signals and cautions, and, when they link elsewhere, their own page as a labelled link
    (`pages`).
    """
    if len(items) == 1:
        return items[0]
    primary = primary or max(items, key=lambda item: (owner_link(item.url), item.from_owner,
                                           len(item.summary) + 100 * len(item.authors), -items.index(item)))
    others = [item for item in items if item is not primary]
    signals: dict[str, int] = {}
    for item in items:
        for name, value in item.signals.items():
            signals[name] = signals.get(name, 0) + value if name in ADDITIVE_SIGNALS else max(signals.get(name, 0), value)
    pages: dict[str, tuple[str, str]] = {}  # the first source to give a link names it
    for name, url in [*primary.pages, *(page for item in others
                                        for page in [(item.source.split(" · ")[0], item.url), *item.pages])]:
        pages.setdefault(item_key(url), (name, url))
    pages.pop(primary.key, None)
    return replace(
        primary,
        source=" · ".join(_unique(part for item in [primary, *others] for part in item.source.split(" · "))),
        tags=_unique(tag for item in items for tag in item.tags),
        provenance=_unique(line for item in items for line in item.provenance),
        signals=signals,
        cautions=_unique(line for item in items for line in item.cautions),
        code_url=primary.code_url or next((item.code_url for item in others if item.code_url), ""),
        pages=tuple(pages.values()),
        links_to=_unique(join for item in [primary, *others] for join in item.links_to),
        version=max(item.version for item in items),
    )


def join(head: Item, members: list[tuple[Item, str]]) -> Item:
    """One story: the head's title and link, and each member as a labelled part with how it was joined.

    The members add their sources, provenance, tags, signals and cautions, as in `merge`,
    and their own parts, in `PART_ROLES` order; the story reads in the head's reading time.
    """
    if not members:
        return head
    merged = merge([head, *(member for member, _ in members)], primary=head)
    parts = {item_key(part[1]): part for part in head.parts}
    for member, how in members:
        parts.setdefault(member.key, (part_label(member), member.url, how, member.source))
        for part in member.parts:
            parts.setdefault(item_key(part[1]), part)
    parts.pop(head.key, None)
    ordered = sorted(parts.values(), key=lambda part: (PART_ROLES + ("",)).index(part_role(part[0])))
    return replace(merged, pages=tuple(page for page in merged.pages if item_key(page[1]) not in parts),
                   parts=tuple(ordered), links_to=head.links_to)


def part_role(label: str) -> str:
    """What a part's label says it is, one of `PART_ROLES` ("merge" for "in org/repo #N"), or "" for the rest."""
    if label.startswith("in "):
        return "merge"
    role, colon, _ = label.partition(":")
    return role if colon and role in PART_ROLES else ""


def part_label(item: Item) -> str:
    """What a part of a story is, in a few words: "code: org/repo", "weights: org/model", "in org/repo"."""
    path = urlsplit(item.url).path.strip("/").split("/")
    if item.kind == "model":
        return f"weights: {item.title}"
    if item.kind == "release":
        return f"release: {item.title}"
    if site(item.url) == "github.com" and len(path) >= 2:
        repository = "/".join(path[:2])
        if len(path) > 2 and path[2] in ("commit", "pull"):
            number = next((found[1] for line in item.provenance if (found := re.search(r" as #(\d+)", line))), "")
            return f"in {repository} #{number}" if number else f"in {repository}"
        return f"code: {repository}"
    if item.kind in ("paper", "video", "discussion"):
        return item.kind
    return item.source.split(" · ")[0]


def _unique(values) -> tuple[str, ...]:  # noqa: ANN001 (any iterable of strings)
    return tuple(dict.fromkeys(values))


def guess_kind(url: str) -> str:
    """The medium a link points at, from its address alone; sources that know better say so."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if ARXIV_LINK.match(url) or HF_PAPER_LINK.match(url) or DOI_LINK.match(url):
        return "paper"
    if host in ("youtube.com", "youtu.be", "m.youtube.com", "vimeo.com"):
        return "video"
    if host in ("github.com", "gitlab.com", "codeberg.org"):
        return "release" if "/releases/" in url else "code"
    if host in ("reddit.com", "old.reddit.com", "news.ycombinator.com"):
        return "discussion"
    return "article"
