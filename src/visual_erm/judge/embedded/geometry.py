"""Geometry on masks and aligned images: tolerant differences, connected regions, axes frames, grid lines, stroke
thickness. Pure functions on numpy arrays (``(H, W)`` bool masks, ``(H, W, 3)`` uint8 images in one frame).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from visual_erm.judge.embedded.color import chroma, rgb_to_lab
from visual_erm.judge.embedded.normalize import far_from, mode_color

Box = tuple[int, int, int, int]


def _disk(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def channel_max(d: np.ndarray) -> np.ndarray:
    """Max over the channels of an ``(H, W, 3)`` array (OpenCV: ~20x faster than ``ndarray.max(axis=2)``)."""
    if d.ndim == 2:
        return d
    return cv2.max(cv2.max(d[:, :, 0], d[:, :, 1]), d[:, :, 2])


def nearest_difference(a: np.ndarray, b: np.ndarray, *, radius: int = 2) -> np.ndarray:
    """``(H, W)`` uint8: how far each pixel of ``a`` lies outside the per-channel range of ``b`` within ``radius`` px
    (max over channels). Zero where ``b`` draws the same colour nearby, up to a shift of ``radius`` px."""
    k = _disk(radius)
    lo = cv2.erode(b, k)
    hi = cv2.dilate(b, k)
    above = cv2.subtract(a, hi)  # saturating: 0 where a <= hi
    below = cv2.subtract(lo, a)
    return channel_max(cv2.max(above, below))


def tolerant_diff(ref: np.ndarray, cand: np.ndarray, *, radius: int = 2, threshold: int = 60,
                  fade: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Masks ``(missing, extra)``: reference pixels the candidate does not draw nearby, and candidate pixels the
    reference does not draw nearby. Both images ``(H, W, 3)`` uint8 in one frame; anti-aliasing, JPEG noise and
    shifts up to ``radius`` px leave both masks empty.

    With ``fade`` > 0, a pixel also counts only if its colour moved ``fade`` of the way towards its surroundings
    (the 7x7 mean) still differs: a thin stroke drawn fainter at another resolution is the same stroke, while a
    filled mark (its surroundings are itself) keeps its full colour.
    """
    ref_s = cv2.GaussianBlur(ref, (3, 3), 0)
    cand_s = cv2.GaussianBlur(cand, (3, 3), 0)
    missing = nearest_difference(ref_s, cand_s, radius=radius) > threshold
    extra = nearest_difference(cand_s, ref_s, radius=radius) > threshold
    if fade > 0:
        def faded(img: np.ndarray) -> np.ndarray:
            return cv2.addWeighted(img, 1.0 - fade, cv2.blur(img, (7, 7)), fade, 0.0)
        missing &= nearest_difference(faded(ref_s), cand_s, radius=radius) > threshold
        extra &= nearest_difference(faded(cand_s), ref_s, radius=radius) > threshold
    return missing, extra


@dataclass(frozen=True)
class Region:
    """A connected region: ``box`` (x0, y0, x1, y1) exclusive ends, ``area`` in px, ``label`` in the label image."""

    box: Box
    area: int
    label: int

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


def regions(mask: np.ndarray, *, min_area: int = 1, join: int = 0) -> tuple[list[Region], np.ndarray]:
    """Connected regions of ``mask`` (8-connected) after dilating by ``join`` px, largest first, and the label image.

    Areas count the original mask pixels inside each (joined) region.
    """
    m = mask.astype(np.uint8)
    if join > 0:
        k = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * join + 1, 2 * join + 1))
        m = cv2.dilate(m, k)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    if n <= 1:
        return [], labels
    areas = np.bincount(labels[mask], minlength=n) if join > 0 else stats[:, cv2.CC_STAT_AREA]
    out = []
    for i in range(1, n):
        if areas[i] < min_area:
            continue
        x, y, w, h = stats[i, :4]
        out.append(Region((int(x), int(y), int(x + w), int(y + h)), int(areas[i]), i))
    out.sort(key=lambda r: -r.area)
    return out, labels


def dilate(mask: np.ndarray, px: int) -> np.ndarray:
    """Binary dilation of a bool mask by a square of half-size ``px``."""
    if px <= 0:
        return mask
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * px + 1, 2 * px + 1))
    return cv2.dilate(mask.astype(np.uint8), k).astype(bool)


def erode(mask: np.ndarray, px: int) -> np.ndarray:
    """Binary erosion of a bool mask by a square of half-size ``px``."""
    if px <= 0:
        return mask
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * px + 1, 2 * px + 1))
    return cv2.erode(mask.astype(np.uint8), k).astype(bool)


def line_masks(mask: np.ndarray, *, min_length: int) -> tuple[np.ndarray, np.ndarray]:
    """``(horizontal, vertical)``: pixels of ``mask`` on straight runs at least ``min_length`` px long."""
    m = mask.astype(np.uint8)
    h = cv2.morphologyEx(m, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(2, min_length), 1)))
    v = cv2.morphologyEx(m, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(2, min_length))))
    return h.astype(bool), v.astype(bool)


