"""Quality and speed of the embedded table/SVG comparers on a set made by embedded_table_svg_sets.py.

    python benchmarks/embedded_table_svg_quality.py DIR [--limit N]

Prints: pairwise ranking (two candidates of one reference with different true severity sums: the milder must
score higher; ties count half), detection (flawed: sum >= 1), controls clean (sum <= 1), right category (the
most severe predicted error of single-error candidates), box overlap (a predicted box intersects the truth box),
Pearson of severity sums, and median seconds per pair with the reference analysis cached; SSIM and pixel MSE
ranking beside it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

from visual_erm.images import load_image
from visual_erm.judge.embedded.base import EmbeddedConfig, comparer_class


def _resize_to(a: np.ndarray, shape) -> np.ndarray:
    return np.asarray(Image.fromarray(a).resize((shape[1], shape[0]), Image.BILINEAR)).astype(np.float32)


def mse_score(ref: np.ndarray, cand: np.ndarray) -> float:
    return -float(np.mean((ref.astype(np.float32) - _resize_to(cand, ref.shape)) ** 2))


def ssim_score(ref: np.ndarray, cand: np.ndarray) -> float:
    from skimage.metrics import structural_similarity

    g = lambda a: a.astype(np.float32).mean(axis=2)  # noqa: E731
    return float(structural_similarity(g(ref), g(_resize_to(cand, ref.shape)[..., :3]), data_range=255))


def _intersects(a, b) -> bool:
    return a is not None and b is not None and min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=Path)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", action="store_true", help="print each item's errors")
    a = ap.parse_args()
    items = [json.loads(line) for line in open(a.dir / "items.jsonl")]
    if a.limit:
        groups = sorted({it["group"] for it in items})[: a.limit]
        items = [it for it in items if it["group"] in groups]
    task = items[0]["category"]
    key = "type" if task == "table" else "category"
    comparer = comparer_class(task)(EmbeddedConfig())
    refs: dict[str, object] = {}
    rows, times, uncached = [], [], []
    for it in items:
        ref_img = load_image(a.dir / it["gt_img_path"])
        cand_img = load_image(a.dir / it["pred_img_path"])
        t0 = time.perf_counter()
        if it["gt_img_path"] not in refs:
            refs[it["gt_img_path"]] = comparer.analyse(ref_img)
            ra = refs[it["gt_img_path"]]
            comparer.compare(ra, comparer.analyse(ref_img))  # warm the reference's lazy features (the cache)
            uncached.append(time.perf_counter() - t0)
        ra = refs[it["gt_img_path"]]
        t1 = time.perf_counter()
        errs = comparer.compare(ra, comparer.analyse(cand_img))
        times.append(time.perf_counter() - t1)
        truth = it["human_errors"]
        rows.append(dict(it=it, errs=errs, pred=sum(e.severity for e in errs), true=sum(e["severity"] for e in truth),
                         mse=mse_score(ref_img, cand_img), ssim=ssim_score(ref_img, cand_img)))
        if a.show:
            print(it["id"], it["injection"], "true", rows[-1]["true"], "pred", rows[-1]["pred"],
                  [(e.category, e.severity, e.description[:70]) for e in errs])
    by_group = defaultdict(list)
    for r in rows:
        by_group[r["it"]["group"]].append(r)
    rank = {"judge": [], "mse": [], "ssim": []}
    for grp in by_group.values():
        for x, y in itertools.combinations(grp, 2):
            if x["true"] == y["true"]:
                continue
            lo, hi = (x, y) if x["true"] < y["true"] else (y, x)
            sj = (1 / (1 + lo["pred"] / 10), 1 / (1 + hi["pred"] / 10))
            rank["judge"].append(1.0 if sj[0] > sj[1] else 0.5 if sj[0] == sj[1] else 0.0)
            for b in ("mse", "ssim"):
                rank[b].append(1.0 if lo[b] > hi[b] else 0.5 if lo[b] == hi[b] else 0.0)
    flawed = [r for r in rows if not r["it"]["control"]]
    controls = [r for r in rows if r["it"]["control"]]
    single = [r for r in flawed if len(r["it"]["human_errors"]) == 1]
    cat_ok = [bool(r["errs"]) and max(r["errs"], key=lambda e: e.severity).category == r["it"]["human_errors"][0][key]
              for r in single]
    boxed = [r for r in flawed if r["it"]["human_errors"][0].get("bbox")]
    box_ok = [any(_intersects(e.bbox, r["it"]["human_errors"][0]["bbox"]) for e in r["errs"]) for r in boxed]
    pear = float(np.corrcoef([r["pred"] for r in rows], [r["true"] for r in rows])[0, 1])
    print(f"task {task}: {len(rows)} items ({len(flawed)} flawed, {len(controls)} controls), {len(rank['judge'])} pairs")
    print(f"  ranking      judge {np.mean(rank['judge']):.3f}   mse {np.mean(rank['mse']):.3f}   ssim {np.mean(rank['ssim']):.3f}")
    print(f"  detection    {np.mean([r['pred'] >= 1 for r in flawed]):.3f}")
    print(f"  controls     {np.mean([r['pred'] <= 1 for r in controls]):.3f}")
    print(f"  category     {np.mean(cat_ok):.3f} ({len(cat_ok)} single-error)")
    print(f"  box overlap  {np.mean(box_ok):.3f}")
    print(f"  pearson      {pear:.3f}")
    print(f"  speed        median {statistics.median(times):.3f} s/pair cached, reference analysis median "
          f"{statistics.median(uncached):.3f} s")
    per = defaultdict(list)
    for r in rows:
        per[r["it"]["injection"]].append(r["pred"])
    print("  mean predicted severity by injection:",
          {k: round(float(np.mean(v)), 2) for k, v in sorted(per.items())})


if __name__ == "__main__":
    main()
