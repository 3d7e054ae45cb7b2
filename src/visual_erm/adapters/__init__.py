"""Thin adapters from RL frameworks (verl, TRL, OpenRLHF) to :func:`visual_erm.reward.reward_batch`.

Each framework module only translates its calling convention; the shared translation lives here:
which task an item is, where its reference image is, the text of a completion, and the fixed set of
numeric extras every framework can log. No framework is imported at module import time.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Mapping

from visual_erm.types import CATEGORIES, TASKS, FailureKind

# Every category of every task, so that logged extras have the same keys whatever the task mix of a batch.
ALL_CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(c for cats in CATEGORIES.values() for c in cats))

# Words in a dataset name that say which task it is (checked in order; first hit wins).
_SOURCE_HINTS: tuple[tuple[str, str], ...] = (
    ("svg", "svg"), ("table", "table"), ("tab", "table"), ("chart", "chart"), ("plot", "chart"), ("mimic", "chart"),
)

# Keys a reference image may hide under in an ``extra_info`` / label / dataset row (first present wins).
REFERENCE_KEYS: tuple[str, ...] = ("gt_img_path", "gt_image", "reference", "reference_image", "image_path", "image",
                                   "images")


def resolve_task(*, task: str | None = None, data_source: str | None = None, info: Mapping[str, Any] | None = None) -> str:
    """The task of one item: explicit ``task``, then ``info["task_type"|"task"|"category"]``, then words in ``data_source``.

    Raises ``ValueError`` when nothing names a task (a data-preparation bug, not a bad completion).
    """
    candidates = [task]
    if info:
        candidates += [info.get("task_type"), info.get("task"), info.get("category")]
    for cand in candidates:
        if isinstance(cand, str) and cand.lower() in TASKS:
            return cand.lower()
    source = (data_source or "").lower()
    if source in TASKS:
        return source
    for word, name in _SOURCE_HINTS:
        if word in source:
            return name
    raise ValueError(f"cannot tell the task of item (data_source={data_source!r}); set extra_info['task_type'] to one of "
                     f"{', '.join(TASKS)}")


def resolve_reference(value: Any, *, image_root: str | os.PathLike | None = None) -> Any:
    """Turn whatever a dataset stores for an image into something :func:`visual_erm.images.load_image` reads.

    Args:
        value: a path, encoded bytes, a ``data:`` URL, a base64 string, a ``{"bytes": ..., "path": ...}`` dict
            (Hugging Face / parquet image feature), a PIL image, an array, or a one-element list of those.
        image_root: folder that relative paths are resolved against (default: the current directory).
    """
    if isinstance(value, (list, tuple)) and value and not isinstance(value[0], (int, float)):
        value = value[0]
    if isinstance(value, Mapping):
        if value.get("bytes"):
            return bytes(value["bytes"])
        value = value.get("path")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        if value.startswith("data:"):
            return value
        path = value if os.path.isabs(value) or image_root is None else os.path.join(image_root, value)
        if os.path.exists(path):
            return path
        if len(value) > 256 and "/" not in value[:64]:  # a bare base64 payload, not a path
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:
                pass
        raise FileNotFoundError(f"reference image not found: {path}")
    if value is None:
        raise ValueError("no reference image given")
    return value


def reference_from(info: Mapping[str, Any] | None, fallback: Any = None, *, image_root: str | None = None) -> Any:
    """The reference of one item from the first of :data:`REFERENCE_KEYS` present in ``info``, else ``fallback``."""
    for key in REFERENCE_KEYS:
        if info and info.get(key) is not None:
            return resolve_reference(info[key], image_root=image_root)
    return resolve_reference(fallback, image_root=image_root)


def completion_text(completion: Any) -> str:
    """Text of a completion: a string, a chat message, or a list of messages (the last assistant turn)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        content = completion.get("content", "")
        if isinstance(content, list):  # multimodal parts: keep the text ones
            return "".join(p.get("text", "") for p in content if isinstance(p, Mapping))
        return str(content or "")
    if isinstance(completion, (list, tuple)):
        turns = [m for m in completion if isinstance(m, Mapping) and m.get("role", "assistant") == "assistant"]
        return completion_text(turns[-1]) if turns else ""
    return str(completion)


def parse_label(label: Any) -> dict[str, Any]:
    """An OpenRLHF-style label as a dict: a JSON object string, a dict, or a bare reference (path / data URL)."""
    if isinstance(label, Mapping):
        return dict(label)
    if isinstance(label, str) and label.lstrip().startswith("{"):
        return dict(json.loads(label))
    return {"gt_img_path": label}


def numeric_extras(result: Any) -> dict[str, float]:
    """A fixed set of numeric extras for one :class:`~visual_erm.reward.RewardResult`.

    Keys are the same for every item and task (frameworks stack them into arrays and average them):
    ``score``, ``rendered``, ``judge_ok``, ``severity_sum``, ``n_errors``, ``failure_<kind>`` (one-hot over
    :class:`FailureKind`, so the mean is the rate of each failure) and ``count_<category>`` for every category
    of every task (0 where a category does not apply).
    """
    rendering, verdict = result.rendering, result.verdict
    out: dict[str, float] = {
        "score": float(result.score),
        "rendered": float(bool(rendering.ok)),
        "judge_ok": float(verdict is not None and verdict.ok),
        "severity_sum": float(verdict.severity_sum if verdict is not None else 0),
        "n_errors": float(len(verdict.errors) if verdict is not None else 0),
    }
    failure = rendering.failure.value if rendering.failure is not None else None
    for kind in FailureKind:
        out[f"failure_{kind.value}"] = float(failure == kind.value)
    counts = verdict.counts if verdict is not None else {}
    for cat in ALL_CATEGORIES:
        out[f"count_{cat}"] = float(counts.get(cat, 0))
    return out


def reward_options(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword options of ``reward_batch`` that an adapter passes through (judge, policy, ...)."""
    keys = ("judge", "policy", "judge_options", "render_config", "workers", "backend")
    return {k: kwargs[k] for k in keys if k in kwargs and kwargs[k] is not None}


__all__ = ["ALL_CATEGORIES", "REFERENCE_KEYS", "completion_text", "numeric_extras", "parse_label", "reference_from",
           "resolve_reference", "resolve_task", "reward_options"]