def _split_thin_lines(g: np.ndarray, dark: int) -> np.ndarray:
    """Pixels of 1-px lines that resampling spread over two rows or columns (each half lighter than ``dark``, the
    pair as dark as one line), with light pixels on both outer sides so filled marks never qualify. ``g`` (H, W)."""
    ink = 255 - g.astype(np.int16)
    need, light = 255 - dark, 40
    out = np.zeros(g.shape, bool)
    for axis in (0, 1):
        a = np.moveaxis(ink, axis, 0)
        pair = (a[1:-2] + a[2:-1] >= need) & (a[1:-2] >= light) & (a[2:-1] >= light) & (a[:-3] < light) & (a[3:] < light)
        o = np.moveaxis(out, axis, 0)
        o[1:-2] |= pair
        o[2:-1] |= pair
    return out


def axes_frames(image: np.ndarray, *, dark: int = 150, min_side: int = 40, min_cover: float = 0.7,
                fallbacks: bool = True) -> list[Box]:
    """Rectangular axes frames (spines) of a chart image, in reading order (top-to-bottom rows, then left-to-right).

    A frame is a connected set of long dark horizontal/vertical strokes whose bounding box has at least three sides
    covered over ``min_cover`` of their length. Frames inside another frame (insets count) are kept. With
    ``fallbacks``, filled plot areas and light frames are looked for too (see below).
    """
    g = channel_max(np.ascontiguousarray(image)) if image.ndim == 3 else image
    darkm = g < dark
    darkm |= _split_thin_lines(g, dark)
    hm, vm = line_masks(darkm, min_length=min_side)
    both = hm | vm
    regs, labels = regions(both, min_area=2 * min_side)
    h, w = darkm.shape
    border_level = float(np.median(np.concatenate([g[0], g[-1], g[:, 0], g[:, -1]])))
    dark_figure = image.ndim == 3 and border_level < dark
    frames: list[Box] = []
    for r in regs:
        x0, y0, x1, y1 = r.box
        if r.width < min_side or r.height < min_side:
            continue
        comp = labels[y0:y1, x0:x1] == r.label
        box = _spine_box(comp, min_cover, inner=dark < 200 and not dark_figure)
        if box is None:
            # Something joined to a spine (an annotation box over it, cut off at the image edge) widens the
            # component: try the box its longest horizontal and vertical lines span.
            hc, vc = hm[y0:y1, x0:x1] & comp, vm[y0:y1, x0:x1] & comp
            row, col = int(np.argmax(hc.sum(axis=1))), int(np.argmax(vc.sum(axis=0)))
            xs, ys = np.flatnonzero(hc[row]), np.flatnonzero(vc[:, col])
            if xs.size >= min_side and ys.size >= min_side and (xs[-1] + 1 - xs[0] < comp.shape[1] - 3 or
                                                                 ys[-1] + 1 - ys[0] < comp.shape[0] - 3):
                # (a px more each way: the corner pixel belongs to the other line)
                tx0, tx1 = max(0, int(xs[0]) - 1), min(comp.shape[1], int(xs[-1]) + 2)
                ty0, ty1 = max(0, int(ys[0]) - 1), min(comp.shape[0], int(ys[-1]) + 2)
                inner = _spine_box(comp[ty0:ty1, tx0:tx1], min_cover)
                if inner is not None and (inner[2] - inner[0]) * (inner[3] - inner[1]) >= 0.05 * darkm.size:
                    box = (inner[0] + tx0, inner[1] + ty0, inner[2] + tx0, inner[3] + ty0)  # (a plot area, no legend)
        if box is None:
            continue
        box = (x0 + box[0], y0 + box[1], x0 + box[2], y0 + box[3])
        if not _dark_marks(image, darkm, box):
            # (light frames, read at a grey level grid lines reach, are never split)
            frames.extend(_split_touching(darkm, g, box, min_side) if dark < 200 else [box])
    # A framed box of one line of text inside a plot (an annotation's bbox) is no plot area of its own.
    top = outermost(frames)
    frames = [f for f in frames if f in top or not _text_box(image, f)]

    def canvas(f: Box) -> bool:  # reaching three edges of the image: the figure itself, not a plot area
        return (f[0] <= 3) + (f[1] <= 3) + (f[2] >= w - 3) + (f[3] >= h - 3) >= 3

    if dark_figure:  # a dark figure background reads as one canvas-wide frame
        frames = [f for f in frames if not canvas(f)]
    if dark_figure and border_level < 100:  # (then the inverted image has a light border: no recursion)
        # Plot areas on a dark figure have light spines. (A legend's light edge is a small frame there: plot areas
        # take 3% of the figure or more.)
        light = [b for b in axes_frames(255 - image, dark=dark, min_side=min_side, min_cover=min_cover,
                                        fallbacks=False)
                 if (b[2] - b[0]) * (b[3] - b[1]) >= 0.03 * h * w and not canvas(b)]
        # Dark strokes inside a plot with light spines are the gaps between its white grid lines, not a frame; a
        # light box inside such a plot is its legend's frame.
        light = outermost(light)
        frames = [f for f in frames if not any(holds(b, f) and max(abs(u - v) for u, v in zip(b, f)) > 4
                                               for b in light)]
        frames += [b for b in light if all(box_overlap(b, f) < 0.5 for f in frames)]
    if image.ndim == 3 and fallbacks:
        filled = _filled_plot_areas(image, darkm, min_side=min_side) if dark_figure or darkm.mean() > 0.05 else []
        for b in filled:
            if all(box_overlap(b, f) < 0.5 for f in frames):
                frames.append(b)
        if dark < 200 and all((f[2] - f[0]) * (f[3] - f[1]) < 0.05 * h * w or _dark_share(darkm, f) > 0.6
                              or coloured_fill(image, f, step=4) for f in frames):
            # Only small, dark-filled or colour-filled boxes (the edged boxes of a box plot, dark histogram bars
            # side by side): a light or tinted plot area holding them is the plot, and they are its marks.
            light = _light_frames(image, min_side=min_side, min_cover=min_cover)
            if light:
                frames = light + [f for f in frames if not any(box_overlap(f, b) > 0.9 for b in light)]
            elif not dark_figure:  # (a frameless plot: dark bars found as a filled area are marks, by the rule
                # spined boxes meet; on a dark figure every plot area is dark inside)
                frames = [f for f in frames if not _dark_marks(image, darkm, f)]
    return sort_reading_order(frames)


