"""The verdict schema round trip and the reply parser on clean, messy, truncated and garbage model output."""

from __future__ import annotations

import json
import random

import pytest

from visual_erm.judge.parse import JudgeFailure, failure_kind, parse_reply, parse_verdict, strip_thinking
from visual_erm.judge.prompts import build_prompt, example_verdict
from visual_erm.judge.schema import (json_schema, normalize_category, normalize_severity, verdict_from_dict,
                                     verdict_to_dict)
from visual_erm.types import CATEGORIES, CATEGORY_KEY, Discrepancy, Verdict

CHART_CLEAN = {
    "structure_error_count": 0, "data_error_count": 1, "text_error_count": 1, "style_error_count": 0,
    "errors": [
        {"category": "data_error", "severity": 3, "location": "third bar", "description": "The third bar is too tall."},
        {"category": "text_error", "severity": 1, "location": "title", "description": "Title says Sales not Revenue."},
    ],
}
TABLE_CLEAN = {
    "layout_error_count": 1, "text_error_count": 0, "numeric_error_count": 1,
    "errors": [
        {"type": "layout_error", "severity": 2, "description": "The header row is missing."},
        {"type": "numeric_error", "severity": 3, "description": "Row 2 total reads 15 instead of 51."},
    ],
}


# ---- schema round trip ----

@pytest.mark.parametrize("task,obj", [("chart", CHART_CLEAN), ("table", TABLE_CLEAN)])
def test_visual_erm_layout_round_trips_exactly(task, obj):
    verdict = verdict_from_dict(task, obj, judge="x")
    assert verdict_to_dict(verdict, with_bbox=False) == obj
    # and through text, the way a judge model would send it
    again = parse_verdict(json.dumps(obj), task=task)
    assert again.ok and verdict_to_dict(again, with_bbox=False) == obj


def test_table_uses_type_key_and_no_location_chart_svg_use_category():
    table = parse_verdict(json.dumps(TABLE_CLEAN), task="table").to_dict()
    assert all("type" in e and "category" not in e and "location" not in e for e in table["errors"])
    svg = Verdict(task="svg", errors=[Discrepancy("shape_error", 2, "Circle moved left.", "top left")]).to_dict()
    assert svg["errors"][0]["category"] == "shape_error" and svg["errors"][0]["location"] == "top left"
    assert set(svg) == {f"{c}_count" for c in CATEGORIES["svg"]} | {"errors"} and svg["shape_error_count"] == 1


def test_bbox_survives_round_trip():
    obj = {"errors": [{"category": "style_error", "severity": 1, "location": "legend", "description": "Blue not red.",
                       "bbox": [40, 10, 12.5, 30]}]}
    v = parse_verdict(json.dumps(obj), task="chart")
    assert v.errors[0].bbox == [12.5, 10.0, 40.0, 30.0]  # corners ordered
    assert v.to_dict()["errors"][0]["bbox"] == [12.5, 10.0, 40.0, 30.0]


@pytest.mark.parametrize("task", ["chart", "table", "svg"])
def test_json_schema_accepts_the_example_and_names_every_category(task):
    schema = json_schema(task)
    key = CATEGORY_KEY[task]
    item = schema["properties"]["errors"]["items"]
    assert item["properties"][key]["enum"] == list(CATEGORIES[task])
    assert set(schema["required"]) == {f"{c}_count" for c in CATEGORIES[task]} | {"errors"}
    assert ("location" in item["required"]) == (task != "table")
    example = example_verdict(task)
    assert set(example) == set(schema["properties"])
    assert set(example["errors"][0]) == set(item["required"])


@pytest.mark.parametrize("task", ["chart", "table", "svg"])
def test_prompt_asks_for_exactly_the_schema(task):
    prompt = build_prompt(task)
    assert prompt.index("first image") < prompt.index("second image")
    for cat in CATEGORIES[task]:
        assert f'"{cat}_count"' in prompt and cat in prompt
    assert f'"{CATEGORY_KEY[task]}"' in prompt
    assert ("location" in prompt) == (task != "table")


