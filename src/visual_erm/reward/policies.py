"""Reward policies: pure functions from judged outcomes to scalar rewards.

A policy maps a batch of :class:`Outcome` (rendered?, verdict) to one float each. Per-item policies ignore the
batch; ``paper`` normalises by the batch. Every policy is a small registered factory with keyword options:

- ``release`` (chart/svg default): no code / render failure / blank -> 0; else ``1 + clip(1 - S/50, 0, 1)``;
  judge failure -> S = 25 (an average, so judge faults do not punish the policy). Range [0, 2].
- ``paper``: ``1[rendered] + clip(1 - S / (max S over the batch's items of the same task + eps), 0, 1)``. Range [0, 2].
- ``table-release`` (table default): ``-S``; judge failure -> -4. Range (-inf, 0].
- ``auto``: ``table-release`` for tables, ``release`` otherwise.

``S`` is the severity sum, optionally weighted per category (``weights={"text_error": 0.5}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from visual_erm.types import CATEGORIES, Verdict


@dataclass(frozen=True)
class Outcome:
    """What a policy sees of one item.

    ``rendered`` is False for no code, a render failure or a blank image; ``verdict`` is None when the item was not
    judged (it did not render) and has ``ok == False`` when the judge failed.
    """

    task: str
    rendered: bool
    verdict: Verdict | None = None

    @property
    def judge_ok(self) -> bool:
        return self.verdict is not None and self.verdict.ok


Policy = Callable[[Sequence[Outcome]], list[float]]
PolicyFactory = Callable[..., Policy]
_POLICIES: dict[str, PolicyFactory] = {}


def register_policy(name: str) -> Callable[[PolicyFactory], PolicyFactory]:
    """Decorator: register ``factory(**options) -> policy`` under ``name``."""

    def decorate(factory: PolicyFactory) -> PolicyFactory:
        _POLICIES[name] = factory
        return factory

    return decorate


def get_policy(name: str = "auto", **options: Any) -> Policy:
    """The policy registered as ``name`` built with ``options``; ``KeyError`` naming the known ones otherwise."""
    if name not in _POLICIES:
        raise KeyError(f"unknown reward policy {name!r}; known: {', '.join(list_policies())}")
    policy = _POLICIES[name](**options)
    policy.policy_name = name  # type: ignore[attr-defined]  # lets results say which policy scored them
    return policy


def list_policies() -> list[str]:
    return sorted(_POLICIES)


def policy_name_for(name: str, task: str) -> str:
    """The concrete policy ``name`` stands for on ``task`` (resolves ``auto``)."""
    if name == "auto":
        return "table-release" if task == "table" else "release"
    return name


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    known = {c for cats in CATEGORIES.values() for c in cats}
    out = dict(weights or {})
    for cat, w in out.items():
        if cat not in known:
            raise ValueError(f"weight for unknown category {cat!r}; known: {', '.join(sorted(known))}")
        if not w >= 0:
            raise ValueError(f"weight of {cat} must be >= 0 (rewards must not grow with errors), got {w}")
    return out


def weighted_severity(verdict: Verdict, weights: Mapping[str, float] | None = None) -> float:
    """``S = Σ weight[category] · severity`` over the verdict's errors (weight 1 where none is given)."""
    weights = weights or {}
    return float(sum(weights.get(e.category, 1.0) * e.severity for e in verdict.errors))


def release_score(severity: float, *, scale: float = 50.0, render_bonus: float = 1.0) -> float:
    """``render_bonus + clip(1 - severity / scale, 0, 1)`` for a rendered, judged item."""
    return render_bonus + min(1.0, max(0.0, 1.0 - severity / scale))


@register_policy("release")
def release(*, scale: float = 50.0, judge_failure_severity: float = 25.0, fail_reward: float = 0.0,
            render_bonus: float = 1.0, weights: Mapping[str, float] | None = None) -> Policy:
    """The released chart/SVG reward: 0 for nothing rendered, else ``1 + clip(1 - S/scale, 0, 1)``.

    Args:
        scale: severity sum at which the judged term reaches 0 (50 in the release).
        judge_failure_severity: S used when the judge failed after its retries (25: half the scale, so a judge fault
            neither rewards nor punishes the policy much).
        fail_reward: reward for no code, a render failure or a blank image.
        render_bonus: the constant added for rendering at all.
        weights: per-category multipliers of severity (missing categories weigh 1); all must be >= 0.
    """
    w = _check_weights(weights)
    if scale <= 0:
        raise ValueError("scale must be > 0")

    def apply(outcomes: Sequence[Outcome]) -> list[float]:
        out = []
        for o in outcomes:
            if not o.rendered:
                out.append(float(fail_reward))
                continue
            s = weighted_severity(o.verdict, w) if o.judge_ok else float(judge_failure_severity)
            out.append(release_score(s, scale=scale, render_bonus=render_bonus))
        return out

    return apply


