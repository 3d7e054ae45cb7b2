"""Seconds per pair of the embedded judge, reference analysis cached and uncached, beside SSIM and MSE.

    python benchmarks/judge_speed.py --data DIR/DATA.jsonl [--task chart] [--limit 40]

Runs on one core (onnxruntime 1 thread; set OMP_NUM_THREADS=1 for OpenCV/numpy). Prints the median and p90 per
pair: "cached" judges every candidate with the reference analysis (and its OCR) already cached, as the 8 rollouts
of a GRPO group do; "uncached" clears the cache before each pair. Baselines: SSIM and MSE on grey images.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np



def main() -> None:
    import cv2
    from skimage.metrics import structural_similarity

    from visual_erm.images import load_image
    from visual_erm.judge import get_judge

    cv2.setNumThreads(1)
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--task", default=None)
    ap.add_argument("--limit", type=int, default=40)
    args = ap.parse_args()
    items = [json.loads(line) for line in args.data.open() if line.strip()]
    items = [it for it in items if args.task in (None, it["category"])][:args.limit]
    root = args.data.parent
    pairs = [(it["category"], load_image(root / it["gt_img_path"]), load_image(root / it["pred_img_path"])) for it in items]
    judge = get_judge("embedded")
    judge.judge(pairs[0][1], pairs[0][2], task=pairs[0][0])  # load OCR models once
    uncached, cached = [], []
    for task, ref, cand in pairs:
        judge.cache.clear()
        t = time.perf_counter()
        judge.judge(ref, cand, task=task)
        uncached.append(time.perf_counter() - t)
        t = time.perf_counter()
        judge.judge(ref, cand, task=task)
        cached.append(time.perf_counter() - t)
    base = {"ssim": [], "mse": []}
    for _, ref, cand in pairs:
        g1 = cv2.cvtColor(ref, cv2.COLOR_RGB2GRAY)
        t = time.perf_counter()
        g2 = cv2.resize(cv2.cvtColor(cand, cv2.COLOR_RGB2GRAY), (g1.shape[1], g1.shape[0]))
        structural_similarity(g1, g2, data_range=255)
        base["ssim"].append(time.perf_counter() - t)
        t = time.perf_counter()
        g2 = cv2.resize(cv2.cvtColor(cand, cv2.COLOR_RGB2GRAY), (g1.shape[1], g1.shape[0]))
        float(np.mean((g1.astype(np.float32) - g2) ** 2))
        base["mse"].append(time.perf_counter() - t)
    ref_med = float(np.median(cached))
    print(f"{len(pairs)} pairs from {args.data}")
    for name, xs in (("embedded cached", cached), ("embedded uncached", uncached), ("ssim", base["ssim"]), ("mse", base["mse"])):
        med, p90 = float(np.median(xs)), float(np.percentile(xs, 90))
        print(f"{name:18} median {med:7.3f} s  p90 {p90:7.3f} s  ({med / ref_med:5.2f}x embedded cached)")


if __name__ == "__main__":
    main()
