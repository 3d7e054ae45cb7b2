"""The embedded judge: fine-grained visual discrepancies on a plain CPU, nothing downloaded at run time.

``get_judge("embedded", **options).judge(reference, candidate, task=...)`` dispatches to the task's comparer
(``chart``, ``table``, ``svg``; see ``base.Comparer``), caches reference analyses by content hash (the rollouts
of one GRPO group share a reference) and returns a Verdict whose errors all carry a ``bbox`` in candidate pixels.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Iterable

import numpy as np

from visual_erm.images import as_rgb, is_uniform
from visual_erm.judge.embedded.base import (
    Analysis,
    Comparer,
    ComparerMissing,
    EmbeddedConfig,
    comparer_class,
    content_key,
    register_comparer,
)
from visual_erm.judge.embedded.severity import blank_candidate_errors, sort_and_cap
from visual_erm.judge.registry import BaseJudge, register_judge
from visual_erm.types import Verdict, check_task

__all__ = ["Analysis", "AnalysisCache", "Comparer", "ComparerMissing", "EmbeddedConfig", "EmbeddedJudge",
           "register_comparer"]


class AnalysisCache:
    """A thread-safe LRU of analyses keyed by ``(task, content hash)``."""

    def __init__(self, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[tuple[str, str], Analysis] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, task: str, key: str) -> Analysis | None:
        with self._lock:
            item = self._items.get((task, key))
            if item is not None:
                self._items.move_to_end((task, key))
                self.hits += 1
            else:
                self.misses += 1
            return item

    def put(self, analysis: Analysis) -> None:
        with self._lock:
            self._items[(analysis.task, analysis.key)] = analysis
            self._items.move_to_end((analysis.task, analysis.key))
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class EmbeddedJudge(BaseJudge):
    """Compares reference and candidate images with per-task structure analysis (text, colour, geometry)."""

    name = "embedded"

    def __init__(self, config: EmbeddedConfig, *, cache_size: int = 64) -> None:
        self.config = config
        self.use_cache = cache_size > 0
        self.cache = AnalysisCache(max(cache_size, 1))
        self._comparers: dict[str, Comparer] = {}
        self._lock = threading.Lock()

    def comparer(self, task: str) -> Comparer:
        """The comparer instance for ``task`` (raises :class:`ComparerMissing` if the task has none)."""
        with self._lock:
            if task not in self._comparers:
                self._comparers[task] = comparer_class(task)(self.config)
            return self._comparers[task]

    def analyse(self, image: np.ndarray, *, task: str, cache: bool | None = None) -> Analysis:
        """The task's analysis of ``image``, from the cache when its content was seen before."""
        image = as_rgb(image)
        key = content_key(image)
        cache = self.use_cache if cache is None else cache
        if cache:
            hit = self.cache.get(task, key)
            if hit is not None:
                return hit
        analysis = self.comparer(task).analyse(image)
        analysis.key = key
        if cache:
            self.cache.put(analysis)
        return analysis

    def judge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict:
        check_task(task)
        t0 = time.perf_counter()
        try:
            comparer = self.comparer(task)
        except ComparerMissing as exc:
            return Verdict(task=task, judge=self.name, parse_error=str(exc))
        ref_img, cand_img = as_rgb(reference), as_rgb(candidate)
        timings: dict[str, float] = {}
        if is_uniform(cand_img) and not is_uniform(ref_img):
            errors = blank_candidate_errors(task, cand_img.shape[1], cand_img.shape[0])
            return Verdict(task=task, errors=errors, judge=self.name, seconds=time.perf_counter() - t0)
        t = time.perf_counter()
        hits_before = self.cache.hits
        ref = self.analyse(ref_img, task=task)
        timings["reference"] = time.perf_counter() - t
        timings["reference_cached"] = float(self.cache.hits > hits_before)
        t = time.perf_counter()
        cand = comparer.analyse(cand_img)
        cand.key = content_key(cand_img)
        timings["candidate"] = time.perf_counter() - t
        t = time.perf_counter()
        errors = comparer.compare(ref, cand) if ref.key != cand.key else []
        timings["compare"] = time.perf_counter() - t
        errors = sort_and_cap(errors, self.config.max_errors)
        return Verdict(task=task, errors=errors, judge=self.name, seconds=time.perf_counter() - t0, timings=timings)


@register_judge("embedded")
def embedded_judge(*, work_side: int = 640, ocr: str = "rapidocr", ocr_threads: int = 1,
                   disabled: Iterable[str] = (), max_errors: int = 12, cache_size: int = 64) -> EmbeddedJudge:
    """The default judge of visual-erm: structure-level comparison on the CPU.

    Args:
        work_side: longest side, in px, of the common frame both images are compared in. 640 suits charts and
            SVG; raise it for dense tables (slower), lower it for speed (small text is then missed).
        ocr: text engine: ``"rapidocr"`` (default, models in the wheel), ``"tesseract"`` (Debian binary) or
            ``"none"`` (no text reading: text changes are only reported from pixel evidence, without strings).
        ocr_threads: onnxruntime intra-op threads; 1 is fastest for the small crops read on candidates.
        disabled: detector names to switch off, e.g. ``{"grid", "background"}``; see ``<Comparer>.detectors``
            (chart: layout, chart_type, series, axes, text, grid, background, legibility, overplot).
        max_errors: keep at most this many discrepancies per verdict, most severe first.
        cache_size: how many reference analyses to keep (content-hash keyed LRU); 0 disables caching. A chart
            reference holds about 7 MB at the default work_side (4.4 MB of it its work image in Lab).
    """
    config = EmbeddedConfig(work_side=work_side, ocr=ocr, ocr_threads=ocr_threads, disabled=frozenset(disabled),
                            max_errors=max_errors)
    return EmbeddedJudge(config, cache_size=cache_size)
