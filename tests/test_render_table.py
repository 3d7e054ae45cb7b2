"""Tables: real Chromium, real pdflatex, a real loopback listener; no mocks."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import threading
import time
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from visual_erm.render import table
from visual_erm.render.config import RenderConfig
from visual_erm.render.html_clean import clean_css, sanitize_html
from visual_erm.render.latex import latex_document
from visual_erm.render.sandbox import SandboxConfig
from visual_erm.types import FailureKind

CONFIG = RenderConfig(workers=2)

HTML_TABLE = (
    "<table><thead><tr><th>Model</th><th>Acc</th></tr></thead>"
    "<tbody><tr><td>GPT-4o</td><td>91.2</td></tr><tr><td>Qwen3-VL</td><td>85.0</td></tr></tbody></table>"
)
MARKDOWN_TABLE = "| Model | Acc |\n| --- | --- |\n| GPT-4o | 91.2 |\n| Qwen3-VL | 85.0 |\n"
LATEX_TABLE = r"""\begin{table}[t]
\centering
\begin{tabular}{lcc}
\toprule
Model & Acc & F1 \\
\midrule
GPT-4o & 91.2 & 88.0 \\
Qwen3-VL & 85.0 & \textbf{80.3} \\
\bottomrule
\end{tabular}
\end{table}"""


def _dark_rows(image: np.ndarray, *, fraction: float = 0.6) -> int:
    """How many pixel rows are mostly dark: horizontal rules (borders, booktabs lines)."""
    dark = image.max(axis=2) < 100
    return int((dark.mean(axis=1) > fraction).sum())


def _our_processes(marker: str) -> list[int]:
    """Pids whose command line contains ``marker`` (a /proc scan; only processes this test session started carry it)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(entry))
    return found


def _browser_pids() -> list[int]:
    return _our_processes(f"{table.OWNER_FLAG}={os.getpid()}")


def _kill(pids: list[int]) -> int:
    """SIGKILL each pid; one may already be gone (a child dies with its killed parent). Returns how many were killed."""
    killed = 0
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            killed += 1
        except ProcessLookupError:
            pass
    return killed


# ---------------------------------------------------------------- pure parts


def test_crop_to_content_keeps_margin_and_pads_with_background():
    image = np.full((40, 50, 3), 255, np.uint8)
    image[5:10, 20:30] = 0
    out = table.crop_to_content(image, margin=12)
    assert out.shape == (5 + 24, 10 + 24, 3)
    assert (out[12:17, 12:22] == 0).all()
    assert (out[:12] == 255).all() and (out[:, :12] == 255).all()
    assert table.crop_to_content(np.full((8, 8, 3), 200, np.uint8), margin=3) is None


def test_thumbnail_limits_longest_side_and_keeps_aspect():
    image = np.zeros((300, 1200, 3), np.uint8)
    assert table.thumbnail(image, max_side=768).shape == (192, 768, 3)
    assert table.thumbnail(image, max_side=None) is image


def test_sanitize_html_strips_active_content_and_keeps_table():
    dirty = (
        '<html><head><base href="http://evil/"><meta http-equiv="refresh" content="0;url=http://evil">'
        '<link rel="stylesheet" href="http://evil/a.css"><style>@import "http://evil/b.css"; '
        "td { background: url(http://evil/c.png); color: red }</style></head>"
        '<body onload="x()"><script>fetch("http://evil")</script>'
        '<table border="1" style="background:\\75 rl(http://evil/d.png)"><tr>'
        '<td colspan="2" onclick="x()"><img src="http://evil/e.png" srcset="http://evil/f.png 2x">A'
        '<a href="javascript:alert(1)">j</a><a href="https://example.org">ok</a></td></tr></table>'
        '<iframe src="http://evil/g"></iframe><object data="http://evil/h"></object><embed src="http://evil/i">'
        '<svg><image href="http://evil/j.png"/><rect fill="url(http://evil/k#p)"/></svg>after</body></html>'
    )
    clean = sanitize_html(dirty)
    assert "evil" not in clean
    for banned in ("<script", "<iframe", "<object", "<embed", "<link", "<base", "<meta", "onload", "onclick", "javascript:"):
        assert banned not in clean.lower()
    assert 'colspan="2"' in clean and "color: red" in clean and "after" in clean
    assert 'href="https://example.org"' in clean
    assert clean_css("b{background:url(data:image/png;base64,AAAA)}") == "b{background:url(data:image/png;base64,AAAA)}"


