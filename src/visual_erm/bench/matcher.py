"""Pair predicted errors with human errors one-to-one, as full or partial matches.

Two matchers share one signature, ``match(pred, human, task=...) -> list[Match]``:

``rules`` (default, deterministic). For every (prediction, human) pair three similarities in [0, 1]:
  * ``cat``: 1 if the categories agree, else 0;
  * ``loc``: the IoU of the two bboxes when both carry one, else the token Jaccard of the location words
    (tables have no location: then ``loc`` is taken as the description similarity);
  * ``desc``: rapidfuzz ``token_set_ratio`` of the descriptions / 100 (lower-cased, punctuation ignored).
  A pair is a **full** match when ``cat == 1`` and (``loc >= 0.3`` or ``desc >= 0.6``); a **partial** match when
  it is not full and either ``cat == 1`` and (``loc >= 0.1`` or ``desc >= 0.35``), or the categories differ but
  the same spot is meant (``loc >= 0.5`` and ``desc >= 0.35``). Other pairs cannot be matched. The assignment
  maximises, with scipy's Hungarian solver, the sum of 2 per full match, 1 per partial match plus a tie-break of
  ``(cat + loc + desc) / 100``; so a full match is never traded for two partial ones' worth of similarity.

``llm`` asks a model behind an OpenAI-compatible ``/v1/chat/completions`` endpoint (as the paper does), then
enforces one-to-one and valid indices; a reply that does not parse falls back to the rules (counted in
``LLMMatcher.fallbacks``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

FULL, PARTIAL = "full", "partial"


@dataclass(frozen=True)
class Match:
    pred: int
    human: int
    kind: str  # "full" or "partial"


class Matcher(Protocol):
    name: str

    def match(self, pred: list[dict[str, Any]], human: list[dict[str, Any]], *, task: str) -> list[Match]: ...


def category_of(err: dict[str, Any]) -> str:
    """The error's category, whichever key carries it (``category`` or ``type``)."""
    return str(err.get("category") or err.get("type") or "").strip().lower()


def box_iou(a: list[float] | None, b: list[float] | None) -> float | None:
    if not a or not b or len(a) != 4 or len(b) != 4:
        return None
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "a", "an", "of", "in", "on", "at", "and", "to", "is", "plot", "main"}


def word_jaccard(a: str, b: str) -> float:
    wa = set(_WORD.findall(a.lower())) - _STOP
    wb = set(_WORD.findall(b.lower())) - _STOP
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def similarities(p: dict[str, Any], h: dict[str, Any]) -> tuple[float, float, float]:
    """(cat, loc, desc) similarities of a prediction and a human error; see the module docstring."""
    cat = 1.0 if category_of(p) and category_of(p) == category_of(h) else 0.0
    desc = fuzz.token_set_ratio(str(p.get("description", "")).lower(), str(h.get("description", "")).lower(),
                                processor=lambda s: " ".join(_WORD.findall(s))) / 100.0
    iou = box_iou(p.get("bbox"), h.get("bbox"))
    if iou is not None:
        loc = iou
    elif p.get("location") and h.get("location"):
        loc = word_jaccard(str(p["location"]), str(h["location"]))
    else:
        loc = desc
    return cat, loc, desc


def classify(cat: float, loc: float, desc: float) -> str | None:
    if cat == 1.0 and (loc >= 0.3 or desc >= 0.6):
        return FULL
    if cat == 1.0 and (loc >= 0.1 or desc >= 0.35):
        return PARTIAL
    if cat == 0.0 and loc >= 0.5 and desc >= 0.35:
        return PARTIAL
    return None


class RulesMatcher:
    """Deterministic Hungarian matcher with the documented full/partial rules (the default)."""

    name = "rules"

    def match(self, pred: list[dict[str, Any]], human: list[dict[str, Any]], *, task: str = "") -> list[Match]:
        if not pred or not human:
            return []
        gain = np.zeros((len(pred), len(human)))
        kinds: dict[tuple[int, int], str] = {}
        for i, p in enumerate(pred):
            for j, h in enumerate(human):
                cat, loc, desc = similarities(p, h)
                kind = classify(cat, loc, desc)
                if kind:
                    kinds[i, j] = kind
                    gain[i, j] = (2.0 if kind == FULL else 1.0) + (cat + loc + desc) / 100.0
        rows, cols = linear_sum_assignment(gain, maximize=True)
        return [Match(int(i), int(j), kinds[i, j]) for i, j in zip(rows, cols) if (i, j) in kinds]


