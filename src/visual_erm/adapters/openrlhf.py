"""OpenRLHF: ``--remote_rm_url path/to/this_file.py`` (it defines ``reward_func``) or the server's ``/get_reward``.

OpenRLHF passes ``queries`` (prompt + response, decoded with special tokens), ``prompts`` and ``labels`` (the
dataset's ``--label_key`` column) and expects ``{"rewards", "scores", "extra_logs"}``. A label is a JSON object
string such as ``{"task": "chart", "gt_img_path": "/data/ref/0.png"}``, or a bare image path when every row has
the same task (set ``VISUAL_ERM_TASK`` then; it is read once, when the file is loaded).
"""

from __future__ import annotations

import os
import re
from typing import Any

from visual_erm.adapters import numeric_extras, parse_label, reference_from, resolve_task

# Chat-template end markers that trail a decoded response (Qwen, Llama 3, generic EOS).
_END_MARKERS = re.compile(r"(<\|im_end\|>|<\|endoftext\|>|<\|eot_id\|>|<\|end_of_text\|>|</s>)+\s*$")

DEFAULT_TASK = os.environ.get("VISUAL_ERM_TASK") or None
DEFAULT_JUDGE = os.environ.get("VISUAL_ERM_JUDGE", "embedded")


def response_of(query: str, prompt: str) -> str:
    """The policy's response inside an OpenRLHF query: the query minus its prompt, without end-of-turn markers."""
    text = query[len(prompt):] if prompt and query.startswith(prompt) else query
    return _END_MARKERS.sub("", text)


def prepare(queries: list[str], prompts: list[str], labels: list[Any], *, task: str | None = None,
            image_root: str | None = None) -> tuple[list[str], list[str], list[Any]]:
    """(tasks, responses, references) for a batch in OpenRLHF's layout."""
    prompts = list(prompts) if prompts is not None else [""] * len(queries)
    infos = [parse_label(lab) for lab in labels]
    tasks = [resolve_task(task=task or DEFAULT_TASK, info=info) for info in infos]
    refs = [reference_from(info, image_root=image_root) for info in infos]
    return tasks, [response_of(q, p) for q, p in zip(queries, prompts)], refs


def pack(results: list[Any]) -> dict[str, Any]:
    """``{"rewards": [...], "scores": [...], "extra_logs": {key: [...]}}`` as plain lists (JSON-ready)."""
    extras = [numeric_extras(r) for r in results]
    logs = {k: [e[k] for e in extras] for k in (extras[0] if extras else {}) if k != "score"}
    rewards = [float(r.score) for r in results]
    return {"rewards": rewards, "scores": list(rewards), "extra_logs": logs}


def reward_func(queries: list[str], prompts: list[str], labels: list[Any], **kwargs: Any) -> dict[str, Any]:
    """OpenRLHF's custom reward entry point; tensors when torch is present (OpenRLHF always has it).

    Args:
        queries: prompt + response strings.
        prompts: the prompts, used to cut the response out of each query.
        labels: per-row labels (JSON object string with ``task`` and ``gt_img_path``, or a bare image path).
        **kwargs: ``task``, ``judge``, ``policy``, ``judge_options``, ``render_config``, ``image_root``, ``workers``.
    """
    from visual_erm.reward import reward_batch

    tasks, responses, refs = prepare(queries, prompts, labels, task=kwargs.get("task"),
                                     image_root=kwargs.get("image_root"))
    opts = {k: kwargs[k] for k in ("policy", "judge_options", "render_config", "workers") if kwargs.get(k) is not None}
    out = pack(reward_batch(tasks, responses, refs, judge=kwargs.get("judge", DEFAULT_JUDGE), **opts))
    try:
        import torch
    except ImportError:
        return out
    return {"rewards": torch.tensor(out["rewards"]), "scores": torch.tensor(out["scores"]),
            "extra_logs": {k: torch.tensor(v) for k, v in out["extra_logs"].items()}}
