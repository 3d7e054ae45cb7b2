"""The reward server (`visual-erm serve`): FastAPI over a bounded, batching work queue.

Every request becomes a job on one queue. Dispatchers take a job, wait ``batch_window_ms`` for more jobs of the same
kind and options, and run them as one call of the runner (``reward_batch`` / ``render_many`` / the judge) in a worker
thread, so concurrent clients share the render pool. Rewards of a merged batch are re-scored per request with the
request's policy, so a batch-normalising policy (``paper``) never sees another client's items.

Admission is bounded: past ``max_queue`` waiting jobs a request gets 429 at once; a job that is not finished within
``request_timeout`` gets 504; while shutting down new work gets 503, queued work is finished (up to
``shutdown_grace`` seconds), then the runner closes its worker processes. A rendering that failed with
``crash`` (a worker killed under us) is retried ``retry_crashed`` times before it is answered as a crash.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from pydantic import BaseModel, Field

from visual_erm.types import TASKS, FailureKind

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


@dataclass(frozen=True)
class ServeConfig:
    """Options of the reward server.

    Args:
        host: interface to bind; keep ``127.0.0.1`` unless an API key and a firewall protect the port.
        port: TCP port.
        workers: render processes / judge threads per batch (None: the renderer's default, one per core).
        api_key: when set, every route except ``/healthz`` and the docs needs ``Authorization: Bearer KEY``,
            ``X-API-Key: KEY`` or ``?api_key=KEY`` (for clients such as OpenRLHF that cannot set headers).
        judge: default judge name for requests that name none.
        judge_options: default judge options (e.g. ``{"endpoint": ..., "model": ...}`` for ``lvlm``).
        policy: default reward policy.
        render_config: the renderer's config object (None: library defaults).
        max_queue: jobs allowed to wait; one more gets 429 (``Retry-After: 1``).
        max_items: items allowed in one request (413 beyond).
        max_body_bytes: request bodies larger than this get 413 before they are read.
        dispatchers: batches run at the same time (each in its own thread).
        max_batch: items merged into one runner call.
        batch_window_ms: how long a dispatcher waits for more jobs to merge; 0 disables merging delay.
        request_timeout: seconds a request may wait for its answer before 504.
        shutdown_grace: seconds to finish queued work on shutdown before it is answered 503.
        retry_crashed: how often an item whose rendering failed with ``crash`` is rendered again.
        image_root: folder references given as server paths may come from; None refuses paths (images are sent
            as base64 or data URLs then).
        default_task: task used by ``/get_reward`` when a label names none.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int | None = None
    api_key: str | None = None
    judge: str = "embedded"
    judge_options: dict[str, Any] | None = None
    policy: str = "auto"
    render_config: Any = None
    max_queue: int = 256
    max_items: int = 1024
    max_body_bytes: int = 256 * 1024 * 1024
    dispatchers: int = 2
    max_batch: int = 64
    batch_window_ms: float = 5.0
    request_timeout: float = 300.0
    shutdown_grace: float = 30.0
    retry_crashed: int = 1
    image_root: str | None = None
    default_task: str | None = None


# ---- runners: where the work happens (local threads/processes here, Ray in ray_backend) ----

class LocalRunner:
    """Runs jobs in this process: ``reward_batch``, ``render_many`` and judges built once per (name, options)."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self._judges: dict[tuple, Any] = {}

    def reward(self, tasks: list[str], completions: list[str], references: list[Any], *, judge: str,
               judge_options: dict | None, policy: str) -> list[Any]:
        from visual_erm.reward import reward_batch

        return reward_batch(tasks, completions, references, judge=self.judge(judge, judge_options), policy=policy,
                            render_config=self.config.render_config, workers=self.config.workers)

    def render(self, tasks: list[str], answers: list[str], formats: list[str | None]) -> list[Any]:
        from visual_erm.render import render_many

        return render_many(tasks, answers, formats=formats, config=self.config.render_config,
                           workers=self.config.workers)

    def judge_pairs(self, tasks: list[str], references: list[Any], candidates: list[Any], *, judge: str,
                    judge_options: dict | None) -> list[Any]:
        from visual_erm.images import load_image

        j = self.judge(judge, judge_options)
        return [j.judge(load_image(r), load_image(c), task=t) for t, r, c in zip(tasks, references, candidates)]

    def judge(self, name: str, options: dict | None) -> Any:
        from visual_erm.judge import get_judge

        key = (name, _freeze(options))
        if key not in self._judges:
            self._judges[key] = get_judge(name, **(options or {}))
        return self._judges[key]

    def close(self) -> None:
        """Stop the render pool's worker processes and close judges that hold connections."""
        from visual_erm.render import close as close_renderers

        for j in self._judges.values():
            closer = getattr(j, "close", None)
            if callable(closer):
                closer()
        close_renderers()


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


# ---- metrics: Prometheus text format without a client library ----

class Metrics:
    """Counters, gauges and latency histograms rendered in the Prometheus text exposition format."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, tuple], float] = defaultdict(float)
        self.hist: dict[str, list[float]] = {}
        self.hist_sum: dict[str, float] = defaultdict(float)
        self.gauges: dict[str, Callable[[], float]] = {}

    def inc(self, name: str, value: float = 1.0, **labels: str) -> None:
        self.counters[(name, tuple(sorted(labels.items())))] += value

    def observe(self, route: str, seconds: float) -> None:
        counts = self.hist.setdefault(route, [0.0] * (len(LATENCY_BUCKETS) + 1))
        for i, edge in enumerate(LATENCY_BUCKETS):
            if seconds <= edge:
                counts[i] += 1
        counts[-1] += 1
        self.hist_sum[route] += seconds

    def render(self) -> str:
        lines: list[str] = []
        seen: set[str] = set()
        for (name, labels), value in sorted(self.counters.items()):
            if name not in seen:
                lines.append(f"# TYPE visual_erm_{name} counter")
                seen.add(name)
            lab = ",".join(f'{k}="{v}"' for k, v in labels)
            lines.append(f"visual_erm_{name}{{{lab}}} {value:g}" if lab else f"visual_erm_{name} {value:g}")
        for name, fn in sorted(self.gauges.items()):
            lines += [f"# TYPE visual_erm_{name} gauge", f"visual_erm_{name} {fn():g}"]
        if self.hist:
            lines.append("# TYPE visual_erm_request_seconds histogram")
        for route, counts in sorted(self.hist.items()):
            for edge, c in zip(LATENCY_BUCKETS, counts):
                lines.append(f'visual_erm_request_seconds_bucket{{route="{route}",le="{edge:g}"}} {c:g}')
            lines.append(f'visual_erm_request_seconds_bucket{{route="{route}",le="+Inf"}} {counts[-1]:g}')
            lines.append(f'visual_erm_request_seconds_sum{{route="{route}"}} {self.hist_sum[route]:.6f}')
            lines.append(f'visual_erm_request_seconds_count{{route="{route}"}} {counts[-1]:g}')
        return "\n".join(lines) + "\n"


# ---- the work queue ----

class Rejected(Exception):
    """A request refused before it ran: ``status`` is the HTTP code (429 queue full, 503 shutting down, 504 timeout)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Job:
    kind: str  # reward | render | judge
    key: tuple  # jobs with equal kind and key may share one runner call
    items: list[tuple]
    future: asyncio.Future
    policy: str = "auto"
    enqueued: float = field(default_factory=time.perf_counter)


class WorkQueue:
    """Bounded queue of jobs served by ``config.dispatchers`` dispatcher tasks that merge compatible jobs."""

    def __init__(self, config: ServeConfig, runner: Any, metrics: Metrics):
        self.config, self.runner, self.metrics = config, runner, metrics
        self._waiting: deque[Job] = deque()
        self._cond: asyncio.Condition | None = None
        self._tasks: list[asyncio.Task] = []
        self._executor = ThreadPoolExecutor(max(1, config.dispatchers), thread_name_prefix="visual-erm-batch")
        self.closing = False
        self.running_items = 0
        metrics.gauges["queue_depth"] = lambda: float(len(self._waiting))
        metrics.gauges["running_items"] = lambda: float(self.running_items)

    async def start(self) -> None:
        self._cond = asyncio.Condition()
        self._tasks = [asyncio.create_task(self._dispatch(), name=f"dispatch-{i}")
                       for i in range(max(1, self.config.dispatchers))]

    async def submit(self, kind: str, key: tuple, items: list[tuple], *, policy: str = "auto") -> list[Any]:
        """Queue ``items`` and wait for their results; raises :class:`Rejected` for 429 / 503 / 504."""
        if self.closing:
            raise Rejected(503, "server is shutting down")
        if len(self._waiting) >= self.config.max_queue:
            self.metrics.inc("rejected_total", reason="queue_full")
            raise Rejected(429, f"queue full ({self.config.max_queue} jobs waiting); retry later")
        job = Job(kind, key, items, asyncio.get_running_loop().create_future(), policy)
        assert self._cond is not None
        async with self._cond:
            self._waiting.append(job)
            self._cond.notify()
        try:
            return await asyncio.wait_for(asyncio.shield(job.future), self.config.request_timeout)
        except asyncio.TimeoutError:
            job.future.cancel()  # a dispatcher that has not picked it up yet will skip it
            self.metrics.inc("rejected_total", reason="timeout")
            raise Rejected(504, f"no answer within {self.config.request_timeout:g} s") from None

    async def _next_batch(self) -> list[Job]:
        assert self._cond is not None
        async with self._cond:
            await self._cond.wait_for(lambda: bool(self._waiting) or (self.closing and not self._waiting))
            if not self._waiting:
                return []
            first = self._waiting.popleft()
        if first.future.done():
            return []
        if self.config.batch_window_ms > 0 and len(first.items) < self.config.max_batch:
            await asyncio.sleep(self.config.batch_window_ms / 1000.0)
        batch, n = [first], len(first.items)
        async with self._cond:
            keep: deque[Job] = deque()
            while self._waiting:
                job = self._waiting.popleft()
                if job.future.done():
                    continue
                if job.kind == first.kind and job.key == first.key and n + len(job.items) <= self.config.max_batch:
                    batch.append(job)
                    n += len(job.items)
                else:
                    keep.append(job)
            self._waiting.extendleft(reversed(keep))
        return batch

    async def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._next_batch()
            if not batch:
                if self.closing and not self._waiting:
                    return
                continue
            items = [it for job in batch for it in job.items]
            self.running_items += len(items)
            self.metrics.inc("batches_total", kind=batch[0].kind)
            self.metrics.inc("batch_items_total", len(items), kind=batch[0].kind)
            try:
                results = await loop.run_in_executor(self._executor, self._run, batch[0], items)
            except Exception as exc:  # a bug in a stage: retry each job alone so one bad request fails alone
                log.exception("batch of %d %s items failed", len(items), batch[0].kind)
                if len(batch) > 1:
                    async with self._cond:  # type: ignore[union-attr]
                        self._waiting.extendleft(reversed([_alone(j) for j in batch]))
                        self._cond.notify_all()  # type: ignore[union-attr]
                else:
                    for job in batch:
                        if not job.future.done():
                            job.future.set_exception(exc)
            else:
                start = 0
                for job in batch:
                    part = results[start:start + len(job.items)]
                    start += len(job.items)
                    if job.kind == "reward":
                        part = _rescore(part, job.policy)
                    if not job.future.done():
                        job.future.set_result(part)
            finally:
                self.running_items -= len(items)

    def _run(self, job: Job, items: list[tuple]) -> list[Any]:
        """One runner call for a merged batch (in a worker thread), with crashed renderings retried."""
        cols = [list(c) for c in zip(*items)]
        key = dict(job.key)
        if job.kind == "reward":
            call = lambda idx: self.runner.reward(*[[c[i] for i in idx] for c in cols], judge=key["judge"],  # noqa: E731
                                                  judge_options=key["judge_options"], policy=job.policy)
            get_rendering = lambda r: r.rendering  # noqa: E731
        elif job.kind == "render":
            call = lambda idx: self.runner.render(*[[c[i] for i in idx] for c in cols])  # noqa: E731
            get_rendering = lambda r: r  # noqa: E731
        else:
            return self.runner.judge_pairs(*cols, judge=key["judge"], judge_options=key["judge_options"])
        results = list(call(list(range(len(items)))))
        for _ in range(max(0, self.config.retry_crashed)):
            crashed = [i for i, r in enumerate(results) if get_rendering(r).failure == FailureKind.CRASH]
            if not crashed:
                break
            self.metrics.inc("crash_retries_total", len(crashed))
            for i, r in zip(crashed, call(crashed)):
                results[i] = r
        return results

    async def close(self) -> None:
        """Finish queued work within ``shutdown_grace`` seconds, answer the rest 503, stop dispatchers and the runner."""
        self.closing = True
        if self._cond is not None:
            async with self._cond:
                self._cond.notify_all()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=self.config.shutdown_grace)
            for task in pending:
                task.cancel()
        for job in self._waiting:
            if not job.future.done():
                job.future.set_exception(Rejected(503, "server shut down before this request ran"))
        self._waiting.clear()
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)
        await asyncio.to_thread(self.runner.close)


