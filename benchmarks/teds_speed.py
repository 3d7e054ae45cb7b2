"""TEDS speed: our Zhang–Shasha TEDS against the apted reference formula on real tables (vega_datasets).

    .venv/bin/python benchmarks/teds_speed.py [--rows 30] [--repeat 3]

For each table (first --rows rows, header included) a candidate with one changed cell and one dropped row is scored by
both implementations; prints the median seconds of each, their ratio, and the largest difference of the two scores.
"""

from __future__ import annotations

import argparse
import statistics
import time

from apted import APTED, Config

from visual_erm.bench.baselines import count_nodes, rename_cost, table_tree, teds
from visual_erm.bench.build import sources


class _AptedConfig(Config):
    def rename(self, a, b):
        return rename_cost(a, b)

    def children(self, node):
        return node.children


def apted_teds(gt: str, pred: str) -> float:
    ta, tb = table_tree(gt), table_tree(pred)
    return 1 - APTED(ta, tb, _AptedConfig()).compute_edit_distance() / max(count_nodes(ta), count_nodes(tb))


def to_html(rows: list[list[str]]) -> str:
    head = "<thead><tr>" + "".join(f"<th>{c}</th>" for c in rows[0]) + "</tr></thead>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows[1:])
    return f"<table>{head}<tbody>{body}</tbody></table>"


def timed(fn, *args, repeat: int) -> tuple[float, float]:
    times, value = [], 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn(*args)
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tables", type=int, default=8)
    args = ap.parse_args()
    tables = list(sources.csv_tables(sources.table_wheel()).items())[: args.tables]
    ours, ref, worst = [], [], 0.0
    for name, rows in tables:
        rows = [r[:6] for r in rows[: args.rows + 1]]
        cand = [r[:] for r in rows]
        cand[1][0] = cand[1][0] + "x"
        del cand[len(cand) // 2]
        gt, pred = to_html(rows), to_html(cand)
        t_ours, v_ours = timed(teds, gt, pred, repeat=args.repeat)
        t_ref, v_ref = timed(apted_teds, gt, pred, repeat=args.repeat)
        ours.append(t_ours)
        ref.append(t_ref)
        worst = max(worst, abs(v_ours - v_ref))
        print(f"{name:24s} {len(rows) - 1:3d}x{len(rows[0])}  ours {t_ours:.3f} s  apted {t_ref:.3f} s  TEDS {v_ours:.4f}")
    print(f"median: ours {statistics.median(ours):.3f} s, apted {statistics.median(ref):.3f} s, "
          f"ratio {statistics.median(ref) / statistics.median(ours):.2f}x, largest score difference {worst:.2e}")


if __name__ == "__main__":
    main()
