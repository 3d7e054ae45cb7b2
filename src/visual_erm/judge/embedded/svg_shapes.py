"""Shapes of a rasterised SVG: segmentation into regions, one-to-one matching, and an anti-aliasing-tolerant diff.

Pure functions on arrays. Images are brought into one square frame (``to_frame``) so a rendering at another
resolution lines up pixel for pixel. Regions are connected components of a graph joining neighbouring pixels whose
Lab colours differ by less than ``step``: a smooth gradient stays one region, an edge (even anti-aliased) splits.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from visual_erm.judge.embedded.color import rgb_to_lab
from visual_erm.judge.embedded.normalize import Box, box_iou



@dataclass
class Shape:
    """One region: ``label`` in the label map, pixel ``area``, ``box`` (x0, y0, x1, y1), ``centroid`` (x, y),
    mean ``lab`` colour and ``thickness`` (2 x area / perimeter: about the stroke width of a thin outline)."""

    label: int
    area: int
    box: Box
    centroid: tuple[float, float]
    lab: np.ndarray
    thickness: float


def to_frame(image: np.ndarray, side: int = 256) -> np.ndarray:
    """``image`` resized into a ``side`` x ``side`` frame (aspect kept, centred on white)."""
    h, w = image.shape[:2]
    s = side / max(h, w)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    small = cv2.resize(np.ascontiguousarray(image), (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.full((side, side, 3), 255, np.uint8)
    y0, x0 = (side - nh) // 2, (side - nw) // 2
    out[y0:y0 + nh, x0:x0 + nw] = small
    return out


def segment(lab: np.ndarray, *, step: float = 7.0, min_area: int = 12, bg_step: float = 6.0) -> tuple[np.ndarray, list[Shape]]:
    """Label map ``(H, W)`` int32 and the shapes of an Lab image.

    Args:
        lab: ``(H, W, 3)`` float32 Lab.
        step: largest colour difference (Lab distance) between neighbouring pixels of one region.
        min_area: regions smaller than this (anti-aliasing fringes, specks) get label -1 and no shape.
        bg_step: pixels of the background component further than this from its median colour form own regions.

    The region touching the image corners with the most pixels is the background (label -1, no shape).
    """
    h, w = lab.shape[:2]
    idx = np.arange(h * w).reshape(h, w)
    dx = np.sqrt(((lab[:, 1:] - lab[:, :-1]) ** 2).sum(axis=2)) < step
    dy = np.sqrt(((lab[1:] - lab[:-1]) ** 2).sum(axis=2)) < step
    rows = np.concatenate([idx[:, :-1][dx], idx[:-1][dy]])
    cols = np.concatenate([idx[:, 1:][dx], idx[1:][dy]])
    graph = coo_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(h * w, h * w))
    _, comp = connected_components(graph, directed=False)
    labels = comp.reshape(h, w).astype(np.int32)
    areas = np.bincount(comp)
    corners = [labels[0, 0], labels[0, -1], labels[-1, 0], labels[-1, -1]]
    bg = max(corners, key=lambda c: areas[c])
    keep = areas >= min_area
    keep[bg] = False
    labels = np.where(keep[labels], labels, -1)
    # a pale part fades into the background through anti-aliasing steps smaller than ``step``: only pixels of the
    # background's own colour are background; the rest of that component is split off by colour distance
    bg_lab = np.median(lab[labels == -1], axis=0) if (labels == -1).any() else lab[0, 0]
    pale = (comp.reshape(h, w) == bg) & (np.sqrt(((lab - bg_lab) ** 2).sum(axis=2)) > bg_step)
    if pale.sum() >= min_area:
        n_pale, pale_lab = cv2.connectedComponents(pale.astype(np.uint8), connectivity=4)
        pale_areas = np.bincount(pale_lab.ravel(), minlength=n_pale)
        base = int(labels.max()) + 1
        ok = pale & (pale_areas[pale_lab] >= min_area)
        labels = np.where(ok, base + pale_lab, labels).astype(np.int32)
    shapes: list[Shape] = []
    flat = labels.ravel()
    valid = flat >= 0
    if not valid.any():
        return labels, shapes
    ids = flat[valid]
    ys, xs = np.divmod(np.flatnonzero(valid), w)
    labf = lab.reshape(-1, 3)[valid]
    uniq, inv = np.unique(ids, return_inverse=True)
    n = len(uniq)
    cnt = np.bincount(inv, minlength=n).astype(np.float64)
    cx = np.bincount(inv, xs, n) / cnt
    cy = np.bincount(inv, ys, n) / cnt
    mean = np.stack([np.bincount(inv, labf[:, c], n) / cnt for c in range(3)], axis=1)
    x0 = np.full(n, w)
    y0 = np.full(n, h)
    x1 = np.zeros(n)
    y1 = np.zeros(n)
    np.minimum.at(x0, inv, xs)
    np.minimum.at(y0, inv, ys)
    np.maximum.at(x1, inv, xs + 1)
    np.maximum.at(y1, inv, ys + 1)
    # perimeter: pixels with a 4-neighbour of another label
    pad = np.pad(labels, 1, constant_values=-2)
    edge = ((pad[1:-1, 1:-1] != pad[:-2, 1:-1]) | (pad[1:-1, 1:-1] != pad[2:, 1:-1]) |
            (pad[1:-1, 1:-1] != pad[1:-1, :-2]) | (pad[1:-1, 1:-1] != pad[1:-1, 2:])).ravel()[valid]
    per = np.bincount(inv, edge.astype(np.float64), n)
    new = np.full(int(labels.max()) + 2, -1, np.int32)
    new[uniq] = np.arange(n)
    labels = np.where(labels >= 0, new[np.maximum(labels, 0)], -1).astype(np.int32)
    for i in range(n):
        shapes.append(Shape(i, int(cnt[i]), (float(x0[i]), float(y0[i]), float(x1[i]), float(y1[i])),
                            (float(cx[i]), float(cy[i])), mean[i].astype(np.float32),
                            float(2.0 * cnt[i] / max(per[i], 1.0))))
    return labels, shapes


def match_shapes(ref: list[Shape], cand: list[Shape], *, side: int = 256, max_cost: float = 1.6) -> list[tuple[int, int, float]]:
    """One-to-one pairs ``(i, j, cost)`` of reference and candidate shapes by position, size, outline and colour.

    A pair must either keep its colour and roughly its size (it may have moved) or keep its place and roughly its
    size (it may have changed colour); pairs costing more than ``max_cost`` are dropped.
    """
    if not ref or not cand:
        return []
    diag = side * np.sqrt(2.0)
    rc = np.array([s.centroid for s in ref])
    cc = np.array([s.centroid for s in cand])
    pos = np.sqrt(((rc[:, None] - cc[None]) ** 2).sum(axis=2)) / diag
    ra = np.log(np.array([s.area for s in ref], np.float64))
    ca = np.log(np.array([s.area for s in cand], np.float64))
    size = np.abs(ra[:, None] - ca[None])
    rl = np.array([s.lab for s in ref])
    cl = np.array([s.lab for s in cand])
    col = np.sqrt(((rl[:, None] - cl[None]) ** 2).sum(axis=2)) / 50.0
    iou = np.array([[box_iou(a.box, b.box) for b in cand] for a in ref])
    rt = np.array([s.thickness for s in ref])
    ct = np.array([s.thickness for s in cand])
    outline = np.abs(np.log((rt[:, None] + 1) / (ct[None] + 1)))
    # colour is capped: a part recoloured in place is still the same part
    cost = 3 * pos + size + np.minimum(col, 0.8) + 0.5 * (1 - iou) + 0.5 * outline
    ok = ((col < 0.3) & (size < 0.6)) | ((iou > 0.5) & (size < 0.8))
    cost = np.where(ok, cost, 1e6)
    r, c = linear_sum_assignment(cost)
    return [(int(i), int(j), float(cost[i, j])) for i, j in zip(r, c) if cost[i, j] <= max_cost]


def diff_mask(ref_lab: np.ndarray, cand_lab: np.ndarray, *, tolerance: float = 14.0, radius: int = 1) -> np.ndarray:
    """Pixels that differ beyond anti-aliasing: no pixel within ``radius`` px in the other image is within
    ``tolerance`` (Lab distance), in both directions. ``(H, W)`` bool."""
    def one_way(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        best = np.full(a.shape[:2], np.inf, np.float32)
        pb = np.pad(b, ((radius, radius), (radius, radius), (0, 0)), mode="edge")
        h, w = a.shape[:2]
        for dy in range(2 * radius + 1):
            for dx in range(2 * radius + 1):
                d = a - pb[dy:dy + h, dx:dx + w]
                best = np.minimum(best, np.sqrt((d * d).sum(axis=2)))
        return best > tolerance

    return one_way(ref_lab, cand_lab) | one_way(cand_lab, ref_lab)


def lab_frame(image: np.ndarray, side: int = 256) -> np.ndarray:
    """Lab float32 of ``to_frame(image, side)``."""
    return rgb_to_lab(to_frame(image, side))
