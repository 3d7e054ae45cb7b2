"""Reflect-and-revise at test time: the policy writes code, Visual-ERM renders and judges it, and while the reward is
below a threshold the policy gets its best code so far plus the discrepancy list and revises it.

The paper runs 3 rounds (gains flatten after that) and finds that the judge's feedback is what helps: self-critique
without it makes answers worse. Each round samples ``n`` candidates (best-of-N) and the best attempt over all
rounds is kept. Every attempt (answer, code, rendering, verdict) is written to a folder with an HTML overview.
"""

from __future__ import annotations

import html
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from visual_erm.images import encode_jpeg_data_url, encode_png, load_image
from visual_erm.types import CATEGORY_KEY, check_task

_LANGUAGE = {"chart": "Python (matplotlib)", "svg": "SVG", "table": "HTML"}
_FENCE = {"chart": "python", "svg": "svg", "table": "html"}
_EXT = {"python": "py", "svg": "svg", "html": "html", "markdown": "md", "latex": "tex"}


@dataclass(frozen=True)
class RefineConfig:
    """How reflect-and-revise runs.

    Args:
        rounds: revision rounds after the first attempt (the paper uses 3).
        threshold: stop once the best reward reaches this; None stops when the judge finds no discrepancy.
        n: candidates sampled per round (best-of-N); the best of them is the one revised next.
        judge: judge name; ``embedded`` runs on CPU, ``lvlm`` uses ``judge_options`` (endpoint, model).
        judge_options: keyword options of the judge.
        policy: reward policy name.
        render_config: the renderer's config (None: defaults).
        temperature: sampling temperature of the policy.
        max_tokens: completion budget of the policy per answer.
        timeout: seconds per policy request.
        api_key: bearer token for the policy endpoint (None: none sent).
        max_side: longest side of the reference image sent to the policy.
    """

    rounds: int = 3
    threshold: float | None = None
    n: int = 1
    judge: str = "embedded"
    judge_options: dict[str, Any] | None = None
    policy: str = "auto"
    render_config: Any = None
    temperature: float = 0.7
    max_tokens: int = 4096
    timeout: float = 300.0
    api_key: str | None = None
    max_side: int = 1024


@dataclass
class Attempt:
    """One candidate: which round and sample it was, the answer, and its reward."""

    round: int
    index: int
    answer: str
    result: Any  # RewardResult

    @property
    def score(self) -> float:
        return float(self.result.score)

    def summary(self) -> dict[str, Any]:
        v = self.result.verdict
        return {"round": self.round, "index": self.index, "score": self.score,
                "rendering": self.result.rendering.summary(),
                "verdict": v.to_dict() if v is not None else None,
                "judge_error": v.parse_error if v is not None else None}


@dataclass
class RefineResult:
    """All attempts, the best one, and why the loop stopped (``solved``, ``threshold``, ``rounds``, ``policy_error``)."""

    task: str
    attempts: list[Attempt] = field(default_factory=list)
    stopped: str = ""
    error: str | None = None

    @property
    def best(self) -> Attempt | None:
        return max(self.attempts, key=lambda a: a.score, default=None)

    def summary(self) -> dict[str, Any]:
        best = self.best
        return {"task": self.task, "stopped": self.stopped, "error": self.error,
                "best": {"round": best.round, "index": best.index, "score": best.score} if best else None,
                "attempts": [a.summary() for a in self.attempts]}


class PolicyClient:
    """A chat client for an OpenAI-compatible server (vLLM, SGLang, LMDeploy, OpenAI)."""

    def __init__(self, endpoint: str, model: str, *, config: RefineConfig):
        import httpx

        from visual_erm.judge.lvlm import chat_url

        self.url, self.model, self.config = chat_url(endpoint), model, config
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self._http = httpx.Client(timeout=config.timeout, headers=headers)

    def complete(self, messages: list[dict[str, Any]], n: int) -> list[str]:
        body = {"model": self.model, "messages": messages, "n": n, "temperature": self.config.temperature,
                "max_tokens": self.config.max_tokens}
        response = self._http.post(self.url, json=body)
        response.raise_for_status()
        choices = response.json().get("choices") or []
        answers = [str((c.get("message") or {}).get("content") or "") for c in choices]
        while len(answers) < n:  # servers that ignore `n` answer one choice per request
            answers.append(self.complete(messages, 1)[0])
        return answers[:n]

    def close(self) -> None:
        self._http.close()


def first_prompt(task: str) -> str:
    """The instruction for the first attempt."""
    return (f"Write {_LANGUAGE[task]} code that reproduces this image as exactly as possible: same layout, shapes, "
            f"data, text and colours. Answer with one ```{_FENCE[task]} code block.")


def feedback_text(task: str, result: Any) -> str:
    """What the policy is told about its previous attempt: the render failure, or the judge's discrepancy list."""
    rendering, verdict = result.rendering, result.verdict
    if not rendering.ok:
        kind = rendering.failure.value if rendering.failure else "unknown"
        return f"Your code did not produce a usable image ({kind}): {rendering.message or 'no details'}."
    if verdict is None or not verdict.ok or not verdict.errors:
        return "The judge could not list discrepancies; check the image carefully against your code."
    key = CATEGORY_KEY[task]
    errors = [e.to_dict(task, with_bbox=False) for e in sorted(verdict.errors, key=lambda e: -e.severity)]
    return (f"A visual judge compared the rendering of your code with the reference image and found these "
            f"discrepancies ({key}, severity 1 minor .. 3 wrong):\n{json.dumps(errors, indent=1, ensure_ascii=False)}")


