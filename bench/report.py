"""One row per measure, and the table `make bench` prints for all of them."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table


@dataclass(frozen=True)
class Result:
    benchmark: str
    measure: str
    lamplighter: str
    reference: str  # what it is measured against, in the same run ("" when it stands alone)
    ratio: float | None
    target: str
    met: bool


def table(results: list[Result], title: str) -> Table:
    out = Table(title=title, title_justify="left")
    for column in ("benchmark", "measure", "Lamplighter", "reference", "ratio", "target", "met"):
        out.add_column(column, justify="left" if column in ("benchmark", "measure") else "right")
    for result in results:
        colour = "green" if result.met else "red"
        out.add_row(result.benchmark, result.measure, result.lamplighter, result.reference,
                    "" if result.ratio is None else f"{result.ratio:.3f}x", result.target,
                    f"[{colour}]{'yes' if result.met else 'NO'}[/]")
    return out
