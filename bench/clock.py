"""Wall and CPU time of one call in this process (standard library only: the reader environment imports it too)."""

from __future__ import annotations

import resource
import time
from typing import Callable


def measured(run: Callable[[], object]) -> dict[str, float]:
    """Seconds on the clock and of CPU (user and system, every thread of this process) that `run` took."""
    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    wall, used = time.perf_counter(), cpu()
    run()
    return {"seconds": time.perf_counter() - wall, "cpu": cpu() - used}
