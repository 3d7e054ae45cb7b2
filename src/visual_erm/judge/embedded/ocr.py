"""Text boxes: OCR engines behind one small interface, and one-to-one matching of boxes by place and string.

OCR is the slow part of the embedded judge (about 1 s per 640x480 image for detection + recognition on one core,
about 30 ms to recognise one cropped line). Comparers therefore read the whole reference once (it is cached with
its analysis) and, on the candidate, only recognise crops where it differs from the aligned reference.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz.distance import Levenshtein
from scipy.optimize import linear_sum_assignment

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class TextBox:
    """One line of text: ``text``, its axis-aligned ``box`` ``(x0, y0, x1, y1)`` in the analysed image, OCR ``score``.

    ``vertical`` is True for a line written bottom-to-top (a rotated y-axis label).
    """

    text: str
    box: Box
    score: float = 1.0
    vertical: bool = False

    @property
    def center(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2.0, (self.box[1] + self.box[3]) / 2.0


class OcrEngine(Protocol):
    """Reads text from ``(H, W, 3)`` uint8 RGB images."""

    name: str

    def read(self, image: np.ndarray) -> list[TextBox]:
        """Detect and recognise every line of text."""

    def recognize(self, crop: np.ndarray) -> tuple[str, float]:
        """Recognise one line already cropped (no detection); ``("", 0.0)`` if nothing is legible."""


# Strokes and marker symbols OCR reads off a legend handle or a plotted line ('一' is a CJK numeral to Python).
_GLYPHS = frozenset("一丨丶ー—–-‐‑‒―_|¦~=≡·•.,:;'\"`+*/\\()[]{}<>─━│┃┄┅┈┉╌╍●○■□▲△▼▽◆◇◀▶★☆")


def line_glyph_only(text: str) -> bool:
    """True when ``text`` holds no letter or digit, only strokes, dashes and marker symbols: what OCR reads off a
    legend handle or a plotted line, never a label."""
    return all(c.isspace() or c in _GLYPHS for c in text)


def _upright(crop: np.ndarray) -> np.ndarray:
    # A tall, narrow crop is a rotated label: recognisers read horizontal lines only.
    h, w = crop.shape[:2]
    return np.ascontiguousarray(np.rot90(crop, k=-1)) if h > 1.6 * w and h > 20 else crop


def _pad(crop: np.ndarray, px: int = 4) -> np.ndarray:
    bg = np.median(np.concatenate([crop[0], crop[-1]]), axis=0).astype(np.uint8)
    out = np.empty((crop.shape[0] + 2 * px, crop.shape[1] + 2 * px, 3), np.uint8)
    out[:] = bg
    out[px:-px, px:-px] = crop
    return out


class RapidOcrEngine:
    """rapidocr 3.x with the ONNX models shipped in its wheel (no download); one instance per thread count."""

    name = "rapidocr"

    def __init__(self, *, threads: int = 1, min_score: float = 0.5) -> None:
        from rapidocr import RapidOCR  # heavy import, only when OCR is used

        self.min_score = min_score
        self._engine = RapidOCR(params={
            "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": int(threads),
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            # Reuse onnxruntime's buffers between runs: the same readings, about 7% less time per crop.
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
        })
        # onnxruntime sessions are not re-entrant across our worker threads for the same inputs buffers.
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> list[TextBox]:
        with self._lock:
            # rapidocr 3.x keeps the use_* flags of the previous call: a crop recognition would switch detection off.
            out = self._engine(np.ascontiguousarray(image), use_det=True, use_cls=True, use_rec=True)
        boxes_, txts = getattr(out, "boxes", None), getattr(out, "txts", None)
        if boxes_ is None or txts is None:
            return []
        boxes: list[TextBox] = []
        for poly, text, score in zip(boxes_, txts, out.scores):
            text = str(text).strip()
            if not text or float(score) < self.min_score or line_glyph_only(text):
                continue
            p = np.asarray(poly, np.float32)
            x0, y0 = float(p[:, 0].min()), float(p[:, 1].min())
            x1, y1 = float(p[:, 0].max()), float(p[:, 1].max())
            boxes.append(TextBox(text, (x0, y0, x1, y1), float(score), vertical=(y1 - y0) > 1.6 * (x1 - x0)))
        return boxes

    def recognize(self, crop: np.ndarray) -> tuple[str, float]:
        if crop.size == 0 or min(crop.shape[:2]) < 4:
            return "", 0.0
        with self._lock:
            out = self._engine(_pad(_upright(np.ascontiguousarray(crop))), use_det=False, use_cls=False, use_rec=True)
        if not getattr(out, "txts", None):
            return "", 0.0
        text, score = str(out.txts[0]).strip(), float(out.scores[0])
        if line_glyph_only(text):
            return "", 0.0
        return (text, score) if score >= self.min_score else ("", score)


class TesseractEngine:
    """Debian's ``tesseract`` binary (about 0.35 s per image); used when rapidocr is unavailable or unwanted."""

    name = "tesseract"

    def __init__(self, *, binary: str | None = None, timeout: float = 20.0, min_conf: float = 40.0) -> None:
        self.binary = binary or shutil.which("tesseract") or "/usr/bin/tesseract"
        self.timeout = timeout
        self.min_conf = min_conf

    def _run(self, image: np.ndarray, psm: int) -> list[tuple[str, Box, float]]:
        from PIL import Image

        with tempfile.NamedTemporaryFile(suffix=".png") as f:
            Image.fromarray(image).save(f.name)
            proc = subprocess.run([self.binary, f.name, "-", "--psm", str(psm), "tsv"], capture_output=True,
                                  text=True, timeout=self.timeout, check=False)
        lines: dict[tuple[str, str, str], list[tuple[str, Box, float]]] = {}
        for row in proc.stdout.splitlines()[1:]:
            cols = row.split("\t")
            if len(cols) < 12 or cols[0] != "5" or not cols[11].strip() or float(cols[10]) < self.min_conf:
                continue
            x, y, w, h = (float(c) for c in cols[6:10])
            lines.setdefault((cols[2], cols[3], cols[4]), []).append((cols[11].strip(), (x, y, x + w, y + h), float(cols[10])))
        out = []
        for words in lines.values():
            text = " ".join(w[0] for w in words)
            box = (min(w[1][0] for w in words), min(w[1][1] for w in words), max(w[1][2] for w in words), max(w[1][3] for w in words))
            out.append((text, box, float(np.mean([w[2] for w in words])) / 100.0))
        return out

    def read(self, image: np.ndarray) -> list[TextBox]:
        return [TextBox(t, b, s) for t, b, s in self._run(np.ascontiguousarray(image), psm=11) if not line_glyph_only(t)]

    def recognize(self, crop: np.ndarray) -> tuple[str, float]:
        if crop.size == 0 or min(crop.shape[:2]) < 4:
            return "", 0.0
        found = [f for f in self._run(_pad(_upright(np.ascontiguousarray(crop)), 8), psm=7) if not line_glyph_only(f[0])]
        return (found[0][0], found[0][2]) if found else ("", 0.0)


