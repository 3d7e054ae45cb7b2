"""Pie charts read as slices: a disk (or ring) of coloured wedges, each slice a colour and an angle.

Pure functions on RGB arrays. A pie's wedges move when one value changes (every slice after it turns), so pixel
differences and text positions say little; the slices' angular extents say exactly which values changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from visual_erm.judge.embedded import geometry as geo
from visual_erm.judge.embedded.color import delta_e, delta_e76, rgb_to_lab
from visual_erm.judge.embedded.normalize import far_from

_ANGLES = 720  # samples around the pie (half a degree each)
_THETA = np.linspace(0, 2 * np.pi, _ANGLES, endpoint=False)
_RINGS = np.array([0.3, 0.45, 0.6, 0.75, 0.88])  # where a wedge is read, from its hole to its rim


@dataclass(frozen=True)
class Slice:
    rgb: np.ndarray
    lab: np.ndarray
    start: float  # degrees, counter-clockwise from 3 o'clock
    extent: float  # degrees
    pulled: float = 0.0  # how far the wedge is pulled out of the pie (an exploded wedge), in radii

    @property
    def share(self) -> float:
        """The slice's share of the pie in percent."""
        return 100.0 * self.extent / 360.0


@dataclass(frozen=True)
class Pie:
    cx: float
    cy: float
    radius: float
    hole: float  # inner radius of a ring (donut); 0 for a full disk
    slices: tuple[Slice, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.cx - self.radius, self.cy - self.radius, self.cx + self.radius, self.cy + self.radius)


