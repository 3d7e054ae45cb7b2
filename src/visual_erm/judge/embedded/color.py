"""Colour in Lab: conversion, CIEDE2000, palettes and per-colour masks.

Pure functions. Lab arrays are float32 with L in [0, 100] and a, b roughly in [-128, 127] (D65, as OpenCV and
scikit-image define it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000

# palette() merges colours against the kept ones this many at a time (CIEDE2000 calls cost per call).
_MERGE_BLOCK = 64

# Below this chroma (sqrt(a^2 + b^2)) a colour reads as grey/black/white: axes, text, grid, background.
NEUTRAL_CHROMA = 10.0


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """``(..., 3)`` uint8 RGB to float32 Lab of the same shape."""
    a = np.asarray(rgb, dtype=np.uint8)
    if a.size == 0:
        return np.zeros(a.shape, np.float32)
    flat = a.reshape(-1, 1, 3).astype(np.float32) / 255.0
    return cv2.cvtColor(flat, cv2.COLOR_RGB2Lab).reshape(a.shape).astype(np.float32)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """float Lab ``(..., 3)`` back to uint8 RGB."""
    a = np.asarray(lab, dtype=np.float32)
    if a.size == 0:
        return np.zeros(a.shape, np.uint8)
    rgb = cv2.cvtColor(a.reshape(-1, 1, 3), cv2.COLOR_Lab2RGB).reshape(a.shape)
    return np.clip(np.round(rgb * 255.0), 0, 255).astype(np.uint8)


def delta_e(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference between broadcastable Lab arrays (about 2.3 is a just-noticeable difference)."""
    return np.asarray(deltaE_ciede2000(np.asarray(lab1, np.float64), np.asarray(lab2, np.float64)), dtype=np.float32)


def _lightness_term(l1: np.ndarray, l2: np.ndarray) -> np.ndarray:
    """|dL| / S_L of CIEDE2000 (kL = 1), a lower bound of it: the chroma and hue terms with the rotation term
    add (|x| - |y|)^2 or more, never less than zero."""
    mean = (np.asarray(l1, np.float64) + np.asarray(l2, np.float64)) / 2.0 - 50.0
    s_l = 1.0 + 0.015 * mean * mean / np.sqrt(20.0 + mean * mean)
    return np.abs(np.asarray(l1, np.float64) - np.asarray(l2, np.float64)) / s_l


