"""The HTML report and the `visual-erm judge` CLI (single pair and JSONL batch) against a loopback judge server."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
from PIL import Image
from typer.testing import CliRunner

from fake_openai import FakeOpenAI, Reply
from visual_erm.cli import app
from visual_erm.report import SEVERITY_COLOURS, draw_boxes, render_report, write_report
from visual_erm.types import Discrepancy, Verdict

MODEL = "internlm/Visual-ERM"


def _png(path, rgb, size=(120, 80)):
    img = np.full((size[1], size[0], 3), 255, np.uint8)
    img[20:60, 30:90] = rgb
    Image.fromarray(img).save(path)
    return img


def _images_in(page: str) -> list[np.ndarray]:
    out = []
    for payload in re.findall(r'src="data:image/png;base64,([^"]+)"', page):
        with Image.open(io.BytesIO(base64.b64decode(payload))) as im:
            out.append(np.asarray(im.convert("RGB")))
    return out


def test_boxes_are_drawn_in_severity_colour_and_clipped():
    img = np.full((100, 200, 3), 255, np.uint8)
    errs = [Discrepancy("data_error", 3, "a", bbox=[20, 30, 80, 90]), Discrepancy("text_error", 1, "b"),
            Discrepancy("style_error", 2, "c", bbox=[150, 50, 500, 500])]
    out = draw_boxes(img, errs)
    assert out.shape == img.shape and img.max() == 255 and (img == 255).all()  # input untouched
    assert tuple(out[60, 20]) == SEVERITY_COLOURS[3]  # left edge of box 1
    assert tuple(out[75, 199]) == SEVERITY_COLOURS[2]  # box 3 clipped to the right border
    assert (out[40:80, 40:70] == 255).all()  # inside of box 1 stays clear


def test_report_is_self_contained_escaped_and_numbered(tmp_path):
    ref = _png(tmp_path / "ref.png", (200, 20, 20))
    verdict = Verdict(task="chart", judge="lvlm", errors=[
        Discrepancy("data_error", 3, "Bar <b>too</b> tall", "bar 2", bbox=[30, 20, 90, 60]),
        Discrepancy("text_error", 1, "<script>alert(1)</script>", "title")])
    path = write_report(tmp_path / "out" / "report.html", [
        {"id": "pair-1", "task": "chart", "reference": tmp_path / "ref.png", "candidate": ref, "verdict": verdict,
         "reward": 1.92},
        {"id": "pair-2", "category": "table", "gt_img_path": str(tmp_path / "ref.png"),
         "pred_img_path": str(tmp_path / "gone.png"), "errors": [{"type": "numeric_error", "severity": 2,
                                                                  "description": "12 vs 21"}]},
        {"id": "pair-3", "task": "svg", "reference": ref, "candidate": ref, "verdict": Verdict(task="svg")},
        {"id": "pair-4", "task": "chart", "reference": ref, "candidate": ref,
         "verdict": Verdict(task="chart", parse_error="no_json: prose")},
    ])
    page = open(path, encoding="utf-8").read()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Bar &lt;b&gt;too&lt;/b&gt; tall" in page
    assert not re.search(r'(src|href)="(https?:|file:|/)', page)  # nothing outside the page
    images = _images_in(page)
    assert len(images) == 7  # 4 pairs; pair-2's candidate is missing and shown as a note
    assert tuple(images[1][40, 30]) == SEVERITY_COLOURS[3]  # box drawn on the candidate only
    assert tuple(images[0][40, 30]) == (200, 20, 20)
    assert "numeric_error" in page and "FileNotFoundError" in page
    assert "No discrepancies" in page and "judge failed: no_json" in page and "reward: <b>1.92</b>" in page
    assert page.count('class="badge sev3"') >= 1 and 'id="item-pair-1"' in page


def test_render_report_accepts_arrays_and_empty_input():
    page = render_report([])
    assert "0 pair(s)" in page and page.startswith("<!doctype html>")


# ---- CLI ----

REPLY = json.dumps({"structure_error_count": 0, "data_error_count": 1, "text_error_count": 0, "style_error_count": 0,
                    "errors": [{"category": "data_error", "severity": 2, "location": "bar", "description": "Taller."}]})


def test_cli_judge_single_pair_json_and_text(tmp_path):
    _png(tmp_path / "ref.png", (200, 20, 20))
    _png(tmp_path / "cand.png", (20, 20, 200))
    runner = CliRunner()
    with FakeOpenAI([REPLY]) as server:
        res = runner.invoke(app, ["judge", str(tmp_path / "ref.png"), str(tmp_path / "cand.png"), "--task", "chart",
                                  "--endpoint", server.url, "--model", MODEL, "--json"])
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        assert out["errors"][0]["category"] == "data_error" and out["severity_sum"] == 2 and out["data_error_count"] == 1
        assert out["score"] == round(1 / 1.2, 6) and out["judge"] == "lvlm"
        text = runner.invoke(app, ["judge", str(tmp_path / "ref.png"), str(tmp_path / "cand.png"), "-t", "chart",
                                   "--endpoint", server.url, "-o", "retries=0"])
        assert text.exit_code == 0 and "1. data_error (severity 2) [bar]: Taller." in text.stdout
    with FakeOpenAI(["garbage"]) as server:
        failed = runner.invoke(app, ["judge", str(tmp_path / "ref.png"), str(tmp_path / "cand.png"), "--task", "chart",
                                     "--endpoint", server.url, "-o", "retries=0", "--json"])
        assert failed.exit_code == 1 and json.loads(failed.stdout)["error"].startswith("judge failed: no_json")
    usage = runner.invoke(app, ["judge", str(tmp_path / "ref.png"), str(tmp_path / "cand.png")])
    assert usage.exit_code == 2 and "--task" in usage.output
    wrong = runner.invoke(app, ["judge", str(tmp_path / "ref.png"), str(tmp_path / "cand.png"), "--task", "chart",
                                "--judge", "embedded", "--endpoint", "http://127.0.0.1:1"])
    assert wrong.exit_code == 2 and "lvlm" in wrong.output


def test_cli_judge_batch_writes_pred_in_order_with_errors_and_report(tmp_path):
    (tmp_path / "imgs").mkdir()
    _png(tmp_path / "imgs" / "ref.png", (200, 20, 20))
    _png(tmp_path / "imgs" / "cand.png", (20, 20, 200))
    items = [
        {"id": "c1", "category": "chart", "gt_img_path": "imgs/ref.png", "pred_img_path": "imgs/cand.png",
         "human_errors": [{"category": "style_error"}]},
        {"id": "t1", "category": "table", "gt_img_path": str(tmp_path / "imgs" / "ref.png"),
         "pred_img_path": "imgs/cand.png"},
        {"id": "missing", "category": "svg", "gt_img_path": "imgs/ref.png", "pred_img_path": "imgs/nope.png"},
        {"id": "badcat", "category": "pie", "gt_img_path": "imgs/ref.png", "pred_img_path": "imgs/cand.png"},
    ]
    lines = [json.dumps(x) for x in items]
    lines.insert(2, "{not json")
    (tmp_path / "items.jsonl").write_text("\n".join(lines) + "\n\n")

    def reply(body):  # the table prompt asks for "type"; answer accordingly, slowly for the first item
        if '"type"' in body["messages"][-1]["content"][-1]["text"]:
            return json.dumps({"errors": [{"type": "numeric", "severity": 3, "description": "5 vs 6"}]})
        return Reply(content=REPLY, delay=0.3)

    runner = CliRunner()
    with FakeOpenAI(reply) as server:
        res = runner.invoke(app, ["judge", "--items", str(tmp_path / "items.jsonl"), "--out", str(tmp_path / "pred.jsonl"),
                                  "--judge", "lvlm", "-o", f"endpoint={server.url}", "-o", f"model={MODEL}",
                                  "--workers", "3", "--report", str(tmp_path / "report.html")])
        assert server.count == 2
    assert res.exit_code == 0, res.output
    pred = [json.loads(x) for x in (tmp_path / "pred.jsonl").read_text().splitlines()]
    assert [p["id"] for p in pred] == ["c1", "t1", "line-3", "missing", "badcat"]
    c1, t1, broken, missing, badcat = pred
    assert c1["category"] == "chart" and c1["errors"][0]["category"] == "data_error" and c1["severity_sum"] == 2
    assert 0 < c1["score"] < 1 and "error" not in c1
    assert t1["errors"] == [{"type": "numeric_error", "severity": 3, "description": "5 vs 6"}] and t1["numeric_error_count"] == 1
    assert "error" in broken and "error" in missing and "nope.png" in missing["error"] and "pie" in badcat["error"]
    assert missing["score"] is None and missing["errors"] == []
    page = (tmp_path / "report.html").read_text()
    assert 'id="item-c1"' in page and 'id="item-t1"' in page and 'id="item-missing"' in page
    assert "judged 5 pair(s)" in res.output and "3 with an error" in res.output


def test_cli_judge_batch_usage_errors(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["judge", "--items", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "p.jsonl")])
    assert res.exit_code == 2 and "no such file" in res.output
    (tmp_path / "i.jsonl").write_text("")
    res = runner.invoke(app, ["judge", "--items", str(tmp_path / "i.jsonl")])
    assert res.exit_code == 2 and "--out" in res.output