@register_policy("paper")
def paper(*, eps: float = 1e-6, judge_failure_severity: float | None = None, fail_reward: float = 0.0,
          render_bonus: float = 1.0, weights: Mapping[str, float] | None = None) -> Policy:
    """The paper's batch-normalised reward: ``1[rendered] + clip(1 - S / (max S + eps), 0, 1)``.

    The maximum runs over the judged items of the same task in the batch (one GRPO group or the whole step), so the
    worst item of a task scores about 1 and an error-free one 2. A batch of one therefore scores ~1 unless clean.

    Args:
        eps: keeps the ratio finite when every item is clean.
        judge_failure_severity: S for a judge failure; None uses the mean S of the successfully judged items of the
            same task in the batch (neutral; 0 when there are none).
        fail_reward: reward for no code, a render failure or a blank image (the indicator is 0 and nothing is judged).
        render_bonus: value of the indicator term.
        weights: per-category multipliers of severity, >= 0.
    """
    w = _check_weights(weights)

    def apply(outcomes: Sequence[Outcome]) -> list[float]:
        sev: list[float | None] = [weighted_severity(o.verdict, w) if o.rendered and o.judge_ok else None
                                   for o in outcomes]
        by_task: dict[str, list[float]] = {}
        for o, s in zip(outcomes, sev):
            if s is not None:
                by_task.setdefault(o.task, []).append(s)
        out = []
        for o, s in zip(outcomes, sev):
            if not o.rendered:
                out.append(float(fail_reward))
                continue
            judged = by_task.get(o.task, [])
            if s is None:
                s = judge_failure_severity if judge_failure_severity is not None else (
                    sum(judged) / len(judged) if judged else 0.0)
            top = max([*judged, s])
            out.append(render_bonus + min(1.0, max(0.0, 1.0 - s / (top + eps))))
        return out

    return apply


@register_policy("table-release")
def table_release(*, judge_failure_reward: float = -4.0, render_failure_reward: float = -10.0,
                  weights: Mapping[str, float] | None = None, floor: float | None = None) -> Policy:
    """The released table reward: ``-S`` with no render term; a judge failure scores -4.

    Args:
        judge_failure_reward: reward when the judge failed after its retries (-4 in the release).
        render_failure_reward: reward for no table code or a blank/failed rendering. The release has no such case
            (any HTML renders); -10 is our choice, below typical judged tables, so a missing table ranks last.
        weights: per-category multipliers of severity, >= 0.
        floor: lowest reward a judged item can get (None: unbounded), to cap runaway error lists.
    """
    w = _check_weights(weights)

    def apply(outcomes: Sequence[Outcome]) -> list[float]:
        out = []
        for o in outcomes:
            if not o.rendered:
                out.append(float(render_failure_reward))
            elif not o.judge_ok:
                out.append(float(judge_failure_reward))
            else:
                r = -weighted_severity(o.verdict, w)
                out.append(max(r, floor) if floor is not None else r + 0.0)
        return out

    return apply


@register_policy("auto")
def auto(*, release_options: Mapping[str, Any] | None = None, table_options: Mapping[str, Any] | None = None) -> Policy:
    """``table-release`` for table items and ``release`` for chart/svg items, as the released code does.

    Args:
        release_options: keyword options of :func:`release` for chart/svg items.
        table_options: keyword options of :func:`table_release` for table items.
    """
    for_release = release(**(release_options or {}))
    for_table = table_release(**(table_options or {}))

    def apply(outcomes: Sequence[Outcome]) -> list[float]:
        out: list[float] = [0.0] * len(outcomes)
        tables = [i for i, o in enumerate(outcomes) if o.task == "table"]
        others = [i for i, o in enumerate(outcomes) if o.task != "table"]
        for idx, policy in ((tables, for_table), (others, for_release)):
            for i, r in zip(idx, policy([outcomes[i] for i in idx])):
                out[i] = r
        return out

    return apply
