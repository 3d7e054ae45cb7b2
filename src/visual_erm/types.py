"""The typed values every stage passes: what extract, render and judge hand to the next stage."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Task = Literal["chart", "svg", "table"]
TASKS: tuple[str, ...] = ("chart", "svg", "table")

# Per-task error taxonomy of Visual-ERM (the key is `type` for tables, `category` otherwise).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "chart": ("structure_error", "data_error", "text_error", "style_error"),
    "table": ("layout_error", "text_error", "numeric_error"),
    "svg": ("structure_error", "shape_error", "style_error", "text_symbol_error"),
}
CATEGORY_KEY: dict[str, str] = {"chart": "category", "table": "type", "svg": "category"}


def check_task(task: str) -> str:
    """Return ``task`` if it is one of :data:`TASKS`, else raise ``ValueError`` naming the choices."""
    if task not in CATEGORIES:
        raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")
    return task


class FailureKind(str, enum.Enum):
    """Why a rendering produced no usable image. Values are stable strings users can grep for."""

    NO_CODE = "no_code"
    SYNTAX = "syntax"
    RUNTIME = "runtime"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    FORBIDDEN = "forbidden"
    TOO_LARGE = "too_large"
    CRASH = "crash"
    BLANK = "blank"


@dataclass(frozen=True)
class Extraction:
    """Code taken out of a model's answer.

    ``code`` is None when the answer holds no code of the task's language (``how`` then says ``"none"``).
    ``language`` is the concrete language: python, svg, html, markdown or latex. ``how`` names the rule that
    matched (``fenced``, ``bare_svg``, ``bare_table``, ``pipe_table``, ``tabular``, ``whole_text``, ``none``).
    """

    task: str
    code: str | None
    language: str | None
    how: str

    @property
    def found(self) -> bool:
        return self.code is not None


@dataclass
class Rendering:
    """The outcome of rendering one program.

    ``image`` is an ``(H, W, 3)`` uint8 RGB array when ``ok``; otherwise None and ``failure`` says why.
    A uniform image comes back with ``ok=False``, ``failure=BLANK`` and the image kept for inspection.
    ``message`` is short: the last lines of the child's stderr or the reason for refusal.
    """

    ok: bool
    image: np.ndarray | None = None
    failure: FailureKind | None = None
    message: str = ""
    seconds: float = 0.0
    task: str = ""
    language: str | None = None

    @property
    def size(self) -> tuple[int, int] | None:
        """(width, height) of the image, or None."""
        if self.image is None:
            return None
        return int(self.image.shape[1]), int(self.image.shape[0])

    def summary(self) -> dict[str, Any]:
        """A JSON-ready dict without the pixels."""
        return {
            "ok": self.ok,
            "task": self.task,
            "language": self.language,
            "failure": self.failure.value if self.failure else None,
            "message": self.message,
            "size": list(self.size) if self.size else None,
            "seconds": round(self.seconds, 4),
        }

    @classmethod
    def failed(cls, failure: FailureKind, message: str = "", **kw: Any) -> "Rendering":
        return cls(ok=False, failure=failure, message=message, **kw)


@dataclass
class Discrepancy:
    """One visual difference between the reference and the candidate.

    ``category`` is one of ``CATEGORIES[task]``; ``severity`` is 1 (minor), 2 (hurts reading) or 3 (wrong or
    misleading). ``bbox`` is ``[x0, y0, x1, y1]`` in pixels of the candidate image, when known.
    """

    category: str
    severity: int
    description: str
    location: str = ""
    bbox: list[float] | None = None

    def to_dict(self, task: str, *, with_bbox: bool = True) -> dict[str, Any]:
        """The Visual-ERM layout: ``type`` for tables (no location, as the released schema), ``category`` otherwise."""
        out: dict[str, Any] = {CATEGORY_KEY[task]: self.category, "severity": int(self.severity)}
        if task != "table":
            out["location"] = self.location
        out["description"] = self.description
        if with_bbox and self.bbox is not None:
            out["bbox"] = [round(float(v), 1) for v in self.bbox]
        return out


@dataclass
class Verdict:
    """A judge's answer for one (reference, candidate) pair.

    ``score`` in [0, 1] is 1 for an equivalent rendering: ``1 / (1 + severity_sum / 10)`` unless a judge
    (a scalar baseline) sets it directly. ``parse_error`` is set, and ``ok`` is False, when the judge
    failed to produce a usable answer; reward policies treat that as a judge failure, not as a clean pass.
    """

    task: str
    errors: list[Discrepancy] = field(default_factory=list)
    judge: str = ""
    raw: str | None = None
    seconds: float = 0.0
    parse_error: str | None = None
    score_override: float | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.parse_error is None

    @property
    def severity_sum(self) -> int:
        return int(sum(int(e.severity) for e in self.errors))

    @property
    def counts(self) -> dict[str, int]:
        counts = {c: 0 for c in CATEGORIES[self.task]}
        for e in self.errors:
            counts[e.category] = counts.get(e.category, 0) + 1
        return counts

    @property
    def score(self) -> float:
        if self.score_override is not None:
            return float(self.score_override)
        return 1.0 / (1.0 + self.severity_sum / 10.0)

    def to_dict(self, *, with_bbox: bool = True) -> dict[str, Any]:
        """The Visual-ERM JSON object: ``<category>_count`` fields then ``errors``."""
        out: dict[str, Any] = {f"{c}_count": n for c, n in self.counts.items()}
        out["errors"] = [e.to_dict(self.task, with_bbox=with_bbox) for e in self.errors]
        return out
