"""The build a Hugo newsletter would run, as a reference: `hugo`, then Pagefind over Hugo's output.

The same Markdown as the benchmark's archive, its metadata turned into Hugo's front matter
(title, date, tags, summary), with a minimal layout: each issue's content in an article
Pagefind indexes, lists for the home page, the sections and the tags (Hugo makes the tag
pages and RSS feeds by default). Hugo is Debian's package (`scripts/install-bench-tools`);
Pagefind is the binary Lamplighter's own build runs.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pagefind_bin

CONFIG = 'baseURL = "https://example.org/"\ntitle = "Newsletter"\n[markup.goldmark.renderer]\nunsafe = true\n'
LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
                   '<body><main>{{ block "main" . }}{{ end }}</main></body></html>',
    "single.html": '{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>{{ .Content }}</article>'
                   '{{ end }}',
    "list.html": '{{ define "main" }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>'
                 '{{ end }}</ul>{{ end }}',
}


def available() -> str | None:
    """Why the reference cannot run here, or None."""
    return None if shutil.which("hugo") else "hugo is not installed (make bench installs it with apt-get)"


def site(folder: Path, issues: list[Path]) -> Path:
    """A Hugo site in `folder` with the same issues."""
    (folder / "content" / "issues").mkdir(parents=True)
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, layout in LAYOUTS.items():
        (folder / "layouts" / "_default" / name).write_text(layout, encoding="utf-8")
    for issue in issues:
        head, body = issue.read_text(encoding="utf-8").split("\n\n", 1)
        meta = dict(line.split(": ", 1) for line in head.splitlines())
        front = [f"title: {json.dumps(meta['Title'])}", f"date: {meta['Date']}",
                 f"tags: {json.dumps(meta['Tags'].split(', '))}", f"summary: {json.dumps(meta['Summary'])}"]
        (folder / "content" / "issues" / issue.name).write_text("---\n" + "\n".join(front) + "\n---\n\n" + body,
                                                                encoding="utf-8")
    return folder


def command(folder: Path) -> list[str]:
    """Hugo, then Pagefind, on a site never built: one command, so that the tree watched is the whole build."""
    hugo = f"hugo --quiet --cacheDir {shlex.quote(str(folder / '.cache'))} -d public"
    pagefind = f"{shlex.quote(str(pagefind_bin.get_executable()))} --site public --silent"
    return ["sh", "-c", f"{hugo} && {pagefind}"]
