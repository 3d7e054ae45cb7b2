"""Scalar baselines registered as judges: the coarse rewards the paper argues against, measured on the same pairs.

Each returns a Verdict with ``errors=[]`` and ``score_override`` in [0, 1] (1 = identical). Image baselines resize
the candidate to the reference size first (bilinear), so a pure change of resolution costs little.

TEDS needs table *structure*, which an image does not carry. ``teds`` and ``teds_s`` therefore score HTML sources:
call ``judge_html(gt_html, pred_html)``; ``bench run`` does so for items that carry ``gt_html``/``pred_html`` (the
table builder writes them). Their image ``judge`` returns a Verdict with ``parse_error`` set, never a made-up score.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from visual_erm.images import as_rgb
from visual_erm.judge.registry import BaseJudge, register_judge
from visual_erm.types import Verdict

# ---- pure image functions -------------------------------------------------------------------------------------------


def to_grey(image: np.ndarray) -> np.ndarray:
    """``(H, W, 3)`` uint8 RGB -> ``(H, W)`` float32 luminance in [0, 255]."""
    a = as_rgb(image).astype(np.float32)
    return a @ np.array([0.299, 0.587, 0.114], np.float32)


def match_size(reference: np.ndarray, candidate: np.ndarray) -> np.ndarray:
    """``candidate`` resized (bilinear) to the reference's ``(H, W)``; returned unchanged when sizes agree."""
    h, w = reference.shape[:2]
    if candidate.shape[:2] == (h, w):
        return candidate
    return np.asarray(Image.fromarray(as_rgb(candidate)).resize((w, h), Image.BILINEAR))


def ssim_score(reference: np.ndarray, candidate: np.ndarray) -> float:
    """Structural similarity of the grey images (skimage, 7-px window), clipped to [0, 1]."""
    from skimage.metrics import structural_similarity

    a, b = to_grey(reference), to_grey(match_size(reference, candidate))
    return float(np.clip(structural_similarity(a, b, data_range=255.0), 0.0, 1.0))


def mse_score(reference: np.ndarray, candidate: np.ndarray) -> float:
    """``1 − RMSE / 255`` over RGB pixels (1 = identical)."""
    a = as_rgb(reference).astype(np.float32)
    b = as_rgb(match_size(reference, candidate)).astype(np.float32)
    return float(1.0 - np.sqrt(np.mean((a - b) ** 2)) / 255.0)


def edge_map(image: np.ndarray, *, low: int = 50, high: int = 150, dilate: int = 1) -> np.ndarray:
    """Boolean ``(H, W)`` Canny edges, dilated by ``dilate`` pixels to forgive anti-aliasing shifts."""
    import cv2

    e = cv2.Canny(to_grey(image).astype(np.uint8), low, high) > 0
    if dilate:
        k = np.ones((2 * dilate + 1, 2 * dilate + 1), np.uint8)
        e = cv2.dilate(e.astype(np.uint8), k) > 0
    return e


def edge_iou_score(reference: np.ndarray, candidate: np.ndarray) -> float:
    """IoU of the two dilated edge maps (1 when both are empty)."""
    a, b = edge_map(reference), edge_map(match_size(reference, candidate))
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)


def token_f1(a: list[str], b: list[str]) -> float:
    """Multiset F1 of two token lists (1 when both are empty)."""
    if not a and not b:
        return 1.0
    from collections import Counter

    common = sum((Counter(a) & Counter(b)).values())
    return 2.0 * common / (len(a) + len(b))


_OCR: Any = None
_OCR_LOCK = threading.Lock()


def ocr_tokens(image: np.ndarray) -> list[str]:
    """Lower-cased words RapidOCR reads in the image (models ship in the wheel; one ONNX Runtime thread)."""
    global _OCR
    with _OCR_LOCK:
        if _OCR is None:
            from rapidocr import RapidOCR

            _OCR = RapidOCR(params={"Global.log_level": "error",
                                    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                                    "EngineConfig.onnxruntime.inter_op_num_threads": 1})
        out = _OCR(as_rgb(image))
    words: list[str] = []
    for t in out.txts or ():
        words.extend(t.lower().split())
    return words


# ---- TEDS -----------------------------------------------------------------------------------------------------------


@dataclass
class Node:
    """A table tree node as in PubTabNet's TEDS: tag, spans, cell content tokens (td only), children."""

    tag: str
    colspan: int = 1
    rowspan: int = 1
    content: tuple[str, ...] = ()
    children: list["Node"] | None = None

    def __post_init__(self) -> None:
        self.children = self.children or []


