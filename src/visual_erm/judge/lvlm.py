"""The LVLM judge: any vision LLM behind an OpenAI-compatible chat endpoint (vLLM, SGLang, LMDeploy, hosted APIs).

One user turn: the reference image, then the rendering (JPEG data URLs, longest side 1024 px for chart/svg and 768 px
for tables, as the release sends them), then the task prompt of :mod:`visual_erm.judge.prompts`. The reply is read by
:mod:`visual_erm.judge.parse`. Transport and parse faults come back as a Verdict with ``parse_error`` set, never raised.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import time
import weakref
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import httpx
import numpy as np

from visual_erm.images import encode_jpeg_data_url, load_image
from visual_erm.judge.parse import JudgeFailure, ParseResult, failure_message, parse_reply
from visual_erm.judge.prompts import build_prompt
from visual_erm.judge.registry import BaseJudge, register_judge
from visual_erm.judge.schema import json_schema
from visual_erm.types import Verdict, check_task

ENV_ENDPOINT = "VISUAL_ERM_ENDPOINT"
ENV_MODEL = "VISUAL_ERM_MODEL"
ENV_API_KEY = "VISUAL_ERM_API_KEY"

# Sampling of the release: chart/SVG sample (and are retried on a bad parse), tables decode greedily.
SAMPLING_PRESETS: dict[str, dict[str, Any]] = {
    "chart": {"temperature": 0.7, "top_p": 0.8, "top_k": 20, "presence_penalty": 1.5, "max_tokens": 4096},
    "svg": {"temperature": 0.7, "top_p": 0.8, "top_k": 20, "presence_penalty": 1.5, "max_tokens": 4096},
    "table": {"temperature": 0.0, "repetition_penalty": 1.05, "max_tokens": 8192},
}
MAX_SIDE: dict[str, int] = {"chart": 1024, "svg": 1024, "table": 768}

# Parameters outside the OpenAI API; vLLM and SGLang read them from the request body, hosted APIs may refuse them.
NON_OPENAI_PARAMS = ("top_k", "repetition_penalty", "min_p")
_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


def chat_url(endpoint: str) -> str:
    """``http://host:8000``, ``.../v1`` or ``.../v1/chat/completions`` -> the chat completions URL."""
    url = endpoint.strip().rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return url + "/chat/completions"
    return url + "/v1/chat/completions"


def models_url(endpoint: str) -> str:
    """The ``/v1/models`` URL beside an endpoint's chat URL."""
    return chat_url(endpoint)[: -len("/chat/completions")] + "/models"


