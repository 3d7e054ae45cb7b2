"""Render throughput: the warm sandboxed pool against one fresh `python` process per program (the release's way).

    .venv/bin/python benchmarks/render_throughput.py [--charts 64] [--rss-jobs 5000]

Prints charts/s for both on the same 64 one-figure gallery programs and the same number of parallel jobs, their ratio,
median latency per SVG and per HTML/Markdown/LaTeX table, and a worker's RSS before and after --rss-jobs renders.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from visual_erm.bench.build import sources
from visual_erm.render import RenderConfig, render_code, render_many
from visual_erm.render.pool import RenderPool
from visual_erm.procs import cmdline, descendants


def usable_gallery_programs(n: int) -> list[str]:
    """The first ``n`` one-figure gallery scripts (sorted by path) that render successfully here."""
    scripts = sources.gallery_scripts(sources.matplotlib_sdist())
    skip = ("animation/", "user_interfaces/", "event_handling/", "widgets/", "misc/", "showcase/", "units/")
    # Chart-to-code answers draw one figure; gallery scripts that build several would measure the gallery, not the task.
    figure_calls = ("plt.subplots(", "plt.figure(", "plt.subplot_mosaic(")
    candidates = [code for path, code in scripts.items() if not path.startswith(skip) and "plt.show" in code
                  and sum(code.count(c) for c in figure_calls) <= 1]
    picked: list[str] = []
    for start in range(0, len(candidates), 32):
        batch = candidates[start : start + 32]
        for code, r in zip(batch, render_many("chart", batch)):
            if r.ok:
                picked.append(code)
        if len(picked) >= n:
            break
    return picked[:n]


def fresh_process(code: str, folder: str) -> float:
    """The release's approach: write the program with its own savefig and run a new interpreter."""
    path = Path(folder) / f"prog_{os.getpid()}_{time.monotonic_ns()}.py"
    path.write_text("import matplotlib\nmatplotlib.use('Agg')\n" + code + "\nimport matplotlib.pyplot as plt\nplt.savefig('out.png')\n")
    start = time.monotonic()
    subprocess.run([sys.executable, str(path)], cwd=folder, capture_output=True, timeout=60)
    return time.monotonic() - start


def worker_rss_kb(pool: RenderPool) -> int:
    """RSS of the Python supervisors inside the workers' sandboxes (bwrap → bwrap init → python)."""
    total = 0
    for root in pool.worker_pids():
        for pid in descendants(root):
            if b"forkserver" in cmdline(pid):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--charts", type=int, default=64)
    ap.add_argument("--rss-jobs", type=int, default=5000)
    ap.add_argument("--parallel", type=int, default=len(os.sched_getaffinity(0)))
    args = ap.parse_args()

    programs = usable_gallery_programs(args.charts)
    print(f"{len(programs)} gallery programs, {args.parallel} in parallel")
    config = RenderConfig(workers=args.parallel)
    render_many("chart", programs[:2], config=config)  # start the workers outside the timing

    start = time.monotonic()
    pooled = render_many("chart", programs, config=config)
    pool_s = time.monotonic() - start
    assert all(r.ok for r in pooled), [r.message for r in pooled if not r.ok][:3]

    with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(args.parallel) as ex:
        start = time.monotonic()
        list(ex.map(lambda c: fresh_process(c, folder), programs))
        fresh_s = time.monotonic() - start

    pool_rate, fresh_rate = len(programs) / pool_s, len(programs) / fresh_s
    print(f"warm pool      {pool_rate:7.2f} charts/s  ({pool_s:.1f} s)")
    print(f"fresh process  {fresh_rate:7.2f} charts/s  ({fresh_s:.1f} s)")
    print(f"ratio          {pool_rate / fresh_rate:7.2f}x")

    emoji = list(sources.emoji_svgs(sources.emoji_package()).values())[:100]
    times = [render_code("svg", code).seconds for code in emoji]
    print(f"SVG            median {statistics.median(times) * 1000:6.1f} ms per icon ({len(times)} icons)")

    try:
        from visual_erm.render import table
    except ImportError:
        table = None
    if table is not None:
        rows = sources.csv_tables(sources.table_wheel())
        name, data = next(iter(rows.items()))
        head, body = data[0], data[1:9]
        html = "<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>" + "".join(
            "<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in body) + "</table>"
        md = "| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n" + "".join("| " + " | ".join(r) + " |\n" for r in body)
        esc = lambda s: s.replace("&", r"\&").replace("%", r"\%").replace("_", r"\_").replace("#", r"\#").replace("$", r"\$")
        tex = "\\begin{tabular}{" + "l" * len(head) + "}\n" + " & ".join(map(esc, head)) + " \\\\\n\\hline\n" + "".join(
            " & ".join(map(esc, r)) + " \\\\\n" for r in body) + "\\end{tabular}\n"
        for language, code in (("html", html), ("markdown", md), ("latex", tex)):
            table.render_tables([code], [language], config=config)  # warm
            results = table.render_tables([code] * 10, [language] * 10, config=dataclasses.replace(config, workers=1))
            assert all(r.ok for r in results), results[0].message
            print(f"table {language:8s} median {statistics.median(r.seconds for r in results) * 1000:6.1f} ms ({name}, 8 rows)")

    rss_config = RenderConfig(workers=1, recycle_after=10**9)
    pool = RenderPool(rss_config)
    simple = "import matplotlib.pyplot as plt\nimport numpy as np\nx = np.linspace(0, 1, 50)\nplt.plot(x, x ** 2)\nplt.title('t')\n"
    pool.run("chart", simple, {})
    before = worker_rss_kb(pool)
    start = time.monotonic()
    for _ in range(args.rss_jobs):
        assert pool.run("chart", simple, {}).status == "ok"
    after = worker_rss_kb(pool)
    pool.close()
    print(f"worker RSS     {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after {args.rss_jobs} renders "
          f"({(after - before) / max(before, 1) * 100:+.1f}%, {args.rss_jobs / (time.monotonic() - start):.1f} renders/s on one worker)")


if __name__ == "__main__":
    main()
