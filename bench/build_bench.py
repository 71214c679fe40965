"""Build benchmark: Lamplighter's build against stock Pelican on the same synthetic archive.

The archive (bench/archive.py) has N weekly issues of about 250 links each. Measured in
the same run, each build in a fresh process: stock Pelican (same version, its default theme
and settings) and Lamplighter (full theme, feeds, topic pages, emails, search index), each
cold, rebuilt with nothing changed, and rebuilt after editing one issue; peak memory of
every build. `--growth` also builds 50, 300 and 600 issues to show how time grows.

Targets (issue 8): cold at most 0.5x stock, unchanged rebuild at most 0.15x, one-edit
rebuild at most 0.2x, peak memory under 500 MB. Run with `make bench`; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
import archive  # noqa: E402
from report import Result, table  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PELICAN = Path(sys.executable).with_name("pelican")
TARGETS = {"cold": 0.5, "unchanged": 0.15, "one edit": 0.2}
MEMORY_TARGET_MB = 500
GROWTH = (50, 300, 600)
STOCK_SETTINGS = 'PATH = "content"\nTIMEZONE = "UTC"\nSITENAME = "Stock"\nSITEURL = ""\n'
LAMPLIGHTER_SETTINGS = f"""exec(open({str(REPO / 'pelicanconf.py')!r}, encoding="utf-8").read())
PATH = "content"
THEME = {str(REPO / 'theme')!r}
PLUGIN_PATHS = [{str(REPO / 'plugins')!r}]
LAMPLIGHTER_SOURCES = []
"""


def build(site: Path) -> tuple[float, float]:
    """One build in a fresh process: (seconds, peak memory in MB)."""
    started = time.perf_counter()
    process = subprocess.Popen([str(PELICAN), "-s", "settings.py", "-o", "output", "-q"], cwd=site,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"the build in {site} failed: {process.stderr.read().decode()[-500:]}")
    return seconds, usage.ru_maxrss / 1024


def site(root: Path, name: str, settings: str, issues: int) -> Path:
    folder = root / name
    archive.write(folder / "content", issues)
    (folder / "settings.py").write_text(settings, encoding="utf-8")
    return folder


def measure(folder: Path) -> dict[str, tuple[float, float]]:
    """Cold, unchanged and one-edit builds of one site."""
    results = {"cold": build(folder), "unchanged": build(folder)}
    issues = sorted((folder / "content" / "issues").glob("*.md"))
    edited = issues[len(issues) // 2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line from the editor.\n", encoding="utf-8")
    results["one edit"] = build(folder)
    return results


def output_size(folder: Path, issues: int) -> float:
    return sum(path.stat().st_size for path in (folder / "output").rglob("*") if path.is_file()) / issues / 1024


def run(issues: int = 300, growth: bool = False) -> tuple[list[Result], list[Table]]:
    """The measures against their targets, and the growth table when asked for."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        stock = measure(site(root, "stock", STOCK_SETTINGS, issues))
        ours_site = site(root, "lamplighter", LAMPLIGHTER_SETTINGS, issues)
        ours = measure(ours_site)
        results = [Result("build", kind, f"{ours[kind][0]:.2f} s", f"{stock[kind][0]:.2f} s",
                          ours[kind][0] / stock[kind][0], f"{target}x", ours[kind][0] / stock[kind][0] <= target)
                   for kind, target in TARGETS.items()]
        peak = max(memory for _, memory in ours.values())
        results.append(Result("build", "memory", f"{peak:.0f} MB", f"{max(m for _, m in stock.values()):.0f} MB",
                              None, f"< {MEMORY_TARGET_MB} MB", peak < MEMORY_TARGET_MB))
        results.append(Result("build", "per issue", f"{output_size(ours_site, issues):.0f} KB",
                              f"{output_size(root / 'stock', issues):.0f} KB", None, "", True))
        tables = [growth_table(root)] if growth else []
        shutil.rmtree(root, ignore_errors=True)
    return results, tables


def growth_table(root: Path) -> Table:
    """Cold builds of 50, 300 and 600 issues, stock and Lamplighter: time per issue should stay flat."""
    out = Table(title="Growth: cold builds", title_justify="left")
    for column in ("issues", "stock Pelican", "per issue", "Lamplighter", "per issue", "ratio"):
        out.add_column(column, justify="right")
    for count in GROWTH:
        stock, _ = build(site(root, f"stock-{count}", STOCK_SETTINGS, count))
        ours, _ = build(site(root, f"lamplighter-{count}", LAMPLIGHTER_SETTINGS, count))
        out.add_row(str(count), f"{stock:.2f} s", f"{stock / count * 1000:.1f} ms", f"{ours:.2f} s",
                    f"{ours / count * 1000:.1f} ms", f"{ours / stock:.3f}x")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issues", type=int, default=300)
    parser.add_argument("--growth", action="store_true", help="also build 50, 300 and 600 issues, cold")
    args = parser.parse_args()
    results, tables = run(args.issues, args.growth)
    console = Console()
    console.print(table(results, f"Build: {args.issues} issues of about 250 links; reference: stock Pelican"))
    for extra in tables:
        console.print(extra)
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