def table_tree(html: str, *, structure_only: bool = False) -> Node | None:
    """Parse the first ``<table>`` of ``html`` into a :class:`Node` tree (None if there is none).

    ``th`` counts as ``td``; a cell's content is the character sequence of its text (inline tags are content, not
    nodes); only table, thead/tbody/tfoot, tr and td become nodes.
    """
    from lxml import html as lhtml

    try:
        doc = lhtml.fromstring(html)
    except Exception:
        return None
    tables = [doc] if doc.tag == "table" else doc.findall(".//table")
    if not tables:
        return None

    def walk(el) -> Node | None:
        tag = "td" if el.tag == "th" else el.tag
        if tag == "td":
            text = "" if structure_only else " ".join("".join(el.itertext()).split())
            return Node("td", _span(el, "colspan"), _span(el, "rowspan"), tuple(text))
        if tag not in ("table", "thead", "tbody", "tfoot", "tr"):
            return None
        kids = [k for k in (walk(c) for c in el if isinstance(c.tag, str)) if k is not None]
        return Node(tag, children=kids)

    return walk(tables[0])


def _span(el, name: str) -> int:
    try:
        return max(1, int(el.get(name, "1")))
    except ValueError:
        return 1


def rename_cost(a: Node, b: Node) -> float:
    if a.tag != b.tag or a.colspan != b.colspan or a.rowspan != b.rowspan:
        return 1.0
    if a.tag == "td" and (a.content or b.content):
        return float(Levenshtein.normalized_distance(a.content, b.content))
    return 0.0


def _postorder(root: Node) -> tuple[list[Node], list[int], list[int]]:
    """Nodes in post-order, each node's leftmost-leaf index, and the LR keyroots (Zhang & Shasha)."""
    nodes: list[Node] = []
    lml: list[int] = []

    def visit(n: Node) -> int:
        first = -1
        for c in n.children:
            leaf = visit(c)
            first = leaf if first < 0 else first
        nodes.append(n)
        lml.append(first if first >= 0 else len(nodes) - 1)
        return lml[-1]

    visit(root)
    seen: dict[int, int] = {}
    for i, leaf in enumerate(lml):
        seen[leaf] = i  # the highest node with a given leftmost leaf is the keyroot
    return nodes, lml, sorted(seen.values())


def tree_edit_distance(t1: Node, t2: Node) -> float:
    """Exact ordered tree edit distance (Zhang–Shasha), unit insert/delete, :func:`rename_cost` for renames.

    All rename costs are computed once up front (rapidfuzz, in C); the dynamic programme runs over plain lists.
    """
    n1, l1, k1 = _postorder(t1)
    n2, l2, k2 = _postorder(t2)
    cost = [[rename_cost(a, b) for b in n2] for a in n1]
    td = [[0.0] * len(n2) for _ in n1]
    for i in k1:
        for j in k2:
            li, lj = l1[i], l2[j]
            m, n = i - li + 2, j - lj + 2
            fd = [[0.0] * n for _ in range(m)]
            for x in range(1, m):
                fd[x][0] = fd[x - 1][0] + 1.0
            row0 = fd[0]
            for y in range(1, n):
                row0[y] = row0[y - 1] + 1.0
            for x in range(1, m):
                ii = li + x - 1
                fx, fprev = fd[x], fd[x - 1]
                lii = l1[ii]
                crow, tdrow = cost[ii], td[ii]
                for y in range(1, n):
                    jj = lj + y - 1
                    if lii == li and l2[jj] == lj:
                        v = min(fprev[y] + 1.0, fx[y - 1] + 1.0, fprev[y - 1] + crow[jj])
                        fx[y] = v
                        tdrow[jj] = v
                    else:
                        p, q = lii - li, l2[jj] - lj
                        fx[y] = min(fprev[y] + 1.0, fx[y - 1] + 1.0, fd[p][q] + tdrow[jj])
    return td[-1][-1]


def count_nodes(t: Node) -> int:
    return 1 + sum(count_nodes(c) for c in t.children)


