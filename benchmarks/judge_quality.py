"""Quality of judges on a built set (VC-RewardBench layout): ranking, detection, clean controls, category, boxes, Pearson.

    python benchmarks/judge_quality.py --data DIR/DATA.jsonl [--rank DIR/rank.jsonl] [--judges embedded,ssim,mse]
        [--limit N] [--out PRED.jsonl]

Works for chart, svg and table items (the task is each item's ``category``). An item is a control when it has
``control: true`` or no ``human_errors``. Scalar baselines (ssim, mse) have no error list: they get ranking accuracy
and the Pearson of (1 - score) with the true severity sums only. If visual_erm.bench.baselines is not installed
yet, SSIM and MSE are computed here (grey, reference size).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from visual_erm.images import load_image
from visual_erm.judge import get_judge
from visual_erm.types import CATEGORY_KEY


def _local_baseline(name: str):
    import cv2
    from skimage.metrics import structural_similarity

    def score(ref: np.ndarray, cand: np.ndarray) -> float:
        g1 = cv2.cvtColor(ref, cv2.COLOR_RGB2GRAY)
        g2 = cv2.resize(cv2.cvtColor(cand, cv2.COLOR_RGB2GRAY), (g1.shape[1], g1.shape[0]), interpolation=cv2.INTER_AREA)
        if name == "ssim":
            return float(structural_similarity(g1, g2, data_range=255))
        return float(1.0 - np.mean((g1.astype(np.float32) - g2.astype(np.float32)) ** 2) / 255.0 ** 2)
    return score


def run_judge(name: str, items: list[dict], root: Path) -> dict[str, dict]:
    """id -> {score, severity_sum, errors, seconds} for one judge."""
    scalar = None
    judge = None
    try:
        judge = get_judge(name)
    except (KeyError, ModuleNotFoundError, ImportError):
        if name in ("ssim", "mse"):
            scalar = _local_baseline(name)
        else:
            raise
    out = {}
    for n, it in enumerate(items):
        ref = load_image(root / it["gt_img_path"])
        cand = load_image(root / it["pred_img_path"])
        t = time.perf_counter()
        if scalar is not None:
            s = scalar(ref, cand)
            out[it["id"]] = dict(score=s, severity_sum=None, errors=None, seconds=time.perf_counter() - t)
            continue
        v = judge.judge(ref, cand, task=it["category"])
        has_list = v.score_override is None
        out[it["id"]] = dict(score=v.score, severity_sum=v.severity_sum if has_list else None,
                             errors=[e.to_dict(it["category"]) for e in v.errors] if has_list else None,
                             seconds=time.perf_counter() - t)
        if (n + 1) % 25 == 0:
            print(f"  {name}: {n + 1}/{len(items)}", file=sys.stderr)
    return out


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def metrics(items: list[dict], ranks: list[dict], pred: dict[str, dict]) -> dict[str, float | None]:
    """The quality figures of one judge's predictions (None where the judge gives no error list)."""
    m: dict[str, float | None] = {}
    pairs = [(r["better"], r["worse"]) for r in ranks if r["better"] in pred and r["worse"] in pred]
    if pairs:
        m["ranking"] = float(np.mean([1.0 if pred[b]["score"] > pred[w]["score"] else 0.5 if pred[b]["score"] == pred[w]["score"]
                                      else 0.0 for b, w in pairs]))
    truth = {it["id"]: sum(int(e.get("severity", 1)) for e in it.get("human_errors") or []) for it in items}
    ids = [it["id"] for it in items]
    listing = all(pred[i]["severity_sum"] is not None for i in ids)
    y = np.array([truth[i] for i in ids], float)
    x = np.array([pred[i]["severity_sum"] if listing else (1.0 - pred[i]["score"]) for i in ids], float)
    m["pearson"] = float(np.corrcoef(x, y)[0, 1]) if np.std(x) > 0 and np.std(y) > 0 else 0.0
    if not listing:
        return m | dict(detection=None, clean=None, category=None, bbox=None)
    flawed = [it for it in items if it.get("human_errors") and not it.get("control")]
    controls = [it for it in items if it.get("control") or not it.get("human_errors")]
    m["detection"] = float(np.mean([pred[it["id"]]["severity_sum"] >= 1 for it in flawed])) if flawed else None
    m["clean"] = float(np.mean([pred[it["id"]]["severity_sum"] <= 1 for it in controls])) if controls else None
    singles = [it for it in flawed if len(it["human_errors"]) == 1]
    cat_hits = []
    for it in singles:
        key = CATEGORY_KEY[it["category"]]
        errs = pred[it["id"]]["errors"]
        true_cat = it["human_errors"][0].get(key) or it["human_errors"][0].get("category") or it["human_errors"][0].get("type")
        cat_hits.append(bool(errs) and errs[0].get(key) == true_cat)
    m["category"] = float(np.mean(cat_hits)) if cat_hits else None
    box_hits = []
    for it in flawed:
        boxes = [e["bbox"] for e in it["human_errors"] if e.get("bbox")]
        if not boxes:
            continue
        pb = [e["bbox"] for e in pred[it["id"]]["errors"] if e.get("bbox")]
        box_hits.append(any(_overlap(p, t) for p in pb for t in boxes))
    m["bbox"] = float(np.mean(box_hits)) if box_hits else None
    return m


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--rank", type=Path, default=None, help="rank.jsonl (default: beside DATA.jsonl)")
    ap.add_argument("--judges", default="embedded,ssim,mse")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None, help="write the first judge's predictions here (JSONL)")
    args = ap.parse_args()
    root = args.data.parent
    items = [json.loads(line) for line in args.data.open() if line.strip()]
    if args.limit:
        items = items[:args.limit]
    rank_path = args.rank or root / "rank.jsonl"
    ranks = [json.loads(line) for line in rank_path.open()] if rank_path.exists() else []
    by_task: dict[str, list[dict]] = defaultdict(list)
    for it in items:
        by_task[it["category"]].append(it)
    names = [n.strip() for n in args.judges.split(",") if n.strip()]
    cols = ["ranking", "detection", "clean", "category", "bbox", "pearson"]
    print(f"{'task':6} {'judge':9} " + " ".join(f"{c:>9}" for c in cols) + f" {'s/pair':>7}  (n items, n pairs)")
    for task, its in by_task.items():
        for k, name in enumerate(names):
            pred = run_judge(name, its, root)
            if k == 0 and args.out:
                with args.out.open("w") as f:
                    for it in its:
                        f.write(json.dumps({"id": it["id"], **pred[it["id"]]}) + "\n")
            m = metrics(its, ranks, pred)
            secs = float(np.median([p["seconds"] for p in pred.values()]))
            ids = {it["id"] for it in its}
            n_pairs = sum(1 for r in ranks if r["better"] in ids and r["worse"] in ids)
            cells = " ".join(f"{m[c]:9.3f}" if m.get(c) is not None else f"{'-':>9}" for c in cols)
            print(f"{task:6} {name:9} {cells} {secs:7.3f}  ({len(its)}, {n_pairs})", flush=True)


if __name__ == "__main__":
    main()