def delta_e76(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """Euclidean Lab distance: cheap per-pixel screen before CIEDE2000 on a few palette colours."""
    d = np.asarray(lab1, np.float32) - np.asarray(lab2, np.float32)
    return np.sqrt((d * d).sum(axis=-1))


def chroma(lab: np.ndarray) -> np.ndarray:
    """sqrt(a^2 + b^2) of Lab colours."""
    lab = np.asarray(lab, np.float32)
    return np.hypot(lab[..., 1], lab[..., 2])


@dataclass
class Palette:
    """Dominant colours of an image region.

    ``lab``: ``(k, 3)`` float32; ``rgb``: ``(k, 3)`` uint8; ``fraction``: ``(k,)`` share of the counted pixels;
    ``count``: ``(k,)`` pixel counts. Sorted by count, largest first.
    """

    lab: np.ndarray
    rgb: np.ndarray
    fraction: np.ndarray
    count: np.ndarray

    def __len__(self) -> int:
        return int(self.lab.shape[0])

    def nearest(self, lab: np.ndarray) -> tuple[int, float]:
        """Index and CIEDE2000 distance of the palette colour nearest to one Lab colour; (-1, inf) if empty."""
        if len(self) == 0:
            return -1, float("inf")
        d = delta_e(self.lab, np.broadcast_to(np.asarray(lab, np.float32), self.lab.shape))
        i = int(np.argmin(d))
        return i, float(d[i])


def colour_codes(image: np.ndarray) -> np.ndarray:
    """``(...)`` int32 code of each ``(..., 3)`` uint8 pixel's colour at 32 levels per channel (5 bits each)."""
    q = np.asarray(image, np.uint8) >> 3
    return (q[..., 0].astype(np.int32) << 10) | (q[..., 1].astype(np.int32) << 5) | q[..., 2]


@functools.lru_cache(maxsize=1)
def _code_lab() -> np.ndarray:
    """Lab of the centre of every colour code (32768 x 3), converted once: per-colour conversion, the same values."""
    codes = np.arange(32768)
    centres = np.stack([(codes >> 10) & 31, (codes >> 5) & 31, codes & 31], axis=1).astype(np.uint8) * 8 + 4
    lab = rgb_to_lab(centres)
    lab.flags.writeable = False  # (one table for every caller)
    return lab


def palette(image: np.ndarray, *, mask: np.ndarray | None = None, max_colors: int = 12, min_fraction: float = 0.004,
            merge_delta: float = 12.0, chromatic_only: bool = False, min_pixels: int = 12) -> Palette:
    """Dominant colours of ``image`` (optionally under ``mask``).

    Args:
        image: ``(H, W, 3)`` uint8 RGB.
        mask: ``(H, W)`` bool; only these pixels count (e.g. ink inside a plot area).
        max_colors: keep at most this many colours.
        min_fraction: drop colours covering less than this share of counted pixels (anti-aliasing fringes).
        merge_delta: colours closer than this CIEDE2000 are one colour (JPEG noise, shading of one series).
        chromatic_only: skip near-neutral colours (text, axes, grid).
        min_pixels: drop colours with fewer pixels than this, whatever their share.
    """
    empty = Palette(np.zeros((0, 3), np.float32), np.zeros((0, 3), np.uint8), np.zeros(0, np.float32), np.zeros(0, np.int64))
    codes = colour_codes(image).ravel()
    if mask is not None:
        codes = codes[np.asarray(mask, bool).ravel()]
    if codes.size == 0:
        return empty
    counts = np.bincount(codes, minlength=32768)
    present = np.flatnonzero(counts)
    # Most frequent first, equal counts by code: a stable sort, so the same order on every machine (the default
    # sort orders equal keys as the CPU's SIMD kernel happens to).
    order = present[np.argsort(-counts[present], kind="stable")][:256]
    lab = _code_lab()[order]
    cnt = counts[order].astype(np.int64)
    if chromatic_only:
        keep = chroma(lab) >= NEUTRAL_CHROMA
        lab, cnt = lab[keep], cnt[keep]
    total = float(codes.size)
    kept: list[int] = []
    kept_lab: list[np.ndarray] = []
    kept_n: list[int] = []
    # Greedy merge, most frequent first: a colour joins the nearest kept colour closer than merge_delta. Only
    # distances to kept colours matter, so they are computed a block at a time (to the kept ones and the block).
    for start in range(0, len(lab), _MERGE_BLOCK):
        block = np.arange(start, min(len(lab), start + _MERGE_BLOCK))
        cols = np.concatenate([np.asarray(kept, np.int64), block])
        # CIEDE2000 is computed only where it may fall below merge_delta: it is never below the lightness term.
        near = _lightness_term(lab[block, 0][:, None], lab[cols, 0][None, :]) < merge_delta * (1 + 1e-4)
        dist = np.full(near.shape, np.inf, np.float32)
        rows, at = np.nonzero(near)
        if rows.size:
            dist[rows, at] = delta_e(lab[block[rows]], lab[cols[at]])
        n_before = len(kept)
        # nearest of the colours kept before this block, for every row at once (argmin: the first of equals)
        before = np.argmin(dist[:, :n_before], axis=1) if n_before else np.full(len(block), -1)
        best_before = dist[np.arange(len(block)), before] if n_before else np.full(len(block), np.inf)
        for b, i in enumerate(block):
            j, best = int(before[b]), float(best_before[b])
            for k in range(n_before, len(kept)):  # ... then those kept from this block, in order
                d = float(dist[b, n_before + kept[k] - start])
                if d < best:
                    j, best = k, d
            if best < merge_delta:
                kept_n[j] += int(cnt[i])
                continue
            kept.append(int(i))
            kept_lab.append(lab[i])
            kept_n.append(int(cnt[i]))
    if not kept_lab:
        return empty
    lab_a = np.asarray(kept_lab, np.float32)
    n_a = np.asarray(kept_n, np.int64)
    keep = (n_a / total >= min_fraction) & (n_a >= min_pixels)
    lab_a, n_a = lab_a[keep], n_a[keep]
    if lab_a.shape[0] == 0:  # every colour below the cut-offs: nothing to convert back (cv2 refuses empty input)
        return empty
    order2 = np.argsort(-n_a, kind="stable")[:max_colors]  # (equal counts keep the order above)
    lab_a, n_a = lab_a[order2], n_a[order2]
    return Palette(lab=lab_a, rgb=lab_to_rgb(lab_a), fraction=(n_a / total).astype(np.float32), count=n_a)


def color_mask(lab_image: np.ndarray, color: np.ndarray, *, tolerance: float = 14.0) -> np.ndarray:
    """``(H, W)`` bool: pixels of a Lab image within ``tolerance`` (Lab distance) of ``color``."""
    lab_image = np.asarray(lab_image)
    c = np.asarray(color, np.float32)
    # Plane by plane, squares added in channel order: the same sums as ((lab - c) ** 2).sum(axis=-1), without a
    # reduction over a 3-long axis or a 3-channel temporary (a panel sliced out of an image is a strided view).
    total = lab_image[..., 0] - c[0]
    total *= total
    for k in (1, 2):
        d = lab_image[..., k] - c[k]
        d *= d
        total += d
    return total < tolerance * tolerance


def match_palettes(a: Palette, b: Palette, *, max_delta: float = 18.0) -> list[tuple[int, int, float]]:
    """One-to-one pairs ``(i, j, deltaE)`` of colours of ``a`` and ``b`` closer than ``max_delta``, nearest first."""
    if len(a) == 0 or len(b) == 0:
        return []
    d = delta_e(a.lab[:, None, :].repeat(len(b), 1), b.lab[None, :, :].repeat(len(a), 0))
    pairs: list[tuple[int, int, float]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for flat in np.argsort(d, axis=None):
        i, j = divmod(int(flat), len(b))
        if d[i, j] >= max_delta:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, float(d[i, j])))
    return pairs


def color_name(rgb: np.ndarray) -> str:
    """A plain English name for an RGB colour (for descriptions: 'blue', 'dark orange', 'light grey')."""
    lab = rgb_to_lab(np.asarray(rgb, np.uint8).reshape(1, 3))[0]
    L, a, b = (float(v) for v in lab)
    c = float(np.hypot(a, b))
    if c < NEUTRAL_CHROMA:
        if L > 92:
            return "white"
        if L < 20:
            return "black"
        return "light grey" if L > 65 else ("grey" if L > 40 else "dark grey")
    hue = (np.degrees(np.arctan2(b, a)) + 360.0) % 360.0
    names = [(15, "pink"), (48, "red"), (75, "orange"), (105, "yellow"), (165, "green"), (200, "teal"),
             (240, "cyan"), (315, "blue"), (345, "purple"), (360, "pink")]
    name = next(n for h, n in names if hue < h)
    if name == "orange" and L < 55:
        name = "brown"
    elif name == "yellow" and L < 65:
        name = "olive"
    if L < 28 and name not in ("brown",):
        name = "dark " + name
    elif L > 80 and name not in ("yellow",):
        name = "light " + name
    return name
