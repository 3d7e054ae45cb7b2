"""One registry for every judge: embedded, LVLM and the scalar baselines are found by name."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any, Callable, Protocol, runtime_checkable

import numpy as np

from visual_erm.types import Verdict


@runtime_checkable
class Judge(Protocol):
    """Compares a reference image with a candidate rendering of the same task and returns a Verdict.

    Images are ``(H, W, 3)`` uint8 RGB arrays. A judge never raises for a bad answer from a model: it
    returns a Verdict with ``parse_error`` set. It raises only for programming errors.
    """

    name: str

    def judge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict: ...

    async def ajudge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict: ...


class BaseJudge:
    """Shared behaviour: an async entry point that runs the sync one in a thread."""

    name = "base"

    def judge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict:
        raise NotImplementedError

    async def ajudge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict:
        return await asyncio.to_thread(self.judge, reference, candidate, task=task)


JudgeFactory = Callable[..., Judge]
_REGISTRY: dict[str, JudgeFactory] = {}

# Where built-in judges live; imported on first use so unused judges cost nothing.
_BUILTIN_MODULES: dict[str, str] = {
    "embedded": "visual_erm.judge.embedded",
    "lvlm": "visual_erm.judge.lvlm",
    "ssim": "visual_erm.bench.baselines",
    "mse": "visual_erm.bench.baselines",
    "edge_iou": "visual_erm.bench.baselines",
    "ocr_f1": "visual_erm.bench.baselines",
    "teds": "visual_erm.bench.baselines",
    "teds_s": "visual_erm.bench.baselines",
}


def register_judge(name: str) -> Callable[[JudgeFactory], JudgeFactory]:
    """Decorator: register ``factory(**options) -> Judge`` under ``name``."""

    def decorate(factory: JudgeFactory) -> JudgeFactory:
        _REGISTRY[name] = factory
        return factory

    return decorate


def get_judge(name: str = "embedded", **options: Any) -> Judge:
    """Build the judge registered as ``name`` with keyword ``options``.

    Raises ``KeyError`` naming the known judges when ``name`` is unknown.
    """
    if name not in _REGISTRY and name in _BUILTIN_MODULES:
        importlib.import_module(_BUILTIN_MODULES[name])
    if name not in _REGISTRY:
        raise KeyError(f"unknown judge {name!r}; known: {', '.join(list_judges())}")
    return _REGISTRY[name](**options)


def list_judges() -> list[str]:
    """Names of all judges, registered or built in."""
    return sorted(set(_REGISTRY) | set(_BUILTIN_MODULES))
