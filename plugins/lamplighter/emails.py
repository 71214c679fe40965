"""Each published issue as email: `issues/YYYY-Www/email.html` and `email.txt`, to paste into any mail service.

Mail clients drop `<style>` blocks, scripts and relative links, and render at about 600
pixels, so the HTML version is one table of `WIDTH` pixels with every style inlined on its
element, only a safe set of tags (nh3), and absolute links. The text version is the same
issue as plain text: headings underlined, each link's address after its text.
"""

from __future__ import annotations

import html
import os
import textwrap
from urllib.parse import urljoin

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from pelican.generators import Generator

WIDTH = 600
TEXT_WIDTH = 72
FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
# The inline style of each element; mail clients ignore style sheets.
STYLES = {
    "h1": "margin:0 0 8px;font-size:24px;line-height:1.25;color:#1a1a1a;",
    "h2": "margin:28px 0 8px;font-size:19px;line-height:1.3;color:#1a1a1a;border-bottom:1px solid #e3e3e3;",
    "h3": "margin:20px 0 6px;font-size:16px;color:#1a1a1a;",
    "p": "margin:0 0 12px;font-size:16px;line-height:1.5;color:#1a1a1a;",
    "ul": "margin:0 0 12px;padding-left:20px;",
    "ol": "margin:0 0 12px;padding-left:20px;",
    "li": "margin:0 0 14px;font-size:16px;line-height:1.5;color:#1a1a1a;",
    "a": "color:#0b57d0;text-decoration:underline;",
    "blockquote": "margin:0 0 12px;padding-left:12px;border-left:3px solid #d0d0d0;color:#444444;",
    "code": "font-family:Menlo,Consolas,monospace;font-size:14px;",
    "pre": "margin:0 0 12px;padding:8px;background:#f5f5f5;font-size:14px;white-space:pre-wrap;",
}
# An editor's note (a list item's second paragraph and after) stands apart, as on the site.
NOTE_STYLE = "margin:8px 0 12px;padding:8px 12px;background:#fff8e1;border-left:3px solid #f2b600;"
ALLOWED_TAGS = {"a", "p", "ul", "ol", "li", "h1", "h2", "h3", "h4", "em", "strong", "code", "pre", "blockquote",
                "br", "hr"}


class EmailGenerator(Generator):
    def generate_output(self, writer: object) -> None:
        site = self.settings["SITEURL"]
        for issue in self.context.get("articles", []):
            folder = os.path.join(self.output_path, os.path.dirname(issue.save_as))
            os.makedirs(folder, exist_ok=True)
            content = absolute_links(issue.get_content(site), f"{site}/{issue.url}")
            with open(os.path.join(folder, "email.html"), "w", encoding="utf-8") as file:
                file.write(as_html(issue.title, f"{site}/{issue.url}", content, self.settings["SITENAME"]))
            with open(os.path.join(folder, "email.txt"), "w", encoding="utf-8") as file:
                file.write(as_text(issue.title, f"{site}/{issue.url}", content))


def absolute_links(content: str, page_url: str) -> str:
    """A mail has no address of its own: every link must carry its whole address."""
    page = BeautifulSoup(content, "html.parser")
    for link in page.find_all("a", href=True):
        link["href"] = urljoin(page_url, link["href"])
    return str(page)


def as_html(title: str, url: str, content: str, site_name: str) -> str:
    body = BeautifulSoup(nh3.clean(content, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                                   url_schemes={"http", "https", "mailto"}), "html.parser")
    for element in body.find_all(True):
        element["style"] = STYLES.get(element.name, "")
        if element.name == "p" and element.parent and element.parent.name == "li" and element.find_previous_sibling("p"):
            element["style"] += NOTE_STYLE
        if not element["style"]:
            del element["style"]
    safe_title, safe_url = html.escape(title), html.escape(url, quote=True)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{safe_title}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f4;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f4;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="{WIDTH}" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:{WIDTH}px;background:#ffffff;font-family:{FONT};">
<tr><td style="padding:24px;">
<p style="{STYLES['p']}font-size:13px;color:#555555;">{html.escape(site_name)} · <a href="{safe_url}" style="{STYLES['a']}">read it on the web</a></p>
<h1 style="{STYLES['h1']}">{safe_title}</h1>
{body}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""


def as_text(title: str, url: str, content: str) -> str:
    """The issue in plain text: what a reader sees, with each link's address after its text."""
    lines = [title, "=" * len(title), "", f"Read it on the web: {url}", ""]
    for block in BeautifulSoup(content, "html.parser").children:
        if isinstance(block, Tag):
            lines += _block(block) + [""]
    return "\n".join(lines).rstrip() + "\n"


def _block(element: Tag, indent: str = "") -> list[str]:
    if element.name in ("h1", "h2", "h3", "h4"):
        text = _inline(element)
        return [text, ("=" if element.name == "h1" else "-") * len(text)]
    if element.name in ("ul", "ol"):
        lines = []
        for number, item in enumerate(element.find_all("li", recursive=False), start=1):
            mark = f"{number}. " if element.name == "ol" else "- "
            pad = indent + " " * len(mark)
            parts = [child for child in item.children if isinstance(child, Tag) and child.name in ("p", "ul", "ol")]
            for index, part in enumerate(parts or [item]):
                if index:  # a later paragraph (the editor's note) is set apart by a blank line
                    lines.append("")
                first = indent + mark if index == 0 else pad
                lines += _block(part, pad) if part.name in ("ul", "ol") else _wrap(_inline(part), first, pad)
            lines.append("")
        return lines[:-1]
    if element.name == "pre":
        return [indent + "    " + line for line in element.get_text().splitlines()]
    return _wrap(_inline(element), indent, indent)


def _inline(element: Tag) -> str:
    """The element's text on one line, with each link's address after its text."""
    parts = []
    for node in element.descendants:
        if isinstance(node, NavigableString) and not isinstance(node, Comment):
            parts.append(str(node))
            link = node.find_parent("a")
            if link is not None and node is list(link.strings)[-1] and link.get("href", "") != link.get_text().strip():
                parts.append(f" <{link['href']}>")
    return " ".join("".join(parts).split())


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, TEXT_WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]
