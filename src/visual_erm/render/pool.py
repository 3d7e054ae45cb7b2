"""Host side of the warm render pool: sandboxed fork-server workers, one job at a time each, recycled after N jobs."""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from visual_erm.render.config import RenderConfig
from visual_erm.render.sandbox import SandboxConfig, bwrap_argv, kill_tree, resolve_backend, sandbox_env

START_TIMEOUT = 60.0
REPLY_GRACE = 5.0  # the worker enforces the wall limit itself; this covers a worker that died or hung


@dataclass
class JobResult:
    """Raw outcome of one job: a FailureKind value or "ok", a short message, image bytes when ok.

    ``encoding`` is ``png`` (encoded bytes) or ``rgba`` (``height * width * 4`` raw bytes).
    """

    status: str
    message: str
    data: bytes
    seconds: float
    encoding: str = "png"
    width: int = 0
    height: int = 0


class WorkerDied(RuntimeError):
    pass


def mpl_seed_dir() -> Path:
    """A pre-seeded matplotlib config dir (font cache) for this matplotlib version, built once on the host."""
    import matplotlib

    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "visual-erm" / f"mpl-{matplotlib.__version__}"
    marker = base / ".seeded"
    if not marker.exists():
        base.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "MPLCONFIGDIR": str(base), "MPLBACKEND": "Agg"}
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True,
                       capture_output=True, timeout=300)
        for path in base.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        base.chmod(0o755)
        marker.touch()
    return base


