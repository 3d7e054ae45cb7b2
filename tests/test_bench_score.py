"""VC-RewardBench scoring on hand-made cases whose F1 and correlations are computed by hand below."""

from __future__ import annotations

import json
import math
import pytest
from typer.testing import CliRunner

from visual_erm.cli import app

from visual_erm.bench.matcher import FULL, PARTIAL, LLMMatcher, RulesMatcher, classify, parse_matches
from visual_erm.bench.score import f1, format_report, score_predictions

from fake_openai import FakeOpenAI


def err(cat, sev, desc, loc="", bbox=None, key="category"):
    e = {key: cat, "severity": sev, "description": desc, "location": loc}
    if bbox:
        e["bbox"] = bbox
    return e


# Item A (chart): 2 human errors; prediction finds one exactly (full), one at the same box with the wrong category
# (partial), plus one spurious error.
A_HUMAN = [err("text_error", 2, "The title reads 'Sales 2021' instead of 'Sales 2020'.", "title", [10, 5, 200, 30]),
           err("data_error", 3, "The series 'north' is missing.", "main plot, series 'north'", [50, 40, 600, 400])]
A_PRED = [err("text_error", 2, "Title says Sales 2021 rather than Sales 2020", "title", [12, 6, 198, 31]),
          err("style_error", 1, "The series north looks missing or faded", "plot", [50, 40, 600, 400]),
          err("style_error", 1, "Background is grey.", "background", [0, 0, 5, 5])]
# Item B (chart): 1 human error, prediction empty.
B_HUMAN = [err("style_error", 1, "Grid lines are missing.", "main plot", [60, 40, 600, 420])]
# Item C (chart): an equivalent control; the prediction stays clean.
# Item D (table, key "type", no location): human 1 numeric error; prediction matches by description.
D_HUMAN = [err("numeric_error", 3, "Cell 'Revenue' for 2020 shows 12.5 instead of 125.", key="type")]
D_PRED = [err("numeric_error", 2, "Revenue 2020 shows 12.5 instead of 125", key="type")]

DATA = [{"id": "A", "category": "chart", "human_errors": A_HUMAN},
        {"id": "B", "category": "chart", "human_errors": B_HUMAN},
        {"id": "C", "category": "chart", "human_errors": []},
        {"id": "D", "category": "table", "human_errors": D_HUMAN}]
PRED = [{"id": "A", "errors": A_PRED}, {"id": "B", "errors": []}, {"id": "C", "errors": []},
        {"id": "D", "errors": D_PRED}]


def test_rules_matcher_full_partial_and_unmatched():
    matches = RulesMatcher().match(A_PRED, A_HUMAN, task="chart")
    assert sorted((m.pred, m.human, m.kind) for m in matches) == [(0, 0, FULL), (1, 1, PARTIAL)]


def test_classify_rules_as_documented():
    assert classify(1.0, 0.3, 0.0) == FULL
    assert classify(1.0, 0.0, 0.6) == FULL
    assert classify(1.0, 0.1, 0.0) == PARTIAL
    assert classify(0.0, 0.5, 0.35) == PARTIAL
    assert classify(0.0, 0.9, 0.2) is None
    assert classify(1.0, 0.05, 0.2) is None


def test_hungarian_prefers_one_to_one_full_matches():
    # Two identical human errors and two predictions: each prediction must take a different human error.
    h = [err("text_error", 2, "x label wrong", "x-axis label", [0, 0, 10, 10]),
         err("text_error", 2, "y label wrong", "y-axis label", [100, 100, 110, 110])]
    p = [err("text_error", 2, "y label wrong", "y-axis label", [100, 100, 110, 110]),
         err("text_error", 2, "x label wrong", "x-axis label", [0, 0, 10, 10])]
    ms = RulesMatcher().match(p, h, task="chart")
    assert sorted((m.pred, m.human, m.kind) for m in ms) == [(0, 1, FULL), (1, 0, FULL)]