def find_pies(image: np.ndarray, background, *, min_radius: int = 24) -> list[Pie]:
    """Every pie drawn in ``image``: a filled disk of ink, joined over the thin edges between its wedges, with at
    least two slices. Text, leader lines or a legend touching it may cover up to a few percent of it."""
    ink = far_from(image, background) > 40
    joined = geo.erode(geo.dilate(ink, 2), 2)
    filled = _fill_holes(joined)
    n, labels, stats, cents = cv2.connectedComponentsWithStats(filled.astype(np.uint8), connectivity=8)
    pies: list[Pie] = []
    min_area = np.pi * min_radius ** 2
    for k in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[k])
        if area < min_area or not 0.75 <= w / max(h, 1) <= 1.33:
            continue
        comp = labels[y:y + h, x:x + w] == k
        disk, pulled = _disk_of(comp), None
        if disk is None:  # an exploded pie: a disk cut along radii, each cut's wedge pulled out past it
            cut_disk = _cut_disk_of(comp)
            if cut_disk is None:
                continue
            disk, cut = cut_disk[:3], cut_disk[3]
            pulled = _pulled_wedges(filled, joined, disk[0] + x, disk[1] + y, disk[2], cut)
            if pulled is None:
                continue
        cx, cy, r = disk
        hole = _hole(joined[y:y + h, x:x + w], cx, cy, r)
        # (the whole image for an exploded pie: its pulled wedges lie outside the disk's component)
        slices = _slices(image, cx + x, cy + y, r, hole, background, pulled)
        if len(slices) >= 2:
            pies.append(Pie(cx + x, cy + y, r, hole, tuple(slices)))
    return pies


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` with every background region that does not reach the border filled."""
    m = np.pad(mask.astype(np.uint8), 1)
    flood = m.copy()
    cv2.floodFill(flood, None, (0, 0), 1)
    return (m | (1 - flood)).astype(bool)[1:-1, 1:-1]


def _disk_of(comp: np.ndarray) -> tuple[float, float, float] | None:
    """(cx, cy, radius) when the component is a filled disk, allowing labels or lines attached at a few places
    of its rim; else None. The centre is the point farthest from the background (attachments do not move it)."""
    dist = cv2.distanceTransform(np.pad(comp, 1).astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
    _, r, _, (cx, cy) = cv2.minMaxLoc(dist)
    if r < 10:
        return None
    ys, xs = np.nonzero(comp)
    if (np.hypot(xs - cx, ys - cy) > 1.05 * r).sum() > 0.1 * len(xs):
        return None  # a rectangle (its corners), a blob, a disk with much attached
    if not _round_rim(comp, cx, cy, r, _THETA[::2]):
        return None
    return float(cx), float(cy), float(r)


def _round_rim(comp: np.ndarray, cx: float, cy: float, r: float, theta: np.ndarray) -> bool:
    """True when the component leaves the ring just outside radius ``r`` mostly empty (sampled at ``theta``): its
    rim is a circle, with a few things attached."""
    h, w = comp.shape
    ox = np.round(cx + 1.08 * r * np.cos(theta)).astype(int)
    oy = np.round(cy - 1.08 * r * np.sin(theta)).astype(int)
    inside = (ox >= 0) & (ox < w) & (oy >= 0) & (oy < h)
    return bool(comp[oy[inside], ox[inside]].sum() <= 0.25 * len(theta))


def _runs(mask: np.ndarray) -> list[np.ndarray]:
    """The runs of True in a circular mask of ``_ANGLES`` angles, each as its angles' indices in order."""
    if mask.all():
        return [np.arange(len(mask))]
    return [(a + np.arange(int(np.argmin(np.roll(mask, -a))))) % len(mask)
            for a in np.nonzero(mask & ~np.roll(mask, 1))[0]]


def _cut_disk_of(comp: np.ndarray) -> tuple[float, float, float, np.ndarray] | None:
    """(cx, cy, radius, cut) when the component is a disk with wedges cut out of it (an exploded pie: the pulled
    wedges lie apart), ``cut`` marking the angles (``_ANGLES`` of them) where it is empty from the centre to the
    rim; else None. The circle is the smallest one about the component, which more than half a disk fixes, once
    lines attached to it are opened away (leader or connection lines, which may join it to another chart)."""
    opened = geo.dilate(geo.erode(comp, 3), 3)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(opened.astype(np.uint8), connectivity=8)
    if n < 2:
        return None
    comp = labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    points = cv2.findNonZero(comp.astype(np.uint8))
    (cx, cy), r = cv2.minEnclosingCircle(points)
    r -= 0.5  # (about pixel centres)
    if r < 10 or comp.sum() < 0.5 * np.pi * r * r:
        return None
    h, w = comp.shape
    radii = r * _RINGS
    xs = np.clip(np.round(cx + radii[:, None] * np.cos(_THETA)).astype(int), 0, w - 1)
    ys = np.clip(np.round(cy - radii[:, None] * np.sin(_THETA)).astype(int), 0, h - 1)
    hits = comp[ys, xs].sum(axis=0)
    full, cut = hits >= 4, hits <= 1
    if full.mean() < 0.55 or (~full & ~cut).mean() > 0.06 or cut.mean() < 10 / _ANGLES:
        return None  # no disk cut along radii: a blob, a ring of text, a whole disk
    if not _round_rim(comp, cx, cy, r, _THETA):
        return None
    for idx in _runs(~full):  # a cut runs on through the angles it leaves half empty (the gap along a pulled
        if cut[idx].any():  # wedge's edges)
            cut[idx] = True
    return float(cx), float(cy), float(r), cut


def _pulled_wedges(filled: np.ndarray, joined: np.ndarray, cx: float, cy: float, r: float,
                   cut: np.ndarray) -> np.ndarray | None:
    """Where each angle's wedge is pulled out to, (dx, dy) in pixels along its middle: for every run of cut angles,
    a wedge of ink whose tip lies on the middle past the gap and whose rim lies a radius beyond it; None when a cut
    holds no such wedge (not an exploded pie). The rim is looked for in ``joined``: lines drawn across it close
    regions that ``filled`` fills."""
    h, w = filled.shape
    shift = np.zeros((_ANGLES, 2))
    ring = r * np.append(_RINGS, 1.08)  # (inside the wedge, then just past its rim)
    for idx in _runs(cut):
        n = len(idx)
        mid = _THETA[idx[0]] + (n - 1) / 2 * (2 * np.pi / _ANGLES)
        ray = np.arange(0, 1.8 * r)
        rx, ry = np.round(cx + ray * np.cos(mid)).astype(int), np.round(cy - ray * np.sin(mid)).astype(int)
        ok = (rx >= 0) & (rx < w) & (ry >= 0) & (ry < h)
        on = np.zeros(len(ray), bool)
        on[ok] = filled[ry[ok], rx[ok]]
        gap = np.nonzero(~on)[0]
        tip = np.nonzero(on[gap[0]:])[0] if len(gap) else []
        if not len(tip) or gap[0] > 4:
            return None  # no gap at the centre, or nothing out along the middle
        d = float(gap[0] + tip[0])
        inner = idx[n // 8: n - n // 8] if n >= 8 else idx  # (the wedge's own edges blur into the gap)
        px, py = cx + d * np.cos(mid), cy - d * np.sin(mid)
        xs = np.round(px + ring[:, None] * np.cos(_THETA[inner])).astype(int)
        ys = np.round(py - ring[:, None] * np.sin(_THETA[inner])).astype(int)
        if d > 0.6 * r or not ((xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)).all():
            return None
        if filled[ys[:-1], xs[:-1]].mean() < 0.95 or joined[ys[-1], xs[-1]].mean() > 0.25:
            return None  # not filled at the tip's wedge, or no rim a radius out
        shift[idx] = (d * np.cos(mid), -d * np.sin(mid))
    return shift


def _hole(joined: np.ndarray, cx: float, cy: float, r: float) -> float:
    """Inner radius of a ring chart: the first radius at which the ink closes around the centre (0: a disk)."""
    h, w = joined.shape
    theta = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    for rho in np.arange(0, 0.85 * r, 1.0):
        xs = np.clip(np.round(cx + rho * np.cos(theta)).astype(int), 0, w - 1)
        ys = np.clip(np.round(cy - rho * np.sin(theta)).astype(int), 0, h - 1)
        if joined[ys, xs].mean() >= 0.8:
            return float(rho) if rho > 0.15 * r else 0.0
    return 0.0


def _slices(image: np.ndarray, cx: float, cy: float, r: float, hole: float, background,
            pulled: np.ndarray | None = None) -> list[Slice]:
    """The wedges around the centre: runs of one colour along rings between the hole and the rim, voted over
    five radii (a percentage label or an edge line covers one or two of them at an angle). ``pulled``: per angle,
    the (dx, dy) its wedge is pulled out by (an exploded pie)."""
    h, w = image.shape[:2]
    radii = hole + (r - hole) * _RINGS
    shift = np.zeros((_ANGLES, 2)) if pulled is None else pulled
    sx, sy = cx + shift[:, 0], cy + shift[:, 1]
    xs = np.clip(np.round(sx + radii[:, None] * np.cos(_THETA)).astype(int), 0, w - 1)
    ys = np.clip(np.round(sy - radii[:, None] * np.sin(_THETA)).astype(int), 0, h - 1)
    samples = rgb_to_lab(image[ys, xs])  # (5, A, 3): only the samples converted, not the whole image
    # per angle the sample closest to the others (a medoid): the wedge's colour where text covers some radii
    d = np.linalg.norm(samples[:, None] - samples[None, :], axis=-1).sum(axis=1)  # (5, A)
    pick = np.argmin(d, axis=0)
    prof = samples[pick, np.arange(_ANGLES)]
    rgb = image[ys[pick, np.arange(_ANGLES)], xs[pick, np.arange(_ANGLES)]]
    # A colour edge before an angle: against the sample 1.5 degrees back too (a resampled image blurs a boundary
    # into steps each smaller than the edge).
    step = (delta_e76(prof, np.roll(prof, 1, axis=0)) > 12) | (delta_e76(prof, np.roll(prof, 3, axis=0)) > 12)
    if not step.any():
        return []  # one colour all round: a disk, not a pie
    edges = np.nonzero(step)[0]
    bg_lab = rgb_to_lab(np.asarray(background, np.uint8).reshape(1, 1, 3))[0, 0]
    runs = []
    for a, b in zip(edges, np.roll(edges, -1)):
        n = (b - a) % _ANGLES or _ANGLES
        idx = (a + np.arange(n)) % _ANGLES
        runs.append([idx, np.median(prof[idx], axis=0)])
    # Short runs are the edges drawn between wedges or the blend at a boundary: their angle goes to the wedges.
    min_run = 5  # 2.5 degrees
    keep = [run for run in runs if len(run[0]) >= min_run and
            not (len(run[0]) < 3 * min_run and float(delta_e(run[1], bg_lab)) < 8)]
    if len(keep) < 2:
        return []
    # merge neighbours of one colour (split by an edge or a label)
    merged: list[list] = []
    for run in keep:
        if merged and float(delta_e(merged[-1][1], run[1])) < 10:
            merged[-1][0] = np.concatenate([merged[-1][0], run[0]])
        else:
            merged.append(run)
    if len(merged) > 1 and float(delta_e(merged[-1][1], merged[0][1])) < 10:
        merged[0][0] = np.concatenate([merged[-1][0], merged[0][0]])
        merged.pop()
    if len(merged) < 2:
        return []
    # Boundaries: halfway across the dropped short runs between two kept ones.
    starts = [int(m[0][0]) for m in merged]
    ends = [int(m[0][-1]) + 1 for m in merged]
    out = []
    for k, m in enumerate(merged):
        prev_end = ends[k - 1]
        nxt_start = starts[(k + 1) % len(merged)]
        lo = starts[k] - ((starts[k] - prev_end) % _ANGLES) / 2.0
        hi = ends[k] + ((nxt_start - ends[k]) % _ANGLES) / 2.0
        extent = (hi - lo) % _ANGLES or _ANGLES
        colour = np.median(rgb[m[0] % _ANGLES], axis=0).astype(np.uint8)
        out_by = float(np.median(np.hypot(*shift[m[0] % _ANGLES].T))) / r
        out.append(Slice(colour, m[1], (lo % _ANGLES) * 360.0 / _ANGLES, extent * 360.0 / _ANGLES, out_by))
    return out


@dataclass(frozen=True)
class PieChange:
    """How a candidate's pie differs from the reference's: slices whose share changed (colour, old %, new %),
    slice colours only one pie has, the slices running the other way round (a mirrored pie), slices pulled out
    or pushed back in (reference slice, candidate slice)."""

    resized: tuple[tuple[Slice, Slice], ...]
    missing: tuple[Slice, ...]
    extra: tuple[Slice, ...]
    mirrored: bool = False
    pulled: tuple[tuple[Slice, Slice], ...] = ()

    @property
    def values(self) -> bool:
        """Shares changed or slices came or went (the data)."""
        return bool(self.resized or self.missing or self.extra)


def same_pie(ref: Pie, cand: Pie) -> bool:
    """The two pies are drawn at about one place and size (the same chart's pie; relabelled wedges move it a little)."""
    return bool(np.hypot(ref.cx - cand.cx, ref.cy - cand.cy) <= 0.35 * ref.radius
                and 0.85 <= cand.radius / ref.radius <= 1.18)


def compare(ref: Pie, cand: Pie, *, color_delta: float = 15.0, min_degrees: float = 3.0,
            min_pull: float = 0.04) -> PieChange | None:
    """Slices matched by colour (each reference colour to its nearest candidate colour); None when every wedge
    keeps its place, angle and pull within ``min_degrees`` and ``min_pull`` radii (the same values; other colours
    are read by the colour detectors) or every colour keeps its share and order (the pie rotated, same data)."""
    def at(a: Slice, b: Slice) -> bool:  # one wedge's place and angle
        return abs((a.start - b.start + 180) % 360 - 180) < min_degrees and abs(a.extent - b.extent) < min_degrees
    used: set[int] = set()
    pairs, missing = [], []
    for s in ref.slices:
        d = [float(delta_e(s.lab, c.lab)) if j not in used else 1e9 for j, c in enumerate(cand.slices)]
        j = int(np.argmin(d))
        if d[j] < color_delta:
            used.add(j)
            pairs.append((s, cand.slices[j]))
        else:
            missing.append(s)
    pulled = tuple((a, b) for a, b in pairs if abs(a.pulled - b.pulled) >= min_pull)
    if len(ref.slices) == len(cand.slices) and all(any(at(a, b) for b in cand.slices) for a in ref.slices):
        # every wedge where it was: the same values (colours, if changed, are read elsewhere)
        return PieChange((), (), (), pulled=pulled) if pulled else None
    extra = [c for j, c in enumerate(cand.slices) if j not in used]
    resized = [(a, b) for a, b in pairs if abs(a.extent - b.extent) >= min_degrees]
    mirrored = not missing and not extra and _reversed([a for a, _ in pairs], [b for _, b in pairs])
    if not resized and not missing and not extra and not mirrored and not pulled:
        return None
    return PieChange(tuple(resized), tuple(missing), tuple(extra), mirrored, pulled)


def _reversed(ref: list[Slice], cand: list[Slice]) -> bool:
    """Three or more slices (paired in order) that run round the candidate's pie the other way (with two, either
    way is one order)."""
    if len(ref) < 3:
        return False
    a = [int(i) for i in np.argsort([s.start for s in ref])]
    b = [int(i) for i in np.argsort([s.start for s in cand])]
    k = b.index(a[0])
    return [b[(k - i) % len(b)] for i in range(len(b))] == a
