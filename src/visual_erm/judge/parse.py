"""Turn a judge model's reply into a Verdict without ever raising.

Real replies carry ``<think>`` blocks, code fences, prose around the JSON, trailing commas, single quotes, Python
literals, counts that disagree with the list, category aliases, severities out of range, and get cut off at the token
limit. Each of those is repaired here; what cannot be repaired becomes a typed failure (:class:`JudgeFailure`) stored in
``Verdict.parse_error`` as ``"<kind>: <detail>"``, which reward policies treat as a judge fault, never as a clean pass.
"""

from __future__ import annotations

import ast
import enum
import json
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from visual_erm.judge.schema import discrepancy_from_dict, find_errors_list
from visual_erm.types import CATEGORIES, Discrepancy, Verdict


class JudgeFailure(str, enum.Enum):
    """Why a judge produced no usable verdict. The value prefixes ``Verdict.parse_error``; users can grep for it."""

    EMPTY = "empty"                # nothing but whitespace / thinking
    NO_JSON = "no_json"            # no JSON object in the reply
    INVALID_JSON = "invalid_json"  # an object was there but could not be repaired
    SCHEMA = "schema"              # valid JSON without an errors list
    TRUNCATED = "truncated"        # cut off before any complete error item
    TIMEOUT = "timeout"            # transport: the server did not answer in time
    CONNECTION = "connection"      # transport: could not reach any endpoint
    HTTP_STATUS = "http_status"    # transport: non-2xx answer after retries
    BAD_RESPONSE = "bad_response"  # transport: 2xx answer that is not a chat completion
    INPUT = "input"                # the images could not be read
    CRASH = "crash"                # the judge raised (a bug); the batch goes on


def failure_message(kind: JudgeFailure, detail: str) -> str:
    """The ``parse_error`` string for a failure: ``"<kind>: <detail>"`` (detail cut to 300 characters)."""
    detail = " ".join(str(detail).split())
    return f"{kind.value}: {detail[:300]}"


def failure_kind(verdict: Verdict | None) -> JudgeFailure | None:
    """The :class:`JudgeFailure` of a failed verdict, or None for a usable one (or no verdict)."""
    if verdict is None or verdict.parse_error is None:
        return None
    head = verdict.parse_error.split(":", 1)[0].strip()
    try:
        return JudgeFailure(head)
    except ValueError:
        return JudgeFailure.INVALID_JSON


@dataclass
class ParseResult:
    """What :func:`parse_reply` found: the errors, or a failure, and notes on every repair it made."""

    errors: list[Discrepancy] = field(default_factory=list)
    failure: JudgeFailure | None = None
    detail: str = ""
    salvaged: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None


