"""`github_repo`: the `git pull` habit — what was merged into a key repository, and the papers it cites.

The first gather clones the repository once, bare and single-branch, under
`LAMPLIGHTER_CACHE_DIR/git/`; every later gather runs `git fetch`, which costs the remote
only the new commits. The commits merged into the branch in the window (its first-parent
history: one commit per squash-merged or merged pull request) are read with their diffs.

Two kinds of item come out:

- the **papers** the changes cite — arXiv ids and links, huggingface.co/papers links and
  DOIs, in the commit messages and in the *added* lines of the diffs (a new pipeline's
  docstring names its paper; a removed line cites nothing new). Each carries the commit as
  provenance ("cited in huggingface/diffusers #9101"), so the same paper from arXiv or the
  daily papers list becomes one candidate;
- the **notable commits**: merged changes that cite a paper or add at least
  `NOTABLE_LINES` lines, linked to `https://github.com/OWNER/REPO/commit/SHA` whatever
  `git_url` the mirror came from.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..items import Item, citations, item_key
from ..settings import SourceConfig
from ..text import plain_text, shorten
from .github_releases import check_repo

TYPE = "github_repo"
REQUIRED = {"repo": str}
OPTIONAL = {"branch": str, "git_url": str}
NOTABLE_LINES = 200  # added lines that make a change notable even when it cites no paper
CLONE_TIMEOUT = 30 * 60  # seconds: the first clone of a large repository takes a while
GIT_TIMEOUT = 5 * 60  # seconds for a fetch or a log
SUMMARY_LIMIT = 400

_PULL_REQUEST = re.compile(r"\(#(\d+)\)\s*$|^Merge pull request #(\d+)")
_TRAILER = re.compile(r"^(?:Co-authored-by|Signed-off-by|Reviewed-by|Acked-by):", re.IGNORECASE)
_BRANCH = re.compile(r"^(?!-)(?!.*\.\.)[\w./\-]+$")
_RECORD, _FIELD = "\x1e", "\x1f"
_mirror_locks: dict[Path, threading.Lock] = {}
_locks_lock = threading.Lock()


def check(options: dict[str, Any]) -> None:
    check_repo(options["repo"])
    if "branch" in options and not _BRANCH.match(options["branch"]):
        raise ValueError(f"'branch' must be a branch name like main, not {options['branch']!r}")
    if options.get("git_url", "x").startswith("-"):
        raise ValueError(f"'git_url' must be a repository address, not {options['git_url']!r}")


def links(options: dict[str, Any]) -> tuple[str | None, str]:
    """GitHub's feed of the branch's commits: the nearest a feed reader gets to `git pull`."""
    repo, branch = options["repo"], options.get("branch", "")
    feed = f"https://github.com/{repo}/commits/{branch}.atom" if branch else f"https://github.com/{repo}/commits.atom"
    return feed, f"https://github.com/{repo}"


@dataclass
class Commit:
    sha: str
    when: datetime
    author: str
    message: str
    added: list[str] = field(default_factory=list)  # lines the change adds

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()

    @property
    def pull_request(self) -> str | None:
        match = _PULL_REQUEST.search(self.subject)
        return (match[1] or match[2]) if match else None


def gather(source: SourceConfig, fetcher: Any) -> list[Item]:
    repo = source.options["repo"]
    git_url = source.options.get("git_url") or f"https://github.com/{repo}.git"
    mirror = fetcher.cache_dir / "git" / _mirror_name(repo, git_url, source.options.get("branch", ""))
    with _lock(mirror):
        branch = _update_mirror(mirror, git_url, source.options.get("branch"))
        commits = read_commits(mirror, branch, fetcher.window.since, fetcher.window.until)
    items: list[Item] = []
    for commit in commits:
        items += _items(commit, repo, branch, source)
    return items


def _mirror_name(repo: str, git_url: str, branch: str) -> str:
    digest = hashlib.sha256(f"{git_url}\n{branch}".encode()).hexdigest()[:10]
    return f"{repo.replace('/', '__')}-{digest}.git"


def _lock(mirror: Path) -> threading.Lock:
    with _locks_lock:
        return _mirror_locks.setdefault(mirror, threading.Lock())


def _update_mirror(mirror: Path, git_url: str, branch: str | None) -> str:
    """Clone once, fetch afterwards; the branch read, which is the remote's default when none is set."""
    if not (mirror / "HEAD").exists():
        mirror.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=mirror.parent, prefix=".clone-"))
        try:  # clone beside the mirror and move it in whole, so a broken clone is never mistaken for one
            _git(["clone", "--bare", "--single-branch", "--quiet", *(["--branch", branch] if branch else []),
                  "--", git_url, str(staging / "repo.git")], timeout=CLONE_TIMEOUT)
            os.replace(staging / "repo.git", mirror)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return branch or _git(["symbolic-ref", "--short", "HEAD"], cwd=mirror).strip()
    branch = branch or _git(["symbolic-ref", "--short", "HEAD"], cwd=mirror).strip()
    _git(["fetch", "--quiet", "--no-tags", "--", git_url, f"+refs/heads/{branch}:refs/heads/{branch}"], cwd=mirror)
    return branch