# ---- categories and severities ----

@pytest.mark.parametrize("task,raw,expected", [
    ("chart", "Data_Error", "data_error"), ("chart", "data", "data_error"), ("chart", "TEXT ERROR", "text_error"),
    ("chart", "Style Error", "style_error"), ("chart", "structural", "structure_error"),
    ("chart", "colour mismatch", "style_error"), ("chart", "chart type", "structure_error"),
    ("table", "numeric", "numeric_error"), ("table", "Numerical Error", "numeric_error"), ("table", "layout", "layout_error"),
    ("table", "content", "text_error"), ("svg", "Text/Symbol error", "text_symbol_error"),
    ("svg", "text_symbol", "text_symbol_error"), ("svg", "shape", "shape_error"), ("svg", "colour", "style_error"),
    ("chart", "banana", None), ("chart", "", None), ("chart", None, None),
])
def test_category_aliases_and_case(task, raw, expected):
    assert normalize_category(task, raw) == expected


@pytest.mark.parametrize("raw,expected", [(1, 1), (3, 3), (0, 1), (-2, 1), (5, 3), (2.6, 3), ("2", 2), ("severity: 3/3", 3),
                                          ("minor", 1), ("Major", 2), ("critical", 3), ("n/a", None), (None, None),
                                          (True, None), (float("nan"), None)])
def test_severity_clamped_and_words_read(raw, expected):
    assert normalize_severity(raw) == expected


# ---- messy replies ----

def _one(task="chart", **extra):
    item = {"category": "data_error", "severity": 2, "location": "line", "description": "Line ends lower."}
    item.update(extra)
    return item


def test_think_block_fence_and_prose_around():
    text = ("<think>The second bar... maybe {\"errors\": []}? No.</think>\nSure! Here is the comparison:\n"
            "```json\n" + json.dumps({"errors": [_one()]}) + "\n```\nLet me know if you need more.")
    v = parse_verdict(text, task="chart")
    assert v.ok and [e.description for e in v.errors] == ["Line ends lower."]


def test_last_fenced_block_wins_when_model_revises():
    first = json.dumps({"errors": [_one(), _one()]})
    second = json.dumps({"errors": [_one(description="Only this.")]})
    v = parse_verdict(f"Draft:\n```json\n{first}\n```\nCorrected:\n```json\n{second}\n```", task="chart")
    assert [e.description for e in v.errors] == ["Only this."]


def test_trailing_commas_single_quotes_comments_and_python_literals():
    text = """{'data_error_count': 1, 'errors': [
        // the main problem
        {'category': 'data_error', 'severity': 2, 'location': 'bar 2', 'description': "The bar's height is 40, not 25.",},
    ], 'valid': True, 'note': None,}"""
    v = parse_verdict(text, task="chart")
    assert v.ok and len(v.errors) == 1
    assert v.errors[0].description == "The bar's height is 40, not 25." and v.errors[0].location == "bar 2"


def test_counts_that_disagree_with_the_list_lose():
    obj = {"structure_error_count": 3, "data_error_count": 0, "text_error_count": 0, "style_error_count": 0,
           "errors": [_one(category="text_error")]}
    result = parse_reply(json.dumps(obj), task="chart")
    assert result.ok and [e.category for e in result.errors] == ["text_error"]
    assert any("disagree" in n for n in result.notes)
    assert parse_verdict(json.dumps(obj), task="chart").counts == {"structure_error": 0, "data_error": 0,
                                                                   "text_error": 1, "style_error": 0}


def test_out_of_range_severity_is_clamped_and_unknown_category_kept():
    obj = {"errors": [_one(severity=7), _one(severity=0), _one(category="weird stuff", severity=2)]}
    result = parse_reply(json.dumps(obj), task="chart")
    assert [e.severity for e in result.errors] == [3, 1, 2]
    assert all(e.category in CATEGORIES["chart"] for e in result.errors)
    assert any("unknown category" in n for n in result.notes)