def test_markdown_that_is_really_html_is_rendered_as_html():
    assert table.looks_like_html("<table><tr><td>1</td></tr></table>")
    assert not table.looks_like_html(MARKDOWN_TABLE)
    assert "<table>" in table.table_page(MARKDOWN_TABLE, language="markdown")


def test_latex_document_keeps_body_and_drops_clashing_preamble():
    doc = latex_document(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{geometry,booktabs,bm}\n"
        "\\newcommand{\\best}[1]{\\textbf{#1}}\n\\begin{document}\nBODY\n\\end{document}\n",
        packages=("booktabs",),
    )
    assert doc.count("\\documentclass") == 1 and "standalone" in doc
    assert "fontenc" not in doc and "geometry" not in doc and "\\usepackage{bm}" in doc
    assert "\\newcommand{\\best}" in doc and doc.count("\\begin{document}") == 1 and "BODY" in doc


# ---------------------------------------------------------------- real tables


def test_html_table_renders_cropped_with_borders():
    r = table.render_table(HTML_TABLE, language="html", config=CONFIG)
    assert r.ok, r.message
    assert (r.task, r.language, r.failure) == ("table", "html", None)
    h, w, c = r.image.shape
    assert c == 3 and r.image.dtype == np.uint8 and 60 < w < 400 and 60 < h < 200
    margin = CONFIG.table_margin
    assert (r.image[:margin] == 255).all() and (r.image[:, -margin:] == 255).all()
    assert (r.image[margin, margin:-margin].max(axis=1) < 100).mean() > 0.9  # the top border line
    assert _dark_rows(r.image) == 4  # 1 px borders: top, under the header, between rows, bottom


def test_markdown_pipe_table_matches_the_same_table_in_html():
    md = table.render_table(MARKDOWN_TABLE, language="markdown", config=CONFIG)
    html = table.render_table(HTML_TABLE, language="html", config=CONFIG)
    as_html = table.render_table(HTML_TABLE, language="markdown", config=CONFIG)
    assert md.ok and html.ok and as_html.ok
    assert np.array_equal(md.image, html.image)
    assert np.array_equal(as_html.image, html.image)


def test_arial_resolves_to_liberation_sans():
    assert "Liberation Sans" in subprocess.run(["fc-match", "Arial"], capture_output=True, text=True).stdout
    cell = '<table><tr><td style="font-family: {}">Accuracy 91.2%</td></tr></table>'
    arial = table.render_table(cell.format("Arial"), language="html", config=CONFIG)
    liberation = table.render_table(cell.format("'Liberation Sans'"), language="html", config=CONFIG)
    serif = table.render_table(cell.format("'Liberation Serif'"), language="html", config=CONFIG)
    assert np.array_equal(arial.image, liberation.image)
    assert not np.array_equal(arial.image, serif.image)


def test_latex_booktabs_table_renders():
    r = table.render_table(LATEX_TABLE, language="latex", config=CONFIG)
    assert r.ok, r.message
    assert r.language == "latex" and 100 < r.size[0] < 600 and 50 < r.size[1] < 300
    assert _dark_rows(r.image) >= 3  # toprule, midrule, bottomrule
    assert (r.image[: CONFIG.table_margin] == 255).all()


def test_latex_table_wider_than_the_text_width_is_not_clipped():
    cells = " & ".join(f"column{i}" for i in range(24))
    r = table.render_table(f"\\begin{{tabular}}{{{'l' * 24}}} {cells} \\\\ \\end{{tabular}}", language="latex", config=CONFIG)
    assert r.ok, r.message
    assert r.size[0] > 1500  # 24 columns at 150 dpi; the 16 cm text width alone would give about 950 px
    right = r.image[:, -CONFIG.table_margin - 40: -CONFIG.table_margin]
    assert (right.max(axis=2) < 100).any()  # the last column's text reaches the right edge of the content


def test_without_bubblewrap_chromium_runs_directly():
    config = replace(CONFIG, sandbox=SandboxConfig(backend="rlimits"))
    assert "bwrap" not in table.chromium_wrapper(config.sandbox).read_text()
    assert "bwrap" in table.chromium_wrapper(CONFIG.sandbox).read_text()
    unwrapped = table.render_table(HTML_TABLE, language="html", config=config)
    wrapped = table.render_table(HTML_TABLE, language="html", config=CONFIG)
    assert unwrapped.ok and wrapped.ok and np.array_equal(unwrapped.image, wrapped.image)


