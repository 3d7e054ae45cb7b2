"""Hostile programs are contained: a clear failure kind, the host untouched, the pool still healthy."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from visual_erm.procs import with_cmdline as processes_with_cmdline
from visual_erm.render import RenderConfig, SandboxConfig, render
from visual_erm.render.sandbox import bwrap_works
from visual_erm.types import FailureKind

pytestmark = pytest.mark.skipif(not bwrap_works(), reason="bubblewrap is not installed (make setup installs it)")

FAST = RenderConfig(sandbox=SandboxConfig(wall_seconds=4.0, cpu_seconds=4), workers=2)
DRAW = "import matplotlib.pyplot as plt\nplt.plot([0, 1], [0, 1])\n"


def chart(code: str):
    return render("chart", code, config=FAST)


def assert_pool_healthy():
    r = chart(DRAW)
    assert r.ok, r.message


def test_host_files_are_invisible(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    reference = tmp_path / "reference.png"
    reference.write_bytes(b"\x89PNG fake reference")
    code = f"""
import os
seen = []
for path in [{str(secret)!r}, {str(reference)!r}, '/etc/shadow', '/root/.ssh', os.path.expanduser('~/.ssh'), '/etc/hostname',
             {str(Path.cwd() / 'pyproject.toml')!r}]:
    if os.path.exists(path):
        seen.append(path)
raise RuntimeError('SEEN=' + repr(seen) + ' PASSWD=' + open('/etc/passwd').read().replace(chr(10), '|'))
"""
    r = chart(code)
    assert r.failure == FailureKind.RUNTIME
    assert "SEEN=[]" in r.message
    host_passwd = Path("/etc/passwd").read_text().splitlines()
    assert not any(line in r.message for line in host_passwd if line not in ("root:x:0:0:root:/tmp:/usr/sbin/nologin",))
    assert "TOP-SECRET-VALUE" not in r.message


def test_cannot_write_outside_scratch(tmp_path):
    target = tmp_path / "pwned.txt"
    code = f"""
for path in [{str(target)!r}, '/tmp/visual-erm-pwned', '/usr/pwned', '/opt/visual-erm/visual_erm/pwned.py']:
    try:
        open(path, 'w').write('x')
    except OSError:
        pass
{DRAW}"""
    r = chart(code)
    assert r.ok
    assert not target.exists()
    assert not Path("/tmp/visual-erm-pwned").exists()
    assert not Path("/usr/pwned").exists()


def test_no_network(listener):
    code = f"""
import socket
s = socket.socket()
s.settimeout(1)
s.connect(('127.0.0.1', {listener.port}))
s.sendall(b'leak')
"""
    r = chart(code)
    assert r.failure == FailureKind.RUNTIME
    assert "ConnectionRefused" in r.message or "Network is unreachable" in r.message or "OSError" in r.message
    time.sleep(0.3)
    assert listener.hits == []


def test_busy_loop_times_out():
    r = chart("while True:\n    pass\n")
    assert r.failure == FailureKind.TIMEOUT
    assert r.seconds < 10
    assert_pool_healthy()


def test_huge_allocation_is_a_memory_failure():
    r = chart("x = bytearray(50 * 1024 ** 3)\n")
    assert r.failure == FailureKind.MEMORY
    assert_pool_healthy()


def test_fork_bomb_is_contained():
    r = chart("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n")
    assert not r.ok
    assert r.failure in (FailureKind.TIMEOUT, FailureKind.CRASH, FailureKind.RUNTIME)
    assert_pool_healthy()


def test_daemon_is_killed_with_the_job():
    code = """
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv('/bin/sleep', ['sleep', '987.654'])
    os._exit(0)
import matplotlib.pyplot as plt
plt.plot([1, 2])
"""
    r = chart(code)
    assert r.ok, r.message
    time.sleep(0.2)
    assert processes_with_cmdline(b"sleep\x00987.654") == []


def test_killing_the_parent_does_not_harm_the_pool():
    r = chart("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + DRAW)
    # The job runs as an unprivileged user and may not signal its supervisor; either way the pool survives.
    assert r.ok or r.failure in (FailureKind.RUNTIME, FailureKind.CRASH)
    assert_pool_healthy()


def test_segfault_is_a_crash():
    r = chart("import ctypes\nctypes.string_at(0)\n")
    assert r.failure == FailureKind.CRASH
    assert "SIGSEGV" in r.message
    assert_pool_healthy()


def test_exit_before_drawing_is_blank():
    r = chart("import sys\nsys.exit(0)\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\n")
    assert r.failure == FailureKind.BLANK
    assert "sys.exit" in r.message


def test_gigantic_figure_is_refused():
    r = chart("import matplotlib.pyplot as plt\nplt.figure(figsize=(1000, 1000))\nplt.plot([1, 2])\n")
    assert r.failure == FailureKind.TOO_LARGE


def test_environment_does_not_leak(monkeypatch):
    monkeypatch.setenv("VISUAL_ERM_TEST_TOKEN", "tok-123")
    r = chart("import os\nraise RuntimeError('ENV=' + ','.join(sorted(os.environ)))\n")
    assert "tok-123" not in r.message and "VISUAL_ERM_TEST_TOKEN" not in r.message


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>"""


def svg(code: str):
    return render("svg", code, config=FAST)


def test_svg_entities_and_xxe_are_forbidden(listener):
    assert svg(BILLION_LAUGHS).failure == FailureKind.FORBIDDEN
    xxe_file = '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    assert svg(xxe_file).failure == FailureKind.FORBIDDEN
    xxe_http = f'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "http://127.0.0.1:{listener.port}/x">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    assert svg(xxe_http).failure == FailureKind.FORBIDDEN
    time.sleep(0.2)
    assert listener.hits == []


def test_svg_external_image_is_stripped(listener):
    code = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">
<rect width="50" height="50" fill="blue"/>
<image href="/etc/passwd" width="50" height="50"/>
<image xlink:href="http://127.0.0.1:{listener.port}/a.png" x="50" width="50" height="50"/>
</svg>"""
    r = svg(code)
    assert r.ok
    assert "external reference" in r.message
    time.sleep(0.2)
    assert listener.hits == []


def test_svg_deep_nesting_and_use_bomb_are_refused():
    deep = '<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 100_000 + "</g>" * 100_000 + "</svg>"
    assert svg(deep).failure == FailureKind.TOO_LARGE
    layers = ['<rect id="l0" width="1" height="1"/>']
    for i in range(1, 40):
        layers.append(f'<g id="l{i}"><use href="#l{i-1}"/><use href="#l{i-1}" x="1"/></g>')
    bomb = '<svg xmlns="http://www.w3.org/2000/svg"><defs>' + "".join(layers) + '</defs><use href="#l39"/></svg>'
    assert svg(bomb).failure == FailureKind.TOO_LARGE
    assert svg('<svg xmlns="http://www.w3.org/2000/svg"><rect id="a"/><use id="b" href="#b"/></svg>').failure \
        == FailureKind.FORBIDDEN


def test_svg_huge_canvas_renders_at_forced_size():
    r = svg('<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="50000"><circle cx="50000" cy="25000" r="20000" fill="red"/></svg>')
    assert r.ok
    assert r.size == (512, 256)


def test_malformed_svg_is_a_syntax_failure():
    assert svg('<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10" fill="red"></svg>').failure \
        == FailureKind.SYNTAX