def _alone(job: Job) -> Job:
    """The same job keyed so that it is never merged again."""
    job.key = job.key + (("alone", id(job)),)
    return job


def _rescore(results: list[Any], policy: str) -> list[Any]:
    """Apply ``policy`` to one request's own items (merged batches must not mix clients in batch-relative policies)."""
    from visual_erm.reward import score_verdicts

    if not results:
        return results
    tasks = [r.rendering.task or (r.verdict.task if r.verdict else "chart") for r in results]
    fresh = score_verdicts(tasks, [r.rendering for r in results], [r.verdict for r in results], policy=policy)
    for old, new in zip(results, fresh):
        new.timings = old.timings
    return fresh


# ---- the HTTP layer ----

class RewardRequest(BaseModel):
    """Score completions against reference images (``/v1/reward``)."""

    task: Union[str, list[str]] = Field(..., description="chart | table | svg, one for all items or one per item")
    completions: list[str] = Field(..., description="policy answers (code is extracted from each)")
    references: Union[str, list[str]] = Field(..., description="base64 / data URL reference image(s); one shared "
                                                              "by all items (a GRPO group) or one per item")
    judge: Optional[str] = None
    judge_options: Optional[dict[str, Any]] = None
    policy: Optional[str] = None
    include_verdict: bool = True


