"""Each published issue as email: `issues/YYYY-Www/email.html` and `email.txt`, to paste into any mail service.

Mail clients drop `<style>` blocks, scripts and relative links, and render at about 600
pixels, so the HTML version is one table of `WIDTH` pixels with every style inlined on its
element, only a safe set of tags (nh3), and absolute links. The text version is the same
issue as plain text: headings underlined, each link's address after its text.
"""

from __future__ import annotations

import html
import os
import re
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import astuple, dataclass
from pathlib import Path
from urllib.parse import urljoin

import nh3
from pelican.contents import Article
from pelican.generators import Generator

from .buildrecord import BuildRecord
from .page import links_within_site

WIDTH = 600
TEXT_WIDTH = 72
PARALLEL_FROM = 8  # issues waiting for email versions before a second process pays for itself
FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
# The site's light palette (theme/static/css/main.css): text, muted, paper, accent, rule, note.
TEXT, MUTED, PAPER, ACCENT, LINE, NOTE = "#1f1d1a", "#5b564d", "#fdfcf8", "#8a4b00", "#e0dacd", "#f4efe2"
SMALL_STYLE = f"font-size:13px;color:{MUTED};"
# The inline style of each element; mail clients ignore style sheets.
STYLES = {
    "h1": f"margin:0 0 8px;font-size:26px;line-height:1.2;color:{TEXT};",
    "h2": f"margin:28px 0 8px;font-size:19px;line-height:1.3;color:{TEXT};border-bottom:1px solid {LINE};",
    "h3": f"margin:20px 0 6px;font-size:16px;color:{TEXT};",
    "p": f"margin:0 0 12px;font-size:16px;line-height:1.55;color:{TEXT};",
    "ul": "margin:0 0 12px;padding-left:20px;",
    "ol": "margin:0 0 12px;padding-left:20px;",
    "li": f"margin:0 0 16px;font-size:16px;line-height:1.55;color:{TEXT};",
    "a": f"color:{ACCENT};text-decoration:underline;",
    "blockquote": f"margin:0 0 12px;padding-left:12px;border-left:3px solid {LINE};color:{MUTED};",
    "code": "font-family:Menlo,Consolas,monospace;font-size:15px;",
    "pre": f"margin:0 0 12px;padding:8px;background:{NOTE};font-size:14px;white-space:pre-wrap;",
    "small": SMALL_STYLE,  # an item's sources and signals, quieter, as on the page
}
# An editor's note (a list item's second paragraph and after) stands apart, as on the site.
NOTE_STYLE = f"margin:8px 0 12px;padding:8px 12px;background:{NOTE};border-left:3px solid {ACCENT};"
ALLOWED_TAGS = {"a", "p", "ul", "ol", "li", "h1", "h2", "h3", "h4", "em", "strong", "code", "pre", "blockquote",
                "br", "hr", "small"}


@dataclass(frozen=True)
class Job:
    """One issue's email versions to render, in this process or a second one."""

    title: str
    url: str  # the issue on the web
    content: str
    meta: str  # "Issue 12 · 16–22 November 2026 · about 35 min"
    site_name: str
    promise: str  # SITESUBTITLE
    home: str  # the site's address


class EmailGenerator(Generator):
    """Writes each issue's email versions, skipping those whose issue has not changed since the last build."""

    def generate_output(self, writer: object) -> None:
        site = self.settings["SITEURL"]
        record = BuildRecord.of(self.settings, "emails")
        early = _early.pop(_key(self.settings), None)
        try:
            for issue in self.context.get("articles", []):
                page = issue.save_as  # once: Pelican works it out from the settings each time
                folder = _folder(issue, page)
                job = _job(issue, issue.get_content(site))
                unchanged = record.unchanged(page, astuple(job), [folder / "email.html", folder / "email.txt"])
                written = early.settle(folder) if early else None
                if written == job or (written is None and unchanged):
                    continue
                _write_issue(job, folder)  # changed since it was read (a follow-up's note), or never started
        finally:
            if early:
                early.close()
        record.save()


