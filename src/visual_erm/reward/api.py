"""reward / reward_batch / areward_batch: completion text + reference image -> render -> judge -> policy -> score.

Rendering runs in the renderer's warm pool (``render_many``); judging runs concurrently (a thread pool sized by the
judge, or asyncio in :func:`areward_batch`); input order is kept and one bad item never spoils the batch: it gets
the policy's failure reward and says why in its :class:`RewardResult`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from visual_erm.images import load_image
from visual_erm.judge.parse import JudgeFailure, failure_kind, failure_message
from visual_erm.judge.registry import Judge, get_judge
from visual_erm.reward.policies import Outcome, Policy, get_policy, policy_name_for
from visual_erm.types import CATEGORIES, Rendering, Verdict, check_task

log = logging.getLogger(__name__)


@dataclass
class RewardResult:
    """The reward of one completion, with what it was computed from.

    ``score`` is the policy's reward; ``verdict`` is None when nothing was judged (no code, render failure, blank);
    ``policy`` is the concrete policy name used (``auto`` resolved per task); ``timings`` has seconds for
    ``render`` and ``judge``.
    """

    score: float
    verdict: Verdict | None
    rendering: Rendering
    policy: str
    timings: dict[str, float] = field(default_factory=dict)

    def extras(self) -> dict[str, Any]:
        """Flat values for a trainer's logs: ``rendered``, ``judge_ok``, ``severity_sum``, ``n_errors``, ``failure``
        (render :class:`~visual_erm.types.FailureKind` value or None), ``judge_failure`` (:class:`JudgeFailure` value
        or None) and ``count_<category>`` for the task's categories."""
        v = self.verdict
        usable = v is not None and v.ok
        kind = failure_kind(v)
        out: dict[str, Any] = {
            "score": float(self.score),
            "rendered": bool(self.rendering.ok),
            "judge_ok": usable,
            "severity_sum": v.severity_sum if usable else 0,
            "n_errors": len(v.errors) if usable else 0,
            "failure": self.rendering.failure.value if self.rendering.failure is not None else None,
            "judge_failure": kind.value if kind is not None else None,
        }
        task = self.rendering.task or (v.task if v is not None else "")
        counts = v.counts if usable else {}
        for cat in CATEGORIES.get(task, ()):
            out[f"count_{cat}"] = int(counts.get(cat, 0))
        return out


# ---- inputs ----