class RenderRequest(BaseModel):
    task: Union[str, list[str]]
    answers: list[str]
    format: Optional[str] = Field(None, description="html | markdown | latex for tables; auto when omitted")
    include_image: bool = True


class JudgeRequest(BaseModel):
    task: str
    reference: str
    candidate: str
    judge: Optional[str] = None
    judge_options: Optional[dict[str, Any]] = None


class OpenRLHFRequest(BaseModel):
    query: list[str]
    prompts: Optional[list[str]] = None
    labels: Optional[list[Any]] = None


def create_app(config: ServeConfig | None = None, *, runner: Any = None):
    """The FastAPI application. ``runner`` defaults to :class:`LocalRunner`; ``ray_backend`` passes a Ray one."""
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, HTTPException, Request
    from fastapi.responses import JSONResponse, PlainTextResponse

    cfg = config or ServeConfig()
    metrics = Metrics()
    queue = WorkQueue(cfg, runner or LocalRunner(cfg), metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await queue.start()
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            await queue.close()

    app = FastAPI(
        title="visual-erm reward server",
        version=_version(),
        description="Render vision-to-code answers in a sandbox, judge them against the reference image in visual "
                    "space and return rewards with fine-grained discrepancies. Images travel as base64 PNG/JPEG or "
                    "data URLs (server paths only under --image-root).",
        lifespan=lifespan,
    )
    app.state.queue, app.state.metrics, app.state.config = queue, metrics, cfg

    @app.middleware("http")
    async def guard(request: Request, call_next):
        route = request.url.path
        started = time.perf_counter()
        open_routes = ("/healthz", "/docs", "/openapi.json", "/redoc")
        if cfg.api_key and route not in open_routes and not _authorised(request, cfg.api_key):
            response = JSONResponse({"detail": "missing or wrong API key"}, status_code=401,
                                    headers={"WWW-Authenticate": "Bearer"})
        elif int(request.headers.get("content-length") or 0) > cfg.max_body_bytes:
            response = JSONResponse({"detail": f"body larger than {cfg.max_body_bytes} bytes"}, status_code=413)
        else:
            response = await call_next(request)
        if route not in open_routes:
            metrics.inc("requests_total", route=route, code=str(response.status_code))
            metrics.observe(route, time.perf_counter() - started)
        return response

    async def run(kind: str, key: tuple, items: list[tuple], policy: str = "auto") -> list[Any]:
        if len(items) > cfg.max_items:
            raise HTTPException(413, f"{len(items)} items; at most {cfg.max_items} per request")
        try:
            return await queue.submit(kind, key, items, policy=policy)
        except Rejected as exc:
            headers = {"Retry-After": "1"} if exc.status in (429, 503) else None
            raise HTTPException(exc.status, str(exc), headers=headers) from None

    async def image(value: Any, what: str) -> Any:
        """A request's image field as an RGB array, decoded here so a bad image is this request's 400 alone."""
        from visual_erm.images import load_image

        if not isinstance(value, str) or not value:
            raise HTTPException(400, f"{what}: expected base64 image bytes, a data URL or a path")
        source: Any = value if value.startswith("data:") else _b64_image(value)
        if source is None:
            if cfg.image_root is None:
                raise HTTPException(400, f"{what}: not a base64 image, and server paths are refused (start the "
                                         "server with --image-root to allow them)")
            source = _under_root(value, cfg.image_root, what)
        try:
            return await asyncio.to_thread(load_image, source)
        except Exception as exc:  # undecodable or oversized image: the client's fault
            raise HTTPException(400, f"{what}: cannot decode image ({type(exc).__name__}: {exc})") from None

    def judge_key(judge: str | None, options: dict | None) -> tuple:
        return (("judge", judge or cfg.judge), ("judge_options", _freeze(options if options is not None
                                                                           else cfg.judge_options)))

    def per_item(value: Any, n: int, what: str) -> list[Any]:
        if isinstance(value, list):
            if len(value) != n:
                raise HTTPException(422, f"{what}: {len(value)} given for {n} items")
            return value
        return [value] * n

    def tasks_of(value: Any, n: int) -> list[str]:
        tasks = per_item(value, n, "task")
        bad = sorted({t for t in tasks if t not in TASKS})
        if bad:
            raise HTTPException(422, f"unknown task(s) {bad}; expected {list(TASKS)}")
        return tasks

    @app.post("/v1/reward", tags=["reward"], summary="Reward completions against reference images")
    async def reward_route(req: RewardRequest) -> dict[str, Any]:
        from visual_erm.adapters import numeric_extras

        n = len(req.completions)
        tasks = tasks_of(req.task, n)
        refs = per_item(req.references, n, "references")
        decoded = {r: await image(r, "reference") for r in dict.fromkeys(refs)}
        items = [(t, c, decoded[r]) for t, c, r in zip(tasks, req.completions, refs)]
        results = await run("reward", judge_key(req.judge, req.judge_options), items, req.policy or cfg.policy)
        out = []
        for r in results:
            row = {"score": r.score, "policy": r.policy, "extras": numeric_extras(r),
                   "rendering": r.rendering.summary(), "timings": r.timings}
            if req.include_verdict:
                row["verdict"] = r.verdict.to_dict() if r.verdict is not None else None
                row["judge_error"] = r.verdict.parse_error if r.verdict is not None else None
            out.append(row)
        metrics.inc("items_total", n, kind="reward")
        for r in results:
            if r.rendering.failure is not None:
                metrics.inc("render_failures_total", kind=r.rendering.failure.value)
        return {"results": out, "scores": [r.score for r in results]}

    @app.post("/v1/render", tags=["render"], summary="Render answers in the sandbox")
    async def render_route(req: RenderRequest) -> dict[str, Any]:
        import base64

        from visual_erm.images import encode_png

        n = len(req.answers)
        items = [(t, a, req.format) for t, a in zip(tasks_of(req.task, n), req.answers)]
        results = await run("render", (), items)
        out = []
        for r in results:
            row = r.summary()
            if req.include_image and r.image is not None:
                row["image_png_b64"] = base64.b64encode(encode_png(r.image)).decode("ascii")
            out.append(row)
        return {"results": out}

    @app.post("/v1/judge", tags=["judge"], summary="Judge a candidate image against a reference image")
    async def judge_route(req: JudgeRequest) -> dict[str, Any]:
        (verdict,) = await run("judge", judge_key(req.judge, req.judge_options),
                               [(tasks_of(req.task, 1)[0], await image(req.reference, "reference"),
                                 await image(req.candidate, "candidate"))])
        return {"verdict": verdict.to_dict(), "ok": verdict.ok, "parse_error": verdict.parse_error,
                "severity_sum": verdict.severity_sum, "score": verdict.score, "judge": verdict.judge,
                "seconds": verdict.seconds}

    @app.post("/get_reward", tags=["openrlhf"], summary="OpenRLHF remote reward protocol")
    async def openrlhf_route(req: OpenRLHFRequest) -> dict[str, Any]:
        from visual_erm.adapters import parse_label, resolve_task
        from visual_erm.adapters.openrlhf import pack, response_of

        n = len(req.query)
        prompts = per_item(req.prompts if req.prompts is not None else "", n, "prompts")
        labels = per_item(req.labels, n, "labels") if req.labels is not None else [None] * n
        items = []
        for q, p, lab in zip(req.query, prompts, labels):
            info = parse_label(lab) if lab is not None else {}
            try:
                task = resolve_task(task=cfg.default_task, info=info)
            except ValueError as exc:
                raise HTTPException(422, str(exc)) from None
            ref = next((info[k] for k in ("gt_img_path", "gt_image", "reference", "image") if info.get(k)), None)
            items.append((task, response_of(q, p or ""), await image(ref, "label reference")))
        results = await run("reward", judge_key(None, None), items, cfg.policy)
        return pack(results)

    @app.get("/healthz", tags=["ops"], summary="Liveness and queue state")
    async def healthz() -> dict[str, Any]:
        ready = getattr(app.state, "ready", False) and not queue.closing
        body = {"status": "ok" if ready else "draining", "queue_depth": len(queue._waiting),
                "running_items": queue.running_items, "judge": cfg.judge, "policy": cfg.policy}
        if not ready:
            raise HTTPException(503, body)
        return body

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", response_class=PlainTextResponse)
    async def metrics_route():
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    return app


_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"BM", b"II*\x00", b"MM\x00*")


