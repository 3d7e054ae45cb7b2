"""Judge prompts, one per task, asking for exactly the Visual-ERM verdict layout.

The user turn carries the reference image first and the rendering second, then this text. The wording is ours; the
layout (keys, category names, ``*_count`` fields, severity 1-3) is the one the released checkpoint was trained on, so
``internlm/Visual-ERM`` and general vision LLMs both answer in a form :mod:`visual_erm.judge.parse` reads.
"""

from __future__ import annotations

import json

from visual_erm.types import CATEGORIES, CATEGORY_KEY, check_task

_SUBJECT = {
    "chart": ("a chart", "a chart produced by running matplotlib code written to reproduce it"),
    "table": ("a table", "a table produced by rendering HTML/Markdown/LaTeX written to reproduce it"),
    "svg": ("an SVG graphic", "a graphic produced by rasterising SVG code written to reproduce it"),
}

_DEFINITIONS = {
    "chart": {
        "structure_error": "chart type, number or arrangement of subplots, shared or twin axes, overall composition",
        "data_error": "plotted values and geometry, missing or extra series or points, wrong trend, axis limits and scales",
        "text_error": "titles, axis labels, tick labels, legend entries, annotations: missing, extra, changed or overlapping",
        "style_error": "colours, markers, line styles and widths, grid, background, legend placement",
    },
    "table": {
        "layout_error": "rows or columns missing, extra or swapped; merged cells; header structure; alignment and rules",
        "text_error": "cell or header text that is missing, extra or changed (not numbers)",
        "numeric_error": "numbers that are missing, extra or changed, including signs, decimals and units",
    },
    "svg": {
        "structure_error": "elements missing or extra, wrong grouping, layering or arrangement of the parts",
        "shape_error": "shapes moved, resized, rotated or deformed; wrong path geometry",
        "style_error": "fill and stroke colours, stroke widths, opacity, gradients",
        "text_symbol_error": "text, numbers, letters and symbols: missing, extra or changed",
    },
}

_SEVERITY = (
    "Severity: 1 = minor or purely aesthetic; 2 = hurts reading or would need a manual fix; "
    "3 = wrong or misleading (wrong type, missing part, wrong values, reversed trend, wrong scale)."
)


def example_verdict(task: str) -> dict:
    """An example object in the exact layout for ``task`` (one error), shown to the model in the prompt."""
    check_task(task)
    key = CATEGORY_KEY[task]
    first = CATEGORIES[task][1]
    error = {key: first, "severity": 2}
    if task != "table":
        error["location"] = "<where in the image>"
    error["description"] = "<one sentence: what differs from the reference>"
    out = {f"{c}_count": int(c == first) for c in CATEGORIES[task]}
    out["errors"] = [error]
    return out


def build_prompt(task: str) -> str:
    """The instruction text for one judgement of ``task`` (chart, table or svg)."""
    check_task(task)
    what, rendering = _SUBJECT[task]
    key = CATEGORY_KEY[task]
    defs = "\n".join(f"- {c}: {d}" for c, d in _DEFINITIONS[task].items())
    fields = f"{key}, severity, location, description" if task != "table" else f"{key}, severity, description"
    return (
        f"The first image is the reference: {what}. The second image is {rendering}.\n"
        "Compare the second image with the first in visual terms only and list every visible discrepancy.\n\n"
        f"Error categories (field \"{key}\"):\n{defs}\n\n"
        f"{_SEVERITY}\n"
        "Ignore differences that do not change what a reader sees: resolution or overall scale, anti-aliasing, "
        "compression noise, a few pixels of margin.\n\n"
        "Answer with one JSON object and nothing else. It has one integer field \"<category>_count\" per category "
        "(equal to the number of listed errors of that category) and a list \"errors\"; each error has the fields "
        f"{fields}. If the images are equivalent, every count is 0 and \"errors\" is [].\n"
        f"Example of the layout:\n{json.dumps(example_verdict(task), indent=2)}"
    )
