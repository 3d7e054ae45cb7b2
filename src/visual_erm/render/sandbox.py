"""The one sandbox every renderer shares.

Untrusted code runs in a child that has no network, sees only the system's read-only runtime (no project, no home, no host
secrets), writes only to its own scratch folder, and is bounded in memory, CPU time, wall time, file size and open files.
bubblewrap gives it fresh pid, network, ipc and uts namespaces, so killing the namespace's first process takes every
descendant with it, daemons included. Without bubblewrap we fall back to rlimits plus a new session, and warn once.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

NOBODY = 65534

# /etc entries the runtime needs; everything else in /etc (shadow, ssh keys, hostname, resolv.conf) stays out.
_ETC_ALLOWED = (
    "/etc/fonts",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/texmf",
    "/etc/chromium.d",
    "/etc/chromium",
    "/etc/mime.types",
)
_SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")
_DATA_DIRS = ("/var/lib/texmf", "/var/cache/fontconfig")


@dataclass(frozen=True)
class SandboxConfig:
    """Limits and isolation for one untrusted job.

    Args:
        memory_bytes: address-space limit per process (RLIMIT_AS); allocations beyond it fail with MemoryError.
        cpu_seconds: CPU-time limit per process (RLIMIT_CPU); a busy loop is killed by SIGXCPU/SIGKILL.
        wall_seconds: wall-clock limit for the whole job; on expiry the job's whole process tree is killed.
        file_bytes: largest file the job may write (RLIMIT_FSIZE).
        open_files: most file descriptors per process (RLIMIT_NOFILE).
        processes: most processes of the sandbox user (RLIMIT_NPROC); only effective when the host runs as root and
            jobs are dropped to the unprivileged ``nobody`` uid (RLIMIT_NPROC does not bind root).
        backend: ``"auto"`` (bubblewrap when it works, else rlimits with a warning), ``"bwrap"`` (required) or
            ``"rlimits"`` (no namespaces; for machines without bubblewrap).
    """

    memory_bytes: int = 2 << 30
    cpu_seconds: int = 30
    wall_seconds: float = 20.0
    file_bytes: int = 64 << 20
    open_files: int = 256
    processes: int = 64
    backend: str = "auto"


@dataclass
class CommandResult:
    """What a sandboxed command did: exit status (negative = killed by that signal), output, wall time."""

    returncode: int
    stdout: bytes = b""
    stderr: bytes = b""
    seconds: float = 0.0
    timed_out: bool = False
    argv: list[str] = field(default_factory=list)


def is_root() -> bool:
    return os.geteuid() == 0


@functools.lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """True when bubblewrap is installed and can create the namespaces we need here."""
    exe = shutil.which("bwrap")
    if not exe:
        return False
    argv = [exe, *_namespace_flags(), "--die-with-parent", *_system_binds(), "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


_warned = False


def resolve_backend(config: SandboxConfig) -> str:
    """The backend a job will really use: ``bwrap`` or ``rlimits``; warns once when falling back."""
    global _warned
    if config.backend == "rlimits":
        return "rlimits"
    if bwrap_works():
        return "bwrap"
    if config.backend == "bwrap":
        raise RuntimeError("bubblewrap (bwrap) is required by SandboxConfig(backend='bwrap') but does not work here")
    if not _warned:
        warnings.warn(
            "visual-erm: bubblewrap is not available; untrusted code runs with rlimits only (no network or filesystem "
            "isolation). Install the 'bubblewrap' package.",
            RuntimeWarning,
            stacklevel=3,
        )
        _warned = True
    return "rlimits"


def _namespace_flags() -> list[str]:
    # As root we skip the user namespace so a job can drop to the real 'nobody' uid, where RLIMIT_NPROC binds.
    if is_root():
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    return ["--unshare-all"]


def _system_binds() -> list[str]:
    args: list[str] = []
    for path in _SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    args += ["--perms", "0755", "--dir", "/etc"]
    for path in _ETC_ALLOWED:
        if os.path.lexists(path):
            args += ["--ro-bind", path, path]
    fake = _fake_identity_files()
    args += ["--ro-bind", str(fake / "passwd"), "/etc/passwd", "--ro-bind", str(fake / "group"), "/etc/group"]
    for path in _DATA_DIRS:
        if os.path.isdir(path):
            args += _bind("--ro-bind", path, path)
    return args


@functools.lru_cache(maxsize=1)
def _fake_identity_files() -> Path:
    # Some tools call getpwuid(); they get a minimal passwd that reveals nothing about the host.
    folder = Path(tempfile.gettempdir()) / f"visual-erm-identity-{os.getuid()}"
    folder.mkdir(mode=0o755, exist_ok=True)
    (folder / "passwd").write_text("root:x:0:0:root:/tmp:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/tmp:/usr/sbin/nologin\n")
    (folder / "group").write_text("root:x:0:\nnogroup:x:65534:\n")
    for name in ("passwd", "group"):
        os.chmod(folder / name, 0o644)
    return folder


def _parents(dst: str) -> list[str]:
    """Create ``dst``'s ancestors world-traversable: bubblewrap would make them 0700, locking out ``nobody``."""
    args: list[str] = []
    parts = Path(dst).parent.parts[1:]
    for i in range(1, len(parts) + 1):
        args += ["--perms", "0755", "--dir", "/" + "/".join(parts[:i])]
    return args


