"""Run a command and watch its whole process tree: time, the largest process, and the tree's memory at its peak.

A build starts other processes (the email renderer, Pagefind), so one process's peak says
too little. The largest process comes exact from the kernel (`wait4`'s `ru_maxrss` is the
largest of the process and every descendant it waited for); the tree's total is sampled
from `/proc` every 20 ms: each process's proportional set size (Pss), summed, so pages
a forked child still shares with its parent count once, as the machine holds them. Linux only.
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
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(EVERY):
            peak[0] = max(peak[0], _tree_pss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"{command[0]} in {cwd} failed: {process.stderr.read().decode()[-500:]}")
    process.stderr.close()
    largest = usage.ru_maxrss / 1024
    return Run(seconds, largest, peak[0] / 2**20)


def _tree_pss(root: int) -> int:
    """Bytes `root` and every process descended from it hold now, shared pages divided among their sharers (Pss)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue  # it ended meanwhile
            parent = int(stat[stat.rindex(")") + 2:].split(None, 2)[1])
            children.setdefault(parent, []).append(int(entry.name))
    total, waiting = 0, [root]
    while waiting:
        pid = waiting.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += int(rollup[rollup.index("\nPss:") + 5:].split(None, 1)[0]) * 1024
        except (OSError, ValueError):
            pass
        waiting += children.get(pid, [])
    return total
