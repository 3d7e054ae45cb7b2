"""verl reward functions: ``custom_reward_function.path`` pointing at this module.

verl's naive reward manager calls ``compute_score(data_source=..., solution_str=..., ground_truth=..., extra_info=...)``
once per sample and logs every extra key of the returned dict; the batch manager calls ``compute_score_batch`` with
lists; the async reward loop awaits ``compute_score_async``. ``custom_reward_function.reward_kwargs`` reach us as
keyword options (``judge``, ``policy``, ``judge_options``, ``render_config``, ``image_root``, ``task``).

The task comes from ``extra_info["task_type"]`` or the ``data_source`` name; the reference image from
``extra_info["gt_img_path"]`` (or image bytes under ``gt_image`` / ``image``), else from ``ground_truth``.
"""

from __future__ import annotations

from typing import Any

from visual_erm.adapters import numeric_extras, reference_from, resolve_task, reward_options


def _item(data_source: str, ground_truth: Any, extra_info: dict | None, kwargs: dict) -> tuple[str, Any]:
    info = extra_info or {}
    task = resolve_task(task=kwargs.get("task"), data_source=data_source, info=info)
    return task, reference_from(info, ground_truth, image_root=kwargs.get("image_root"))


def compute_score(data_source: str, solution_str: str, ground_truth: Any, extra_info: dict | None = None,
                  **kwargs: Any) -> dict[str, float]:
    """Score one rollout: ``{"score": reward, <numeric extras>}`` (see :func:`visual_erm.adapters.numeric_extras`).

    Args:
        data_source: the dataset name verl stores per row; used for the task when ``extra_info`` has no ``task_type``.
        solution_str: the decoded response of the policy.
        ground_truth: ``reward_model.ground_truth`` of the row; used as the reference when ``extra_info`` holds none.
        extra_info: the row's ``extra_info`` dict (``gt_img_path`` or image bytes, ``task_type``).
        **kwargs: ``reward_kwargs`` from the verl config: ``judge`` (default ``"embedded"``), ``policy``
            (``"auto"``), ``judge_options``, ``render_config``, ``image_root`` (base of relative paths), ``task``.
    """
    from visual_erm.reward import reward

    task, reference = _item(data_source, ground_truth, extra_info, kwargs)
    opts = reward_options(kwargs)
    opts.pop("workers", None), opts.pop("backend", None)
    return numeric_extras(reward(task, solution_str, reference, **opts))


def compute_score_batch(data_sources: list[str], solution_strs: list[str], ground_truths: list[Any],
                        extra_infos: list[dict | None] | None = None, **kwargs: Any) -> list[dict[str, float]]:
    """Score a whole batch with one ``reward_batch`` call (verl's ``BatchRewardManager``); same options as
    :func:`compute_score`, plus ``workers`` and ``backend`` (``"ray"`` spreads the batch over a Ray cluster)."""
    from visual_erm.reward import reward_batch

    infos = extra_infos or [None] * len(solution_strs)
    items = [_item(d, g, e, kwargs) for d, g, e in zip(data_sources, ground_truths, infos)]
    results = reward_batch([t for t, _ in items], list(solution_strs), [r for _, r in items], **reward_options(kwargs))
    return [numeric_extras(r) for r in results]


async def compute_score_async(data_source: str, solution_str: str, ground_truth: Any, extra_info: dict | None = None,
                              **kwargs: Any) -> dict[str, float]:
    """Async :func:`compute_score` for verl's reward loop: rendering and judging run off the event loop."""
    from visual_erm.reward import areward_batch

    task, reference = _item(data_source, ground_truth, extra_info, kwargs)
    opts = reward_options(kwargs)
    opts.pop("backend", None)
    results = await areward_batch([task], [solution_str], [reference], **opts)
    return numeric_extras(results[0])
