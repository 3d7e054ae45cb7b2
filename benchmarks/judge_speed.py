"""Seconds per pair of the embedded judge, reference analysis cached and uncached, beside SSIM and MSE.

    python benchmarks/judge_speed.py --data DIR/DATA.jsonl [--task chart] [--limit 40]
    python benchmarks/judge_speed.py --data DIR/DATA.jsonl --against REV [--rounds 2]

Runs on one core (onnxruntime 1 thread; set OMP_NUM_THREADS=1 for OpenCV/numpy; ``--against`` sets it). Prints the median and p90 per
pair: "cached" judges every candidate with the reference analysis (and its OCR) already cached, as the 8 rollouts
of a GRPO group do; "uncached" clears the cache before each pair. Baselines: SSIM and MSE on grey images.

``--against REV`` measures the working tree and git revision REV (its ``src/`` extracted with ``git archive``)
side by side, alternating runs (current, REV, current, REV, ...) in fresh processes so that both meet the same
machine load, and prints each run and the ratio of their medians: figures on a shared or throttled machine move
by a fifth between runs, so only such side-by-side ratios compare two commits.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def measure(data: Path, task: str | None, limit: int) -> dict[str, list[float]]:
    """Seconds per pair: embedded cached and uncached, SSIM and MSE."""
    import cv2
    from skimage.metrics import structural_similarity

    from visual_erm.images import load_image
    from visual_erm.judge import get_judge

    cv2.setNumThreads(1)
    items = [json.loads(line) for line in data.open() if line.strip()]
    items = [it for it in items if task in (None, it["category"])][:limit]
    root = data.parent
    pairs = [(it["category"], load_image(root / it["gt_img_path"]), load_image(root / it["pred_img_path"])) for it in items]
    judge = get_judge("embedded")
    judge.judge(pairs[0][1], pairs[0][2], task=pairs[0][0])  # load OCR models once
    out: dict[str, list[float]] = {"embedded cached": [], "embedded uncached": [], "ssim": [], "mse": []}
    for kind, ref, cand in pairs:
        judge.cache.clear()
        t = time.perf_counter()
        judge.judge(ref, cand, task=kind)
        out["embedded uncached"].append(time.perf_counter() - t)
        t = time.perf_counter()
        judge.judge(ref, cand, task=kind)
        out["embedded cached"].append(time.perf_counter() - t)
    for _, ref, cand in pairs:
        g1 = cv2.cvtColor(ref, cv2.COLOR_RGB2GRAY)
        t = time.perf_counter()
        g2 = cv2.resize(cv2.cvtColor(cand, cv2.COLOR_RGB2GRAY), (g1.shape[1], g1.shape[0]))
        structural_similarity(g1, g2, data_range=255)
        out["ssim"].append(time.perf_counter() - t)
        t = time.perf_counter()
        g2 = cv2.resize(cv2.cvtColor(cand, cv2.COLOR_RGB2GRAY), (g1.shape[1], g1.shape[0]))
        float(np.mean((g1.astype(np.float32) - g2) ** 2))
        out["mse"].append(time.perf_counter() - t)
    return out


def report(times: dict[str, list[float]], n: int, data: Path) -> None:
    ref_med = float(np.median(times["embedded cached"]))
    print(f"{n} pairs from {data}")
    for name, xs in times.items():
        med, p90 = float(np.median(xs)), float(np.percentile(xs, 90))
        print(f"{name:18} median {med:7.3f} s  p90 {p90:7.3f} s  ({med / ref_med:5.2f}x embedded cached)")


def _extract(rev: str, dest: Path) -> Path:
    """``src/`` of git revision ``rev`` under ``dest``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "src"], check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryFile() as f:
        f.write(archive)
        f.seek(0)
        with tarfile.open(fileobj=f) as tar:
            tar.extractall(dest, filter="data")
    return dest / "src"


def _run_with(src: Path, args: argparse.Namespace, out: Path) -> dict[str, list[float]]:
    """One measurement in a fresh process importing visual_erm from ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src), OMP_NUM_THREADS="1")
    cmd = [sys.executable, __file__, "--data", str(args.data), "--limit", str(args.limit), "--json", str(out)]
    if args.task:
        cmd += ["--task", args.task]
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    got = json.loads(out.read_text())
    if not Path(got["module"]).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"the run imported visual_erm from {got['module']}, not from {src}")
    return got["times"]


def side_by_side(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base_src = _extract(args.against, Path(tmp) / "base")
        runs: dict[str, list[dict[str, list[float]]]] = {"current": [], args.against: []}
        for r in range(args.rounds):
            for label, src in (("current", ROOT / "src"), (args.against, base_src)):
                runs[label].append(_run_with(src, args, Path(tmp) / f"{r}-{len(runs[label])}.json"))
                med = float(np.median(runs[label][-1]["embedded cached"]))
                print(f"run {r + 1} {label:>12}: embedded cached median {med:.3f} s", file=sys.stderr)
    print(f"{args.limit} pairs at most from {args.data}; {args.rounds} runs each, alternating")
    print(f"{'':25} {'current':>22} {args.against[:22]:>22}  ratio of medians")
    for name in ("embedded cached", "embedded uncached", "ssim", "mse"):
        meds = {label: [float(np.median(t[name])) for t in ts] for label, ts in runs.items()}
        p90s = {label: [float(np.percentile(t[name], 90)) for t in ts] for label, ts in runs.items()}
        cells = [" / ".join(f"{m:.3f}" for m in meds[label]) for label in runs]
        ratio = float(np.median(meds["current"])) / max(float(np.median(meds[args.against])), 1e-9)
        print(f"{name + ' median':25} {cells[0]:>22} {cells[1]:>22}  {ratio:5.2f}x")
        if name.startswith("embedded"):
            cells = [" / ".join(f"{m:.3f}" for m in p90s[label]) for label in runs]
            ratio = float(np.median(p90s["current"])) / max(float(np.median(p90s[args.against])), 1e-9)
            print(f"{name + ' p90':25} {cells[0]:>22} {cells[1]:>22}  {ratio:5.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--task", default=None)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--against", metavar="REV", help="also measure git revision REV, alternating runs, and print ratios")
    ap.add_argument("--rounds", type=int, default=2, help="runs of each side with --against (default 2)")
    ap.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # (one side's times, for --against)
    args = ap.parse_args()
    if args.against:
        side_by_side(args)
        return
    times = measure(args.data, args.task, args.limit)
    n = len(times["embedded cached"])
    if args.json:
        import visual_erm

        args.json.write_text(json.dumps({"module": visual_erm.__file__, "times": times}))
    report(times, n, args.data)


if __name__ == "__main__":
    main()
