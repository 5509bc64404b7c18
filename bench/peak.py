"""Peak resident memory of the current process, for the benchmarks' child processes."""

from __future__ import annotations

import resource


def peak_rss_bytes() -> int:
    """This process's peak RSS in bytes.

    VmHWM, not getrusage: ru_maxrss survives fork and exec, so a child would report its parent's peak
    (the data generation's) whenever its own is lower.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # not Linux: KiB, may include the parent's