def test_same_input_twice_gives_same_pixels():
    first = table.render_tables([HTML_TABLE, LATEX_TABLE], ["html", "latex"], config=CONFIG)
    second = table.render_tables([HTML_TABLE, LATEX_TABLE], ["html", "latex"], config=CONFIG)
    for a, b in zip(first, second):
        assert a.ok and b.ok and np.array_equal(a.image, b.image)


def test_thumbnail_to_table_max_side():
    wide = "<table><tr>" + "".join(f"<td>column {i}</td>" for i in range(30)) + "</tr></table>"
    full = table.render_table(wide, language="html", config=CONFIG)
    small = table.render_table(wide, language="html", config=replace(CONFIG, table_max_side=768))
    assert full.size[0] > 1280  # wider than the viewport: the page scrolls and is captured whole
    assert small.size[0] == 768 and small.size[1] < full.size[1]


def test_batch_keeps_order_and_isolates_failures():
    seen = []
    codes = [HTML_TABLE, r"\begin{tabular}{l} \undefinedmacro \end{tabular}", MARKDOWN_TABLE, "   ", "<p>&nbsp;</p>", LATEX_TABLE]
    languages = ["html", "latex", "markdown", "html", "html", "latex"]
    results = table.render_tables(codes, languages, config=CONFIG, progress=lambda: seen.append(1))
    assert [r.language for r in results] == languages
    assert [r.failure for r in results] == [None, FailureKind.SYNTAX, None, FailureKind.NO_CODE, FailureKind.BLANK, None]
    assert "undefinedmacro" in results[1].message
    assert results[4].image is not None  # a blank rendering keeps its image for inspection
    assert seen == [1] * len(codes)


def test_page_too_tall_is_refused():
    r = table.render_table('<table><tr><td style="height: 40000px">x</td></tr></table>', language="html", config=CONFIG)
    assert not r.ok and r.failure == FailureKind.TOO_LARGE


# ---------------------------------------------------------------- containment


@pytest.fixture()
def listener():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def get_request(self):  # every TCP connection counts, even one that never sends a request (preconnect)
            conn = super().get_request()
            hits.append("<connection>")
            return conn

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def test_hostile_html_reaches_nothing(listener):
    port, hits = listener
    base = f"http://127.0.0.1:{port}"
    hostile = [
        f'<table><tr><td><img src="{base}/img.png">cell</td></tr></table>',
        f'<link rel="stylesheet" href="{base}/style.css"><table><tr><td>cell</td></tr></table>',
        f'<script>fetch("{base}/script"); document.write("<p>ran</p>")</script><table><tr><td>cell</td></tr></table>',
        f'<iframe src="{base}/frame" width="300" height="200"></iframe><table><tr><td>cell</td></tr></table>',
        f'<style>@import "{base}/import.css"; td {{ background: url({base}/bg.png) }}</style><table><tr><td>cell</td></tr></table>',
        f'<meta http-equiv="refresh" content="0; url={base}/refresh"><table><tr><td>cell</td></tr></table>',
        f'<object data="{base}/object"></object><embed src="{base}/embed"><table><tr><td>cell</td></tr></table>',
        f'<svg width="50" height="50"><image href="{base}/svg.png" width="50" height="50"/></svg><table><tr><td>cell</td></tr></table>',
    ]
    results = table.render_tables(hostile, ["html"] * len(hostile), config=CONFIG)
    cell = table.render_table("<table><tr><td>cell</td></tr></table>", language="html", config=CONFIG)
    time.sleep(0.5)  # let any late request arrive
    assert hits == []
    for r in results:
        assert r.ok, r.message
    assert np.array_equal(results[2].image, cell.image)  # the script neither ran nor left a trace
    # The listener is reachable from the host, so silence above means the browser never tried.
    urllib.request.urlopen(f"{base}/probe", timeout=5).read()
    assert hits == ["<connection>", "/probe"]


