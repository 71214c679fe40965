"""`sitemap.xml` and `robots.txt`, written once the build is done, from the pages it wrote.

Every `index.html` the build wrote is a page readers can land on, except drafts (which a
preview writes and a publish never does); the sitemap lists them by their public address.
The search indexes (`pagefind/`, thousands of fragments at 2,000 issues) hold no page and
are not walked.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree

from .search import BUNDLES

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def write(pelican: object) -> None:
    """A `finalized` receiver: the output folder is complete when it runs."""
    output = Path(pelican.settings["OUTPUT_PATH"])
    site = (pelican.settings.get("FEED_DOMAIN") or pelican.settings["SITEURL"]).rstrip("/")
    pages = []
    for folder, subfolders, files in os.walk(output):
        if folder == str(output):
            subfolders[:] = [name for name in subfolders if name not in ("drafts", BUNDLES.name)]
        if "index.html" in files:
            pages.append(Path(folder, "index.html").relative_to(output))
    pages.sort()
    root = ElementTree.Element("urlset", xmlns=SITEMAP_NAMESPACE)
    for page in pages:
        folder = page.parent.as_posix()
        ElementTree.SubElement(ElementTree.SubElement(root, "url"), "loc").text = \
            f"{site}/" if folder == "." else f"{site}/{folder}/"
    ElementTree.indent(root)
    (output / "sitemap.xml").write_bytes(ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")
    (output / "robots.txt").write_text(f"User-agent: *\nDisallow: /drafts/\n\nSitemap: {site}/sitemap.xml\n",
                                       encoding="utf-8")
