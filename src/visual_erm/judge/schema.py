"""The Visual-ERM verdict layout: JSON object <-> Verdict, category aliases, and a JSON schema per task.

The layout (one object per judgement) is ``{"<category>_count": n, ..., "errors": [...]}`` with each error keyed by
``category`` (chart, svg) or ``type`` (table), plus ``severity`` (1-3), ``location`` (not for tables) and
``description``. We add an optional ``bbox`` ``[x0, y0, x1, y1]`` in candidate pixels.
"""

from __future__ import annotations

import re
from typing import Any

from visual_erm.types import CATEGORIES, CATEGORY_KEY, Discrepancy, Verdict, check_task

SEVERITY_MIN, SEVERITY_MAX = 1, 3

# Words models use for a category, per task; matched after lower-casing and dropping "error(s)", separators and case.
_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "chart": {
        "structure_error": ("structure", "structural", "layout", "chart type", "charttype", "type", "subplot", "subplots",
                            "arrangement", "composition"),
        "data_error": ("data", "value", "values", "numeric", "numerical", "number", "series", "geometry", "scale",
                       "axis range", "content"),
        "text_error": ("text", "textual", "label", "labels", "title", "legend", "annotation", "tick", "font", "ocr",
                       "typography"),
        "style_error": ("style", "styling", "stylistic", "color", "colour", "visual style", "appearance", "aesthetic",
                        "format", "formatting", "marker", "line style", "grid"),
    },
    "table": {
        "layout_error": ("layout", "structure", "structural", "format", "formatting", "style", "merge", "merged cell",
                         "span", "row", "column", "alignment", "header structure"),
        "text_error": ("text", "textual", "content", "cell text", "spelling", "typo", "ocr", "string"),
        "numeric_error": ("numeric", "numerical", "number", "numbers", "value", "values", "data", "digit", "math"),
    },
    "svg": {
        "structure_error": ("structure", "structural", "layout", "composition", "arrangement", "missing element",
                            "element", "hierarchy"),
        "shape_error": ("shape", "shapes", "geometry", "geometric", "path", "position", "size", "data"),
        "style_error": ("style", "styling", "color", "colour", "fill", "stroke", "appearance", "visual style"),
        "text_symbol_error": ("text symbol", "textsymbol", "text", "symbol", "symbols", "text and symbol", "glyph",
                              "label", "icon text"),
    },
}

# Where an item whose category we cannot place goes: the broadest category of the task (kept, so its severity counts).
FALLBACK_CATEGORY: dict[str, str] = {"chart": "data_error", "table": "text_error", "svg": "shape_error"}

_SEVERITY_WORDS = {
    "minor": 1, "low": 1, "small": 1, "slight": 1, "trivial": 1, "cosmetic": 1,
    "moderate": 2, "medium": 2, "major": 2, "significant": 2, "noticeable": 2,
    "high": 3, "severe": 3, "critical": 3, "serious": 3, "fatal": 3, "wrong": 3,
}