def _split_touching(darkm: np.ndarray, g: np.ndarray, box: Box, min_side: int) -> list[Box]:
    """Subplots drawn touching (``hspace`` or ``wspace`` 0) share one frame: it is split at each inner line that
    crosses it whole, no thicker and no lighter than its own spines (nor grey) and with no tick mark carrying it
    on outside the frame, leaving parts of one size (within 15%), ``min_side`` px or more each. A line drawn
    across a plot (a black ``axhline``) is thicker than a spine or stops short of one; a grid line is lighter,
    or (a dark style's white grid, as bright as its spines) has a tick mark at its end; a clipped bar's edges
    cut slices of unequal sizes."""
    def level(v: np.ndarray, run: tuple[int, int]) -> float:  # how dark a run of rows of grey levels v is
        return float(np.median(v[run[0]:run[1]].min(axis=0)))

    def cuts(m: np.ndarray, v: np.ndarray, lo: int, hi: int, outer=(True, True)) -> list[tuple[int, int]]:
        # (start, end) of the inner full rows of m between columns lo and hi (the frame's sides; ``outer`` says
        # which side is the frame's own edge, not a cut already made, where the line runs on into the next part)
        if hi - lo <= 8:
            return []
        lines = runs(m[:, lo + 2:hi - 2].mean(axis=1) >= 0.97)
        if len(lines) < 3 or lines[0][0] > 3 or lines[-1][1] < m.shape[0] - 3:
            return []  # (the outer spines are the first and last runs)
        spine = max(lines[0][1] - lines[0][0], lines[-1][1] - lines[-1][0])
        dark = min(max(level(v, lines[0]), level(v, lines[-1])) + 40, 100)  # (a grey data line is no spine)

        beyond = [c for c in list(range(max(0, lo - 6), lo) if outer[0] else []) +
                  list(range(hi + 1, min(m.shape[1], hi + 7)) if outer[1] else [])
                  if m[:, c].mean() < 0.5]  # columns outside the frame, past its spines

        def ticked(r) -> bool:  # a tick mark just outside either side, on the line's rows
            return bool(m[max(0, r[0] - 1):r[1] + 1, beyond].any())
        inner = [r for r in lines[1:-1] if r[1] - r[0] <= spine and level(v, r) <= dark and not ticked(r)]
        edges = [0] + [c for r in inner for c in r] + [m.shape[0]]
        sizes = [b - a for a, b in zip(edges[::2], edges[1::2])]
        # (a grid of touching subplots has parts of one size; a clipped bar's edges cut unequal slices)
        return [] if min(sizes) < min_side or max(sizes) > 1.15 * min(sizes) else inner

    x0, y0, x1, y1 = box
    H, W = darkm.shape
    mx0, mx1 = max(0, x0 - 6), min(W, x1 + 7)  # (with the margins where tick marks stick out)
    out = []
    rows = cuts(darkm[y0:y1 + 1, mx0:mx1], g[y0:y1 + 1, mx0:mx1], x0 - mx0, x1 - mx0)
    tops, bottoms = [y0] + [y0 + a for a, _ in rows], [y0 + b - 1 for _, b in rows] + [y1]
    for ty, by in zip(tops, bottoms):
        my0, my1 = max(0, ty - 6), min(H, by + 7)
        cols = cuts(darkm[my0:my1, x0:x1 + 1].T, g[my0:my1, x0:x1 + 1].T, ty - my0, by - my0,
                    (ty == y0, by == y1))
        lefts, rights = [x0] + [x0 + a for a, _ in cols], [x0 + b - 1 for _, b in cols] + [x1]
        out.extend((lx, ty, rx, by) for lx, rx in zip(lefts, rights))
    return out


