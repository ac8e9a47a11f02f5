"""CPU time and memory of the server's processes, read from /proc (Linux only).

CPU is what a request costs whatever else the machine is doing: the wall-clock figures
move with the neighbours on a shared machine, the CPU seconds hardly do. Each process's
time is the sum of its threads' run time in /proc/<pid>/task/<tid>/schedstat (the kernel's
nanosecond count, the same total that utime+stime in /proc/<pid>/stat round to 10 ms
ticks); where schedstat is missing, utime+stime.

Three figures:

- web: the gunicorn master's children (its workers), plus what the master has reaped from
  children that exited (cutime+cstime), so a worker restarted mid-run still counts;
- db: the PostgreSQL backends connected to the benchmark's database, and the parallel
  workers they start. A backend that exits (Django closes a connection older than
  CONN_MAX_AGE) keeps the time last sampled, so `CpuMeter.sample` is called twice a
  second during a run; what it did after its last sample is lost;
- postgres_all: every PostgreSQL process, with what the postmaster reaped — complete,
  but counts other databases' work (and the checkpointer and WAL writer) too: a cross-check
  on a database nobody else uses.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# "postgres: 15/main: <user> <database> 127.0.0.1(40110) idle" (the cluster part is Debian's)
PG_BACKEND = re.compile(r"^postgres: (?:\S+: )?(\S+) (\S+) \S+\(\d+\)")
PG_PARALLEL_WORKER = re.compile(r"parallel worker for PID (\d+)")


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    comm: str
    started: int  # clock ticks after boot: with the pid, names a process even if pids wrap
    reaped_seconds: float  # cutime+cstime: the children it waited for


def _read(path):
    """A /proc file's text, or None when the process has gone meanwhile."""
    try:
        return path.read_text(errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None


def process(pid):
    text = _read(PROC / str(pid) / "stat")
    if text is None:
        return None
    # The command name is in parentheses and may hold spaces: split after the last ")".
    comm = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 of proc(5): ppid is 4, cutime/cstime 16/17, starttime 22.
    return Process(
        pid=pid,
        ppid=int(fields[1]),
        comm=comm,
        started=int(fields[19]),
        reaped_seconds=(int(fields[13]) + int(fields[14])) / CLOCK_TICKS,
    )


def processes():
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            proc = process(int(entry.name))
            if proc is not None:
                found.append(proc)
    return found


def child_pids(pid):
    """The children of a process: from /proc/<pid>/task/*/children where the kernel has
    it (a few reads), else by scanning every process (slow: /proc is slow here)."""
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except FileNotFoundError:
        return []
    pids = []
    for task in tasks:
        text = _read(task / "children")
        if text is None and not (task / "children").exists():
            return [proc.pid for proc in processes() if proc.ppid == pid]
        pids += [int(child) for child in (text or "").split()]
    return pids


def postmaster_pid():
    """The PostgreSQL server's main process on this machine, or None."""
    procs = processes()
    by_pid = {proc.pid: proc for proc in procs}
    for proc in procs:
        parent = by_pid.get(proc.ppid)
        if proc.comm == "postgres" and (parent is None or parent.comm != "postgres"):
            return proc.pid
    return None


def cpu_seconds(pid):
    """The CPU time a process has used so far, or None when it has gone."""
    total = 0.0
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except FileNotFoundError:
        return None
    for task in tasks:
        text = _read(task / "schedstat")
        if not text:
            break
        total += int(text.split()[0]) / 1e9
    else:
        return total
    # No schedstat: utime+stime of the whole process, in clock ticks.
    text = _read(PROC / str(pid) / "stat")
    if text is None:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cmdline(pid):
    text = _read(PROC / str(pid) / "cmdline")
    return (text or "").replace("\0", " ").strip()


def rss_mb(pid):
    """Resident memory of a process in MB, or None when it has gone."""
    for line in (_read(PROC / str(pid) / "status") or "").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


class CpuMeter:
    """CPU seconds used so far by the web workers and the database's backends."""

    def __init__(self, web_master_pid, database):
        self.web_master_pid = web_master_pid
        self.database = database
        self.postmaster_pid = postmaster_pid()  # None: PostgreSQL runs elsewhere
        # (pid, start) -> the last CPU seconds seen, kept after the backend has exited.
        self._db_seen = {}

    def sample(self):
        """{"web": s, "db": s, "postgres_all": s}: subtract two samples for a period."""
        return {"web": self._web(), **self._postgres()}

    def _web(self):
        master = process(self.web_master_pid)
        web = master.reaped_seconds if master else 0.0
        for pid in child_pids(self.web_master_pid):
            web += cpu_seconds(pid) or 0.0
        return web

    def _postgres(self):
        if self.postmaster_pid is None:
            return {"db": 0.0, "postgres_all": 0.0}
        postmaster = process(self.postmaster_pid)
        everything = postmaster.reaped_seconds if postmaster else 0.0
        everything += cpu_seconds(self.postmaster_pid) or 0.0
        backends, parallel = set(), []
        seconds = {}
        for pid in child_pids(self.postmaster_pid):
            seconds[pid] = cpu_seconds(pid)
            everything += seconds[pid] or 0.0
            line = cmdline(pid)
            backend = PG_BACKEND.match(line)
            if backend and backend.group(2) == self.database:
                backends.add(pid)
            elif worker := PG_PARALLEL_WORKER.search(line):
                parallel.append((int(worker.group(1)), pid))
        ours = backends | {pid for leader, pid in parallel if leader in backends}
        for pid in ours:
            proc = process(pid)
            if proc is not None and seconds[pid] is not None:
                self._db_seen[(pid, proc.started)] = seconds[pid]
        return {"db": sum(self._db_seen.values()), "postgres_all": everything}


def difference(after, before):
    return {key: after[key] - before[key] for key in after}
