"""Render stage: a model's code → a Rendering (image or typed failure), sandboxed.

Charts and SVG go through a warm pool of sandboxed fork-server workers; tables go through a warm, sandboxed
Chromium (HTML, Markdown) or pdflatex (LaTeX). Failures are values, never exceptions.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Callable, Sequence

import numpy as np

from visual_erm.extract import extract
from visual_erm.images import as_rgb, is_uniform, load_image
from visual_erm.render.config import DEFAULT_CONFIG, RenderConfig
from visual_erm.render.sandbox import SandboxConfig
from visual_erm.types import Extraction, FailureKind, Rendering, check_task

__all__ = ["RenderConfig", "SandboxConfig", "render", "render_code", "render_many", "close"]

_POOL_KINDS = {"chart": "chart", "svg": "svg"}


def render(task: str, answer: str, *, format: str | None = None, config: RenderConfig | None = None) -> Rendering:
    """Extract the code from a model's ``answer`` and render it.

    Args:
        task: ``chart``, ``svg`` or ``table``.
        answer: the model's whole answer (fenced code is found) or bare code.
        format: for tables, ``html``, ``markdown`` or ``latex``; ``None`` detects it from the answer.
        config: rendering options; the default renders charts at 100 dpi and SVG at 512 px.
    """
    return render_many(task, [answer], formats=[format], config=config)[0]


def render_code(task: str, code: str, *, language: str | None = None, config: RenderConfig | None = None) -> Rendering:
    """Render code that is already extracted (no fence search). ``language`` is needed for tables."""
    check_task(task)
    lang = language or {"chart": "python", "svg": "svg"}.get(task)
    if lang is None:
        lang = extract(task, code).language or "html"
    return _render_extractions([Extraction(task, code, lang, "given")], config or DEFAULT_CONFIG, None)[0]


def render_many(
    task: str | Sequence[str],
    answers: Sequence[str],
    *,
    formats: Sequence[str | None] | None = None,
    config: RenderConfig | None = None,
    workers: int | None = None,
    progress: bool | Callable[[], None] = False,
) -> list[Rendering]:
    """Render many answers in parallel; results come back in input order and one failure never spoils the batch.

    Args:
        task: one task for all answers, or one task per answer.
        answers: model answers or bare code.
        formats: per-answer table format (``html``/``markdown``/``latex``) or ``None`` to detect.
        config: rendering options (``config.workers`` sizes the pool).
        workers: overrides ``config.workers`` for this call's pool.
        progress: ``True`` for a progress bar on stderr, or a callable invoked once per finished item.
    """
    config = config or DEFAULT_CONFIG
    if workers:
        config = dataclasses.replace(config, workers=workers)
    tasks = [task] * len(answers) if isinstance(task, str) else list(task)
    if len(tasks) != len(answers):
        raise ValueError(f"{len(tasks)} tasks for {len(answers)} answers")
    fmts = list(formats) if formats is not None else [None] * len(answers)
    extractions = [extract(check_task(t), a or "", language=f) for t, a, f in zip(tasks, answers, fmts)]
    bar = None
    tick: Callable[[], None] | None = None
    if callable(progress):
        tick = progress
    elif progress:
        from tqdm import tqdm

        bar = tqdm(total=len(answers), desc="render", unit="item", leave=False)
        tick = bar.update
    try:
        return _render_extractions(extractions, config, tick)
    finally:
        if bar is not None:
            bar.close()


def _render_extractions(items: list[Extraction], config: RenderConfig, tick: Callable[[], None] | None) -> list[Rendering]:
    results: list[Rendering | None] = [None] * len(items)
    pool_jobs: list[tuple[int, tuple]] = []
    table_jobs: list[tuple[int, Extraction]] = []
    for i, ex in enumerate(items):
        if not ex.found:
            results[i] = Rendering.failed(FailureKind.NO_CODE, f"no {ex.task} code found in the answer", task=ex.task)
            if tick:
                tick()
        elif ex.task == "table":
            table_jobs.append((i, ex))
        else:
            options = {"dpi": config.dpi, "figures": config.figures, "max_pixels": config.max_pixels,
                       "svg_size": config.svg_size, "svg_keep_aspect": config.svg_keep_aspect}
            pool_jobs.append((i, (_POOL_KINDS[ex.task], ex.code, options)))

    if pool_jobs:
        from visual_erm.render.pool import get_pool

        pool = get_pool(config)
        outcomes = pool.map([job for _, job in pool_jobs], on_done=tick)
        for (i, _), outcome in zip(pool_jobs, outcomes):
            ex = items[i]
            results[i] = _to_rendering(outcome, ex)
    if table_jobs:
        from visual_erm.render import table

        done = table.render_tables([ex.code for _, ex in table_jobs], [ex.language for _, ex in table_jobs],
                                   config=config, progress=tick)
        for (i, _), rendering in zip(table_jobs, done):
            results[i] = rendering
    return [r for r in results if r is not None]


def _to_rendering(outcome, ex: Extraction) -> Rendering:
    meta = {"task": ex.task, "language": ex.language, "seconds": outcome.seconds}
    if outcome.status != "ok":
        try:
            kind = FailureKind(outcome.status)
        except ValueError:
            kind = FailureKind.CRASH
        return Rendering.failed(kind, outcome.message, **meta)
    start = time.monotonic()
    try:
        if outcome.encoding == "rgba":
            rgba = np.frombuffer(outcome.data, dtype=np.uint8).reshape(outcome.height, outcome.width, 4)
            image = as_rgb(rgba) if rgba[:, :, 3].min() < 255 else np.ascontiguousarray(rgba[:, :, :3])
        else:
            image = load_image(outcome.data)
    except Exception as exc:  # a corrupt or hostile image from the sandbox is a failed job, not a host error
        return Rendering.failed(FailureKind.CRASH, f"unreadable image from the renderer: {exc}", **meta)
    meta["seconds"] = outcome.seconds + (time.monotonic() - start)
    return finish_image(image, outcome.message, **meta)


def finish_image(image: np.ndarray, message: str = "", **meta) -> Rendering:
    """Wrap a rendered image; a uniform canvas is a BLANK failure that keeps the image for inspection."""
    if is_uniform(image):
        return Rendering(ok=False, image=image, failure=FailureKind.BLANK,
                         message=message or "the rendering is a uniform, empty canvas", **meta)
    return Rendering(ok=True, image=image, message=message, **meta)


def close() -> None:
    """Stop warm workers and browsers now (they also stop at interpreter exit)."""
    from visual_erm.render.pool import close_pools

    close_pools()
    try:
        from visual_erm.render import table
    except ImportError:
        return
    table.close()