def revision_prompt(task: str, previous: str, result: Any) -> str:
    """The instruction for a revision: the previous code (taken out of the previous answer) and the feedback on it."""
    from visual_erm.extract import extract

    code = extract(task, previous).code or previous
    return (f"{first_prompt(task)}\n\nYour previous answer was:\n```{_FENCE[task]}\n{code.strip()}\n```\n\n"
            f"{feedback_text(task, result)}\n\nFix every listed discrepancy and keep what was already right. Answer "
            f"with the complete corrected code in one ```{_FENCE[task]} code block.")


def _messages(image_url: str, text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": image_url}},
                                         {"type": "text", "text": text}]}]


def refine(image: Any, *, task: str, endpoint: str, model: str, config: RefineConfig | None = None,
           out_dir: str | os.PathLike | None = None) -> RefineResult:
    """Run reflect-and-revise for one reference ``image`` (path, bytes or array) and return every attempt.

    The loop stops when the best reward reaches ``config.threshold`` (or the judge finds nothing when it is None),
    after ``config.rounds`` revisions, or when the policy server fails (``stopped == "policy_error"``; the attempts
    so far are kept). With ``out_dir`` every attempt is written there as it happens, plus ``summary.json`` and
    ``index.html``.
    """
    from visual_erm.reward import reward_batch

    cfg = config or RefineConfig()
    check_task(task)
    reference = load_image(image)
    image_url = encode_jpeg_data_url(reference, max_side=cfg.max_side)
    client = PolicyClient(endpoint, model, config=cfg)
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "reference.png").write_bytes(encode_png(reference))
    result = RefineResult(task=task)
    prompt = first_prompt(task)
    try:
        for rnd in range(cfg.rounds + 1):
            try:
                answers = client.complete(_messages(image_url, prompt), cfg.n)
            except Exception as exc:  # network or server failure: keep what we have
                result.stopped, result.error = "policy_error", f"{type(exc).__name__}: {exc}"
                break
            scored = reward_batch(task, answers, reference, judge=cfg.judge, judge_options=cfg.judge_options,
                                  policy=cfg.policy, render_config=cfg.render_config)
            for i, (answer, res) in enumerate(zip(answers, scored)):
                result.attempts.append(Attempt(rnd, i, answer, res))
                if out is not None:
                    _write_attempt(out, result.attempts[-1])
            best = result.best
            assert best is not None
            if _done(best, cfg):
                result.stopped = "threshold" if cfg.threshold is not None else "solved"
                break
            prompt = revision_prompt(task, best.answer, best.result)
        else:
            result.stopped = "rounds"
    finally:
        client.close()
    if out is not None:
        (out / "summary.json").write_text(json.dumps(result.summary(), indent=2))
        (out / "index.html").write_text(report_html(result))
    return result


def _done(best: Attempt, cfg: RefineConfig) -> bool:
    if cfg.threshold is not None:
        return best.score >= cfg.threshold
    v = best.result.verdict
    return bool(best.result.rendering.ok and v is not None and v.ok and not v.errors)


def _attempt_dir(out: Path, attempt: Attempt) -> Path:
    return out / f"round_{attempt.round}" / f"candidate_{attempt.index}"


def _write_attempt(out: Path, attempt: Attempt) -> None:
    from visual_erm.extract import extract

    folder = _attempt_dir(out, attempt)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "answer.md").write_text(attempt.answer)
    ex = extract(attempt.result.rendering.task or "chart", attempt.answer)
    if ex.code is not None:
        (folder / f"code.{_EXT.get(ex.language or '', 'txt')}").write_text(ex.code)
    image = attempt.result.rendering.image
    if isinstance(image, np.ndarray):
        (folder / "render.png").write_bytes(encode_png(image))
    (folder / "verdict.json").write_text(json.dumps(attempt.summary(), indent=2))


def report_html(result: RefineResult) -> str:
    """A self-contained overview page: the reference, then every attempt with its rendering and discrepancies."""
    best = result.best
    rows = []
    for a in result.attempts:
        rel = _attempt_dir(Path("."), a)
        img = f'<img src="{rel}/render.png">' if a.result.rendering.ok else \
            f"<p class=fail>{html.escape(str(a.result.rendering.summary()['failure']))}: " \
            f"{html.escape(a.result.rendering.message[:300])}</p>"
        errors = a.result.verdict.errors if a.result.verdict is not None else []
        items = "".join(f"<li>[{html.escape(e.category)}, {e.severity}] {html.escape(e.location)} "
                        f"{html.escape(e.description)}</li>" for e in errors)
        mark = " best" if best is a else ""
        rows.append(f'<div class="attempt{mark}"><h3>round {a.round} · candidate {a.index} · reward {a.score:.3f}'
                    f'</h3>{img}<ul>{items or "<li>no discrepancies</li>"}</ul>'
                    f'<details><summary>answer</summary><pre>{html.escape(a.answer)}</pre></details></div>')
    return ("<!doctype html><meta charset=utf-8><title>visual-erm refine</title><style>body{font-family:sans-serif;"
            "margin:2em}img{max-width:360px;border:1px solid #ccc}.attempt{border:1px solid #ddd;padding:1em;"
            "margin:1em 0}.best{border:3px solid #2a7}.fail{color:#b00}pre{white-space:pre-wrap}</style>"
            f"<h1>Reflect-and-revise ({html.escape(result.task)}): stopped by {html.escape(result.stopped)}</h1>"
            f"<p>generated {time.strftime('%Y-%m-%d %H:%M:%S')}</p>"
            '<h2>reference</h2><img src="reference.png">' + "".join(rows))
