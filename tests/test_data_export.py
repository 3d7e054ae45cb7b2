"""`data export`: VC-RewardBench-layout pairs -> sharegpt / messages records a VL fine-tuning tool can read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

import pytest

from visual_erm.data.export import ExportConfig, export
from visual_erm.images import encode_png, load_image
from visual_erm.judge.parse import parse_verdict
from visual_erm.judge.prompts import build_prompt

CLI = str(Path(sys.executable).parent / "visual-erm")


def _bench(tmp_path: Path) -> Path:
    root = tmp_path / "bench"
    (root / "img").mkdir(parents=True)
    for name, value in (("gt0", 255), ("pr0", 200), ("gt1", 255), ("pr1", 120), ("gt2", 10)):
        img = np.full((20, 30, 3), value, np.uint8)
        (root / "img" / f"{name}.png").write_bytes(encode_png(img))
    rows = [
        {"id": "c0", "category": "chart", "gt_img_path": "img/gt0.png", "pred_img_path": "img/pr0.png",
         "human_errors": [{"category": "data_error", "severity": 3, "location": "bars", "description": "values differ"},
                          {"category": "Colour", "severity": 5, "location": "bar 2", "description": "blue not red"},
                          {"note": 1}]},
        {"id": "t0", "category": "table", "gt_img_path": "img/gt1.png", "pred_img_path": "img/pr1.png",
         "human_errors": [{"type": "numeric_error", "severity": 2, "description": "3.5 became 3.6"}]},
        {"id": "s0", "category": "svg", "gt_img_path": "img/gt2.png", "pred_img_path": "img/gt2.png", "human_errors": []},
        {"id": "x0", "category": "chart", "gt_img_path": "img/missing.png", "pred_img_path": "img/pr0.png",
         "human_errors": []},
        {"id": "u0", "category": "poster", "gt_img_path": "img/gt0.png", "pred_img_path": "img/pr0.png"},
    ]
    (root / "DATA.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return root


def test_sharegpt_records_carry_images_prompt_and_parsable_target(tmp_path):
    root = _bench(tmp_path)
    report = export(root, tmp_path / "out" / "train.jsonl", config=ExportConfig(format="sharegpt"))
    assert report.written == 3
    assert report.skipped == {"missing_image": 1, "unknown_task": 1}
    assert report.dropped_errors == 1 and report.normalised_errors >= 1
    recs = [json.loads(line) for line in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    by_id = {r["id"]: r for r in recs}
    chart = by_id["c0"]
    human, gpt = chart["conversations"]
    assert human["from"] == "human" and human["value"].count("<image>") == len(chart["images"]) == 2
    assert human["value"].endswith(build_prompt("chart"))
    # reference first, rendering second, both readable
    assert load_image(chart["images"][0])[0, 0, 0] == 255 and load_image(chart["images"][1])[0, 0, 0] == 200
    target = json.loads(gpt["value"])
    assert target["data_error_count"] == 1 and target["style_error_count"] == 1
    assert {e["category"] for e in target["errors"]} == {"data_error", "style_error"}
    # our own parser reads the target back to the same verdict
    assert parse_verdict(gpt["value"], task="chart").severity_sum == 6
    table_target = json.loads(by_id["t0"]["conversations"][1]["value"])
    assert table_target["errors"] == [{"type": "numeric_error", "severity": 2, "description": "3.5 became 3.6"}]
    assert json.loads(by_id["s0"]["conversations"][1]["value"])["errors"] == []
    info = json.loads((tmp_path / "out" / "dataset_info.json").read_text())
    assert info["train"]["formatting"] == "sharegpt" and info["train"]["columns"]["images"] == "images"


def test_messages_format_copy_images_and_validation_split(tmp_path):
    root = _bench(tmp_path)
    out = tmp_path / "sft" / "judge.jsonl"
    cfg = ExportConfig(format="messages", images="copy", shuffle_seed=0, val_fraction=0.34, skip_equivalent=True)
    report = export(root / "DATA.jsonl", out, config=cfg)
    assert report.written + report.validation == 2 and report.validation == 1
    assert report.skipped["equivalent"] == 1
    rec = json.loads(out.read_text().splitlines()[0])
    user, assistant = rec["messages"]
    assert [p["type"] for p in user["content"]] == ["image", "image", "text"]
    assert assistant["role"] == "assistant" and json.loads(assistant["content"][0]["text"])["errors"]
    for rel in rec["images"]:
        assert not Path(rel).is_absolute() and (out.parent / rel).is_file()
    assert (out.parent / "judge.val.jsonl").is_file()


def test_cli_export_and_clear_error(tmp_path):
    root = _bench(tmp_path)
    out = tmp_path / "cli.jsonl"
    run = subprocess.run([CLI, "data", "export", str(root), "--format", "messages",
                          "--out", str(out), "--task", "table"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["written"] == 1 and len(out.read_text().splitlines()) == 1
    bad = subprocess.run([CLI, "data", "export", str(tmp_path / "nope")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "DATA.jsonl" in bad.stderr


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError):
        export(_bench(tmp_path), tmp_path / "x.jsonl", config=ExportConfig(format="alpaca"))
