"""Run a command and watch its whole process tree: time, the largest process, and the tree's memory at its peak.

A build starts other processes (the email renderer, Pagefind), so one process's peak says
too little. Every 20 ms the tree is read from `/proc`: each process's proportional set
size (Pss), summed, so pages a forked child still shares with its parent count once, as
the machine holds them; and each process's own peak (`VmHWM`, which the kernel keeps, so
a peak between two samples is not missed). Not `wait4`'s `ru_maxrss`: that counts the
benchmark's own memory, which the child had until it started the build. Linux only.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

EVERY = 0.02  # seconds between samples


@dataclass(frozen=True)
class Run:
    seconds: float
    largest_mb: float  # the largest single process, at its peak
    tree_mb: float  # the whole tree at its sampled peak


def run(command: list[str], cwd: Path) -> Run:
    """Run `command` to its end; raise SystemExit with its last words if it fails.

    What earlier runs wrote is flushed to disk first, so no run pays for another's writes.
    """
    os.sync()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = {"tree": 0, "largest": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(EVERY):
            tree, largest = _tree_memory(process.pid)
            peak["tree"], peak["largest"] = max(peak["tree"], tree), max(peak["largest"], largest)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status = process.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"{command[0]} in {cwd} failed: {process.stderr.read().decode()[-500:]}")
    process.stderr.close()
    return Run(seconds, peak["largest"] / 2**20, peak["tree"] / 2**20)


def _tree_memory(root: int) -> tuple[int, int]:
    """Bytes `root` and every process descended from it hold now (Pss, summed), and the largest one's peak."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue  # it ended meanwhile
            parent = int(stat[stat.rindex(")") + 2:].split(None, 2)[1])
            children.setdefault(parent, []).append(int(entry.name))
    total, largest, waiting = 0, 0, [root]
    while waiting:
        pid = waiting.pop()
        try:
            total += _kilobytes(Path(f"/proc/{pid}/smaps_rollup").read_text(), "Pss:")
            largest = max(largest, _kilobytes(Path(f"/proc/{pid}/status").read_text(), "VmHWM:"))
        except (OSError, ValueError):
            pass  # it ended meanwhile
        waiting += children.get(pid, [])
    return total, largest


def _kilobytes(text: str, field: str) -> int:
    """Bytes of a `/proc` field given in kB ("Pss:     1234 kB")."""
    return int(text[text.index(f"\n{field}") + len(field) + 1:].split(None, 1)[0]) * 1024