_THINK_CLOSED = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.S | re.I)
_THINK_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.I)
_THINK_END = re.compile(r"</(think|thinking|reasoning)>", re.I)
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n?(.*?)(?:```|\Z)", re.S)


def strip_thinking(text: str) -> str:
    """Drop ``<think>...</think>`` blocks; with only a closing tag, keep what follows it; an unclosed block is kept
    (a model cut off mid-thought may still have written the JSON there)."""
    text = _THINK_CLOSED.sub(" ", text)
    ends = list(_THINK_END.finditer(text))
    if ends:
        text = text[ends[-1].end():]
    return _THINK_OPEN.sub(" ", text)


def _scan_objects(text: str, opener: str = "{") -> list[tuple[int, int | None]]:
    """Top-level bracketed spans ``(start, end)`` outside strings; ``end`` is None for one left open (truncated)."""
    spans: list[tuple[int, int | None]] = []
    depth, start, quote, escape, record = 0, -1, "", False, False
    for i, ch in enumerate(text):
        if quote:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == quote:
                quote = ""
            elif ch == "\n" and quote == "'":
                quote = ""  # an apostrophe in prose, not a string
            continue
        if ch == '"' or (ch == "'" and depth > 0 and _opens_single_quote(text, i)):
            if depth > 0:
                quote = ch
            continue
        if ch in "{[":
            if depth == 0:
                record, start = ch == opener, i
            depth += 1
        elif ch in "}]" and depth > 0:
            depth -= 1
            if depth == 0 and record:
                spans.append((start, i + 1))
    if depth > 0 and record:
        spans.append((start, None))
    return spans


def _opens_single_quote(text: str, i: int) -> bool:
    # A single quote starts a string only where a JSON token may start (after { [ , : or whitespace after those).
    j = i - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    return j < 0 or text[j] in "{[,:"


_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_LINE_COMMENT = re.compile(r"(?m)^\s*//.*$|(?<=[,{\[])\s*//[^\n]*")


def _loads_lenient(text: str) -> Any:
    """``json.loads`` with repairs for trailing commas, comments, Python literals and single quotes; raises ValueError."""
    attempts = [text]
    fixed = _TRAILING_COMMA.sub(r"\1", _LINE_COMMENT.sub("", text))
    attempts.append(fixed)
    for candidate in attempts:
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            pass
    pyish = re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", re.sub(r"\bnull\b", "None", fixed)))
    try:
        with warnings.catch_warnings():  # model text is full of backslashes Python would warn about
            warnings.simplefilter("ignore")
            return ast.literal_eval(pyish)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        pass
    try:
        return json.loads(_single_to_double_quotes(fixed), strict=False)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


def _single_to_double_quotes(text: str) -> str:
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                out.append("'" if nxt == "'" else ch + nxt)
                i += 2
                continue
            if ch == quote and (quote == '"' or _closes_single_quote(text, i)):
                out.append('"')
                quote = ""
            elif ch == '"' and quote == "'":
                out.append('\\"')
            else:
                out.append(ch)
        elif ch in "'\"" and (ch == '"' or _opens_single_quote(text, i)):
            quote = ch
            out.append('"')
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _closes_single_quote(text: str, i: int) -> bool:
    j = i + 1
    while j < len(text) and text[j] in " \t\r\n":
        j += 1
    return j >= len(text) or text[j] in ",:}]"


def _json_candidates(text: str) -> list[tuple[str, bool]]:
    """Text spans that may hold the verdict, best first, as ``(span, complete)``.

    Fenced blocks come first (last fence first, since models revise), then top-level objects in the prose (last first),
    then a bare top-level list, then an object left open at the end (truncated).
    """
    found: list[tuple[str, bool]] = []
    fences = [m.group(2) for m in _FENCE.finditer(text) if m.group(1).lower() in ("", "json", "json5", "javascript", "js", "python")]
    for body in reversed(fences):
        for start, end in reversed(_scan_objects(body)):
            found.append((body[start:end] if end else body[start:], end is not None))
    spans = _scan_objects(text)
    for start, end in reversed(spans):
        found.append((text[start:end] if end else text[start:], end is not None))
    for start, end in reversed(_scan_objects(text, "[")):
        if end is not None:
            found.append((text[start:end], True))
    # complete spans before truncated ones, order kept otherwise
    return sorted(found, key=lambda c: not c[1])


def _salvage_items(text: str) -> list[Any]:
    """Complete ``{...}`` items of an ``errors`` array that was cut off; incomplete trailing items are dropped."""
    m = re.search(r"""["']?(errors|error_list|discrepancies|issues)["']?\s*:\s*\[""", text, re.I)
    if not m:
        return []
    items: list[Any] = []
    body = text[m.end():]
    for start, end in _scan_objects(body):
        if end is None:
            break
        try:
            items.append(_loads_lenient(body[start:end]))
        except ValueError:
            continue
    return items


def _has_count_fields(obj: dict[str, Any], task: str) -> bool:
    return any(f"{c}_count" in obj for c in CATEGORIES[task])


def parse_reply(text: Any, *, task: str) -> ParseResult:
    """Parse one judge reply into errors or a typed failure. Never raises.

    Args:
        text: the model's message content (anything; non-strings are a failure).
        task: chart, table or svg; decides the taxonomy that categories are mapped into.
    """
    if task not in CATEGORIES:
        return ParseResult(failure=JudgeFailure.INPUT, detail=f"unknown task {task!r}")
    if not isinstance(text, str):
        return ParseResult(failure=JudgeFailure.BAD_RESPONSE, detail=f"reply is {type(text).__name__}, not text")
    try:
        return _parse(text, task)
    except RecursionError:
        return ParseResult(failure=JudgeFailure.INVALID_JSON, detail="nesting too deep")
    except Exception as exc:  # the contract is "never raises": a parser bug must not kill a training step
        return ParseResult(failure=JudgeFailure.INVALID_JSON, detail=f"parser error {type(exc).__name__}: {exc}")


def _parse(text: str, task: str) -> ParseResult:
    body = strip_thinking(text).strip()
    if not body:
        return ParseResult(failure=JudgeFailure.EMPTY, detail="reply is empty" if not text.strip() else "only thinking")
    candidates = _json_candidates(body)
    if not candidates:
        return ParseResult(failure=JudgeFailure.NO_JSON, detail=body[:120])
    notes: list[str] = []
    first_error = ""
    saw_object = False
    for span, complete in candidates:
        if not complete:
            continue
        try:
            obj = _loads_lenient(span)
        except ValueError as exc:
            first_error = first_error or str(exc)
            continue
        saw_object = True
        items = obj if isinstance(obj, list) else find_errors_list(obj)
        if items is None:
            if isinstance(obj, dict) and _has_count_fields(obj, task) and not any(
                    _as_int(obj.get(f"{c}_count")) for c in CATEGORIES[task]):
                notes.append("no errors list; all counts are 0")
                return ParseResult(errors=[], notes=notes)
            continue
        if isinstance(obj, list) and obj and not all(isinstance(x, dict) for x in obj):
            continue
        return _build(items, task, notes, obj)
    truncated = [span for span, complete in candidates if not complete]
    if truncated:
        items = _salvage_items(truncated[0])
        if items:
            result = _build(items, task, notes + [f"truncated reply: kept {len(items)} complete item(s)"], None)
            result.salvaged = True
            return result
        return ParseResult(failure=JudgeFailure.TRUNCATED, detail="reply cut off before any complete error item")
    if saw_object:
        return ParseResult(failure=JudgeFailure.SCHEMA, detail="JSON without an 'errors' list")
    return ParseResult(failure=JudgeFailure.INVALID_JSON, detail=first_error or "unparsable JSON")


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _build(items: list[Any], task: str, notes: list[str], obj: Any) -> ParseResult:
    errors: list[Discrepancy] = []
    for item in items:
        disc, warning = discrepancy_from_dict(task, item)
        if warning:
            notes.append(warning)
        if disc is not None:
            errors.append(disc)
    if isinstance(obj, dict):
        claimed = {c: _as_int(obj.get(f"{c}_count")) for c in CATEGORIES[task] if f"{c}_count" in obj}
        actual = {c: sum(e.category == c for e in errors) for c in claimed}
        if claimed != actual:
            notes.append(f"counts {claimed} disagree with the list {actual}; the list wins")
    return ParseResult(errors=errors, notes=notes)


def parse_verdict(text: Any, *, task: str, judge: str = "lvlm", seconds: float = 0.0) -> Verdict:
    """A Verdict from one reply: errors when it parses (or was salvaged), else ``parse_error`` set. Never raises.

    Args:
        text: the model's message content.
        task: chart, table or svg.
        judge: name recorded on the Verdict.
        seconds: time the judge took, recorded on the Verdict.
    """
    result = parse_reply(text, task=task)
    raw = text if isinstance(text, str) else None
    if not result.ok:
        return Verdict(task=task if task in CATEGORIES else "chart", judge=judge, raw=raw, seconds=seconds,
                       parse_error=failure_message(result.failure, result.detail))
    return Verdict(task=task, errors=result.errors, judge=judge, raw=raw, seconds=seconds)