def _per_item(value: Any, n: int, what: str) -> list[Any]:
    """A list of ``n`` values: a list/tuple of that length, or one value repeated (one reference for a GRPO group)."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{what}: got {len(value)} for {n} completions")
        return list(value)
    return [value] * n


def _cache_key(ref: Any) -> Any:
    if isinstance(ref, (str, os.PathLike)):
        return ("path", os.fspath(ref))
    return ("obj", id(ref))


def _load_references(refs: Sequence[Any]) -> list[np.ndarray | str]:
    """Decoded references (each distinct one once); a reference that fails to load becomes its error message."""
    cache: dict[Any, np.ndarray | str] = {}
    out: list[np.ndarray | str] = []
    for ref in refs:
        key = _cache_key(ref)
        if key not in cache:
            try:
                cache[key] = load_image(ref)
            except Exception as exc:  # a missing or corrupt reference is that item's problem, not the batch's
                cache[key] = f"reference unreadable: {type(exc).__name__}: {exc}"
        out.append(cache[key])
    return out


_JUDGES: dict[tuple[str, str], Judge] = {}
_JUDGES_LOCK = threading.Lock()


def resolve_judge(judge: str | Judge, options: Mapping[str, Any] | None = None) -> Judge:
    """A judge instance: given, or built by name and reused across calls with the same options (judges keep caches
    and connection pools that should outlive one batch)."""
    if not isinstance(judge, str):
        return judge
    key = (judge, repr(sorted((options or {}).items())))
    with _JUDGES_LOCK:
        if key not in _JUDGES:
            _JUDGES[key] = get_judge(judge, **dict(options or {}))
        return _JUDGES[key]


def resolve_policy(policy: str | Policy) -> tuple[Policy, str]:
    """``(callable, name)`` for a policy name or a policy callable (e.g. ``get_policy("release", scale=30)``)."""
    if isinstance(policy, str):
        return get_policy(policy), policy
    return policy, getattr(policy, "policy_name", getattr(policy, "__name__", "custom"))


def _failed_verdict(task: str, kind: JudgeFailure, detail: str, judge_name: str) -> Verdict:
    return Verdict(task=task, judge=judge_name, parse_error=failure_message(kind, detail))


def _judge_one(judge: Judge, task: str, reference: np.ndarray | str, rendering: Rendering) -> Verdict | None:
    if not rendering.ok or rendering.image is None:
        return None
    name = getattr(judge, "name", "")
    if isinstance(reference, str):
        return _failed_verdict(task, JudgeFailure.INPUT, reference, name)
    try:
        return judge.judge(reference, rendering.image, task=task)
    except Exception as exc:  # a judge bug must not take the training step down; it is logged and named
        log.exception("judge %s raised on a %s item", name, task)
        return _failed_verdict(task, JudgeFailure.CRASH, f"{type(exc).__name__}: {exc}", name)


async def _ajudge_one(judge: Judge, task: str, reference: np.ndarray | str, rendering: Rendering,
                      sem: asyncio.Semaphore | None) -> Verdict | None:
    if not rendering.ok or rendering.image is None:
        return None
    name = getattr(judge, "name", "")
    if isinstance(reference, str):
        return _failed_verdict(task, JudgeFailure.INPUT, reference, name)
    try:
        if sem is None:
            return await judge.ajudge(reference, rendering.image, task=task)
        async with sem:
            return await judge.ajudge(reference, rendering.image, task=task)
    except Exception as exc:
        log.exception("judge %s raised on a %s item", name, task)
        return _failed_verdict(task, JudgeFailure.CRASH, f"{type(exc).__name__}: {exc}", name)


def _pool_size(judge: Judge, workers: int | None, n: int) -> int:
    if workers:
        return max(1, min(workers, n))
    # an I/O-bound judge (LVLM) says how many requests it keeps in flight; a CPU judge gets one thread per core
    size = getattr(judge, "max_concurrency", None) or (os.cpu_count() or 1)
    return max(1, min(int(size), n))


def _progress(total: int, enabled: bool, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, disable=not enabled, desc=desc, unit="item", leave=False)


def _results(tasks: Sequence[str], renderings: Sequence[Rendering], verdicts: Sequence[Verdict | None],
             policy: Policy, policy_label: str) -> list[RewardResult]:
    outcomes = [Outcome(task=t, rendered=bool(r.ok), verdict=v) for t, r, v in zip(tasks, renderings, verdicts)]
    scores = policy(outcomes)
    out = []
    for t, r, v, s in zip(tasks, renderings, verdicts, scores):
        timings = {"render": float(r.seconds), "judge": float(v.seconds) if v is not None else 0.0}
        out.append(RewardResult(score=float(s), verdict=v, rendering=r, policy=policy_name_for(policy_label, t),
                                timings=timings))
    return out


def _render(tasks: list[str], completions: list[str], render_config: Any, workers: int | None,
            progress: bool) -> list[Rendering]:
    from visual_erm.render import render_many

    return render_many(tasks, completions, config=render_config, workers=workers, progress=progress)


# ---- public API ----

def _prepare_batch(tasks, completions, references, judge, judge_options, policy):
    """Per-item tasks and references, the judge and the policy, checked before any work starts."""
    completions = ["" if c is None else str(c) for c in completions]
    n = len(completions)
    task_list = [check_task(t) for t in _per_item(tasks, n, "tasks")]
    ref_list = _per_item(references, n, "references")
    judge_obj = resolve_judge(judge, judge_options)
    policy_fn, label = resolve_policy(policy)
    return completions, task_list, ref_list, judge_obj, policy_fn, label


def reward(task: str, completion: str, reference: Any, *, judge: str | Judge = "embedded", policy: str | Policy = "auto",
           judge_options: Mapping[str, Any] | None = None, render_config: Any = None) -> RewardResult:
    """Reward of one completion: extract its code, render it, judge the rendering against ``reference``, apply the policy.

    Args:
        task: chart, svg or table.
        completion: the policy model's full answer (code is extracted from it; no code scores as a render failure).
        reference: the target image: a path, encoded bytes, a data URL or an ``(H, W, 3)`` array.
        judge: a judge name (``embedded``, ``lvlm``, ...) or a judge instance.
        policy: ``auto`` (release for chart/svg, table-release for tables), ``release``, ``paper``, ``table-release``,
            or a policy callable. ``paper`` normalises by the batch: on a single item it gives ~1 unless clean.
        judge_options: keyword options for building a judge by name (e.g. ``{"endpoint": ..., "model": ...}``).
        render_config: the renderer's config (``visual_erm.render`` defaults when None).
    """
    check_task(task)
    from visual_erm.render import render

    judge_obj = resolve_judge(judge, judge_options)
    policy_fn, label = resolve_policy(policy)
    rendering = render(task, completion or "", config=render_config)
    ref = _load_references([reference])[0]
    verdict = _judge_one(judge_obj, task, ref, rendering)
    return _results([task], [rendering], [verdict], policy_fn, label)[0]


def reward_batch(tasks: str | Sequence[str], completions: Sequence[str], references: Any, *,
                 judge: str | Judge = "embedded", policy: str | Policy = "auto",
                 judge_options: Mapping[str, Any] | None = None, render_config: Any = None, workers: int | None = None,
                 backend: str = "local", progress: bool = False) -> list[RewardResult]:
    """Rewards of many completions, in input order.

    Args:
        tasks: one task for all items, or one per item.
        completions: the answers to score.
        references: one reference per item (list/tuple), or a single one shared by all (a GRPO group); distinct
            references are decoded once.
        judge, policy, judge_options, render_config: as in :func:`reward`. ``paper`` normalises over this batch.
        workers: render workers and judge threads; None lets each stage choose (renderer default; the judge's own
            ``max_concurrency`` for an LVLM, one thread per core otherwise).
        backend: ``local``, or ``ray`` to spread the batch over a Ray cluster (needs the ``ray`` extra).
        progress: show progress bars on stderr.
    """
    if backend == "ray":
        return _ray_backend()(tasks, completions, references, judge=judge, policy=policy, judge_options=judge_options,
                              render_config=render_config, workers=workers, progress=progress)
    if backend != "local":
        raise ValueError(f"unknown backend {backend!r}; expected 'local' or 'ray'")
    completions, task_list, ref_list, judge_obj, policy_fn, label = _prepare_batch(
        tasks, completions, references, judge, judge_options, policy)
    n = len(completions)
    if n == 0:
        return []
    renderings = _render(task_list, completions, render_config, workers, progress)
    refs = _load_references(ref_list)
    verdicts: list[Verdict | None] = [None] * n
    todo = [i for i, r in enumerate(renderings) if r.ok]
    with _progress(len(todo), progress, "judge") as bar, ThreadPoolExecutor(_pool_size(judge_obj, workers, n)) as pool:
        futures = {pool.submit(_judge_one, judge_obj, task_list[i], refs[i], renderings[i]): i for i in todo}
        for fut in futures:
            verdicts[futures[fut]] = fut.result()
            bar.update(1)
    return _results(task_list, renderings, verdicts, policy_fn, label)


async def areward_batch(tasks: str | Sequence[str], completions: Sequence[str], references: Any, *,
                        judge: str | Judge = "embedded", policy: str | Policy = "auto",
                        judge_options: Mapping[str, Any] | None = None, render_config: Any = None,
                        workers: int | None = None, progress: bool = False) -> list[RewardResult]:
    """Async :func:`reward_batch` for trainers with an event loop: rendering runs in a thread, judging through the
    judge's ``ajudge`` (native HTTP concurrency for the LVLM judge). ``workers`` also caps judgements in flight."""
    completions, task_list, ref_list, judge_obj, policy_fn, label = _prepare_batch(
        tasks, completions, references, judge, judge_options, policy)
    n = len(completions)
    if n == 0:
        return []
    renderings = await asyncio.to_thread(_render, task_list, completions, render_config, workers, progress)
    refs = await asyncio.to_thread(_load_references, ref_list)
    sem = asyncio.Semaphore(workers) if workers else None
    verdicts = await asyncio.gather(*(_ajudge_one(judge_obj, task_list[i], refs[i], renderings[i], sem)
                                      for i in range(n)))
    return _results(task_list, renderings, list(verdicts), policy_fn, label)


def _ray_backend():
    try:
        from visual_erm.serve.ray_backend import reward_batch_ray
    except ImportError as exc:
        raise RuntimeError(
            "backend='ray' needs the ray extra: pip install 'visual-erm[ray]' "
            f"(import failed: {exc})") from exc
    return reward_batch_ray


def score_verdicts(tasks: str | Sequence[str], renderings: Sequence[Rendering], verdicts: Sequence[Verdict | None], *,
                   policy: str | Policy = "auto") -> list[RewardResult]:
    """Apply a policy to renderings and verdicts you already have (a server or a bench that judged elsewhere)."""
    n = len(renderings)
    if len(verdicts) != n:
        raise ValueError(f"verdicts: got {len(verdicts)} for {n} renderings")
    policy_fn, label = resolve_policy(policy)
    return _results([check_task(t) for t in _per_item(tasks, n, "tasks")], list(renderings), list(verdicts), policy_fn,
                    label)

