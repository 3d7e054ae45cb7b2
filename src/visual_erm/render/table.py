"""Tables: HTML, Markdown and LaTeX table code to an image, cropped to the table.

HTML and Markdown are pasted into one fixed page (``table.css``: the release's stylesheet) and screenshotted by
Debian's Chromium, driven by playwright. Chromium runs inside the shared sandbox (bubblewrap: no network, no host
files beyond the runtime), with JavaScript off and every request aborted by a route, on top of the sanitiser in
:mod:`visual_erm.render.html_clean`. Each pool worker keeps one warm browser with one page; a hung page or a
crashed browser is killed and replaced, and the batch goes on. LaTeX goes through :mod:`visual_erm.render.latex`.

The browsers live on one private asyncio loop in a daemon thread, so the public functions are plain blocking
calls that work from any thread, including one that already runs an event loop.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import functools
import hashlib
import os
import re
import shlex
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from markdown_it import MarkdownIt
from PIL import Image

from visual_erm.images import is_uniform, load_image
from visual_erm.render.config import DEFAULT_CONFIG, RenderConfig
from visual_erm.render.html_clean import sanitize_html
from visual_erm.render.latex import render_latex
from visual_erm.render.sandbox import SandboxConfig, bwrap_argv, resolve_backend, sandbox_env
from visual_erm.types import FailureKind, Rendering

LANGUAGES = ("html", "markdown", "latex")
STYLESHEET = Path(__file__).with_name("table.css").read_text(encoding="utf-8")
VIEWPORT = {"width": 1280, "height": 720}
MAX_SOURCE_BYTES = 2 << 20
MAX_PAGE_SIDE = 16_384  # Chromium cannot screenshot beyond this; larger pages are refused as too_large
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = (
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-extensions",
    "--force-color-profile=srgb",
    "--no-first-run",
)
OWNER_FLAG = "--visual-erm-owner"  # an inert switch on every browser we start, so tests can find leftovers
_LAUNCH_TIMEOUT_MS = 30_000
_CLOSE_TIMEOUT_S = 5.0
_ATTEMPTS = 3  # a browser found dead mid-job may have died of an earlier cause: retry on fresh ones before blaming the table

_HTML_TAG = re.compile(r"<\s*(table|tr|td|th|thead|tbody|html|body|div)\b", re.IGNORECASE)


# ---------------------------------------------------------------- pure parts: page, crop, thumbnail


def looks_like_html(text: str) -> bool:
    """True when "Markdown" is really HTML table markup (what table-to-Markdown models often answer)."""
    return bool(_HTML_TAG.search(text))


@functools.lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def markdown_to_html(text: str) -> str:
    """HTML for Markdown text (CommonMark plus GFM pipe tables); raw HTML inside is kept for the sanitiser."""
    return _markdown().render(text)


def table_page(code: str, *, language: str) -> str:
    """The complete page Chromium renders for HTML or Markdown table code.

    Args:
        code: the model's table code.
        language: ``html`` or ``markdown``; Markdown that holds HTML table markup is treated as HTML.

    The sanitised code is pasted into ``<body>`` after :data:`STYLESHEET`, so a model's own ``<style>`` rules
    apply on top of the fixed sheet, as in the release.
    """
    if language == "markdown" and not looks_like_html(code):
        code = markdown_to_html(code)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><style>\n'
        + STYLESHEET
        + "</style></head><body>\n"
        + sanitize_html(code)
        + "\n</body></html>\n"
    )


def crop_to_content(image: np.ndarray, *, margin: int = 12, tolerance: int = 8) -> np.ndarray | None:
    """Crop an ``(H, W, 3)`` uint8 image to what differs from its background, plus ``margin`` pixels.

    Args:
        image: the page screenshot; its top-left pixel is taken as the background colour.
        margin: pixels kept on every side; where the image has fewer, it is padded with the background.
        tolerance: largest per-channel difference still counted as background (anti-aliasing, JPEG noise).

    Returns the cropped ``(h, w, 3)`` uint8 array, or None when nothing differs from the background.
    """
    background = image[0, 0].astype(np.int16)
    mask = (np.abs(image.astype(np.int16) - background) > tolerance).any(axis=2)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    out = np.empty((bottom - top + 2 * margin, right - left + 2 * margin, 3), dtype=np.uint8)
    out[:] = image[0, 0]
    out[margin: margin + bottom - top, margin: margin + right - left] = image[top:bottom, left:right]
    return out


def thumbnail(image: np.ndarray, *, max_side: int | None) -> np.ndarray:
    """Downscale ``image`` so its longest side is at most ``max_side`` (aspect kept; never upscales)."""
    if not max_side or max(image.shape[:2]) <= max_side:
        return image
    im = Image.fromarray(image)
    im.thumbnail((max_side, max_side), Image.LANCZOS)
    return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()


def finish(rendering: Rendering, *, config: RenderConfig) -> Rendering:
    """Crop an ok rendering to content plus ``config.table_margin``, thumbnail it, and flag a blank one."""
    if not rendering.ok or rendering.image is None:
        return rendering
    cropped = crop_to_content(rendering.image, margin=config.table_margin)
    if cropped is None or is_uniform(cropped):
        rendering.ok, rendering.failure, rendering.message = False, FailureKind.BLANK, "the table rendered as a blank page"
        return rendering
    rendering.image = thumbnail(cropped, max_side=config.table_max_side)
    return rendering


# ---------------------------------------------------------------- public entry points


def render_table(code: str, *, language: str, config: RenderConfig = DEFAULT_CONFIG) -> Rendering:
    """Render one table to an ``(H, W, 3)`` uint8 RGB image cropped to content plus ``config.table_margin``.

    Args:
        code: the table code (already extracted from the model's answer).
        language: ``html``, ``markdown`` or ``latex``.
        config: ``sandbox.wall_seconds`` bounds each table; ``table_margin`` and ``table_max_side`` shape the image.

    Failures are values: ``no_code`` (empty code), ``too_large`` (source over 2 MiB or a page beyond 16384 px),
    ``timeout`` (the page was killed), ``crash`` (the browser died on every try), LaTeX's own kinds (see
    :func:`visual_erm.render.latex.render_latex`), and ``blank`` when nothing was drawn.
    """
    return render_tables([code], [language], config=config)[0]


def render_tables(
    codes: Sequence[str],
    languages: Sequence[str],
    *,
    config: RenderConfig = DEFAULT_CONFIG,
    progress: Callable[[], None] | None = None,
) -> list[Rendering]:
    """Render many tables over the warm pool; results come back in input order.

    Args:
        codes: table code per item.
        languages: ``html``, ``markdown`` or ``latex`` per item (same length as ``codes``).
        config: as for :func:`render_table`; ``pool_size()`` browsers (one warm page each) serve the batch and
            as many LaTeX compiles run at once.
        progress: called with no arguments, in the caller's thread, each time an item finishes (``tqdm(...).update``
            fits), as ``visual_erm.render.render_many`` passes it.

    One item's failure never touches the others: a hung page is killed and its browser replaced, and an item
    whose browser died is retried on fresh browsers (three tries in all) before it is reported as ``crash``.
    """
    if len(codes) != len(languages):
        raise ValueError(f"{len(codes)} codes but {len(languages)} languages")
    for language in languages:
        if language not in LANGUAGES:
            raise ValueError(f"unknown table language {language!r}; expected one of {', '.join(LANGUAGES)}")
    results: list[Rendering | None] = [None] * len(codes)
    pending: dict[concurrent.futures.Future, int] = {}
    pool = None
    for i, (code, language) in enumerate(zip(codes, languages)):
        refused = _refuse(code, language)
        if refused is not None:
            results[i] = refused
            if progress:
                progress()
            continue
        pool = pool or _get_pool()
        # Pages are built (Markdown parsed, HTML sanitised) here, off the browsers' event loop.
        source = code if language == "latex" else table_page(code, language=language)
        pending[pool.submit(source, language, config)] = i
    for future in concurrent.futures.as_completed(pending):
        results[pending[future]] = finish(future.result(), config=config)
        if progress:
            progress()
    return [r for r in results if r is not None]


def render_pages(pages: Sequence[str], *, config: RenderConfig = DEFAULT_CONFIG) -> list[Rendering]:
    """Screenshot complete HTML pages as they are, without the sanitiser (trusted pages, and tests of the browser's
    own containment: JavaScript off, requests aborted, no network namespace).

    Args:
        pages: whole HTML documents.
        config: as for :func:`render_table`.
    """
    pool = _get_pool()
    futures = [pool.submit(page, "html", config) for page in pages]
    return [finish(f.result(), config=config) for f in futures]


def close() -> None:
    """Shut the warm browsers down and stop their thread; the next render starts fresh ones."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None and pool.pid == os.getpid():
        pool.shutdown()


