"""What every task builder shares: the build config, item/rank records and the DATA.jsonl / rank.jsonl writer."""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from visual_erm import __version__


@dataclass(frozen=True)
class BuildConfig:
    """Options of ``visual-erm bench build``.

    Args:
        n: number of (reference, candidate) pairs to write; each reference yields one equivalent control, up to
            ``singles`` one-error candidates and one multi-error candidate, so references ≈ n / (singles + 2).
        seed: everything random (source order, mutation choice, control resolution) derives from it; the same seed
            and cached sources give byte-identical DATA.jsonl and images.
        singles: one-error candidates per reference.
        workers: child processes rendering gallery scripts at once (charts only).
        timeout: seconds a gallery script (all its variants together) may run before it is skipped.
    """

    n: int = 40
    seed: int = 0
    singles: int = 3
    workers: int = 2
    timeout: float = 90.0


@dataclass
class Item:
    """One benchmark pair in VC-RewardBench layout, plus our provenance fields."""

    id: str
    category: str
    gt_img_path: str
    pred_img_path: str
    human_errors: list[dict[str, Any]]
    source: str = ""
    kind: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "extra"}
        out.update(self.extra)
        return out


def rank_pairs(ref_id: str, control: str | None, singles: list[str], multi: str | None,
               contains: list[int]) -> list[dict[str, str]]:
    """(better, worse) pairs that hold by construction for one reference.

    An equivalent control beats every erroneous candidate; a one-error candidate beats a multi-error candidate
    that contains the very same error plus others. Nothing else is claimed (two different single errors are not
    ordered).
    """
    pairs = []
    for worse in singles + ([multi] if multi else []):
        if control:
            pairs.append({"reference": ref_id, "better": control, "worse": worse, "why": "control"})
    if multi:
        for k in contains:
            pairs.append({"reference": ref_id, "better": singles[k], "worse": multi, "why": "subset"})
    return pairs


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def write_bench(out: Path, task: str, items: list[Item], ranks: list[dict[str, str]], sources: list[dict],
                config: BuildConfig, notes: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write DATA.jsonl, rank.jsonl and manifest.json under ``out``; return the manifest.

    Items beyond ``config.n`` are dropped, and with them every rank pair that names one.
    """
    items = items[:config.n]
    kept = {it.id for it in items}
    ranks = [r for r in ranks if r["better"] in kept and r["worse"] in kept]
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "DATA.jsonl", "w") as f:
        for it in items:
            f.write(json.dumps(it.to_json(), sort_keys=False) + "\n")
    with open(out / "rank.jsonl", "w") as f:
        for r in ranks:
            f.write(json.dumps(r) + "\n")
    counts: dict[str, int] = {}
    for it in items:
        for e in it.human_errors:
            key = e.get("category") or e.get("type")
            counts[key] = counts.get(key, 0) + 1
    manifest = {
        "task": task,
        "items": len(items),
        "rank_pairs": len(ranks),
        "controls": sum(1 for it in items if not it.human_errors),
        "errors_by_category": dict(sorted(counts.items())),
        "config": asdict(config),
        "sources": sources,
        "visual_erm": __version__,
        "python": platform.python_version(),
        **(notes or {}),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
