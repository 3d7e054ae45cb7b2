"""The warm worker: runs inside the sandbox, imports the heavy libraries once, forks one limited child per job.

Protocol on stdin/stdout (the host never unpickles anything from here):
  host → worker: one JSON line ``{"kind", "options", "size"}`` followed by ``size`` bytes of UTF-8 code.
  worker → host: one JSON line ``{"status", "message", "seconds", "size"}`` followed by ``size`` bytes of PNG.
The worker announces itself with ``{"ready": true, "pid": ...}``. A job child gets its own scratch folder, drops
to the unprivileged uid (when the supervisor is root), sets rlimits, and cannot write to the protocol pipes.
"""

from __future__ import annotations

import gc
import json
import os
import select
import shutil
import signal
import sys
import time
import traceback
from typing import Any

from visual_erm.render.sandbox import SandboxConfig, apply_limits

JOB_MODULES = {"chart": "visual_erm.render.chart", "svg": "visual_erm.render.svg"}
MAX_IMAGE_BYTES = 256 << 20
MAX_SIDE = 32768
MAX_RESULT_BYTES = 64 << 10


def _prepare() -> None:
    """Warm imports and matplotlib setup, done once per worker."""
    seed = os.environ.get("VISUAL_ERM_MPL_SEED")
    conf = os.environ.get("MPLCONFIGDIR")
    if seed and conf and os.path.isdir(seed):
        # matplotlib wants a writable config dir; copying the pre-seeded font cache avoids a rebuild.
        shutil.copytree(seed, conf, dirs_exist_ok=True)
    import numpy  # noqa: F401

    from visual_erm.render import chart, svg  # noqa: F401

    chart.setup_matplotlib()
    for name in ("pandas", "lxml.etree", "resvg_py", "PIL.Image", "mpl_toolkits.mplot3d"):
        try:
            __import__(name)
        except Exception:  # optional warm imports; a job that needs one reports its own error
            pass


