"""Beyond one machine: ``reward_batch(..., backend="ray")`` and ``visual-erm serve --ray``.

``reward_batch_ray`` splits a batch into chunks, renders and judges each chunk as a Ray task (one CPU each by
default, so the cluster's CPUs bound the parallelism), and applies the reward policy once, on the driver, over the
whole batch: a batch-normalising policy (``paper``) sees the same batch it would see locally.

``RayServeRunner`` backs the HTTP server with two Ray Serve deployments: ``VisualErmRenderer`` (CPU replicas that
render, autoscaled) and ``VisualErmJudge`` (judge replicas, optionally holding a GPU for an in-cluster LVLM). The
FastAPI front end (:mod:`visual_erm.serve.app`) stays the same; only where the work runs changes.
Ray is imported on first use only.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Sequence


def ensure_ray(address: str | None = None, *, num_cpus: int | None = None) -> Any:
    """``ray`` after connecting to ``address`` (or ``RAY_ADDRESS``), or starting a local cluster when neither is set."""
    import ray

    if not ray.is_initialized():
        address = address or os.environ.get("RAY_ADDRESS") or None
        kwargs: dict[str, Any] = {"ignore_reinit_error": True, "log_to_driver": False}
        if address is None:
            kwargs.update(num_cpus=num_cpus, include_dashboard=False)
        ray.init(address=address, **kwargs)
    return ray


def _portable(ref: Any) -> Any:
    """A reference that a worker on another node can read: file paths are read here and shipped as bytes."""
    if isinstance(ref, (str, os.PathLike)) and not str(ref).startswith("data:") and os.path.isfile(ref):
        with open(ref, "rb") as fh:
            return fh.read()
    return ref


def _chunk_remote(ray: Any, num_cpus: float):
    @ray.remote(num_cpus=num_cpus, max_retries=2)
    def reward_chunk(tasks, completions, reference_refs, judge, judge_options, render_config, workers):
        from visual_erm.reward import reward_batch

        references = ray.get(list(reference_refs))  # object refs nested in a list are not resolved by Ray

        # The policy is applied on the driver; per-item scores here are discarded.
        return reward_batch(tasks, completions, references, judge=judge, policy="auto", judge_options=judge_options,
                            render_config=render_config, workers=workers)

    return reward_chunk


def reward_batch_ray(tasks: str | Sequence[str], completions: Sequence[str], references: Any, *,
                     judge: Any = "embedded", policy: Any = "auto", judge_options: dict | None = None,
                     render_config: Any = None, workers: int | None = None, progress: bool = False,
                     address: str | None = None, chunk_size: int | None = None, num_cpus: float = 1.0) -> list[Any]:
    """``reward_batch`` spread over a Ray cluster; results in input order.

    Args:
        tasks, completions, references, judge, policy, judge_options, render_config: as in ``reward_batch``.
        workers: render workers inside each Ray task (default 1: Ray already runs one task per CPU).
        progress: show a progress bar over finished chunks.
        address: Ray cluster address; default ``RAY_ADDRESS`` or a local cluster started on first use.
        chunk_size: items per Ray task; default spreads the batch over about twice the cluster's CPUs.
        num_cpus: CPUs reserved by each Ray task.
    """
    from visual_erm.reward import score_verdicts

    ray = ensure_ray(address)
    n = len(completions)
    if n == 0:
        return []
    task_list = [tasks] * n if isinstance(tasks, str) else list(tasks)
    shared = not isinstance(references, (list, tuple))
    ref_list = [references] * n if shared else list(references)
    if len(task_list) != n or len(ref_list) != n:
        raise ValueError(f"{len(task_list)} tasks and {len(ref_list)} references for {n} completions")
    # Each distinct reference goes into the object store once, however many items share it.
    stored: dict[int, Any] = {}
    ref_objs = []
    for ref in ref_list:
        if id(ref) not in stored:
            stored[id(ref)] = ray.put(_portable(ref))
        ref_objs.append(stored[id(ref)])
    cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
    size = chunk_size or max(1, math.ceil(n / (2 * cpus)))
    remote = _chunk_remote(ray, num_cpus)
    futures = []
    for start in range(0, n, size):
        sl = slice(start, start + size)
        futures.append(remote.remote(task_list[sl], list(completions[sl]), ref_objs[sl], judge, judge_options,
                                     render_config, workers or 1))
    chunks = _gather(ray, futures, progress)
    results = [r for chunk in chunks for r in chunk]
    rescored = score_verdicts(task_list, [r.rendering for r in results], [r.verdict for r in results], policy=policy)
    for old, new in zip(results, rescored):
        new.timings = old.timings
    return rescored


def _gather(ray: Any, futures: list[Any], progress: bool) -> list[Any]:
    if not progress:
        return ray.get(futures)
    from tqdm import tqdm

    pending = list(futures)
    with tqdm(total=len(futures), desc="ray chunks", leave=False) as bar:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            bar.update(len(done))
    return ray.get(futures)


# ---- Ray Serve deployments behind the HTTP server ----

@dataclass(frozen=True)
class RayServeOptions:
    """How `serve --ray` deploys its workers.

    Args:
        address: Ray cluster to join (default ``RAY_ADDRESS`` or a new local cluster).
        initial_replicas: replicas of each deployment at start.
        min_replicas: autoscaling lower bound.
        max_replicas: autoscaling upper bound.
        target_ongoing_requests: requests per replica the autoscaler aims for.
        render_cpus: CPUs per renderer replica (its render pool gets as many workers).
        judge_cpus: CPUs per judge replica.
        judge_gpus: GPUs per judge replica (0 for the embedded judge or an LVLM served elsewhere).
        chunk_size: items per call to a replica.
        app_name: Ray Serve application name.
    """

    address: str | None = None
    initial_replicas: int = 1
    min_replicas: int = 1
    max_replicas: int = 4
    target_ongoing_requests: float = 2.0
    render_cpus: float = 1.0
    judge_cpus: float = 1.0
    judge_gpus: float = 0.0
    chunk_size: int = 16
    app_name: str = "visual-erm"


def build_deployments(options: RayServeOptions, render_config: Any = None) -> tuple[Any, Any]:
    """The renderer and judge Ray Serve deployments (classes decorated with ``serve.deployment``)."""
    from ray import serve

    scaling = {"min_replicas": options.min_replicas, "initial_replicas": options.initial_replicas,
               "max_replicas": options.max_replicas, "target_ongoing_requests": options.target_ongoing_requests}

    @serve.deployment(name="VisualErmRenderer", ray_actor_options={"num_cpus": options.render_cpus},
                      autoscaling_config=scaling, max_ongoing_requests=8)
    class VisualErmRenderer:
        def __init__(self, workers: int):
            self.workers = workers

        def render(self, tasks: list[str], answers: list[str], formats: list[str | None] | None = None) -> list[Any]:
            from visual_erm.render import render_many

            return render_many(tasks, answers, formats=formats, config=render_config, workers=self.workers)

    @serve.deployment(name="VisualErmJudge",
                      ray_actor_options={"num_cpus": options.judge_cpus, "num_gpus": options.judge_gpus},
                      autoscaling_config=scaling, max_ongoing_requests=8)
    class VisualErmJudge:
        def __init__(self):
            self._judges: dict[Any, Any] = {}

        def judge(self, tasks: list[str], references: list[Any], candidates: list[Any], name: str,
                  options: dict | None) -> list[Any]:
            from visual_erm.images import load_image
            from visual_erm.judge import get_judge

            key = (name, repr(sorted((options or {}).items())))
            if key not in self._judges:
                self._judges[key] = get_judge(name, **(options or {}))
            j = self._judges[key]
            return [j.judge(load_image(r), load_image(c), task=t) for t, r, c in zip(tasks, references, candidates)]

    return VisualErmRenderer, VisualErmJudge


class RayServeRunner:
    """The server's runner backed by Ray Serve deployment handles (same interface as ``LocalRunner``)."""

    def __init__(self, config: Any, options: RayServeOptions | None = None):
        from ray import serve

        self.config, self.options = config, options or RayServeOptions()
        ensure_ray(self.options.address)
        renderer, judge = build_deployments(self.options, config.render_config)
        workers = max(1, int(self.options.render_cpus))
        self.renderer = serve.run(renderer.bind(workers), name=f"{self.options.app_name}-render", route_prefix=None)
        self.judger = serve.run(judge.bind(), name=f"{self.options.app_name}-judge", route_prefix=None)

    def _chunks(self, n: int) -> list[slice]:
        size = max(1, self.options.chunk_size)
        return [slice(i, i + size) for i in range(0, n, size)]

    def render(self, tasks: list[str], answers: list[str], formats: list[str | None] | None = None) -> list[Any]:
        fmts = formats or [None] * len(answers)
        calls = [self.renderer.render.remote(tasks[s], answers[s], fmts[s]) for s in self._chunks(len(answers))]
        return [r for call in calls for r in call.result()]

    def judge_pairs(self, tasks: list[str], references: list[Any], candidates: list[Any], *, judge: str,
                    judge_options: dict | None) -> list[Any]:
        calls = [self.judger.judge.remote(tasks[s], references[s], candidates[s], judge, judge_options)
                 for s in self._chunks(len(tasks))]
        return [v for call in calls for v in call.result()]

    def reward(self, tasks: list[str], completions: list[str], references: list[Any], *, judge: str,
               judge_options: dict | None, policy: str) -> list[Any]:
        from visual_erm.reward import score_verdicts

        renderings = self.render(tasks, completions)
        todo = [i for i, r in enumerate(renderings) if r.ok]
        verdicts: list[Any] = [None] * len(tasks)
        if todo:
            got = self.judge_pairs([tasks[i] for i in todo], [references[i] for i in todo],
                                   [renderings[i].image for i in todo], judge=judge, judge_options=judge_options)
            for i, v in zip(todo, got):
                verdicts[i] = v
        return score_verdicts(tasks, renderings, verdicts, policy=policy)

    def close(self) -> None:
        from ray import serve

        for suffix in ("render", "judge"):
            try:
                serve.delete(f"{self.options.app_name}-{suffix}")
            except Exception:  # already gone (cluster shutting down)
                pass
