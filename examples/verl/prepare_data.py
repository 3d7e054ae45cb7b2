"""Write verl's parquet files for a folder of (image, prompt) pairs.

Layout of the folder: one reference image per item (``*.png``/``*.jpg``) and, beside it, an optional ``<stem>.txt``
with the instruction for that image (default: a generic "reproduce this <task>" prompt). The task comes from
``--task`` or from a sub-folder name (``chart/``, ``svg/``, ``table/``).

    python examples/verl/prepare_data.py DATA_DIR --out data/visual_erm --task chart --val-fraction 0.05

Each row carries what verl's multimodal RL recipes expect (``data_source``, ``prompt`` as chat messages with an
``<image>`` placeholder, ``images``, ``ability``, ``reward_model``) and, for our reward function, the reference
image path and the task in ``extra_info`` (``gt_img_path``, ``task_type``).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PROMPTS = {
    "chart": "Write matplotlib Python code that reproduces this chart exactly. Answer with one ```python code block.",
    "svg": "Write SVG code that reproduces this graphic exactly. Answer with one ```svg code block.",
    "table": "Write HTML code for this table, reproducing its structure and content exactly. Answer with one ```html "
             "code block.",
}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}


def rows_for(folder: Path, task: str | None) -> list[dict]:
    rows = []
    for image in sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES):
        item_task = task or next((part for part in image.parts if part in PROMPTS), None)
        if item_task is None:
            raise SystemExit(f"{image}: pass --task or put it under a chart/, svg/ or table/ folder")
        txt = image.with_suffix(".txt")
        instruction = txt.read_text().strip() if txt.is_file() else PROMPTS[item_task]
        path = str(image.resolve())
        rows.append({
            "data_source": f"visual_erm/{item_task}",
            "prompt": [{"role": "user", "content": "<image>" + instruction}],
            "images": [{"image": path}],
            "ability": f"{item_task}_to_code",
            "reward_model": {"style": "rule", "ground_truth": path},
            "extra_info": {"gt_img_path": path, "task_type": item_task, "index": len(rows)},
        })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--out", type=Path, default=Path("data/visual_erm"))
    ap.add_argument("--task", choices=sorted(PROMPTS))
    ap.add_argument("--val-fraction", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import pandas as pd

    rows = rows_for(args.folder, args.task)
    if not rows:
        raise SystemExit(f"no images under {args.folder}")
    random.Random(args.seed).shuffle(rows)
    n_val = max(1, int(len(rows) * args.val_fraction)) if len(rows) > 1 and args.val_fraction > 0 else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, part in (("train", rows[n_val:]), ("val", rows[:n_val])):
        if part:
            pd.DataFrame(part).to_parquet(args.out / f"{name}.parquet", index=False)
            print(f"{name}: {len(part)} rows -> {args.out / f'{name}.parquet'}")


if __name__ == "__main__":
    main()