@dataclass(frozen=True)
class LVLMConfig:
    """Settings of the LVLM judge, read once (options first, then environment) and passed down.

    Attributes:
        endpoints: base URLs (``http://host:8000``, ``.../v1`` or full chat URLs); requests rotate over them and fail
            over to the next one when one is unreachable or answers 5xx.
        model: served model name; None asks the first endpoint's ``/v1/models`` once and uses the first id.
        api_key: sent as ``Authorization: Bearer``; None sends no header.
        timeout: seconds for one request (read); ``connect_timeout`` for opening the connection.
        retries: extra attempts after the first for timeouts, 5xx/429 answers and unparsable replies (release: 2).
        backoff: seconds before the first retry after a server fault, doubled each time.
        max_concurrency: requests in flight at once from this judge (sync and async each).
        sampling: per-task overrides merged over :data:`SAMPLING_PRESETS` (``{"chart": {"temperature": 0}}``), or one
            flat dict applied to every task; a value of None removes the key.
        send_non_openai: send ``top_k`` / ``repetition_penalty`` (vLLM, SGLang, LMDeploy accept them; turn off for
            hosted APIs that reject unknown fields).
        structured: None, ``"response_format"`` (OpenAI ``json_schema``; vLLM too), ``"structured_outputs"`` (vLLM
            >= 0.10) or ``"guided_json"`` (older vLLM): constrain decoding to the verdict schema.
        max_side: longest image side per task; ``jpeg_quality`` for the data URLs.
        prompts: per-task prompt text replacing :func:`build_prompt`; ``system_prompt`` adds a system turn.
        extra_body: merged into every request body (e.g. ``{"chat_template_kwargs": {"enable_thinking": False}}``).
        cooldown: seconds an endpoint that failed to connect or answered 5xx is skipped while others are healthy.
    """

    endpoints: tuple[str, ...] = ()
    model: str | None = None
    api_key: str | None = None
    timeout: float = 180.0
    connect_timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    max_concurrency: int = 32
    sampling: Mapping[str, Any] = field(default_factory=dict)
    send_non_openai: bool = True
    structured: str | None = None
    max_side: Mapping[str, int] = field(default_factory=lambda: dict(MAX_SIDE))
    jpeg_quality: int = 90
    prompts: Mapping[str, str] = field(default_factory=dict)
    system_prompt: str | None = None
    extra_body: Mapping[str, Any] = field(default_factory=dict)
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    cooldown: float = 5.0

    @classmethod
    def from_options(cls, *, endpoint: str | list[str] | tuple[str, ...] | None = None,
                     endpoints: list[str] | tuple[str, ...] | None = None, env: Mapping[str, str] | None = None,
                     **options: Any) -> "LVLMConfig":
        """Build from keyword options; ``endpoint(s)``, ``model`` and ``api_key`` fall back to ``VISUAL_ERM_ENDPOINT``
        (comma-separated for several), ``VISUAL_ERM_MODEL`` and ``VISUAL_ERM_API_KEY``. Unknown options raise TypeError."""
        env = os.environ if env is None else env
        raw = endpoints if endpoints is not None else endpoint
        if raw is None:
            raw = env.get(ENV_ENDPOINT, "")
        if isinstance(raw, str):
            raw = [p for p in raw.split(",")]
        eps = tuple(e.strip() for e in raw if e and e.strip())
        if not eps:
            raise ValueError(f"the lvlm judge needs an endpoint: pass endpoint=... (CLI --endpoint) or set {ENV_ENDPOINT}")
        options.setdefault("model", env.get(ENV_MODEL) or None)
        options.setdefault("api_key", env.get(ENV_API_KEY) or None)
        if options.get("structured") is True:
            options["structured"] = "response_format"
        elif options.get("structured") is False:
            options["structured"] = None
        if "max_side" in options and isinstance(options["max_side"], (int, float)):
            options["max_side"] = {t: int(options["max_side"]) for t in MAX_SIDE}
        elif "max_side" in options:
            options["max_side"] = {**MAX_SIDE, **options["max_side"]}
        cfg = cls(endpoints=eps, **options)
        if cfg.structured not in (None, "response_format", "structured_outputs", "guided_json"):
            raise ValueError(f"structured must be None, response_format, structured_outputs or guided_json, "
                             f"got {cfg.structured!r}")
        return cfg

    def sampling_for(self, task: str) -> dict[str, Any]:
        """The sampling parameters sent for ``task``: the preset, then the overrides, minus non-OpenAI ones if off."""
        params = dict(SAMPLING_PRESETS[task])
        override = self.sampling.get(task) if any(t in self.sampling for t in SAMPLING_PRESETS) else self.sampling
        for k, v in (override or {}).items():
            if v is None:
                params.pop(k, None)
            else:
                params[k] = v
        if not self.send_non_openai:
            for k in NON_OPENAI_PARAMS:
                params.pop(k, None)
        return params


@dataclass
class _Outcome:
    """One attempt's result: content to parse, or a failure; ``retry`` says whether another attempt may help."""

    content: str | None = None
    failure: JudgeFailure | None = None
    detail: str = ""
    retry: bool = True
    server_fault: bool = False
    parsed: ParseResult | None = None


