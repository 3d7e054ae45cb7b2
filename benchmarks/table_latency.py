"""Median latency per HTML, Markdown and LaTeX table on a warm pool, and batch throughput.

    .venv/bin/python benchmarks/table_latency.py [--n 30] [--rows 8]

"call" is the wall time of one ``render_table`` call from the caller (crop included); "service" is
``Rendering.seconds`` (one warm page's set_content + screenshot, or one sandboxed pdflatex + pdftoppm).
"""

from __future__ import annotations

import argparse
import statistics
import time

from visual_erm.render import table
from visual_erm.render.config import RenderConfig


def sample_tables(rows: int) -> dict[str, str]:
    """The same results table as HTML, Markdown and LaTeX (booktabs)."""
    head = ["Model", "ChartMimic", "Table avg", "SVG", "Reward"]
    body = [[f"Model-{i}", f"{60 + i * 1.7:.1f}", f"{70 + i:.1f}", f"{50 + i * 2.1:.1f}", f"{0.5 + i / 40:.3f}"] for i in range(rows)]
    html = (
        "<table><thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
        + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in body) + "</tbody></table>"
    )
    markdown = "| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n" + "".join(
        "| " + " | ".join(r) + " |\n" for r in body)
    latex = (
        "\\begin{tabular}{l" + "r" * (len(head) - 1) + "}\n\\toprule\n" + " & ".join(head) + " \\\\\n\\midrule\n"
        + "".join(" & ".join(r) + " \\\\\n" for r in body) + "\\bottomrule\n\\end{tabular}"
    )
    return {"html": html, "markdown": markdown, "latex": latex}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="renders per language")
    parser.add_argument("--rows", type=int, default=8, help="body rows per table")
    args = parser.parse_args()
    config = RenderConfig()
    tables = sample_tables(args.rows)
    start = time.monotonic()
    table.render_tables(list(tables.values()), list(tables), config=config)
    print(f"cold start (browsers launched, first of each): {time.monotonic() - start:.2f} s, pool of {config.pool_size()}")
    for language, code in tables.items():
        calls, service = [], []
        for _ in range(args.n):
            t = time.monotonic()
            r = table.render_table(code, language=language, config=config)
            calls.append(time.monotonic() - t)
            service.append(r.seconds)
            assert r.ok, r.message
        print(f"{language:8s} median call {statistics.median(calls) * 1000:6.1f} ms   service {statistics.median(service) * 1000:6.1f} ms"
              f"   ({args.rows} rows, {r.size[0]}x{r.size[1]} px)")
    for language, code in tables.items():
        t = time.monotonic()
        results = table.render_tables([code] * args.n, [language] * args.n, config=config)
        elapsed = time.monotonic() - t
        assert all(r.ok for r in results)
        print(f"{language:8s} batch of {args.n}: {elapsed / args.n * 1000:6.1f} ms per table over {config.pool_size()} workers")
    table.close()


if __name__ == "__main__":
    main()
