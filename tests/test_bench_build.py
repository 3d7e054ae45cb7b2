"""Benchmark builder on real sources (fetched once into the cache): layout, determinism, true boxes, rank pairs, run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from visual_erm.bench.build import build
from visual_erm.bench.run import RunConfig, run_bench
from visual_erm.images import load_image
from visual_erm.types import CATEGORIES

FIELDS = {"id", "category", "gt_img_path", "pred_img_path", "human_errors"}


def rows(folder: Path, name: str = "DATA.jsonl") -> list[dict]:
    return [json.loads(line) for line in (folder / name).read_text().splitlines()]


def check_layout(folder: Path, task: str) -> list[dict]:
    items = rows(folder)
    assert items and all(FIELDS <= set(it) for it in items)
    key = "type" if task == "table" else "category"
    for it in items:
        gt, pred = load_image(folder / it["gt_img_path"]), load_image(folder / it["pred_img_path"])
        for e in it["human_errors"]:
            assert e[key] in CATEGORIES[task] and e["severity"] in (1, 2, 3) and e["description"]
            if e.get("bbox"):
                x0, y0, x1, y1 = e["bbox"]
                assert 0 <= x0 < x1 <= pred.shape[1] and 0 <= y0 < y1 <= pred.shape[0]
        if it["human_errors"] and gt.shape == pred.shape:
            assert not np.array_equal(gt, pred)  # an injected error is visible
    controls = [it for it in items if not it["human_errors"]]
    assert controls and all(load_image(folder / c["pred_img_path"]).shape != load_image(folder / c["gt_img_path"]).shape
                            for c in controls)  # same content at another resolution
    ids = {it["id"] for it in items}
    for r in rows(folder, "rank.jsonl"):
        assert r["better"] in ids and r["worse"] in ids
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["task"] == task and manifest["sources"][0]["sha256"]
    return items


def test_svg_build_is_deterministic_with_true_boxes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build("svg", a, n=12, seed=5)
    build("svg", b, n=12, seed=5)
    items = check_layout(a, "svg")
    assert (a / "DATA.jsonl").read_text() == (b / "DATA.jsonl").read_text()
    assert (a / items[1]["pred_img_path"]).read_bytes() == (b / items[1]["pred_img_path"]).read_bytes()
    # The box of a single error covers the pixels that changed.
    for it in items:
        if len(it["human_errors"]) == 1 and it["human_errors"][0].get("bbox"):
            gt, pred = load_image(a / it["gt_img_path"]), load_image(a / it["pred_img_path"])
            diff = np.abs(gt.astype(int) - pred.astype(int)).max(axis=2) > 40
            x0, y0, x1, y1 = (int(round(v)) for v in it["human_errors"][0]["bbox"])
            inside = diff[max(0, y0 - 2):y1 + 2, max(0, x0 - 2):x1 + 2].sum()
            assert inside >= 0.95 * diff.sum()
    assert len({it["human_errors"][0]["category"] for it in items if it["human_errors"]}) >= 3


def test_chart_build_from_the_gallery(tmp_path):
    build("chart", tmp_path, n=6, seed=3)
    items = check_layout(tmp_path, "chart")
    assert all(it["source"].startswith("matplotlib-3.8.4/galleries/examples/") for it in items)
    boxed = [e for it in items for e in it["human_errors"] if e.get("bbox")]
    assert boxed and all(e["location"] for e in boxed)
    assert rows(tmp_path, "rank.jsonl")


def test_table_build_and_run_with_teds_and_ssim(tmp_path):
    build("table", tmp_path, n=5, seed=2, singles=3)
    items = check_layout(tmp_path, "table")
    assert all(it["gt_html"].startswith("<table>") and it["pred_html"] for it in items)
    res = run_bench(tmp_path, RunConfig(judges=("teds", "ssim")))
    teds = res["results"]["teds"]["table"]
    assert teds["judged"] == len(items) and teds["pairwise"] is not None and teds["pairwise"] >= 50
    preds = rows(tmp_path / "results" / "preds", "teds.jsonl")
    ctrl = next(p for p in preds if p["id"].endswith("control"))
    assert ctrl["score"] == pytest.approx(1.0)
    assert (tmp_path / "results" / "results.png").stat().st_size > 1000
    assert "| table | ssim |" in (tmp_path / "results" / "results.md").read_text()
    # A re-run is served from the cache: nothing is judged again, and the numbers agree.
    again = run_bench(tmp_path, RunConfig(judges=("teds",)))
    assert again["results"]["teds"] == res["results"]["teds"]


def test_a_control_of_a_figure_drawn_in_pixels_is_not_equivalent():
    import matplotlib

    matplotlib.use("Agg")
    import io

    import matplotlib.pyplot as plt

    from visual_erm.bench.build.chart_child import same_drawing

    def png(fig, dpi):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        return load_image(buf.getvalue())

    def pictures(pixel_sized: bool):
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1, 2, 3], [1, 3, 2, 4], lw=2)
        if pixel_sized:  # placed in display pixels: elsewhere at another dpi
            ax.annotate("display", xy=(120, 90), xycoords="figure pixels", fontsize=14,
                        bbox=dict(boxstyle="round", fc="0.6"))
        a, b = png(fig, 100), png(fig, 50)
        plt.close(fig)
        import cv2
        return a, cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_LINEAR)

    assert same_drawing(*pictures(False))
    assert not same_drawing(*pictures(True))
