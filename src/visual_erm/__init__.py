"""visual-erm: visual equivalence as a reward for vision-to-code models.

Pipeline: extract (code from an answer) -> render (sandboxed) -> judge (embedded or LVLM) -> reward (policy).
Public names are imported lazily so that ``import visual_erm`` stays cheap in trainer processes.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Task": "visual_erm.types",
    "TASKS": "visual_erm.types",
    "CATEGORIES": "visual_erm.types",
    "FailureKind": "visual_erm.types",
    "Extraction": "visual_erm.types",
    "Rendering": "visual_erm.types",
    "Discrepancy": "visual_erm.types",
    "Verdict": "visual_erm.types",
    "extract": "visual_erm.extract",
    "render": "visual_erm.render",
    "render_code": "visual_erm.render",
    "render_many": "visual_erm.render",
    "get_judge": "visual_erm.judge",
    "list_judges": "visual_erm.judge",
    "reward": "visual_erm.reward",
    "reward_batch": "visual_erm.reward",
    "areward_batch": "visual_erm.reward",
    "score_verdicts": "visual_erm.reward",
    "RewardResult": "visual_erm.reward",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'visual_erm' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
