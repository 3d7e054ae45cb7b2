"""Shared fixtures: the render pool is shared by the session and must leave no process behind."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from visual_erm.procs import cmdline, descendants


@pytest.fixture(scope="session", autouse=True)
def no_leftover_processes():
    yield
    from visual_erm import render

    render.close()
    import time

    deadline = time.monotonic() + 10
    left = descendants(os.getpid())
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = descendants(os.getpid())
    cmdlines = {p: cmdline(p)[:200] for p in left if cmdline(p)}
    assert not cmdlines, f"processes left behind by the test session: {cmdlines}"


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(4096) or b"<connected>")
            except OSError:
                self.hits.append(b"<connected>")
            finally:
                conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()
