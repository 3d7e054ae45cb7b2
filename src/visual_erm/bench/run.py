"""Run judges over a built benchmark and compare them: predictions, metrics, ranking accuracy, table and chart.

Per judge and item the PRED row is cached under ``RESULTS/cache/<judge>/<sha256>.json``, keyed by the judge name
and the bytes of both images (and the HTML sources for TEDS), so a re-run only judges what changed.

Metrics per task and pooled:
  * ``pairwise``: share of rank.jsonl pairs where the better candidate gets the higher score (ties count 0.5);
  * ``hard_f1``/``soft_f1``/``clean``: VC-RewardBench metrics of the error lists (:mod:`visual_erm.bench.score`);
    undefined (–) for scalar baselines, which return no error list;
  * ``sc``: Pearson × 100 between the judge's severity sum (scalar judges: ``1 − score``) and the human one;
  * ``control_auc``: probability that an equivalent control scores higher than an erroneous candidate (ties 0.5).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from visual_erm.bench.score import correlation, load_jsonl, score_predictions, severity_sum
from visual_erm.images import load_image


@dataclass(frozen=True)
class RunConfig:
    """Options of ``visual-erm bench run``.

    Args:
        judges: judge names from the registry, compared side by side.
        out: results folder; ``None`` means ``<bench folder>/results``.
        limit: judge only the first N items (and the rank pairs among them).
        progress: print one line per judge to stderr.
        judge_options: keyword options per judge name, passed to ``get_judge``.
    """

    judges: tuple[str, ...] = ("embedded",)
    out: Path | None = None
    limit: int | None = None
    progress: bool = False
    judge_options: tuple[tuple[str, dict], ...] = ()


def _item_key(judge: str, folder: Path, item: dict[str, Any]) -> str:
    h = hashlib.sha256(judge.encode())
    for k in ("gt_img_path", "pred_img_path"):
        h.update((folder / item[k]).read_bytes())
    for k in ("gt_html", "pred_html"):
        h.update(str(item.get(k, "")).encode())
    return h.hexdigest()


def judge_item(judge: Any, folder: Path, item: dict[str, Any]) -> dict[str, Any]:
    """One PRED row (id, category, errors, severity_sum, score, ok, seconds) for ``item``."""
    task = item.get("category", "chart")
    t = time.perf_counter()
    if hasattr(judge, "judge_html"):
        if not item.get("gt_html") or not item.get("pred_html"):
            return {"id": item["id"], "category": task, "errors": [], "severity_sum": 0, "score": None, "ok": False,
                    "error": "no HTML sources"}
        verdict = judge.judge_html(item["gt_html"], item["pred_html"], task=task)
    else:
        verdict = judge.judge(load_image(folder / item["gt_img_path"]), load_image(folder / item["pred_img_path"]),
                              task=task)
    return {"id": item["id"], "category": task, "errors": verdict.to_dict()["errors"],
            "severity_sum": verdict.severity_sum, "score": verdict.score if verdict.ok else None, "ok": verdict.ok,
            "scalar": verdict.score_override is not None, "error": verdict.parse_error,
            "seconds": round(time.perf_counter() - t, 4)}


def control_auc(items: list[dict[str, Any]], scores: dict[str, float]) -> float | None:
    ctrl = [scores[i["id"]] for i in items if not i["human_errors"] and scores.get(i["id"]) is not None]
    bad = [scores[i["id"]] for i in items if i["human_errors"] and scores.get(i["id"]) is not None]
    if not ctrl or not bad:
        return None
    c, b = np.array(ctrl)[:, None], np.array(bad)[None, :]
    return float(((c > b) + 0.5 * (c == b)).mean() * 100)


def pairwise(ranks: list[dict[str, str]], scores: dict[str, float]) -> tuple[float | None, int]:
    got = [(scores.get(r["better"]), scores.get(r["worse"])) for r in ranks]
    got = [(a, b) for a, b in got if a is not None and b is not None]
    if not got:
        return None, 0
    return float(np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a, b in got]) * 100), len(got)


def metrics(items: list[dict[str, Any]], ranks: list[dict[str, str]], preds: list[dict[str, Any]]) -> dict[str, Any]:
    scores = {p["id"]: p["score"] for p in preds}
    scalar = bool(preds) and all(p.get("scalar") for p in preds if p.get("ok"))
    out: dict[str, Any] = {"items": len(items), "judged": sum(1 for p in preds if p.get("ok"))}
    out["pairwise"], out["pairs"] = pairwise(ranks, scores)
    out["control_auc"] = control_auc(items, scores)
    ok = [p for p in preds if p.get("ok")]
    by_id = {i["id"]: i for i in items}
    human = [float(severity_sum(by_id[p["id"]]["human_errors"])) for p in ok]
    if scalar:
        out.update(hard_f1=None, soft_f1=None, clean=None,
                   sc=correlation([1.0 - p["score"] for p in ok], human))
    else:
        rep = score_predictions(items, ok)["all"]
        out.update(hard_f1=rep["hard_f1"], soft_f1=rep["soft_f1"], clean=rep["clean_rate"], sc=rep["sc"])
    secs = [p.get("seconds", 0.0) for p in ok]
    out["seconds_per_item"] = float(np.mean(secs)) if secs else None
    return out


COLUMNS = ("pairwise", "hard_f1", "soft_f1", "sc", "clean", "control_auc", "seconds_per_item")


def markdown(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    head = "| task | judge | items | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * (3 + len(COLUMNS))]
    tasks = sorted({t for r in results.values() for t in r})
    for task in tasks:
        for judge, per_task in results.items():
            m = per_task.get(task)
            if m is None:
                continue
            vals = ["–" if m[c] is None else f"{m[c]:.2f}" if c == "seconds_per_item" else f"{m[c]:.1f}"
                    for c in COLUMNS]
            lines.append(f"| {task} | {judge} | {m['judged']}/{m['items']} | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def bar_chart(results: dict[str, dict[str, dict[str, Any]]], path: Path) -> None:
    """Grouped bars: pairwise accuracy and hard F1 per task, one bar per judge."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = sorted({t for r in results.values() for t in r})
    judges = list(results)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), dpi=100)
    for ax, metric, title in zip(axes, ("pairwise", "hard_f1"), ("pairwise ranking accuracy (%)", "hard F1 (%)")):
        width = 0.8 / max(1, len(judges))
        for k, judge in enumerate(judges):
            vals = [results[judge].get(t, {}).get(metric) or 0.0 for t in tasks]
            ax.bar(np.arange(len(tasks)) + k * width, vals, width, label=judge)
        ax.set_xticks(np.arange(len(tasks)) + width * (len(judges) - 1) / 2, tasks)
        ax.set_ylim(0, 100)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run_bench(folder: str | Path, config: RunConfig = RunConfig()) -> dict[str, Any]:
    """Judge every item of ``folder`` with each judge; write results and return them.

    Writes ``preds/<judge>.jsonl`` (PRED layout), ``metrics.json``, ``results.md`` and ``results.png`` under the
    results folder. A judge that cannot be built (unknown name, missing extra) is reported, not fatal.
    """
    from visual_erm.judge.registry import get_judge

    folder = Path(folder)
    out = Path(config.out) if config.out else folder / "results"
    (out / "preds").mkdir(parents=True, exist_ok=True)
    items = load_jsonl(folder / "DATA.jsonl")
    if config.limit is not None:
        items = items[:config.limit]
    ids = {i["id"] for i in items}
    ranks = [r for r in (load_jsonl(folder / "rank.jsonl") if (folder / "rank.jsonl").exists() else [])
             if r["better"] in ids and r["worse"] in ids]
    options = dict(config.judge_options)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    failures: dict[str, str] = {}
    for name in config.judges:
        try:
            judge = get_judge(name, **options.get(name, {}))
        except Exception as exc:  # an unavailable judge must not stop the comparison
            failures[name] = f"{type(exc).__name__}: {exc}"
            continue
        cache = out / "cache" / name
        cache.mkdir(parents=True, exist_ok=True)
        preds, fresh, t0 = [], 0, time.perf_counter()
        for item in items:
            f = cache / (_item_key(name, folder, item) + ".json")
            if f.exists():
                row = json.loads(f.read_text())
            else:
                row = judge_item(judge, folder, item)
                f.write_text(json.dumps(row))
                fresh += 1
            row["id"] = item["id"]
            preds.append(row)
        with open(out / "preds" / f"{name}.jsonl", "w") as fh:
            fh.writelines(json.dumps(p) + "\n" for p in preds)
        per_task: dict[str, dict[str, Any]] = {}
        tasks = sorted({i.get("category", "chart") for i in items})
        for task in tasks + (["all"] if len(tasks) > 1 else []):
            sel = [i for i in items if task == "all" or i.get("category") == task]
            sel_ids = {i["id"] for i in sel}
            per_task[task] = metrics(sel, [r for r in ranks if r["better"] in sel_ids],
                                     [p for p in preds if p["id"] in sel_ids])
        results[name] = per_task
        if config.progress:
            print(f"bench run: {name}: {len(items)} items, {fresh} judged now, "
                  f"{time.perf_counter() - t0:.1f}s", file=sys.stderr)
    md = markdown(results)
    if failures:
        md += "\n\n" + "\n".join(f"- judge `{k}` unavailable: {v}" for k, v in failures.items())
    (out / "results.md").write_text(md + "\n")
    (out / "metrics.json").write_text(json.dumps({"results": results, "unavailable": failures}, indent=2) + "\n")
    if results:
        bar_chart(results, out / "results.png")
    return {"results": results, "unavailable": failures, "markdown": md, "out": str(out)}