def _refuse(code: str, language: str) -> Rendering | None:
    meta = {"task": "table", "language": language}
    if not code or not code.strip():
        return Rendering.failed(FailureKind.NO_CODE, "empty table code", **meta)
    if len(code.encode("utf-8", "replace")) > MAX_SOURCE_BYTES:
        return Rendering.failed(FailureKind.TOO_LARGE, f"table code over {MAX_SOURCE_BYTES} bytes", **meta)
    return None


# ---------------------------------------------------------------- the warm pool

_POOL: "_TablePool | None" = None
_POOL_LOCK = threading.Lock()


def _get_pool() -> "_TablePool":
    global _POOL
    with _POOL_LOCK:
        # After a fork the parent's loop thread and browsers are not ours to use or to close.
        if _POOL is None or _POOL.pid != os.getpid():
            _POOL = _TablePool()
        return _POOL


atexit.register(close)


class _TablePool:
    """Browsers and LaTeX threads behind one private event loop."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="visual-erm-tables", daemon=True)
        self.thread.start()
        self.playwright = None
        self.workers: list[_BrowserWorker] = []
        self.idle: asyncio.Queue | None = None
        self.executor: concurrent.futures.ThreadPoolExecutor | None = None
        self.executor_size = 0
        self.started = asyncio.run_coroutine_threadsafe(self._start(), self.loop)
        self.started.result()

    async def _start(self) -> None:
        self.idle = asyncio.Queue()
        self.growing = asyncio.Lock()

    def submit(self, source: str, language: str, config: RenderConfig) -> concurrent.futures.Future:
        """Queue LaTeX code, or a finished HTML page (for ``html`` and ``markdown``)."""
        return asyncio.run_coroutine_threadsafe(self._render(source, language, config), self.loop)

    async def _render(self, code: str, language: str, config: RenderConfig) -> Rendering:
        size = config.pool_size()
        if language == "latex":
            if self.executor is None or self.executor_size < size:
                # Each thread only waits on a sandboxed pdflatex; the old executor finishes its jobs on its own.
                self.executor = concurrent.futures.ThreadPoolExecutor(size, thread_name_prefix="visual-erm-latex")
                self.executor_size = size
            call = functools.partial(render_latex, code, config=config.sandbox)
            return await self.loop.run_in_executor(self.executor, call)
        await self._grow(size)
        worker = await self.idle.get()
        try:
            return await worker.render(code, language, config)
        finally:
            self.idle.put_nowait(worker)

    async def _grow(self, size: int) -> None:
        # Concurrent first jobs must share one playwright driver, not each start (and leak) their own.
        async with self.growing:
            await self._grow_locked(size)

    async def _grow_locked(self, size: int) -> None:
        if self.playwright is None:
            from playwright.async_api import async_playwright

            self.playwright = await async_playwright().start()
        while len(self.workers) < size:
            worker = _BrowserWorker(self.playwright, index=len(self.workers))
            self.workers.append(worker)
            self.idle.put_nowait(worker)

    def shutdown(self) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(timeout=30)
        except Exception:  # whatever went wrong closing politely, the processes still go
            for worker in self.workers:
                worker.kill()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        if self.executor is not None:
            self.executor.shutdown(wait=True)

    async def _stop(self) -> None:
        await asyncio.gather(*(w.stop() for w in self.workers), return_exceptions=True)
        if self.playwright is not None:
            await self.playwright.stop()
            self.playwright = None


class _BrowserWorker:
    """One sandboxed Chromium with one page, restarted when it hangs, crashes or has served ``recycle_after`` jobs."""

    def __init__(self, playwright, *, index: int) -> None:
        self.playwright = playwright
        self.index = index
        self.browser = None
        self.page = None
        self.jobs = 0
        self.sandbox_key: tuple | None = None
        self.pidfile = _runtime_dir() / f"browser-{os.getpid()}-{index}.pid"

    async def render(self, page_html: str, language: str, config: RenderConfig) -> Rendering:
        start = time.monotonic()
        meta = {"task": "table", "language": language}
        error = ""
        for _attempt in range(_ATTEMPTS):
            try:
                try:
                    # Bounded as a whole: a browser killed while its context or page is being made can leave
                    # playwright waiting on a pipe that never answers.
                    await asyncio.wait_for(self._ensure(config), timeout=_LAUNCH_TIMEOUT_MS / 1000 + 2 * _CLOSE_TIMEOUT_S)
                except asyncio.TimeoutError as exc:
                    raise _BrowserStuck("the browser did not start or open a page in time") from exc
                image = await asyncio.wait_for(self._shoot(page_html), timeout=config.sandbox.wall_seconds)
            except asyncio.TimeoutError:
                await self.stop()
                return Rendering.failed(
                    FailureKind.TIMEOUT,
                    f"the page took over {config.sandbox.wall_seconds:g} s; browser killed",
                    seconds=time.monotonic() - start,
                    **meta,
                )
            except _BrowserStuck as exc:
                error = str(exc)
                await self.stop()
                continue
            except _PageTooLarge as exc:
                return Rendering.failed(FailureKind.TOO_LARGE, str(exc), seconds=time.monotonic() - start, **meta)
            except Exception as exc:  # playwright.Error or a dead pipe
                error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"[:300]
                if self._died(exc):
                    await self.stop()
                    continue
                # The page itself misbehaved (a meta refresh navigated away): blame the table, start a clean page.
                await self._new_page()
                kind = FailureKind.FORBIDDEN if "navigat" in error else FailureKind.RUNTIME
                return Rendering.failed(kind, error, seconds=time.monotonic() - start, **meta)
            self.jobs += 1
            if self.jobs >= config.recycle_after:
                await self.stop()
            return Rendering(ok=True, image=image, seconds=time.monotonic() - start, **meta)
        return Rendering.failed(FailureKind.CRASH, f"browser died {_ATTEMPTS} times: {error}"[:400], seconds=time.monotonic() - start, **meta)

    async def _shoot(self, page_html: str) -> np.ndarray:
        page = self.page
        await page.set_content(page_html, wait_until="load")
        width, height, right, bottom = await page.evaluate(_MEASURE_JS)
        if width > MAX_PAGE_SIDE or height > MAX_PAGE_SIDE:
            raise _PageTooLarge(f"page of {width}x{height} px exceeds {MAX_PAGE_SIDE} px")
        # Clip to the content's extent (plus slack for borders and shadows) so less PNG is encoded and decoded.
        clip = {"x": 0, "y": 0, "width": max(1, min(width, right + 32)), "height": max(1, min(height, bottom + 32))}
        png = await page.screenshot(clip=clip, full_page=True, animations="disabled", caret="hide", type="png")
        return load_image(png)

    async def _ensure(self, config: RenderConfig) -> None:
        key = (resolve_backend(config.sandbox),)
        if self.page is not None and not self.page.is_closed() and self.browser.is_connected() and key == self.sandbox_key:
            return
        await self.stop()
        self.pidfile.unlink(missing_ok=True)
        self.browser = await self.playwright.chromium.launch(
            executable_path=str(chromium_wrapper(config.sandbox)),
            args=[*CHROMIUM_ARGS, f"{OWNER_FLAG}={os.getpid()}"],
            env={"PATH": "/usr/bin:/bin", "VISUAL_ERM_PIDFILE": str(self.pidfile)},
            timeout=_LAUNCH_TIMEOUT_MS,
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
        )
        await self._new_page()
        self.sandbox_key, self.jobs = key, 0

    async def _new_page(self) -> None:
        if self.page is not None:
            try:
                await asyncio.wait_for(self.page.context.close(), timeout=_CLOSE_TIMEOUT_S)
            except Exception:  # the old context is gone with its page either way
                pass
        context = await self.browser.new_context(
            java_script_enabled=False,
            viewport=VIEWPORT,
            device_scale_factor=1,
            offline=True,
            service_workers="block",
            accept_downloads=False,
        )
        await context.route("**/*", _abort)
        self.page = await context.new_page()

    def _died(self, exc: Exception) -> bool:
        if self.browser is None or not self.browser.is_connected() or self.page is None or self.page.is_closed():
            return True
        return bool(re.search(r"closed|crash", str(exc), re.IGNORECASE))

    async def stop(self) -> None:
        browser, self.browser, self.page = self.browser, None, None
        if browser is not None:
            try:
                await asyncio.wait_for(browser.close(), timeout=_CLOSE_TIMEOUT_S)
            except Exception:  # a wedged or already dead browser: kill its process tree below
                pass
        self.kill()

    def kill(self) -> None:
        """SIGKILL the launcher; inside bubblewrap its pid namespace, every Chromium process included, dies with it."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return
        self.pidfile.unlink(missing_ok=True)
        if _is_our_browser(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class _PageTooLarge(Exception):
    pass


class _BrowserStuck(Exception):
    pass


async def _abort(route) -> None:
    await route.abort("blockedbyclient")


# Page extent and content extent (the range over <body>), in CSS pixels.
_MEASURE_JS = """() => {
  const d = document.documentElement, r = document.createRange();
  r.selectNodeContents(document.body);
  const b = r.getBoundingClientRect();
  return [Math.ceil(Math.max(d.scrollWidth, document.body.scrollWidth)),
          Math.ceil(Math.max(d.scrollHeight, document.body.scrollHeight)),
          Math.ceil(b.right), Math.ceil(b.bottom)];
}"""


# ---------------------------------------------------------------- the sandboxed browser executable


def _runtime_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / f"visual-erm-tables-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def chromium_executable() -> str:
    """The real Chromium binary (Debian's ``/usr/bin/chromium`` is a shell launcher we skip)."""
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    raise FileNotFoundError("Chromium not found; install Debian's 'chromium' package (never 'playwright install')")


def chromium_wrapper(config: SandboxConfig) -> Path:
    """A generated executable playwright launches as "Chromium": it execs the real one inside bubblewrap.

    Args:
        config: the sandbox settings; with the ``rlimits`` backend (no bubblewrap) Chromium runs unwrapped and
            :func:`visual_erm.render.sandbox.resolve_backend` warns.

    The wrapper records its pid in ``$VISUAL_ERM_PIDFILE`` so a wedged browser can be killed. Playwright talks
    to Chromium over inherited pipes (fds 3 and 4), which bubblewrap passes through. Chromium is not bounded by
    RLIMIT_AS (it reserves terabytes of address space); JavaScript is off and sources are capped instead.
    """
    exe = chromium_executable()
    if resolve_backend(config) == "bwrap":
        argv = bwrap_argv([exe], env=sandbox_env({"XDG_CONFIG_HOME": "/tmp/.config", "XDG_CACHE_HOME": "/tmp/.cache"}))
    else:
        argv = [exe]
    script = (
        "#!/bin/sh\n"
        '[ -n "$VISUAL_ERM_PIDFILE" ] && echo $$ > "$VISUAL_ERM_PIDFILE"\n'
        "ulimit -c 0\n"
        "exec " + " ".join(shlex.quote(a) for a in argv) + ' "$@"\n'
    )
    path = _runtime_dir() / f"chromium-{hashlib.sha256(script.encode()).hexdigest()[:16]}.sh"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(script)
        tmp.chmod(0o700)
        os.replace(tmp, path)
    return path


def _is_our_browser(pid: int) -> bool:
    # Only kill a pid that still runs our wrapper's command (pids are reused).
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(OWNER_FLAG.encode() in part for part in cmdline)