def _read_exact(stream, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError("host closed the pipe")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _send(out, header: dict[str, Any], payload: bytes = b"") -> None:
    header = {**header, "size": len(payload)}
    out.write(json.dumps(header).encode() + b"\n" + payload)
    out.flush()


def _other_pids() -> list[int]:
    """Every process in this pid namespace except this supervisor and its ancestors."""
    keep = {os.getpid(), 1}
    ppid = os.getppid()
    keep.add(ppid)
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in keep:
            pids.append(int(name))
    return pids


def _reap_all(in_namespace: bool) -> None:
    """Kill whatever a job left behind (daemons included) and collect the zombies."""
    if in_namespace:
        for _ in range(5):
            pids = _other_pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            _collect_zombies()
            time.sleep(0.005)
    _collect_zombies()


def _collect_zombies() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(kind: str, code: str, options: dict[str, Any], scratch: str, limits: SandboxConfig) -> None:
    """In the forked child: isolate, limit, run the job, write result.json and out.img. Never returns."""
    status = 70
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        log = os.open(os.path.join(scratch, "stderr.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.closerange(3, 4096)
        os.chdir(scratch)
        apply_limits(limits, drop_privileges=True)
        module = __import__(JOB_MODULES[kind], fromlist=["run_job"])
        result = module.run_job(code, options, os.path.join(scratch, "out.img"))
        with open(os.path.join(scratch, "result.json"), "w") as fh:
            json.dump(result, fh)
        status = 0
    except MemoryError:
        try:
            with open(os.path.join(scratch, "result.json"), "w") as fh:
                fh.write('{"status": "memory", "message": "MemoryError"}')
            status = 0
        except BaseException:
            status = 71
    except BaseException:
        try:
            traceback.print_exc()
        except BaseException:
            pass
    finally:
        os._exit(status)


def _wait(pid: int, wall: float) -> tuple[int | None, bool]:
    """Wait for ``pid`` at most ``wall`` seconds. Returns (wait status or None, timed_out)."""
    fd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([fd], [], [], wall)
    finally:
        os.close(fd)
    if not ready:
        return None, True
    _, status = os.waitpid(pid, 0)
    return status, False


def _classify(status: int | None, timed_out: bool, scratch: str, limits: SandboxConfig) -> tuple[str, str, dict]:
    stderr = ""
    try:
        with open(os.path.join(scratch, "stderr.txt"), "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 4000))
            stderr = fh.read().decode("utf-8", "replace")
    except OSError:
        pass
    tail = "\n".join([ln for ln in stderr.strip().splitlines() if ln.strip()][-6:])[-800:]
    if timed_out:
        return "timeout", f"killed after {limits.wall_seconds:g} s wall time", {}
    assert status is not None
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return "timeout", f"killed by {signal.Signals(sig).name} (CPU limit {limits.cpu_seconds} s)", {}
        return "crash", f"killed by {signal.Signals(sig).name}" + (f"\n{tail}" if tail else ""), {}
    try:
        with open(os.path.join(scratch, "result.json"), "rb") as fh:
            result = json.loads(fh.read(MAX_RESULT_BYTES))
        kind, message = str(result.get("status", "crash")), str(result.get("message", ""))[:2000]
    except (OSError, ValueError, AttributeError):
        code = os.WEXITSTATUS(status)
        return "crash", f"the job exited with status {code} without a result" + (f"\n{tail}" if tail else ""), {}
    if kind in ("runtime", "syntax") and tail:
        message = tail
    return kind, message, _image_format(result)


def _image_format(result: dict) -> dict:
    """The image encoding the job claims, checked: ``png``, or ``rgba`` with sane integer sizes."""
    if result.get("encoding") != "rgba":
        return {"encoding": "png"}
    try:
        width, height = int(result["width"]), int(result["height"])
    except (KeyError, TypeError, ValueError):
        return {"encoding": "invalid"}
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return {"encoding": "invalid"}
    return {"encoding": "rgba", "width": width, "height": height}


def serve(stdin, stdout, limits: SandboxConfig, in_namespace: bool) -> None:
    _send(stdout, {"ready": True, "pid": os.getpid()})
    counter = 0
    while True:
        line = stdin.readline()
        if not line:
            return
        header = json.loads(line)
        code = _read_exact(stdin, int(header["size"])).decode("utf-8", "replace")
        kind, options = header["kind"], header.get("options", {})
        counter += 1
        scratch = os.path.join("/tmp" if in_namespace else os.environ.get("TMPDIR", "/tmp"), f"job-{os.getpid()}-{counter}")
        os.makedirs(scratch, mode=0o777)
        os.chmod(scratch, 0o777)
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(kind, code, options, scratch, limits)
        status, timed_out = _wait(pid, limits.wall_seconds)
        if timed_out:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
        _reap_all(in_namespace)
        outcome, message, image_format = _classify(status, timed_out, scratch, limits)
        payload = b""
        if outcome == "ok":
            try:
                with open(os.path.join(scratch, "out.img"), "rb") as fh:
                    payload = fh.read(MAX_IMAGE_BYTES + 1)
                expected = image_format.get("width", 0) * image_format.get("height", 0) * 4
                if len(payload) > MAX_IMAGE_BYTES:
                    outcome, message, payload = "too_large", "the rendering exceeds 256 MiB", b""
                elif image_format["encoding"] == "invalid" or (image_format["encoding"] == "rgba" and len(payload) != expected):
                    outcome, message, payload = "crash", "the job wrote an image that does not match its stated size", b""
            except OSError:
                outcome, message = "crash", "the job reported success but wrote no image"
        shutil.rmtree(scratch, ignore_errors=True)
        _send(stdout, {"status": outcome, "message": message, "seconds": time.monotonic() - start, **image_format}, payload)


def main() -> None:
    limits = SandboxConfig(**json.loads(os.environ.get("VISUAL_ERM_LIMITS", "{}")))
    in_namespace = os.environ.get("VISUAL_ERM_IN_NAMESPACE") == "1"
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Anything the warm imports print must not corrupt the protocol stream.
    sys.stdout = sys.stderr
    _prepare()
    # Objects from the warm imports are never collected; freezing them keeps forked children from touching their pages.
    gc.collect()
    gc.freeze()
    if in_namespace:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    serve(stdin, stdout, limits, in_namespace)


if __name__ == "__main__":
    main()
