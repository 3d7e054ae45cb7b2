import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

CLI = [str(Path(sys.executable).with_name("visual-erm"))]


def run(*args, stdin=None):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, input=stdin, timeout=120)


def test_render_many_to_out_dir(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "p7.py").write_text("```python\nimport matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\n```")
    (tmp_path / "bad.py").write_text("raise SystemError('nope')")
    (tmp_path / "icon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4" cx="5" cy="5"/></svg>')
    out = tmp_path / "out"
    proc = run("render", "--task", "chart", str(sub / "p7.py"), str(tmp_path / "bad.py"), "--out-dir", str(out), "--json")
    assert proc.returncode == 1
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["ok"] for line in lines] == [True, False]
    assert lines[1]["failure"] == "runtime"
    assert sorted(p.name for p in out.iterdir()) == ["p7.png"]
    assert Image.open(out / "p7.png").size == (640, 480)

    proc = run("render", "--task", "svg", str(tmp_path / "icon.svg"), "-o", str(tmp_path / "icon.png"))
    assert proc.returncode == 0, proc.stderr
    assert Image.open(tmp_path / "icon.png").size == (512, 512)


def test_render_from_stdin(tmp_path):
    proc = run("render", "--task", "chart", "-", "-o", str(tmp_path / "x.png"), "--json",
               stdin="import matplotlib.pyplot as plt\nplt.bar([1, 2], [2, 1])\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
    assert (tmp_path / "x.png").exists()


def test_bad_task_is_a_usage_error():
    proc = run("render", "--task", "video", "-")
    assert proc.returncode == 2
    assert "unknown task" in proc.stderr
