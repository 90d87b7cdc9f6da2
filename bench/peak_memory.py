"""Peak resident memory of this process, for the benchmarks that measure one job per fresh process."""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB. Not ``ru_maxrss``: Linux carries that
    over fork and exec from the parent, so a child started by a large benchmark reported the
    parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux
