"""The per-task comparer interface of the embedded judge.

A comparer turns one image into an :class:`Analysis` (pure, cacheable: the reference of a GRPO group is analysed
once) and compares a reference analysis with a candidate analysis into a list of discrepancies. The judge in
``__init__`` owns caching, dispatch, timing and the Verdict; a comparer owns only what its task needs.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

import numpy as np

from visual_erm.types import Discrepancy


@dataclass(frozen=True)
class EmbeddedConfig:
    """Options shared by every comparer (one home for the embedded judge's configuration).

    Args:
        work_side: longest side, in px, of the frame images are compared in; larger is slower and pickier.
        ocr: ``"rapidocr"`` (models inside the wheel), ``"tesseract"`` (Debian binary) or ``"none"`` (no text checks).
        ocr_threads: intra-op threads of onnxruntime; 1 is fastest on small crops and leaves cores to other judges.
        disabled: names of detectors to switch off (see each comparer's ``detectors``); unknown names are ignored.
        max_errors: at most this many discrepancies are returned, most severe first.
    """

    work_side: int = 640
    ocr: str = "rapidocr"
    ocr_threads: int = 1
    disabled: frozenset[str] = frozenset()
    max_errors: int = 12

    def enabled(self, detector: str) -> bool:
        return detector not in self.disabled


@dataclass
class Analysis:
    """What a comparer knows about one image.

    ``image`` is the input as ``(H, W, 3)`` uint8 RGB; ``key`` its content hash. ``features`` holds what
    ``analyse`` computed eagerly; :meth:`lazy` computes expensive features (full-image OCR) on first use and keeps
    them, so a cached reference pays once and a candidate pays only if a detector asks.
    """

    task: str
    image: np.ndarray
    key: str
    features: dict[str, Any] = field(default_factory=dict)
    # features computed on first access by ``analysis[name]`` (what a reference always needs and a candidate
    # seldom does: paid once for a cached reference, and by a candidate only if asked)
    deferred: dict[str, Callable[[], Any]] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)  # lazy may nest

    def __getitem__(self, name: str) -> Any:
        if name not in self.features and name in self.deferred:
            return self.lazy(name, self.deferred[name])
        return self.features[name]

    def get(self, name: str, default: Any = None) -> Any:
        if name not in self.features and name in self.deferred:
            return self[name]
        return self.features.get(name, default)

    def lazy(self, name: str, compute: Callable[[], Any]) -> Any:
        """Return feature ``name``, computing it with ``compute()`` once (thread-safe)."""
        if name in self.features:
            return self.features[name]
        with self._lock:
            if name not in self.features:
                self.features[name] = compute()
            return self.features[name]

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the original image."""
        return int(self.image.shape[1]), int(self.image.shape[0])


class Comparer:
    """Base of the per-task comparers. Subclasses set ``task`` and ``detectors`` and implement both methods.

    ``analyse(image)`` must be pure (same pixels, same analysis) so the judge can cache it by content hash;
    ``compare(ref, cand)`` returns discrepancies with ``bbox`` in candidate pixels (``cand.image`` coordinates).
    """

    task: ClassVar[str] = ""
    detectors: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: EmbeddedConfig | None = None) -> None:
        self.config = config or EmbeddedConfig()

    def enabled(self, detector: str) -> bool:
        return self.config.enabled(detector)

    def analyse(self, image: np.ndarray) -> Analysis:
        raise NotImplementedError

    def compare(self, ref: Analysis, cand: Analysis) -> list[Discrepancy]:
        raise NotImplementedError


def content_key(image: np.ndarray) -> str:
    """A content hash of an image array (shape and pixels), the cache key of analyses."""
    a = np.ascontiguousarray(image)
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((a.shape, a.dtype.str)).encode())
    h.update(a.data)
    return h.hexdigest()


_COMPARERS: dict[str, type[Comparer]] = {}

# Task -> module holding its comparer; imported on first use so a missing or broken task does not break the others.
COMPARER_MODULES: dict[str, str] = {
    "chart": "visual_erm.judge.embedded.chart",
    "table": "visual_erm.judge.embedded.table",
    "svg": "visual_erm.judge.embedded.svg",
}


class ComparerMissing(LookupError):
    """No comparer is available for a task (its module is absent or registers nothing)."""


def register_comparer(task: str) -> Callable[[type[Comparer]], type[Comparer]]:
    """Class decorator: register a :class:`Comparer` subclass for ``task``."""

    def decorate(cls: type[Comparer]) -> type[Comparer]:
        cls.task = task
        _COMPARERS[task] = cls
        return cls

    return decorate


def comparer_class(task: str) -> type[Comparer]:
    """The comparer class for ``task``, importing its module on first use.

    Raises :class:`ComparerMissing` with the reason when the task has no comparer yet.
    """
    if task not in _COMPARERS:
        module = COMPARER_MODULES.get(task)
        if module is None:
            raise ComparerMissing(f"the embedded judge has no comparer for task {task!r}")
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            raise ComparerMissing(f"the embedded judge has no comparer for task {task!r} ({module} is missing)") from None
        if task not in _COMPARERS:
            raise ComparerMissing(f"{module} registers no comparer for task {task!r}")
    return _COMPARERS[task]