def test_browser_alone_contains_unsanitised_pages(listener):
    """Without the sanitiser, JavaScript-off, the request route and the network namespace still hold."""
    port, hits = listener
    base = f"http://127.0.0.1:{port}"
    page = (
        f'<html><head><link rel="stylesheet" href="{base}/style.css"><link rel="preconnect" href="{base}">'
        f'<link rel="prefetch" href="{base}/prefetch">'
        f'<style>@import "{base}/import.css"; body {{ background: url({base}/bg.png) }}</style></head><body>'
        f'<script>document.body.innerHTML = "<p>ran</p>"; fetch("{base}/fetch"); new Image().src = "{base}/js.png"</script>'
        f'<img src="{base}/img.png" width="20" height="20"><iframe src="{base}/frame"></iframe>'
        f'<object data="{base}/object"></object><video src="{base}/video.mp4" autoplay></video>'
        "<table><tr><td>cell</td></tr></table></body></html>"
    )
    refresh = f'<html><head><meta http-equiv="refresh" content="0; url={base}/refresh"></head><body>x</body></html>'
    r, navigated = table.render_pages([page, refresh], config=CONFIG)
    time.sleep(0.5)
    assert r.ok, r.message
    assert hits == []
    # A meta refresh may win the race against the screenshot: then it is refused (or lands on the aborted,
    # blank page), never fetched.
    assert navigated.ok or navigated.failure in (FailureKind.FORBIDDEN, FailureKind.BLANK)
    assert _dark_rows(r.image, fraction=0.05) >= 2  # the table is there: the script did not replace the body


def test_browser_runs_in_its_own_network_namespace():
    assert table.render_table(HTML_TABLE, language="html", config=CONFIG).ok
    pids = _browser_pids()
    assert pids, "no sandboxed browser found"
    ours = os.readlink("/proc/self/ns/net")
    for pid in pids:
        try:
            assert os.readlink(f"/proc/{pid}/ns/net") != ours or Path(f"/proc/{pid}/comm").read_text().strip() == "bwrap"
        except FileNotFoundError:
            pass
    chromium = [p for p in pids if Path(f"/proc/{p}/comm").read_text().strip().startswith("chrom")]
    assert chromium and all(os.readlink(f"/proc/{p}/ns/net") != ours for p in chromium)


def test_latex_cannot_read_host_files():
    r = table.render_table("\\input{/etc/hostname}\n\\begin{tabular}{l} x \\end{tabular}", language="latex", config=CONFIG)
    assert not r.ok and r.failure == FailureKind.FORBIDDEN and "/etc/hostname" in r.message


def test_latex_shell_escape_is_off():
    target = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    code = f"\\immediate\\write18{{touch {target}}}\n\\begin{{tabular}}{{l}} safe \\\\ \\end{{tabular}}"
    r = table.render_table(code, language="latex", config=CONFIG)
    assert r.ok, r.message  # the table still renders; the command never ran
    assert not target.exists()


def test_latex_infinite_loop_times_out_and_leaves_nothing():
    config = replace(CONFIG, sandbox=SandboxConfig(wall_seconds=2.0))
    start = time.monotonic()
    r = table.render_table("\\def\\a{\\a}\\a", language="latex", config=config)
    assert not r.ok and r.failure == FailureKind.TIMEOUT
    assert time.monotonic() - start < 8
    time.sleep(0.2)
    assert _our_processes("visual-erm-latex-") == []


def test_hung_page_is_killed_and_the_next_table_renders():
    config = replace(CONFIG, sandbox=SandboxConfig(wall_seconds=0.05))
    big = "<table>" + "<tr><td>row</td><td>value</td></tr>" * 5000 + "</table>"
    r = table.render_table(big, language="html", config=config)
    assert not r.ok and r.failure == FailureKind.TIMEOUT
    assert table.render_table(HTML_TABLE, language="html", config=CONFIG).ok


def test_killed_browser_is_replaced_without_losing_a_table():
    assert table.render_table(HTML_TABLE, language="html", config=CONFIG).ok
    assert _kill(_browser_pids())
    killed_midway = []

    def kill_once():
        if not killed_midway and _kill(_browser_pids()):
            killed_midway.append(True)

    codes = [HTML_TABLE, MARKDOWN_TABLE] * 4
    results = table.render_tables(codes, ["html", "markdown"] * 4, config=CONFIG, progress=kill_once)
    assert killed_midway
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]


def test_close_leaves_no_processes():
    assert table.render_tables([HTML_TABLE, LATEX_TABLE], ["html", "latex"], config=CONFIG)[0].ok
    table.close()
    deadline = time.monotonic() + 20  # a loaded machine reaps slowly; a leak never clears
    while _browser_pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _browser_pids() == []
    assert _our_processes("visual-erm-latex-") == []
    assert [p for p in _our_processes("playwright") if _parent(p) == os.getpid()] == []  # the driver is gone too


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1