def test_scores_computed_by_hand():
    rep = score_predictions(DATA, PRED)
    chart, table, pooled = rep["domains"]["chart"], rep["domains"]["table"], rep["all"]
    # chart: preds 3+0+0 = 3, human 2+1+0 = 3; full 1, partial 1.
    assert chart["hard_f1"] == pytest.approx(2 * 1 / 6 * 100)
    assert chart["soft_f1"] == pytest.approx(2 * 1.5 / 6 * 100)
    assert chart["clean_rate"] == 100.0 and chart["clean_items"] == 1
    # table: 1 pred, 1 human, full match.
    assert table["hard_f1"] == pytest.approx(100.0)
    # pooled: preds 4, human 4, full 2, partial 1.
    assert pooled["hard_f1"] == pytest.approx(2 * 2 / 8 * 100)
    assert pooled["soft_f1"] == pytest.approx(2 * 2.5 / 8 * 100)
    assert rep["macro"]["hard_f1"] == pytest.approx((100 / 3 + 100) / 2)
    # Sc: severity sums pred (A 4, B 0, C 0, D 2) vs human (A 5, B 1, C 0, D 3); Pearson by hand.
    x, y = [4, 0, 0, 2], [5, 1, 0, 3]
    mx, my = sum(x) / 4, sum(y) / 4
    cov = sum((a - mx) * (b - my) for a, b in zip(x, y))
    r = cov / math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))
    assert pooled["sc"] == pytest.approx(r * 100)
    # Spearman: ranks x (4, 1.5, 1.5, 3), y (4, 2, 1, 3) -> Pearson of ranks.
    rx, ry = [4, 1.5, 1.5, 3], [4, 2, 1, 3]
    m = 2.5
    rs = sum((a - m) * (b - m) for a, b in zip(rx, ry)) / math.sqrt(sum((a - m) ** 2 for a in rx)
                                                                    * sum((b - m) ** 2 for b in ry))
    assert pooled["spearman"] == pytest.approx(rs * 100)
    # per category (hard): text_error 1 full / (1 pred + 1 human) -> 100; style_error 0 / (2 + 1) -> 0.
    assert pooled["per_category_f1"]["text_error"] == pytest.approx(100.0)
    assert pooled["per_category_f1"]["style_error"] == pytest.approx(0.0)
    assert pooled["per_category_f1"]["data_error"] == pytest.approx(0.0)
    assert rep["missing"] == 0
    text = format_report(rep)
    assert "chart" in text and "33.3" in text


def test_missing_predictions_and_dirty_controls():
    rep = score_predictions(DATA, [{"id": "C", "errors": [err("style_error", 1, "x")]}])
    assert rep["missing"] == 3
    assert rep["domains"]["chart"]["clean_rate"] == 0.0
    assert rep["all"]["hard_f1"] == 0.0
    assert f1(0, 0, 0) == 1.0


def test_parse_matches_enforces_one_to_one_and_range():
    text = 'Sure: {"matches": [{"p": 0, "h": 1, "kind": "full"}, {"p": 0, "h": 0}, {"p": 5, "h": 0}, ' \
           '{"p": 1, "h": 0, "kind": "partial"}]}'
    ms = parse_matches(text, 2, 2)
    assert [(m.pred, m.human, m.kind) for m in ms] == [(0, 1, FULL), (1, 0, PARTIAL)]
    assert parse_matches("no json here", 2, 2) is None


def test_llm_matcher_over_a_real_loopback_server():
    reply = json.dumps({"matches": [{"p": 0, "h": 0, "kind": "full"}, {"p": 2, "h": 1, "kind": "partial"}]})
    with FakeOpenAI([reply], model="matcher") as server:
        m = LLMMatcher(server.url, "matcher")
        rep = score_predictions(DATA[:1], PRED[:1], matcher=m)
        body = server.requests[0]
    assert rep["all"]["full_matches"] == 1 and rep["all"]["partial_matches"] == 1
    assert rep["matcher"] == "llm"
    prompt = body["messages"][0]["content"]
    assert "The series 'north' is missing." in prompt and "Background is grey." in prompt
    # A server that answers nonsense: the rules decide, and the fallback is counted.
    with FakeOpenAI(["I cannot help"], model="matcher") as server:
        m = LLMMatcher(server.url, "matcher", retries=0)
        ms = m.match(A_PRED, A_HUMAN, task="chart")
    assert m.fallbacks == 1 and len(ms) == 2


def test_cli_score_json(tmp_path):
    data, pred = tmp_path / "DATA.jsonl", tmp_path / "PRED.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in DATA))
    pred.write_text("".join(json.dumps(r) + "\n" for r in PRED))
    out = CliRunner().invoke(app, ["bench", "score", "--data", str(data), "--pred", str(pred), "--json"])
    assert out.exit_code == 0, out.output
    rep = json.loads(out.output)
    assert rep["all"]["hard_f1"] == pytest.approx(50.0)