MATCH_PROMPT = """You compare two lists of visual discrepancies found between a reference image and a rendering \
({task}). List H was checked by humans; list P was predicted by a judge. Pair each P item with at most one H item \
and each H item with at most one P item when they describe the same discrepancy. Use "full" when they name the same \
problem at the same place with the same category, "partial" when they clearly overlap but differ in category, place \
or detail. Leave items unpaired when nothing corresponds.

H:
{human}

P:
{pred}

Answer with JSON only: {{"matches": [{{"p": <P index>, "h": <H index>, "kind": "full" | "partial"}}, ...]}}"""


def _listing(errors: list[dict[str, Any]]) -> str:
    return "\n".join(f"{k}. [{category_of(e)}] (severity {e.get('severity', '?')}) {e.get('location', '')}: "
                     f"{e.get('description', '')}" for k, e in enumerate(errors)) or "(none)"


class LLMMatcher:
    """Matcher that asks an OpenAI-compatible chat model, as the paper's evaluation does.

    Args:
        endpoint: base URL of the server (``http://host:port`` or ``.../v1``).
        model: model name sent in the request.
        api_key: bearer token, if the server wants one.
        timeout: seconds per request.
        retries: extra attempts when a reply does not parse; after that the rules matcher decides.
    """

    name = "llm"

    def __init__(self, endpoint: str, model: str, *, api_key: str | None = None, timeout: float = 60.0,
                 retries: int = 1) -> None:
        import httpx

        base = endpoint.rstrip("/")
        self.url = base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")
        self.model = model
        self.retries = retries
        self.client = httpx.Client(timeout=timeout, headers={"Authorization": f"Bearer {api_key}"} if api_key else {})
        self.fallbacks = 0
        self.rules = RulesMatcher()

    def match(self, pred: list[dict[str, Any]], human: list[dict[str, Any]], *, task: str = "") -> list[Match]:
        if not pred or not human:
            return []
        prompt = MATCH_PROMPT.format(task=task or "image", human=_listing(human), pred=_listing(pred))
        for _ in range(self.retries + 1):
            try:
                resp = self.client.post(self.url, json={"model": self.model, "temperature": 0.0, "max_tokens": 1024,
                                                        "messages": [{"role": "user", "content": prompt}]})
                resp.raise_for_status()
                text = resp.json()["choices"][0]["message"]["content"]
            except Exception:  # network or server fault: try again, then fall back
                continue
            parsed = parse_matches(text, len(pred), len(human))
            if parsed is not None:
                return parsed
        self.fallbacks += 1
        return self.rules.match(pred, human, task=task)


def parse_matches(text: str, n_pred: int, n_human: int) -> list[Match] | None:
    """Matches from a model reply, one-to-one and in range (later duplicates dropped); None if no JSON found."""
    m = re.search(r"\{.*\}", text, re.S)
    if not m:
        return None
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        return None
    out, used_p, used_h = [], set(), set()
    for row in data.get("matches", []) if isinstance(data, dict) else []:
        try:
            p, h, kind = int(row["p"]), int(row["h"]), str(row.get("kind", FULL)).lower()
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= p < n_pred and 0 <= h < n_human and p not in used_p and h not in used_h and kind in (FULL, PARTIAL):
            used_p.add(p)
            used_h.add(h)
            out.append(Match(p, h, kind))
    return out


def get_matcher(name: str = "rules", *, endpoint: str | None = None, model: str | None = None, **options: Any
                ) -> Matcher:
    """``rules`` or ``llm`` (the latter needs ``endpoint`` and ``model``)."""
    if name == "rules":
        return RulesMatcher()
    if name == "llm":
        if not endpoint or not model:
            raise ValueError("--matcher llm needs --endpoint URL and --model NAME")
        return LLMMatcher(endpoint, model, **options)
    raise ValueError(f"unknown matcher {name!r}; expected rules or llm")