def read_commits(mirror: Path, branch: str, since: datetime, until: datetime) -> list[Commit]:
    """The commits merged into the branch between two moments, each with the lines its change adds."""
    output = _git(["log", "--first-parent", "--diff-merges=first-parent", "--patch", "--unified=0", "--no-color",
                   "--no-ext-diff", "--no-renames", f"--format={_RECORD}%H{_FIELD}%ct{_FIELD}%an{_FIELD}%B{_FIELD}",
                   f"--since={since:%Y-%m-%d %H:%M:%S} +0000", f"--until={until:%Y-%m-%d %H:%M:%S} +0000",
                   f"refs/heads/{branch}", "--"], cwd=mirror)
    commits = []
    for record in output.split(_RECORD)[1:]:
        sha, timestamp, author, message, patch = record.split(_FIELD, 4)
        added = [line[1:] for line in patch.splitlines() if line.startswith("+") and not line.startswith("+++")]
        commits.append(Commit(sha, datetime.fromtimestamp(int(timestamp), tz=timezone.utc), author.strip(),
                              message.strip(), added))
    return commits


def _items(commit: Commit, repo: str, branch: str, source: SourceConfig) -> list[Item]:
    number = commit.pull_request
    where = f"{repo} #{number}" if number else f"{repo} {commit.sha[:7]}"
    cited = citations(commit.message + "\n" + "\n".join(commit.added))
    # A citation is only an id: the title comes from another source that offers the same paper,
    # or from arXiv once every source has run (`arxiv.describe_cited`).
    papers = [Item(url=link, title=item_key(link).replace("arxiv:", "arXiv:").replace("doi:", "DOI "),
                   source=source.name, kind="paper", published=commit.when,
                   provenance=(f"cited in {where}",), signals={"citations": 1})
              for link in cited]
    if not cited and len(commit.added) < NOTABLE_LINES:
        return papers
    title = _PULL_REQUEST.sub("", commit.subject).strip() or commit.subject
    merged = f"merged into {repo} as #{number}" if number else f"committed to {repo} {branch}"
    change = Item(
        url=f"https://github.com/{repo}/commit/{commit.sha}",
        title=plain_text(title) or commit.sha[:7],
        source=source.name,
        kind="code",
        published=commit.when,
        summary=shorten(_description(commit.message), SUMMARY_LIMIT),
        authors=(commit.author,) if commit.author else (),
        provenance=(f"{merged}, +{len(commit.added):,} line{'s' if len(commit.added) != 1 else ''}"
                    + (f", cites {len(cited)} paper{'s' if len(cited) > 1 else ''}" if cited else ""),),
        signals={"lines_added": len(commit.added)},
        links_to=((cited[0], f"cites it in {where}"),) if len(cited) == 1 else (),
    )
    return [change, *papers]


def _description(message: str) -> str:
    """The message's body without its subject and trailers (Co-authored-by and the like)."""
    body = message.split("\n", 1)[1] if "\n" in message else ""
    return plain_text(" ".join(line for line in body.splitlines() if not _TRAILER.match(line.strip())))


def _git(arguments: list[str], *, cwd: Path | None = None, timeout: float = GIT_TIMEOUT) -> str:
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", *arguments], cwd=cwd, env=environment, capture_output=True, timeout=timeout,
                              check=False)
    except FileNotFoundError:
        raise SourceError("git is not installed; the github_repo source needs it") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"git {arguments[0]} took longer than {timeout:g} s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"git {arguments[0]} failed: {reason[-1] if reason else f'exit {done.returncode}'}")
    return done.stdout.decode("utf-8", "replace")