def render_early(content: Article) -> None:
    """Start a published issue's email versions as soon as it is read (and its page content is final).

    Pelican reads the issues on one core, and on a cold build the other is idle; an issue's
    email versions need nothing but the issue, unless it links to other pages of the site
    (`{filename}`), which are resolved once every page is known: those wait for the others.
    """
    if content.status != "published" or hasattr(content, "_get_content"):
        return
    raw = content._content or ""
    if links_within_site(raw, content.settings):
        return
    key = _key(content.settings)
    early = _early.get(key)
    if early is None:  # once a build: its record is read once, not once per issue
        early = _early[key] = _EarlyRenders(content.settings)
    job = _job(content, raw)
    page = content.save_as
    folder = _folder(content, page)
    if not early.record.unchanged(page, astuple(job), [folder / "email.html", folder / "email.txt"]):
        early.add(job, folder)


def forget_early(pelican: object) -> None:
    """An `initialized` receiver: a build that failed before writing leaves no renders for the next one."""
    early = _early.pop(_key(pelican.settings), None)
    if early:
        early.close()


class _EarlyRenders:
    """Email versions rendered and written by a second process while Pelican goes on reading.

    The second process writes the files itself, so the build's own process never holds the
    versions of every issue at once (at 2,000 issues, about 250 MB). A process pays for
    itself only when many issues need their versions (a cold build), so the first few
    wait: an edited issue is rendered in the build's own process, as before.
    """

    def __init__(self, settings: dict) -> None:
        self.record = BuildRecord.of(settings, "emails")
        self.waiting: list[tuple[Job, Path]] = []
        self.futures: dict[Path, tuple[Job, Future]] = {}
        self.pool: ProcessPoolExecutor | None = None

    def add(self, job: Job, folder: Path) -> None:
        self.waiting.append((job, folder))
        if self.pool is None and len(self.waiting) < PARALLEL_FROM:
            return
        self.pool = self.pool or ProcessPoolExecutor(max_workers=1)
        for waiting, where in self.waiting:
            self.futures[where] = (waiting, self.pool.submit(_write_issue, waiting, where))
        self.waiting = []

    def settle(self, folder: Path) -> Job | None:
        """The job whose versions the second process wrote in `folder`, or None if it was never started there.

        Whatever it was asked to write there is finished (or stopped before it began) when
        this returns, so the caller's own versions are never overwritten by older ones.
        """
        job, future = self.futures.pop(folder, (None, None))
        if future is None or future.cancel():
            return None
        future.result()  # raises what the second process raised
        return job

    def close(self) -> None:
        if self.pool:
            self.pool.shutdown(cancel_futures=True)


def _key(settings: dict) -> str:
    return os.path.abspath(settings["OUTPUT_PATH"])  # asked once an issue: no symlinks resolved, no system calls


def _folder(issue: Article, page: str) -> Path:
    return Path(issue.settings["OUTPUT_PATH"]) / os.path.dirname(page)


def _job(issue: Article, content: str) -> Job:
    minutes = getattr(issue, "reading_minutes", 0)  # the issue's facts, as its page shows them (site.describe_issue)
    meta = " · ".join(filter(None, [
        f"Issue {issue.metadata['issue']}" if issue.metadata.get("issue") else "",
        getattr(issue, "week_label", "") or issue.locale_date, f"about {minutes} min" if minutes else ""]))
    home = issue.settings["SITEURL"]
    return Job(issue.title, f"{home}/{issue.url}", content, meta, issue.settings["SITENAME"],
               issue.settings.get("SITESUBTITLE") or "", f"{home}/")


def _write_issue(job: Job, folder: Path) -> None:
    """Render one issue's email versions and write them, in whichever process renders them."""
    body, text = render(job.content, job.url)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "email.html").write_text(as_html(job, body), encoding="utf-8")
    (folder / "email.txt").write_text(as_text(job, text), encoding="utf-8")


