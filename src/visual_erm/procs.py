"""Process-tree facts read from Linux's /proc: used to prove that no render worker or browser is left behind."""

from __future__ import annotations

import os
from pathlib import Path


def process_table() -> dict[int, tuple[int, str]]:
    """``{pid: (parent pid, state letter)}`` for every process visible now."""
    table: dict[int, tuple[int, str]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        table[int(name)] = (int(fields[1]), fields[0])
    return table


def children(pid: int) -> list[int]:
    """Direct children of ``pid``."""
    return [p for p, (parent, _) in process_table().items() if parent == pid]


def descendants(pid: int, *, include_zombies: bool = True) -> list[int]:
    """Every process whose parent chain leads to ``pid``."""
    table = process_table()
    found, frontier = [], [pid]
    while frontier:
        cur = frontier.pop()
        for child, (parent, state) in table.items():
            if parent == cur:
                frontier.append(child)
                if include_zombies or state != "Z":
                    found.append(child)
    return found


def cmdline(pid: int) -> bytes:
    """The process's argv joined by NUL bytes (empty when it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def with_cmdline(fragment: bytes) -> list[int]:
    """Pids whose command line contains ``fragment``."""
    return [pid for pid in process_table() if fragment in cmdline(pid)]