def _text_box(image: np.ndarray, box: Box, *, band: int = 3) -> bool:
    """True when a frame holds one flat fill with a single band of marks across it, as one line of text in a
    bbox is: the marked rows form one run at most 60% of the inside's height and 30 px tall, and they span a
    third of its width or more. A plot area shows its data, ticks or grid elsewhere too."""
    x0, y0, x1, y1 = box
    inner = image[y0 + band:y1 - band, x0 + band:x1 - band]
    if inner.shape[0] < 8 or inner.shape[1] < 8:
        return False
    flat = inner[::2, ::2].reshape(-1, inner.shape[-1]) if inner.ndim == 3 else inner[::2, ::2].reshape(-1, 1)
    fill = np.median(flat, axis=0)  # (every other pixel tells a flat fill's colour)
    off = (np.abs(inner.astype(np.int16) - fill.astype(np.int16)) > 40)
    off = off.any(axis=-1) if off.ndim == 3 else off
    rows = np.flatnonzero(off.any(axis=1))
    if rows.size == 0:
        return False
    run = rows[-1] + 1 - rows[0]
    cols = np.flatnonzero(off.any(axis=0))
    return (bool(np.all(np.diff(rows) <= 2)) and run <= min(0.6 * inner.shape[0], 30)
            and cols[-1] + 1 - cols[0] >= inner.shape[1] / 3)


def _spine_box(comp: np.ndarray, min_cover: float, *, inner: bool = False) -> tuple[int, int, int, int] | None:
    """The box (in ``comp``'s coordinates) of the spines in a component's mask, on the spines and not on tick
    marks sticking out, when three of its sides are covered over ``min_cover``; else None. With ``inner``, a box
    with one side open is looked for inside (dark spines on a light figure only: at a light grey level blocks of
    bars join too, and on a dark figure everything does)."""
    h, w = comp.shape
    views = (comp, comp[::-1], comp.T, comp.T[::-1])  # each side seen as the top one
    covers = [_side_cover(v) for v in views]
    covered = [c >= min_cover for c, _ in covers]
    if sum(covered) < 3:
        return None
    if sum(covered) == 3 and inner:
        # The open side of a legend or text box joined to a spine from outside (a legend anchored past the
        # axes): the plot's own spine is a line further in, where a side beside it begins; the box inside it
        # has all four sides (and its other sides read there, past the legend's own edges).
        side = covered.index(False)
        inset = _inner_spine(views[side])
        if inset is not None:
            oy, ox = (inset if side == 0 else 0), (inset if side == 2 else 0)
            sub = comp[oy:h - (inset if side == 1 else 0), ox:w - (inset if side == 3 else 0)]
            within = [_side_cover(v) for v in (sub, sub[::-1], sub.T, sub.T[::-1])]
            if all(c >= min_cover for k, (c, _) in enumerate(within) if k != side):
                (_, dt), (_, db), (_, dl), (_, dr) = within
                sh, sw = sub.shape
                return ox + dl, oy + dt, ox + sw - dr, oy + sh - db
    (_, dt), (_, db), (_, dl), (_, dr) = covers
    return dl, dt, w - dr, h - db


