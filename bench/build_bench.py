"""Build benchmark: Lamplighter's build against Hugo + Pagefind, and against stock Pelican, on the same archive.

The archive (bench/archive.py) has N weekly issues of about 250 links each. Measured in
the same run, each build in a fresh process, its whole process tree watched (tree.py):

- the reference: Hugo, then Pagefind over Hugo's output (hugo_reference.py), cold;
- Lamplighter (full theme, feeds, topic pages, emails, search index): cold, rebuilt with
  nothing changed, and rebuilt after editing one issue;
- at 300 issues, stock Pelican (same version, its default theme and settings), the same three.

Each size's builds are taken three times, in turn with the reference's; the median counts.
Targets (issue 19), at 300 and 2,000 issues, against the reference's cold build: cold at
most 1.0x, unchanged at most 0.3x, one edit at most 0.4x; at 2,000 issues the largest
process under 300 MB and the whole tree under 1 GB. The growth table (300, 1,000 and
2,000 issues, cold) shows time and memory per issue. Run with `make bench`; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
import archive  # noqa: E402
import hugo_reference  # noqa: E402
import tree  # noqa: E402
from report import Result, table  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PELICAN = Path(sys.executable).with_name("pelican")
TARGETS = {"cold": 1.0, "unchanged": 0.3, "one edit": 0.4}  # against the reference's cold build
STOCK_TARGETS = {"cold": 0.5, "unchanged": 0.15, "one edit": 0.2}  # issue 8, against stock Pelican's
SIZES = (300, 2000)
GROWTH = (300, 1000, 2000)
LARGEST_MB, TREE_MB = 300, 1024  # at the largest size
REPEAT = 3  # builds of each kind at each size; the median is the figure
STOCK_SETTINGS = 'PATH = "content"\nTIMEZONE = "UTC"\nSITENAME = "Stock"\nSITEURL = ""\n'
LAMPLIGHTER_SETTINGS = f"""exec(open({str(REPO / 'pelicanconf.py')!r}, encoding="utf-8").read())
PATH = "content"
THEME = {str(REPO / 'theme')!r}
PLUGIN_PATHS = [{str(REPO / 'plugins')!r}]
LAMPLIGHTER_SOURCES = []
"""


def build(site: Path) -> tree.Run:
    """One Pelican build in a fresh process."""
    return tree.run([str(PELICAN), "-s", "settings.py", "-o", "output", "-q"], site)


def site(root: Path, name: str, settings: str, issues: int) -> Path:
    folder = root / name
    archive.write(folder / "content", issues)
    (folder / "settings.py").write_text(settings, encoding="utf-8")
    return folder


def measure(folder: Path, cold_only: bool = False) -> dict[str, tree.Run]:
    """Cold, unchanged and one-edit builds of one site never built (or only the cold one)."""
    results = {"cold": build(folder)}
    if cold_only:
        return results
    results["unchanged"] = build(folder)
    issues = sorted((folder / "content" / "issues").glob("*.md"))
    edited = issues[len(issues) // 2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line from the editor.\n", encoding="utf-8")
    results["one edit"] = build(folder)
    return results


def measured(ours: Path, hugo: Path, repeat: int, cold_only: bool = False) -> tuple[dict[str, tree.Run], tree.Run]:
    """Lamplighter's builds and the reference's cold build, taken in turn `repeat` times: the median of each.

    Both move by 10% or more from run to run on this machine (Hugo's more), and taken in
    turn they share whatever else the machine is doing. Each cold build is of a fresh copy:
    deleting the last build's thousands of files just before would slow the next one.
    """
    runs: dict[str, list[tree.Run]] = {}
    references = []
    for turn in range(repeat):
        fresh = shutil.copytree(hugo, hugo.with_name(f"{hugo.name}-{turn}"))
        references.append(tree.run(hugo_reference.command(fresh), fresh))
        for kind, one in measure(shutil.copytree(ours, ours.with_name(f"{ours.name}-{turn}")), cold_only).items():
            runs.setdefault(kind, []).append(one)
    return {kind: _median(each) for kind, each in runs.items()}, _median(references)


def _median(runs: list[tree.Run]) -> tree.Run:
    """The median time; the largest memory of any run."""
    middle = sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]
    return tree.Run(middle.seconds, max(run.largest_mb for run in runs), max(run.tree_mb for run in runs))


def reference(root: Path, ours: Path) -> Path:
    """The Hugo site of the same issues."""
    return hugo_reference.site(root / f"hugo-{ours.name}", sorted((ours / "content" / "issues").glob("*.md")))


def output_size(folder: Path, issues: int) -> float:
    return sum(path.stat().st_size for path in (folder / "output").rglob("*") if path.is_file()) / issues / 1024


def run(sizes: tuple[int, ...] = SIZES, growth: bool = False, stock: bool = True,
        repeat: int = REPEAT) -> tuple[list[Result], list[Table]]:
    """The measures against their targets, and the growth table when asked for."""
    missing = hugo_reference.available()
    if missing:
        raise SystemExit(f"The build benchmark's reference cannot run: {missing}")
    # The plugin's bytecode, as an installed package has it: where PYTHONDONTWRITEBYTECODE is set,
    # every build would otherwise compile the plugin again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "plugins")], check=True)
    results: list[Result] = []
    colds: dict[int, tuple[tree.Run, tree.Run]] = {}  # issues: (Lamplighter, reference)
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        for count in sorted(set(sizes) | (set(GROWTH) if growth else set())):
            ours_site = site(root, f"lamplighter-{count}", LAMPLIGHTER_SETTINGS, count)
            hugo_site = reference(root, ours_site)
            if count not in sizes:
                ours, hugo = measured(ours_site, hugo_site, 1, cold_only=True)
                colds[count] = (ours["cold"], hugo)
                continue
            ours, hugo = measured(ours_site, hugo_site, repeat)
            colds[count] = (ours["cold"], hugo)
            results += _against(f"build {count:,}", ours, dict.fromkeys(TARGETS, hugo.seconds), TARGETS,
                                " (Hugo + Pagefind cold)")
            results.append(_memory(f"build {count:,}", ours, hugo, count == max(sizes)))
            if count == min(sizes) and stock:
                stock_runs = measure(site(root, f"stock-{count}", STOCK_SETTINGS, count))
                results += _against(f"build {count:,}", ours, {kind: run.seconds for kind, run in stock_runs.items()},
                                    STOCK_TARGETS, "", " vs stock Pelican")
                results.append(Result(f"build {count:,}", "output per issue", f"{output_size(root / f'lamplighter-{count}-0', count):.0f} KB",
                                      f"{output_size(root / f'stock-{count}', count):.0f} KB (stock)", None, "", True))
        shutil.rmtree(root, ignore_errors=True)
    tables = [growth_table(colds)] if growth else []
    if growth:
        results.append(_growth(colds))
    return results, tables


def _against(benchmark: str, ours: dict[str, tree.Run], reference: dict[str, float], targets: dict[str, float],
             reference_name: str, measure: str = "") -> list[Result]:
    """Each kind of build against the reference's seconds for that kind (its name followed by `measure`)."""
    return [Result(benchmark, kind + measure, f"{ours[kind].seconds:.2f} s", f"{reference[kind]:.2f} s{reference_name}",
                   ours[kind].seconds / reference[kind], f"{target}x", ours[kind].seconds / reference[kind] <= target)
            for kind, target in targets.items()]


def _memory(benchmark: str, ours: dict[str, tree.Run], hugo: tree.Run, bounded: bool) -> Result:
    largest = max(run.largest_mb for run in ours.values())
    whole = max(run.tree_mb for run in ours.values())
    met = largest < LARGEST_MB and whole < TREE_MB
    return Result(benchmark, "memory: largest process, whole tree", f"{largest:.0f} MB, {whole:.0f} MB",
                  f"{hugo.largest_mb:.0f} MB, {hugo.tree_mb:.0f} MB", None,
                  f"< {LARGEST_MB} MB, < {TREE_MB / 1024:.0f} GB" if bounded else "", met or not bounded)


def _growth(colds: dict[int, tuple[tree.Run, tree.Run]]) -> Result:
    """Time per issue at the most issues against at the fewest: flat (within a tenth, the noise) or falling."""
    fewest, most = min(colds), max(colds)
    ratio = (colds[most][0].seconds / most) / (colds[fewest][0].seconds / fewest)
    memory = (colds[most][0].tree_mb / most) / (colds[fewest][0].tree_mb / fewest)
    return Result("build growth", f"per issue at {most:,} against {fewest:,}: time, memory",
                  f"{ratio:.2f}x, {memory:.2f}x", "", ratio, "<= 1.1x, <= 1.0x", ratio <= 1.1 and memory <= 1.0)


def growth_table(colds: dict[int, tuple[tree.Run, tree.Run]]) -> Table:
    """Cold builds of each size: time and memory per issue should stay flat or fall."""
    out = Table(title="Growth: cold builds (memory: the whole process tree at its peak)", title_justify="left")
    for column in ("issues", "Hugo + Pagefind", "per issue", "memory", "Lamplighter", "per issue", "memory",
                   "per issue", "ratio"):
        out.add_column(column, justify="right")
    for count, (ours, hugo) in sorted(colds.items()):
        out.add_row(f"{count:,}", f"{hugo.seconds:.2f} s", f"{hugo.seconds / count * 1000:.1f} ms",
                    f"{hugo.tree_mb:.0f} MB", f"{ours.seconds:.2f} s", f"{ours.seconds / count * 1000:.1f} ms",
                    f"{ours.tree_mb:.0f} MB", f"{ours.tree_mb / count * 1024:.0f} KB", f"{ours.seconds / hugo.seconds:.3f}x")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--issues", type=int, nargs="+", default=list(SIZES), help="sizes to measure (default 300 2000)")
    parser.add_argument("--growth", action="store_true", help=f"also build {', '.join(map(str, GROWTH))} issues, cold")
    parser.add_argument("--no-stock", action="store_true", help="leave stock Pelican out (it takes the longest)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help=f"builds of each kind; the median counts (default {REPEAT})")
    args = parser.parse_args()
    results, tables = run(tuple(args.issues), args.growth, not args.no_stock, args.repeat)
    console = Console()
    console.print(table(results, "Build: issues of about 250 links; reference: Hugo + Pagefind (and stock Pelican)"))
    for extra in tables:
        console.print(extra)
    return 0 if all(result.met for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
