"""Chart pairs from matplotlib's own gallery, with errors injected through the figure's artists.

Each usable gallery script becomes one reference; a child process (``chart_child``) re-runs it per variant, applies
mutations to artists (lines, bars, texts, axes), and reads the true bbox from the artists' window extents.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import matplotlib

from visual_erm.bench.build import sources
from visual_erm.bench.build.common import BuildConfig, Item, rank_pairs, write_bench

# Gallery sections whose scripts draw ordinary 2-D charts (no widgets, animation, 3-D or event handling).
SECTIONS = ("lines_bars_and_markers", "statistics", "pie_and_polar_charts", "subplots_axes_and_figures",
            "text_labels_and_annotations", "scales", "showcase", "specialty_plots", "images_contours_and_fields",
            "color", "style_sheets", "shapes_and_collections", "ticks", "spines", "axisartist")
ALLOWED_IMPORTS = {"matplotlib", "numpy", "math", "datetime", "itertools", "functools", "collections", "textwrap",
                   "random", "string", "fractions", "decimal", "calendar", "operator", "copy"}
FORBIDDEN = re.compile(r"urllib|requests|socket|input\(|animation|widgets|mpl_connect|plt\.pause|ginput|"
                       r"get_sample_data|pandas|scipy|projection=['\"]3d|mplot3d|subprocess|webbrowser|tkinter|"
                       r"open\(|savefig\(|\.imread\(|time\.sleep|sys\.argv|Basemap|cartopy|Path\.home")


def usable(rel: str, code: str) -> bool:
    """A gallery script we can run offline: a chart section, standard imports only, no I/O or interaction."""
    if rel.split("/")[0] not in SECTIONS or FORBIDDEN.search(code):
        return False
    for m in re.finditer(r"^\s*(?:from|import)\s+([\w.]+)", code, re.M):
        if m.group(1).split(".")[0] not in ALLOWED_IMPORTS:
            return False
    return "plt." in code or "Figure(" in code


def mpl_config_dir() -> Path:
    """A writable, persistent MPLCONFIGDIR so children reuse one font cache instead of rebuilding it."""
    d = sources.cache_root() / "mplconfig"
    d.mkdir(parents=True, exist_ok=True)
    return d


def run_child(job: dict[str, Any], timeout: float) -> dict[str, Any]:
    env = dict(os.environ, MPLBACKEND="Agg", MPLCONFIGDIR=str(mpl_config_dir()), PYTHONHASHSEED="0",
               OMP_NUM_THREADS="1")
    try:
        proc = subprocess.run([sys.executable, "-m", "visual_erm.bench.build.chart_child"], input=json.dumps(job),
                              capture_output=True, text=True, timeout=timeout, env=env, cwd=job["out_dir"])
    except subprocess.TimeoutExpired:
        return {"ok": False, "reason": "timeout"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"ok": False, "reason": f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def _pairs(results: list[tuple[str, str, dict[str, Any]]]) -> int:
    return sum(1 + len(r["singles"]) + (1 if r.get("multi") else 0) for _, _, r in results)


def build_charts(out: Path, config: BuildConfig = BuildConfig(), *, progress: bool = False) -> dict[str, Any]:
    """Write a chart benchmark under ``out`` (DATA.jsonl, rank.jsonl, manifest.json, images/); return the manifest.

    Args:
        out: output folder; images go to ``out/images/chart/<reference id>/``.
        config: size, seed and parallelism (see :class:`BuildConfig`).
        progress: print one line per gallery script to stderr.
    """
    out = Path(out).absolute()  # the child runs in the image folder: a relative path would nest there
    src = sources.matplotlib_sdist()
    scripts = [(rel, code) for rel, code in sources.gallery_scripts(src).items() if usable(rel, code)]
    rng = random.Random(config.seed)
    rng.shuffle(scripts)
    order = ["structure_error", "data_error", "text_error", "style_error"]

    results: list[tuple[str, str, dict[str, Any]]] = []
    skipped: dict[str, str] = {}
    with ThreadPoolExecutor(max(1, config.workers)) as pool:
        pos = 0
        while _pairs(results) < config.n and pos < len(scripts):
            batch = scripts[pos:pos + max(1, config.workers)]
            pos += len(batch)
            jobs = []
            for k, (rel, code) in enumerate(batch):
                ref_id = f"chart-{config.seed}-{pos - len(batch) + k:04d}"
                folder = out / "images" / "chart" / ref_id
                folder.mkdir(parents=True, exist_ok=True)
                # Rotate which category is tried first so the whole taxonomy is covered across references.
                rot = (pos - len(batch) + k) % len(order)
                job = {"script": code, "seed": config.seed * 7919 + pos - len(batch) + k, "out_dir": str(folder),
                       "singles": config.singles, "category_order": order[rot:] + order[:rot]}
                jobs.append((rel, ref_id, folder, pool.submit(run_child, job, config.timeout)))
            for rel, ref_id, folder, fut in jobs:
                res = fut.result()
                if res.get("ok") and res.get("singles") and _pairs(results) < config.n:
                    results.append((rel, ref_id, res))
                    if progress:
                        print(f"chart {ref_id} {rel}: {len(res['singles'])} singles", file=sys.stderr)
                else:
                    skipped[rel] = res.get("reason", "not needed")[:200]
                    shutil.rmtree(folder, ignore_errors=True)

    items: list[Item] = []
    ranks: list[dict[str, str]] = []
    for rel, ref_id, res in results:
        ref = os.path.relpath(res["reference"], out)

        def item(kind: str, path: str, errors: list[dict[str, Any]]) -> Item:
            return Item(id=f"{ref_id}-{kind}", category="chart", gt_img_path=ref,
                        pred_img_path=os.path.relpath(path, out), human_errors=errors, source=f"matplotlib-3.8.4/"
                        f"galleries/examples/{rel}", kind=kind.rstrip("0123456789"))

        ctrl = item("control", res["control"]["path"], [])
        ctrl.extra["control_dpi"] = res["control"]["dpi"]
        group = [ctrl] + [item(f"single{k}", s["path"], s["errors"]) for k, s in enumerate(res["singles"])]
        multi = res.get("multi")
        if multi:
            group.append(item("multi", multi["path"], multi["errors"]))
        items.extend(group)
        single_ids = [g.id for g in group if g.kind == "single"]
        ranks.extend(rank_pairs(ref_id, ctrl.id, single_ids, group[-1].id if multi else None,
                                multi["contains"] if multi else []))
    return write_bench(out, "chart", items, ranks, [src.manifest()], config,
                       {"renderer": f"matplotlib {matplotlib.__version__} Agg, dpi 100",
                        "references": len(results), "skipped_scripts": len(skipped)})
