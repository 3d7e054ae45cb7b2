"""Reward policies (properties on random cases) and reward / reward_batch / areward_batch end to end with real
rendering, a real HTTP judge on 127.0.0.1 and a small pixel judge registered here."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import random

import numpy as np
import pytest
from typer.testing import CliRunner

from fake_openai import FakeOpenAI, Reply, decode_images
from visual_erm.cli import app
from visual_erm.images import encode_png
from visual_erm.judge import BaseJudge, register_judge
from visual_erm.judge.parse import JudgeFailure, failure_kind
from visual_erm.reward import (Outcome, RewardResult, areward_batch, get_policy, list_policies, reward, reward_batch,
                               score_verdicts)
from visual_erm.types import CATEGORIES, Discrepancy, FailureKind, Rendering, Verdict

MODEL = "internlm/Visual-ERM"


# ---- a small real judge for ordering tests: one error per differing 32x32 tile, severity by how much differs ----

@register_judge("test-tiles")
class TileJudge(BaseJudge):
    name = "test-tiles"

    def __init__(self, *, crash_on_red: bool = False):
        self.crash_on_red = crash_on_red

    def judge(self, reference, candidate, *, task):
        from PIL import Image

        if self.crash_on_red and (candidate[..., 0].astype(int) - candidate[..., 2]).max() > 200:
            raise RuntimeError("test judge refuses red")
        size = (128, 96)
        a = np.asarray(Image.fromarray(reference).resize(size), dtype=np.int16)
        b = np.asarray(Image.fromarray(candidate).resize(size), dtype=np.int16)
        errors = []
        for y in range(0, 96, 32):
            for x in range(0, 128, 32):
                d = np.abs(a[y:y + 32, x:x + 32] - b[y:y + 32, x:x + 32]).max(axis=2)
                frac = float((d > 40).mean())
                if frac > 0.02:
                    errors.append(Discrepancy(CATEGORIES[task][1], 1 + int(frac > 0.2) + int(frac > 0.5),
                                              f"tile {x},{y} differs", f"tile {x},{y}"))
        return Verdict(task=task, errors=errors, judge=self.name)


def chart_answer(values, color="tab:blue", title="Sales"):
    return ("Here is the code:\n```python\nimport matplotlib.pyplot as plt\n"
            f"plt.bar(['a', 'b', 'c', 'd'], {list(values)}, color='{color}')\nplt.title('{title}')\nplt.show()\n```")


SVG_OK = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect x="8" y="8" width="48" height="48" fill="#c00"/></svg>'
CLEAN = json.dumps({"errors": []})
TWO = json.dumps({"errors": [{"category": "data_error", "severity": 3, "location": "bar c", "description": "Too tall."},
                             {"category": "text_error", "severity": 1, "location": "title", "description": "Typo."}]})


@pytest.fixture(scope="module")
def reference_png():
    """The reference chart, rendered once by the real renderer from the true answer."""
    from visual_erm.render import render

    r = render("chart", chart_answer([3, 5, 2, 4]))
    assert r.ok, r.message
    return encode_png(r.image)


# ---- policies: formulas ----

def _verdict(task, severities, cats=None):
    cats = cats or [CATEGORIES[task][0]] * len(severities)
    return Verdict(task=task, errors=[Discrepancy(c, s, "d") for c, s in zip(cats, severities)])


def test_release_formula_and_failures():
    pol = get_policy("release")
    out = pol([Outcome("chart", True, _verdict("chart", [])), Outcome("chart", True, _verdict("chart", [3, 2])),
               Outcome("svg", False, None), Outcome("chart", True, Verdict(task="chart", parse_error="no_json: x")),
               Outcome("chart", True, _verdict("chart", [3] * 20))])
    assert out == [2.0, pytest.approx(1.9), 0.0, 1.5, 1.0]


def test_table_release_formula_and_failures():
    pol = get_policy("table-release")
    out = pol([Outcome("table", True, _verdict("table", [2, 3])), Outcome("table", True, Verdict(task="table",
                                                                                                parse_error="timeout: x")),
               Outcome("table", False, None), Outcome("table", True, _verdict("table", []))])
    assert out == [-5.0, -4.0, -10.0, 0.0]
    assert get_policy("table-release", floor=-3.0)([Outcome("table", True, _verdict("table", [3, 3]))]) == [-3.0]


def test_paper_formula_normalises_per_task_within_the_batch():
    outs = [Outcome("chart", True, _verdict("chart", [2])), Outcome("chart", True, _verdict("chart", [3, 3, 2])),
            Outcome("chart", True, _verdict("chart", [])), Outcome("chart", False, None),
            Outcome("svg", True, _verdict("svg", [1]))]
    r = get_policy("paper")(outs)
    assert r[0] == pytest.approx(1 + 1 - 2 / 8) and r[1] == pytest.approx(1.0) and r[2] == pytest.approx(2.0)
    assert r[3] == 0.0 and r[4] == pytest.approx(1.0)  # svg normalised by its own max


def test_auto_picks_release_for_chart_svg_and_table_release_for_tables():
    outs = [Outcome("table", True, _verdict("table", [1])), Outcome("chart", True, _verdict("chart", [1])),
            Outcome("svg", False, None)]
    assert get_policy("auto")(outs) == [-1.0, pytest.approx(1.98), 0.0]
    assert set(list_policies()) >= {"auto", "release", "paper", "table-release"}


def test_weights_and_options():
    v = _verdict("chart", [2, 2], ["text_error", "data_error"])
    assert get_policy("release", weights={"text_error": 0.0})([Outcome("chart", True, v)]) == [pytest.approx(1.96)]
    assert get_policy("release", scale=4)([Outcome("chart", True, v)]) == [1.0]
    with pytest.raises(ValueError):
        get_policy("release", weights={"data_error": -1})
    with pytest.raises(ValueError):
        get_policy("release", weights={"nonsense_error": 1})
    with pytest.raises(KeyError, match="known"):
        get_policy("nope")


# ---- policies: properties on random cases ----

def _random_outcome(rng, task=None):
    task = task or rng.choice(["chart", "svg", "table"])
    kind = rng.random()
    if kind < 0.1:
        return Outcome(task, False, None)
    if kind < 0.2:
        return Outcome(task, True, Verdict(task=task, parse_error="no_json: garbage"))
    n = rng.randint(0, 12)
    return Outcome(task, True, _verdict(task, [rng.randint(1, 3) for _ in range(n)],
                                        [rng.choice(CATEGORIES[task]) for _ in range(n)]))


@pytest.mark.parametrize("name", ["release", "paper", "table-release", "auto"])
def test_policies_monotone_in_severity(name):
    rng = random.Random(1)
    pol = get_policy(name)
    for _ in range(300):
        batch = [_random_outcome(rng) for _ in range(rng.randint(1, 8))]
        judged = [i for i, o in enumerate(batch) if o.rendered and o.judge_ok]
        if not judged:
            continue
        i = rng.choice(judged)
        o = batch[i]
        worse = Outcome(o.task, True, Verdict(task=o.task, errors=o.verdict.errors + [
            Discrepancy(rng.choice(CATEGORIES[o.task]), rng.randint(1, 3), "extra")]))
        before = pol(batch)[i]
        after = pol(batch[:i] + [worse] + batch[i + 1:])[i]
        assert after <= before + 1e-12
        if o.verdict.severity_sum == 0 and name != "paper":  # a clean item is the best a rendered item can get
            assert before >= max(pol([x])[0] for x in batch if x.task == o.task)


@pytest.mark.parametrize("name,low,high", [("release", 0.0, 2.0), ("paper", 0.0, 2.0), ("table-release", None, 0.0)])
def test_policies_bounded(name, low, high):
    rng = random.Random(2)
    pol = get_policy(name)
    for _ in range(300):
        for r in pol([_random_outcome(rng) for _ in range(rng.randint(1, 10))]):
            assert r <= high and (low is None or r >= low)


@pytest.mark.parametrize("name", ["release", "paper", "table-release", "auto"])
def test_batch_order_is_irrelevant(name):
    rng = random.Random(3)
    pol = get_policy(name)
    for _ in range(200):
        batch = [_random_outcome(rng) for _ in range(rng.randint(1, 10))]
        order = list(range(len(batch)))
        rng.shuffle(order)
        shuffled = pol([batch[i] for i in order])
        straight = pol(batch)
        assert [shuffled[order.index(i)] for i in range(len(batch))] == pytest.approx(straight)


def test_failures_rank_below_clean_and_render_failure_lowest_for_tables():
    for name, task in (("release", "chart"), ("table-release", "table"), ("paper", "svg")):
        pol = get_policy(name)
        r_clean, r_fail = pol([Outcome(task, True, _verdict(task, [])), Outcome(task, False, None)])
        assert r_clean > r_fail


# ---- reward / reward_batch end to end ----

def test_reward_with_lvlm_judge_sends_the_rendering(reference_png):
    with FakeOpenAI([TWO]) as server:
        result = reward("chart", chart_answer([3, 5, 6, 4]), reference_png, judge="lvlm",
                        judge_options={"endpoint": server.url, "model": MODEL, "backoff": 0})
        body = server.requests[0]
    assert isinstance(result, RewardResult) and result.policy == "release"
    assert result.rendering.ok and result.verdict.severity_sum == 4
    assert result.score == pytest.approx(1 + (1 - 4 / 50))
    (_, ref_img), (_, cand_img) = decode_images(body)
    assert cand_img.shape[:2] == result.rendering.image.shape[:2]
    extras = result.extras()
    assert extras["severity_sum"] == 4 and extras["judge_ok"] is True and extras["count_data_error"] == 1
    assert extras["failure"] is None and extras["judge_failure"] is None
    assert result.timings["render"] > 0 and result.timings["judge"] > 0


def test_reward_batch_keeps_order_and_one_failure_never_spoils_the_batch(reference_png, tmp_path):
    ref_path = tmp_path / "ref.png"
    ref_path.write_bytes(reference_png)
    answers = [chart_answer([3, 5, 2, 4]),               # identical
               "Sorry, I can't write code for this.",    # no code
               chart_answer([3, 5, 2, 4], color="red"),  # right data, wrong colour (judge crashes on red)
               chart_answer([1, 6, 6, 1]),               # wrong data
               "```python\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]\n```",  # syntax error
               chart_answer([3, 5, 2, 4], title="Sales")]
    refs = [ref_path] * 5 + [tmp_path / "missing.png"]
    results = reward_batch("chart", answers, refs, judge="test-tiles", judge_options={"crash_on_red": True}, workers=2)
    assert [r.rendering.ok for r in results] == [True, False, True, True, False, True]
    assert results[1].rendering.failure is FailureKind.NO_CODE and results[1].score == 0.0 and results[1].verdict is None
    assert results[4].rendering.failure is FailureKind.SYNTAX and results[4].score == 0.0
    assert results[0].verdict.errors == [] and results[0].score == 2.0
    assert failure_kind(results[2].verdict) is JudgeFailure.CRASH and results[2].score == 1.5  # judge fault: S = 25
    assert failure_kind(results[5].verdict) is JudgeFailure.INPUT and results[5].score == 1.5  # bad reference
    assert 1.0 <= results[3].score < 2.0 and results[3].verdict.severity_sum > 0
    assert results[2].extras()["judge_failure"] == "crash" and results[1].extras()["failure"] == "no_code"


def test_reward_batch_ranks_by_error_and_paper_policy_normalises(reference_png):
    answers = [chart_answer([3, 5, 2, 4]), chart_answer([3, 5, 2, 5]), chart_answer([6, 1, 6, 1]), "no code"]
    release = reward_batch("chart", answers, reference_png, judge="test-tiles")
    s = [r.score for r in release]
    assert s[0] > s[1] > s[2] > s[3] == 0.0
    paper = score_verdicts("chart", [r.rendering for r in release], [r.verdict for r in release], policy="paper")
    assert paper[2].score == pytest.approx(1.0, abs=1e-6) and paper[0].score == pytest.approx(2.0)
    assert paper[1].score > paper[2].score and paper[3].score == 0.0 and paper[0].policy == "paper"


def test_reward_batch_judges_concurrently_with_the_lvlm_and_async_api(reference_png):
    svgs = [SVG_OK.replace("#c00", c) for c in ("#c00", "#00c", "#0c0", "#cc0", "#0cc", "#c0c")]
    with FakeOpenAI([CLEAN], delay=0.2) as server:
        opts = {"endpoint": server.url, "model": MODEL, "backoff": 0}
        results = reward_batch("svg", svgs, reference_png, judge="lvlm", judge_options=opts)
        assert server.max_in_flight >= 3  # judged at once, not one by one
        colours = [decode_images(b)[1][1][256, 256] for b in server.requests]
        assert {tuple(int(v) // 64 for v in c) for c in colours} == {(3, 0, 0), (0, 0, 3), (0, 3, 0), (3, 3, 0),
                                                                     (0, 3, 3), (3, 0, 3)}
        aresults = asyncio.run(areward_batch(["svg"] * 6, svgs, [reference_png] * 6, judge="lvlm",
                                             judge_options=opts, workers=3))
    assert [r.score for r in results] == [2.0] * 6 and [r.score for r in aresults] == [2.0] * 6
    assert all(r.policy == "release" and r.verdict.task == "svg" for r in results + aresults)


def test_judge_garbage_after_retries_scores_as_a_judge_fault(reference_png):
    with FakeOpenAI(["no idea", Reply(status=500)]) as server:
        result = reward("chart", chart_answer([3, 5, 2, 4]), reference_png, judge="lvlm",
                        judge_options={"endpoint": server.url, "model": MODEL, "backoff": 0, "retries": 2})
        assert server.count == 3
    assert not result.verdict.ok and result.score == 1.5
    assert result.extras()["judge_ok"] is False and result.extras()["judge_failure"] == "http_status"


def test_table_reward_uses_table_release():
    pytest.importorskip("visual_erm.render.table", reason="table renderer not present yet")
    from visual_erm.render import render

    ref = render("table", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>")
    with FakeOpenAI([json.dumps({"errors": [{"type": "numeric_error", "severity": 3, "description": "2 vs 3"}]})]) as s:
        result = reward("table", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>3</td></tr></table>",
                        ref.image, judge="lvlm", judge_options={"endpoint": s.url, "model": MODEL})
        assert max(decode_images(s.requests[0])[0][1].shape[:2]) <= 768
    assert result.policy == "table-release" and result.score == -3.0


def test_bad_arguments_are_errors():
    with pytest.raises(ValueError, match="references"):
        reward_batch("chart", ["a", "b"], ["r.png"], judge="test-tiles")
    with pytest.raises(ValueError, match="unknown task"):
        reward_batch("pie", ["a"], ["r.png"], judge="test-tiles")
    with pytest.raises(ValueError, match="backend"):
        reward_batch("chart", ["a"], ["r.png"], judge="test-tiles", backend="spark")
    assert reward_batch("chart", [], [], judge="test-tiles") == []


@pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="ray installed: the backend is the real one")
def test_ray_backend_without_ray_names_the_extra():
    with pytest.raises(RuntimeError, match=r"visual-erm\[ray\]"):
        reward_batch("chart", ["x"], ["r.png"], judge="test-tiles", backend="ray")


# ---- CLI ----

def test_cli_reward_json_and_table(reference_png, tmp_path):
    (tmp_path / "ref.png").write_bytes(reference_png)
    (tmp_path / "good.md").write_text(chart_answer([3, 5, 2, 4]))
    (tmp_path / "none.md").write_text("I refuse.")
    runner = CliRunner()
    res = runner.invoke(app, ["reward", "--task", "chart", "--ref", str(tmp_path / "ref.png"), str(tmp_path / "good.md"),
                              str(tmp_path / "none.md"), "--judge", "test-tiles", "--json",
                              "--report", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert [x["reward"] for x in lines] == [2.0, 0.0] and lines[1]["rendering"]["failure"] == "no_code"
    assert lines[0]["verdict"]["errors"] == [] and lines[0]["policy"] == "release"
    assert "data:image/png;base64," in (tmp_path / "r.html").read_text()
    bad = runner.invoke(app, ["reward", "--task", "chart", "--ref", str(tmp_path / "ref.png"), str(tmp_path / "good.md"),
                              "--policy", "nope"])
    assert bad.exit_code != 0 and "policy" in bad.output