def _inner_spine(view: np.ndarray) -> int | None:
    """For a box whose top side (in ``view``) is barely covered: the row of the first line further in that spans
    half the sides beside it or more (the box over it hides the rest), where one of those begins, or None."""
    sides = (view.T, view.T[::-1])  # the left and right sides, each seen as a top side
    (_, ld), (_, rd) = (_side_cover(v) for v in sides)
    x0, x1 = ld, view.shape[1] - rd
    if x1 - x0 < 8:
        return None
    rows = view[:, x0:x1].mean(axis=1)
    full = np.flatnonzero(rows[:view.shape[0] // 2] >= 0.5)
    if not full.size or full[0] <= 3:
        return None
    row = int(full[0])
    # A side beside it must start at that line: a grid line under an open top side crosses spines that run on
    # above it.
    starts = [int(np.argmax(view[:, c])) if view[:, c].any() else -1 for c in (x0, x1 - 1)]
    return row if any(abs(s - row) <= 2 for s in starts) else None


def _side_cover(comp: np.ndarray, *, band: int = 3, reach: int = 12) -> tuple[float, int]:
    """How much of a box's top side a spine covers, and how far in it lies: the first straight line within the
    outer ``reach`` px that spans nearly the whole side (tick marks sticking out past a spine set the box's edge),
    else the outer 3-px band."""
    rows = comp[:reach].mean(axis=1)
    full = np.flatnonzero(rows >= 0.9)
    if full.size:
        return float(rows[full[0]]), int(full[0])
    return float(comp[:band].any(axis=0).mean()), 0


def _dark_marks(image: np.ndarray, darkm: np.ndarray, box: Box, *, band: int = 4) -> bool:
    """True when a dark box is marks, not spines around a plot area: inside, it is dark over 60% in a small box
    (dark bars side by side, text drawn over them; a heatmap or a dark plot background fills a large box), or over
    half and one flat fill (a black bar)."""
    x0, y0, x1, y1 = box
    share = _dark_share(darkm, box, band=band)
    return (share > 0.6 and (x1 - x0) * (y1 - y0) < 0.05 * darkm.size) or (share > 0.5 and _flat_fill(image, box))


def dark_inside(image: np.ndarray, box: Box, *, dark: int = 150, share: float = 0.5) -> bool:
    """True when over ``share`` of a box's inside (4 px in from its edges) is dark (every channel under ``dark``):
    a filled mark, not a plot area."""
    x0, y0, x1, y1 = box
    crop = np.ascontiguousarray(image[y0:y1, x0:x1])  # (only the box's pixels are read)
    return _dark_share(channel_max(crop) < dark, (0, 0, x1 - x0, y1 - y0)) > share


def _dark_share(darkm: np.ndarray, box: Box, *, band: int = 4) -> float:
    """The share of dark pixels inside a box, ``band`` px in from its edges (0 when nothing is inside)."""
    x0, y0, x1, y1 = box
    inner = darkm[y0 + band:y1 - band, x0 + band:x1 - band]
    return float(inner.mean()) if inner.size else 0.0


def _flat_fill(image: np.ndarray, box: Box, *, band: int = 4) -> bool:
    """True when a box is one flat fill inside (a bar or block of one colour), with nothing drawn over it, so it is
    a mark, not a plot area: an axes background always shows data, grid lines or ticks somewhere inside."""
    x0, y0, x1, y1 = box
    inner = image[y0 + band:y1 - band:2, x0 + band:x1 - band:2]  # every other row and column is plenty
    if inner.size == 0:
        return False
    flat = inner.reshape(-1, inner.shape[-1]) if inner.ndim == 3 else inner.reshape(-1, 1)
    ref = flat[len(flat) // 2]  # any pixel of a flat fill is its colour; if it is not flat, the test fails anyway
    return float((np.abs(flat.astype(np.int16) - ref).max(axis=1) > 40).mean()) < 0.005


def coloured_fill(image: np.ndarray, box: Box, *, step: int = 1) -> bool:
    """True when an edged box (``(H, W, 3)`` image) is filled with one strong colour over half its inside, as a
    box plot's box or a framed bar is; a plot area is white, grey or a pale tint. ``step``: read every step-th
    row and column only (a large box)."""
    x0, y0, x1, y1 = box
    inner = image[y0 + 2:y1 - 1:step, x0 + 2:x1 - 1:step]
    if inner.ndim != 3 or inner.shape[0] < 3 or inner.shape[1] < 3:
        return False
    mode = mode_color(inner)
    if float(chroma(rgb_to_lab(np.asarray(mode, np.uint8).reshape(1, 1, 3)))[0, 0]) < 30:
        return False  # (the cheap test first: most frames are plot areas)
    return float((far_from(inner, mode) <= 12).mean()) >= 0.5


def _light_frames(image: np.ndarray, *, min_side: int, min_cover: float) -> list[Box]:
    """Plot areas of styles without dark spines, when no dark frame is found: light grey spines (seaborn's
    whitegrid) or a tinted plot area with white grid lines (ggplot). Only large boxes count (a tenth of the image
    each), so a light bar is not taken for a subplot, or boxes of a grid of subplots: two or more of one size and
    one tint, and any other box of that tint (a 2x2 grid's each take a little under a tenth; a light fill under a
    line has no twin)."""
    h, w = image.shape[:2]
    big = 0.1 * h * w
    lightm = channel_max(np.ascontiguousarray(image)) < 235
    found = [f for f in axes_frames(image, dark=235, min_side=min_side, min_cover=min_cover)
             if big <= (f[2] - f[0]) * (f[3] - f[1]) < 0.9 * h * w
             and ring(lightm, f).mean() < 0.5]  # a block of bars is no light frame: marks touch one side at most
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    bg = np.median(border, axis=0)
    tint = far_from(image, bg) > 8
    tint = cv2.morphologyEx(tint.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))  # white grid lines
    tint = cv2.morphologyEx(tint, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8)).astype(bool)  # text and ticks
    tinted = _solid_rectangles(tint, min_area=int(_GRID_AREA * h * w), min_side=min_side, max_area=0.9 * h * w,
                               accept=lambda b: int(mode_color(ring(image, b)).min()) >= 176,  # light: no bar block
                               upright=True)
    # (a narrow upright one is a subplot of a grid squeezed into one row, or a light bar: bars are flat fills)
    tinted = [b for b in tinted if b[2] - b[0] >= 2 * min_side or not _flat_fill(image, b)]
    tints = [mode_color(ring(image, b)).astype(int) for b in tinted]
    grid = [t for i, t in enumerate(tints) if any(j != i and _same_tint(t, u) and _same_size(tinted[i], tinted[j])
                                                  for j, u in enumerate(tints))]
    # (a subplot of the grid drawn at another size, long tick labels narrowing it, has the grid's tint)
    tinted = [b for b, t in zip(tinted, tints) if _area(b) >= big or any(_same_tint(t, g) for g in grid)]
    return found + [b for b in tinted if all(box_overlap(b, f) < 0.5 for f in found)]


_GRID_AREA = 0.04  # the least share of the figure one tinted subplot of a grid takes (a 3x3 grid's are ~0.07)


def _area(b: Box) -> int:
    return (b[2] - b[0]) * (b[3] - b[1])


def _same_size(a: Box, b: Box) -> bool:
    return all(abs(p - q) <= 0.05 * max(p, q) for p, q in ((a[2] - a[0], b[2] - b[0]), (a[3] - a[1], b[3] - b[1])))


def _same_tint(a: np.ndarray, b: np.ndarray) -> bool:
    return int(np.abs(a - b).max()) <= 6


def ring(a: np.ndarray, box: Box, *, inset: int = 3, width: int = 6) -> np.ndarray:
    """The values of ``a`` (``(H, W)`` or ``(H, W, C)``) in a ring ``inset`` to ``inset + width`` px inside
    ``box``, flattened to ``(N,)`` or ``(N, C)``; the whole box when it is too small for one."""
    x0, y0, x1, y1 = (int(v) for v in box)
    o, i = inset, inset + width
    tail = a.shape[2:]
    if x1 - x0 < 2 * i + 2 or y1 - y0 < 2 * i + 2:
        return a[y0:y1, x0:x1].reshape(-1, *tail)
    return np.concatenate([a[y0 + o:y0 + i, x0 + o:x1 - o].reshape(-1, *tail),
                           a[y1 - i:y1 - o, x0 + o:x1 - o].reshape(-1, *tail),
                           a[y0 + i:y1 - i, x0 + o:x0 + i].reshape(-1, *tail),
                           a[y0 + i:y1 - i, x1 - i:x1 - o].reshape(-1, *tail)])


def _solid_rectangles(mask: np.ndarray, *, min_area: int, min_side: int, max_area: float,
                      accept=lambda box: True, upright: bool = False) -> list[Box]:
    """Solid rectangles in ``mask``: the core of each connected region (its longest run of nearly full rows, then of
    nearly full columns within them, so a title or tick labels joined to a plot area are cut off; columns first
    when that finds none, a column of tick labels joined along a whole side leaving no row nearly full), when the
    core fills its box (90%) with straight full sides (95% one px in), is at least ``2 * min_side`` wide and
    ``min_side`` tall (or, ``upright``, ``min_side`` wide and twice that tall), at most ``max_area`` px, and
    ``accept(box)``."""
    regs, labels = regions(mask, min_area=min_area)
    out = []
    for r in regs:
        x0, y0, x1, y1 = r.box
        whole = labels[y0:y1, x0:x1] == r.label
        for view in (whole, whole.T):
            a0, a1 = _longest_run(view.mean(axis=1) >= 0.85)
            if a1 - a0 < min_side:
                continue
            b0, b1 = _longest_run(view[a0:a1].mean(axis=0) >= 0.85)
            (ry0, ry1, rx0, rx1) = (a0, a1, b0, b1) if view is whole else (b0, b1, a0, a1)
            comp = whole[ry0:ry1, rx0:rx1]
            box = (x0 + rx0, y0 + ry0, x0 + rx1, y0 + ry1)
            bw, bh = box[2] - box[0], box[3] - box[1]
            if (bw < 2 * min_side and not (upright and bw >= min_side and bh >= 2 * min_side)) or bh < min_side \
                    or bw * bh > max_area or bw * bh < min_area:
                continue
            if comp.mean() < 0.9 or not accept(box):
                continue
            if min(comp[1].mean(), comp[-2].mean(), comp[:, 1].mean(), comp[:, -2].mean()) >= 0.95:
                out.append(box)
                break
    return out


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` (end exclusive) of the runs of True in a 1-D bool array."""
    f = np.concatenate([[False], np.asarray(flags, bool), [False]])
    d = np.flatnonzero(np.diff(f.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(d[::2], d[1::2])]


def _longest_run(flags: np.ndarray) -> tuple[int, int]:
    """``(start, end)`` of the longest run of True ((0, 0) when none)."""
    return max(runs(flags), key=lambda r: r[1] - r[0], default=(0, 0))


def holds(outer: Box, inner: Box) -> bool:
    """True when box ``outer`` holds box ``inner`` whole (edges may touch)."""
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def outermost(boxes: list[Box]) -> list[Box]:
    """The boxes no other box of ``boxes`` holds (plot areas, not their insets), in their order."""
    return [b for b in boxes if not any(o != b and holds(o, b) for o in boxes)]


def box_overlap(a: Box, b: Box) -> float:
    """Intersection area over the smaller box's area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / max(min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])), 1)


def _filled_plot_areas(image: np.ndarray, darkm: np.ndarray, *, min_side: int) -> list[Box]:
    """Plot areas filled with a dark colour (a black axes background), or any filled plot area on a dark figure:
    solid rectangles of non-background pixels with straight full sides, where marks drawn over the fill break the
    spines into short runs.
    ``image`` (H, W, 3) uint8, ``darkm`` (H, W) bool."""
    h, w = darkm.shape
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    bg = np.median(border, axis=0)
    dark_figure = bg.max() < 128  # then plot areas are light rectangles on it
    ink = far_from(image, bg) > 40
    ink = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((7, 7), np.uint8)).astype(bool)  # no ticks
    return _solid_rectangles(ink, min_area=min_side * min_side, min_side=min_side, max_area=0.8 * h * w,
                             accept=lambda b: (dark_figure or darkm[b[1]:b[3], b[0]:b[2]].mean() >= 0.3)
                             and not _flat_fill(image, b))  # (a flat fill is a bar: plot areas show marks)


def sort_reading_order(boxes: list[Box]) -> list[Box]:
    """Boxes grouped into rows (overlapping vertical spans) top to bottom, each row left to right."""
    rows: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        cy = (b[1] + b[3]) / 2
        for row in rows:
            r0 = row[0]
            if r0[1] <= cy <= r0[3]:
                row.append(b)
                break
        else:
            rows.append([b])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]


def grid_shape(boxes: list[Box]) -> tuple[int, int]:
    """(rows, cols) of a set of panel boxes: number of distinct vertical and horizontal centre bands."""
    def bands(spans):
        spans = sorted(spans)
        n, end = 0, -1e9
        for lo, hi in spans:
            if lo > end:
                n += 1
                end = hi
            else:
                end = max(end, hi)
        return n
    if not boxes:
        return 0, 0
    # centres within a tenth of a panel of each other share a band (tick labels of other widths shift a frame)
    th = max(2.0, 0.1 * float(np.median([b[3] - b[1] for b in boxes])))
    tw = max(2.0, 0.1 * float(np.median([b[2] - b[0] for b in boxes])))
    rows = bands([((b[1] + b[3]) / 2 - th, (b[1] + b[3]) / 2 + th) for b in boxes])
    cols = bands([((b[0] + b[2]) / 2 - tw, (b[0] + b[2]) / 2 + tw) for b in boxes])
    return rows, cols


def grid_lines(image: np.ndarray, box: Box, *, background: np.ndarray, min_fraction: float = 0.6) -> tuple[int, int]:
    """Counts of (horizontal, vertical) straight lines spanning at least ``min_fraction`` of the plot box interior
    left free of coloured marks (grid lines; grey strokes that differ from the background but are not necessarily
    dark)."""
    x0, y0, x1, y1 = box
    inner = image[y0 + 3:y1 - 3, x0 + 3:x1 - 3]
    if inner.size == 0:
        return 0, 0
    ink = far_from(inner, background) > 12  # (white grid lines on a light tint differ by 20 before resampling)
    c = np.ascontiguousarray(inner)
    spread = cv2.subtract(cv2.max(cv2.max(c[..., 0], c[..., 1]), c[..., 2]),
                          cv2.min(cv2.min(c[..., 0], c[..., 1]), c[..., 2]))
    marks = ink & (spread > 40)  # coloured marks: a grid line drawn behind bars shows only between them
    free = ~marks
    grey = ink & free
    h_cov = grey.sum(axis=1) / np.maximum(free.sum(axis=1), 1)
    v_cov = grey.sum(axis=0) / np.maximum(free.sum(axis=0), 1)
    h_cov[free.mean(axis=1) < 0.2] = 0.0  # too little of the row is free to tell
    v_cov[free.mean(axis=0) < 0.2] = 0.0
    # A mark's pale anti-aliased edge runs beside it the whole way (a narrow bar's side): no grid line.
    m8 = marks.astype(np.uint8)
    above = grey & cv2.dilate(m8, np.ones((5, 1), np.uint8)).astype(bool)
    beside = grey & cv2.dilate(m8, np.ones((1, 5), np.uint8)).astype(bool)
    h_side = above.sum(axis=1) / np.maximum(grey.sum(axis=1), 1)
    v_side = beside.sum(axis=0) / np.maximum(grey.sum(axis=0), 1)

    def count(cov, side):
        # thin runs only: a filled bar or area covering many rows is not a grid line
        on = np.concatenate([[False], cov >= min_fraction, [False]])
        edges = np.flatnonzero(on[1:] != on[:-1]).reshape(-1, 2)
        return int(sum(1 for a, b in edges if b - a <= 4 and side[a:b].mean() <= 0.5))
    return count(h_cov, h_side), count(v_cov, v_side)


def count_blobs(mask: np.ndarray, *, min_area: int = 1) -> int:
    """How many 8-connected blobs of ``mask`` hold ``min_area`` px or more (labelled within the mask's box)."""
    box = box_of(mask)
    if box is None:
        return 0
    crop = mask[box[1]:box[3], box[0]:box[2]].astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    return int((stats[1:, cv2.CC_STAT_AREA] >= min_area).sum())


def blobs(mask: np.ndarray, *, min_area: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The 8-connected blobs of a bool mask with ``min_area`` px or more: ``(N, 5)`` int rows of x, y, width,
    height, area and their ``(N, 2)`` centroids."""
    _, _, stats, cen = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    keep = stats[1:, cv2.CC_STAT_AREA] >= min_area
    return stats[1:][keep], cen[1:][keep]


def round_blobs(st: np.ndarray, *, fill: float = 0.0, least: float = 3.0, aspect: float = 1.6) -> np.ndarray:
    """Per row of :func:`blobs` stats: a round, solid piece (a marker or dot): ``least`` px across or more, its
    sides within ``aspect`` of each other, filling at least ``fill`` of its box."""
    w, h, a = st[:, 2], st[:, 3], st[:, 4]
    short = np.minimum(w, h)
    return (short >= least) & (np.maximum(w, h) <= aspect * short) & (a >= fill * w * h)


def stroke_thickness(mask: np.ndarray) -> float:
    """Typical stroke width of a mask in px: twice the mean distance-to-edge along its medial pixels (0 if empty).
    Lines give 1-4 px; bars, areas and pie wedges give tens."""
    box = box_of(mask)
    if box is None:
        return 0.0
    # Only the mask's box (and the zero ring the pad adds): the same distances on fewer pixels.
    m = np.pad(mask[box[1]:box[3], box[0]:box[2]].astype(np.uint8), 1)
    dist = cv2.distanceTransform(m, cv2.DIST_L2, 3)
    local_max = dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8))
    ridge = dist[(dist > 0) & local_max]
    return float(2.0 * np.median(ridge)) if ridge.size else 0.0


def box_of(mask: np.ndarray) -> Box | None:
    """Bounding box (exclusive ends) of a mask's pixels, or None if empty."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def best_shift(ref: np.ndarray, cand: np.ndarray, box: Box, *, max_shift: int = 3) -> tuple[int, int, float]:
    """The whole-pixel shift ``(dx, dy)`` (each within ``max_shift``) that best lays ``cand``'s crop at ``box`` onto
    ``ref``'s: ``cand[y + dy, x + dx]`` matches ``ref[y, x]``. Returns it with the remaining mean absolute grey
    difference as a share of the unshifted one (1.0: no shift helps). Both ``(H, W, 3)`` uint8 in one frame."""
    h, w = ref.shape[:2]
    x0, y0 = max(int(box[0]), max_shift), max(int(box[1]), max_shift)
    x1, y1 = min(int(box[2]), w - max_shift), min(int(box[3]), h - max_shift)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return 0, 0, 1.0
    # Grey of the crops only (converted pixel by pixel), and each mean as OpenCV's exact sum of the differences
    # over the pixel count: the same figures as numpy's mean of an absdiff image, without one per shift.
    m = max_shift
    g_ref = cv2.cvtColor(np.ascontiguousarray(ref[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    g_cand = cv2.cvtColor(np.ascontiguousarray(cand[y0 - m:y1 + m, x0 - m:x1 + m]), cv2.COLOR_RGB2GRAY)
    n = float(g_ref.size)

    def mean_diff(dx: int, dy: int) -> float:
        return cv2.norm(g_ref, g_cand[m + dy:m + dy + y1 - y0, m + dx:m + dx + x1 - x0], cv2.NORM_L1) / n
    base = mean_diff(0, 0)
    if base <= 0.0:
        return 0, 0, 1.0
    best = (0, 0, base)
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            d = mean_diff(dx, dy)
            if d < best[2] - 1e-6:
                best = (dx, dy, d)
    return best[0], best[1], best[2] / base


def diagonal_share(image: np.ndarray) -> float:
    """Share of the gradient energy of an ``(H, W, 3)`` uint8 crop whose direction lies within 22.5 degrees of a
    diagonal (text rotated by about 45 degrees gives about 0.5 or more, upright text and axes lines much less)."""
    g = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    total = float(mag.sum())
    if total <= 0:
        return 0.0
    ang = np.degrees(np.arctan2(gy, gx)) % 90.0  # 45: a diagonal, 0 or 90: horizontal/vertical
    return float(mag[np.abs(ang - 45.0) < 22.5].sum()) / total


def slanted_share(image: np.ndarray, *, background: np.ndarray, join: int = 3) -> float:
    """Share of the elongated ink blobs of an ``(H, W, 3)`` uint8 crop (words joined by ``join`` px) whose long axis
    lies 20-70 degrees off horizontal: rotated tick labels give most of theirs, upright labels none."""
    ink = far_from(image, background) > 60
    regs, labels = regions(ink, min_area=12, join=join)
    slanted = elongated = 0
    for r in regs:
        ys, xs = np.nonzero((labels[r.box[1]:r.box[3], r.box[0]:r.box[2]] == r.label)
                            & ink[r.box[1]:r.box[3], r.box[0]:r.box[2]])
        if xs.size < 12:
            continue
        cov = np.cov(np.stack([xs, ys]).astype(np.float64))
        evals, evecs = np.linalg.eigh(cov)
        if evals[1] < 4.0 * max(evals[0], 1e-6):  # not elongated: a glyph or a round blob
            continue
        elongated += 1
        angle = abs(np.degrees(np.arctan2(evecs[1, 1], evecs[0, 1]))) % 180.0
        angle = min(angle, 180.0 - angle)
        slanted += 20.0 <= angle <= 70.0
    return slanted / elongated if elongated else 0.0
