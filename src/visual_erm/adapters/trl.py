"""TRL reward functions: ``GRPOTrainer(reward_funcs=[visual_erm_reward(...)])``.

TRL calls a reward function as ``f(prompts=..., completions=..., completion_ids=..., **columns)`` where ``columns``
are the dataset's other columns (one value per completion) plus the hooks ``log_metric(name, value)`` and
``log_extra(column, values)``. We read the reference image from a dataset column, score the whole batch with one
``reward_batch`` call, log the batch means of the numeric extras as metrics and the per-completion severity sum,
render failure and discrepancies as extra columns of the completions table.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from visual_erm.adapters import completion_text, numeric_extras, resolve_reference, resolve_task


def _inputs(completions: list[Any], columns: dict[str, Any], opts: dict[str, Any]) -> tuple[list[str], list[str], list[Any]]:
    n = len(completions)
    refs = columns.get(opts["reference_column"])
    if refs is None:
        raise KeyError(f"dataset has no column {opts['reference_column']!r} holding the reference image")
    task_col = columns.get(opts["task_column"]) or [None] * n
    tasks = [resolve_task(task=opts["task"] or t) for t in task_col]
    references = [resolve_reference(r, image_root=opts["image_root"]) for r in refs]
    return tasks, [completion_text(c) for c in completions], references


def _log(results: list[Any], columns: dict[str, Any], prefix: str) -> None:
    extras = [numeric_extras(r) for r in results]
    log_metric, log_extra = columns.get("log_metric"), columns.get("log_extra")
    if log_metric is not None and extras:
        for key in ("rendered", "judge_ok", "severity_sum", "n_errors", "failure_timeout", "failure_blank",
                    "failure_no_code", "failure_runtime", "failure_syntax"):
            log_metric(f"{prefix}/{key}", sum(e[key] for e in extras) / len(extras))
    if log_extra is not None and extras:
        log_extra(f"{prefix}_severity", [e["severity_sum"] for e in extras])
        log_extra(f"{prefix}_failure", [r.rendering.failure.value if r.rendering.failure else "" for r in results])
        log_extra(f"{prefix}_errors", [json.dumps(r.verdict.to_dict(with_bbox=False)["errors"]) if r.verdict else ""
                                       for r in results])


def _options(task: str | None, task_column: str, reference_column: str, image_root: str | None) -> dict[str, Any]:
    return {"task": task, "task_column": task_column, "reference_column": reference_column, "image_root": image_root}


def visual_erm_reward(*, task: str | None = None, task_column: str = "task", reference_column: str = "reference",
                      judge: str = "embedded", policy: str = "auto", judge_options: dict | None = None,
                      render_config: Any = None, workers: int | None = None, backend: str = "local",
                      image_root: str | None = None, name: str = "visual_erm") -> Callable[..., list[float]]:
    """A TRL reward function ``(completions, **columns) -> list[float]`` scoring completions with Visual-ERM.

    Args:
        task: chart, table or svg for every row; None reads it per row from ``task_column``.
        task_column: dataset column with the task of each row (used when ``task`` is None).
        reference_column: dataset column with the reference image (path, bytes, data URL or image feature dict).
        judge: judge name (``"embedded"`` runs on CPU; ``"lvlm"`` asks an OpenAI-compatible server).
        policy: reward policy name (see ``visual_erm.reward.policies``); ``"auto"`` picks the task's release policy.
        judge_options: keyword options of the judge (e.g. ``{"base_url": ..., "model": ...}`` for ``lvlm``).
        render_config: render configuration passed to the renderer.
        workers: render/judge parallelism inside one batch (None: the library default).
        backend: ``"local"`` or ``"ray"`` (spread each batch over a Ray cluster).
        image_root: folder that relative reference paths are resolved against.
        name: the function's ``__name__``, which TRL uses to name the reward in its logs.
    """
    opts = _options(task, task_column, reference_column, image_root)
    kwargs = {"judge": judge, "policy": policy, "judge_options": judge_options, "render_config": render_config,
              "workers": workers, "backend": backend}

    def reward_func(completions: list[Any], **columns: Any) -> list[float]:
        from visual_erm.reward import reward_batch

        tasks, texts, refs = _inputs(completions, columns, opts)
        results = reward_batch(tasks, texts, refs, **kwargs)
        _log(results, columns, name)
        return [float(r.score) for r in results]

    reward_func.__name__ = reward_func.__qualname__ = name
    return reward_func


def visual_erm_reward_async(*, task: str | None = None, task_column: str = "task", reference_column: str = "reference",
                            judge: str = "embedded", policy: str = "auto", judge_options: dict | None = None,
                            render_config: Any = None, workers: int | None = None, image_root: str | None = None,
                            name: str = "visual_erm") -> Callable[..., Any]:
    """The async twin of :func:`visual_erm_reward` (TRL gathers async reward functions concurrently); same options
    except ``backend``."""
    opts = _options(task, task_column, reference_column, image_root)
    kwargs = {"judge": judge, "policy": policy, "judge_options": judge_options, "render_config": render_config,
              "workers": workers}

    async def reward_func(completions: list[Any], **columns: Any) -> list[float]:
        from visual_erm.reward import areward_batch

        tasks, texts, refs = _inputs(completions, columns, opts)
        results = await areward_batch(tasks, texts, refs, **kwargs)
        _log(results, columns, name)
        return [float(r.score) for r in results]

    reward_func.__name__ = reward_func.__qualname__ = name
    return reward_func