def _squash(text: str) -> str:
    s = re.sub(r"[\s_\-/&]+", " ", str(text).strip().lower())
    s = re.sub(r"\b(errors?|issues?|mismatch(es)?|problems?|discrepanc(y|ies))\b", " ", s)
    s = re.sub(r"\band\b", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def normalize_category(task: str, raw: Any) -> str | None:
    """Map a model's category word to one of ``CATEGORIES[task]``, or None when it names none of them.

    Args:
        task: chart, table or svg.
        raw: what the model wrote, e.g. ``"Data_Error"``, ``"data"``, ``"Text/Symbol error"``, ``"numeric"``.
            Exact keys win; then aliases; then an alias contained in a longer phrase (the longest alias wins).
    """
    if raw is None:
        return None
    cats = CATEGORIES[check_task(task)]
    text = str(raw).strip().lower().replace("-", "_").replace(" ", "_")
    if text in cats:
        return text
    if f"{text}_error" in cats:
        return f"{text}_error"
    key = _squash(raw)
    if not key:
        return None
    for cat in cats:
        if key == _squash(cat):
            return cat
    aliases = _ALIASES[task]
    for cat, words in aliases.items():
        if key in words:
            return cat
    best: tuple[int, str] | None = None
    for cat, words in aliases.items():
        for w in (_squash(cat), *words):
            if w and re.search(rf"\b{re.escape(w)}\b", key) and (best is None or len(w) > best[0]):
                best = (len(w), cat)
    return best[1] if best else None


def normalize_severity(raw: Any) -> int | None:
    """Severity as an int clamped to 1-3; words like ``minor``/``major``/``critical`` are understood; None if unreadable."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw).strip().lower()
        m = re.search(r"-?\d+(\.\d+)?", text)
        if m:
            value = float(m.group(0))
        else:
            for word, sev in _SEVERITY_WORDS.items():
                if word in text:
                    return sev
            return None
    if value != value:  # NaN
        return None
    return int(min(SEVERITY_MAX, max(SEVERITY_MIN, round(value))))


def _bbox(raw: Any) -> list[float] | None:
    if isinstance(raw, dict):
        raw = [raw.get(k) for k in ("x0", "y0", "x1", "y1")]
    if not isinstance(raw, (list, tuple)) or len(raw) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in raw)
    except (TypeError, ValueError):
        return None
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def _first(item: dict[str, Any], *keys: str) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in item.items()}
    for k in keys:
        if k in lowered and lowered[k] not in (None, ""):
            return lowered[k]
    return None


def discrepancy_from_dict(task: str, item: Any, *, default_severity: int = 2) -> tuple[Discrepancy | None, str | None]:
    """One error object -> ``(Discrepancy, warning)``; ``(None, reason)`` for an item that is not an error at all.

    Args:
        task: chart, table or svg; decides the key (``type`` for tables, ``category`` otherwise), but either key is read.
        item: the decoded JSON object of one error.
        default_severity: used when the severity is missing or unreadable (a warning says so).
    """
    if isinstance(item, str) and item.strip():
        return Discrepancy(category=FALLBACK_CATEGORY[task], severity=default_severity,
                           description=item.strip()), "error given as a bare string"
    if not isinstance(item, dict):
        return None, f"skipped a non-object error item: {type(item).__name__}"
    warnings: list[str] = []
    raw_cat = _first(item, CATEGORY_KEY[task], "category", "type", "error_type", "kind", "class")
    category = normalize_category(task, raw_cat)
    description = _first(item, "description", "desc", "detail", "details", "explanation", "reason", "message")
    location = _first(item, "location", "position", "where", "region", "element")
    if category is None:
        category = normalize_category(task, description) if raw_cat is None else None
        category = category or FALLBACK_CATEGORY[task]
        warnings.append(f"unknown category {raw_cat!r} -> {category}")
    raw_sev = _first(item, "severity", "level", "score", "weight")
    severity = normalize_severity(raw_sev)
    if severity is None:
        severity = default_severity
        warnings.append(f"unreadable severity {raw_sev!r} -> {default_severity}")
    elif not (isinstance(raw_sev, int) and SEVERITY_MIN <= raw_sev <= SEVERITY_MAX):
        if str(raw_sev).strip() != str(severity):
            warnings.append(f"severity {raw_sev!r} -> {severity}")
    if description is None and location is None and raw_cat is None:
        return None, "skipped an error item with no category, location or description"
    disc = Discrepancy(
        category=category,
        severity=severity,
        description=str(description or "").strip(),
        location=str(location or "").strip() if not isinstance(location, (list, dict)) else str(location),
        bbox=_bbox(_first(item, "bbox", "box", "bbox_2d", "bounding_box")),
    )
    return disc, "; ".join(warnings) or None


def verdict_from_dict(task: str, obj: dict[str, Any], *, judge: str = "", raw: str | None = None) -> Verdict:
    """A Visual-ERM JSON object -> Verdict. The ``errors`` list is trusted over the ``*_count`` fields.

    Args:
        task: chart, table or svg.
        obj: the decoded object; a bare list is taken as the errors list.
        judge: the judge name recorded on the Verdict.
        raw: the text the object came from, kept on the Verdict.
    Raises ``ValueError`` when ``obj`` holds no errors list at all (use :mod:`visual_erm.judge.parse` for model text).
    """
    check_task(task)
    errors_raw = obj if isinstance(obj, list) else find_errors_list(obj)
    if errors_raw is None:
        raise ValueError("object has no 'errors' list")
    errors = [d for d, _ in (discrepancy_from_dict(task, it) for it in errors_raw) if d is not None]
    return Verdict(task=task, errors=errors, judge=judge, raw=raw)


_LIST_KEYS = ("errors", "error_list", "discrepancies", "differences", "issues", "error")


def find_errors_list(obj: Any) -> list[Any] | None:
    """The errors list of a decoded object (``errors`` or a common synonym, any case), or None."""
    if not isinstance(obj, dict):
        return None
    lowered = {str(k).strip().lower(): v for k, v in obj.items()}
    for key in _LIST_KEYS:
        if isinstance(lowered.get(key), list):
            return lowered[key]
    for value in obj.values():  # one level of wrapping: {"result": {"errors": [...]}}
        if isinstance(value, dict):
            found = find_errors_list(value)
            if found is not None:
                return found
    return None


def verdict_to_dict(verdict: Verdict, *, with_bbox: bool = True) -> dict[str, Any]:
    """The Visual-ERM JSON object of a Verdict (counts recomputed from the list, so they always agree)."""
    return verdict.to_dict(with_bbox=with_bbox)


def json_schema(task: str, *, with_bbox: bool = False, max_errors: int = 32) -> dict[str, Any]:
    """JSON schema of the verdict object for constrained decoding (vLLM ``structured_outputs``, ``response_format``).

    Args:
        task: chart, table or svg; sets the category enum and key.
        with_bbox: also allow a ``bbox`` of four numbers per error (the released checkpoint never emits one).
        max_errors: upper bound on the list, so a looping decoder stops.
    """
    check_task(task)
    key = CATEGORY_KEY[task]
    props: dict[str, Any] = {
        key: {"type": "string", "enum": list(CATEGORIES[task])},
        "severity": {"type": "integer", "minimum": SEVERITY_MIN, "maximum": SEVERITY_MAX},
    }
    required = [key, "severity"]
    if task != "table":
        props["location"] = {"type": "string"}
        required.append("location")
    props["description"] = {"type": "string"}
    required.append("description")
    if with_bbox:
        props["bbox"] = {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}
    top: dict[str, Any] = {f"{c}_count": {"type": "integer", "minimum": 0} for c in CATEGORIES[task]}
    top["errors"] = {
        "type": "array",
        "maxItems": max_errors,
        "items": {"type": "object", "properties": props, "required": required, "additionalProperties": False},
    }
    return {
        "type": "object",
        "properties": top,
        "required": [*(f"{c}_count" for c in CATEGORIES[task]), "errors"],
        "additionalProperties": False,
    }