def teds(gt_html: str, pred_html: str, *, structure_only: bool = False) -> float:
    """TEDS = 1 − TED / max(|T_gt|, |T_pred|) (PubTabNet's definition); TEDS-S with ``structure_only``.

    0.0 when the prediction holds no table; 1.0 when neither does.
    """
    a, b = table_tree(gt_html, structure_only=structure_only), table_tree(pred_html, structure_only=structure_only)
    if a is None or b is None:
        return 1.0 if a is None and b is None else 0.0
    return max(0.0, 1.0 - tree_edit_distance(a, b) / max(count_nodes(a), count_nodes(b)))


# ---- judges ---------------------------------------------------------------------------------------------------------


class ScalarJudge(BaseJudge):
    """Shared loop: time a pure score function and wrap it in a Verdict with no error list."""

    def __init__(self, name: str, fn) -> None:
        self.name = name
        self.fn = fn

    def judge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict:
        t = time.perf_counter()
        score = self.fn(as_rgb(reference), as_rgb(candidate))
        return Verdict(task=task, judge=self.name, score_override=float(score), seconds=time.perf_counter() - t)


@register_judge("ssim")
def ssim_judge() -> ScalarJudge:
    """SSIM of the grey images, candidate resized to the reference (no options)."""
    return ScalarJudge("ssim", ssim_score)


@register_judge("mse")
def mse_judge() -> ScalarJudge:
    """Pixel error as ``1 − RMSE/255`` after resizing the candidate to the reference (no options)."""
    return ScalarJudge("mse", mse_score)


@register_judge("edge_iou")
def edge_iou_judge(*, dilate: int = 1) -> ScalarJudge:
    """IoU of Canny edge maps.

    Args:
        dilate: pixels by which edges are grown before the IoU, so 1-px anti-aliasing shifts do not count.
    """
    return ScalarJudge("edge_iou", lambda a, b: _edge_iou(a, b, dilate))


def _edge_iou(a: np.ndarray, b: np.ndarray, dilate: int) -> float:
    ea, eb = edge_map(a, dilate=dilate), edge_map(match_size(a, b), dilate=dilate)
    union = np.logical_or(ea, eb).sum()
    return 1.0 if union == 0 else float(np.logical_and(ea, eb).sum() / union)


class OcrF1Judge(ScalarJudge):
    """Token F1 of the words OCR reads in both images; reference readings are cached by content."""

    def __init__(self, cache_size: int = 256) -> None:
        super().__init__("ocr_f1", self._score)
        self.cache: dict[bytes, list[str]] = {}
        self.cache_size = cache_size

    def _tokens(self, image: np.ndarray) -> list[str]:
        import hashlib

        key = hashlib.sha1(image.tobytes() + str(image.shape).encode()).digest()
        if key not in self.cache:
            if len(self.cache) >= self.cache_size:
                self.cache.pop(next(iter(self.cache)))
            self.cache[key] = ocr_tokens(image)
        return self.cache[key]

    def _score(self, reference: np.ndarray, candidate: np.ndarray) -> float:
        return token_f1(self._tokens(reference), self._tokens(candidate))


@register_judge("ocr_f1")
def ocr_f1_judge(*, cache_size: int = 256) -> OcrF1Judge:
    """Text F1 between OCR readings of reference and candidate (RapidOCR; ~2 s per image on 2 cores).

    Args:
        cache_size: OCR readings kept in memory, keyed by pixel content (a reference is read once).
    """
    return OcrF1Judge(cache_size)


class TedsJudge(BaseJudge):
    """TEDS on HTML sources; images alone cannot be scored (the Verdict says so in ``parse_error``)."""

    def __init__(self, name: str, structure_only: bool) -> None:
        self.name = name
        self.structure_only = structure_only

    def judge(self, reference: np.ndarray, candidate: np.ndarray, *, task: str) -> Verdict:
        return Verdict(task=task, judge=self.name, parse_error=f"{self.name} needs HTML sources: use judge_html")

    def judge_html(self, gt_html: str, pred_html: str, *, task: str = "table") -> Verdict:
        t = time.perf_counter()
        score = teds(gt_html, pred_html, structure_only=self.structure_only)
        return Verdict(task=task, judge=self.name, score_override=score, seconds=time.perf_counter() - t)


@register_judge("teds")
def teds_judge() -> TedsJudge:
    """TEDS (structure + cell text) on HTML sources via ``judge_html``."""
    return TedsJudge("teds", False)


@register_judge("teds_s")
def teds_s_judge() -> TedsJudge:
    """TEDS-S (structure only) on HTML sources via ``judge_html``."""
    return TedsJudge("teds_s", True)