def test_table_reply_with_category_key_and_aliases():
    obj = {"errors": [{"category": "Numeric", "severity": "3", "description": "12 vs 21"},
                      {"type": "Layout Error", "severity": 2, "description": "Column swapped"}]}
    v = parse_verdict(json.dumps(obj), task="table")
    assert [(e.category, e.severity) for e in v.errors] == [("numeric_error", 3), ("layout_error", 2)]


def test_truncated_reply_salvages_complete_items():
    full = json.dumps({"data_error_count": 3, "errors": [_one(description="A."), _one(description="B."),
                                                         _one(description="C.")]})
    cut = full[: full.index("C.")]
    result = parse_reply("```json\n" + cut, task="chart")
    assert result.ok and result.salvaged
    assert [e.description for e in result.errors] == ["A.", "B."]


def test_truncated_before_any_item_is_a_typed_failure_not_a_clean_pass():
    v = parse_verdict('{"data_error_count": 2, "errors": [{"category": "data_err', task="chart")
    assert not v.ok and failure_kind(v) is JudgeFailure.TRUNCATED and v.errors == []


def test_only_counts_all_zero_means_equivalent():
    obj = {f"{c}_count": 0 for c in CATEGORIES["svg"]}
    v = parse_verdict(json.dumps(obj), task="svg")
    assert v.ok and v.errors == [] and v.score == 1.0


def test_bare_list_and_wrapped_object_are_read():
    assert len(parse_verdict(json.dumps([_one(), _one()]), task="chart").errors) == 2
    assert len(parse_verdict(json.dumps({"result": {"errors": [_one()]}}), task="chart").errors) == 1


def test_unclosed_think_block_still_finds_the_json():
    v = parse_verdict("<think>I compare them. " + json.dumps({"errors": [_one()]}), task="chart")
    assert v.ok and len(v.errors) == 1


@pytest.mark.parametrize("text,kind", [
    ("", JudgeFailure.EMPTY), ("   \n", JudgeFailure.EMPTY), ("<think>hmm</think>", JudgeFailure.EMPTY),
    ("The images look the same to me.", JudgeFailure.NO_JSON),
    ('{"verdict": "equivalent"}', JudgeFailure.SCHEMA),
    ("{this is :: not json at all}", JudgeFailure.INVALID_JSON),
    ('{"errors": "none"}', JudgeFailure.SCHEMA),
])
def test_garbage_gives_typed_failures(text, kind):
    v = parse_verdict(text, task="chart")
    assert not v.ok and failure_kind(v) is kind and v.parse_error.startswith(kind.value + ":")
    assert v.raw == text


def test_non_string_and_unknown_task_do_not_raise():
    assert failure_kind(parse_verdict(None, task="chart")) is JudgeFailure.BAD_RESPONSE
    assert failure_kind(parse_verdict(b"{}", task="chart")) is JudgeFailure.BAD_RESPONSE
    assert parse_reply('{"errors": []}', task="pie").failure is JudgeFailure.INPUT


def test_parser_never_raises_on_random_garbage():
    rng = random.Random(7)
    alphabet = list('{}[]":,\'\\ \nabc123<>/`think') + ["```json", "<think>", "</think>", '"errors"', "null", "True"]
    base = json.dumps({"errors": [_one(), _one(category="style")]})
    for i in range(400):
        if i % 2:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        else:  # mutate a valid reply: cut, splice and duplicate
            cut = rng.randint(0, len(base))
            text = base[:cut] + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5))) + base[rng.randint(0, cut):]
        v = parse_verdict(text, task=rng.choice(["chart", "table", "svg"]))
        assert isinstance(v, Verdict)
        assert v.ok or v.parse_error
        assert all(1 <= e.severity <= 3 and e.category in CATEGORIES[v.task] for e in v.errors)


def test_deep_nesting_is_a_failure_not_a_crash():
    v = parse_verdict("[" * 5000 + "]" * 5000, task="chart")
    assert isinstance(v, Verdict)


def test_strip_thinking_keeps_text_after_closing_tag():
    assert strip_thinking("<think>a</think>B").strip() == "B"
    assert strip_thinking("reasoning without open tag</think>{}").strip() == "{}"