def _bind(flag: str, src: str, dst: str) -> list[str]:
    return [*_parents(dst), flag, src, dst]


def python_binds() -> list[str]:
    """Read-only binds that make this interpreter, its site-packages and visual_erm importable inside the sandbox."""
    paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), os.path.realpath(sys.exec_prefix)}
    args: list[str] = []
    for p in sorted(paths):
        if not any(p.startswith(s + "/") or p == s for s in _SYSTEM_DIRS):
            args += _bind("--ro-bind", p, p)
    # The package itself at a neutral path, so an editable install does not expose the project folder.
    args += _bind("--ro-bind", str(package_root()), "/opt/visual-erm/visual_erm")
    return args


def package_root() -> Path:
    return Path(__file__).resolve().parent.parent


def sandbox_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment a sandboxed process gets: no host variables leak in (no tokens, no proxies)."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": "/opt/visual-erm",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    if extra:
        env.update(extra)
    return env


def bwrap_argv(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    ro_binds: Sequence[tuple[str, str]] = (),
    rw_binds: Sequence[tuple[str, str]] = (),
    chdir: str = "/tmp",
    caps: Sequence[str] = (),
) -> list[str]:
    """The bubblewrap command line that runs ``argv`` isolated.

    ``ro_binds``/``rw_binds`` are (host path, sandbox path) pairs; ``caps`` are capabilities kept for a trusted
    supervisor inside the sandbox (root hosts only), which drops them before running untrusted code.
    """
    args = ["bwrap", *_namespace_flags(), "--die-with-parent", "--new-session"]
    args += _system_binds()
    # The private /tmp comes before the other binds: an interpreter or venv living under the host's /tmp stays visible.
    args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    args += python_binds()
    for src, dst in ro_binds:
        args += _bind("--ro-bind", src, dst)
    for src, dst in rw_binds:
        args += _bind("--bind", src, dst)
    args += ["--chdir", chdir, "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    if caps and is_root():
        for cap in caps:
            args += ["--cap-add", cap]
    return args + ["--", *argv]


def apply_limits(config: SandboxConfig, *, drop_privileges: bool = False) -> None:
    """Set this process's rlimits (and, as root, become ``nobody``). Called in a child before untrusted code runs."""
    if drop_privileges and os.geteuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        _setlimit(resource.RLIMIT_NPROC, config.processes)
    _setlimit(resource.RLIMIT_AS, config.memory_bytes)
    _setlimit(resource.RLIMIT_CPU, max(1, int(config.cpu_seconds)))
    _setlimit(resource.RLIMIT_FSIZE, config.file_bytes)
    _setlimit(resource.RLIMIT_NOFILE, config.open_files)
    _setlimit(resource.RLIMIT_CORE, 0)


def _setlimit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def run_command(
    argv: Sequence[str],
    *,
    config: SandboxConfig,
    scratch: str | os.PathLike,
    ro_binds: Sequence[tuple[str, str]] = (),
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
) -> CommandResult:
    """Run one untrusted command in the sandbox with ``scratch`` as its only writable folder (its cwd).

    Inside bubblewrap the scratch folder appears at ``/scratch``. On wall-clock expiry the whole process tree is
    killed (the pid namespace dies with its first process) and ``timed_out`` is set.
    """
    scratch = os.fspath(scratch)
    backend = resolve_backend(config)
    full_env = sandbox_env(env)
    if backend == "bwrap":
        full = bwrap_argv(argv, env=full_env, ro_binds=ro_binds, rw_binds=[(scratch, "/scratch")], chdir="/scratch")
        cwd = None
    else:
        full_env = {**full_env, "HOME": scratch, "TMPDIR": scratch}
        full, cwd = list(argv), scratch
    start = time.monotonic()
    proc = subprocess.Popen(
        full,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=full_env if backend != "bwrap" else {"PATH": "/usr/bin:/bin"},
        preexec_fn=functools.partial(apply_limits, config),
        start_new_session=True,
    )
    timed_out = False
    try:
        out, err = proc.communicate(stdin, timeout=config.wall_seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_tree(proc)
        out, err = proc.communicate()
    return CommandResult(proc.returncode, out, err, time.monotonic() - start, timed_out, list(argv))


def kill_tree(proc: subprocess.Popen) -> None:
    """Kill a process started with ``start_new_session=True`` and its whole process group."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass


def tail(data: bytes | str, lines: int = 6, limit: int = 800) -> str:
    """The last few lines of a child's output, for Rendering.message."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    kept = [ln for ln in text.strip().splitlines() if ln.strip()][-lines:]
    return "\n".join(kept)[-limit:]


PreExec = Callable[[], None]
