"""VC-RewardBench metrics: hard/soft F1 (micro per domain and pooled), per-category F1, Sc, Spearman, clean rate.

Definitions (per the paper, made exact here):
  * After matching (see :mod:`visual_erm.bench.matcher`), hard TP = full matches; soft TP = full + 0.5 × partial.
    FP = predictions − TP and FN = human errors − TP, so F1 = 2·TP / (predictions + human errors).
  * Micro-averaged: counts are summed over the items of a domain (chart, svg, table) before F1; ``all`` pools
    every item; ``macro`` is the mean of the domains' F1.
  * Per-category F1 (hard): TP = full matches whose human error has that category (full matches agree on it).
  * Sc = Pearson correlation × 100 of per-item severity sums (prediction vs human); Spearman likewise.
  * Clean = share of error-free items (no human errors) for which the judge predicted no error.
  * Items missing from PRED count as predicting nothing and are reported under ``missing``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterable

import numpy as np
from scipy import stats

from visual_erm.bench.matcher import FULL, Matcher, RulesMatcher, category_of


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def severity_sum(errors: Iterable[dict[str, Any]]) -> int:
    total = 0
    for e in errors:
        try:
            total += min(3, max(1, int(e.get("severity", 1))))
        except (TypeError, ValueError):
            total += 1
    return total


def f1(tp: float, n_pred: int, n_human: int) -> float:
    """2·TP / (P + H); 1.0 when both lists are empty everywhere (nothing to find, nothing claimed)."""
    if n_pred + n_human == 0:
        return 1.0
    return 2.0 * tp / (n_pred + n_human)


def correlation(xs: list[float], ys: list[float], kind: str = "pearson") -> float | None:
    """× 100; None when undefined (fewer than 2 items or a constant side)."""
    if len(xs) < 2 or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return None
    r = stats.pearsonr(xs, ys)[0] if kind == "pearson" else stats.spearmanr(xs, ys)[0]
    return None if math.isnan(r) else float(r) * 100.0


def _pred_errors(row: dict[str, Any] | None) -> list[dict[str, Any]]:
    if row is None:
        return []
    errs = row.get("errors")
    if errs is None:
        errs = row.get("pred_errors", [])
    return [e for e in errs if isinstance(e, dict)]


class _Tally:
    def __init__(self) -> None:
        self.n_pred = self.n_human = self.full = self.partial = 0
        self.items = self.clean_total = self.clean_ok = 0
        self.pred_sev: list[float] = []
        self.human_sev: list[float] = []
        self.cat: dict[str, list[int]] = {}  # category -> [full, n_pred, n_human]

    def report(self) -> dict[str, Any]:
        hard, soft = self.full, self.full + 0.5 * self.partial
        return {
            "items": self.items,
            "pred_errors": self.n_pred,
            "human_errors": self.n_human,
            "full_matches": self.full,
            "partial_matches": self.partial,
            "hard_precision": hard / self.n_pred if self.n_pred else None,
            "hard_recall": hard / self.n_human if self.n_human else None,
            "hard_f1": f1(hard, self.n_pred, self.n_human) * 100,
            "soft_f1": f1(soft, self.n_pred, self.n_human) * 100,
            "sc": correlation(self.pred_sev, self.human_sev, "pearson"),
            "spearman": correlation(self.pred_sev, self.human_sev, "spearman"),
            "clean_items": self.clean_total,
            "clean_rate": self.clean_ok / self.clean_total * 100 if self.clean_total else None,
            "per_category_f1": {c: f1(v[0], v[1], v[2]) * 100 for c, v in sorted(self.cat.items())},
        }


def score_predictions(data: list[dict[str, Any]], preds: list[dict[str, Any]], *,
                      matcher: Matcher | None = None) -> dict[str, Any]:
    """Score judge predictions against human errors.

    Args:
        data: DATA rows (``id``, ``category``, ``human_errors``).
        preds: PRED rows (``id``, ``errors``); rows for unknown ids are ignored, missing ids predict nothing.
        matcher: pairs errors; the deterministic rules matcher by default.

    Returns:
        ``{"domains": {task: metrics}, "all": metrics, "macro": {...}, "missing": n, "matcher": name}`` with F1,
        Sc and rates in percent.
    """
    matcher = matcher or RulesMatcher()
    by_id = {str(p.get("id")): p for p in preds}
    domains: dict[str, _Tally] = {}
    pooled = _Tally()
    missing = 0
    for row in data:
        task = str(row.get("category", "chart"))
        human = [e for e in row.get("human_errors", []) if isinstance(e, dict)]
        pred_row = by_id.get(str(row.get("id")))
        missing += pred_row is None
        pred = _pred_errors(pred_row)
        matches = matcher.match(pred, human, task=task)
        for t in (domains.setdefault(task, _Tally()), pooled):
            t.items += 1
            t.n_pred += len(pred)
            t.n_human += len(human)
            t.full += sum(m.kind == FULL for m in matches)
            t.partial += sum(m.kind != FULL for m in matches)
            t.pred_sev.append(float(severity_sum(pred)))
            t.human_sev.append(float(severity_sum(human)))
            if not human:
                t.clean_total += 1
                t.clean_ok += not pred
            for e in pred:
                t.cat.setdefault(category_of(e), [0, 0, 0])[1] += 1
            for e in human:
                t.cat.setdefault(category_of(e), [0, 0, 0])[2] += 1
            for m in matches:
                if m.kind == FULL:
                    t.cat[category_of(human[m.human])][0] += 1
    reports = {task: t.report() for task, t in sorted(domains.items())}
    macro = {k: float(np.mean([r[k] for r in reports.values()])) if reports else None
             for k in ("hard_f1", "soft_f1")}
    return {"domains": reports, "all": pooled.report(), "macro": macro, "missing": missing,
            "matcher": getattr(matcher, "name", type(matcher).__name__)}


def _fmt(v: Any) -> str:
    return "–" if v is None else f"{v:.1f}" if isinstance(v, float) else str(v)


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table: one row per domain and the pooled row."""
    cols = ("items", "pred_errors", "human_errors", "hard_f1", "soft_f1", "sc", "spearman", "clean_rate")
    rows = [("domain",) + cols]
    for name, r in list(report["domains"].items()) + [("all", report["all"])]:
        rows.append((name,) + tuple(_fmt(r[c]) for c in cols))
    widths = [max(len(str(r[k])) for r in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(str(v).rjust(w) for v, w in zip(r, widths)) for r in rows]
    cats = report["all"]["per_category_f1"]
    lines.append("per-category hard F1: " + ", ".join(f"{c} {_fmt(v)}" for c, v in cats.items()))
    lines.append(f"matcher: {report['matcher']}; macro hard/soft F1: {_fmt(report['macro']['hard_f1'])} / "
                 f"{_fmt(report['macro']['soft_f1'])}; items without a prediction: {report['missing']}")
    return "\n".join(lines)