class LVLMJudge(BaseJudge):
    """Judge by asking a vision LLM; see :class:`LVLMConfig` for every setting. Thread-safe; usable from asyncio."""

    name = "lvlm"

    def __init__(self, config: LVLMConfig):
        self.config = config
        self._urls = [chat_url(e) for e in config.endpoints]
        self._rotation = itertools.count()
        self._lock = threading.Lock()
        self._down_until: dict[str, float] = {}
        self._model = config.model
        self._sem = threading.BoundedSemaphore(max(1, config.max_concurrency))
        self._client: httpx.Client | None = None
        self._async: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, asyncio.Semaphore]]" = (
            weakref.WeakKeyDictionary())

    @property
    def max_concurrency(self) -> int:
        """Requests this judge keeps in flight; callers size their thread pools by it."""
        return max(1, self.config.max_concurrency)

    # ---- request building (shared by sync and async) ----

    def build_request(self, reference: Any, candidate: Any, *, task: str, model: str) -> dict[str, Any]:
        """The chat completions body for one judgement: reference image, candidate image, prompt, sampling."""
        cfg = self.config
        side = int(cfg.max_side.get(task, MAX_SIDE[task]))
        images = [encode_jpeg_data_url(load_image(x), max_side=side, quality=cfg.jpeg_quality) for x in (reference, candidate)]
        content: list[dict[str, Any]] = [{"type": "image_url", "image_url": {"url": u}} for u in images]
        content.append({"type": "text", "text": cfg.prompts.get(task) or build_prompt(task)})
        messages: list[dict[str, Any]] = []
        if cfg.system_prompt:
            messages.append({"role": "system", "content": cfg.system_prompt})
        messages.append({"role": "user", "content": content})
        body: dict[str, Any] = {"model": model, "messages": messages, **cfg.sampling_for(task)}
        if cfg.structured == "response_format":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": f"visual_erm_{task}_verdict", "schema": json_schema(task)}}
        elif cfg.structured == "structured_outputs":
            body["structured_outputs"] = {"json": json_schema(task)}
        elif cfg.structured == "guided_json":
            body["guided_json"] = json_schema(task)
        body.update(cfg.extra_body)
        return body

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", **self.config.extra_headers}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        return headers

    def _timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.config.timeout, connect=self.config.connect_timeout)

    def _endpoint_order(self) -> list[str]:
        """All endpoints, starting at the next one in rotation, healthy ones before those cooling down."""
        with self._lock:
            start = next(self._rotation) % len(self._urls)
        order = self._urls[start:] + self._urls[:start]
        now = time.monotonic()
        return sorted(order, key=lambda u: self._down_until.get(u, 0.0) > now)

    def _mark(self, url: str, healthy: bool) -> None:
        with self._lock:
            if healthy:
                self._down_until.pop(url, None)
            else:
                self._down_until[url] = time.monotonic() + self.config.cooldown

    @staticmethod
    def _read_response(resp: httpx.Response) -> _Outcome:
        if resp.status_code >= 400:
            retry = resp.status_code in _RETRY_STATUS
            return _Outcome(failure=JudgeFailure.HTTP_STATUS, detail=f"HTTP {resp.status_code}: {resp.text[:200]}",
                            retry=retry, server_fault=resp.status_code >= 500)
        try:
            data = resp.json()
            message = data["choices"][0]["message"]
            content = message.get("content")
            if content is None and message.get("reasoning_content"):
                content = message["reasoning_content"]  # some servers put everything there when a reasoning parser is on
            if isinstance(content, list):  # content parts
                content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
            if not isinstance(content, str):
                raise TypeError("message content is not text")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            return _Outcome(failure=JudgeFailure.BAD_RESPONSE, detail=f"{type(exc).__name__}: {exc}; {resp.text[:200]}")
        return _Outcome(content=content)

    def _finish(self, task: str, outcome: _Outcome, last_content: str | None, t0: float,
                timings: dict[str, float]) -> Verdict:
        timings["total"] = time.perf_counter() - t0
        if outcome.failure is None and outcome.parsed is not None:
            return Verdict(task=task, errors=outcome.parsed.errors, judge=self.name, raw=outcome.content,
                           seconds=timings["total"], timings=timings)
        return Verdict(task=task, judge=self.name, raw=last_content, seconds=timings["total"], timings=timings,
                       parse_error=failure_message(outcome.failure or JudgeFailure.BAD_RESPONSE, outcome.detail))

    def _check_parse(self, outcome: _Outcome, task: str, timings: dict[str, float]) -> _Outcome:
        """Turn unparsable content into a retryable failure so that a fresh sample is drawn."""
        if outcome.content is None:
            return outcome
        p0 = time.perf_counter()
        result = parse_reply(outcome.content, task=task)
        timings["parse"] = timings.get("parse", 0.0) + time.perf_counter() - p0
        if result.ok:
            outcome.parsed = result
            return outcome
        return _Outcome(content=None, failure=result.failure, detail=result.detail, retry=True)

    # ---- sync ----

    def _http(self) -> httpx.Client:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    limits = httpx.Limits(max_connections=self.config.max_concurrency + 4)
                    self._client = httpx.Client(timeout=self._timeout(), limits=limits)
        return self._client

    def resolve_model(self) -> str:
        """The model name: configured, or the first id of ``/v1/models`` on the first reachable endpoint."""
        if self._model:
            return self._model
        errors = []
        for url in self._endpoint_order():
            try:
                resp = self._http().get(models_url(url), headers=self._headers())
                resp.raise_for_status()
                self._model = str(resp.json()["data"][0]["id"])
                return self._model
            except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
                errors.append(f"{url}: {type(exc).__name__}")
        raise ConnectionError(f"no model given and /v1/models unreadable ({'; '.join(errors)}); pass model=...")

    def _send(self, body: dict[str, Any]) -> _Outcome:
        """One attempt: the next endpoint in rotation, failing over to the others on connection faults and 5xx."""
        last = _Outcome(failure=JudgeFailure.CONNECTION, detail="no endpoint")
        for url in self._endpoint_order():
            try:
                with self._sem:
                    resp = self._http().post(url, json=body, headers=self._headers())
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last = self._transport_failure(url, exc)
            else:
                last = self._received(url, resp)
            if not last.server_fault or last.failure == JudgeFailure.TIMEOUT:
                return last
        return last

    def _transport_failure(self, url: str, exc: Exception) -> _Outcome:
        """A timeout ends the attempt (the server may still be busy with it); a refused connection fails over."""
        self._mark(url, healthy=False)
        if isinstance(exc, httpx.TimeoutException):
            return _Outcome(failure=JudgeFailure.TIMEOUT, detail=f"{url}: {type(exc).__name__}", server_fault=True)
        return _Outcome(failure=JudgeFailure.CONNECTION, detail=f"{url}: {type(exc).__name__}: {exc}", server_fault=True)

    def _received(self, url: str, resp: httpx.Response) -> _Outcome:
        outcome = self._read_response(resp)
        self._mark(url, healthy=not outcome.server_fault)
        return outcome

    def judge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict:
        check_task(task)
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        try:
            model = self.resolve_model()
        except ConnectionError as exc:
            return self._finish(task, _Outcome(failure=JudgeFailure.CONNECTION, detail=str(exc)), None, t0, timings)
        try:
            body = self.build_request(reference, candidate, task=task, model=model)
        except (OSError, ValueError) as exc:
            return self._finish(task, _Outcome(failure=JudgeFailure.INPUT, detail=str(exc)), None, t0, timings)
        timings["encode"] = time.perf_counter() - t0
        outcome, last_content = _Outcome(failure=JudgeFailure.CONNECTION), None
        for attempt in range(self.config.retries + 1):
            timings["attempts"] = attempt + 1.0
            if attempt and outcome.server_fault and self.config.backoff > 0:
                time.sleep(self.config.backoff * 2 ** (attempt - 1))
            r0 = time.perf_counter()
            outcome = self._send(body)
            timings["request"] = timings.get("request", 0.0) + time.perf_counter() - r0
            last_content = outcome.content if outcome.content is not None else last_content
            outcome = self._check_parse(outcome, task, timings)
            if outcome.failure is None or not outcome.retry:
                break
        return self._finish(task, outcome, last_content, t0, timings)

    # ---- async ----

    def _aclient(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        pair = self._async.get(loop)
        if pair is None:
            limits = httpx.Limits(max_connections=self.config.max_concurrency + 4)
            pair = (httpx.AsyncClient(timeout=self._timeout(), limits=limits),
                    asyncio.Semaphore(max(1, self.config.max_concurrency)))
            self._async[loop] = pair
        return pair

    async def _asend(self, body: dict[str, Any]) -> _Outcome:
        client, sem = self._aclient()
        last = _Outcome(failure=JudgeFailure.CONNECTION, detail="no endpoint")
        for url in self._endpoint_order():
            try:
                async with sem:
                    resp = await client.post(url, json=body, headers=self._headers())
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last = self._transport_failure(url, exc)
            else:
                last = self._received(url, resp)
            if not last.server_fault or last.failure == JudgeFailure.TIMEOUT:
                return last
        return last

    async def ajudge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict:
        check_task(task)
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        if not self._model:
            try:
                await asyncio.to_thread(self.resolve_model)
            except ConnectionError as exc:
                return self._finish(task, _Outcome(failure=JudgeFailure.CONNECTION, detail=str(exc)), None, t0, timings)
        try:
            # JPEG encoding is CPU work: keep it off the event loop
            body = await asyncio.to_thread(self.build_request, reference, candidate, task=task, model=self._model)
        except (OSError, ValueError) as exc:
            return self._finish(task, _Outcome(failure=JudgeFailure.INPUT, detail=str(exc)), None, t0, timings)
        timings["encode"] = time.perf_counter() - t0
        outcome, last_content = _Outcome(failure=JudgeFailure.CONNECTION), None
        for attempt in range(self.config.retries + 1):
            timings["attempts"] = attempt + 1.0
            if attempt and outcome.server_fault and self.config.backoff > 0:
                await asyncio.sleep(self.config.backoff * 2 ** (attempt - 1))
            r0 = time.perf_counter()
            outcome = await self._asend(body)
            timings["request"] = timings.get("request", 0.0) + time.perf_counter() - r0
            last_content = outcome.content if outcome.content is not None else last_content
            outcome = self._check_parse(outcome, task, timings)
            if outcome.failure is None or not outcome.retry:
                break
        return self._finish(task, outcome, last_content, t0, timings)

    # ---- lifecycle ----

    def close(self) -> None:
        """Close the sync HTTP client (async clients close with their event loop's ``aclose``)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        """Close the async client of the running loop."""
        pair = self._async.pop(asyncio.get_running_loop(), None)
        if pair is not None:
            await pair[0].aclose()

    def with_options(self, **changes: Any) -> "LVLMJudge":
        """A new judge with some settings changed (``judge.with_options(retries=0)``)."""
        return LVLMJudge(replace(self.config, **changes))


@register_judge("lvlm")
def lvlm_judge(**options: Any) -> LVLMJudge:
    """Judge with a vision LLM behind an OpenAI-compatible server (e.g. ``internlm/Visual-ERM`` on vLLM).

    Args:
        endpoint: one base URL, a comma-separated list, or a list (``endpoints=`` also works); default
            ``$VISUAL_ERM_ENDPOINT``. Several endpoints are used round-robin with failover.
        model: served model name; default ``$VISUAL_ERM_MODEL``, else the first id the server lists.
        api_key: bearer token; default ``$VISUAL_ERM_API_KEY``; local vLLM needs none.
        timeout: seconds per request (180). A slow judge that times out is retried like a 5xx.
        retries: extra attempts for timeouts, 5xx/429 and unparsable replies (2, as the release).
        max_concurrency: requests in flight from this judge (32).
        sampling: overrides of the release presets, per task (``{"table": {"max_tokens": 4096}}``) or flat.
        structured: constrain decoding to the verdict schema: True / ``"response_format"``, ``"structured_outputs"``
            (vLLM >= 0.10) or ``"guided_json"`` (older vLLM). Off by default: the checkpoint answers in schema anyway.
        send_non_openai: send ``top_k``/``repetition_penalty`` (True); set False for hosted APIs that reject them.
        Other fields of :class:`LVLMConfig` (backoff, max_side, jpeg_quality, prompts, system_prompt, extra_body,
        extra_headers, connect_timeout, cooldown) are accepted too.
    """
    return LVLMJudge(LVLMConfig.from_options(**options))
