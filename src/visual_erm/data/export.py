"""Judge training data: VC-RewardBench-layout pairs -> chat records for supervised fine-tuning of a VL judge.

Input: a ``DATA.jsonl`` (or a folder holding one) with ``id``, ``category`` (chart|table|svg), ``gt_img_path``,
``pred_img_path`` and ``human_errors``. Output: one JSON line per pair whose user turn holds the reference image,
the rendering and the judge prompt the LVLM judge sends at inference (:func:`visual_erm.judge.prompts.build_prompt`),
and whose assistant turn is the target verdict in the Visual-ERM layout. Two layouts:

- ``sharegpt`` (LLaMA-Factory): ``{"conversations": [{"from": "human", "value": "<image><image>..."},
  {"from": "gpt", "value": "<json>"}], "images": [ref, pred]}``; a ``dataset_info.json`` entry is written beside.
- ``messages`` (TRL ``SFTTrainer``, OpenAI style): ``{"messages": [{"role": "user", "content": [{"type": "image"},
  {"type": "image"}, {"type": "text", "text": ...}]}, {"role": "assistant", "content": [{"type": "text", ...}]}],
  "images": [ref, pred]}``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from visual_erm.judge.prompts import build_prompt
from visual_erm.judge.schema import discrepancy_from_dict
from visual_erm.types import TASKS, Verdict

FORMATS = ("sharegpt", "messages")
IMAGE_MODES = ("absolute", "relative", "copy")


@dataclass(frozen=True)
class ExportConfig:
    """How pairs become training records.

    Args:
        format: ``sharegpt`` (LLaMA-Factory) or ``messages`` (TRL / OpenAI chat layout).
        images: ``absolute`` writes absolute image paths; ``relative`` writes paths relative to the output file's
            folder; ``copy`` copies images into ``<out dir>/images/`` and writes those relative paths (a
            self-contained dataset you can move).
        tasks: keep only these tasks (default: all).
        skip_equivalent: drop pairs without human errors (by default they stay: the judge must learn to say
            "equivalent" too).
        with_bbox: keep ``bbox`` fields of human errors in the target (the released checkpoint has none).
        shuffle_seed: shuffle the records with this seed; None keeps the input order.
        val_fraction: write this fraction of the records to ``<out stem>.val.jsonl`` instead.
        indent: JSON indent of the target verdict (None: one line, as the release answers).
    """

    format: str = "sharegpt"
    images: str = "absolute"
    tasks: tuple[str, ...] = TASKS
    skip_equivalent: bool = False
    with_bbox: bool = False
    shuffle_seed: int | None = None
    val_fraction: float = 0.0
    indent: int | None = None


@dataclass
class ExportReport:
    """What an export wrote and what it dropped (``skipped`` maps a reason to a count)."""

    written: int = 0
    validation: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    dropped_errors: int = 0
    normalised_errors: int = 0
    files: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def find_data_file(source: str | os.PathLike) -> Path:
    """``source`` itself when it is a file, else ``DATA.jsonl`` (or the only ``*.jsonl``) inside the folder."""
    path = Path(source)
    if path.is_file():
        return path
    if (path / "DATA.jsonl").is_file():
        return path / "DATA.jsonl"
    found = sorted(path.glob("*.jsonl"))
    if len(found) == 1:
        return found[0]
    raise FileNotFoundError(f"no DATA.jsonl in {path} (found {len(found)} .jsonl files)")


def read_pairs(data_file: Path) -> Iterator[dict[str, Any]]:
    """Rows of a VC-RewardBench-layout JSONL with image paths resolved against the file's folder."""
    with open(data_file, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for key in ("gt_img_path", "pred_img_path"):
                if row.get(key) and not os.path.isabs(row[key]):
                    row[key] = str((data_file.parent / row[key]).resolve())
            row.setdefault("id", f"line{n}")
            yield row


def target_verdict(task: str, human_errors: list[Any]) -> tuple[Verdict, int, int]:
    """The verdict a judge should give for ``human_errors``, the number of items that could not be read (dropped)
    and the number that needed normalising (a category alias, a severity out of range)."""
    errors, dropped, normalised = [], 0, 0
    for item in human_errors or []:
        disc, problem = discrepancy_from_dict(task, item)
        if disc is None:
            dropped += 1
            continue
        normalised += problem is not None
        errors.append(disc)
    return Verdict(task=task, errors=errors, judge="human"), dropped, normalised


def make_record(task: str, images: list[str], answer: str, *, fmt: str, record_id: str) -> dict[str, Any]:
    """One chat record in layout ``fmt`` for the given image paths and target answer."""
    prompt = build_prompt(task)
    if fmt == "sharegpt":
        return {"id": record_id, "conversations": [{"from": "human", "value": "<image><image>" + prompt},
                                                   {"from": "gpt", "value": answer}], "images": images}
    if fmt == "messages":
        user = [{"type": "image"}, {"type": "image"}, {"type": "text", "text": prompt}]
        return {"id": record_id, "messages": [{"role": "user", "content": user},
                                              {"role": "assistant", "content": [{"type": "text", "text": answer}]}],
                "images": images}
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _place_image(src: str, out_dir: Path, mode: str, copied: dict[str, str]) -> str:
    if mode == "absolute":
        return str(Path(src).resolve())
    if mode == "relative":
        return os.path.relpath(Path(src).resolve(), out_dir.resolve())
    if src not in copied:
        dest = out_dir / "images" / f"{len(copied):06d}{Path(src).suffix or '.png'}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        copied[src] = os.path.relpath(dest, out_dir)
    return copied[src]


def export(source: str | os.PathLike, out: str | os.PathLike, *, config: ExportConfig | None = None) -> ExportReport:
    """Write training records for every usable pair of ``source`` to ``out`` (JSONL).

    Pairs whose task is unknown or whose images are missing are skipped and counted in the report; human error
    items that name no category of the task are dropped from the target and counted.
    """
    cfg = config or ExportConfig()
    if cfg.format not in FORMATS or cfg.images not in IMAGE_MODES:
        raise ValueError(f"format must be one of {FORMATS} and images one of {IMAGE_MODES}")
    out_path = Path(out)
    out_dir = out_path.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    report, records, copied = ExportReport(), [], {}
    for row in read_pairs(find_data_file(source)):
        task = str(row.get("category") or row.get("task") or "").lower()
        if task not in TASKS:
            report.skip("unknown_task")
            continue
        if task not in cfg.tasks:
            report.skip("task_filtered")
            continue
        paths = [row.get("gt_img_path"), row.get("pred_img_path")]
        if not all(p and os.path.isfile(p) for p in paths):
            report.skip("missing_image")
            continue
        verdict, dropped, normalised = target_verdict(task, row.get("human_errors") or [])
        report.dropped_errors += dropped
        report.normalised_errors += normalised
        if cfg.skip_equivalent and not verdict.errors:
            report.skip("equivalent")
            continue
        answer = json.dumps(verdict.to_dict(with_bbox=cfg.with_bbox), ensure_ascii=False, indent=cfg.indent)
        images = [_place_image(p, out_dir, cfg.images, copied) for p in paths]
        records.append(make_record(task, images, answer, fmt=cfg.format, record_id=str(row["id"])))
    if cfg.shuffle_seed is not None:
        random.Random(cfg.shuffle_seed).shuffle(records)
    n_val = int(round(len(records) * cfg.val_fraction))
    train, val = records[n_val:], records[:n_val]
    _write_jsonl(out_path, train)
    report.written, report.files = len(train), [str(out_path)]
    if val:
        val_path = out_path.with_name(out_path.stem + ".val.jsonl")
        _write_jsonl(val_path, val)
        report.validation = len(val)
        report.files.append(str(val_path))
    if cfg.format == "sharegpt":
        report.files.append(str(_write_dataset_info(out_path, [Path(f) for f in report.files])))
    return report


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _write_dataset_info(out_path: Path, files: list[Path]) -> Path:
    """A LLaMA-Factory ``dataset_info.json`` beside the data, one entry per written file (merged into an existing one)."""
    info_path = out_path.parent / "dataset_info.json"
    info = json.loads(info_path.read_text()) if info_path.is_file() else {}
    for f in files:
        info[f.stem.replace(".", "_")] = {
            "file_name": f.name, "formatting": "sharegpt",
            "columns": {"messages": "conversations", "images": "images"},
        }
    info_path.write_text(json.dumps(info, indent=2) + "\n")
    return info_path