class Worker:
    """One sandboxed fork-server process."""

    def __init__(self, config: RenderConfig) -> None:
        self.config = config
        self.jobs = 0
        limits = dataclasses.asdict(config.sandbox)
        backend = resolve_backend(config.sandbox)
        seed = mpl_seed_dir()
        argv = [sys.executable, "-I", "-m", "visual_erm.render.forkserver"] if backend == "bwrap" else \
            [sys.executable, "-m", "visual_erm.render.forkserver"]
        if backend == "bwrap":
            env = sandbox_env({
                "VISUAL_ERM_LIMITS": json.dumps(limits),
                "VISUAL_ERM_IN_NAMESPACE": "1",
                "VISUAL_ERM_MPL_SEED": "/opt/mplseed",
                "MPLCONFIGDIR": "/tmp/mplconfig",
            })
            # -I ignores PYTHONPATH, so the package path is passed through sys.path by a tiny bootstrap instead.
            argv = [sys.executable, "-I", "-c",
                    "import sys; sys.path.insert(0, '/opt/visual-erm'); "
                    "from visual_erm.render.forkserver import main; main()"]
            full = bwrap_argv(argv, env=env, ro_binds=[(str(seed), "/opt/mplseed")],
                              caps=("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_DAC_OVERRIDE", "CAP_FOWNER"))
            popen_env = {"PATH": "/usr/bin:/bin"}
        else:
            scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"visual-erm-worker-{os.getpid()}"
            scratch.mkdir(exist_ok=True)
            full = argv
            popen_env = {**os.environ, "VISUAL_ERM_LIMITS": json.dumps(limits), "VISUAL_ERM_MPL_SEED": str(seed),
                         "MPLCONFIGDIR": str(scratch / "mplconfig"), "TMPDIR": str(scratch), "MPLBACKEND": "Agg",
                         "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(full, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=popen_env, start_new_session=True)
        header = self._read_header(START_TIMEOUT)
        if not header.get("ready"):
            self.close()
            raise WorkerDied(f"render worker failed to start: {header}")

    def _read_line(self, timeout: float) -> bytes:
        out = self.proc.stdout
        assert out is not None
        deadline = time.monotonic() + timeout
        buf = b""
        while not buf.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("render worker did not answer in time")
            ready, _, _ = select.select([out], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(out.fileno(), 1)
            if not chunk:
                raise WorkerDied("render worker exited")
            buf += chunk
            if len(buf) > 1 << 20:
                raise WorkerDied("render worker sent an oversized header")
        return buf

    def _read_header(self, timeout: float) -> dict[str, Any]:
        return json.loads(self._read_line(timeout))

    def _read_payload(self, size: int, timeout: float) -> bytes:
        out = self.proc.stdout
        assert out is not None
        deadline = time.monotonic() + timeout
        chunks, got = [], 0
        while got < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("render worker stalled while sending the image")
            ready, _, _ = select.select([out], [], [], remaining)
            if ready:
                chunk = os.read(out.fileno(), min(1 << 20, size - got))
                if not chunk:
                    raise WorkerDied("render worker exited while sending the image")
                chunks.append(chunk)
                got += len(chunk)
        return b"".join(chunks)

    def run(self, kind: str, code: str, options: dict[str, Any], wall: float) -> JobResult:
        payload = code.encode("utf-8", "replace")
        header = json.dumps({"kind": kind, "options": options, "size": len(payload)}).encode() + b"\n"
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(header + payload)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied(f"render worker is gone: {exc}") from None
        self.jobs += 1
        reply = self._read_header(wall + REPLY_GRACE)
        data = self._read_payload(int(reply.get("size", 0)), 30.0)
        return JobResult(str(reply["status"]), str(reply.get("message", "")), data, float(reply.get("seconds", 0.0)),
                         str(reply.get("encoding", "png")), int(reply.get("width", 0)), int(reply.get("height", 0)))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
                self.proc.wait(timeout=2)
            except (subprocess.TimeoutExpired, OSError):
                pass
        kill_tree(self.proc)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass


class RenderPool:
    """A fixed number of warm workers; ``run`` blocks for a free one. Thread-safe.

    A worker that dies or hangs is replaced and its job answered with ``crash``/``timeout``; a worker is recycled
    after ``config.recycle_after`` jobs. With ``config.strict`` every job gets a fresh worker.
    """

    def __init__(self, config: RenderConfig) -> None:
        self.config = config
        self.size = config.pool_size()
        self._idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        for _ in range(self.size):
            self._idle.put(None)  # started lazily
        self._closed = False
        self._lock = threading.Lock()
        self._live: set[Worker] = set()

    def _new_worker(self) -> Worker:
        worker = Worker(self.config)
        with self._lock:
            self._live.add(worker)
        return worker

    def _retire(self, worker: Worker | None) -> None:
        if worker is None:
            return
        worker.close()
        with self._lock:
            self._live.discard(worker)

    def run(self, kind: str, code: str, options: dict[str, Any]) -> JobResult:
        if self._closed:
            raise RuntimeError("the render pool is closed")
        worker = self._idle.get()
        start = time.monotonic()
        try:
            if worker is None or not worker.alive():
                self._retire(worker)
                worker = self._new_worker()
            try:
                result = worker.run(kind, code, options, self.config.sandbox.wall_seconds)
            except TimeoutError as exc:
                self._retire(worker)
                worker = None
                result = JobResult("timeout", str(exc), b"", time.monotonic() - start)
            except (WorkerDied, ValueError) as exc:
                self._retire(worker)
                worker = None
                result = JobResult("crash", f"the render worker died during the job ({exc})", b"", time.monotonic() - start)
            if worker is not None and (self.config.strict or worker.jobs >= self.config.recycle_after):
                self._retire(worker)
                worker = None
            return result
        finally:
            self._idle.put(worker)

    def map(self, jobs: Sequence[tuple[str, str, dict[str, Any]]], on_done: Callable[[], None] | None = None) -> list[JobResult]:
        """Run jobs concurrently over the pool; results in input order."""

        def one(job: tuple[str, str, dict[str, Any]]) -> JobResult:
            try:
                return self.run(*job)
            finally:
                if on_done:
                    on_done()

        if len(jobs) <= 1:
            return [one(j) for j in jobs]
        with ThreadPoolExecutor(max_workers=self.size) as ex:
            return list(ex.map(one, jobs))

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.proc.pid for w in self._live if w.alive()]

    def close(self) -> None:
        self._closed = True
        with self._lock:
            live = list(self._live)
        for worker in live:
            self._retire(worker)


_pools: dict[RenderConfig, RenderPool] = {}
_pools_lock = threading.Lock()


def get_pool(config: RenderConfig) -> RenderPool:
    """The shared pool for ``config`` (one per distinct configuration), created on first use."""
    with _pools_lock:
        pool = _pools.get(config)
        if pool is None or pool._closed:
            pool = _pools[config] = RenderPool(config)
        return pool


def close_pools() -> None:
    """Stop every warm worker (also runs at interpreter exit)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


atexit.register(close_pools)