def _b64_image(value: str) -> bytes | None:
    """Decoded bytes when ``value`` is base64 of an image file, else None (then it may be a path)."""
    import base64
    import binascii

    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if raw.startswith(_IMAGE_MAGIC) else None


def _authorised(request: Any, key: str) -> bool:
    # Clients that cannot set headers (OpenRLHF's reward client) may pass ?api_key=KEY in the URL.
    given = request.headers.get("x-api-key") or request.query_params.get("api_key") or ""
    auth = request.headers.get("authorization") or ""
    if auth.lower().startswith("bearer "):
        given = given or auth[7:].strip()
    return bool(given) and hmac.compare_digest(given.encode(), key.encode())


def _under_root(path: str, root: str, what: str) -> str:
    import os

    from fastapi import HTTPException

    full = os.path.realpath(os.path.join(root, path))
    base = os.path.realpath(root)
    if os.path.commonpath([full, base]) != base:
        raise HTTPException(400, f"{what}: path escapes the image root")
    if not os.path.isfile(full):
        raise HTTPException(400, f"{what}: no such file under the image root: {path}")
    return full


def _version() -> str:
    from visual_erm import __version__

    return __version__


def serve(config: ServeConfig, *, runner: Any = None, log_level: str = "info") -> None:
    """Run the server with uvicorn until SIGINT/SIGTERM; the lifespan hook drains the queue and stops workers."""
    import uvicorn

    uvicorn.run(create_app(config, runner=runner), host=config.host, port=config.port, log_level=log_level,
                timeout_graceful_shutdown=int(config.shutdown_grace) + 5)
