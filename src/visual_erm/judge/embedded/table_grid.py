"""Find the grid of a table image, ruled or not, and read its cells.

Pure functions on ``(H, W, 3)`` uint8 RGB arrays. The grid comes from three kinds of evidence, whichever the
table has: ruling lines (thin rows/columns of pixels unlike their neighbours), fill changes (header shading, zebra
rows) and whitespace (text lines separated vertically; columns separated by gaps no row crosses). Cells are the
intersections of row and column bands; a run of text crossing a column gap, or a missing vertical rule inside a
row, makes a spanning (merged) cell. Text is read per cell line by an OCR engine's ``recognize``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from visual_erm.judge.embedded.geometry import runs as _runs

Box = tuple[float, float, float, float]


@dataclass
class Cell:
    """One cell: grid position ``row``/``col`` with spans, its rectangle ``box`` and tight ``ink`` box (or None)."""

    row: int
    col: int
    colspan: int = 1
    box: Box = (0.0, 0.0, 0.0, 0.0)
    ink: Box | None = None
    text: str = ""


@dataclass
class Grid:
    """The table found in an image.

    ``rows``/``cols``: ``(start, end)`` pixel bands; ``cells[r]``: the cells of row ``r`` left to right;
    ``h_rules``/``v_rules``: pixel positions of ruling lines; ``header_fill``: the first row is shaded unlike the
    body; ``box``: the table's content box ``(x0, y0, x1, y1)``; ``text_height``: median height of a text line;
    ``ink``: ``(H, W)`` bool text pixels of the image (rules and fills excluded), kept for reading the cells;
    ``reused``: how many cells ``read_cells`` took from ``known`` (pixel-identical to a reference cell).
    """

    rows: list[tuple[int, int]] = field(default_factory=list)
    cols: list[tuple[int, int]] = field(default_factory=list)
    cells: list[list[Cell]] = field(default_factory=list)
    h_rules: list[int] = field(default_factory=list)
    v_rules: list[int] = field(default_factory=list)
    header_fill: bool = False
    box: Box = (0.0, 0.0, 0.0, 0.0)
    text_height: float = 12.0
    ink: np.ndarray | None = field(default=None, repr=False, compare=False)
    reused: int = 0

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    def texts(self) -> list[list[str]]:
        """Row-major texts with spanning cells repeated over the columns they cover."""
        out = []
        for row in self.cells:
            line: list[str] = []
            for c in row:
                line += [c.text] * c.colspan
            out.append(line)
        return out


def content_box(image: np.ndarray, *, tolerance: int = 24) -> tuple[int, int, int, int]:
    """Bounding box ``(x0, y0, x1, y1)`` of everything unlike the corner (page) colour; the full image if blank."""
    import cv2

    corners = np.stack([image[0, 0], image[0, -1], image[-1, 0], image[-1, -1]]).astype(np.int16)
    bg = np.median(corners, axis=0).astype(np.uint8)
    diff = cv2.absdiff(np.ascontiguousarray(image), np.full_like(image, bg)).max(axis=2) > tolerance
    ys, xs = np.nonzero(diff)
    if len(xs) == 0:
        return 0, 0, image.shape[1], image.shape[0]
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def line_mode(a: np.ndarray, axis: int) -> np.ndarray:
    """The most frequent colour of each row (``axis=1``) or column (``axis=0``) of an int RGB array: its background.

    A mode, not a median: in a line through bold capitals nearly half the pixels are ink. Colours are quantised
    to 5 bits per channel; every colour competes (a rule resampled to an odd grey is that line's mode).
    """
    q = (np.asarray(a).astype(np.int32) >> 3)
    code = (q[..., 0] << 10) | (q[..., 1] << 5) | q[..., 2]
    lines = np.sort(code if axis == 1 else code.T, axis=1)  # (n lines, length)
    n, length = lines.shape
    if n == 0 or length == 0:
        return np.zeros((n, 3), np.float64)
    starts = np.ones(lines.shape, bool)
    starts[:, 1:] = lines[:, 1:] != lines[:, :-1]
    pos = np.flatnonzero(starts.ravel())
    lens = np.diff(np.append(pos, lines.size))
    line = pos // length
    order = np.lexsort((lens, line))  # by line, longest run last
    last = np.append(np.flatnonzero(np.diff(line[order])), len(order) - 1)
    best = lines.ravel()[pos[order[last]]]
    rgb = np.stack([(best >> 10) & 31, (best >> 5) & 31, best & 31], axis=1)
    return (rgb * 8 + 4).astype(np.float64)


def steady_mode(modes: np.ndarray, *, reach: int = 4) -> np.ndarray:
    """Per-line colours ``(n, 3)`` with short runs replaced by the majority of the ``2 * reach + 1`` lines around.

    A line through the serifs or baseline of bold text can be mostly ink, so its own mode is the ink colour; its
    neighbours still show the cell fill. A step between two fills (zebra rows) keeps its place: on either side of
    it the majority is the near side's colour.
    """
    n = len(modes)
    if n == 0:
        return modes
    code = (modes[:, 0].astype(np.int64) << 16) | (modes[:, 1].astype(np.int64) << 8) | modes[:, 2].astype(np.int64)
    idx = np.clip(np.arange(n)[None, :] + np.arange(-reach, reach + 1)[:, None], 0, n - 1)
    win = code[idx]  # (2 * reach + 1, n)
    votes = (win[:, None, :] == win[None, :, :]).sum(axis=1)  # how often each window entry occurs in its window
    best = idx[np.argmax(votes, axis=0), np.arange(n)]  # a line holding the window's commonest colour
    own = votes[reach] * 2 > 2 * reach + 1  # a line already in the majority keeps its own colour
    return np.where(own[:, None], modes, modes[best])


def _thin_runs(profile: np.ndarray, coverage: np.ndarray, *, max_width: int, min_contrast: float,
               min_coverage: float) -> list[tuple[int, int]]:
    """Thin runs ``(start, end)`` whose colour ``profile`` differs from both sides and that cover the span."""
    n = len(profile)
    if n < 3:
        return []
    k = max_width + 1
    idx = np.arange(n)
    lo = profile[np.clip(idx - k, 0, n - 1)]
    hi = profile[np.clip(idx + k, 0, n - 1)]
    d_lo = np.abs(profile - lo).max(axis=1)
    d_hi = np.abs(profile - hi).max(axis=1)
    # at the border of the box only the inner side counts
    d = np.where(idx < k, d_hi, np.where(idx >= n - k, d_lo, np.minimum(d_lo, d_hi)))
    cand = (d >= min_contrast) & (coverage >= min_coverage)
    return [(a, b) for a, b in _runs(cand) if b - a <= max_width]


def _breaks(along: np.ndarray, *, min_gap: int = 2) -> int:
    """Number of inner runs of False at least ``min_gap`` long in a 1-D bool array (gaps along a line)."""
    return sum(1 for a, b in _runs(~along) if a > 0 and b < len(along) and b - a >= min_gap)


def find_rules(image: np.ndarray, box: tuple[int, int, int, int], *, max_width: int = 4, min_contrast: float = 40.0,
               min_coverage: float = 0.6, max_breaks: int = 3, row_modes: np.ndarray | None = None,
               ) -> tuple[list[int], list[int], np.ndarray, np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines inside ``box``.

    A rule is a run of at most ``max_width`` pixel rows (columns) whose dominant colour differs by at least
    ``min_contrast`` from the rows just outside it, and whose pixels mostly (``min_coverage``) share that colour.
    ``max_breaks``: at most this many gaps (of 2 px or more) along a rule. ``row_modes``: ``line_mode`` of the
    box's rows when the caller has it already.

    Returns:
        ``(h_rules, v_rules, h_mask, v_mask, wipe)``: rule positions (y, x); bool masks ``(H, W)`` of the rule
        pixels; and the rule bands widened by one pixel (anti-aliased edges of a rule are not text).
    """
    x0, y0, x1, y1 = box
    a = image[y0:y1, x0:x1].astype(np.int16)
    h_mask = np.zeros(image.shape[:2], bool)
    v_mask = np.zeros(image.shape[:2], bool)
    wipe = np.zeros(image.shape[:2], bool)
    if a.size == 0:
        return [], [], h_mask, v_mask, wipe
    row_med = line_mode(a, 1) if row_modes is None else row_modes  # (h, 3)
    col_med = line_mode(a, 0)  # (w, 3)
    row_near = np.abs(a - row_med[:, None, :]).max(axis=2) < 40
    col_near = np.abs(a - col_med[None, :, :]).max(axis=2) < 40
    hs = _thin_runs(row_med, row_near.mean(axis=1), max_width=max_width, min_contrast=min_contrast,
                    min_coverage=min_coverage)
    vs = _thin_runs(col_med, col_near.mean(axis=0), max_width=max_width, min_contrast=min_contrast,
                    min_coverage=min_coverage)
    # a rule crosses the table in one stroke (a spanning cell may break it once or twice); the stems of one letter
    # repeated down a column (every row starts with 'M') line up too, but break at every row
    hs = [(ra, rb) for ra, rb in hs if _breaks(row_near[ra:rb].any(axis=0)) <= max_breaks]
    vs = [(ca, cb) for ca, cb in vs if _breaks(col_near[:, ca:cb].any(axis=1)) <= max_breaks]
    for ra, rb in hs:
        h_mask[y0 + ra:y0 + rb, x0:x1] = row_near[ra:rb]
        wipe[y0 + max(0, ra - 1):y0 + rb + 1, x0:x1] = True
    for ca, cb in vs:
        v_mask[y0:y1, x0 + ca:x0 + cb] = col_near[:, ca:cb]
        wipe[y0:y1, x0 + max(0, ca - 1):x0 + cb + 1] = True
    return ([y0 + (ra + rb - 1) // 2 for ra, rb in hs], [x0 + (ca + cb - 1) // 2 for ca, cb in vs],
            h_mask, v_mask, wipe)


def ink_mask(image: np.ndarray, box: tuple[int, int, int, int], rules: np.ndarray, *, threshold: int = 60,
             fills: np.ndarray | None = None) -> np.ndarray:
    """Text pixels: unlike their row's fill colour inside ``box`` (so zebra and header fills are background).

    ``fills``: ``(h, 3)`` fill colour of each row of the box (default: ``steady_mode`` of its ``line_mode``).
    """
    x0, y0, x1, y1 = box
    a = image[y0:y1, x0:x1].astype(np.int16)
    out = np.zeros(image.shape[:2], bool)
    if a.size == 0:
        return out
    keep = ~rules[y0:y1, x0:x1]
    med = steady_mode(line_mode(a, 1)) if fills is None else fills
    out[y0:y1, x0:x1] = (np.abs(a - med[:, None, :]).max(axis=2) > threshold) & keep
    return out


def _fill_boundaries(fills: np.ndarray, y0: int, *, min_contrast: float = 10.0) -> list[int]:
    """y positions where the row fill ``(h, 3)`` (rows from ``y0``) changes and stays changed (header, zebra)."""
    med = fills
    out = []
    for y in range(2, len(med) - 2):
        if np.abs(med[y] - med[y - 1]).max() >= min_contrast and np.abs(med[y + 1] - med[y - 2]).max() >= min_contrast:
            out.append(y0 + y)
    return out


def find_grid(image: np.ndarray, *, min_gap: float | None = None) -> Grid:
    """The rows, columns and cells of the table in ``image``.

    Args:
        image: ``(H, W, 3)`` uint8 RGB of one table on a plain page.
        min_gap: narrowest whitespace, in px, that separates two columns; default 0.6 x the median text height
            (wider than a space between words, narrower than cell padding).

    Returns:
        A :class:`Grid` (empty when the image holds no text).
    """
    box = content_box(image)
    x0, y0, x1, y1 = box
    modes = line_mode(image[y0:y1, x0:x1].astype(np.int16), 1)
    fills = steady_mode(modes)
    h_rules, v_rules, h_mask, v_mask, wipe = find_rules(image, box, row_modes=modes)
    ink = ink_mask(image, box, wipe, fills=fills)
    grid = Grid(h_rules=h_rules, v_rules=v_rules, box=tuple(float(v) for v in box), ink=ink)
    lines = [(a, b) for a, b in _runs(ink[:, x0:x1].any(axis=1)) if b - a >= 3]
    if not lines:
        return grid
    heights = [b - a for a, b in lines]
    grid.text_height = float(np.median(heights))
    seps = sorted(set(h_rules) | set(_fill_boundaries(fills, y0)))
    rows = _group_lines(lines, seps)
    gap = float(min_gap) if min_gap is not None else max(4.0, 0.6 * grid.text_height)
    cols = _columns(ink, rows, box, v_rules, gap)
    grid.rows, grid.cols = rows, cols
    # cell edges: halfway between neighbouring bands, or on the rule between them
    ry = _edges(rows, h_rules, y0, y1)
    cx = _edges(cols, v_rules, x0, x1)
    for r, (ra, rb) in enumerate(rows):
        band = ink[ra:rb]
        segs = [(a, b) for a, b in _runs(_close(band.any(axis=0), int(gap)))]
        owner = list(range(len(cols)))  # union-find-lite: each column points at the first column of its cell
        for a, b in segs:
            hit = [c for c, (ca, cb) in enumerate(cols) if a < cb and b > ca]
            for c in hit[1:]:
                owner[c] = owner[hit[0]]
        if v_rules:
            for c in range(1, len(cols)):
                rule_x = [x for x in v_rules if cols[c - 1][1] <= x <= cols[c][0]]
                if rule_x and not v_mask[ra:rb, rule_x[0] - 1:rule_x[0] + 2].any(axis=1).mean() > 0.5:
                    owner[c] = owner[c - 1]
        cells: list[Cell] = []
        for c in range(len(cols)):
            if cells and owner[c] == owner[c - 1]:
                cells[-1].colspan += 1
                continue
            cells.append(Cell(row=r, col=c))
        for cell in cells:
            cxa, cxb = cx[cell.col], cx[cell.col + cell.colspan]
            cell.box = (float(cxa), float(ry[r]), float(cxb), float(ry[r + 1]))
            sub = ink[ra:rb, int(cxa):int(cxb)]
            ys, xs = np.nonzero(sub)
            if len(xs):
                cell.ink = (float(cxa + xs.min()), float(ra + ys.min()), float(cxa + xs.max() + 1), float(ra + ys.max() + 1))
        grid.cells.append(cells)
    if len(rows) > 1:
        head = fills[rows[0][0] - y0:rows[0][1] - y0]
        body = fills[rows[1][0] - y0:rows[-1][1] - y0]
        grid.header_fill = bool(np.abs(np.median(head, axis=0) - np.median(body, axis=0)).max() > 12)
    return grid


def _close(flags: np.ndarray, gap: int) -> np.ndarray:
    """Fill False runs shorter than ``gap`` between True values (words of one cell become one segment)."""
    out = flags.copy()
    runs = _runs(~flags)
    for a, b in runs:
        if a > 0 and b < len(flags) and b - a < gap:
            out[a:b] = True
    return out


def _group_lines(lines: list[tuple[int, int]], seps: list[int]) -> list[tuple[int, int]]:
    """Text lines grouped into rows: lines with no separator between them are one row when most rows are separated."""
    if len(lines) < 2 or not seps:
        return lines
    between = [any(lines[i][1] <= s <= lines[i + 1][0] for s in seps) for i in range(len(lines) - 1)]
    if np.mean(between) < 0.6:
        return lines
    gaps = [lines[i + 1][0] - lines[i][1] for i in range(len(lines) - 1)]
    row_gap = float(np.median([g for g, b in zip(gaps, between) if b]))
    rows = [lines[0]]
    for i, ln in enumerate(lines[1:]):
        # lines of one wrapped cell sit closer together than rows (which carry padding)
        if between[i] or gaps[i] >= 0.6 * row_gap:
            rows.append(ln)
        else:
            rows[-1] = (rows[-1][0], ln[1])
    return rows


def _columns(ink: np.ndarray, rows: list[tuple[int, int]], box: tuple[int, int, int, int], v_rules: list[int],
             gap: float) -> list[tuple[int, int]]:
    """Column bands: x runs with ink, split where (almost) no row has ink for at least ``gap`` px, or at a rule."""
    x0, _, x1, _ = box
    per_row = np.stack([ink[a:b, x0:x1].any(axis=0) for a, b in rows])
    # a title or a spanning header may cross a gap; a quarter of the rows crossing it is still a gap
    allow = len(rows) // 4 if len(rows) >= 4 else 0
    busy = per_row.sum(axis=0) > allow
    for x in v_rules:
        if x0 <= x < x1:
            busy[max(0, x - x0 - 1):x - x0 + 2] = False
    filled = _close(busy, int(round(gap)))
    for x in v_rules:
        if x0 <= x < x1:
            filled[max(0, x - x0 - 1):x - x0 + 2] = False
    return [(x0 + a, x0 + b) for a, b in _runs(filled) if busy[a:b].any()]


def _edges(bands: list[tuple[int, int]], rules: list[int], lo: int, hi: int) -> list[float]:
    """Boundaries of the cells of consecutive bands: the rule between two bands, else the midpoint of the gap."""
    if not bands:
        return [lo, hi]
    edges = [float(lo)]
    for (_, b), (a, _) in zip(bands[:-1], bands[1:]):
        between = [r for r in rules if b <= r <= a]
        edges.append(float(between[0]) if between else (b + a) / 2.0)
    edges.append(float(hi))
    return edges


def cell_lines(image: np.ndarray, ink: np.ndarray | None, cell: Cell, *, pad: int = 3) -> list[np.ndarray]:
    """Crops of the text lines of ``cell`` (top to bottom), padded by ``pad`` px; ``ink`` is the grid's ink mask."""
    if cell.ink is None:
        return []
    x0, y0, x1, y1 = (int(v) for v in cell.ink)
    H, W = image.shape[:2]
    if ink is None:
        bands = [(y0, y1)]
    else:
        bands = [(y0 + a, y0 + b) for a, b in _runs(ink[y0:y1, x0:x1].any(axis=1)) if b - a >= 2] or [(y0, y1)]
        merged: list[tuple[int, int]] = []
        for a, b in bands:  # accents and dots above letters belong to the line below them
            if merged and a - merged[-1][1] <= 2:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        bands = merged
    return [image[max(0, a - pad):min(H, b + pad), max(0, x0 - pad):min(W, x1 + pad)] for a, b in bands]


def read_cells(image: np.ndarray, grid: Grid, recognize: Callable[[np.ndarray], tuple[str, float]], *,
               known: Callable[[np.ndarray], str | None] | None = None) -> None:
    """Fill ``cell.text`` for every cell of ``grid`` (in place).

    Args:
        image: the image ``grid`` was found in.
        grid: from :func:`find_grid`.
        recognize: one line crop -> ``(text, score)`` (an OCR engine's ``recognize``).
        known: optional crop -> text lookup tried first (the candidate reuses the reference's reading of a
            pixel-identical cell, which saves nearly all OCR on a typical rollout).
    """
    ink = grid.ink
    if ink is None:
        box = tuple(int(v) for v in grid.box)
        ink = ink_mask(image, box, find_rules(image, box)[4])
    for row in grid.cells:
        for cell in row:
            if cell.ink is None:
                cell.text = ""
                continue
            whole = cell_crop(image, cell)
            hit = known(whole) if known is not None else None
            if hit is not None:
                cell.text = hit
                grid.reused += 1
                continue
            parts = [recognize(c)[0] for c in cell_lines(image, ink, cell)]
            cell.text = " ".join(p for p in parts if p)


def cell_crop(image: np.ndarray, cell: Cell) -> np.ndarray:
    """The tight ink crop of a cell (empty array for an empty cell)."""
    if cell.ink is None:
        return image[0:0, 0:0]
    x0, y0, x1, y1 = (int(v) for v in cell.ink)
    return image[y0:y1, x0:x1]


class CropIndex:
    """Crops of reference cells indexed by size, to recognise pixel-identical candidate cells without OCR.

    Two crops are the same when they have the same size (within ``slack`` px), a mean absolute grey-level
    difference below ``tolerance`` and no pixel column differing by ``column_tolerance`` on average (sub-pixel
    placement spreads small differences over the whole crop; one changed glyph, as in 3.33 vs 3.38, concentrates
    a large one in a few columns). The closest such crop gives the text.
    """

    def __init__(self, *, tolerance: float = 6.0, column_tolerance: float = 60.0, slack: int = 1) -> None:
        self.tolerance = tolerance
        self.column_tolerance = column_tolerance
        self.slack = slack
        self._by_size: dict[tuple[int, int], list[tuple[np.ndarray, str]]] = {}

    def add(self, crop: np.ndarray, text: str) -> None:
        if crop.size:
            self._by_size.setdefault(crop.shape[:2], []).append((_grey(crop), text))

    def lookup(self, crop: np.ndarray) -> str | None:
        if not crop.size:
            return None
        g = _grey(crop)
        h, w = g.shape
        best, found = self.tolerance, None
        for dh in range(-self.slack, self.slack + 1):
            for dw in range(-self.slack, self.slack + 1):
                for ref, text in self._by_size.get((h + dh, w + dw), ()):
                    hh, ww = min(h, ref.shape[0]), min(w, ref.shape[1])
                    diff = np.abs(ref[:hh, :ww] - g[:hh, :ww])
                    mean = float(diff.mean())
                    if mean < best and float(diff.mean(axis=0).max()) < self.column_tolerance:
                        best, found = mean, text
                        if mean == 0.0:
                            return found
        return found


def _grey(crop: np.ndarray) -> np.ndarray:
    return crop.astype(np.float32).mean(axis=2)