class NoOcr:
    """Reads nothing: text checks fall back to pixel evidence alone."""

    name = "none"

    def read(self, image: np.ndarray) -> list[TextBox]:
        return []

    def recognize(self, crop: np.ndarray) -> tuple[str, float]:
        return "", 0.0


@functools.lru_cache(maxsize=8)
def get_ocr(name: str = "rapidocr", *, threads: int = 1) -> OcrEngine:
    """A shared OCR engine by name: ``rapidocr``, ``tesseract`` or ``none``."""
    if name == "rapidocr":
        return RapidOcrEngine(threads=threads)
    if name == "tesseract":
        return TesseractEngine()
    if name == "none":
        return NoOcr()
    raise ValueError(f"unknown OCR engine {name!r}; expected rapidocr, tesseract or none")


_OCR_LOOKALIKES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2019": "'", "\u2018": "'",
                                 "\u0131": "l", "|": "l"})  # dotless i and a bar: how OCR reads a bare 'l' stroke


def normalize_text(text: str) -> str:
    """Text as compared: case-folded, whitespace collapsed, typographic minus and quotes unified, and the glyphs OCR
    returns for a bare 'l' stroke read as 'l'."""
    return " ".join(text.translate(_OCR_LOOKALIKES).casefold().split())


def text_similarity(a: str, b: str) -> float:
    """Normalised similarity in [0, 1] (1 - Levenshtein distance / longer length) of two normalised strings."""
    a, b = normalize_text(a), normalize_text(b)
    if not a and not b:
        return 1.0
    return float(Levenshtein.normalized_similarity(a, b))


def match_text_boxes(ref: list[TextBox], cand: list[TextBox], *, max_distance: float = 40.0,
                     min_similarity: float = 0.34) -> list[tuple[int, int, float]]:
    """One-to-one pairs ``(i, j, similarity)`` of reference and candidate lines, by place and string.

    Boxes must be in one frame. A pair needs centres within ``max_distance`` px or a string similarity of at
    least 0.9 (the same words elsewhere: a moved label); pairs below ``min_similarity`` are dropped.
    """
    if not ref or not cand:
        return []
    n, m = len(ref), len(cand)
    cost = np.full((n, m), 1e6, np.float64)
    sims = np.zeros((n, m), np.float64)
    for i, r in enumerate(ref):
        for j, c in enumerate(cand):
            d = float(np.hypot(r.center[0] - c.center[0], r.center[1] - c.center[1]))
            s = text_similarity(r.text, c.text)
            sims[i, j] = s
            if d <= max_distance or s >= 0.9:
                cost[i, j] = (1.0 - s) * 2.0 + d / max(max_distance, 1.0)
    rows, cols = linear_sum_assignment(cost)
    return [(int(i), int(j), float(sims[i, j])) for i, j in zip(rows, cols)
            if cost[i, j] < 1e6 and sims[i, j] >= min_similarity]