# nh3 serializes what it keeps in one way only: every tag is `<name>`, `<name attr="value">` or
# `</name>`, text has its `&`, `<` and `>` escaped, and comments are gone. So one expression
# splits its output exactly, several times faster than an HTML parser written in Python.
_TAG_OR_TEXT = r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s=>]+="[^"]*")*)\s*/?>|([^<]+)'
_TOKEN = re.compile(_TAG_OR_TEXT)
# Most of an issue is items as the page writes them (page.for_readers): a link, its sources,
# its description, perhaps the editor's notes. Tried before a tag or text at each token, so
# only ever at a token's start, one match takes a whole item (see _EmailWriter.item).
_ITEM = (r'(<li>([ \n]*)<p><a href="([^"]*)">([^<]+)</a><br>([ \n]*)<small>([^<]*)</small><br>([^<]+)</p>'
         r'((?:[ \n]*<p>[^<]+</p>)*)([ \n]*)</li>)')
_ITEM_OR_TOKEN = re.compile(f"{_ITEM}|{_TAG_OR_TEXT}")
_NOTE = re.compile(r'([ \n]*)<p>([^<]+)</p>')
_HREF = re.compile(r'\bhref="([^"]*)"')


def render(content: str, page_url: str, whole_items: bool = True) -> tuple[str, list[str]]:
    """The issue's body for email, in one pass: HTML with inline styles and absolute links, and plain text.

    `whole_items=False` reads every item tag by tag: what the tests hold the whole-item reading to.
    """
    writer = _EmailWriter(page_url)
    clean = _clean(content)
    if whole_items:
        for item, *parts, closing, tag, attributes, text in _ITEM_OR_TOKEN.findall(clean):  # tuples: thousands
            if not item:
                writer.token(closing, tag, attributes, text)
            elif not writer.item(*parts):  # an item where the page's shape does not hold
                writer.tokens(item)
    else:
        writer.tokens(clean)
    writer.end()
    return "".join(writer.html), writer.lines


def _clean(content: str) -> str:
    return nh3.clean(content, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
                     link_rel=None)


