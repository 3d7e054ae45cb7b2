"""Code out of a model's answer: the last fenced block of the task's language, then documented fallbacks."""

from __future__ import annotations

import re

from visual_erm.types import Extraction, check_task

_FENCE = re.compile(r"(?P<fence>```+|~~~+)[ \t]*(?P<lang>[^\n`]*)\n(?P<body>.*?)(?:\n[ \t]*(?P=fence)[ \t]*(?:\n|$)|\Z)", re.S)

# Fence labels accepted per language, lower-case.
_LABELS = {
    "python": {"python", "py", "python3", "matplotlib"},
    "svg": {"svg", "xml", "html+svg", "image/svg+xml"},
    "html": {"html", "htm", "xhtml"},
    "markdown": {"markdown", "md", "gfm"},
    "latex": {"latex", "tex", "tabular"},
}
_TASK_LANGUAGES = {"chart": ("python",), "svg": ("svg",), "table": ("html", "markdown", "latex")}

_SVG_OPEN = re.compile(r"<svg[\s>]", re.I)
_TABLE_HTML = re.compile(r"<table[\s>].*?(?:</table\s*>|\Z)", re.I | re.S)
_TABULAR = re.compile(
    r"\\begin\{(table\*?|tabular[x*]?|longtable|tabulary|array)\}.*?(?:\\end\{\1\}|\Z)", re.S
)
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PY_HINTS = re.compile(r"^\s*(import |from \S+ import |plt\.|fig|ax\b|ax\.|def |for |with |[A-Za-z_]\w*\s*=)", re.M)


def extract(task: str, text: str, *, language: str | None = None) -> Extraction:
    """Take the code to render out of a model's answer.

    Args:
        task: ``chart`` (Python), ``svg`` or ``table`` (HTML, Markdown or LaTeX).
        text: the model's whole answer, or bare code.
        language: for tables, force ``html``, ``markdown`` or ``latex``; ``None`` detects it.

    Returns an :class:`Extraction`; ``code`` is None when nothing renderable was found (an outcome, not an error).
    Rules, in order: the last fenced block labelled with the language; for SVG a bare ``<svg …>`` (a missing
    ``</svg>`` is closed); for tables a bare ``<table>``, ``\\begin{tabular}`` or a Markdown pipe table; the last
    unlabelled fenced block; the whole text when it plainly is code.
    """
    check_task(task)
    text = text or ""
    languages = (language,) if language else _TASK_LANGUAGES[task]
    blocks = [(m.group("lang").strip().lower(), m.group("body")) for m in _FENCE.finditer(text)]

    for label, body in reversed(blocks):
        for lang in languages:
            if label in _LABELS[lang] and body.strip():
                return _finish(task, lang, body, "fenced")

    if task == "svg":
        found = _bare_svg(text)
        if found:
            return Extraction(task, found, "svg", "bare_svg")
    if task == "table":
        found = _bare_table(text, languages)
        if found:
            return found

    for label, body in reversed(blocks):
        if not label and body.strip():
            lang = _detect_language(task, body, languages)
            if lang:
                return _finish(task, lang, body, "fenced")

    if not blocks:
        lang = _detect_language(task, text, languages)
        if lang == "python" and _looks_like_python(text):
            return Extraction(task, text.strip() + "\n", "python", "whole_text")
    return Extraction(task, None, None, "none")


def _finish(task: str, lang: str, body: str, how: str) -> Extraction:
    if lang == "svg":
        svg = _bare_svg(body)
        if svg:
            return Extraction(task, svg, "svg", how)
    if lang == "markdown" and _TABLE_HTML.search(body) and not _has_pipe_table(body):
        # "Table-to-Markdown" answers are often HTML in practice.
        return Extraction(task, body.strip(), "html", how)
    return Extraction(task, body.strip("\n") + "\n", lang, how)


def _bare_svg(text: str) -> str | None:
    m = _SVG_OPEN.search(text)
    if not m:
        return None
    start = m.start()
    # A DOCTYPE before the root stays attached, so the renderer can refuse its entities instead of seeing them undefined.
    doctype = text.upper().rfind("<!DOCTYPE", 0, start)
    if doctype >= 0:
        start = doctype
    end = text.lower().rfind("</svg>")
    if end < start:
        return text[start:].rstrip().rstrip("`").rstrip() + "\n</svg>\n"
    return text[start : end + len("</svg>")] + "\n"


def _bare_table(text: str, languages: tuple[str, ...]) -> Extraction | None:
    if "html" in languages:
        matches = list(_TABLE_HTML.finditer(text))
        if matches:
            start, end = matches[0].start(), matches[-1].end()
            return Extraction("table", text[start:end].strip() + "\n", "html", "bare_table")
    if "latex" in languages:
        matches = list(_TABULAR.finditer(text))
        if matches:
            return Extraction("table", matches[-1].group(0).strip() + "\n", "latex", "tabular")
    if "markdown" in languages:
        table = _pipe_table(text)
        if table:
            return Extraction("table", table, "markdown", "pipe_table")
    return None


def _has_pipe_table(text: str) -> bool:
    return _pipe_table(text) is not None


def _pipe_table(text: str) -> str | None:
    lines = text.splitlines()
    best: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and _PIPE_ROW.match(lines[i]) and _PIPE_RULE.match(lines[i + 1]):
            j = i + 2
            while j < len(lines) and _PIPE_ROW.match(lines[j]):
                j += 1
            best = lines[i:j]
            i = j
        else:
            i += 1
    return "\n".join(best) + "\n" if best else None


def _detect_language(task: str, body: str, languages: tuple[str, ...]) -> str | None:
    if task == "chart":
        return "python"
    if task == "svg":
        return "svg" if _SVG_OPEN.search(body) else None
    if "html" in languages and _TABLE_HTML.search(body):
        return "html"
    if "latex" in languages and _TABULAR.search(body):
        return "latex"
    if "markdown" in languages and _has_pipe_table(body):
        return "markdown"
    return None


def _looks_like_python(text: str) -> bool:
    """Code-shaped (imports, assignments, plt calls) or at least valid Python that is not a lone word or sentence."""
    if _PY_HINTS.search(text):
        return True
    try:
        compile(text, "<answer>", "exec")
    except (SyntaxError, ValueError):
        return False
    return "\n" in text.strip() or "(" in text
