"""Peak memory of a benchmark process and everything it started, sampled from /proc (shared by the benchmarks).

The largest process is measured by RSS; the whole tree by PSS, which counts a page that forked workers
share with their parent once, so it is the fair total. Worker processes (forked pool workers, Ray actors)
are picked out by a test on their command line.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import contextmanager


def tree(pid: int) -> list[int]:
    """A process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def kb(pid: int, field: str, source: str) -> int:
    try:
        with open(f"/proc/{pid}/{source}") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def command(pid: int) -> bytes:
    """A process's command line, its arguments separated by NUL bytes."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def title(pid: int) -> str:
    return command(pid).split(b"\0")[0].decode(errors="replace")


@contextmanager
def memory_peaks(is_worker: Callable[[int], bool] | None = None):
    """Peak memory while the block runs, in MB: "largest" (RSS of the biggest process), "total" (PSS of the
    whole tree), "self" (RSS of this process), and with ``is_worker``, "worker" (RSS of the biggest worker)
    and "group" (PSS of this process and its workers, leaving out other processes it started). Also "cpu":
    the CPU seconds this process and its workers used in the block, a figure the load of other jobs on the
    machine changes less than elapsed time (a worker's last sample, up to 0.25 s before it ends, counts)."""
    peaks = {"largest": 0.0, "total": 0.0, "self": 0.0, "worker": 0.0, "group": 0.0, "cpu": 0.0}
    stop = threading.Event()
    me = os.getpid()
    cpu_before = {p: cpu_seconds(p) for p in tree(me)}  # workers started before the block count from here
    worker_cpu: dict[int, float] = {}

    def sample() -> None:
        while not stop.is_set():
            pids = tree(me)
            rss = {p: kb(p, "VmRSS", "status") / 1024 for p in pids}
            pss = {p: kb(p, "Pss", "smaps_rollup") / 1024 for p in pids}
            workers = [p for p in pids if p != me and is_worker and is_worker(p)]
            peaks["largest"] = max(peaks["largest"], max(rss.values()))
            peaks["total"] = max(peaks["total"], sum(pss.values()))
            peaks["self"] = max(peaks["self"], rss[me])
            peaks["worker"] = max([peaks["worker"], *(rss[p] for p in workers)])
            peaks["group"] = max(peaks["group"], pss[me] + sum(pss[p] for p in workers))
            worker_cpu.update((p, cpu_seconds(p)) for p in workers)
            stop.wait(0.25)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        stop.set()
        thread.join()
        peaks["cpu"] = sum(seconds - cpu_before.get(p, 0.0) for p, seconds in {**worker_cpu, me: cpu_seconds(me)}.items())