class _EmailWriter:
    """Streams nh3's clean HTML into email HTML and plain text; no tree, so a 250-link issue takes milliseconds."""

    def __init__(self, page_url: str) -> None:
        self.page_url = page_url
        self.html: list[str] = []
        self.lines: list[str] = []
        self.inline: list[str] = []  # the text of the paragraph, heading or list item being read
        self.open: list[str] = []  # the elements we are inside
        self.items: list[list[int]] = []  # for each list: [its number so far, paragraphs in the current item]
        self.links: list[tuple[str, list[str]]] = []  # href and text of the links we are inside
        self.pre: list[str] | None = None
        self.continued = False  # the text read next goes on the line after a <br>, in the same paragraph
        self.headings: list[str] = []  # the headings we are inside (a parser lets one hold another)
        self.pad = ""  # the indent of text in the current list item: "  " per "- " level, "   " per "1. "

    def tokens(self, clean: str) -> None:
        for token in _TOKEN.findall(clean):
            self.token(*token)

    def token(self, closing: str, tag: str, attributes: str, text: str) -> None:
        """One tag or text of nh3's output."""
        if text:
            if self.pre is not None or self.links:
                self.handle_data(text)
            else:  # most text: outside links and code, as handle_data takes it, without the call
                self.html.append(text)
                if self.inline or not text.isspace():  # a paragraph's text starts at its first word
                    self.inline.append(html.unescape(text) if "&" in text else text)
        elif closing:
            self.handle_endtag(tag)
        elif tag == "a":
            href = _HREF.search(attributes)
            self.handle_starttag(tag, html.unescape(href[1]) if href else None)
        else:
            self.handle_starttag(tag, None)

    def item(self, space: str, href: str, title: str, gap: str, sources: str, description: str, notes: str,
             end: str) -> bool:
        """A whole list item in the page's shape, as the tags one by one would write it; False when it cannot be.

        It can when the item is a list's own child, outside links, code and headings, and its
        title is not blank (a blank one would make its sources the item's first line).
        """
        if not (self.items and self.open and self.open[-1] in ("ul", "ol")) or self.links or self.pre is not None \
                or self.headings:
            return False
        href = _absolute(self.page_url, html.unescape(href))
        name = html.unescape(title) if "&" in title else title
        heading = _words(name if href == name.strip() else f"{name} <{href}>")
        if not heading:
            return False
        self._end_paragraph()  # what was read before the item, as <li> would
        counts = self.items[-1]
        counts[0] += 1
        pad, mark = self.pad, f"{counts[0]}. " if self.open[-1] == "ol" else "- "
        lines = self.lines
        lines += _wrap(heading, pad[: len(pad) - len(mark)] + mark, pad)
        for text in (sources, description):
            words = _words(html.unescape(text) if "&" in text else text)
            if words:
                lines += _wrap(words, pad, pad)
        paragraphs = 1
        body = [f'<li style="{STYLES["li"]}">{space}<p style="{STYLES["p"]}"><a href="{html.escape(href, quote=True)}" '
                f'style="{STYLES["a"]}">{title}</a><br>{gap}<small style="{SMALL_STYLE}">{sources}</small><br>'
                f'{description}</p>']
        for before, note in _NOTE.findall(notes):
            body.append(f'{before}<p style="{STYLES["p"]}{NOTE_STYLE}">{note}</p>')
            words = _words(html.unescape(note) if "&" in note else note)
            if words:
                self._blank()
                lines += _wrap(words, pad, pad)
                paragraphs += 1
        counts[1] = paragraphs
        self._blank()
        body.append(f"{end}</li>")
        self.html += body
        return True

    def handle_starttag(self, tag: str, href: str | None) -> None:
        style = STYLES.get(tag, "")
        if tag == "a":
            href = _absolute(self.page_url, href or "")
            self.links.append((href, []))
            self.html.append(f'<a href="{html.escape(href, quote=True)}" style="{style}">')
            return
        if tag in ("p", "h1", "h2", "h3", "h4", "li", "ul", "ol", "pre", "blockquote"):
            self._end_paragraph()
        elif tag == "br" and self.pre is None:
            if self.headings:
                self.inline.append(" ")  # a heading stays one line
            else:
                self._end_paragraph(line_break=True)  # an item's title, sources and description: three lines
        if tag == "p" and self.open and self.open[-1] == "li" and self.items and self.items[-1][1]:
            style += NOTE_STYLE  # a later paragraph of an item: the editor's note
        if tag in ("ul", "ol"):
            self.items.append([0, 0])
            self.pad += "   " if tag == "ol" else "  "
        elif tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(tag)
        elif tag == "li" and self.items:
            self.items[-1][0] += 1
            self.items[-1][1] = 0
        elif tag == "pre":
            self.pre = []
        if tag not in ("br", "hr"):
            self.open.append(tag)
        self.html.append(f'<{tag} style="{style}">' if style else f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, text = self.links.pop()
            if href != "".join(text).strip():
                self.inline.append(f" <{href}>")
        elif tag in ("p", "h1", "h2", "h3", "h4", "li"):
            self._end_paragraph()
        elif tag == "pre" and self.pre is not None:
            self.lines += [self.pad + "    " + line for line in "".join(self.pre).splitlines()]
            self.pre = None
            self._blank()
        if tag in ("ul", "ol") and self.items:
            self.items.pop()
            self.pad = self.pad[: -3 if tag == "ol" else -2]
            self._blank()
        elif self.headings and tag == self.headings[-1]:
            self.headings.pop()
        if tag == "li":
            self._blank()
        if self.open and self.open[-1] == tag:
            self.open.pop()
        self.html.append(f"</{tag}>")

    def handle_data(self, escaped: str) -> None:
        self.html.append(escaped)
        data = html.unescape(escaped) if "&" in escaped else escaped
        if self.pre is not None:
            self.pre.append(data)
            return
        self.inline.append(data)
        for _, text in self.links:
            text.append(data)

    def end(self) -> None:
        self._end_paragraph()

    def _end_paragraph(self, line_break: bool = False) -> None:
        """The text read since the last block (or <br>) as lines; a <br> keeps the paragraph going."""
        continued = self.continued
        text = " ".join("".join(self.inline).split()) if self.inline else ""  # most calls: a tag right after another
        self.inline.clear()  # the same list: render() holds it
        if not text:
            self.continued = continued and line_break  # a <br> after a <br> still continues; a block ends it
            return
        self.continued = line_break
        heading = self.headings[-1] if self.headings else None
        if heading:
            self.lines += [text, ("=" if heading == "h1" else "-") * len(text)]
        elif self.items and "li" in self.open:
            number, paragraphs = self.items[-1]
            pad = self.pad
            if continued:
                self.lines += _wrap(text, pad, pad)
                return
            if paragraphs:  # the editor's note, set apart by a blank line
                self._blank()
                self.lines += _wrap(text, pad, pad)
            else:
                mark = f"{number}. " if self._list_kind() == "ol" else "- "
                self.lines += _wrap(text, pad[: len(pad) - len(mark)] + mark, pad)
            self.items[-1][1] += 1
            return
        else:
            self.lines += _wrap(text, self.pad, self.pad)
        if not line_break:
            self._blank()

    def _list_kind(self) -> str:
        return next((tag for tag in reversed(self.open) if tag in ("ul", "ol")), "ul")

    def _blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")


def _words(text: str) -> str:
    return " ".join(text.split())


def _absolute(page_url: str, href: str) -> str:
    if href.startswith(("https://", "http://")):  # most links: already absolute, and urljoin would normalize them
        return href
    try:
        return urljoin(page_url, href)
    except ValueError:  # an address Python cannot parse ("//[") goes as it came
        return href


def as_html(job: Job, body: str) -> str:
    """The email: the masthead, the issue's number, week and reading time, its body, and a footer, in the site's palette."""
    title, url, site, promise, home = (html.escape(text, quote=True) for text in
                                       (job.title, job.url, job.site_name, job.promise, job.home))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body style="margin:0;padding:0;background:{NOTE};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:{NOTE};">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="{WIDTH}" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:{WIDTH}px;background:{PAPER};font-family:{FONT};">
<tr><td style="padding:24px;">
<p style="{STYLES['p']}margin:0;font-size:20px;font-weight:800;">{site}</p>
<p style="{STYLES['p']}{SMALL_STYLE}padding-bottom:10px;border-bottom:2px solid {TEXT};">{promise}</p>
<h1 style="{STYLES['h1']}">{title}</h1>
<p style="{STYLES['p']}{SMALL_STYLE}">{html.escape(job.meta)}{" · " if job.meta else ""}<a href="{url}" style="{STYLES['a']}">read it on the web</a></p>
{body}
<p style="{STYLES['p']}{SMALL_STYLE}margin-top:28px;padding-top:10px;border-top:1px solid {LINE};">You are reading {site}. {promise} Every issue is at <a href="{home}" style="{STYLES['a']}">{home}</a>.</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""


def as_text(job: Job, lines: list[str]) -> str:
    """The issue in plain text: what a reader sees, with each link's address after its text."""
    head = [job.title, "=" * len(job.title), "", *([job.meta] if job.meta else []), f"Read it on the web: {job.url}", ""]
    foot = ["", "-- ", *_wrap(f"You are reading {job.site_name}. {job.promise} Every issue is at {job.home}", "", "")]
    return "\n".join([*head, *lines, *foot]).rstrip() + "\n"


def _wrap(text: str, first: str, rest: str) -> list[str]:
    """Greedy wrapping at TEXT_WIDTH, as `textwrap.wrap` does without breaking words, five times faster.

    `text` has single spaces only (the writer collapses whitespace), so words are what split() gives.
    """
    if 0 < len(text) <= TEXT_WIDTH - len(first):  # most lines: the greedy loop would not break it
        return [first + text]
    lines: list[str] = []
    indent, words, used = first, [], 0
    for word in text.split():
        if words and used + 1 + len(word) > TEXT_WIDTH - len(indent):
            lines.append(indent + " ".join(words))
            indent, words, used = rest, [], 0
        used += len(word) + (1 if words else 0)
        words.append(word)
    if words:
        lines.append(indent + " ".join(words))
    return lines or [first.rstrip()]


# The email versions started while each build in progress was reading, by output folder.
_early: dict[str, _EarlyRenders] = {}
