"""The chart comparer: matplotlib-style charts compared by layout, text, series (colour groups of marks), axes,
grid and background, in the reference's frame.

Detectors (switch off with ``disabled=``): ``legibility``, ``layout``, ``text``, ``axes``, ``series``,
``chart_type``, ``bar_width``, ``overplot``, ``grid``, ``background``, ``residual``, ``pie``.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import cv2
import numpy as np
from rapidfuzz import fuzz

from visual_erm.judge.embedded import geometry as geo
from visual_erm.judge.embedded import pie as pies
from visual_erm.judge.embedded.base import Analysis, Comparer, register_comparer
from visual_erm.judge.embedded.color import (
    NEUTRAL_CHROMA,
    Palette,
    chroma,
    color_mask,
    color_name,
    delta_e,
    palette,
    rgb_to_lab,
)
from visual_erm.judge.embedded.normalize import (Normalized, PanelFrame, box_iou, far_from, fit_frame,
                                                 mode_color, normalize, resize, union_box, warp)
from visual_erm.judge.embedded.ocr import TextBox, get_ocr, normalize_text, text_similarity
from visual_erm.judge.embedded.severity import THRESHOLDS as T
from visual_erm.judge.embedded.severity import finding
from visual_erm.types import Discrepancy

_NUMERIC = re.compile(r"^[\s$€£%+\-−–.,0-9eE×x^()10⁰¹²³⁴⁵⁶⁷⁸⁹kKMB]*$")


class _PanelMasks(NamedTuple):
    box: tuple[int, int, int, int]
    R: np.ndarray
    C: np.ndarray
    rlab: np.ndarray
    clab: np.ndarray
    rbg: np.ndarray
    cbg: np.ndarray
    keep: np.ndarray
    rdata: np.ndarray  # data ink outside what is explained (text boxes and their margins, ...)
    cdata: np.ndarray
    rdata_all: np.ndarray  # all data ink
    cdata_all: np.ndarray


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass
class _Ctx:
    """Per-comparison state: both work images, their masks, what is already explained, and the findings."""

    ref: Analysis
    cand: Analysis
    rn: Normalized
    cn: Normalized
    missing: np.ndarray
    extra: np.ndarray
    panels: list[tuple[int, int, int, int]]
    explained: np.ndarray
    errors: list[Discrepancy] = field(default_factory=list)
    axis_changed: set = field(default_factory=set)
    follows_data: list = field(default_factory=list)  # (text finding, panel): dropped when the panel's data changed
    follows_axis: list = field(default_factory=list)  # (text finding, panel): dropped when the panel's axis changed
    other_resolution: bool = False  # one image was resampled to the other's detail (see _match_resolution)
    rescaled: bool = False  # drawn at another scale at all (another dpi or figure size)
    native_text: dict = field(default_factory=dict)  # reference line index -> share of its ink changed at full size
    skip: np.ndarray | None = None  # text whose centre lies here is covered by a layout finding
    cand_frames: list | None = None  # the candidate's plot areas (see ChartComparer._cand_frames)
    virtual_panels: bool = False  # the reference's plot areas were read from its tick labels (no frames drawn)
    relaid: bool = False  # ... and the candidate's, read from its own tick labels, stand in another layout
    cand_lines: list | None = None  # full-image OCR of the candidate's work image, once per comparison
    grid_done: set = field(default_factory=set)  # panels whose grid change is already reported
    resized: list = field(default_factory=list)  # work boxes of lines found drawn at another size
    readings: list = field(default_factory=list)  # (line, its reading, role, finding) of lines read otherwise
    gone_labels: list = field(default_factory=list)  # (line, finding) of titles and frameless labels gone
    overdrawn: list = field(default_factory=list)  # (box, report): lines read otherwise with every glyph kept
    swapped: tuple = ()  # two subplots found in each other's places
    swapped_texture: bool = False  # ... told by their textures alone (hatches: pixels anchored to the figure)
    gone: tuple = ()  # reference subplots missing while the others stayed in place
    text_runs: np.ndarray | None = None  # the glyph runs of lines read otherwise (see _explain_line)
    axis_labels: dict = field(default_factory=dict)  # the reference's axis label texts (see _axis_labels)
    series_counted: set = field(default_factory=set)  # panels (as findings name them) that lost a series colour
    # wholly or gained one: their value axis may follow
    plot_backgrounds: dict = field(default_factory=dict)  # panel -> both plot areas' backgrounds (_plot_backgrounds)
    gone_colours: dict = field(default_factory=dict)  # id(series-gone finding) -> the series' Lab colour
    crop_readings: dict = field(default_factory=dict)  # (shape, pixel hash) -> OCR reading of a candidate crop

    def axis_moved(self, i: int) -> bool:
        """Panel ``i``'s axis range or scale changed (with no panels found, any axis change covers the plot)."""
        return i in self.axis_changed or (not self.panels and bool(self.axis_changed))

    def ink(self, which: str) -> np.ndarray:
        """Ink mask of the reference ('r') or candidate ('c') work image, computed once per comparison."""
        return self._of_image(which, "ink", lambda n: far_from(n.image, n.background) > T["ink_tolerance"])

    def lab(self, which: str) -> np.ndarray:
        """Lab of the reference ('r') or candidate ('c') work image, converted once per comparison (converted pixel
        by pixel: a crop of it equals the crop's conversion)."""
        return self._of_image(which, "lab", lambda n: rgb_to_lab(n.image))

    def _of_image(self, which: str, name: str, compute) -> np.ndarray:
        """``compute(work image)`` once per comparison; for the reference's own work image (not one resampled to
        the candidate's detail) once per reference, kept with its analysis, read-only as every comparison with
        it shares it."""
        key = f"_{name}_{which}"
        if key not in self.__dict__:
            n = self.rn if which == "r" else self.cn
            if which == "r" and n is self.ref.features.get("norm"):  # (computed by now: rn came from it)
                self.__dict__[key] = self.ref.lazy("norm_" + name, lambda: _read_only(compute(n)))
            else:
                self.__dict__[key] = compute(n)
        return self.__dict__[key]

    def cand_box(self, box) -> list[float]:
        """A work-frame box in candidate pixels."""
        return self.cn.to_source(tuple(float(v) for v in box), clip_to=self.cand.size)

    def follow_values(self, error, panel, role: str, *texts: str) -> bool:
        """Files ``error`` to follow its plot's data finding when it is about plot-area texts that all read as
        values (a bar's value label moves, changes or comes with the bar); True when it did."""
        if "plot area" not in role or not all(_value_like(t) for t in texts):
            return False
        self.follows_data.append((error, panel))
        return True

    def panel_name(self, i: int | None) -> str:
        if i is None or len(self.panels) <= 1:
            return ""
        return f"subplot {i + 1}, "


def _lone_panels_box(ctx: _Ctx, rf: list, cf: list) -> list[float] | None:
    """Where the subplots without a counterpart lie, in candidate pixels: a lost one where the reference drew it (its
    place scaled to the candidate's image), an added one where the candidate draws it. The work frames cannot say:
    each is fitted to its own content box, which a lost subplot shrinks. None unless every other subplot stayed."""
    (rw, rh), (cw, ch) = ctx.ref.size, ctx.cand.size
    scale = (cw / rw, ch / rh, cw / rw, ch / rh)
    rs = [[v * k for v, k in zip(ctx.rn.to_source(b, clip_to=(rw, rh)), scale)] for b in rf]
    cs = [ctx.cand_box(b) for b in cf]
    many, few = (rs, cs) if len(rs) > len(cs) else (cs, rs)
    lone = [b for b in many if all(box_iou(b, o) < 0.5 for o in few)]
    if len(lone) != len(many) - len(few):
        return None  # re-laid out as well: no one place holds the change
    return [float(v) for v in union_box(lone)]


def _one_line(a, b) -> bool:
    """Two text boxes read as parts of one line: level across it (half their thickness shared) and no more than
    a line's thickness apart along it, written across or up (a long rotated label OCR reads in pieces)."""
    for k in (0, 1):  # k: the axis the line runs along
        ta, tb = a[3 - k] - a[1 - k], b[3 - k] - b[1 - k]  # thickness across
        shared = min(a[3 - k], b[3 - k]) - max(a[1 - k], b[1 - k])
        gap = max(a[k], b[k]) - min(a[k + 2], b[k + 2])
        if (a[k + 2] - a[k] > ta or b[k + 2] - b[k] > tb) and shared >= 0.5 * min(ta, tb) and gap <= max(ta, tb):
            return True
    return False


def _plot_frames(img: np.ndarray, **kw) -> list:
    """The plot areas of an image (geo.axes_frames), less the edged boxes of marks read as frames: a box inside
    another frame filled with one strong colour (a box plot's box, a framed bar), which an inset plot is not."""
    frames = geo.axes_frames(img, **kw)
    if len(frames) < 2:
        return frames
    return [f for f in frames if not (any(g != f and geo.holds(g, f) for g in frames) and geo.coloured_fill(img, f))]


def _matched_frame(rf: list, cf: list, i: int):
    """The candidate's plot area standing for the reference's ``i``-th (the same count of plot areas, the same
    place give or take a few px: IoU 0.8), or None."""
    if len(cf) != len(rf) or box_iou(rf[i], cf[i]) < 0.8:
        return None
    return cf[i]


def _frames_within(cf: list, rf: list) -> bool:
    """True when the candidate shows fewer plot areas than the reference, each lying on one of the reference's."""
    return bool(cf) and len(cf) < len(rf) and all(any(box_iou(c, b) >= 0.9 for b in rf) for c in cf)


def _content_parts(ink: np.ndarray) -> tuple[list[tuple[int, int, int, int]], bool]:
    """The bands of a figure's content split by blank rows (4 px or more), each a fifth of the content's height or
    more; or, with fewer than two, the same by blank columns within the tallest band (a title over two plots side
    by side). Boxes, and True for rows."""
    def bands(inked: np.ndarray) -> list[tuple[int, int]]:
        out: list[list[int]] = []
        for a, b in geo.runs(inked):
            if out and a - out[-1][1] < 4:
                out[-1][1] = b
            else:
                out.append([a, b])
        return [(a, b) for a, b in out]
    rows, cols = bands(ink.any(axis=1)), bands(ink.any(axis=0))
    if not rows or not cols:
        return [], True
    (y0, y1), (x0, x1) = (rows[0][0], rows[-1][1]), (cols[0][0], cols[-1][1])
    tall = [(a, b) for a, b in rows if b - a >= 0.2 * (y1 - y0)]
    if len(tall) >= 2:
        return [(x0, a, x1, b) for a, b in tall], True
    if not tall:
        return [], True
    a, b = tall[0]
    wide = [(c, d) for c, d in bands(ink[a:b].any(axis=0)) if d - c >= 0.2 * (x1 - x0)]
    return ([(c, a, d, b) for c, d in wide], False) if len(wide) >= 2 else ([], True)


def _gathered_box(gone: np.ndarray, kept: np.ndarray, cand: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box of the largest piece of ``gone`` ink (glyphs joined over 9 px) grown by every other piece whose
    union with it takes in kept ink of at most a quarter of the gone ink in it, and candidate ink of at most the
    kept ink plus a fifth (the candidate drew nothing new there). None without pieces."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(
        cv2.morphologyEx(gone.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8)), connectivity=8)
    if n < 2:
        return None
    sums = [cv2.integral(m.astype(np.uint8)) for m in (gone, kept, cand)]

    def inked(k: int, b) -> int:
        return int(sums[k][b[3], b[2]] - sums[k][b[1], b[2]] - sums[k][b[3], b[0]] + sums[k][b[1], b[0]])
    pieces = [(int(x), int(y), int(x + bw), int(y + bh)) for x, y, bw, bh, _ in stats[1:]]
    pieces.sort(key=lambda b: -inked(0, b))
    box, rest, grown = pieces[0], pieces[1:], True
    while grown:
        grown = False
        for p in list(rest):
            u = union_box([box, p])
            g, k = inked(0, u), inked(1, u)
            if k <= T["part_gone_kept"] * g and inked(2, u) <= k + T["part_gone_ink"] * (g + k):
                box, grown = u, True
                rest.remove(p)
    return box


def _side_of(fx: float, fy: float) -> str:
    """Words for where a point at fractions (fx, fy) of the figure lies: 'top left', 'right', 'centre'..."""
    v = "top" if fy < 0.38 else "bottom" if fy > 0.62 else ""
    u = "left" if fx < 0.38 else "right" if fx > 0.62 else ""
    return " ".join(p for p in (v, u) if p) or "centre"


def _joined_by_gone_ink(ctx: "_Ctx", a, b) -> bool:
    """Two pieces of one line of text read apart, with glyphs OCR left unread between them (a formula's symbols),
    all gone from the candidate: level across (half their height shared), and the gap, up to four heights, inked
    in the reference with no blank run wider than a height, its ink nearly all missing."""
    if a[0] > b[0]:
        a, b = b, a
    ha, hb = a[3] - a[1], b[3] - b[1]
    y0, y1 = int(max(a[1], b[1])), int(min(a[3], b[3]))
    x0, x1 = int(a[2]), int(b[0])
    if y1 - y0 < 0.5 * min(ha, hb) or x1 - x0 < 2 or x1 - x0 > 4 * max(ha, hb):
        return False
    ink = ctx.ink("r")[y0:y1, x0:x1]
    cols = ink.any(axis=0)
    blank = max((e - s for s, e in geo.runs(~cols)), default=0)
    return bool(cols.mean() >= 0.3 and blank <= max(ha, hb) and
                (ink & ctx.missing[y0:y1, x0:x1]).sum() >= 0.8 * ink.sum())


def _pieces_joined(ctx: "_Ctx") -> None:
    """A line that now reads otherwise, read by OCR in pieces (a long upright label, a renamed legend entry
    longer than the old one): the pieces said to be new text that continue it along its own direction, level
    with it and one after another (gaps under two line thicknesses), are the line's. One finding reads them all,
    in reading order (an upright label from the bottom)."""
    def upright(b) -> bool:
        return b[3] - b[1] > 1.6 * (b[2] - b[0])
    for e in [e for e in ctx.errors if e.category == "text_error" and e.bbox and _reading(e)]:
        up = upright(e.bbox)
        k = 0 if up else 1  # the axis across the line
        thick = e.bbox[k + 2] - e.bbox[k]
        run, grown = [e], True
        while grown:
            grown = False
            for x in ctx.errors:
                if any(x is r for r in run) or not x.description.startswith(_EXTRA_TEXT) or not x.bbox or \
                        upright(x.bbox) != up:
                    continue
                b = x.bbox
                if min(b[k + 2], e.bbox[k + 2]) - max(b[k], e.bbox[k]) < 0.5 * min(b[k + 2] - b[k], thick):
                    continue  # (not level with it)
                if any(max(b[1 - k], r.bbox[1 - k]) - min(b[3 - k], r.bbox[3 - k]) <= 2 * thick for r in run):
                    run.append(x)
                    grown = True
        if len(run) < 2:
            continue
        run.sort(key=(lambda r: -r.bbox[3]) if up else (lambda r: r.bbox[0]))
        now, was = _reading(e)
        # (a reading of the wider line already holds the pieces' glyphs, left over around the old line's box)
        words = [now if r is e else _quoted(r.description)[0] for r in run
                 if r is e or _bare(_quoted(r.description)[0]) not in _bare(now)]
        e.description = f"{e.description.split(' reads ')[0]} reads '{' ... '.join(words)}' instead of '{was}'."
        e.bbox = [min(r.bbox[0] for r in run), min(r.bbox[1] for r in run), max(r.bbox[2] for r in run),
                  max(r.bbox[3] for r in run)]
        e.severity = max(e.severity, 2)  # (the new text runs past the old line's box: words, not a glyph, changed)
        ctx.errors[:] = [x for x in ctx.errors if x is e or not any(x is r for r in run)]


def _word_dropped(was: str, now: str) -> bool:
    """True when one reading is the other with whole words (three letters or more) left out or added, every other
    word the same."""
    a, b = re.findall(r"\w+", was.lower()), re.findall(r"\w+", now.lower())
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    changed = [op for op in ops if op[0] != "equal"]
    return bool(changed) and all(op[0] in ("delete", "insert") for op in changed) and \
        all(len(w) >= 3 for op in changed for w in (a[op[1]:op[2]] + b[op[3]:op[4]]))


def _grid_place(boxes: list, i: int) -> tuple[int, int]:
    """(row, column), from 1, of plot area ``i`` among ``boxes``: the bands of centres above and left of its own
    (centres within a tenth of a plot of each other share a band, as in ``geo.grid_shape``)."""
    def place(k: int) -> int:
        tol = max(2.0, 0.1 * float(np.median([b[k + 2] - b[k] for b in boxes])))
        mine = (boxes[i][k] + boxes[i][k + 2]) / 2
        before = sorted((b[k] + b[k + 2]) / 2 for b in boxes if (b[k] + b[k + 2]) / 2 < mine - tol)
        return 1 + sum(1 for n, c in enumerate(before) if n == 0 or c - before[n - 1] > tol)
    return place(1), place(0)


def _darkness(img: np.ndarray) -> np.ndarray:
    """How dark each pixel (RGB or grey) is past a mid grey (float32, 0 for light marks and fills): dark glyphs
    read alike over any background a see-through legend lets show."""
    g = (img if img.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2GRAY)).astype(np.float32)
    return np.clip(160.0 - g, 0.0, None)


def _strokes(img: np.ndarray) -> np.ndarray:
    """Thin dark strokes against whatever lies around them (a black-hat over 5 px, float32): glyphs over a dark
    bar stand out as over a light one, a flat fill does not."""
    g = cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
    return cv2.morphologyEx(g, cv2.MORPH_BLACKHAT, np.ones((5, 5), np.uint8)).astype(np.float32)


def _legend_glyphs_moved(ctx: _Ctx, blocks: list, diff: np.ndarray) -> tuple[int, int] | None:
    """The one shift that lays every block of a legend's entries (reference work box, glyph mask) on dark glyphs
    alike in the candidate (``legend_glyph_match``), where the candidate changed and clear of the blocks' old
    place: a see-through or frameless legend moved over other marks, whose grey levels no longer match. Glyphs
    are compared by darkness, then (over bars dark themselves) by their strokes. None when no shift does (the
    words recur elsewhere, in an axis label, at another spacing)."""
    for look in (_darkness, _strokes):
        shift = _glyph_shift(look(ctx.cn.image), look(ctx.rn.image), blocks, diff)
        if shift is not None:
            return shift
    return None


def _glyph_shift(dc: np.ndarray, dr: np.ndarray, blocks: list, diff: np.ndarray) -> tuple[int, int] | None:
    """:func:`_legend_glyphs_moved` on one look of both images."""
    maps = []
    for (x0, y0, x1, y1), mask in blocks:
        tpl = dr[y0:y1, x0:x1]
        if tpl.std() < 1.0 or tpl.shape[0] >= dc.shape[0] or tpl.shape[1] >= dc.shape[1]:
            return None
        maps.append(np.nan_to_num(cv2.matchTemplate(dc, tpl, cv2.TM_CCOEFF_NORMED, mask=mask), nan=-1.0,
                                  posinf=-1.0, neginf=-1.0))

    def lands(dx: int, dy: int, least: float, changed: float = 0.2) -> bool:  # every block matches there, clear
        # of its old place, where the picture changed
        for ((x0, y0, x1, y1), mask), res in zip(blocks, maps):
            nx, ny = x0 + dx, y0 + dy
            if not (0 <= ny < res.shape[0] and 0 <= nx < res.shape[1]) or res[ny, nx] < least or \
                    geo.box_overlap((nx, ny, nx + x1 - x0, ny + y1 - y0), (x0, y0, x1, y1)) >= 0.3 or \
                    diff[ny:ny + y1 - y0, nx:nx + x1 - x0][mask > 0].mean() < changed:
                return False
        return True
    # Each block's own best place one shift away (two blocks or more): they agree without being told to, so a
    # looser match suffices (words over bars of several colours; dark glyphs over a dark bar differ little).
    bests = [cv2.minMaxLoc(res)[3] for res in maps]
    shifts = [(bx - b[0][0], by - b[0][1]) for (bx, by), b in zip(bests, blocks)]
    if len(blocks) >= 2 and all(abs(dx - shifts[0][0]) <= 2 and abs(dy - shifts[0][1]) <= 2 for dx, dy in shifts) \
            and lands(*shifts[0], T["legend_near_match"], 0.1):
        return shifts[0]
    (ax0, ay0, ax1, ay1), _ = blocks[0]
    first = maps[0].copy()
    for _ in range(5):  # the first block's best places, each tried for all
        _, best, _, (bx, by) = cv2.minMaxLoc(first)
        if best < T["legend_glyph_match"]:
            return None
        first[max(0, by - 3):by + 4, max(0, bx - 3):bx + 4] = -1.0
        if lands(bx - ax0, by - ay0, T["legend_glyph_match"]):
            return bx - ax0, by - ay0
    return None


def _swatch_zone(img: np.ndarray, box, right: float) -> np.ndarray:
    """Lab pixels left of a text line's ``box`` (up to ``right``), where a legend draws the entry's swatch."""
    x0, y0, x1, y1 = (int(v) for v in box)
    hh = max(y1 - y0, 6)
    return rgb_to_lab(img[max(0, int(y0 - 0.3 * hh)):int(y1 + 0.3 * hh),
                          max(0, int(x0 - 3.5 * hh)):max(0, int(right))]).reshape(-1, 3)


def _swatch_left_of(img: np.ndarray, box, *, right: float | None = None):
    """(Lab colour, its ink pixels) of a legend swatch left of a text line: coloured ink off the line's background
    within three line heights, up to ``right`` (by default a little into the box, where an OCR box may start
    early); None when there is none."""
    rz = _swatch_zone(img, box, box[0] + 0.3 * (box[3] - box[1]) if right is None else right)
    if len(rz) == 0:
        return None
    line = img[max(0, int(box[1])):max(0, int(box[3])), max(0, int(box[0])):max(0, int(box[2]))]
    if line.size == 0:  # (a line of the other image placed off this one: no background to tell ink from)
        return None
    bg = rgb_to_lab(mode_color(line)[None, None])
    ink = rz[np.linalg.norm(rz - bg.reshape(3), axis=1) > 25]
    ink = ink[np.hypot(ink[:, 1], ink[:, 2]) > 12]  # coloured: a swatch, not the words' grey or a grid line
    if len(ink) < 6:
        return None
    q = np.round(ink / 8.0).astype(np.int32)  # the commonest colour: a bar behind the legend may show too
    _, inv, counts = np.unique(q, axis=0, return_inverse=True, return_counts=True)
    return np.median(ink[inv.reshape(-1) == int(np.argmax(counts))], axis=0), ink


def _swatch_pixels(lab: np.ndarray, color) -> np.ndarray:
    """Lab pixels of a legend swatch's colour: within ``swatch_color_delta`` of it and coloured (a grey margin lies
    within that distance of a pale swatch)."""
    return (np.linalg.norm(lab - color, axis=-1) < T["swatch_color_delta"]) & (chroma(lab) > 6)


def _colour_beyond(lab: np.ndarray, box, color) -> bool:
    """True when ``color`` (Lab) fills more than a tenth of the columns ``box`` spans in the line heights just
    above or below it: the swatch-like ink reaches out of its text row (a picture beside a title, not a legend's
    handle, which the legend's frame pads)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    hh = max(y1 - y0, 6)
    for a, b in ((max(0, y0 - hh), y0), (y1, min(lab.shape[0], y1 + hh))):
        if b > a and x1 > x0:
            near = _swatch_pixels(lab[a:b, x0:x1], color)
            if near.any(axis=0).mean() > 0.1 and near.mean() > 0.05:
                return True
    return False


_SWATCH_REACH = 3.2  # line heights left of an entry's words within which a legend draws its swatch


def _bar_end(img: np.ndarray, box, color) -> bool:
    """True when the swatch colour ``color`` (Lab) left of text ``box`` still fills 80% of one line height past
    the swatch's reach: the end of a bar the text labels, not a legend handle (a legend's frame pads its handles
    off what lies behind it)."""
    th = max(int(box[3] - box[1]), 6)
    x1 = int(box[0] - _SWATCH_REACH * th)
    if x1 - th < 0:
        return False
    strip = img[max(0, int(box[1])):max(0, int(box[3])), x1 - th:x1]
    near = np.linalg.norm(rgb_to_lab(strip) - color, axis=2) < T["swatch_color_delta"]
    return strip.size > 0 and float(near.mean()) >= 0.8


def _shifted_in_source(ctx: _Ctx, box, *, slack_x: float, to=None, dark: bool = False) -> bool:
    """True when the candidate's own image draws the reference's line at work ``box`` (or, with ``to``, at that
    work box instead) up to ``slack_x`` source px sideways (grey correlation at or above ``T['text_glyph_ncc']``).
    Read in the source images: a label pushed out past the reference's content box falls outside the work frame.
    With ``dark``, the glyphs' darkness is compared instead (at ``T['text_found_ncc']``: the fill behind a label set
    on a wedge moves with the wedge's edges, dark glyphs read alike over it), and glyphs keep their size when both
    images have one size (a figure re-laid out at one resolution, its content box changed)."""
    import cv2

    rb = [int(round(v)) for v in ctx.rn.to_source(box, clip_to=ctx.ref.size)]
    cb = ctx.cand_box(box)
    if rb[2] - rb[0] < 4 or rb[3] - rb[1] < 4:
        return False
    k = 1.0 if dark and ctx.ref.size == ctx.cand.size else (cb[3] - cb[1]) / (rb[3] - rb[1])
    if to is not None:
        cb = ctx.cand_box(to)
    tpl = cv2.cvtColor(np.ascontiguousarray(ctx.ref.image[rb[1]:rb[3], rb[0]:rb[2]]), cv2.COLOR_RGB2GRAY)
    if abs(k - 1.0) > 0.02:
        tpl = cv2.resize(tpl, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    ch, cw = ctx.cand.image.shape[:2]
    s, sx = int(3 + 0.1 * tpl.shape[0]), int(3 + slack_x * k)
    area = ctx.cand.image[max(0, int(cb[1]) - s):min(ch, int(cb[3]) + s), max(0, int(cb[0]) - sx):min(cw, int(cb[2]) + sx)]
    if dark:
        return _glyphs_found(_darkness(tpl), _darkness(area), ncc=T["text_found_ncc"], min_std=1.0)
    return _glyphs_found(tpl, area)


def _glyphs_found(tpl: np.ndarray, area: np.ndarray, *, ncc: float | None = None, min_std: float = 8.0) -> bool:
    """True when the grey crop ``tpl`` of a line is drawn somewhere in ``area`` (RGB, or grey when searched
    often) with normalised cross-correlation at or above ``ncc``, default ``T['text_glyph_ncc']``; a crop without
    contrast (standard deviation under ``min_std``) is found nowhere."""
    import cv2

    if tpl.std() < min_std or area.shape[0] < tpl.shape[0] or area.shape[1] < tpl.shape[1]:
        return False
    grey = area if area.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(area), cv2.COLOR_RGB2GRAY)
    res = cv2.matchTemplate(grey, np.ascontiguousarray(tpl), cv2.TM_CCOEFF_NORMED)
    return float(np.nan_to_num(res, nan=-1.0, posinf=-1.0, neginf=-1.0).max()) >= \
        (T["text_glyph_ncc"] if ncc is None else ncc)  # (a window without contrast correlates with nothing)


def _axis_box(ctx: _Ctx, panel: int | None, ticks) -> list[float]:
    """An axis finding's box in candidate pixels: its tick labels and the plot area whose every mark the axis
    places (the change shows there, not in the labels alone)."""
    if panel is not None and 0 <= panel < len(ctx.panels):
        ticks = union_box([ticks, ctx.panels[panel]])
    return ctx.cand_box(ticks)


def _same_frame(a, b) -> bool:
    """True when plot areas ``a`` and ``b`` stand in one place at one size (within 3 px or 1.5% a side)."""
    return box_iou(a, b) >= 0.9 and all(
        abs((a[k + 2] - a[k]) - (b[k + 2] - b[k])) <= max(3.0, 0.015 * (a[k + 2] - a[k])) for k in (0, 1))


def _panel_of(panels, box) -> int | None:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    best, best_d = None, 1e18
    for i, (x0, y0, x1, y1) in enumerate(panels):
        dx = max(x0 - cx, 0, cx - x1)
        dy = max(y0 - cy, 0, cy - y1)
        d = dx * dx + dy * dy
        if d < best_d:
            best, best_d = i, d
    return best


def _text_role(panels, t: TextBox) -> tuple[int | None, str]:
    """(panel index, role) of a text line: title, x/y tick labels, x/y axis label, text in the plot area."""
    i = _panel_of(panels, t.box)
    if i is None:
        return None, "text"
    x0, y0, x1, y1 = panels[i]
    cx, cy = t.center
    numeric = bool(_NUMERIC.match(t.text)) and any(c.isdigit() for c in t.text)
    h = t.box[3] - t.box[1]
    if x0 <= cx <= x1 and y0 <= cy <= y1:
        return i, "plot area text (legend or annotation)"
    if cy > y1 and x0 - 20 <= cx <= x1 + 20:
        return i, "x-axis tick labels" if (numeric or cy - y1 < 2.2 * max(h, 8)) and cy - y1 < 3.0 * max(h, 8) else "x-axis label"
    w = t.box[2] - t.box[0]
    if numeric and not t.vertical and t.box[0] - x1 > max(40, 2 * w) and y0 - 20 <= cy <= y1 + 20:
        return i, "text"  # a number far right of a plot is none of its tick labels (a pie's percentage, a note)
    if cx < x0 and y0 - 20 <= cy <= y1 + 20:
        return i, "y-axis tick labels" if (numeric and not t.vertical) else "y-axis label"
    if cx > x1 and y0 - 20 <= cy <= y1 + 20:
        right = [j for j, p in enumerate(panels) if j != i and 0 <= p[0] - t.box[2] <= 12 + 0.5 * w
                 and p[1] - 20 <= cy <= p[3] + 20]
        if numeric and right:  # between two subplots: tick labels sit left of the axes they belong to
            return right[0], "y-axis tick labels"
        return i, "y-axis tick labels" if numeric else "right-side labels"
    if cy < y0:  # (numbers just above the frame: x tick labels moved to the top)
        on_top = numeric and y0 - cy < 2.2 * max(h, 8) and x0 - 20 <= cx <= x1 + 20
        return i, "x-axis tick labels" if on_top else "title"
    return i, "text"


def _tick_frames(texts: list[TextBox], loose: bool = False) -> list[tuple[int, int, int, int]]:
    """Plot areas of a chart drawn without spines or a tinted fill (fivethirtyeight and the like), read from its
    tick labels: a right-aligned column of evenly spaced labels (the y axis) and the labels just below its foot,
    running right from it (the x axis), bound one plot area. Boxes in the texts' frame, in reading order.
    ``loose`` also takes a column of two labels over a row of three or more at even gaps, its axis as far below
    its foot as a gap (a short plot shows two y ticks): used only to read a candidate whose plots moved."""
    return [box for box, _, _ in _tick_axes(texts, loose)]


def _tick_axes(texts: list[TextBox], loose: bool = False) \
        -> list[tuple[tuple[int, int, int, int], list[TextBox], list[TextBox]]]:
    """(plot area, its y tick labels top to bottom, its x tick labels left to right) of :func:`_tick_frames`."""
    flat = [t for t in texts if not t.vertical and t.text.strip()]
    columns = []
    by_right: list[list[TextBox]] = []
    for t in sorted(flat, key=lambda t: t.box[2]):
        if by_right and abs(t.box[2] - by_right[-1][-1].box[2]) <= 4.0:
            by_right[-1].append(t)
        else:
            by_right.append([t])
    for g in by_right:
        g = sorted(g, key=lambda t: t.center[1])
        h = float(np.median([t.box[3] - t.box[1] for t in g]))
        run = [g[0]]
        for t in g[1:] + [None]:  # split where the spacing jumps: another subplot's axis below (sparse ticks
            # of a tall plot stand up to eight line heights apart, each gap as wide as the one before)
            gap = t.center[1] - run[-1].center[1] if t is not None else 0.0
            last = run[-1].center[1] - run[-2].center[1] if len(run) >= 2 else None
            if t is not None and (gap <= 4.0 * h or (last is None and gap <= 8.0 * h) or
                                  (last is not None and abs(gap - last) <= 0.15 * gap)):
                run.append(t)
                continue
            columns += [(r, h) for r in _even_stretches(run) if _evenly_spaced(r, h) or
                        (loose and len(r) == 2 and r[1].center[1] - r[0].center[1] > 1.2 * h and
                         all(map(_wordlike, r)))]
            run = [t]
    frames = []
    for col, h in columns:
        right, top, foot = max(t.box[2] for t in col), col[0].center[1], col[-1].box[3]
        reach = 3 * h if len(col) > 2 else col[1].center[1] - col[0].center[1] + 2 * h
        below = [t for t in flat if t not in col and foot - h <= t.box[1] <= foot + reach and t.center[0] >= right - h
                 and (len(col) > 2 or _wordlike(t))]
        if not below:
            continue
        # The x labels: the most labels on one level below the column's foot (a legend entry there is one line).
        row = max(([u for u in below if abs(u.box[1] - t.box[1]) <= h] for t in below),
                  key=lambda r: (len(r), -min(u.box[1] for u in r)))
        row.sort(key=lambda t: t.box[0])
        if len(col) == 2:  # (the axis label just under the labels is no tick label)
            top_row = float(np.median([t.box[1] for t in row]))
            xs = np.diff([t.center[0] for t in row if abs(t.box[1] - top_row) <= 0.4 * h])
            if len(xs) < 2 or xs.std() > 0.15 * xs.mean():
                continue
        level = min(t.box[1] for t in row)
        if row[0].box[0] > right + 6 * h or _captioned(col, flat, h):
            continue
        # The row runs to the next subplot's y labels on the right (slanted labels leave wide gaps between them).
        stop = min((min(t.box[0] for t in o) for o, _ in columns if o is not col and min(t.box[0] for t in o) > right
                    and o[0].center[1] < foot and o[-1].center[1] > top), default=float("inf"))
        # (a slanted label of the plot beside it, starting left of its y labels, is not this plot's)
        end = max((t.box[2] for t in row if t.box[2] < stop), default=row[0].box[2])
        box = (int(right + 0.3 * h), int(top - h), int(end + 0.5 * h), int(level - 0.3 * h))
        if box[2] - box[0] > 4 * h and box[3] - box[1] > (4 if len(col) > 2 else 3) * h:
            frames.append((box, col, [t for t in row if t.box[2] < stop]))

    def holds(box, col) -> bool:
        return sum(box[0] <= t.center[0] <= box[2] and box[1] <= t.center[1] <= box[3] for t in col) >= 3
    # A column of value labels right of bars is no axis: its 'plot area' would hold the real axis's labels.
    kept = [(b, c, r) for b, c, r in frames if not any(o is not c and holds(b, o) for _, o, _ in frames)]
    order = geo.sort_reading_order([b for b, _, _ in kept])
    return sorted(kept, key=lambda f: order.index(f[0]))


def _grid_ground(img: np.ndarray, b) -> np.ndarray | None:
    """The colour grid lines are counted against in plot box ``b``: its most common colour; None when that is not
    its rim's (the plot's own ground, still showing over a fifth of it): marks cover most of the plot, and its
    lines cannot be counted."""
    inner = img[b[1] + 3:b[3] - 3, b[0] + 3:b[2] - 3]
    mode, rim = mode_color(inner), ChartComparer._ring_color(inner)
    if float(delta_e(rgb_to_lab(mode), rgb_to_lab(rim))) > 6.0 and float((far_from(inner, rim) <= 12).mean()) >= 0.2:
        return None
    return mode


def _wordlike(t: TextBox) -> bool:
    """A line that can be a tick label of a short column: a number or two characters or more (a scatter's
    triangles and crosses are read as one letter each)."""
    text = t.text.strip()
    return len(text) > 1 or text.isdigit()


def _even_stretches(run: list[TextBox]) -> list[list[TextBox]]:
    """A run of right-aligned lines split where the spacing changes: the y labels of two plots stacked at other
    spacings, or a title whose right end lines up with them. Two stretches at one spacing joined by a gap a whole
    multiple of it stay one (a label OCR missed)."""
    if len(run) < 3:
        return [run]
    gaps = np.diff([u.center[1] for u in run])
    parts: list[list[int]] = [[0]]  # indices of the gaps of each stretch (gap k joins lines k and k + 1)
    for k in range(1, len(gaps)):
        step = float(np.mean(gaps[parts[-1]]))
        if abs(gaps[k] - step) <= 0.15 * max(gaps[k], step):
            parts[-1].append(k)
        else:
            parts.append([k])
    k = 0
    while k + 2 < len(parts):
        a, b, c = parts[k:k + 3]
        ga, gc, gb = float(np.mean(gaps[a])), float(np.mean(gaps[c])), float(gaps[b[0]])
        n = round(gb / ga)
        if len(b) == 1 and n >= 2 and abs(ga - gc) <= 0.15 * ga and abs(gb - n * ga) <= 0.15 * ga:
            parts[k:k + 3] = [a + b + c]
        else:
            k += 1
    return [run[g[0]:g[-1] + 2] for g in parts]


def _evenly_spaced(run: list[TextBox], h: float) -> bool:
    """Three lines or more, a good line height apart, at even gaps: a column of tick labels."""
    if len(run) < 3:
        return False
    gaps = np.diff([u.center[1] for u in run])
    return bool(gaps.min() > 1.2 * h and gaps.std() <= 0.15 * gaps.mean())


def _pixels_apart(rn: Normalized, n: Normalized) -> int:
    """Pixels of the work images that differ beyond the shift tolerance: how well a fit lays ``n`` on ``rn``."""
    miss, extra = geo.tolerant_diff(rn.image, n.image, radius=int(T["shift_tolerance_px"]),
                                    threshold=int(T["diff_threshold"]))
    return int(miss.sum() + extra.sum())


def _scaled_box(ref: Analysis, rn: Normalized, cand: Analysis) -> tuple[int, int, int, int] | None:
    """The reference's content box scaled to the candidate's size, in its pixels (the same layout at another
    resolution), or None when the two images have other shapes."""
    (rh, rw), (ch, cw) = ref.image.shape[:2], cand.image.shape[:2]
    if abs((cw / ch) / (rw / rh) - 1.0) > 0.01:
        return None
    sx, sy = cw / rw, ch / rh
    return (max(0, int(round(rn.box[0] * sx))), max(0, int(round(rn.box[1] * sy))),
            min(cw, int(round(rn.box[2] * sx))), min(ch, int(round(rn.box[3] * sy))))


def _column_edges(m: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The upper and lower ink row of mask ``m`` in each of the columns ``cols`` (a bool row mask), as floats."""
    n = m.shape[0]
    return np.argmax(m, axis=0)[cols].astype(float), (n - 1 - np.argmax(m[::-1], axis=0))[cols].astype(float)


def _captioned(col: list[TextBox], texts: list[TextBox], h: float) -> bool:
    """True when two thirds or more of a would-be column of y tick labels have another line of text right over or
    under them (a line apart, 60% of the narrower's width shared): the lines of annotations, each a name over its
    code (the anatomy figure), not tick labels."""
    def stacked(a: TextBox, b: TextBox) -> bool:
        shared = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
        return shared >= 0.6 * min(a.box[2] - a.box[0], b.box[2] - b.box[0]) and \
            0.5 * h <= abs(a.center[1] - b.center[1]) <= 1.5 * h
    return sum(any(o not in col and stacked(t, o) for o in texts) for t in col) >= 2 / 3 * len(col)


def _text_roles(panels, texts: list[TextBox]) -> list[tuple[int | None, str]]:
    """:func:`_text_role` of every line, with one fix that needs the others: a word below a row of x tick labels
    is the axis label, however close to the axis it sits."""
    roles = [_text_role(panels, t) for t in texts]
    for k, (t, (panel, role)) in enumerate(zip(texts, roles)):  # a number alone above a plot: an annotation
        if role == "x-axis tick labels" and panel is not None and t.center[1] < panels[panel][1]:
            h = t.box[3] - t.box[1]
            row = [o for o, (p, r) in zip(texts, roles)
                   if p == panel and r == role and abs(o.center[1] - t.center[1]) <= h]
            if len(row) < 3:
                roles[k] = (panel, "title")
    first = list(roles)
    for k, (t, (panel, role)) in enumerate(zip(texts, first)):
        if role == "y-axis label" and not t.vertical and sum(
                o is not t and p == panel and r == role and not o.vertical and abs(o.box[2] - t.box[2]) <= 4
                for o, (p, r) in zip(texts, first)) == 1:
            roles[k] = (panel, "y-axis tick labels")  # two level words right-aligned beside the plot: category names
            # down the y-axis, too few to map their moves (_texts_follow_axis asks three), read as tick labels
    for k, (t, (panel, role)) in enumerate(zip(texts, roles)):
        if role != "x-axis tick labels" or _is_number(t.text):
            continue
        h = t.box[3] - t.box[1]
        above = [o for o, (p, r) in zip(texts, roles) if o is not t and p == panel and r == "x-axis tick labels"
                 and o.box[3] <= t.box[1] + 0.3 * h]
        if above:
            roles[k] = (panel, "x-axis label")
    return roles


def _axis_labels(panels, texts: list[TextBox], roles) -> dict:
    """(panel as findings locate it, role) -> the texts of the reference's axis and right-side labels: the panel
    index with several subplots, else None (see ``_Ctx.panel_name`` and ``_location_panel``)."""
    out: dict = {}
    for t, (panel, role) in zip(texts, roles):
        if role in ("x-axis label", "y-axis label", "right-side labels"):
            out.setdefault((panel if len(panels) > 1 else None, role), []).append(t.text)
    return out


def _line_found(tpl: np.ndarray, grey: np.ndarray, at: tuple[int, int], ref: np.ndarray | None = None
                ) -> tuple[int, int] | None:
    """Where a text line's grey crop ``tpl`` (taken at ``at`` in the reference), not `_in_place`, is drawn in the
    candidate's ``grey``, searched whole, as (dx, dy): (0, 0) when it is most alike in place after all, None when
    it is found nowhere or in two places alike (a word the figure repeats). Alike as a whole and glyph by glyph
    (its worst glyph-wide window: '60' is no '90'); a place where the reference (``ref``, grey) draws the same
    glyphs holds another copy of them, not this line."""
    th, tw = tpl.shape
    x0, y0 = at
    if grey.shape[0] < th or grey.shape[1] < tw:
        return None
    res = np.nan_to_num(cv2.matchTemplate(grey, tpl, cv2.TM_CCOEFF_NORMED), nan=-1.0)
    own = y0 < res.shape[0] and x0 < res.shape[1] and res[y0, x0] >= T["text_found_ncc"]
    peaks = []  # (x, y, worst glyph window there)
    for _ in range(4):
        yy, xx = np.unravel_index(int(np.argmax(res)), res.shape)
        if own:
            yy, xx, own = y0, x0, False
        elif res[yy, xx] < T["text_found_ncc"]:
            break
        copy = ref is not None and (xx, yy) != (x0, y0) and ref.shape == grey.shape and \
            _glyphs_found(tpl, ref[yy:yy + th, xx:xx + tw], ncc=T["text_found_ncc"])
        if not copy:
            peaks.append((int(xx), int(yy), _worst_glyph_ncc(tpl, grey[yy:yy + th, xx:xx + tw])))
        res[max(0, yy - th):yy + th + 1, max(0, xx - tw // 2):xx + tw // 2 + 1] = -1
    alike = sorted((p for p in peaks if p[2] >= T["text_found_glyph"]), key=lambda p: -p[2])
    if any(p[:2] == (x0, y0) and p[2] >= alike[0][2] - 0.03 for p in alike):
        return 0, 0
    if alike and (len(alike) == 1 or alike[1][2] < alike[0][2] - 0.05):
        return alike[0][0] - x0, alike[0][1] - y0
    return None


def _in_place(tpl: np.ndarray, grey: np.ndarray, at: tuple[int, int]) -> bool:
    """True when ``grey`` still draws the text line ``tpl`` where the reference had it (at ``at``): alike as a
    whole and glyph by glyph as an unchanged line is (`text_native_glyph`)."""
    th, tw = tpl.shape
    crop = grey[at[1]:at[1] + th, at[0]:at[0] + tw]
    return _glyphs_found(tpl, crop, ncc=T["text_found_ncc"]) and _worst_glyph_ncc(tpl, crop) >= T["text_native_glyph"]


def _one_axis_map(found: list, k: int, size: int) -> tuple[float, float, float, list] | None:
    """One linear map ``new = a * old + b`` along axis ``k`` (0: x, 1: y) that moves three or more of the ``found``
    lines ((source box, dx, dy)) and shifts them alike along the other axis, found by trying every pair of moved
    lines: (a, b, that shift, [(box, (dx, dy)) on it]), or None. The moved lines on it must outnumber those left
    in place and be most of the moved ones; a shift alone (a near 1) must span a quarter of the image (``size``
    px along ``k``), unlike a legend's block."""
    along = [(bx, (dx, dy)) for bx, dx, dy in found if abs((dx, dy)[k]) >= 3]
    if len(along) < 3:
        return None
    off = float(np.median([d[1 - k] for _, d in along]))  # (the plot itself may have moved across: re-laid out)
    moved = [(bx, d) for bx, d in along if abs(d[1 - k] - off) <= 3]
    still = sum(1 for _, dx, dy in found if dx == 0 and dy == 0)
    if len(moved) < 3:
        return None
    pos = np.array([(bx[k] + bx[k + 2]) / 2 for bx, _ in moved], float)
    new = pos + np.array([d[k] for _, d in moved], float)
    tall = float(np.median([bx[k + 2] - bx[k] for bx, _ in moved]))
    tol = max(3.0, 0.3 * tall)  # (a line is placed by its anchor, not its box's centre: a taller box drifts)
    best = None
    for i in range(len(moved)):
        for j in range(i + 1, len(moved)):
            if abs(pos[i] - pos[j]) < max(10.0, tall):
                continue
            a = (new[j] - new[i]) / (pos[j] - pos[i])
            b = new[i] - a * pos[i]
            on = np.abs(a * pos + b - new) <= tol
            if best is None or on.sum() > best[2].sum():
                best = (a, b, on)
    if best is None:
        return None
    on = best[2]
    a, b = np.polyfit(pos[on], new[on], 1) if on.sum() >= 3 else best[:2]
    n = int(on.sum())
    if n < 3 or n < 0.6 * len(moved) or n <= still or abs(a) < 0.2:
        return None
    span = float(pos[on].max() - pos[on].min())
    if span < 2 * tall or (abs(a - 1) < 0.05 and span < 0.25 * size):
        return None
    return float(a), float(b), off, [m for m, o in zip(moved, on) if o]


def _sharing_panels(panels, i: int | None, axis: str, ticks: dict) -> list[int]:
    """Subplots that share panel ``i``'s ``axis`` ('x-axis' or 'y-axis'), so that a range change there moves them
    too: in its row (y) or column (x), without tick labels of their own on that axis (matplotlib's sharey/sharex
    hide them); or across it, as tall (y) or wide (x), with the same tick labels at the same places (a column of
    plots sharing y keeps every plot's labels)."""
    if i is None or not panels:
        return []
    a = panels[i]
    lo, hi = (1, 3) if axis == "y-axis" else (0, 2)
    role = f"{axis} tick labels"

    def spots(j: int) -> list[tuple[str, int]]:  # each label's text and place along the axis, from the plot's start,
        # on the axis's own side (left of the plot, below it: a colour bar's labels on the right are no part of it)
        k, edge = (1, panels[j][0]) if axis == "y-axis" else (0, panels[j][3])
        sides = _tick_sides(list(ticks.get((j, role), ())), k)
        own = min(sides, key=lambda side: abs(np.mean([t.center[1 - k] for t in side]) - edge), default=[])
        return sorted((t.text, round(t.center[k] - panels[j][lo])) for t in own)
    mine = spots(i)
    out = []
    for j, b in enumerate(panels):
        if j == i:
            continue
        overlap = min(a[hi], b[hi]) - max(a[lo], b[lo])
        if overlap > 0.5 * (a[hi] - a[lo]) and (j, role) not in ticks:
            out.append(j)
        elif (j, role) in ticks and len(mine) >= 2 and abs((b[hi] - b[lo]) - (a[hi] - a[lo])) <= 2:
            theirs = spots(j)
            if len(theirs) == len(mine) and all(p == q and abs(m - n) <= 2 for (p, m), (q, n) in zip(mine, theirs)):
                out.append(j)
    return out


def _ink_spans(has_ink: np.ndarray, *, gap: int) -> list[tuple[int, int]]:
    """``(start, end)`` runs of True in a 1-D array, runs closer than ``gap`` joined."""
    spans: list[list[int]] = []
    for i in np.flatnonzero(has_ink):
        if spans and i - spans[-1][1] < gap:
            spans[-1][1] = i + 1
        else:
            spans.append([int(i), int(i) + 1])
    return [(a, b) for a, b in spans]


def _at(mask: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``mask`` (2-D) at ``(N, 2)`` x, y points (blob centroids, points along a segment), rounded and clipped."""
    ys = np.clip(np.round(points[:, 1]).astype(int), 0, mask.shape[0] - 1)
    xs = np.clip(np.round(points[:, 0]).astype(int), 0, mask.shape[1] - 1)
    return mask[ys, xs]


def _own_markers(path: np.ndarray, thickness: float) -> np.ndarray:
    """Where a line of ``thickness`` px (bool mask ``path``) has markers of its own: what survives an erosion by
    half its width, grown by 3 px."""
    return geo.dilate(geo.erode(path, max(1, int(np.ceil(thickness / 2)))), 3)


def _tick_sides(ticks: list[TextBox], k: int) -> list[list[TextBox]]:
    """One axis's tick labels (``k``: 1 for a y-axis, 0 for an x-axis) split into the rows they stand in across
    the axis: left and right of a plot (a twin axis), below and above it. A gap of three label heights across
    the axis parts two rows; one row's labels differ across it by their widths at most."""
    if not ticks:
        return []
    h = float(np.median([t.box[3] - t.box[1] for t in ticks]))
    order = sorted(ticks, key=lambda t: t.center[1 - k])
    sides = [[order[0]]]
    for t in order[1:]:
        if t.center[1 - k] - sides[-1][-1].center[1 - k] > 3 * max(h, 4.0):
            sides.append([])
        sides[-1].append(t)
    return sides


def _plot_after(ctx: "_Ctx", ticks: list[TextBox], k: int, panel: int | None) -> bool:
    """True when the plot lies after one row of tick labels across their axis (``k``: 1 for a y-axis): right
    of a y-axis's labels, below an x-axis's (the middle of the labels' panel, else of the figure)."""
    p = ctx.panels[panel] if ctx.panels and panel is not None else (0, 0, ctx.missing.shape[1], ctx.missing.shape[0])
    middle = (p[0] + p[2]) / 2 if k == 1 else (p[1] + p[3]) / 2
    return float(np.mean([t.center[1 - k] for t in ticks])) < middle


def _labels_only(crop: np.ndarray, k: int, plot_after: bool) -> tuple[np.ndarray, np.ndarray]:
    """A band of tick labels (``k``: 1 for a y-axis's column, 0 for an x-axis's row) with what is no label
    painted over in its background colour, and its ink mask without it: lines that run the band's whole length
    (a spine beside the labels, a neighbouring plot's or the axis's own, joins every label and is read as a '1'
    or a '|' before each) and tick marks on the plot's side (``plot_after``: right of a y-axis's labels, below
    an x-axis's): strokes 1-2 px thick beside most labels, a few blank px from the glyphs, read as a dash after
    each number."""
    if k == 0:  # an x-axis's row, turned to stand like a y-axis's column
        crop2, ink2 = _labels_only(crop.transpose(1, 0, 2), 1, plot_after)
        return crop2.transpose(1, 0, 2), ink2.T
    ink = far_from(crop, crop[0, 0]) > 60
    cut = ink.mean(axis=0) > 0.6
    ink[:, cut] = False
    labels = geo.runs(ink.any(axis=1))
    votes = np.zeros(ink.shape[1], np.int32)
    for p, q in labels:  # each label alone: a glyph of the other axis at the band's end does not bridge the gap
        spans = _ink_spans(ink[p:q].any(axis=0), gap=3)
        if len(spans) >= 2:
            a, b = spans[-1] if plot_after else spans[0]
            if max(y1 - y0 for y0, y1 in geo.runs(ink[p:q, a:b].any(axis=1))) <= 2:
                votes[a:b] += 1
    cut |= votes >= max(2, 0.6 * len(labels))
    if not cut.any():
        return crop, ink
    crop = crop.copy()
    ink[:, cut] = False
    crop[:, cut] = crop[0, 0]
    return crop, ink


def _mark_kind(data: np.ndarray) -> str | None:
    """What most of a panel's data ink (bool mask) is: 'vbars' / 'hbars' (filled upright or lying rectangles),
    'filled' (other filled shapes), 'lines' (long thin strokes) or 'points' (many small separate blobs); None when
    no kind holds 70% of the ink."""
    import cv2

    total = int(data.sum())
    m = data.astype(np.uint8)
    if _round_dots(m, total):
        return "points"
    dist = cv2.distanceTransform(np.pad(m, 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    thick = geo.dilate(dist >= 5.0, 5) & data  # strokes at least 10 px wide (not a thick line), grown back
    rest = data & ~thick
    st = cv2.connectedComponentsWithStats(rest.astype(np.uint8), connectivity=8)[2][1:]
    sw, sh, sa = st[:, cv2.CC_STAT_WIDTH], st[:, cv2.CC_STAT_HEIGHT], st[:, cv2.CC_STAT_AREA]
    # (small and no dash: a dash of a dashed line is twice as long as wide, or fills little of its box when
    # slanted; markers overlapping in pairs are neither)
    dash = (np.maximum(sw, sh) >= 2 * np.minimum(sw, sh)) | ((np.maximum(sw, sh) >= 6) & (sa < 0.55 * sw * sh))
    small = (sa <= 150) & (np.maximum(sw, sh) <= 16) & ~dash
    dots = int(sa[small].sum())
    thin = int(rest.sum())
    if thick.sum() >= 0.7 * total:
        _, labels, tst, _ = cv2.connectedComponentsWithStats(thick.astype(np.uint8), connectivity=8)
        ids = 1 + np.flatnonzero(tst[1:, cv2.CC_STAT_AREA] >= 50)  # (label 0 is the background)
        if len(ids):  # (a legend's swatch beside the bars is no bar: tiny against the largest)
            ids = ids[tst[ids, cv2.CC_STAT_AREA] >= 0.04 * tst[ids, cv2.CC_STAT_AREA].max()]
        blobs = tst[ids]
        if len(blobs) >= 3:
            w, h, a = blobs[:, cv2.CC_STAT_WIDTH], blobs[:, cv2.CC_STAT_HEIGHT], blobs[:, cv2.CC_STAT_AREA]
            rect = (a >= 0.85 * w * h) | np.array([_notched(labels, k, s) for k, s in zip(ids, blobs)], bool)
            if rect.mean() >= 0.8:
                upright = a[rect & (h > 1.5 * w)].sum() / a[rect].sum()
                lying = a[rect & (w > 1.5 * h)].sum() / a[rect].sum()
                if upright >= 0.8:
                    return "vbars"
                if lying >= 0.8:
                    return "hbars"
                # Bars as wide as tall: told by the edge they share (their baseline) and the axis they line up on.
                x, y = blobs[rect, cv2.CC_STAT_LEFT], blobs[rect, cv2.CC_STAT_TOP]
                x1, y1 = x + w[rect], y + h[rect]
                if len(x) >= 3:
                    def side_by_side(lo, hi):  # no two overlap along this axis
                        o = np.argsort(lo)
                        return bool((lo[o][1:] >= hi[o][:-1] - 1).all())
                    if (np.ptp(y1) <= 2 or np.ptp(y) <= 2) and side_by_side(x, x1):
                        return "vbars"
                    if (np.ptp(x) <= 2 or np.ptp(x1) <= 2) and side_by_side(y, y1):
                        return "hbars"
        # Areas and wedges are few large shapes; thick text or a stamp drawn over the plot is not.
        st2 = tst[1:]
        compact = st2[:, cv2.CC_STAT_AREA] >= 0.3 * st2[:, cv2.CC_STAT_WIDTH] * st2[:, cv2.CC_STAT_HEIGHT]  # no thick line
        big = st2[(st2[:, cv2.CC_STAT_AREA] >= 0.05 * data.size) & compact]
        return "filled" if len(big) and big[:, cv2.CC_STAT_AREA].sum() >= 0.7 * thick.sum() else None
    if thick.any() and geo.stroke_thickness(rest) <= 4.5:  # markers on a line (round, up to 24 px, thin strokes
        # running out of them) are part of it: a line with markers is drawn thin (lone scatter markers have no
        # strokes about them, and the heaps they make are lumps 5-6 px across)
        mst = cv2.connectedComponentsWithStats(thick.astype(np.uint8), connectivity=8)[2][1:]
        for x, y, w, h, a in mst:
            if max(w, h) <= 24 and max(w, h) <= 1.5 * min(w, h) and \
                    rest[max(0, y - 3):y + h + 3, max(0, x - 3):x + w + 3].any():
                thin += int(a)
    if thin >= 0.7 * total:
        # Dense points overlap into clusters: a larger part that fills a good share of its box (a stroke leaves
        # most of it bare) and is small against the panel counts with the points when they hold most ink alone.
        clusters = ~small & (sa >= 0.3 * sw * sh) & (sw * sh <= 0.1 * data.size)
        heaped = int(sa[clusters].sum()) if dots >= 0.5 * thin and int(small.sum()) >= 20 else 0
        if dots + heaped >= 0.7 * thin and int(small.sum()) >= 8:
            return "points"
        if dots <= 0.2 * thin:
            return "lines"
    return None


def _notched(labels: np.ndarray, k: int, stat: np.ndarray) -> bool:
    """True when part ``k`` of a label image (its ``stat`` row from connectedComponentsWithStats) is a rectangle
    with a square bite out of one side, as a legend box drawn over a bar cuts it: the box's pixels outside the
    part fill one block at its edge, and the part still fills 60% of its box."""
    x, y, w, h, a = (int(v) for v in stat[:5])
    if not 0.6 * w * h <= a < 0.85 * w * h:
        return False
    rest = geo.erode(labels[y:y + h, x:x + w] != k, 3)  # (not the corners that growing the part back rounds)
    box = geo.box_of(rest)
    if box is None:
        return False
    gx0, gy0, gx1, gy1 = box
    return (gx0 <= 4 or gx1 >= w - 4 or gy0 <= 4 or gy1 >= h - 4) and rest[gy0:gy1, gx0:gx1].mean() >= 0.8


def _round_dots(m: np.ndarray, total: int) -> bool:
    """Most of the ink (uint8 mask) in scatter markers too large for :func:`_mark_kind`'s small blobs: eight or
    more round parts (discs, triangles: filling 40-85% of a box no more than 1.5 times as long as wide, up to 30
    px; a bar's rectangle fills it whole), with the heaps that overlapping markers make (as in
    :func:`_mark_kind`) when the lone ones hold half the ink."""
    st = cv2.connectedComponentsWithStats(m, connectivity=8)[2][1:]
    w, h, a = st[:, cv2.CC_STAT_WIDTH], st[:, cv2.CC_STAT_HEIGHT], st[:, cv2.CC_STAT_AREA]
    round_ = (a >= 12) & (np.maximum(w, h) <= 30) & (np.maximum(w, h) <= 1.5 * np.minimum(w, h)) & \
        (a >= 0.4 * w * h) & (a <= 0.85 * w * h)
    if round_.sum() < 8 or a[round_].sum() < 0.5 * total:
        return False
    heaps = ~round_ & (a >= 0.3 * w * h) & (w * h <= 0.1 * m.size)
    return int(a[round_].sum() + a[heaps].sum()) >= 0.7 * total


def _slim_bars(data: np.ndarray) -> str | None:
    """'vbars' / 'hbars' when most of the ink (bool mask) is three or more solid rectangles, 3 px wide or more and
    at least twice as long, standing on one baseline (80% of their ink: a bar cut by a legend ends elsewhere):
    bars too narrow for :func:`_mark_kind`'s filled strokes."""
    st = geo.blobs(data, min_area=20)[0]
    if len(st) < 3:
        return None
    x, y, w, h, a = st[:, 0], st[:, 1], st[:, 2], st[:, 3], st[:, 4]
    solid = a >= 0.85 * w * h

    def one_base(ends: np.ndarray, area: np.ndarray) -> bool:
        return any(area[np.abs(ends - e) <= 2].sum() >= 0.8 * area.sum() for e in ends)
    for kind, across, along, lo, hi in (("vbars", w, h, y, y + h), ("hbars", h, w, x, x + w)):
        bar = solid & (across >= 3) & (along >= 2 * across)
        if bar.sum() >= 3 and a[bar].sum() >= 0.8 * a.sum() and (one_base(lo[bar], a[bar]) or
                                                                  one_base(hi[bar], a[bar])):
            return kind
    return None


def _number(text: str) -> float | None:
    """The value of a tick label ('1.0', '−0.5', '1,000', '25%'), or None."""
    t = normalize_text(text).replace("−", "-").replace("–", "-").replace(",", "")
    t = t.rstrip(" -_|+").rstrip("%").strip()  # a tick mark read with its label
    try:
        return float(t)
    except ValueError:
        return None


def _trend(values: list[float]) -> float:
    """(rises - falls) / steps of a sequence: +1 when every step rises, -1 when every step falls."""
    steps = list(zip(values, values[1:]))
    return (sum(b > a for a, b in steps) - sum(b < a for a, b in steps)) / max(len(steps), 1)


def _direction(pairs: list[tuple[float, float]]) -> int:
    """+1 when the values of ``(position, value)`` pairs (three or more) rise with the position, -1 when they
    fall, 0 otherwise."""
    trend = _trend([v for _, v in sorted(pairs)]) if len(pairs) >= 3 else 0.0
    return int(trend) if abs(trend) == 1.0 else 0


def _rank_direction(pairs: list[tuple[float, float]]) -> int:
    """``_direction`` of a reference's readings, where a label or two misread (a minus sign read from a spine
    beside it) must not hide the axis's sense: the sign of the values' rank correlation with their positions,
    when it is 0.7 or more in size (four pairs or more)."""
    if len(pairs) < 4:
        return _direction(pairs)
    pos, val = (np.argsort(np.argsort(np.asarray(v, np.float64), kind="stable")).astype(np.float64)
                for v in zip(*pairs))
    if pos.std() == 0 or val.std() == 0:
        return 0
    rho = float(np.corrcoef(pos, val)[0, 1])
    return int(np.sign(rho)) if abs(rho) >= 0.7 else 0


def _profile_corr(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two marks' courses: the mean row of each mask's ink in the columns both draw
    (20 at least, else 0.0). A series scaled or shifted keeps it near 1; values reversed or shuffled do not."""
    both = a.any(axis=0) & b.any(axis=0)
    if both.sum() < 20:
        return 0.0
    rows = np.arange(a.shape[0], dtype=np.float64)[:, None]
    ya = (a[:, both] * rows).sum(axis=0) / a[:, both].sum(axis=0)
    yb = (b[:, both] * rows).sum(axis=0) / b[:, both].sum(axis=0)
    if ya.std() < 1e-6 or yb.std() < 1e-6:
        return 0.0
    return float(np.corrcoef(ya, yb)[0, 1])

def _spines_gone(ctx: _Ctx, box, others=()) -> bool:
    """True when the sides of plot area ``box`` that the reference draws as spines (inked along 60% of their
    length, 1 px either way) are bare in the candidate (inked along 30% at most): the plot itself is gone. A side
    that another plot area of ``others`` shares (plots stacked edge to edge) stays drawn with that plot."""
    h, w = ctx.missing.shape
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    if not (0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h):
        return False

    def cover(ink: np.ndarray) -> list[float]:  # share of each side (top, bottom, left, right) inked
        return [ink[max(0, y0 - 1):y0 + 2, x0:x1].any(axis=0).mean(), ink[y1 - 2:y1 + 1, x0:x1].any(axis=0).mean(),
                ink[y0:y1, max(0, x0 - 1):x0 + 2].any(axis=1).mean(), ink[y0:y1, x1 - 2:x1 + 1].any(axis=1).mean()]
    ref, cand = cover(ctx.ink("r")), cover(ctx.ink("c"))

    def along(o, a: int, b: int, lo: int, hi: int) -> bool:  # o spans over half of [lo, hi] on its axis (a, b)
        return min(o[b], hi) - max(o[a], lo) > 0.5 * (hi - lo)
    shared = [any(abs(o[3] - y0) <= 3 and along(o, 0, 2, x0, x1) for o in others),  # top: a plot above ends here
              any(abs(o[1] - y1) <= 3 and along(o, 0, 2, x0, x1) for o in others),
              any(abs(o[2] - x0) <= 3 and along(o, 1, 3, y0, y1) for o in others),
              any(abs(o[0] - x1) <= 3 and along(o, 1, 3, y0, y1) for o in others)]
    drawn = [k for k in range(4) if ref[k] >= 0.6 and not shared[k]]
    return bool(drawn) and all(cand[k] <= 0.3 for k in drawn)

def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _is_number(text: str) -> bool:
    return bool(_NUMERIC.match(text)) and any(c.isdigit() for c in text)


def _mark_like(text: str) -> bool:
    """Two characters at most, or only round ones: in a plot area, marks read as glyphs (a box plot's circles read
    as 'o', '000', '8') or a label set at a point, both placed in data units."""
    bare = _bare(text)
    return len(bare) <= 2 or set(bare) <= set("o08c")


_ANNOTATION = re.compile(r"^[A-Za-z]{2,8}\s*[:=]?\s*-?\d[\d.,]*$")  # a worded value: 'peak 263', 'max 4,869'


def _values_quoted(quoted: list[str]) -> bool:
    """True when lines a text finding quotes are all numbers or worded values ('max 4.40'), or such a value read in
    pieces (words of 2-8 letters beside a number)."""
    valued = [bool(_is_number(q) or _ANNOTATION.match(q)) for q in quoted]
    return any(valued) and all(v or re.fullmatch(r"[A-Za-z]{2,8}:?", q) for v, q in zip(valued, quoted))


def _word_changed(e: Discrepancy) -> bool:
    """True when a finding says a line reads otherwise with the same number in it: the words of a worded value
    changed ('low 56.1' for 'high 56.1'), not the value."""
    read = _reading(e)
    return read is not None and _digits(read[0]) == _digits(read[1]) != "" and _bare(read[0]) != _bare(read[1])


def _legend_words(text: str) -> bool:
    """A line that reads as a legend entry's words: no marks read as letters, no value or worded value (a label
    placed in data units)."""
    return not _mark_like(text) and not _value_like(text) and not _ANNOTATION.match(text.strip()) and \
        sum(c.isalpha() for c in text) >= 3


def _value_like(text: str) -> bool:
    """A number, or a value with a suffix or unit of two letters at most ('60th', '12 kg'); a worded annotation
    ('max 56.1') is not."""
    letters, digits = sum(c.isalpha() for c in text), sum(c.isdigit() for c in text)
    return _is_number(text) or (0 < letters <= 2 and digits >= letters)


def _axes_traded(e: Discrepancy) -> bool:
    """A chart-type finding with horizontal bars on one side only: the categories went to the other axis."""
    return e.category == "structure_error" and e.description.startswith("The data is drawn as ") and \
        e.description.count("horizontal bars") == 1


def _bars_turned(lying: bool, was_lying: bool) -> str:
    """The chart-type finding's sentence for bars turned the other way."""
    names = ("vertical bars", "horizontal bars")
    return f"The data is drawn as {names[lying]} instead of {names[was_lying]}."


_PIE_RETYPED = "The pie is drawn as another kind of chart (bars, lines or points) instead of a pie."
_LEGEND_MOVED = "The legend is drawn in another place than in the reference."
_SERIES_GONE = "series of the reference is missing."  # (how a series-missing finding ends)
_AS_POINTS, _AS_LINE = "separate points (a scatter plot)", "a connected line"  # (a line or points drawn as the other)
_LINE_LOOK = re.compile(r"drawn with a (thicker|thinner) stroke|dash pattern|drawn (dashed or dotted|solid) where|"
                        r"shows markers|other markers")  # (a line style or markers finding of one series)
_RECOLOURED = re.compile(r"(Part of )?[Tt]he .+ series is drawn in ")  # (a series_color finding of one series)
_EXTRA_TEXT = "The chart shows text '"  # (how a new-text finding begins)
_AXIS_CHANGE = re.compile(r"The [xy]-axis (tick values differ|is inverted|range)")  # (range and scale findings)
_SLANTED = "The x tick labels are drawn at a slant"  # (how a tick-rotation finding begins)
_REMAPPED = "The image is drawn with another colour map than the reference."
_LOOKALIKE = str.maketrans("01|5", "olls")  # digits OCR reads for letters in words (after _bare's lower case)


def _pie_description(change: "pies.PieChange") -> str:
    parts = [f"the {color_name(a.rgb)} slice is {b.share:.0f}% of the pie instead of {a.share:.0f}%"
             for a, b in sorted(change.resized, key=lambda ab: -abs(ab[0].extent - ab[1].extent))[:3]]
    parts += [f"the {color_name(s.rgb)} slice ({s.share:.0f}%) is missing" for s in change.missing[:2]]
    parts += [f"a {color_name(s.rgb)} slice ({s.share:.0f}%) is not in the reference" for s in change.extra[:2]]
    return "The pie's slices differ from the reference: " + ", ".join(parts) + "."


_PIE_TRADED = "The pie and the chart beside it are drawn in each other's places."
_PIE_MOVED = "The pie is drawn in another place than in the reference."
_PIE_MIRRORED = "The pie's slices run the other way round than in the reference (the pie is drawn mirrored)."


def _pulled_description(pulled) -> str:
    out = [color_name(b.rgb) for a, b in pulled if b.pulled > a.pulled]
    back = [color_name(b.rgb) for a, b in pulled if b.pulled <= a.pulled]
    parts = ([f"the {' and '.join(out)} slice{'s are' if len(out) > 1 else ' is'} pulled out of the pie"] if out else [])
    parts += [f"the {' and '.join(back)} slice{'s are' if len(back) > 1 else ' is'} no longer pulled out"] if back else []
    return "The pie is drawn otherwise exploded than in the reference: " + ", ".join(parts) + "."


_CAUSE_ORDER = ("structure_error", "data_error", "style_error", "text_error")


def _plot_cell(ink: np.ndarray, frames: list, k: int) -> tuple[int, int, int, int]:
    """The cell of plot area ``frames[k]`` in ``ink``: the plot with its titles and labels, as far as the blank line
    between it and each neighbour (over a plot below, the blank run over that plot's title; beside one, the
    first blank run of the gap half as wide as its widest), or the image's edge; over a plot with none above, only as far as its own title
    (a suptitle over the figure stays)."""
    H, W = ink.shape
    p = frames[k]

    def widest_blank(lo: int, hi: int, prof: np.ndarray, first: bool = False) -> int:
        # (``first``: the leftmost run half as wide as the widest, or more: a plot's y label and tick labels,
        # a pad apart, stand right of the gap and go with it)
        if hi - lo < 2:
            return (lo + hi) // 2
        runs = geo.runs(prof == 0)
        if not runs:
            return lo + int(np.argmin(prof))
        widest = max(e - s for s, e in runs)
        s, e = next(r for r in runs if r[1] - r[0] >= 0.5 * widest) if first else \
            max(runs, key=lambda r: r[1] - r[0])
        return lo + (s + e) // 2

    def title_cut(lo: int, hi: int, span: tuple[int, int]) -> int:
        # Between two stacked plots the lower one's title sits just over it: the cut is the blank run over the
        # first band of ink above the lower plot (the upper plot's tick labels and axis label stay with it).
        rows = ink[lo:hi, span[0]:span[1]].any(axis=1)
        y, band = hi - lo - 4, None  # (the frame's own edge blurs a px or two past it)
        while y >= 0 and not rows[y]:
            y -= 1
        foot = y  # the band's lowest row: nearer the upper plot than the lower one, it is the upper plot's tick
        # labels (the lower plot has no title), and the cut is the blank run under it
        top = y
        while top >= 0 and rows[top]:
            top -= 1
        if y >= 0 and top + 1 - 4 < (hi - lo) - 1 - foot:
            return lo + (foot + 1 + hi - lo) // 2
        while y >= 0:
            if rows[y]:
                band = y
            elif band is not None and band - y > 2:  # (a blank row or two inside a title's glyphs)
                top = y
                while y >= 0 and not rows[y]:
                    y -= 1
                return lo + (y + 1 + top + 1) // 2 if y >= 0 else lo + top
            y -= 1
        return widest_blank(lo, hi, ink[lo:hi, span[0]:span[1]].sum(1))

    x0, y0, x1, y1 = 0, None, W, H
    for q in frames:
        if q is p:
            continue
        sy, sx = (max(p[1], q[1]), min(p[3], q[3])), (max(p[0], q[0]), min(p[2], q[2]))
        if sy[1] > sy[0] and q[2] <= p[0]:
            x0 = max(x0, widest_blank(q[2], p[0], ink[sy[0]:sy[1], q[2]:p[0]].sum(0), first=True))
        if sy[1] > sy[0] and q[0] >= p[2]:
            x1 = min(x1, widest_blank(p[2], q[0], ink[sy[0]:sy[1], p[2]:q[0]].sum(0), first=True))
        if sx[1] > sx[0] and q[3] <= p[1]:
            y0 = max(y0 or 0, title_cut(q[3], p[1], sx))
        if sx[1] > sx[0] and q[1] >= p[3]:
            y1 = min(y1, title_cut(p[3], q[1], sx))
    if y0 is None:
        beside = [q for q in frames if q is not p and min(p[3], q[3]) > max(p[1], q[1])]
        y0 = p[1] - min((_own_top(ink, p, q, (x0, x1)) for q in beside), default=_own_top(ink, p, None, (x0, x1)))
    return x0, y0, x1, y1


def _own_top(ink: np.ndarray, p, other, span: tuple[int, int]) -> int:
    """How far above plot area ``p`` its own title reaches: past the blank rows over it and one band of ink
    over its width, to the middle of the blank rows above that band (ink anywhere over ``span``, the cell's
    columns, ends them); not into a band that also crosses the gap between ``p`` and the plot ``other`` beside
    it (a suptitle over both)."""
    lo, hi = (0, 0) if other is None else (p[2] + 3, other[0] - 3) if other[0] >= p[2] else \
        (other[2] + 3, p[0] - 3)  # (frames' own edges blur past them)
    inked = ink[:p[1], p[0]:p[2]].any(axis=1)
    wide = ink[:p[1], span[0]:span[1]].any(axis=1)
    gap = ink[:p[1], lo:hi].any(axis=1) if hi > lo else np.zeros(p[1], bool)
    y, phase, band_top = p[1] - 3, 0, p[1]
    while y >= 0:
        if phase == 0 and inked[y]:
            if gap[y]:
                return p[1] - y - 1
            phase, band_top = 1, y
        elif phase == 1:
            if gap[y]:
                return p[1] - band_top
            if not inked[y]:
                phase, band_top = 2, y
        elif phase == 2 and wide[y]:
            return p[1] - (y + band_top) // 2 - 1
        y -= 1
    return p[1]


def _colour_bar_recoloured(ctx: _Ctx, p: int) -> bool:
    """True when plot area ``p`` has a colour bar right of it (a strip as tall as half the plot or more, 6 px wide
    or more, whose colour runs through many hues or shades top to bottom) that the candidate draws in the same
    place in other colours, while the plot's ink is still drawn where it was (the marks kept their places)."""
    x0, y0, x1, y1 = ctx.panels[p]
    w = ctx.missing.shape[1]
    beside = [q[0] for q in ctx.panels if q[0] > x1 and min(q[3], y1) > max(q[1], y0)]  # (another plot's bars
    zone = (min(w, x1 + 4), y0, min(w, x1 + 80, *beside), y1)                          # are no colour bar)
    if zone[2] - zone[0] < 8:
        return False
    rl, cl = ctx.lab("r")[zone[1]:zone[3], zone[0]:zone[2]], ctx.lab("c")[zone[1]:zone[3], zone[0]:zone[2]]
    strong = chroma(rl) >= 20.0  # (the bar's colours; its labels and frame are grey)
    a, b = max(geo.runs(strong.mean(axis=0) >= 0.5), key=lambda r: r[1] - r[0], default=(0, 0))
    if b - a < 6:
        return False
    strip_r, strip_c = rl[:, a:b].mean(axis=1), cl[:, a:b].mean(axis=1)
    rows = strong[:, a:b].mean(axis=1) >= 0.5
    if rows.sum() < 0.5 * (y1 - y0) or float(np.ptp(strip_r[rows], axis=0).max()) < 30.0 or \
            float(np.ptp(strip_c[rows], axis=0).max()) < 30.0 or \
            (chroma(cl[:, a:b]) >= 20.0)[rows].mean() < 0.8 * strong[:, a:b][rows].mean():
        return False  # (one flat colour is a mark, not a gradient; the candidate draws one there too)
    if float(np.median(delta_e(strip_r[rows], strip_c[rows]))) < 15.0:
        return False
    ri, ci = ctx.ink("r")[y0 + 3:y1 - 3, x0 + 3:x1 - 3], ctx.ink("c")[y0 + 3:y1 - 3, x0 + 3:x1 - 3]
    return bool((ri & geo.dilate(ci, 2)).sum() >= 0.85 * ri.sum())  # (a grid drawn anew adds ink, moves none)


def _consolidated(ctx: _Ctx) -> list[Discrepancy]:
    """The findings with consequences removed: value labels and annotations that moved or changed with their data
    in a subplot whose data or axis change is already reported, other plot-area text gone from a subplot whose
    axis changed (placed in data units, it left the new range), and more than ``max_same_findings`` findings of one
    kind in one place (each more adds nothing a reader or the reward needs). One cause is said once: a twinned plot
    removed (its series, labels and ticks), two lines read as each other's (labels or subplots traded), a line read
    cut at its ends (set larger), two or more series recoloured (another palette)."""
    changed = {i for i in ctx.axis_changed}
    for e in ctx.errors:
        if e.category == "data_error" or e.category == "structure_error":
            changed.add(_location_panel(e.location))
    drop = {id(e) for e, panel in ctx.follows_data
            if panel in changed or (len(ctx.panels) <= 1 and changed)}
    def axis_went(panel) -> bool:  # (one plot's findings name no subplot)
        return panel in ctx.axis_changed or (len(ctx.panels) <= 1 and bool(ctx.axis_changed))
    drop |= {id(e) for e, panel in ctx.follows_axis if axis_went(panel)}
    # A worded value ('peak 263', 'max 4,869') marks a point in data units, wherever its line was read (near the
    # title or an axis), and numbers read as loose text (no plot area found to make them tick labels: a frameless
    # plot) are its tick labels: they went or moved with the axis.
    def loose(e: Discrepancy) -> bool:
        return e.location.endswith("text") and "plot area" not in e.location
    drop |= {id(e) for e in ctx.errors if e.category == "text_error" and axis_went(_location_panel(e.location))
             and (quoted := _reference_texts(e))
             and all(_ANNOTATION.match(q.strip()) or (loose(e) and _is_number(q.strip())) for q in quoted)}
    # Numbers in a plot whose values changed (or whose bars were stacked or grouped anew) are its value labels,
    # or a worded value read in pieces ('max', '4.40'): moved, read otherwise or gone with their bars.
    valued = {_location_panel(e.location) for e in ctx.errors
              if e.category in ("data_error", "structure_error") and e.location.endswith("plot area")}
    # (A worded value is one wherever it was read: set right of the plot, it reads as a right-side label.)
    drop |= {id(e) for e in ctx.errors if e.category == "text_error" and valued and
             (_location_panel(e.location) in valued or len(ctx.panels) <= 1) and
             (quoted := _reference_texts(e)) and _values_quoted([q.strip() for q in quoted]) and
             ("plot area" in e.location or e.location.endswith("legend") or
              all(_ANNOTATION.match(q.strip()) for q in quoted)) and
             not _word_changed(e)}
    # A plot whose axis changed and that the figure laid out at another size (an equal aspect follows the new
    # range; alone in the figure, the content box changes shape with it and the work frame stretches it back):
    # its marks are no longer where they were, so what the series check says of them follows the axis.
    (rx, ry), (cx, cy) = ctx.rn.frame.scale, ctx.cn.frame.scale
    relaid = len(ctx.panels) == 1 and abs((cx / cy) / (rx / ry) - 1.0) > 0.1
    for p in ctx.axis_changed:
        if p is None or p >= len(ctx.panels) or not ctx.cand_frames or not any(
                box_iou(ctx.panels[p], c) >= 0.3 for c in ctx.cand_frames) or (
                not relaid and any(_same_frame(ctx.panels[p], c) for c in ctx.cand_frames)):
            continue  # (in place, or gone: the layout's finding)
        drop |= {id(e) for e in ctx.errors if e.category == "data_error" and e.location.endswith("plot area") and
                 (_location_panel(e.location) == p or len(ctx.panels) <= 1)}
    # Tick labels set at a slant grow down and push the x-axis label below them, off the figure's edge or along:
    # it is gone or moved, or its place shows a tick label now, because of the slant.
    slanted = {_location_panel(e.location) for e in ctx.errors if e.description.startswith(_SLANTED)}
    for e in ctx.errors:
        if e.category == "text_error" and e.location.endswith("x-axis label") and \
                _location_panel(e.location) in slanted:
            read = _reading(e)
            if e.description.endswith("is missing.") or "drawn in another place" in e.description or (
                    read and _is_number(read[0])):
                drop.add(id(e))
    # Marks drawn as another kind bring their axes: bars turned horizontal trade the axes (and their labels),
    # lines instead of bars leave zero out of the range. The tick values that changed with them, and an axis
    # label that reads the other axis's, follow from the chart-type finding.
    typed = {_location_panel(e.location) for e in ctx.errors
             if e.category == "structure_error" and e.location.endswith("plot area")}
    # A pie drawn as another chart is said once: marks in its place drawn as another kind are that change.
    retyped = [e.bbox for e in ctx.errors if e.description == _PIE_RETYPED and e.bbox]
    drop |= {id(e) for e in ctx.errors if e.category == "structure_error" and e.location.endswith("plot area") and
             e.bbox and any(geo.box_overlap(e.bbox, b) > 0 for b in retyped)}
    if typed:
        drop |= {id(e) for e in ctx.errors if e.category == "data_error" and _location_panel(e.location) in typed
                 and e.location.endswith(("tick labels", "x-axis", "y-axis"))}
        for e in ctx.errors:
            panel, role = _location_panel(e.location), e.location.split(", ")[-1]
            if panel not in typed or e.category != "text_error":
                continue
            read = re.match(r"The [xy]-axis label reads '(.*)' instead of", e.description)
            if read and role in ("x-axis label", "y-axis label"):  # (the other axis's label, maybe read as a
                # right-side label of the subplot beside it)
                if any(text_similarity(read.group(1), u) >= T["text_same"] for key, texts in ctx.axis_labels.items()
                       if key != (panel, role) for u in texts):
                    drop.add(id(e))
            # Category names beside the axis (a column of them, read as labels) move to the other axis, and
            # value labels move with their marks.
            if role in ("x-axis label", "y-axis label", "right-side labels") and \
                    len(ctx.axis_labels.get((panel, role), [])) >= 2:
                drop.add(id(e))
            quoted = _quoted(e.description)
            if role.startswith("plot area") and quoted and _value_like(quoted[-1]):
                drop.add(id(e))
            if role in ("legend", "text", "figure", "title") and quoted and all(_value_like(q) for q in quoted):
                drop.add(id(e))  # value labels of the old marks (read as a legend's lines, or with no frame found,
                # or above the plot, level with the title)
            if role.endswith("tick labels") and e.description.startswith(_SLANTED):
                drop.add(id(e))  # category names moved along their axis with the new kind's margins, not turned
            if role.endswith("tick labels") and quoted and (
                    e.description.endswith(" missing.") or sum(c.isalnum() for c in quoted[0]) <= 2):
                drop.add(id(e))  # category names moved along their axis with the new kind's margins
            read = _reading(e)
            if role.endswith(("tick labels", "text")) and (
                    "drawn in another place" in e.description or
                    (read and len(_bare(read[0])) >= 3 and _bare(read[0]) in _bare(read[1]) and
                     _bare(read[0]) != _bare(read[1]))):
                drop.add(id(e))  # ... found elsewhere, or read cut off where the slanted name used to end
            if role.startswith(("plot area", "legend")) and quoted and \
                    all(len(_bare(q)) <= 2 for q in _reference_texts(e)):
                drop.add(id(e))  # marks of the old kind read as letters ('A' for a diamond, 'X', '+')
    # A series removed or added: the autoscaled value axis follows it, and its legend entry went or came with the
    # others shifting a line.
    for p in ctx.series_counted:
        here = [e for e in ctx.errors if _location_panel(e.location) == p]
        drop |= {id(e) for e in here if e.category == "data_error" and e.location.endswith("tick labels")
                 and "range or scale is different" in e.description}
        blocks = [ctx.cand_box(b) for b in _legend_blocks(ctx, p)]
        entries = [e for e in here if e.category == "text_error" and (
            ("plot area" in e.location and _centred_in(e, blocks)) or (e.location.endswith("legend") and e.bbox and any(
                geo.box_overlap(tuple(e.bbox), tuple(b)) >= 0.3 for b in blocks)))]  # (a legend's words reach past
        # the block its swatched lines make)
        drop |= {id(e) for e in entries}
        drop |= {id(e) for e in here if e.description == _LEGEND_MOVED}  # (a line more or fewer)
        gone = [e for e in here if e.description.endswith(_SERIES_GONE)]
        names = [_quoted(e.description)[0] for e in entries if e.description.endswith("is missing.")
                 and len(_quoted(e.description)) == 1]
        # The legend entry that went with it names the series: the reference's entry with its swatch colour (the
        # entries below moved up a line, so the line gone from its place is the last one), else the one gone.
        name = _entry_of_colour(ctx, p, ctx.gone_colours.get(id(gone[0]))) if len(gone) == 1 else None
        if len(gone) == 1 and (name or len(names) == 1):
            gone[0].description = gone[0].description.replace(
                " is missing.", f" ('{name or names[0]}' in its legend) is missing.")
    # A series gone with an axis label of its own: a twinned plot (its own y-axis over the same area) removed, its
    # label and tick values with it. One subplot gone, said once.
    twins: dict[int, Discrepancy] = {}
    for g in [e for e in ctx.errors if id(e) not in drop and e.description.endswith(_SERIES_GONE)]:
        p = _location_panel(g.location)
        here = [f for f in ctx.errors if id(f) not in drop and _location_panel(f.location) == p]
        labels = [f for f in here if f.category == "text_error" and f.description.endswith(" is missing.") and
                  f.location.split(", ")[-1] in ("y-axis label", "x-axis label", "right-side labels")]
        if not labels:
            continue
        names = [q for f in labels for q in _quoted(f.description)]
        twins[id(g)] = finding("chart.subplot_count", "A plot twinned over this one (with " + ", ".join(
                               f"'{q}'" for q in names[:3]) + ") is missing from the figure.", g.location,
                               [float(v) for v in union_box([tuple(f.bbox) for f in (g, *labels) if f.bbox])]
                               if g.bbox else None)
        drop |= {id(f) for f in labels}
        drop |= {id(f) for f in here if "range or scale is different" in f.description}
        break  # (one such plot per figure: a second series gone is a series)
    ctx.errors[:] = [twins.get(id(e), e) for e in ctx.errors]
    # Two lines each read as the other's: one trade, said once. Lines naming two subplots (their titles or the
    # labels in them) traded with the subplots; two labels of one place traded with each other.
    read = [(e, r) for e in ctx.errors if id(e) not in drop and e.category == "text_error" and (r := _reading(e))]
    traded: dict[int, Discrepancy] = {}
    for n, (ea, (a_now, a_was)) in enumerate(read):
        for eb, (b_now, b_was) in read[n + 1:]:
            sims = sorted((text_similarity(_bare(a_now), _bare(b_was)), text_similarity(_bare(b_now), _bare(a_was))))
            if id(ea) in traded or {id(ea), id(eb)} & drop or sims[1] < T["text_same"] or sims[0] < T["text_minor"]:
                continue  # (each reads as the other's; one may carry OCR noise, a stray glyph read beside it)
            pa, pb = _location_panel(ea.location), _location_panel(eb.location)
            box = [float(v) for v in union_box([tuple(ea.bbox), tuple(eb.bbox)])] if ea.bbox and eb.bbox else None
            naming = all(e.location.endswith(("title", "(legend or annotation)")) for e in (ea, eb))
            if pa is not None and pb is not None and pa != pb and naming:
                i, j = sorted((pa, pb))
                traded[id(ea)] = finding("chart.subplot_arrangement", f"Subplots {i + 1} and {j + 1} are in each "
                                         f"other's places ('{a_was}' and '{b_was}').", f"subplots {i + 1} and {j + 1}",
                                         box)
                drop |= {id(e) for e in ctx.errors if _location_panel(e.location) in (pa, pb) and
                         "range or scale is different" in e.description}  # (an axis shared with other places)
            else:
                same = ea.location == eb.location
                what = ea.location.split(", ")[-1] if same and not ea.location.endswith(("text", "figure")) else "texts"
                what += "" if what.endswith("s") else "s"
                traded[id(ea)] = finding("chart.text_changed", f"The {what} '{a_was}' and '{b_was}' are in each "
                                         "other's places.", ea.location if same else "figure", box)
            drop.add(id(eb))
    ctx.errors[:] = [traded.get(id(e), e) for e in ctx.errors]
    # A line read in its place with both ends cut off, or with its other pieces read as new text on its row: the
    # same line drawn wider than the reference's crop holds (set larger), said once.
    widened: dict[int, Discrepancy] = {}
    for e in ctx.errors:
        r = _reading(e) if id(e) not in drop and e.category == "text_error" and e.bbox else None
        now, was = (_bare(r[0]), _bare(r[1])) if r else ("", "")
        if not now or now not in was or len(now) >= len(was) or len(now) < 0.5 * len(was):
            continue  # (a glyph or two read in the place of a long line is no line cut at its ends)
        pieces = [f for f in ctx.errors if id(f) not in drop and f.description.startswith(_EXTRA_TEXT) and f.bbox
                  and min(f.bbox[3], e.bbox[3]) - max(f.bbox[1], e.bbox[1]) > 0.5 * (e.bbox[3] - e.bbox[1])
                  and _bare(_quoted(f.description)[0]) in was]
        if pieces or (not was.startswith(now) and not was.endswith(now)):
            box = [float(v) for v in union_box([tuple(f.bbox) for f in (e, *pieces)])]
            widened[id(e)] = finding("chart.text_style", f"The text '{r[1]}' is drawn larger than in the reference.",
                                     e.location, box)
            drop |= {id(f) for f in pieces}
    ctx.errors[:] = [widened.get(id(e), e) for e in ctx.errors]
    # One plot's two axes both said changed: one change re-lays the plot (tick labels of another width move its
    # edge, an equal aspect follows the new range) or moves data both axes autoscale to, and the other axis picks
    # its ticks anew. A named change of one axis (inverted) explains a range finding of the other; two range
    # findings are said once, naming both axes.
    axes: dict = {}
    for e in ctx.errors:
        if id(e) not in drop and e.category == "data_error" and _AXIS_CHANGE.match(e.description) and \
                e.location.endswith(("tick labels", "x-axis", "y-axis")):
            axes.setdefault(_location_panel(e.location), []).append(e)
    for here in axes.values():
        named = {e.description[4:10] for e in here if " is inverted" in e.description}
        ranges = [e for e in here if " is inverted" not in e.description]
        if len({e.description[4:10] for e in here}) < 2 or not ranges:
            continue
        if named:
            drop |= {id(e) for e in ranges if e.description[4:10] not in named}
            continue
        drop |= {id(e) for e in ranges[1:]}
        role = ranges[0].location.split(", ")[-1]
        both = finding("chart.axis_range", "The x- and y-axis ranges or scales differ from the reference (the tick "
                       "values of both axes changed).", ranges[0].location[:-len(role)] + "x- and y-axis",
                       [float(v) for v in union_box([tuple(e.bbox) for e in ranges if e.bbox])]
                       if all(e.bbox for e in ranges) else ranges[0].bbox)
        ctx.errors[:] = [both if e is ranges[0] else e for e in ctx.errors]
    # Marks coloured by a third column with another colour map: their colour bar changed colour and they stayed
    # put. One finding says it; the colour groups the series check compared one by one, and markers read as
    # glyphs ('0' for a circle), follow it.
    for p in range(len(ctx.panels)):
        here = [e for e in ctx.errors if id(e) not in drop and _location_panel(e.location) in (p, None)
                and e.location.endswith("plot area")]
        said = [e for e in here if e.category in ("style_error", "data_error")]
        if not said or any(e.description == _REMAPPED for e in said) or not _colour_bar_recoloured(ctx, p):
            continue  # (an image drawn with another colour map is said as such, below)
        drop |= {id(e) for e in said}
        drop |= {id(e) for e in ctx.errors if e.category == "text_error" and "plot area" in e.location and
                 _location_panel(e.location) in (p, None) and (quoted := _reference_texts(e)) and
                 all(len(_bare(q)) <= 2 for q in quoted)}
        mapped = finding("chart.series_color", "The marks are coloured with another colour map than the reference "
                         "(their colour bar changed colours).", said[0].location,
                         ctx.cand_box(ctx.panels[p]))
        ctx.errors.append(mapped)
    # Two or more series recoloured: another palette, said once where the colours changed.
    recoloured = [e for e in ctx.errors if id(e) not in drop and e.category == "style_error"
                  and _RECOLOURED.match(e.description)]
    errors = ctx.errors
    if len(recoloured) >= 2:  # (two colours changed: one palette for another, far likelier than two series
        # recoloured one by one; one series drawn in two subplots is also said once)
        recoloured += [e for e in ctx.errors if id(e) not in drop and e.description == _REMAPPED]  # (a colour
        # map of the new palette)
        places = {e.location for e in recoloured}
        first = recoloured[0]
        palette_finding = finding("chart.series_color", f"The series are drawn in another palette than the reference "
                                  f"({len(recoloured)} colours changed).",
                                  first.location if len(places) == 1 else "figure",
                                  [float(v) for v in union_box([tuple(e.bbox) for e in recoloured if e.bbox])]
                                  if any(e.bbox for e in recoloured) else None)
        drop |= {id(e) for e in recoloured}
        errors = [palette_finding if e is first else e for e in errors]
    # Images of several subplots drawn with another colour map: one colour map (and norm) shared by them and their
    # colorbar, said once.
    remapped = [e for e in errors if id(e) not in drop and e.description == _REMAPPED]
    if len(remapped) >= 2:
        shared = finding("chart.series_color", f"The images of {len(remapped)} subplots are drawn with another colour "
                         "map than the reference (one colour map shared by them).", "figure",
                         [float(v) for v in union_box([tuple(e.bbox) for e in remapped if e.bbox])]
                         if any(e.bbox for e in remapped) else None)
        drop |= {id(e) for e in remapped[1:]}
        errors = [shared if e is remapped[0] else e for e in errors]
    out: list[Discrepancy] = []
    seen: dict[tuple, int] = {}
    for e in errors:
        if id(e) in drop:
            continue
        key = (e.category, e.severity, e.location)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= T["max_same_findings"]:
            out.append(e)
    # Within a severity the cause before its consequences: a changed chart type or series moves legend entries
    # and labels, and a text misread beside a recoloured mark is read last.
    out.sort(key=lambda e: (-int(e.severity), _CAUSE_ORDER.index(e.category)))
    return out


def _legend_blocks(ctx: _Ctx, panel: int | None) -> list[tuple[float, float, float, float]]:
    """Work boxes of the reference's legends in ``panel``: two or more plot-area lines stacked with one left edge,
    each grown by a line above and below (where an entry shifted to or a new one came)."""
    texts, roles = ctx.ref.get("texts") or [], ctx.ref.get("text_roles") or []
    lines = sorted((t for t, (p, role) in zip(texts, roles) if role.startswith("plot area") and (
        p == panel or (panel is None and len(ctx.panels) <= 1))),  # (one plot's findings name no subplot)
                   key=lambda t: t.box[1])
    blocks: list[list[TextBox]] = []
    for t in lines:
        hh = t.box[3] - t.box[1]
        last = blocks[-1][-1] if blocks else None
        if last is not None and abs(t.box[0] - last.box[0]) <= 6 and t.box[1] - last.box[3] <= 1.5 * hh:
            blocks[-1].append(t)
        else:
            blocks.append([t])
    out = []
    for b in blocks:
        if len(b) >= 2:
            hh = max(t.box[3] - t.box[1] for t in b)
            out.append((min(t.box[0] for t in b) - hh, b[0].box[1] - 1.5 * hh, max(t.box[2] for t in b) + hh,
                        b[-1].box[3] + 1.5 * hh))
    return out


def _entry_of_colour(ctx: _Ctx, panel: int | None, lab) -> str | None:
    """The reference's one plot-area line in ``panel`` with a legend swatch of Lab colour ``lab`` left of it (None
    without a colour, or with none or several such lines)."""
    if lab is None:
        return None
    texts, roles = ctx.ref.get("texts") or [], ctx.ref.get("text_roles") or []
    found = [t.text for t, (p, role) in zip(texts, roles) if role.startswith("plot area") and
             (p == panel or (panel is None and len(ctx.panels) <= 1)) and
             (sw := _swatch_left_of(ctx.rn.image, t.box)) is not None and
             float(np.linalg.norm(np.asarray(sw[0]) - np.asarray(lab))) < T["swatch_color_delta"]]
    return found[0] if len(found) == 1 else None


def _drop_findings(ctx: _Ctx, i: int, roles, categories) -> None:
    """Remove panel ``i``'s findings of ``categories`` placed at ``roles``: consequences of a change found later."""
    where = {ctx.panel_name(i if ctx.panels else None) + r for r in roles}
    ctx.errors[:] = [e for e in ctx.errors if not (e.location in where and e.category in categories)]


def _drop_marks_read(ctx: _Ctx, i: int) -> None:
    """Remove panel ``i``'s text findings about plot-area lines that were all mark-like (a glyph or two): markers
    where grid lines crossed them read as letters, which a grid added or removed changes."""
    name = ctx.panel_name(i if ctx.panels else None)

    def marks_read(e: Discrepancy) -> bool:
        texts = _reference_texts(e)
        return e.category == "text_error" and e.location.startswith(name) and \
            ("plot area" in e.location or e.location.endswith("legend")) and \
            bool(texts) and all(_mark_like(t) for t in texts)
    ctx.errors[:] = [e for e in ctx.errors if not marks_read(e)]


def _reference_texts(e: Discrepancy) -> list[str]:
    """The reference's texts a text finding quotes: the line read otherwise ('reads ... instead of X'), or the
    lines gone."""
    was = re.search(r"instead of '(.*)'\.?$", e.description)
    return [was.group(1)] if was else _quoted(e.description)


def _reading(e: Discrepancy) -> tuple[str, str] | None:
    """(what the candidate reads, the reference's line) of a finding that says a line reads otherwise."""
    m = re.search(r"reads '(.*)' instead of '(.*)'", e.description)
    return (m.group(1), m.group(2)) if m else None


def _centred_in(e: Discrepancy, boxes) -> bool:
    """True when finding ``e``'s box has its centre in one of ``boxes`` (candidate pixels)."""
    if not e.bbox:
        return False
    cx, cy = (e.bbox[0] + e.bbox[2]) / 2, (e.bbox[1] + e.bbox[3]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _drop_around(ctx: _Ctx, boxes, reach: float) -> None:
    """Drop the findings (structure ones kept) centred within ``reach`` of the work ``boxes``: what was read
    there follows a change said for the part drawn there."""
    zones = [ctx.cand_box((b[0] - reach, b[1] - reach, b[2] + reach, b[3] + reach)) for b in boxes]
    ctx.errors[:] = [e for e in ctx.errors if e.category == "structure_error" or not _centred_in(e, zones)]


def _quoted(description: str) -> list[str]:
    """The texts a finding quotes ('...'), in order."""
    return re.findall(r"'([^']*)'", description)


def _bare(text: str) -> str:
    """A reading's letters and digits only, lower case."""
    return "".join(ch for ch in normalize_text(text).lower() if ch.isalnum())


def _reads_part(reading: str, text: str) -> bool:
    """A reading that is ``text`` or a good part of it (a long label cut off by a shorter one's box reads in
    part)."""
    a, b = _bare(reading), _bare(text)
    return len(a) >= 3 and len(a) >= 0.5 * len(b) and fuzz.partial_ratio(a, b) >= 100 * T["text_same"]


def _contents_traded(ctx: _Ctx, a, b) -> bool:
    """True when what the reference draws in work box ``a`` the candidate draws in ``b`` and the reverse, told by
    a description that a few pixels of drift do not change: the share of ink, its mean colour, and its row and
    column profiles in 16 bins."""
    def describe(img: np.ndarray, bg, box) -> np.ndarray:
        x0, y0, x1, y1 = box
        crop = img[y0:y1, x0:x1]
        ink = far_from(crop, bg) > T["ink_tolerance"]
        n = max(int(ink.sum()), 1)
        colour = crop[ink].mean(axis=0) / 255.0 if ink.any() else np.zeros(3)
        rows = np.interp(np.linspace(0, 1, 16), np.linspace(0, 1, ink.shape[0]), ink.sum(axis=1) / n)
        cols = np.interp(np.linspace(0, 1, 16), np.linspace(0, 1, ink.shape[1]), ink.sum(axis=0) / n)
        return np.concatenate([[4 * ink.mean()], colour, 4 * rows, 4 * cols])
    ra, rb = describe(ctx.rn.image, ctx.rn.background, a), describe(ctx.rn.image, ctx.rn.background, b)
    ca, cb = describe(ctx.cn.image, ctx.cn.background, a), describe(ctx.cn.image, ctx.cn.background, b)
    same = np.abs(ra - ca).sum() + np.abs(rb - cb).sum()
    cross = np.abs(ra - cb).sum() + np.abs(rb - ca).sum()
    return bool(np.abs(ra - rb).sum() > 0.2 and cross < T["parts_traded"] * same)


def _explain_backing(ctx: _Ctx, box) -> None:
    """A text gone from a plot took the patch drawn behind it (an annotation's bbox, turned with the text): lost
    ink about the line and lying wholly near it is explained, so the patch and the glyphs are no lost series.
    Lost ink that runs on past the line's surroundings (a series crossing it), or a thin coloured stroke (a data
    line the text was set along, broken by its glyphs), is left."""
    x0, y0, x1, y1 = box
    gx, gy = 0.3 * (x1 - x0) + 6, 0.3 * (y1 - y0) + 6
    h, w = ctx.missing.shape
    zx0, zy0, zx1, zy1 = int(max(0, x0 - gx)), int(max(0, y0 - gy)), int(min(w, x1 + gx)), int(min(h, y1 + gy))
    lost = ctx.missing[zy0:zy1, zx0:zx1]
    regs, labels = geo.regions(lost, min_area=int(T["min_region_px"]), join=1)
    chroma_here = None
    for r in regs:
        bx0, by0, bx1, by1 = r.box
        if not (bx0 > 0 and by0 > 0 and bx1 < lost.shape[1] and by1 < lost.shape[0]):
            continue
        comp = (labels == r.label) & lost
        if geo.stroke_thickness(comp) < 4:
            if chroma_here is None:
                chroma_here = chroma(ctx.lab("r")[zy0:zy1, zx0:zx1])
            if float(np.median(chroma_here[comp])) >= NEUTRAL_CHROMA:
                continue
        ctx.explained[zy0:zy1, zx0:zx1] |= geo.dilate(comp, 2)


def _explain_line(ctx: _Ctx, box) -> None:
    """Mark a changed text line explained over the whole run of glyphs on its rows in either image (a longer or
    shorter reading reaches past the reference's box), so its glyphs are not read as marks."""
    h, w = ctx.missing.shape
    y0, y1 = int(max(0, box[1] - 1)), int(min(h, box[3] + 1))
    bh = max(y1 - y0, 1)
    if box[2] - box[0] < bh or bh > 80:
        return  # (an upright line: its rows cross the plot; a watermark's rows hold the marks under it)
    rows = (ctx.ink("r") | ctx.ink("c"))[y0:y1]
    rows = rows[[max((b - a for a, b in geo.runs(r)), default=0) <= 2 * bh for r in rows]]  # (no spine or rule)
    cols = geo.dilate(rows.any(axis=0)[None, :], int(0.6 * bh) + 1)[0]
    mid = int((box[0] + box[2]) / 2)
    run = next(((a, b) for a, b in geo.runs(cols) if a <= mid < b), None)
    if run is not None and run[1] - run[0] <= 3 * (box[2] - box[0]) + 4 * bh:  # (not a spine or rule joined)
        grow = 1.5 * min(bh, 30)  # (a word longer at most)
        run = (max(run[0], int(box[0] - grow)), min(run[1], int(box[2] + grow)))
        if ctx.text_runs is None:
            ctx.text_runs = np.zeros_like(ctx.explained)
        ctx.text_runs[y0:y1, run[0]:run[1]] = True
        ctx.explained[y0:y1, run[0]:run[1]] = True


def _glyph_crops(ctx: _Ctx, box):
    """A text line's box with a pixel of margin, clipped to the image, and its crops and ink masks there (see
    ``_line_crops``); None where there is too little glyph ink to judge: a tiny box, or one mostly inked, which is no
    text on its background (a label over a bar's edge)."""
    h, w = ctx.missing.shape
    x0, y0, x1, y1 = int(max(0, box[0] - 1)), int(max(0, box[1] - 1)), int(min(w, box[2] + 2)), int(min(h, box[3] + 2))
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    crops = _line_crops(ctx, (x0, y0, x1, y1))
    rink = crops[2]
    if int(rink.sum()) < 20 or (rink.mean() > T["line_ink_max"] and x1 - x0 > 2 * (y1 - y0)):
        return None
    return (x0, y0, x1, y1), crops


def _line_crops(ctx: _Ctx, box) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A text line's work box in the reference and the candidate (moved by the whole-pixel shift, up to 2 px,
    that lays it best: a figure whose content box changed is fitted a pixel off) and their ink masks, each against
    the box's own commonest colour (a label in a tinted plot area is ink on the tint, which the image-wide mask
    counts as ink)."""
    x0, y0, x1, y1 = box
    h, w = ctx.missing.shape
    dx, dy, gain = geo.best_shift(ctx.rn.image, ctx.cn.image, box, max_shift=2)
    if gain > 0.9 or not (0 <= x0 + dx and x1 + dx <= w and 0 <= y0 + dy and y1 + dy <= h):
        dx = dy = 0
    r, c = ctx.rn.image[y0:y1, x0:x1], ctx.cn.image[y0 + dy:y1 + dy, x0 + dx:x1 + dx]
    rbg = mode_color(r)
    cink = far_from(c, rbg) > T["ink_tolerance"]
    if cink.mean() > 0.8:  # the candidate's box has another background (else a thick mark over it is ink)
        cink = far_from(c, mode_color(c)) > T["ink_tolerance"]
    return r, c, far_from(r, rbg) > T["ink_tolerance"], cink


def _on_segment(pixels: np.ndarray, start, toward) -> tuple[np.ndarray, np.ndarray]:
    """Where colours lie along the RGB segment from ``start`` by the step ``toward`` (an anti-aliased or
    see-through blend of two colours lies on it): the way along it, clipped to 0-1, and the largest channel off
    it. In the pixels' own float type."""
    p = np.asarray(pixels)
    b, d = np.asarray(start, p.dtype), np.asarray(toward, p.dtype)
    a = np.clip(((p - b) @ d) / max(float(d @ d), 1.0), 0.0, 1.0)
    return a, np.abs(p - (b + a[..., None] * d)).max(axis=-1)


def _seen_through(R: np.ndarray, C: np.ndarray, mask: np.ndarray, rbg, cbg) -> bool:
    """True when the reference's marks under ``mask`` are see-through and drawn over another background in the
    candidate: where a mark of opacity a shows colour r over background b, over b' it shows r + (1 - a)(b' - b),
    so each pixel moved along the change of background, by no more than all of it."""
    d = np.asarray(cbg, float) - np.asarray(rbg, float)
    n = float(d @ d)
    if n < 900 or not mask.any():
        return False
    a, off = _on_segment(C[mask].astype(float) - R[mask].astype(float), 0.0, d)
    moved = a >= 0.1  # (an opaque mark does not move: then its colour is simply kept)
    return float(((off <= 14) & moved).mean()) >= 0.6


def _blend_of(color, base, background, *, tol: float = 12.0) -> bool:
    """True when ``color`` is ``base`` seen through a see-through layer of ``background`` (a legend box over a
    bar): on the line between the two in RGB, 15-95% of the way to the background."""
    b = np.asarray(base, float)
    d = np.asarray(background, float) - b
    if float(d @ d) < 900:
        return False
    a, off = _on_segment(np.asarray(color, float), b, d)
    return 0.15 <= float(a) <= 0.95 and float(off) <= tol


def _drawn_faint(C: np.ndarray, mask: np.ndarray, rgb, background) -> bool:
    """True when the candidate still draws the thin line under ``mask`` in tints of its colour ``rgb`` (dots or
    fine dashes a pixel or two across, blended with the background): such pixels, or the colour itself, lie
    within 2 px of most of the reference's line."""
    box = geo.box_of(mask)
    if box is None or _core_share(mask) > 0.1:
        return False  # (a fill, not a line a few px wide)
    x0, y0, x1, y1 = max(0, box[0] - 3), max(0, box[1] - 3), box[2] + 3, box[3] + 3
    d = np.asarray(background, np.float32) - np.asarray(rgb, np.float32)
    if float(d @ d) < 900:
        return False
    a, off = _on_segment(C[y0:y1, x0:x1].astype(np.float32), rgb, d)
    tint = (a <= 0.85) & (off <= 24)
    return float((mask[y0:y1, x0:x1] & geo.dilate(tint, 2)).sum()) >= 0.6 * max(int(mask.sum()), 1)


def _core_share(mask: np.ndarray) -> float:
    """The share of a mask's pixels 3 px or more inside it (what a 5x5 erosion keeps): near 0 for lines, most of a
    fill's (a ridge-based stroke width reads a large fill with ragged edges as thin)."""
    n = int(mask.sum())
    return float(cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).sum()) / n if n else 0.0


def _darker_than_both(lab, fill_lab, background) -> bool:
    """True when Lab colour ``lab`` is darker (by 15 L or more) than both a fill's colour and the background: no
    blend of the two at the fill's edge, but a line drawn along it."""
    bg_l = float(rgb_to_lab(np.asarray(background, np.uint8).reshape(1, 1, 3))[0, 0, 0])
    return float(lab[0]) < min(float(fill_lab[0]), bg_l) - 15


def _lay_under(below: np.ndarray, above: np.ndarray) -> bool:
    """True when, in most columns holding mask ``below``, it starts right under (within 3 px of) where mask
    ``above`` ends: a fill's part that another see-through fill overlapped, the rest of which shows above it."""
    cols = np.flatnonzero(below.any(axis=0) & above.any(axis=0))
    if cols.size < 0.6 * max(int(below.any(axis=0).sum()), 1):
        return False
    rows = np.arange(below.shape[0])[:, None]
    top = np.where(below[:, cols], rows, below.shape[0]).min(axis=0)
    bottom = np.where(above[:, cols], rows, -1).max(axis=0)
    return float(np.mean(np.abs(top - bottom) <= 3)) >= 0.6


def _coloured_glyph(image: np.ndarray, t: TextBox) -> bool:
    """True when a short OCR line is a coloured mark, not text: one or two marker-like characters drawn in a strong
    colour (a marker or a bar's end read as '1' or 'o'; labels are mostly grey or black, and a coloured 'G' stays
    text), or up to three characters whose coloured ink runs on out of their box (a sine curve read as 'NV')."""
    text = t.text.strip()
    if len(text) > 3:
        return False
    x0, y0, x1, y1 = (int(round(v)) for v in t.box)
    crop = image[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if crop.size == 0:
        return False
    px = crop.reshape(-1, 3).astype(np.int16)
    spread = px.max(axis=1) - px.min(axis=1)
    h, w = image.shape[:2]
    ring = image[max(0, y0 - 2):min(h, y1 + 2), max(0, x0 - 2):min(w, x1 + 2)].astype(np.int16)
    border = np.concatenate([ring[0], ring[-1], ring[:, 0], ring[:, -1]])  # (a marker fills most of its box: the
    ink = np.abs(px - np.median(border, axis=0)).max(axis=1) > 40  # box's own median would be the marker)
    if not (ink.any() and (spread[ink] > 60).mean() >= 0.6):
        return False  # not drawn in a strong colour
    if len(text) <= 2 and set(text) <= set("oO0QDlI1|!-_.,·•*+xX<>^vVA4ΔΛ△▲"):
        return True  # (only glyphs a marker or a bar's end looks like: 'A' and '4' for triangles)
    m = max(4, (y1 - y0) // 2)  # the coloured ink around the box, joined: a curve continues past it, glyphs do not
    gx0, gy0, gx1, gy1 = max(0, x0 - m), max(0, y0 - m), min(w, x1 + m), min(h, y1 + m)
    win = image[gy0:gy1, gx0:gx1].astype(np.int16)
    strong = (win.max(axis=2) - win.min(axis=2)) > 60
    labels = geo.regions(strong)[1]
    n = int(labels.max()) + 1
    inside = np.zeros(strong.shape, bool)
    inside[max(0, y0) - gy0:max(0, y1) - gy0, max(0, x0) - gx0:max(0, x1) - gx0] = True
    outside = np.bincount(labels[strong & ~geo.dilate(inside, 2)], minlength=n) > 0
    in_box = labels[strong & inside]
    return in_box.size > 0 and float(outside[in_box].mean()) >= 0.5


def _hollow_line(image: np.ndarray, t: TextBox) -> bool:
    """True when a tall OCR box holds too little ink for glyphs of its height (a curve across a subplot read as
    'NV'): letters T['text_hollow_px'] px tall or more are drawn with strokes that fill a good part of their box."""
    x0, y0, x1, y1 = (int(round(v)) for v in t.box)
    if y1 - y0 < T["text_hollow_px"] or t.vertical:
        return False
    crop = image[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if crop.size == 0:
        return False
    return float((far_from(crop, mode_color(crop)) > 40).mean()) < T["text_hollow_ink"]


def _line_match(ctx: _Ctx, t: TextBox, reach: tuple[int, int] = (0, 0),
                least: float | None = None, *, subpixel: bool = False) -> tuple[float, float] | None:
    """(whole-line, worst glyph-wide window) grey correlation of reference line ``t`` with the candidate near its
    place, at full size: up to 3 px and a third of the line's height off, and ``reach`` (x, y) px more. The
    windows are read only where the whole line correlates at ``least`` (else 1.0, as when ``least`` is None).
    With ``subpixel``, the reference's line is also laid a quarter or half pixel off its best place: a line moved
    by a fraction of a pixel is anti-aliased otherwise along all its length (a changed glyph still stands out).
    None when the line is too small or blank to say."""
    W, H = ctx.cand.size
    rx0, ry0, rx1, ry1 = (int(round(v)) for v in ctx.rn.to_source(t.box, clip_to=ctx.ref.size))
    cx0, cy0 = (int(round(v)) for v in ctx.cand_box(t.box)[:2])
    if rx1 - rx0 < 4 or ry1 - ry0 < 4:
        return None
    tpl = cv2.cvtColor(np.ascontiguousarray(ctx.ref.image[ry0:ry1, rx0:rx1]), cv2.COLOR_RGB2GRAY)
    mx, my = 3 + int(0.3 * (ry1 - ry0)) + reach[0], 3 + int(0.3 * (ry1 - ry0)) + reach[1]
    area = ctx.cand.image[max(0, cy0 - my):min(H, cy0 + (ry1 - ry0) + my),
                          max(0, cx0 - mx):min(W, cx0 + (rx1 - rx0) + mx)]
    if tpl.std() < 8 or area.shape[0] < tpl.shape[0] or area.shape[1] < tpl.shape[1]:
        return None
    grey = cv2.cvtColor(np.ascontiguousarray(area), cv2.COLOR_RGB2GRAY)
    res = cv2.matchTemplate(grey, tpl, cv2.TM_CCOEFF_NORMED)
    whole = float(res.max())
    iy, ix = np.unravel_index(int(np.argmax(res)), res.shape)
    crop = grey[iy:iy + tpl.shape[0], ix:ix + tpl.shape[1]]
    if subpixel and (least is None or whole < least):
        whole, tpl = max((whole, tpl), _subpixel_match(tpl, crop), key=lambda m: m[0])
    if least is None or whole < least:
        return whole, 1.0
    return whole, _worst_glyph_ncc(tpl, crop, t.vertical)


def _subpixel_match(tpl: np.ndarray, crop: np.ndarray) -> tuple[float, np.ndarray]:
    """(best grey correlation, the template laid there) of grey line ``tpl`` moved by a quarter or half pixel
    each way (not both none) over the same-sized ``crop``: a line drawn a fraction of a pixel off is anti-aliased
    otherwise."""
    best = (-1.0, tpl)
    steps = (-0.5, -0.25, 0.0, 0.25, 0.5)
    for fx, fy in ((fx, fy) for fx in steps for fy in steps if fx or fy):
        moved = cv2.warpAffine(tpl, np.float32([[1, 0, fx], [0, 1, fy]]), tpl.shape[::-1], flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
        score = float(np.nan_to_num(cv2.matchTemplate(crop, moved, cv2.TM_CCOEFF_NORMED)[0, 0], nan=-1.0))
        if score > best[0]:
            best = score, moved
    return best


def _worst_glyph_ncc(tpl: np.ndarray, crop: np.ndarray, vertical: bool = False) -> float:
    """Lowest grey correlation between windows about a glyph wide (as wide as 0.8 of the line's height, half a
    height apart) of a text line ``tpl`` and the same-sized ``crop`` aligned on it: one changed letter stands out
    where the whole line's correlation barely moves. Windows of background only are skipped."""
    a, b = tpl.astype(np.float32), crop.astype(np.float32)
    if vertical:
        a, b = a.T, b.T
    h, w = a.shape
    win, step = max(4, int(0.8 * h)), max(2, h // 2)
    worst = 1.0
    for x in sorted({*range(0, max(1, w - win + 1), step), max(0, w - win)}):  # (the last glyph too)
        p, q = a[:, x:x + win], b[:, x:x + win]
        if p.std() < 8:
            continue
        p, q = p - p.mean(), q - q.mean()
        worst = min(worst, float((p * q).sum() / (np.sqrt((p * p).sum() * (q * q).sum()) + 1e-6)))
    return worst


def _lines_or_points(drawn_as_points, rk: np.ndarray, ck: np.ndarray) -> tuple[str, str] | None:
    """(reference kind, candidate kind) when ``drawn_as_points(path, dots)`` says the reference's path ``rk`` is
    drawn as separate points ``ck``, or the reverse; None otherwise."""
    if drawn_as_points(rk, ck):
        return "lines", "separate points (a scatter plot)"
    if drawn_as_points(ck, rk):
        return "separate points", "a connected line"
    return None


def _inside_plot(panels, box) -> bool:
    """True when ``box`` lies within one of the plot areas ``panels`` (2 px of slack)."""
    return any(p[0] - 2 <= box[0] and box[2] <= p[2] + 2 and p[1] - 2 <= box[1] and box[3] <= p[3] + 2 for p in panels)


def _holds_words(line: str, words: str) -> bool:
    """True when ``words`` (of three letters or more) are whole words of ``line``: a reference line that OCR split
    into words, read whole in the candidate."""
    a, b = normalize_text(words).split(), normalize_text(line).split()
    n = len(a)
    return bool(a) and len(" ".join(a)) >= 3 and any(b[k:k + n] == a for k in range(len(b) - n + 1))


def _singular(role: str) -> str:
    """'x-axis tick label' for one line of the 'x-axis tick labels' role, in sentences about that line."""
    return role.replace("tick labels", "tick label").replace("side labels", "side label")


def _location_panel(location: str) -> int | None:
    m = re.match(r"subplot (\d+),", location)
    return int(m.group(1)) - 1 if m else None


def _word_aligned_similarity(line: str, reading: str) -> float:
    """Similarity of ``line`` with the part of ``reading`` that best aligns with it, grown to whole words (so
    'Agree' in 'x Agree Strongly' scores 1, 'Agree' in 'Agreed' does not)."""
    a, b = normalize_text(line), normalize_text(reading)
    if not a or not b:
        return 0.0
    if len(b) <= len(a):
        return text_similarity(a, b)
    al = fuzz.partial_ratio_alignment(a, b)
    if al is None:
        return 0.0
    s, e = al.dest_start, al.dest_end
    while s > 0 and b[s - 1].isalnum():
        s -= 1
    while e < len(b) and b[e].isalnum():
        e += 1
    return text_similarity(a, b[s:e])


@register_comparer("chart")
class ChartComparer(Comparer):
    """Charts: layout -> text -> axes -> series -> style, each finding boxed in candidate pixels."""

    detectors = ("legibility", "layout", "text", "axes", "series", "chart_type", "bar_width", "overplot", "grid",
                 "background", "residual", "pie")

    # ---------------- analysis (pure; the reference's is cached) ----------------
    def analyse(self, image: np.ndarray) -> Analysis:
        a = Analysis(task="chart", image=image, key="")
        # (a candidate is laid on the reference's frame instead; its own is read only for its full-image OCR)
        a.deferred["norm"] = lambda: normalize(image, work_side=self.config.work_side,
                                               tolerance=int(T["ink_tolerance"]), unwrap=True)
        return a

    def _frames(self, a: Analysis, norm: Normalized) -> list:
        """The reference's plot areas in the work frame. Found in the work image, or in the source image when that
        shows more: resampling by a few percent greys a 1-px spine past the darkness a frame needs."""
        def compute() -> list:
            work = _plot_frames(norm.image)
            src = self._source_frames(a, norm)
            # (dark bars found edged in the source, where the tinted plot area around them is not looked for, are
            # marks inside a work frame, not plot areas)
            src = [s for s in src if not any(geo.holds(w, s) and s != w for w in work) or
                   not geo.dark_inside(norm.image, s)]
            return src if len(src) > len(work) else work
        return a.lazy("frames", compute)

    @staticmethod
    def _source_frames(a: Analysis, norm: Normalized) -> list:
        return geo.sort_reading_order([tuple(int(round(v)) for v in norm.frame.to_work(tuple(map(float, b))))
                                       for b in _plot_frames(a.image, fallbacks=False)])

    def _cand_frames(self, ctx: _Ctx) -> list:
        """The candidate's plot areas in the work frame, once per comparison; from its source image when the work
        image shows another count than the reference's and the source agrees with the reference."""
        if ctx.cand_frames is not None:
            return ctx.cand_frames
        cf = _plot_frames(ctx.cn.image)
        if ctx.virtual_panels:  # frameless in the reference: the same places unless it draws frames, or its own
            # tick labels bound plot areas laid out otherwise
            least = 0.25 * min((b[2] - b[0]) * (b[3] - b[1]) for b in ctx.panels)
            cf = [c for c in cf if (c[2] - c[0]) * (c[3] - c[1]) >= least]  # (dark-edged bars side by side are
            # no frame of a plot the reference draws without one)
            relaid = [] if cf else self._relaid_frameless(ctx)
            ctx.relaid = bool(relaid)
            cf = cf or relaid or list(ctx.panels)
        elif len(ctx.panels) > len(cf):
            src = self._source_frames(ctx.cand, ctx.cn)
            if len(src) == len(ctx.panels):  # spines lost to resampling
                cf = src
        if not ctx.virtual_panels and len(ctx.panels) > len(cf):
            # A frame whose spine the fit left half a pixel off (two grey columns, none dark) while another subplot
            # changed: the reference's plot area is still drawn there, nearly unchanged.
            diff = ctx.missing | ctx.extra
            lost = [r for r in ctx.panels if all(box_iou(r, c) < 0.5 for c in cf)]
            if lost and all(diff[r[1]:r[3], r[0]:r[2]].mean() < 0.02 for r in lost):
                cf = geo.sort_reading_order(list(cf) + lost)
        ctx.cand_frames = cf
        return cf

    def _cand_lines(self, ctx: _Ctx) -> list[TextBox]:
        """The candidate's text lines read over its whole work image (boxes in the work frame), once."""
        if ctx.cand_lines is None:
            ctx.cand_lines = get_ocr(self.config.ocr, threads=self.config.ocr_threads).read(ctx.cn.image)
        return ctx.cand_lines

    def _relaid_frameless(self, ctx: _Ctx) -> list:
        """A frameless figure of several plots (plot areas read from tick labels) laid out anew: the candidate's
        plot areas, read from its own tick labels the same way, when they stand in another grid and mostly off the
        reference's; else []. Read when every plot area changed much, or when one did and the others a little (a
        subplot gone lets the one left spread over the figure: then only one plot area that holds two or more of
        the reference's counts). The full read of the candidate is paid only then."""
        rf, diff = ctx.panels, ctx.missing | ctx.extra
        if len(rf) < 2 or not self.enabled("text"):
            return []
        changed = [float(diff[b[1]:b[3], b[0]:b[2]].mean()) for b in rf]
        every = min(changed) >= T["relaid_panel_diff"]
        if not every and (max(changed) < T["relaid_panel_diff"] or min(changed) < T["relaid_spread_diff"]):
            return []
        cf = _tick_frames(self._cand_lines(ctx), loose=True)
        if not cf or geo.grid_shape(cf) == geo.grid_shape(rf):
            return []
        if not every and not (len(cf) == 1 and sum(geo.box_overlap(r, cf[0]) >= 0.8 for r in rf) >= 2):
            return []
        on_ref = sum(any(box_iou(c, r) >= 0.5 for r in rf) for c in cf)
        return cf if 2 * on_ref < len(cf) else []

    def _align(self, ref: Analysis, rn: Normalized, cand: Analysis, size: tuple[int, int]) -> Normalized:
        """The candidate in the reference's work frame: by its content box, then refined on the axes frames when
        both show the same number (a longer label or a wider margin then moves nothing inside the plots)."""
        cn = normalize(cand.image, size=size, tolerance=int(T["ink_tolerance"]), unwrap=True)
        rf = self._frames(ref, rn)
        if not rf:
            return self._tick_aligned(ref, rn, cand, cn) or self._same_layout(ref, rn, cand, cn, size)
        cf = geo.axes_frames(cn.image)  # (frames found in the source are too coarse to align on)
        # The layout is the frames' that no other frame holds: an inset or the edged boxes of a box plot sit
        # where their data puts them (found in one image and not the other, or moved against the edges of a
        # plot widened by a lost label).
        rt, ct = geo.outermost(rf), geo.outermost(cf)
        if len(ct) != len(rt):
            return self._subplots_in_place(ref, rn, cand, cn, rt, size)
        if all(max(abs(a - b) for a, b in zip(p, q)) <= 1 for p, q in zip(rt, ct)):
            return cn
        src = [tuple(cn.frame.to_source(tuple(map(float, b)))) for b in ct]
        fr = fit_frame(src, [tuple(map(float, b)) for b in rt])
        if fr is None:
            return cn
        ratio = (fr.scale[0] / cn.frame.scale[0], fr.scale[1] / cn.frame.scale[1])
        if not all(0.7 <= r <= 1.4 for r in ratio):
            return cn
        h, w = rn.image.shape[:2]
        # At the content box's own scale, a fit that slides the whole figure by a tenth of it or more lays one
        # subplot on another's place (a plot and a frameless pie traded): the parts moved, not the figure.
        centre = [(cn.box[k] + cn.box[k + 2]) / 2 for k in (0, 1)]
        slide = [abs(((centre[k] - fr.src_origin[k]) * fr.scale[k] + fr.work_origin[k]) -
                     ((centre[k] - cn.frame.src_origin[k]) * cn.frame.scale[k] + cn.frame.work_origin[k]))
                 for k in (0, 1)]
        if all(0.97 <= r <= 1.03 for r in ratio) and (slide[0] >= 0.1 * w or slide[1] >= 0.1 * h):
            return cn
        img = warp(cand.image, fr, (w, h), cn.background)
        fitted = Normalized(image=img, frame=fr, box=cn.box, background=cn.background)
        if abs((fr.scale[0] / fr.scale[1]) / (rn.frame.scale[0] / rn.frame.scale[1]) - 1.0) > 0.02 and \
                _pixels_apart(rn, fitted) >= _pixels_apart(rn, cn):
            return cn  # a fit that stretches one axis against the reference's own (a frameless plot's frame found
            # a little wider at another resolution) is kept only when it lays more of the figure in place
        return self._per_panel(cand, rf, fitted)

    @staticmethod
    def _subplots_in_place(ref: Analysis, rn: Normalized, cand: Analysis, cn: Normalized, rt: list,
                           size: tuple[int, int]) -> Normalized:
        """A subplot gone or added shrinks or grows the content box, and fitting that box stretches the plots that
        stayed. Where both images have one shape, the candidate is also laid on the reference's content box scaled
        to its size (the same figure at any resolution); that fit is kept when each of its plot areas then lies on
        one of the reference's, or each of the reference's on one of its own (the rest stayed in place)."""
        box = _scaled_box(ref, rn, cand)
        if box is None:
            return cn
        alt = normalize(cand.image, size=size, tolerance=int(T["ink_tolerance"]), box=box, unwrap=True)
        if alt.background.tolist() != cn.background.tolist():
            return cn
        at = geo.outermost(geo.axes_frames(alt.image))
        fewer, more = (at, rt) if len(at) < len(rt) else (rt, at)
        if not fewer or len(fewer) == len(more) or \
                not all(any(box_iou(a, b) >= 0.9 for b in more) for a in fewer):
            return cn
        return alt

    def _tick_aligned(self, ref: Analysis, rn: Normalized, cand: Analysis, cn: Normalized) -> Normalized | None:
        """Frameless plots re-laid out at one resolution (a y label gone widens one, a colour bar gone too): each
        plot's first and last y and x tick labels (:func:`_tick_axes`), found by their glyphs near where the
        content box puts them, fit its axes' scales and offsets, and the plot is drawn through that fit with the
        text around it at its own size (a PanelFrame, as :meth:`_per_panel` draws framed plots). A plot is left as
        the content box lays it unless every anchor is found (correlation 0.9: a changed range moves or renames
        them), the labels between them stand where the fit puts them (80%, within 3 px), one anchor moved by more
        than 2 px, and the fit's scale is within 0.7-1.4 of the content box's. None when no plot moved."""
        if not self.enabled("text") or ref.size != cand.size:
            return None
        axes = ref.lazy("tick_axes", lambda: _tick_axes(self._texts(ref)))
        if not axes:
            return None
        # (blurred a pixel: small glyphs set at another sub-pixel offset differ in every anti-aliased column)
        grey = cv2.GaussianBlur(cv2.cvtColor(np.ascontiguousarray(cand.image), cv2.COLOR_RGB2GRAY), (0, 0), 1.0)
        ref_grey = ref.lazy("grey_blurred", lambda: cv2.GaussianBlur(
            cv2.cvtColor(np.ascontiguousarray(ref.image), cv2.COLOR_RGB2GRAY), (0, 0), 1.0))
        ch, cw = grey.shape

        def found_at(t: TextBox, near=None, reach=None):  # the reference line's centre in the candidate (px)
            # near a candidate point (by default where the content box puts it), or None
            x0, y0, x1, y1 = (int(round(v)) for v in rn.to_source(t.box, clip_to=ref.size))
            if x1 - x0 < 4 or y1 - y0 < 4:
                return None
            tpl = ref_grey[y0:y1, x0:x1]
            if near is None:
                gx0, gy0, _, _ = cn.to_source(t.box)
            else:
                gx0, gy0 = near[0] - (x1 - x0) / 2, near[1] - (y1 - y0) / 2
            mx, my = reach or (int(0.15 * cw), int(0.15 * ch))
            ax0, ay0 = max(0, int(gx0) - mx), max(0, int(gy0) - my)
            area = grey[ay0:min(ch, int(gy0) + (y1 - y0) + my), ax0:min(cw, int(gx0) + (x1 - x0) + mx)]
            if area.shape[0] < tpl.shape[0] or area.shape[1] < tpl.shape[1] or tpl.std() < 1.0:
                return None
            _, best, _, (bx, by) = cv2.minMaxLoc(cv2.matchTemplate(area, tpl, cv2.TM_CCOEFF_NORMED))
            return (ax0 + bx + (x1 - x0) / 2, ay0 + by + (y1 - y0) / 2) if best >= 0.9 else None

        def src_centre(t: TextBox) -> tuple[float, float]:
            x0, y0, x1, y1 = rn.to_source(t.box)
            return (x0 + x1) / 2, (y0 + y1) / 2

        (rsx, rsy), (rox, roy), (rwx, rwy) = rn.frame.scale, rn.frame.src_origin, rn.frame.work_origin
        placed = []
        for i, (panel, col, row) in enumerate(axes):
            if len(col) < 2 or len(row) < 2:
                continue
            anchors = (col[0], col[-1], row[0], row[-1])
            found = [found_at(t) for t in anchors]
            if any(f is None for f in found):
                continue
            (_, top), (_, foot), (left, _), (right, _) = found
            rwork, rsrc = [t.center for t in anchors], [src_centre(t) for t in anchors]
            # (both images have one size: a plot that moved moves its tick labels in source px; one whose range
            # or padding changed keeps its y labels' column and its x labels' row where they were)
            moved_x, moved_y = abs(found[0][0] - rsrc[0][0]) > 2, abs(found[2][1] - rsrc[2][1]) > 2
            if not (moved_x or moved_y) or right - left < 30 or foot - top < 30:
                continue
            sx, ox, wx = ((rwork[3][0] - rwork[2][0]) / (right - left), left, rwork[2][0]) if moved_x else (rsx, rox, rwx)
            sy, oy, wy = ((rwork[1][1] - rwork[0][1]) / (foot - top), top, rwork[0][1]) if moved_y else (rsy, roy, rwy)
            if not all(0.7 <= a / b <= 1.4 for a, b in zip((sx, sy), (rsx, rsy))):
                continue
            # Every other tick label where that map puts it (blurred digits alike, '70' for '75', can pass for an
            # anchor when the range changed; the labels between then stand elsewhere or read otherwise).
            inner = [(t, (found[0][0] + src_centre(t)[0] - rsrc[0][0], (t.center[1] - wy) / sy + oy)) for t in col[1:-1]] + \
                    [(t, ((t.center[0] - wx) / sx + ox, found[2][1] + src_centre(t)[1] - rsrc[2][1])) for t in row[1:-1]]
            if sum(found_at(t, at, (3, 3)) is not None for t, at in inner) < 0.8 * len(inner):
                continue
            placed.append((i, PanelFrame(src_origin=(ox, oy), scale=(sx, sy), work_origin=(wx, wy),
                                         panel=tuple(map(float, panel)), outer=(rsx, rsy))))
        if not placed:
            return None
        # (the rest of the figure laid as the reference is: both have one size)
        base = Normalized(image=warp(cand.image, rn.frame, (rn.image.shape[1], rn.image.shape[0]), cn.background),
                          frame=rn.frame, box=cn.box, background=cn.background)
        return self._drawn_per_panel(cand, [a[0] for a in axes], base, placed)

    @staticmethod
    def _same_layout(ref: Analysis, rn: Normalized, cand: Analysis, cn: Normalized,
                     size: tuple[int, int]) -> Normalized:
        """Without frames to fit on, a content box that grew (a larger title, a longer label) scales everything
        else off its place. Where both images have one shape, the candidate is also laid on the reference's own
        content box scaled to its size (the same layout at another resolution), and the fit that leaves fewer
        pixels apart is kept."""
        box = _scaled_box(ref, rn, cand)
        if box is None:
            return cn
        scale = max(cand.image.shape[1] / ref.image.shape[1], cand.image.shape[0] / ref.image.shape[0])
        if max(abs(a - b) for a, b in zip(box, cn.box)) <= 2 * scale:
            return cn  # (the content boxes agree: nothing to choose)
        alt = normalize(cand.image, size=size, tolerance=int(T["ink_tolerance"]), box=box, unwrap=True)
        if alt.background.tolist() != cn.background.tolist():
            return cn

        def apart(n: Normalized) -> int:
            return _pixels_apart(rn, n)

        def aspect(n: Normalized) -> float:  # the fit's x scale over its y scale, against the reference's
            return (n.frame.scale[0] / n.frame.scale[1]) / (rn.frame.scale[0] / rn.frame.scale[1])
        # A content box that changed shape (a title gone) stretches one axis: the same layout, undistorted, is
        # kept when it leaves fewer pixels apart at all.
        stretched = abs(aspect(cn) - 1.0) > 0.05 and abs(aspect(alt) - 1.0) <= 0.01
        return alt if apart(alt) < (1.0 if stretched else 0.8) * apart(cn) else cn

    @staticmethod
    def _per_panel(cand: Analysis, rf: list, base: Normalized) -> Normalized:
        """Subplots laid out afresh (a label that got shorter lets tight layout widen one column): no one
        figure-wide fit lays every plot area on the reference's. A plot area still off by more than 3 px is drawn
        through its own frame, together with its tick labels, axis labels and title (the margin around it, up to
        its share of the gap to the next subplot): the plot area at its own scale, the text around it at the figure's
        (a PanelFrame). Text there maps back to the candidate through that frame too.
        The frames are read again in the fitted image (not mapped through the fit): a tinted plot area's edge at
        another resolution is read a few px off, and the fitted image shows where it actually landed."""
        cf = geo.axes_frames(base.image)
        if len(cf) != len(rf) or len(rf) < 2:
            return base
        h, w = base.image.shape[:2]
        placed = []
        whole = None  # the candidate's frames read in its source, mapped to the work frame (see below)
        for i, (r, c) in enumerate(zip(rf, cf)):
            if box_iou(r, c) < 0.5:
                continue
            # An edge read in the padding around the content (a tinted plot area reaching the figure's edge, cut
            # there by the warp) is not placed: it says nothing of the layout, and that axis keeps the figure-wide
            # scale.
            inner = [not (min(r[k], c[k]) <= 4 if k < 2 else max(r[k], c[k]) >= (w, h)[k - 2] - 4) for k in range(4)]
            if max((abs(r[k] - c[k]) for k in range(4) if inner[k]), default=0) <= 3:
                continue
            # A spine read a dozen px off in the resampled image (merged with tick marks or a line along it at
            # 72 dpi) is checked against the candidate's source: a frame found there that the fit lays on the
            # reference's needs no frame of its own.
            if whole is None:
                whole = [tuple(base.frame.to_work(tuple(map(float, b))))
                         for b in geo.axes_frames(cand.image, fallbacks=False)]
            if any(max(abs(r[k] - b[k]) for k in range(4)) <= 3 for b in whole):
                continue
            sb = base.frame.to_source(tuple(map(float, c)))
            scale, origin_src, origin_work = [], [], []
            for lo, hi, k in ((0, 2, 0), (1, 3, 1)):
                if inner[lo] and inner[hi]:
                    scale.append((r[hi] - r[lo]) / max(sb[hi] - sb[lo], 1.0))
                else:
                    scale.append(base.frame.scale[k])
                edge = lo if inner[lo] else hi  # an edge that is placed, not cut
                origin_src.append(sb[edge])
                origin_work.append(float(r[edge]))
            if not all(0.7 <= a / b <= 1.4 for a, b in zip(scale, base.frame.scale)):
                continue
            placed.append((i, PanelFrame(src_origin=(origin_src[0], origin_src[1]), scale=(scale[0], scale[1]),
                                         work_origin=(origin_work[0], origin_work[1]), panel=tuple(map(float, r)),
                                         outer=base.frame.scale)))
        return ChartComparer._drawn_per_panel(cand, rf, base, placed)

    @staticmethod
    def _drawn_per_panel(cand: Analysis, rf: list, base: Normalized, placed: list) -> Normalized:
        """``base`` with each placed plot ``(i, PanelFrame)`` drawn through its own frame, together with its tick
        labels, axis labels and title: the margin around it, up to its share of the gap to the next subplot (a lone
        plot: the whole image)."""
        if not placed:
            return base
        h, w = base.image.shape[:2]
        img, regions = base.image.copy(), []
        for i, pf in placed:
            r = rf[i]
            pw, ph = r[2] - r[0], r[3] - r[1]
            grow = [min(0.3 * pw, 70.0), min(0.15 * ph, 30.0), 8.0, min(0.3 * ph, 60.0)]  # left, top, right, bottom
            if len(rf) == 1:
                grow = [float(w), float(h), float(w), float(h)]
            for j, o in enumerate(rf):
                if j == i:
                    continue
                # A gap between subplots holds the left one's little right margin and most of it is the right
                # one's tick labels; the upper one's tick and axis labels, then the lower one's title.
                if o[1] < r[3] and o[3] > r[1]:  # beside it
                    if o[2] <= r[0]:
                        grow[0] = min(grow[0], 0.85 * (r[0] - o[2]))
                    if o[0] >= r[2]:
                        grow[2] = min(grow[2], 0.15 * (o[0] - r[2]))
                if o[0] < r[2] and o[2] > r[0]:  # above or below it
                    if o[3] <= r[1]:
                        grow[1] = min(grow[1], 0.35 * (r[1] - o[3]))
                    if o[1] >= r[3]:
                        grow[3] = min(grow[3], 0.65 * (o[1] - r[3]))
            x0, y0 = int(max(0, r[0] - grow[0])), int(max(0, r[1] - grow[1]))
            x1, y1 = int(min(w, r[2] + grow[2])), int(min(h, r[3] + grow[3]))
            drawn = warp(cand.image, pf, (w, h), base.background)
            img[y0:y1, x0:x1] = drawn[y0:y1, x0:x1]
            regions.append(((x0, y0, x1, y1), pf))
        return Normalized(image=img, frame=base.frame, box=base.box, background=base.background, regions=tuple(regions))

    @staticmethod
    def _align_panels(rn: Normalized, cn: Normalized, panels) -> Normalized:
        """The candidate with each plot area moved by the whole-pixel shift (up to 3 px) that best matches the
        reference's: at another resolution the marks of one subplot snap 1-3 px away from where one figure-wide fit
        puts them. Insets (smaller frames) are shifted after the frames around them."""
        img = None
        for b in sorted(panels, key=lambda p: -(p[2] - p[0]) * (p[3] - p[1])):
            inner = (b[0] + 3, b[1] + 3, b[2] - 3, b[3] - 3)
            dx, dy, left = geo.best_shift(rn.image, cn.image if img is None else img, inner, max_shift=3)
            if (dx, dy) == (0, 0) or left > T["panel_shift_gain"]:
                continue
            img = cn.image.copy() if img is None else img
            x0, y0, x1, y1 = (max(inner[0], 3), max(inner[1], 3), min(inner[2], img.shape[1] - 3),
                              min(inner[3], img.shape[0] - 3))
            img[y0:y1, x0:x1] = img[y0 + dy:y1 + dy, x0 + dx:x1 + dx].copy()
        if img is None:
            return cn
        return Normalized(image=img, frame=cn.frame, box=cn.box, background=cn.background, regions=cn.regions)

    @staticmethod
    def _match_resolution(rn: Normalized, cn: Normalized) -> tuple[Normalized, Normalized]:
        """Both work images at the detail of the coarser one: the sharper image is resampled down to the other's
        source resolution and back, so a dpi-72 rendering is not 'different' from a dpi-100 one merely for its blur."""
        sr = (rn.frame.scale[0] * rn.frame.scale[1]) ** 0.5
        sc = (cn.frame.scale[0] * cn.frame.scale[1]) ** 0.5
        if max(sr, sc) <= 1.1 or max(sr, sc) / max(min(sr, sc), 1e-6) < 1.1:
            return rn, cn
        factor = 1.0 / max(sr, sc)  # the coarser image's source px per work px

        def soften(n: Normalized) -> Normalized:
            h, w = n.image.shape[:2]
            small = resize(n.image, max(1, round(w * factor)), max(1, round(h * factor)))
            return Normalized(image=resize(small, w, h), frame=n.frame, box=n.box, background=n.background,
                              regions=n.regions)
        return (soften(rn), cn) if sc > sr else (rn, soften(cn))

    def _texts(self, a: Analysis) -> list[TextBox]:
        """Full-image OCR, boxes in the analysis' work frame (lazy: paid once per cached reference)."""
        def compute():
            if not self.enabled("text"):
                return []
            lines = get_ocr(self.config.ocr, threads=self.config.ocr_threads).read(a.image)
            fr = a["norm"].frame
            return [TextBox(t.text, fr.to_work(t.box), t.score, t.vertical) for t in lines
                    if not _coloured_glyph(a.image, t) and not _hollow_line(a.image, t)]
        return a.lazy("texts", compute)

    # ---------------- comparison ----------------
    def compare(self, ref: Analysis, cand: Analysis) -> list[Discrepancy]:
        return self._compare(ref, cand, unswap=True)

    def _compare(self, ref: Analysis, cand: Analysis, *, unswap: bool) -> list[Discrepancy]:
        rn: Normalized = ref["norm"]
        r_w = rn.image.shape[1] - 2 * 8
        r_h = rn.image.shape[0] - 2 * 8
        cn = self._align(ref, rn, cand, (r_w, r_h))
        errors: list[Discrepancy] = []
        cw, ch = cand.size
        whole = [0.0, 0.0, float(cw), float(ch)]
        if self.enabled("legibility"):
            cbw, cbh = cn.box[2] - cn.box[0], cn.box[3] - cn.box[1]
            rbw, rbh = rn.box[2] - rn.box[0], rn.box[3] - rn.box[1]
            up = min(rbw / max(cbw, 1), rbh / max(cbh, 1))
            aspect = (cbw / max(cbh, 1)) / (rbw / max(rbh, 1))
            if up > T["legibility_scale"]:
                errors.append(finding("chart.legibility", f"The chart is drawn {up:.0f} times smaller than the reference, "
                                      "so its text and marks cannot be read.", "whole image", whole))
            elif not 0.6 <= aspect <= 1.67:
                errors.append(finding("chart.legibility", "The chart is stretched to another aspect ratio, "
                                      "distorting every mark.", "whole image", whole))
        sharp = (rn, cn)  # grid lines are faint: they are counted before softening
        rn_s, cn_s = self._match_resolution(rn, cn)
        other_resolution = rn_s is not rn or cn_s is not cn
        rn, cn = rn_s, cn_s
        panels = self._frames(ref, rn)
        cn = self._align_panels(rn, cn, panels)
        virtual = False
        if not panels and self.enabled("text"):  # no spines nor tint: plot areas from the tick labels
            panels = ref.lazy("tick_frames", lambda: _tick_frames(self._texts(ref)))
            virtual = bool(panels)
        missing, extra = geo.tolerant_diff(rn.image, cn.image, radius=int(T["shift_tolerance_px"]),
                                           threshold=int(T["diff_threshold"]),
                                           fade=T["resolution_fade"] if other_resolution else 0.0)
        ctx = _Ctx(ref, cand, rn, cn, missing, extra, panels, np.zeros_like(missing), other_resolution=other_resolution,
                   virtual_panels=virtual)
        sr, sc = (rn.frame.scale[0] * rn.frame.scale[1]) ** 0.5, (cn.frame.scale[0] * cn.frame.scale[1]) ** 0.5
        ctx.rescaled = other_resolution or abs(sr / max(sc, 1e-9) - 1.0) > 0.1
        ctx.errors = errors
        if self.enabled("background"):
            self._background(ctx)
        if self.enabled("text"):
            ctx.native_text = self._native_text_changes(ctx)
        if int(missing.sum() + extra.sum()) < T["min_region_px"] and not ctx.native_text:
            if self.enabled("series"):  # the same pixels up to 2 px: only a dash pattern can still differ
                for i in range(max(1, len(panels))):
                    self._series(ctx, i)
            if self.enabled("grid"):  # or faint grid lines, below the difference threshold
                self._grid(ctx, *sharp)
            return ctx.errors
        if self.enabled("layout") and self._layout(ctx):
            if len(self._cand_frames(ctx)) != len(panels):  # the content box lost or gained a subplot's share:
                ctx.errors[:] = [e for e in ctx.errors if not e.description.startswith("The chart is stretched")]
            kept = self._panels_in_place(ctx)
            if not kept:
                if self.enabled("text"):
                    self._extra_text(ctx)
                return self._unswapped(ctx, ctx.errors) if unswap and ctx.swapped else ctx.errors
            # A subplot added or removed while the others stay put: those are still compared, the rest is covered
            # by the layout finding.
            if self.enabled("text"):
                self._text(ctx)
            if self.enabled("series"):
                for i in kept:
                    self._series(ctx, i)
            if self.enabled("grid"):  # on the kept plots drawn in the same place at the same size
                cf = self._cand_frames(ctx)
                ctx.grid_done.update(i for i in range(len(panels))
                                     if i not in kept or not any(_same_frame(panels[i], c) for c in cf))
                self._grid(ctx, *sharp)
            # Findings placed at the swapped or lost subplots (their background, found first; a y-axis label far
            # left of its plot, outside the explained zone) moved or went with them.
            # A plot the figure re-laid out around a subplot gone or new (another size) chose its ticks anew.
            gone = tuple(ctx.panel_name(i) for i in range(len(panels)) if i not in kept)
            cf = self._cand_frames(ctx)
            relaid = tuple(ctx.panel_name(i) for i in kept if len(cf) != len(panels) and
                           not any(_same_frame(panels[i], c) for c in cf))
            ctx.errors[:] = [e for e in ctx.errors if not e.location.startswith(gone) and
                             not (e.location.startswith(relaid) and e.location.endswith("tick labels"))]
            found = _consolidated(ctx)
            return self._unswapped(ctx, found) if unswap and ctx.swapped else found
        if self.enabled("layout"):
            self._part_gone(ctx)
        if self.enabled("text"):
            if self.enabled("legend"):
                self._legend_moved(ctx)
            first = len(ctx.errors)
            self._text(ctx)
            if self.enabled("layout"):
                self._swapped_by_labels(ctx)
                self._labelled_part_gone(ctx)
            if self.enabled("axes"):
                self._texts_follow_axis(ctx, first)
        if self.enabled("grid"):
            self._grid_over_marks(ctx)
        if self.enabled("series"):
            for i in range(max(1, len(panels))):
                pm = self._panel_masks(ctx, i)
                if not (self.enabled("overplot") and self._overplotted(pm.rdata, pm.cdata)):  # (_series says so)
                    if self.enabled("axes") and not ctx.axis_moved(i) and self._marks_flipped(ctx, i, pm):
                        ctx.axis_changed.add(i)
                        continue  # every mark moved with the inverted axis: one finding
                    if self.enabled("axes") and not ctx.axis_moved(i) and self._marks_rescaled(ctx, i, pm):
                        ctx.axis_changed.add(i)  # every mark follows one stretch of the y-axis: its range changed
                    if self.enabled("chart_type") and (self._kind_of_marks_changed(ctx, i, pm) or
                                                       self._stacking_changed(ctx, i, pm)):
                        continue  # every mark of the panel differs because of it: one finding
                first = len(ctx.errors)
                self._series(ctx, i, pm)
                if self.enabled("axes") and not any(e.category in ("data_error", "structure_error")
                                                    for e in ctx.errors[first:]):
                    self._values_off_axis(ctx, i, pm)  # (a series gone or new moves the range too)
        if self.enabled("grid"):
            self._grid(ctx, *sharp)
        if self.enabled("text") and not ctx.errors:
            self._unread_text(ctx)
        if self.enabled("residual"):
            self._residual(ctx)
        if self.enabled("pie"):
            self._pies(ctx)
        if self.enabled("text") and self.enabled("chart_type"):
            self._traded_axes_text(ctx)
        return _consolidated(ctx)

    # ---------------- detectors ----------------
    def _traded_axes_text(self, ctx: _Ctx) -> None:
        """Bars turned the other way (or horizontal bars drawn as another kind, or the reverse) trade their axes:
        tick labels, axis labels, value labels and annotations placed in data units all move, and a legend placed
        at 'best' with them. A text finding about such a panel (not its title) is dropped when its reference text is
        still drawn somewhere in the candidate and the text now read in its place (if any) is part of a reference
        line. The reference line's glyphs are looked for first; only when they are not found (another resolution,
        labels that came apart) is the candidate read whole with OCR, the one place it is (about half a second)."""
        turned = [_location_panel(e.location) for e in ctx.errors if _axes_traded(e)]
        if not turned:
            return
        h, w = ctx.missing.shape
        zones = []
        for p in turned:
            x0, y0, x1, y1 = ctx.panels[p] if p is not None and ctx.panels else (0, 0, w, h)
            mx, my = 0.15 * (x1 - x0) + 40, 0.15 * (y1 - y0) + 40  # its axis labels and the labels beside it
            zones.append(ctx.cand_box((max(0, x0 - mx), max(0, y0 - my), min(w, x1 + mx), min(h, y1 + my))))
        ref_texts = self._texts(ctx.ref)
        ref_lines = [normalize_text(t.text) for t in ref_texts]

        grey, cand_grey = self._grey(ctx)

        def glyphs_elsewhere(q: str) -> bool:  # the reference line's glyphs, upright or turned a quarter (an axis
            # label), found anywhere in the candidate's own pixels (the work frames' fit differs where the layout
            # did): no OCR needed when both are drawn at one scale
            for t in (t for t in ref_texts if t.text == q):
                x0, y0, x1, y1 = (int(round(v)) for v in ctx.rn.to_source(t.box, clip_to=ctx.ref.size))
                tpl = grey[max(0, y0):y1, max(0, x0):x1]
                if not tpl.size:
                    continue
                if _glyphs_found(tpl, cand_grey) or any(
                        _glyphs_found(cv2.rotate(tpl, turn), cand_grey, ncc=T["text_turned_ncc"])
                        for turn in (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE)):
                    return True
            return False

        def drawn(q: str) -> bool:  # still drawn somewhere in the candidate (words of labels read as one line
            # in the reference, such as two value labels side by side, each on its own)
            if glyphs_elsewhere(q):
                return True
            lines = [t.text for t in self._cand_lines(ctx)]  # (read once, and only when a glyph match failed)
            return any(text_similarity(q, c) >= T["text_same"] or _holds_words(c, q) for c in lines) or \
                (len(q.split()) >= 2 and all(any(_holds_words(c, word) for c in lines) for word in q.split()))

        def known(q: str) -> bool:  # (part of) a reference line
            return any(fuzz.partial_ratio(normalize_text(q), r) >= 80 for r in ref_lines)

        def follows(e: Discrepancy) -> bool:
            if not _centred_in(e, zones):
                return False
            if e.description == _LEGEND_MOVED:
                return True
            if e.category != "text_error" or "title" in e.location:
                return False
            quoted = [q for q in _quoted(e.description) if sum(c.isalnum() for c in q) >= 3]
            if not quoted:
                return bool(_quoted(e.description))  # a letter or two: marks of the old kind read as glyphs
            if "that the reference does not have" in e.description:
                return all(known(q) for q in quoted)
            read = _reading(e)
            if read:  # (an axis label's place now holds the other axis's label and tick labels, read as anything)
                return drawn(read[1]) and (known(read[0]) or e.location.endswith("axis label"))
            return all(drawn(q) for q in quoted)
        ctx.errors[:] = [e for e in ctx.errors if not follows(e)]

    def _pies(self, ctx: _Ctx) -> None:
        """A pie whose slices changed their shares: one finding naming them. Every wedge after a changed one turns,
        so the colours traded at the moved boundaries, the marks there, and the labels and percentages that moved
        or changed with their wedges are consequences, dropped."""
        ref_pies = self._ref_pies(ctx)
        if not ref_pies:
            return
        cand_pies = pies.find_pies(ctx.cn.image, ctx.cn.background)
        words = None
        for rp in ref_pies:
            cp = next((c for c in cand_pies if pies.same_pie(rp, c)), None)
            if cp is not None:
                change = pies.compare(rp, cp, color_delta=T["series_color_delta"])
                if change is None:
                    self._pie_followed(ctx, rp, cp)
                    continue
                said = [("chart.values", _pie_description(change))] if change.values else []
                if change.mirrored:
                    said.append(("chart.pie_order", _PIE_MIRRORED))
                if change.pulled:
                    said.append(("chart.pie_pulled", _pulled_description(change.pulled)))
                drawn = cp.box
            else:
                x0, y0, x1, y1 = (int(round(v)) for v in rp.box)
                ink = ctx.ink("c")[max(y0, 0):y1, max(x0, 0):x1]
                filled = ink.size > 0 and ink.mean() >= 0.15  # (marks in the pie's place)
                if (moved := self._pie_moved(ctx, rp)) is not None:
                    # The same pie drawn elsewhere (frameless subplots traded): the parts moved, said once.
                    _drop_around(ctx, [rp.box, moved], rp.radius / 2)
                    said, drawn = [("chart.subplot_arrangement", _PIE_TRADED if filled else _PIE_MOVED)], moved
                elif not filled:
                    continue  # the pie is gone, or shrunk: the text and layout detectors tell
                elif (ctx.missing | ctx.extra)[max(y0, 0):y1, max(x0, 0):x1].mean() < 0.3:
                    continue  # most of the pie still drawn as it was (a wedge in the background's colour)
                else:  # another kind of chart in the pie's place: everything drawn there follows (the new plot
                    # area, where frames tell it, its tick and axis labels, the slice labels gone from around it)
                    placed = [f for f in self._cand_frames(ctx) if geo.box_overlap(f, rp.box) > 0.3
                              and not any(box_iou(f, g) > 0.8 for g in ctx.panels)]
                    _drop_around(ctx, [union_box([rp.box, *placed])], rp.radius / 2)
                    said, drawn = [("chart.chart_type", _PIE_RETYPED)], rp.box
            x0, y0, x1, y1 = ctx.cand_box(drawn)
            cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) / 2
            if words is None:  # (the reference's lines only: a moved label's text was there, and the candidate
                # is never read whole)
                words = [t.text for t in self._texts(ctx.ref)]

            def near(e, reach: float) -> bool:
                if not e.bbox:
                    return False
                ex, ey = (e.bbox[0] + e.bbox[2]) / 2, (e.bbox[1] + e.bbox[3]) / 2
                return bool(np.hypot(ex - cx, ey - cy) <= reach * r)

            def follows(e) -> bool:  # marks at moved boundaries; a label or percentage that went with its wedge
                if e.category in ("data_error", "style_error"):
                    return near(e, 1.05)
                if e.category != "text_error" or not near(e, 1.8):
                    return False
                quoted = [re.sub(r"[^\w%.,+\- ]", "", q).strip() for q in _quoted(e.description)]
                # (a label read in part; a few glyphs of a label moved partly over another's place)
                return all(_value_like(q) or len(q) <= 3 or any(text_similarity(q, w) >= 0.8 or q in w
                                                                for w in words) for q in quoted)
            ctx.errors[:] = [e for e in ctx.errors if not follows(e)]
            panel = next((i for i, b in enumerate(ctx.panels) if geo.holds(b, rp.box)), None)
            ctx.errors += [finding(rule, text, ctx.panel_name(panel) + "pie", [float(v) for v in (x0, y0, x1, y1)])
                           for rule, text in said]

    def _pie_followed(self, ctx: _Ctx, rp, cp) -> None:
        """The same pie, its slices unchanged, drawn larger or elsewhere (a title gone lets a frameless plot grow):
        its marks and the labels set around it moved with it. Findings on its marks go, and text findings whose
        reference lines (within 1.8 radii) are drawn where the pie's move takes them (their glyphs found there,
        and read there the same)."""
        k = cp.radius / rp.radius
        if abs(k - 1.0) < 0.02 and np.hypot(cp.cx - rp.cx, cp.cy - rp.cy) < 2.0:
            return  # in place: what differs around it is its own finding

        def taken(b) -> tuple:  # a reference box's centre carried along with the pie, at its own size
            mx, my = cp.cx + ((b[0] + b[2]) / 2 - rp.cx) * k, cp.cy + ((b[1] + b[3]) / 2 - rp.cy) * k
            hw, hh = (b[2] - b[0]) / 2, (b[3] - b[1]) / 2
            pad = 0.04 * cp.radius  # (the pie's centre and radius are read to a pixel or two)
            return (mx - hw - pad, my - hh - pad, mx + hw + pad, my + hh + pad)

        def read_same(t) -> bool:  # (as _reads_same: the line read whole, or read the way crops are)
            read = self._recognize(ctx, taken(t.box))[0]
            return max(text_similarity(t.text, read), text_similarity(self._ref_reading(ctx, t), read)) >= T["text_same"]
        said = {q for e in ctx.errors if e.category == "text_error" for q in _reference_texts(e)}
        around = [t for t in self._texts(ctx.ref) if t.text in said and
                  np.hypot(t.center[0] - rp.cx, t.center[1] - rp.cy) <= 1.8 * rp.radius]
        # (its glyphs alike there, and read the same: one letter of a short label changed correlates well too)
        carried = [(t.text, ctx.cand_box(t.box)) for t in around
                   if _shifted_in_source(ctx, t.box, slack_x=2, to=taken(t.box), dark=True) and read_same(t)]
        x0, y0, x1, y1 = ctx.cand_box(cp.box)
        cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) / 2

        def follows(e) -> bool:
            if e.category in ("data_error", "style_error"):
                return bool(e.bbox) and np.hypot((e.bbox[0] + e.bbox[2]) / 2 - cx, (e.bbox[1] + e.bbox[3]) / 2 - cy) \
                    <= 1.05 * r
            quoted = _reference_texts(e)  # (each line by its place: '10%' may label three wedges)
            return e.category == "text_error" and bool(quoted) and bool(e.bbox) and all(any(
                q == text and e.bbox[0] <= (b[0] + b[2]) / 2 <= e.bbox[2] and e.bbox[1] <= (b[1] + b[3]) / 2 <= e.bbox[3]
                for text, b in carried) for q in quoted)
        ctx.errors[:] = [e for e in ctx.errors if not follows(e)]

    def _pie_moved(self, ctx: _Ctx, rp) -> tuple | None:
        """The box (work pixels) where the candidate draws the reference's pie ``rp`` at the same size, a radius or
        more away from its place: its picture found there (lines drawn across it may hide it from the pie
        finder)."""
        x0, y0, x1, y1 = (int(round(v)) for v in rp.box)
        ri, ci = ctx.rn.image, ctx.cn.image
        if x0 < 0 or y0 < 0 or x1 > ri.shape[1] or y1 > ri.shape[0] or x1 - x0 > ci.shape[1] or y1 - y0 > ci.shape[0]:
            return None
        tpl = cv2.cvtColor(ri[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
        score = cv2.matchTemplate(cv2.cvtColor(ci, cv2.COLOR_RGB2GRAY), tpl, cv2.TM_CCOEFF_NORMED)
        _, best, _, (bx, by) = cv2.minMaxLoc(score)
        if best < T["pie_found"] or np.hypot(bx - x0, by - y0) < rp.radius:
            return None
        return (bx, by, bx + x1 - x0, by + y1 - y0)

    def _ref_pies(self, ctx: _Ctx) -> list:
        rn = ctx.ref["norm"]
        return ctx.ref.lazy("pies", lambda: pies.find_pies(rn.image, rn.background))

    def _pie_replaced(self, ctx: _Ctx, rf: list, cf: list):
        """The reference's pie that the candidate's one extra plot area stands on, with no pie drawn there. (The
        other plots may be re-laid around the new one, wider or narrower: each still covers its reference's.)"""
        new = [f for f in cf if not any(geo.box_overlap(f, g) > 0.5 for g in rf)]
        if len(cf) != len(rf) + 1 or len(new) != 1:
            return None
        hit = [p for p in self._ref_pies(ctx) if geo.box_overlap(new[0], p.box) > 0.3]
        if len(hit) != 1 or any(pies.same_pie(hit[0], c) for c in pies.find_pies(ctx.cn.image, ctx.cn.background)):
            return None
        return hit[0]

    def _layout(self, ctx: _Ctx) -> bool:
        """Subplot count, arrangement and order. True when the layout differs (per-panel checks are then moot)."""
        rf, cf = ctx.panels, self._cand_frames(ctx)
        # (an empty subplot removed at the same resolution changes few pixels, but its spines are gone)
        lost = not ctx.other_resolution and any(_spines_gone(ctx, b) for b in rf
                                                 if not any(box_iou(b, c) >= 0.5 for c in cf))
        if ctx.relaid:  # (the count read from tick labels is loose: crowded or slanted labels go unread)
            rs, cs = geo.grid_shape(rf), geo.grid_shape(cf)
            desc = (f"The subplots are arranged {cs[0]}x{cs[1]} instead of {rs[0]}x{rs[1]}." if len(cf) == len(rf) else
                    f"The subplots are laid out otherwise: the chart's plot areas stand in {cs[0]} row(s) and "
                    f"{cs[1]} column(s) where the reference's stand in {rs[0]} and {rs[1]}.")
            key = "chart.subplot_arrangement"
            if len(cf) == 1:  # one plot spread over the places of several: the others are gone
                gone = "the other is missing" if len(rf) == 2 else "the others are missing"
                key, desc = "chart.subplot_count", (f"The chart has one plot where the reference has {len(rf)}: "
                                                    f"{gone} and the one left spreads over the figure.")
            drawn = geo.box_of(ctx.missing | ctx.extra)  # (plots whose labels went unread moved too)
            # (the reference's plot areas stand on other content: their backgrounds are not compared)
            ctx.errors[:] = [e for e in ctx.errors if not e.description.startswith("The plot background")]
            ctx.errors.append(finding(key, desc, "figure layout", ctx.cand_box(union_box(cf + ([drawn] if drawn else [])))))
            return True
        if len(rf) != len(cf) and (ctx.missing | ctx.extra).mean() < 0.01 and not lost:
            return False  # a frame lost to resampling, not a missing subplot: the pixels barely differ
        if rf and (len(rf) != len(cf) or geo.grid_shape(rf) != geo.grid_shape(cf)) and not lost:
            # A spine misread at another resolution is not a layout change: every reference panel must still be
            # drawn in place (little tolerant difference inside each) for the layouts to be the same.
            diff = ctx.missing | ctx.extra
            if all(diff[b[1]:b[3], b[0]:b[2]].mean() < 0.02 for b in rf):
                return False
        if len(rf) != len(cf):
            pie = self._pie_replaced(ctx, rf, cf) if self.enabled("pie") else None
            if pie is not None:  # the new plot area stands where a pie was: the pie is drawn as another chart
                ctx.errors.append(finding("chart.chart_type", _PIE_RETYPED, "pie", ctx.cand_box(pie.box)))
                return True
            ctx.gone = self._subplots_gone(ctx, rf, cf)
            for i in ctx.gone:
                row, col = _grid_place(rf, i)
                ctx.errors.append(finding("chart.subplot_count", f"The subplot at row {row}, column {col} is missing "
                                          "from the figure.", f"subplot {i + 1}", ctx.cand_box(rf[i])))
            if ctx.gone:
                return True
            if _frames_within(cf, rf):
                return False  # every plot is still drawn in place, a frame or two just went unread (dark bars
                # filling a plot touch its spines): no layout change, each plot is compared
            box = geo.box_of(ctx.missing | ctx.extra) or (0, 0, ctx.cn.image.shape[1], ctx.cn.image.shape[0])
            desc = (f"The chart has {len(cf)} subplot(s) where the reference has {len(rf)}." if cf else
                    f"None of the reference's {len(rf)} plot areas is found in the chart: its subplots are missing or "
                    "laid out otherwise." if len(rf) > 1 else "The reference's plot area is not found in the chart.")
            ctx.errors.append(finding("chart.subplot_count", desc, "figure layout",
                                      _lone_panels_box(ctx, rf, cf) or ctx.cand_box(box)))
            return True
        if len(rf) == 0:
            return self._parts_swapped(ctx)
        rs, cs = geo.grid_shape(rf), geo.grid_shape(cf)
        moved = [i for i, (a, b) in enumerate(zip(rf, cf)) if box_iou(a, b) < 0.5]
        if rs != cs or moved:
            if len(rf) == 1 and self._parts_swapped(ctx):
                return True  # (the one plot read framed went with its part of the figure)
            where = [cf[i] for i in moved] or cf
            box = (min(b[0] for b in where), min(b[1] for b in where), max(b[2] for b in where), max(b[3] for b in where))
            desc = (f"The subplots are arranged {cs[0]}x{cs[1]} instead of {rs[0]}x{rs[1]}." if rs != cs
                    else f"Subplot {moved[0] + 1} has another size or position than in the reference.")
            ctx.errors.append(finding("chart.subplot_arrangement", desc, "figure layout", ctx.cand_box(box)))
            return True
        if len(rf) >= 2:
            swapped = self._swapped_panels(ctx, rf)
            if swapped:
                i, j = ctx.swapped = swapped
                box = (min(rf[i][0], rf[j][0]), min(rf[i][1], rf[j][1]), max(rf[i][2], rf[j][2]), max(rf[i][3], rf[j][3]))
                ctx.errors.append(finding("chart.subplot_arrangement", f"Subplots {i + 1} and {j + 1} are in each "
                                          "other's places.", f"subplots {i + 1} and {j + 1}", ctx.cand_box(box)))
                return True
            return False
        return self._parts_swapped(ctx)

    def _parts_swapped(self, ctx: _Ctx) -> bool:
        """Two parts of a figure whose plot areas are not all framed (one plot's spines read, the other drawn
        without) in each other's places: the reference's bands of content, rows or else columns, each a fifth of
        the figure or more, compared as framed plots are (_swapped_panels). True when found and reported."""
        parts, rows = _content_parts(ctx.ink("r"))
        swapped = self._swapped_panels(ctx, parts) if len(parts) >= 2 else None
        if not swapped:
            return False
        i, j = swapped
        for x0, y0, x1, y1 in (parts[i], parts[j]):
            ctx.explained[y0:y1, x0:x1] = True
        box = union_box([parts[i], parts[j]])
        where = [ctx.cand_box(parts[i]), ctx.cand_box(parts[j])]
        # (a plot's own background read where the other part's plot now stands went with it)
        ctx.errors[:] = [e for e in ctx.errors if not (e.description.startswith("The plot background is") and
                                                        _centred_in(e, where))]
        ctx.errors.append(finding("chart.subplot_arrangement", f"Parts {i + 1} and {j + 1} of the figure (counted from "
                                  f"the {'top' if rows else 'left'}) are in each other's places.", "figure layout",
                                  ctx.cand_box(box)))
        return True

    def _swapped_by_labels(self, ctx: _Ctx) -> None:
        """Two labelled parts of the figure in each other's places (subplots without frames, or ones the frame
        check cannot tell apart): two titles or labels each read the other's text, and what lies under each now
        looks like what lay under the other. One structure finding replaces
        both readings, and the parts under them (their subplots, or down to the next row of labels) are explained,
        so their marks are not listed as changed series."""
        # (swapped axis labels or legend entries are text errors: they name no part; a label inside a plot names
        # the part under it, an inset drawn without a frame we can read, only with a label beside it)
        lines = [r for r in ctx.readings if r[2] in ("title", "text") or r[2].startswith("plot area")]
        pairs = [(a, b) for k, a in enumerate(lines) for b in lines[k + 1:]
                 if _reads_part(a[1], b[0].text) and _reads_part(b[1], a[0].text)]
        if len(pairs) != 1:
            return  # (several pairs: the whole order reversed, an inverted axis of labelled rows)
        (ta, _, role, fa), (tb, _, _, fb) = pairs[0]
        inside = role.startswith("plot area")
        parts = [self._part_under(ctx, t, inside=inside) for t in (ta, tb)]
        if None in parts:
            return
        if inside:  # parts of one plot: the same width about each label, so their contents line up when traded
            half = min(min(p[2] - t.center[0], t.center[0] - p[0]) for p, t in zip(parts, (ta, tb)))
            parts = [(int(t.center[0] - half), p[1], int(t.center[0] + half), p[3]) for p, t in zip(parts, (ta, tb))]
            # ... and down only as far as the pictures differ: marks the plot draws across both stay put.
            diff = ctx.missing | ctx.extra
            rows = np.flatnonzero(np.logical_or.reduce([diff[:, max(0, p[0]):p[2]].any(axis=1) for p in parts]))
            rows = rows[rows < min(p[3] for p in parts)]
            if rows.size:
                parts = [(p[0], p[1], p[2], max(p[1] + 8, int(rows[-1]) + 3)) for p in parts]
        under = [(p[0], min(p[3] - 1, int(t.box[3]) + 2), p[2], p[3]) for p, t in zip(parts, (ta, tb))]
        if min(b[3] - b[1] for b in under) < 8 or not _contents_traded(ctx, *under):
            return  # what lies under the labels stayed: swapped tick or category names, a text change
        for x0, y0, x1, y1 in parts:
            ctx.explained[y0:y1, x0:x1] = True
        where = [ctx.cand_box(p) for p in parts]

        def inside(e) -> bool:  # a text finding in either part (a label cut off there, read as new text)
            cx, cy = (e.bbox[0] + e.bbox[2]) / 2, (e.bbox[1] + e.bbox[3]) / 2
            return e.category == "text_error" and any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in where)
        ctx.errors[:] = [e for e in ctx.errors if e is not fa and e is not fb and not inside(e)]
        spans = [ta.box, tb.box] + parts  # (the labels and what lies under them)
        box = (min(b[0] for b in spans), min(b[1] for b in spans), max(b[2] for b in spans), max(b[3] for b in spans))
        ctx.errors.append(finding("chart.subplot_arrangement", f"The parts of the figure labelled '{ta.text}' and "
                                  f"'{tb.text}' are in each other's places.", "figure layout", ctx.cand_box(box)))

    def _labelled_part_gone(self, ctx: _Ctx) -> None:
        """A part of a figure without frames gone with its label (a subplot of shapes with its title): the label is
        missing and the part under it lost most of its ink. One structure finding replaces the missing label, and
        the part is explained (its marks are not listed again)."""
        if ctx.panels:
            return  # (with frames, the subplot count says it)
        for t, found in ctx.gone_labels:
            if sum(ch.isalpha() for ch in t.text) < 2:
                continue  # (a number labels a value, a bar's or a point's, not a part)
            part = self._part_under(ctx, t)
            if part is None:
                continue
            x0, y0, x1, y1 = part
            below = np.s_[min(y1, int(t.box[3]) + 2):y1, x0:x1]
            r_ink, c_ink = int(ctx.ink("r")[below].sum()), int(ctx.ink("c")[below].sum())
            if r_ink < 200 or c_ink > T["part_gone_ink"] * r_ink:
                continue
            ctx.explained[y0:y1, x0:x1] = True
            ctx.errors[:] = [e for e in ctx.errors if e is not found]
            ctx.errors.append(finding("chart.subplot_count", f"The part of the figure labelled '{t.text}' is missing.",
                                      "figure layout", ctx.cand_box((x0, y0, x1, y1))))

    def _part_gone(self, ctx: _Ctx) -> None:
        """A part of a figure without frames gone whole, labels and all, while the rest stays as drawn (a pie's
        companion bar, a second block of lines under its own title): the pieces of the reference's ink the
        candidate lost, gathered into one box as long as it takes in little ink the candidate kept, hold a text
        line and a fifth of the reference's ink; the candidate leaves the box nearly blank and keeps nearly all
        the ink outside it. One structure finding; the box is explained and its texts are not read."""
        if ctx.panels and not ctx.virtual_panels:
            return  # (with frames, the subplot count says it)
        r, c = ctx.ink("r"), ctx.ink("c")
        h, w = r.shape
        gone = r & ~geo.dilate(c, 3)
        least = T["part_gone_share"]
        if gone.sum() < T["part_gone_row_share"] * r.sum():
            return
        box = _gathered_box(gone, r & ~gone, c)
        if box is None:
            return
        x0, y0, x1, y1 = box
        ink_box = geo.box_of(r)
        if ink_box is not None and (x1 - x0 >= 0.9 * (ink_box[2] - ink_box[0]) or
                                    y1 - y0 >= 0.9 * (ink_box[3] - ink_box[1])):
            least = T["part_gone_row_share"]  # a whole row or column of the figure: one of many stacked plots
        if gone.sum() < least * r.sum():
            return
        sl = np.s_[y0:y1, x0:x1]
        lost, held = int(gone[sl].sum()), int(r[sl].sum())
        outside = int(r.sum()) - held
        if (lost < least * r.sum() or outside < T["part_gone_share"] * r.sum() or
                int(gone.sum()) - lost > 0.1 * outside):
            return
        texts = [t for t in self._texts(ctx.ref) if x0 <= t.center[0] <= x1 and y0 <= t.center[1] <= y1
                 and gone[int(t.box[1]):int(t.box[3]) + 1, int(t.box[0]):int(t.box[2]) + 1].any()]
        if not texts or (least < T["part_gone_share"] and len(texts) < 2):
            return  # (marks alone gone: series, said per series; a long line gone with its one name is a series)
        ctx.explained[sl] = True
        if ctx.skip is None:
            ctx.skip = np.zeros_like(ctx.explained)
        ctx.skip[sl] = True  # (its texts, tick labels of a plot read from them too, went with it)
        top = min(texts, key=lambda t: (t.box[1], t.box[0]))
        side = _side_of((x0 + x1) / 2 / w, (y0 + y1) / 2 / h)
        ctx.errors.append(finding("chart.subplot_count", f"The part of the figure at the {side} ('{top.text}' and "
                                  "what it labels) is missing.", "figure layout", ctx.cand_box(box)))

    def _part_under(self, ctx: _Ctx, t: TextBox, *, inside: bool = False) -> tuple[int, int, int, int] | None:
        """The part of the figure a label names, as a work box: its subplot when frames exist, else (or for a
        label ``inside`` a subplot, within it) the columns halfway to the nearest label beside it and the rows
        down to the next row of labels (None without a label beside it: a label of a row, not of a part in a
        grid of parts)."""
        h, w = ctx.missing.shape
        x0, y0, x1, y1 = 0, 0, w, h
        if ctx.panels:
            x0, y0, x1, y1 = ctx.panels[_panel_of(ctx.panels, t.box)]
            if not inside:
                return max(0, x0 - 4), max(0, min(y0, int(t.box[1])) - 4), min(w, x1 + 4), min(h, y1 + 4)
        others = [o for o in self._texts(ctx.ref) if o is not t and "tick" not in _text_role([], o)[1]
                  and x0 <= o.center[0] <= x1 and y0 <= o.center[1] <= y1]
        cx, top, bottom = (t.box[0] + t.box[2]) / 2, t.box[1], t.box[3]
        beside = [abs((o.box[0] + o.box[2]) / 2 - cx) for o in others if abs(o.box[1] - top) < bottom - top]
        if not beside:
            return None
        half = min(beside) / 2
        below = [o.box[1] for o in others if o.box[1] > bottom + 2 and o.box[0] < cx + half and o.box[2] > cx - half]
        return (int(max(x0, cx - half)), int(max(y0, top - 2)), int(min(x1, cx + half)),
                int(min(y1, min(below, default=y1))))

    @staticmethod
    def _subplots_gone(ctx: _Ctx, rf: list, cf: list) -> tuple:
        """The reference subplots the candidate dropped while every plot area it draws lies on one of the
        reference's (the figure's layout kept, see _subplots_in_place): each one whose spines are bare in the
        candidate. A plot area whose frame merely went unread (a dark image filling it) is not gone."""
        if not _frames_within(cf, rf):
            return ()
        return tuple(i for i, b in enumerate(rf) if not any(box_iou(b, c) >= 0.9 for c in cf) and
                     _spines_gone(ctx, b, [o for o in rf if o != b]))

    def _panels_in_place(self, ctx: _Ctx) -> list[int]:
        """After a change of the subplot count, or two subplots swapped: the other reference panels, drawn in the
        same place in the candidate; the panels the layout finding covers (and any new one), grown by their labels'
        margin, are marked explained and skipped."""
        rf, cf = ctx.panels, self._cand_frames(ctx)
        if (len(rf) == len(cf) and not ctx.swapped) or len(rf) < 2:
            return []
        need = 0.5 if len(rf) == len(cf) else 0.9  # (with the count kept, a plot resized in place is still itself)
        # (with subplots gone from a kept layout, a plot area whose frame went unread is still compared)
        kept = [i for i, b in enumerate(rf) if (any(box_iou(b, c) >= need for c in cf) or
                                               (ctx.gone and i not in ctx.gone)) and i not in ctx.swapped]
        if not kept:
            return []
        h, w = ctx.missing.shape
        zone = np.zeros((h, w), bool)
        gone = [rf[i] for i in range(len(rf)) if i not in kept]
        new = [c for c in cf if all(box_iou(c, rf[i]) < need for i in kept) and c not in gone]
        for b in gone + new:
            x0, y0, x1, y1 = b
            inset = any(geo.holds(rf[i], b) for i in kept)
            gx, gy0, gy1 = (6, 30, 6) if inset else (60, 30, 45)  # an inset's labels sit close inside its host
            zone[max(0, y0 - gy0):min(h, y1 + gy1), max(0, x0 - gx):min(w, x1 + 10)] = True
        ctx.explained |= zone
        ctx.skip = zone
        return kept

    def _unswapped(self, ctx: _Ctx, found: list[Discrepancy]) -> list[Discrepancy]:
        """Two plots of one size in each other's places (``found`` holds that finding and the other plots'): what
        changed in the two plots themselves, read by comparing the reference with the candidate whose two plots'
        cells (each plot with its titles and labels, in the candidate's own pixels) are traded back. Those
        findings, boxed where the plots stand in the candidate, replace what ``found`` places in the cells.
        ``found`` stands as it is when the candidate's frames cannot be told, a plot's titles or labels need more
        room than its new place has (the figure would be laid out anew around it), or the traded candidate still
        reads another layout."""
        i, j = ctx.swapped
        img = ctx.cand.image
        H, W = img.shape[:2]
        frames = geo.sort_reading_order(_plot_frames(img))
        if len(frames) != len(ctx.panels) or any(box_iou(ctx.cand_box(self._cand_frames(ctx)[k]), frames[k]) < 0.5
                                                 for k in (i, j)) or \
                max(abs((frames[i][k + 2] - frames[i][k]) - (frames[j][k + 2] - frames[j][k])) for k in (0, 1)) > 3:
            return found
        ink = far_from(img, ctx.cn.background) > T["ink_tolerance"]
        cells = [_plot_cell(ink, frames, k) for k in (i, j)]
        shared = self._shared_labels(ctx, i, j)
        if shared == "below":  # (an axis shared down a column labels only the lowest plot: its labels stay)
            cells = [(c[0], c[1], c[2], min(c[3], frames[k][3] + 3)) for c, k in zip(cells, (i, j))]
        elif shared == "left":
            cells = [(max(c[0], frames[k][0] - 3), c[1], c[2], c[3]) for c, k in zip(cells, (i, j))]
        dx, dy = frames[j][0] - frames[i][0], frames[j][1] - frames[i][1]
        shifts = [(dx, dy), (-dx, -dy)]
        moved = [(c[0] + u, c[1] + v, c[2] + u, c[3] + v) for c, (u, v) in zip(cells, shifts)]
        inked, reach = [], []  # each cell's ink, and where it lands: inside the image, clear of the other's
        for c, m in zip(cells, moved):
            b = geo.box_of(ink[c[1]:c[3], c[0]:c[2]]) or (0, 0, 1, 1)
            inked.append((c[0] + b[0], c[1] + b[1], c[0] + b[2], c[1] + b[3]))
            reach.append((m[0] + b[0], m[1] + b[1], m[0] + b[2], m[1] + b[3]))
        if min(min(r[:2]) for r in reach) < 0 or max(r[2] for r in reach) > W or max(r[3] for r in reach) > H or \
                box_iou(*reach) > 0:
            return found
        traded = img.copy()
        for x0, y0, x1, y1 in cells:
            traded[y0:y1, x0:x1] = ctx.cn.background
        for (x0, y0, x1, y1), (u, v) in zip(cells, shifts):  # (only the blank edge of a cell may fall off)
            tx0, ty0, tx1, ty1 = max(0, x0 + u), max(0, y0 + v), min(W, x1 + u), min(H, y1 + v)
            traded[ty0:ty1, tx0:tx1] = img[ty0 - v:ty1 - v, tx0 - u:tx1 - u]
        x0, y0, x1, y1 = inked[0]  # (the second cell's blank edge must not wipe the first's ink)
        u, v = shifts[0]
        keep = ink[y0:y1, x0:x1]
        traded[y0 + v:y1 + v, x0 + u:x1 + u][keep] = img[y0:y1, x0:x1][keep]
        rest = self._compare(ctx.ref, self.analyse(traded), unswap=False)
        if any(e.location == "figure layout" for e in rest):
            return found
        # A second pair traded as well (this pair traded back, the other shows): its finding stands, and covers
        # what the first pass said inside those two plots.
        nested = [e for e in rest if e.location.startswith("subplots ") and e.bbox is not None]

        def centred(e: Discrepancy, box) -> bool:
            return e.bbox is not None and box[0] <= (e.bbox[0] + e.bbox[2]) / 2 < box[2] and \
                box[1] <= (e.bbox[1] + e.bbox[3]) / 2 < box[3]

        def moved_back(e: Discrepancy) -> Discrepancy | None:  # read in a traded cell: boxed where it is drawn
            for m, (u, v) in zip(moved, shifts):
                if centred(e, m):
                    return dataclasses.replace(e, bbox=[max(0.0, e.bbox[0] - u), max(0.0, e.bbox[1] - v),
                                                        min(float(W), e.bbox[2] - u), min(float(H), e.bbox[3] - v)])
            return None
        covered = cells + [n.bbox for n in nested]
        # (textures drawn in the figure's own phase, as hatches are, do not meet the reference's pixels when
        # their plots are traded back: what the traded cells show is not compared then)
        back = [] if ctx.swapped_texture else \
            [m for m in map(moved_back, rest) if m is not None and not m.location.startswith("subplots ")]
        return [e for e in found if e.location.startswith("subplots ") or not any(centred(e, c) for c in covered)] + \
            back + nested

    @staticmethod
    def _shared_labels(ctx: _Ctx, i: int, j: int) -> str | None:
        """'below' ('left') when plots ``i`` and ``j``, one over the other (side by side), share their x (y) axis:
        the band of tick labels under (left of) one holds ink and the other's is bare, in the reference and in the
        candidate alike, so the labels belong to the place, not to the plot that moved."""
        a, b = ctx.panels[i], ctx.panels[j]
        h = ctx.missing.shape[0]
        for side in ("below", "left"):
            if (side == "below") != (min(a[2], b[2]) - max(a[0], b[0]) > 0):
                continue  # (a column's plots share x, a row's share y)

            def band(which: str, p) -> float:
                m = ctx.ink(which)
                cut = m[p[3] + 4:min(h, p[3] + 18), p[0]:p[2]] if side == "below" else \
                    m[p[1]:p[3], max(0, p[0] - 40):max(0, p[0] - 4)]
                return float(cut.mean()) if cut.size else 0.0
            bare_r = [band("r", p) < 0.005 for p in (a, b)]
            if bare_r[0] != bare_r[1] and [band("c", p) < 0.005 for p in (a, b)] == bare_r:
                return side
        return None

    def _swapped_panels(self, ctx: _Ctx, frames) -> tuple[int, int] | None:
        def grey(which, b):
            crop = (ctx.rn if which == "r" else ctx.cn).image[b[1]:b[3], b[0]:b[2]]
            return cv2.resize(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), (48, 36), interpolation=cv2.INTER_AREA).astype(np.float32)
        hues: dict = {}

        def hued(which, b):  # where the image is coloured: the data of most plots, no black text drawn over it
            if which not in hues:
                img = (ctx.rn if which == "r" else ctx.cn).image
                spread = cv2.max(cv2.max(img[:, :, 0], img[:, :, 1]), img[:, :, 2]).astype(np.int16) - \
                    cv2.min(cv2.min(img[:, :, 0], img[:, :, 1]), img[:, :, 2])
                hues[which] = (spread > T["hued_chroma"]).astype(np.float32)
            return cv2.resize(hues[which][b[1]:b[3], b[0]:b[2]], (48, 36), interpolation=cv2.INTER_AREA)

        spectra: dict = {}

        def texture(which, b):  # fine textures (hatches) average out to one grey in a thumbnail, and their phase
            # follows the figure, not the plot: the magnitude of the inside's spectrum, phase-free, as shares
            if (which, b) not in spectra:
                crop = (ctx.rn if which == "r" else ctx.cn).image[b[1] + 3:b[3] - 3, b[0] + 3:b[2] - 3]
                g = cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2GRAY).astype(np.float32)
                m = np.abs(np.fft.fftshift(np.fft.fft2(g - g.mean()))).astype(np.float32)
                m = cv2.resize(m, (32, 32), interpolation=cv2.INTER_AREA)
                spectra[(which, b)] = m * (m.size / max(float(m.sum()), 1e-6))
            return spectra[(which, b)]

        def traded(thumb, a, b, apart: float, ratio: float, least: float = -1.0) -> bool:
            # (both hold more than ``least``, differ by more than ``apart``, and each looks like the other's place
            # far more than like its own; or, one of them changed as well, each looks more like the other's place
            # than its own and one of them far more)
            ri, rj, ci, cj = thumb("r", a), thumb("r", b), thumb("c", a), thumb("c", b)
            own = np.array([np.abs(ri - ci).mean(), np.abs(rj - cj).mean()])
            cross = np.array([np.abs(ri - cj).mean(), np.abs(rj - ci).mean()])
            kept = cross / np.maximum(own, 1e-6)
            return bool(min(ri.mean(), rj.mean()) > least and np.abs(ri - rj).mean() > apart and (
                cross.sum() < ratio * own.sum() or (kept.max() < 0.95 and kept.min() < 0.6 * ratio)))
        for i in range(len(frames)):
            for j in range(i + 1, len(frames)):
                # Panels of other sizes swap too (each drawn in the other's box, stretched to it): every crop is
                # brought to one thumbnail size, so their contents compare whatever the boxes' shapes. Stacked
                # subplots that share an axis bring their tick labels over the next one's edge: their coloured
                # marks alone tell the swap.
                if traded(grey, frames[i], frames[j], 4, 0.5) or traded(hued, frames[i], frames[j], 0.02, 0.25, 0.005):
                    return i, j
                a, b = frames[i], frames[j]
                if min(a[2] - a[0], a[3] - a[1]) >= 24 and \
                        max(abs((a[2] - a[0]) - (b[2] - b[0])), abs((a[3] - a[1]) - (b[3] - b[1]))) <= 2 and \
                        traded(texture, a, b, 0.3, 0.5):  # (plots of one size: a swap of textures)
                    ctx.swapped_texture = True
                    return i, j
        return None

    def _recognize(self, ctx: _Ctx, box, *, margin: float = 3.0) -> tuple[str, float]:
        """Read one line of the candidate at a work-frame box grown by ``margin`` px (cropped at the candidate's own
        resolution)."""
        mx, my = margin, min(margin, 3.0 + 0.25 * (box[3] - box[1]))
        x0, y0, x1, y1 = ctx.cand_box((box[0] - mx, box[1] - my, box[2] + mx, box[3] + my))
        crop = ctx.cand.image[int(y0):int(np.ceil(y1)), int(x0):int(np.ceil(x1))]
        return self._read_crop(ctx, crop)

    def _read_crop(self, ctx: _Ctx, crop: np.ndarray) -> tuple[str, float]:
        """OCR recognition of one candidate crop, once per comparison for the same pixels (checks of an axis's
        labels read the same spans)."""
        crop = np.ascontiguousarray(crop)
        key = (crop.shape, hashlib.blake2b(crop.tobytes(), digest_size=16).digest())
        if key not in ctx.crop_readings:
            ctx.crop_readings[key] = get_ocr(self.config.ocr, threads=self.config.ocr_threads).recognize(crop)
        return ctx.crop_readings[key]

    def _ref_reading(self, ctx: _Ctx, t: TextBox) -> str:
        """The reference line read the way candidate crops are read (crop recognition), cached with the reference."""
        cache = ctx.ref.lazy("crop_readings", dict)
        sr = (ctx.rn.frame.scale[0] * ctx.rn.frame.scale[1]) ** 0.5
        sc = (ctx.cn.frame.scale[0] * ctx.cn.frame.scale[1]) ** 0.5
        factor = round(sr / sc, 1) if sr / sc < 0.9 else 1.0  # a coarser candidate: read the reference as coarse
        key = (t.box, factor)
        if key not in cache:
            x0, y0, x1, y1 = ctx.rn.to_source((t.box[0] - 3, t.box[1] - 3, t.box[2] + 3, t.box[3] + 3), clip_to=ctx.ref.size)
            crop = ctx.ref.image[int(y0):int(np.ceil(y1)), int(x0):int(np.ceil(x1))]
            if factor < 1.0 and crop.size:
                crop = resize(crop, max(1, round(crop.shape[1] * factor)), max(1, round(crop.shape[0] * factor)))
            cache[key] = get_ocr(self.config.ocr, threads=self.config.ocr_threads).recognize(crop)[0]
        return cache[key]

    def _drifted_reading(self, ctx: _Ctx, t: TextBox, ref_text: str) -> tuple[str, float]:
        """The candidate's reading, and its similarity with the reference line, read in a crop widened to each side: glyphs of another
        resolution (or font hinting) lay a line out a few px wider or narrower. Only the whole words of the wide
        reading that align with the reference line count, so a changed or added character is still seen."""
        h = t.box[3] - t.box[1]
        text, _ = self._recognize(ctx, t.box, margin=max(6.0, 0.15 * (t.box[2] - t.box[0]) + h))
        return text, max(_word_aligned_similarity(t.text, text), _word_aligned_similarity(ref_text, text))

    def _ref_texts(self, ctx: _Ctx) -> tuple[list[TextBox], list[tuple[int | None, str]]]:
        """The reference's text lines and each one's (panel, role) by its own frames, computed once per reference."""
        texts = self._texts(ctx.ref)
        return texts, ctx.ref.lazy("text_roles", lambda: _text_roles(ctx.panels, texts))

    def _text(self, ctx: _Ctx) -> None:
        texts, roles = self._ref_texts(ctx)  # (roles by the reference's own frames)
        diff = ctx.missing | ctx.extra
        rink = geo.dilate(ctx.ink("r"), 1)
        neutral_ink = None
        missing_texts: list[tuple[TextBox, int | None, str]] = []
        changed_ticks: dict[tuple[int | None, str], list[TextBox]] = {}
        all_ticks: dict[tuple[int | None, str], list[TextBox]] = {}
        signed_ticks: dict[tuple[int | None, str], list[TextBox]] = {}
        h, w = diff.shape
        ref_lines: set[int] = set()  # changed tick labels read from the reference (not extra candidate text)
        tight = np.zeros_like(diff)  # the text boxes themselves (the explained zone adds a drift margin)
        inside = np.zeros_like(diff)  # plot interiors: a tick label box reaching over the spine reads no fill there
        for b in ctx.panels:
            inside[b[1]:b[3] + 1, b[0]:b[2] + 1] = True
        ctx.axis_labels = ctx.ref.lazy("axis_labels", lambda: _axis_labels(ctx.panels, texts, roles))
        for idx, (t, (panel, role)) in enumerate(zip(texts, roles)):
            x0, y0, x1, y1 = (int(max(0, t.box[0] - 2)), int(max(0, t.box[1] - 2)), int(min(w, t.box[2] + 2)),
                              int(min(h, t.box[3] + 2)))
            if x1 <= x0 or y1 <= y0:
                continue
            if ctx.skip is not None and ctx.skip[min(h - 1, int(t.center[1])), min(w - 1, int(t.center[0]))]:
                continue
            bh, bw = t.box[3] - t.box[1], t.box[2] - t.box[0]
            slanted = bh > max(28, 0.25 * bw) and bw > max(28, 0.25 * bh)
            if slanted:
                # A slanted line of text: its upright box covers marks beside the glyphs; only grey ink is text.
                if neutral_ink is None:
                    neutral_ink = (ctx.ink("r") & (chroma(ctx.lab("r")) < NEUTRAL_CHROMA)) | \
                        (ctx.ink("c") & (chroma(ctx.lab("c")) < NEUTRAL_CHROMA))
                sl = np.s_[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3]
                ctx.explained[sl] |= geo.dilate(neutral_ink[sl], 2)
            else:
                m = int(max(3, 0.4 * bh))  # glyphs of another resolution drift by a fraction of a line
                ctx.explained[max(0, y0 - m):y1 + m, max(0, x0 - m):x1 + m] = True
                tight[y0:y1, x0:x1] = True
            if "tick" in role:
                all_ticks.setdefault((panel, role), []).append(t)
            d = (diff[y0:y1, x0:x1] & ~inside[y0:y1, x0:x1]).sum() if "tick" in role else diff[y0:y1, x0:x1].sum()
            ink = max(int(rink[y0:y1, x0:x1].sum()), 1)
            native = idx in ctx.native_text  # small glyphs change too little in the work frame
            if d / ink < 0.12 and not native:
                if "tick" in role and d / ink >= 0.03 and (
                        diff[y0:y1, x0:x0 + max(3, (x1 - x0) // 3)].sum() >= 0.7 * d or not ctx.other_resolution):
                    # only the sign moved, or one digit of a few ('0.8' for '0.2'): an inverted axis?
                    signed_ticks.setdefault((panel, role), []).append(t)
                elif "tick" not in role and d > 0 and not ctx.other_resolution and \
                        ("plot area" not in role or (d / ink >= 0.015 and d >= 6)):
                    # (in a plot area a grid or data line crossing a label changes its reading, not its glyphs)
                    self._one_glyph_changed(ctx, t, panel, role, diff[y0:y1, x0:x1], d / ink)
                continue
            if "tick" in role:
                if (d / ink < 0.12 or slanted or ctx.rescaled) and (self._reads_same(ctx, t) or (
                        ctx.rescaled and self._drifted_reading(ctx, t, t.text)[1] >= T["text_same"])):
                    continue  # only the full-size glyph check (or marks beside slanted glyphs, or glyphs hinted
                    # at another scale) flagged it
                if panel is not None and t.box[0] > ctx.panels[panel][2] + 8 and \
                        self._same_glyphs(ctx, t.box) and self._reads_same(ctx, t):
                    continue  # a colour bar's labels, right of the plot: the fit on the plots' frames lays them
                    # a few px off when the figure's other parts were laid out anew (code set 257-0006)
                if ctx.other_resolution and self._tiny_in_cand(ctx, t) and self._same_glyphs(ctx, t.box):
                    continue  # glyphs a few px tall, blurred by resampling: the pixels, not OCR, say they match
                changed_ticks.setdefault((panel, role), []).append(t)
                ref_lines.add(id(t))
                continue
            if d / ink < 0.12:  # only the full-size check saw it: a glyph or two changed, else read the whole line
                if self._one_glyph_changed(ctx, t, panel, role, diff[y0:y1, x0:x1], 1.0):
                    continue
            self._read_line(ctx, t, panel, role, missing_texts, trust_pixels=not native)
        extra_found = self._extra_text(ctx)
        self._free_non_text(ctx, diff, tight)
        for e in list(extra_found):
            panel, role = _text_role(ctx.panels, TextBox(e[0], e[1]))
            if "tick" in role:
                extra_found.remove(e)
                changed_ticks.setdefault((panel, role), []).append(TextBox(e[0], e[1]))
                all_ticks.setdefault((panel, role), []).append(TextBox(e[0], e[1]))
        if self.enabled("axes"):
            inverted: set[tuple[int | None, str]] = set()  # (panel, axis) said inverted, with the plots sharing it

            def invert(panel: int | None, axis: str) -> None:
                shared, todo = {panel}, [panel]
                while todo:  # (a grid of plots sharing one axis: a column's labels, its rows' plots without)
                    for j in _sharing_panels(ctx.panels, todo.pop(), axis, all_ticks):
                        if j not in shared:
                            shared.add(j)
                            todo.append(j)
                ctx.axis_changed.update(shared)
                inverted.update((j, axis) for j in shared)
            for (panel, role), signed in signed_ticks.items():
                axis = role.split(" ")[0]
                if (panel, axis) in inverted:
                    continue  # a plot sharing an axis already said inverted: one axis, one finding
                if len(signed) >= 2 and len(changed_ticks.get((panel, role), ())) < len(signed) and \
                        self._axis_inverted(ctx, all_ticks[(panel, role)], axis, panel):
                    # (most labels only lost or gained a sign; one whose glyphs moved more, '-0.5' for '0.5'
                    # beside the longer '-1.0', read as changed, is part of the same axis)
                    box = (min(t.box[0] for t in signed), min(t.box[1] for t in signed),
                           max(t.box[2] for t in signed), max(t.box[3] for t in signed))
                    invert(panel, axis)
                    ctx.errors.append(finding("chart.axis_scale", f"The {axis} is inverted: its tick values run the "
                                              "other way than in the reference.", ctx.panel_name(panel) + role,
                                              _axis_box(ctx, panel, box)))
            for (panel, role), changed in changed_ticks.items():
                if (panel, role.split(" ")[0]) in inverted:
                    continue
                total = len(all_ticks[(panel, role)])
                names = not any(_is_number(t.text) for t in changed)
                few = total >= 4 and len(changed) <= max(2, total // 3)
                if (len(changed) < 2 and not (total <= 2 and changed and not (names and total == 2))) or \
                        (names and few) or \
                        (few and len(changed) >= 2 and total - len(changed) >= 3):
                    # A category name or two changed (swapped, renamed): text, while the range stays (one name of
                    # two, too: only numbers tell a range; a lone 'label' is most often a row of them read as one
                    # line). So are two numbers among three or more kept in place (years as categories: the axis
                    # did not move, else every label would have). A single number alone is OCR noise more often
                    # than not.
                    before = (len(ctx.errors), len(missing_texts), len(ctx.overdrawn))
                    for t in changed:
                        if id(t) in ref_lines and (not _is_number(t.text) or len(changed) >= 2):
                            self._read_line(ctx, t, panel, role, missing_texts)
                    if names or len(changed) < 2:
                        continue
                    new = ctx.errors[before[0]:]
                    if (new or len(ctx.overdrawn) > before[2]) and len(missing_texts) == before[1] and all(
                            (read := _reading(e)) and _is_number(read[0]) and
                            len(_digits(read[0])) == len(_digits(read[1])) for e in new):
                        continue  # each read as another number of as many digits: labels renamed (lines drawn
                        # over are read once every line is)
                    # Numbers read as no number (labels shifted along a slanted axis run into each other) or as
                    # the same: the axis finding below.
                    del ctx.errors[before[0]:], missing_texts[before[1]:], ctx.overdrawn[before[2]:]
                    ctx.readings[:] = [r for r in ctx.readings if not any(r[3] is e for e in new)]
                axis = role.split(" ")[0]
                box = (min(t.box[0] for t in changed), min(t.box[1] for t in changed),
                       max(t.box[2] for t in changed), max(t.box[3] for t in changed))
                if axis == "x-axis" and self._ticks_rotated(ctx, box, changed):
                    ctx.errors.append(finding("chart.tick_rotation", f"{_SLANTED} instead of as in the reference.",
                                              ctx.panel_name(panel) + role,
                                              ctx.cand_box((box[0], box[1], box[2], box[3] + 2 * (box[3] - box[1])))))
                    continue
                ctx.axis_changed.add(panel)
                ctx.axis_changed.update(_sharing_panels(ctx.panels, panel, axis, all_ticks))
                if (len(changed) >= total - 1 and self._axis_inverted(ctx, all_ticks[(panel, role)], axis, panel)) or \
                        self._axis_runs_backwards(ctx, all_ticks[(panel, role)], axis, panel):
                    invert(panel, axis)
                    ctx.errors.append(finding("chart.axis_scale", f"The {axis} is inverted: its tick values run the "
                                              "other way than in the reference.", ctx.panel_name(panel) + role,
                                              _axis_box(ctx, panel, box)))
                    continue
                ctx.errors.append(finding("chart.axis_range", f"The {axis} tick values differ from the reference "
                                          f"({len(changed)} of {total} labels), so the {axis} range or scale is different.",
                                          ctx.panel_name(panel) + role, _axis_box(ctx, panel, box)))
        for box, report in ctx.overdrawn:
            if not any(geo.box_overlap(box, b) > 0 for b in ctx.resized):  # else a line set larger covers it
                report()
        extra_found = [e for e in extra_found if not any(geo.box_overlap(e[1], b) >= 0.5 for b in ctx.resized)]
        # A line read as something else in its place (other marks drawn there now) whose words the candidate shows
        # elsewhere moved too: a legend placed anew over the plot ('best' after the data moved).
        # So did one that a legend grown or shrunk by an entry moved by a row (_shifted_lines).
        shifted = self._shifted_lines(ctx)
        for t, text, role, e in list(ctx.readings):
            if "plot area" not in role or not any(f is e for f in ctx.errors):
                continue
            shown = any(text_similarity(x[0], t.text) >= T["text_same"] for x in extra_found)
            if shown or id(t) in shifted:
                ctx.errors[:] = [f for f in ctx.errors if f is not e]
                ctx.readings[:] = [r for r in ctx.readings if r[3] is not e]
                panel = _text_role(ctx.panels, t)[0]
                missing_texts.append((t, panel, role))
                if not shown:  # where the shift put it: found moved below
                    extra_found.append((t.text, shifted[id(t)], panel))
        # A text that vanished from its place but appears elsewhere was moved, not lost; with its swatch, a legend.
        legend_moved: dict[int | None, list] = {}  # (where each entry went, its reference text)
        groups: list[list[tuple[TextBox, int | None, str]]] = []
        taken: list = []  # extra lines already matched (the words of one line can be read as several)
        moves: list[tuple[tuple[TextBox, int | None, str], tuple]] = []
        glyph_moves: set[int] = set()  # lines found moved by their glyphs alone: no legend entry (no swatch)
        for item in missing_texts:
            x0, y0, x1, y1 = (int(v) for v in item[0].box)
            if "plot area" in item[2] and _mark_like(item[0].text) and ctx.skip is not None and \
                    ctx.skip[max(0, y0):y1, max(0, x0):x1].any():
                continue  # marks read as glyphs beside a legend that moved (or a plot found gone): uncovered or hidden
            moved = next((e for e in extra_found if text_similarity(e[0], item[0].text) >= T["text_same"]), None)
            if moved is None:
                moved = next((e for e in extra_found + taken if _holds_words(e[0], item[0].text)), None)
            if moved is None and ("plot area" in item[2] or item[2] == "text") and \
                    len(_bare(item[0].text)) >= 4 and not _is_number(item[0].text) and \
                    _swatch_left_of(ctx.rn.image, item[0].box, right=item[0].box[0] - 1) is None:  # (a short word or
                # a number recurs elsewhere, a tick value on a new axis; a legend entry goes with its legend; a
                # coloured first word is no swatch of itself)
                new = self._found_elsewhere(ctx, item[0])
                if new is not None:  # its glyphs, whatever OCR made of them (words of other colours read apart)
                    for e in [e for e in extra_found if geo.box_overlap(e[1], new) > 0.5]:
                        extra_found.remove(e)
                        taken.append(e)
                    for b in (item[0].box, new):
                        ctx.explained[max(0, int(b[1]) - 2):int(b[3]) + 2, max(0, int(b[0]) - 2):int(b[2]) + 2] = True
                    moved = ("", new, item[1])
                    glyph_moves.add(id(item))
            if moved is not None:
                if moved in extra_found:
                    extra_found.remove(moved)
                    taken.append(moved)
                moves.append((item, moved[1]))
                continue
            for g in groups:
                if any(abs(item[0].center[0] - o[0].center[0]) < 60 and abs(item[0].center[1] - o[0].center[1]) < 60
                       or _one_line(item[0].box, o[0].box) or _joined_by_gone_ink(ctx, item[0].box, o[0].box)
                       for o in g):
                    g.append(item)
                    break
            else:
                groups.append([item])
        # Entries of a legend move together: one with its swatch beside it in both places marks the others (a line's
        # second word, an entry whose swatch a bar behind hides) that moved the same way.
        shifts = [(item[1], new[1] - item[0].box[1], item[0].box[3] - item[0].box[1]) for item, new in moves
                  if "plot area" in item[2] and id(item) not in glyph_moves and
                  self._swatch_moved(ctx, item[0].box, new)]
        for item, new in moves:
            dy = new[1] - item[0].box[1]
            if "plot area" in item[2] and id(item) not in glyph_moves and \
                    any(p == item[1] and abs(dy - d) <= max(3.0, 0.5 * hh) for p, d, hh in shifts):
                legend_moved.setdefault(item[1], []).append((new, item[0].text))
                for b in (item[0].box, new):  # the entry, its swatch and the legend frame's padding
                    hh = b[3] - b[1]
                    ctx.explained[max(0, int(b[1] - hh)):int(b[3] + hh), max(0, int(b[0] - 4.5 * hh)):int(b[2] + hh)] = True
                continue
            ctx.errors.append(finding("chart.text_moved", f"The {item[2]} '{item[0].text}' is drawn in another place.",
                                      ctx.panel_name(item[1]) + item[2], ctx.cand_box(new)))
            if "plot area" in item[2]:
                ctx.follows_data.append((ctx.errors[-1], item[1]))  # an annotation that moved with its data
        for panel, entries in legend_moved.items():
            ctx.errors.append(finding("chart.legend_moved", _LEGEND_MOVED, ctx.panel_name(panel) + "legend",
                                      ctx.cand_box(union_box([b for b, _ in entries]))))
            if all(_is_number(t.strip()) for _, t in entries):
                ctx.follows_data.append((ctx.errors[-1], panel))  # value labels on bars of their colour
        for g in groups:
            box = (min(t.box[0] for t, _, _ in g), min(t.box[1] for t, _, _ in g), max(t.box[2] for t, _, _ in g),
                   max(t.box[3] for t, _, _ in g))
            if len(g) == 2 and _one_line(g[0][0].box, g[1][0].box):  # (pieces of one line, in reading order;
                # an upright label reads from the bottom)
                up = all(t.box[3] - t.box[1] > t.box[2] - t.box[0] for t, _, _ in g)
                g.sort(key=lambda it: -it[0].box[3] if up else it[0].box[0])
            words = ", ".join(f"'{t.text}'" for t, _, _ in g[:4])
            role = g[0][2]
            single = len(g) == 1
            if len(g) >= 2 and "plot area" in role:
                hh = max(t.box[3] - t.box[1] for t, _, _ in g)  # the legend's frame and swatches went with it:
                ctx.explained[max(0, int(box[1] - hh)):int(box[3] + hh),  # marks it covered show now
                              max(0, int(box[0] - 4.5 * hh)):int(box[2] + hh)] = True
                ctx.errors.append(finding("chart.legend_missing", f"The legend or annotations with {words} are missing.",
                                          ctx.panel_name(g[0][1]) + "legend", ctx.cand_box(box)))
                if all(_mark_like(t.text) for t, _, _ in g):
                    ctx.follows_axis.append((ctx.errors[-1], g[0][1]))
            else:
                ctx.errors.append(finding("chart.text_missing", f"The {_singular(role) if single else role} {words} "
                                          f"{'is' if single else 'are'} missing.",
                                          ctx.panel_name(g[0][1]) + role, ctx.cand_box(box)))
                if len(g) == 1 and role in ("title", "text"):
                    ctx.gone_labels.append((g[0][0], ctx.errors[-1]))
                if not ctx.follow_values(ctx.errors[-1], g[0][1], role, *(t.text for t, _, _ in g)) and \
                        "plot area" in role:
                    ctx.follows_axis.append((ctx.errors[-1], g[0][1]))  # placed in data units, off the new range
                if len(g) == 1 and "plot area" in role:
                    _explain_backing(ctx, g[0][0].box)
        for text, box, panel in extra_found:
            where = "plot area" if panel is not None else "figure"
            ctx.errors.append(finding("chart.text_extra", f"{_EXTRA_TEXT}{text}' that the reference does not have.",
                                      ctx.panel_name(panel) + where, ctx.cand_box(box)))
            ctx.follow_values(ctx.errors[-1], panel, where, text)
        _pieces_joined(ctx)

    def _legend_moved(self, ctx: _Ctx) -> None:
        """A legend drawn in another place: its entries (plot-area lines with a coloured swatch to their left) left
        their place, and their glyphs and swatches, with the pixels beside them, are found elsewhere in the candidate.
        One style finding; both places are explained (the marks it covered or now covers are no changed series) and
        its lines are not read again."""
        import cv2

        texts, roles = self._ref_texts(ctx)
        diff = ctx.missing | ctx.extra
        rink = ctx.ink("r")
        h, w = diff.shape

        def stayed(t) -> bool:
            x0, y0, x1, y1 = (int(v) for v in t.box)
            return diff[y0:y1, x0:x1].sum() < 0.12 * max(int(rink[y0:y1, x0:x1].sum()), 1)
        # (a number beside its bar's end labels the bar; a plot read from its tick labels reaches above the top
        # one, so a legend's upper entries there read as titles)
        lines = [(t, p) for t, (p, r) in zip(texts, roles) if ("plot area" in r or (r == "title" and ctx.virtual_panels))
                 and len(t.text) >= 2 and not _is_number(t.text)]
        if all(stayed(t) for t, _ in lines):
            return  # (the usual case: no swatch is looked for)
        entries = []  # (line, panel, swatch colour), top to bottom
        for t, p in sorted(lines, key=lambda e: e[0].box[1]):
            found = _swatch_left_of(ctx.rn.image, t.box)
            if found is not None:
                entries.append((t, p, found[0]))
        groups: list[list] = []
        for t, p, color in entries:  # a legend: entries of one panel, left edges aligned, one under the other
            hh = t.box[3] - t.box[1]
            g = next((g for g in groups if g[-1][1] == p and abs(g[-1][0].box[0] - t.box[0]) <= 1.5 * hh and
                      0 <= t.box[1] - g[-1][0].box[3] <= 1.5 * hh), None)
            if g is None:
                groups.append([(t, p, color)])
            else:
                g.append((t, p, color))
        grey_c = rlab = None
        tried: list = []  # (entries, their work box, line height, match scores)
        shifts: list = []  # (panel, dx, dy) of blocks found well elsewhere
        near_misses: list = []  # (panel, dx, dy) of blocks found elsewhere a little less well, or with no swatch
        marker_shifts: list = []  # (panel, dx, dy) of blocks found with a scatter legend's markers
        by_glyphs: dict = {}  # panel -> (shift, work box) of entries found by their glyphs alone
        moved: dict = {}
        for g in groups:
            if any(stayed(t) for t, _, _ in g):
                continue
            hh = max(t.box[3] - t.box[1] for t, _, _ in g)
            mask = np.zeros((h, w), bool)  # each entry's glyphs and the swatch just left of them
            swatches = markers = True
            lone_markers = False  # one entry whose markers sit in its own row (a legend's frame pads them)
            for t, _, color in g:
                tx0, ty0, tx1, ty1 = (int(v) for v in t.box)
                th = max(ty1 - ty0, 6)
                mask[ty0:ty1, tx0:tx1] = rink[ty0:ty1, tx0:tx1]
                sx0 = max(0, int(tx0 - _SWATCH_REACH * th))
                if rlab is None:
                    rlab = ctx.lab("r")
                band = _swatch_pixels(rlab[ty0:ty1, sx0:tx0], color)
                cols = []
                for a, b in geo.runs(band.any(axis=0)):  # a dashed swatch's dashes are one swatch
                    if cols and a - cols[-1][1] <= max(3, 0.8 * th):
                        cols[-1] = (cols[-1][0], b)
                    else:
                        cols.append((a, b))
                if not cols:
                    swatches = markers = False
                    continue
                a, b = cols[-1]  # the run nearest the words: a bar further left may share its colour
                sub = band[:, a:b]
                rows = (sub * np.arange(sub.shape[0])[:, None]).sum(axis=0) / np.maximum(sub.sum(axis=0), 1)
                if a == 0 and _bar_end(ctx.rn.image, t.box, color):
                    swatches = markers = False  # a bar of the swatch's colour beside it: such an entry may follow
                    # a legend found
                elif b - a < th or rows[sub.any(axis=0)].std() > 1.5:
                    swatches = False  # no level patch or line a line-height long: a data line passing an annotation,
                    # or a scatter legend's markers (of several sizes), told by matching well with them elsewhere
                    if len(g) == 1 and not _colour_beyond(rlab, (sx0 + a, ty0, sx0 + b, ty1), color):
                        lone_markers = True
                mask[ty0:ty1, sx0 + a:sx0 + b] |= sub
            ys, xs = np.nonzero(mask)
            if len(ys) < 30:
                continue
            x0, y0, x1, y1 = max(0, xs.min() - 2), max(0, ys.min() - 2), min(w, xs.max() + 3), min(h, ys.max() + 3)
            if grey_c is None:
                grey_c = cv2.cvtColor(np.ascontiguousarray(ctx.cn.image), cv2.COLOR_RGB2GRAY)
            if y1 - y0 >= grey_c.shape[0] or x1 - x0 >= grey_c.shape[1]:
                continue
            block = ctx.rn.image[y0:y1, x0:x1]
            tpl = cv2.cvtColor(np.ascontiguousarray(block), cv2.COLOR_RGB2GRAY)
            mask = geo.dilate(mask[y0:y1, x0:x1], 1).astype(np.uint8)  # with the edge pixels beside the ink
            res = np.nan_to_num(cv2.matchTemplate(grey_c, tpl, cv2.TM_CCOEFF_NORMED, mask=mask), nan=-1.0,
                                posinf=-1.0, neginf=-1.0)
            _, best, _, (bx, by) = cv2.minMaxLoc(res)
            here = res[min(y0, res.shape[0] - 1), min(x0, res.shape[1] - 1)]
            tried.append((g, (x0, y0, x1, y1), hh, res, mask))
            # (clear of its old block, where the picture changed: a match on another entry of the same legend, or
            # on the entry itself a little aside, is a renamed entry)
            if best >= T["legend_near_match"] and here <= best - 0.15 and \
                    geo.box_overlap((bx, by, bx + x1 - x0, by + y1 - y0), (x0, y0, x1, y1)) < 0.3 and \
                    diff[by:by + y1 - y0, bx:bx + x1 - x0][mask > 0].mean() >= 0.2:
                # (the looser ways ask for entries in words: marks read as letters, or a worded value with the
                # bar it labels beside it, move with the data)
                worded = all(_legend_words(t.text) for t, _, _ in g)
                if swatches and best >= T["legend_match"]:
                    shifts.append((g[0][1], bx - x0, by - y0))
                elif markers and worded and best >= T["legend_markers_match"] and (len(g) >= 2 or lone_markers):
                    # (a scatter legend's entries, two or more, or one whose markers end within its row: a plot-area
                    # title moved with its inset, which reaches above and below the title, is no legend)
                    marker_shifts.append((g[0][1], bx - x0, by - y0))
                elif worded:
                    near_misses.append((g[0][1], bx - x0, by - y0))
        # Entries read apart (their swatches over bars of their colour, told from no bar end) that each match a
        # little less well over another background, but all one shift away: one legend moved.
        strict = len(shifts)  # (the shifts after these were found the looser ways)
        shifts += marker_shifts
        for p, dx, dy in near_misses:
            if sum(q == p and abs(dx - ex) <= 2 and abs(dy - ey) <= 2 for q, ex, ey in near_misses) >= 2:
                shifts.append((p, dx, dy))
        for p in {g[0][1] for g, *_ in tried} - {q for q, _, _ in shifts}:
            # (entries read in words; pieces of words over bars, 'sa' of 'utilities', go with the shift found)
            mine = [tr for tr in tried if tr[0][0][1] == p and all(_legend_words(t.text) for t, _, _ in tr[0])]
            if sum(len(tr[0]) for tr in mine) >= 2:
                shift = _legend_glyphs_moved(ctx, [(box, mask) for _, box, _, _, mask in mine], diff)
                if shift is not None:
                    shifts.append((p, *shift))
                    by_glyphs[p] = shift, union_box([box for _, box, _, _, _ in mine])
        for g, (x0, y0, x1, y1), hh, res, _ in tried:  # entries moved by one shift are one legend (one seen over
            # bars that show through it matches less well)
            shift = next(((dx, dy) for p, dx, dy in shifts if p == g[0][1] and
                          0 <= y0 + dy < res.shape[0] and 0 <= x0 + dx < res.shape[1] and
                          res[y0 + dy, x0 + dx] >= min(T["legend_match"], res.max()) - 0.35), None)
            glyphs = by_glyphs.get(g[0][1])
            if shift is None and glyphs is not None and geo.box_overlap((x0, y0, x1, y1), glyphs[1]) >= 0.5:
                shift = glyphs[0]  # (its glyphs moved with the legend's; the grey levels around differ)
            if shift is None:
                continue
            pad = int(0.6 * hh)  # the legend's frame
            old = (max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad))
            new = (max(0, old[0] + shift[0]), max(0, old[1] + shift[1]), min(w, old[2] + shift[0]),
                   min(h, old[3] + shift[1]))
            if ctx.skip is None:
                ctx.skip = np.zeros_like(diff)
            for a0, b0, a1, b1 in (old, new):
                ctx.explained[b0:b1, a0:a1] = True
                ctx.skip[b0:b1, a0:a1] = True
            moved.setdefault((g[0][1], shift), []).append(new)
        loose = {(p, (dx, dy)) for p, dx, dy in shifts[strict:]}
        for (panel, shift), boxes in moved.items():
            ctx.errors.append(finding("chart.legend_moved", _LEGEND_MOVED,
                                      ctx.panel_name(panel) + "legend", ctx.cand_box(union_box(boxes))))
            if (panel, shift) in loose:  # a legend placed at 'best' moves with an axis changed under it; only
                # the strict match tells a legend moved by hand from that
                ctx.follows_axis.append((ctx.errors[-1], panel))

    def _swatch_moved(self, ctx: _Ctx, old, new) -> bool:
        """True when a word that moved (``old`` box in the reference, ``new`` in the candidate) has a legend swatch
        left of it in both places: ink of one colour, not the background, within three line heights."""
        found = _swatch_left_of(ctx.rn.image, old)
        if found is None:
            return False
        color, ink = found
        if _bar_end(ctx.rn.image, old, color):
            return False  # a value label at a bar's end moved with the bar: no legend
        cz = _swatch_zone(ctx.cn.image, new, new[2])  # a box found as new ink may hold the swatch already
        swatch = 1.4 * max(old[3] - old[1], 6) ** 2  # about two line heights by one (a bar behind may fill the zone)
        near = np.linalg.norm(cz - color, axis=1) < T["swatch_color_delta"]
        return int(near.sum()) >= max(6, 0.3 * min(len(ink), swatch))

    @staticmethod
    def _free_non_text(ctx: _Ctx, diff: np.ndarray, tight: np.ndarray) -> None:
        """Un-explain differences in a text's drift margin that are not glyphs: a thin mark beside a label (a hat
        graph's segment under its value) lies in the label's grown box, but hardly any of it in the box itself."""
        sub = diff & ctx.explained
        if ctx.skip is not None:
            sub &= ~ctx.skip  # covered by a layout finding, not by a text
        if ctx.text_runs is not None:
            sub &= ~ctx.text_runs  # glyphs of a line read otherwise, past its reference box
        regs, labels = geo.regions(sub, min_area=int(T["min_region_px"]), join=1)
        if not regs:
            return
        total = np.bincount(labels[sub], minlength=labels.max() + 1)
        inside = np.bincount(labels[sub & tight], minlength=labels.max() + 1)
        free = np.zeros(labels.max() + 1, bool)
        for r in regs:
            if inside[r.label] < 0.3 * total[r.label]:
                free[r.label] = True
        if free.any():
            ctx.explained &= ~(free[labels] & diff)

    def _native_text_changes(self, ctx: _Ctx) -> dict[int, float]:
        """Reference lines whose glyphs differ at full size (grey cross-correlation, a few px of shift, below
        ``T['text_native_ncc']``): in small text the work frame's blur and 2-px tolerance find every stroke of '69.4'
        near one of '51.4'. Only where the text is drawn on the same pixel grid (most lines match exactly): another
        resolution or a re-laid-out figure changes every glyph a little."""
        import cv2

        sr = (ctx.rn.frame.scale[0] * ctx.rn.frame.scale[1]) ** 0.5
        sc = (ctx.cn.frame.scale[0] * ctx.cn.frame.scale[1]) ** 0.5
        if abs(sr / max(sc, 1e-9) - 1.0) > 0.02:
            return {}
        scores: dict[int, float] = {}
        glyphs: dict[int, float] = {}  # the worst glyph-sized window of a line that correlates well as a whole
        texts, roles = self._ref_texts(ctx)  # (as _text reads them)
        for i, t in enumerate(texts):
            if ctx.cn.frame_at(t.box) is not ctx.cn.frame:
                continue  # a subplot laid out afresh: not on the same pixel grid
            # (labels of a re-laid-out figure drift a few px from the global fit; one glyph of a long line changed,
            # 'tab:orqnge', leaves the whole line correlating well)
            match = _line_match(ctx, t, least=None if "tick" in roles[i][1] else T["text_native_ncc"])
            if match is not None:
                scores[i], glyphs[i] = match
        if not scores or float(np.median(list(scores.values()))) < T["text_native_grid"]:
            return {}  # the text is laid out afresh (another figure size or margin): sub-pixel places differ
        changed = {i: 1.0 - min(v, glyphs[i]) for i, v in scores.items()
                   if v < T["text_native_ncc"] or glyphs[i] < T["text_native_glyph"]}
        if changed and ctx.panels and not ctx.virtual_panels:
            # A plot the figure narrowed or widened by a few px (a neighbour's tick labels grew) spaces its ticks
            # anew: its lines are not on the same pixel grid either, though the fit lays it in place.
            cf = self._cand_frames(ctx)
            resized = {p for p, r in enumerate(ctx.panels) if (c := _matched_frame(ctx.panels, cf, p)) is not None
                       and max(abs((r[2] - r[0]) - (c[2] - c[0])), abs((r[3] - r[1]) - (c[3] - c[1]))) >= 2}
            changed = {i: v for i, v in changed.items() if roles[i][0] not in resized}
        return changed

    def _shifted_lines(self, ctx: _Ctx) -> dict[int, tuple]:
        """Plot-area lines (no numbers) that a legend grown or shrunk by an entry moved by a row: a line the
        candidate draws in another line's place of the same plot, that line not drawn in its place in turn (two
        lines in each other's places are traded: _swapped_by_labels); then a line whose place such a line took,
        found where the same shift puts it. Returns id(line) -> the work box it moved to."""
        lines = [(t, text) for t, text, role, _ in ctx.readings if "plot area" in role]
        panel = {id(t): _text_role(ctx.panels, t)[0] for t, _ in lines}
        words = [(t, text) for t, text in lines if not _value_like(t.text)]
        shifted: dict[int, tuple] = {}
        for t, text in words:
            to = next((u.box for u, read in lines if u is not t and panel[id(u)] == panel[id(t)] and
                       self._drawn_at(ctx, t, read, u.box) and not self._drawn_at(ctx, u, text, t.box)), None)
            if to is not None:
                shifted[id(t)] = to
        for t, text in words:
            took = None if id(t) in shifted else \
                next((u for u, _ in lines if id(u) in shifted and self._drawn_at(ctx, u, text, t.box)), None)
            if took is not None:
                dx, dy = shifted[id(took)][0] - took.box[0], shifted[id(took)][1] - took.box[1]
                box = (t.box[0] + dx, t.box[1] + dy, t.box[2] + dx, t.box[3] + dy)
                if self._drawn_at(ctx, t, "", box) or _reads_part(self._recognize(ctx, box)[0], t.text):
                    shifted[id(t)] = box
        return shifted

    @staticmethod
    def _drawn_at(ctx: _Ctx, t: TextBox, reading: str, box) -> bool:
        """True when the candidate draws reference line ``t`` from the top left of work box ``box`` (another
        line's place): ``reading`` (what was read there) holds it, or its glyphs are found there (OCR misreads a
        line over bars)."""
        if reading and _reads_part(reading, t.text):
            return True
        at = (box[0], box[1], box[0] + t.box[2] - t.box[0], box[1] + t.box[3] - t.box[1])
        return _shifted_in_source(ctx, t.box, slack_x=3.0, to=at)

    def _reads_same(self, ctx: _Ctx, t: TextBox) -> bool:
        text = self._recognize(ctx, t.box)[0]
        return max(text_similarity(t.text, text), text_similarity(self._ref_reading(ctx, t), text)) >= T["text_same"]

    def _read_line(self, ctx: _Ctx, t: TextBox, panel: int | None, role: str,
                   missing_texts: list[tuple[TextBox, int | None, str]], *, trust_pixels: bool = True) -> None:
        """Read a reference line whose pixels changed in the candidate: changed (an error now), or gone (appended to
        ``missing_texts``, to be told apart from a moved line once every line is read)."""
        h, w = ctx.missing.shape
        x0, y0, x1, y1 = (int(max(0, t.box[0] - 2)), int(max(0, t.box[1] - 2)), int(min(w, t.box[2] + 2)),
                          int(min(h, t.box[3] + 2)))
        cand_ink = ctx.ink("c")[y0:y1, x0:x1].mean()
        text, score = self._recognize(ctx, t.box) if cand_ink > 0.01 else ("", 0.0)
        ref_text = self._ref_reading(ctx, t)
        sim = max(text_similarity(t.text, text), text_similarity(ref_text, text)) if text else 0.0
        loc = ctx.panel_name(panel) + role
        if sim >= T["text_same"]:
            if not self._text_resized(ctx, t, loc) and text and _bare(text) != _bare(t.text):
                # as alike as OCR noise, but a letter of a line read the same way in the reference's crop
                self._one_glyph_changed(ctx, t, panel, role, ctx.missing[y0:y1, x0:x1] | ctx.extra[y0:y1, x0:x1], 1.0)
            return
        if trust_pixels and cand_ink > 0.01 and self._same_glyphs(ctx, t.box):
            return  # OCR misread small glyphs of another resolution; the pixels show the same line
        if text:
            wide_text, wide_sim = self._drifted_reading(ctx, t, ref_text)
            if wide_sim > sim:
                text, sim = wide_text, wide_sim
            if sim >= T["text_same"]:
                self._text_resized(ctx, t, loc)
                return
            if (ctx.other_resolution and sim >= T["text_minor"]
                    and self._same_glyphs(ctx, t.box, slack_x=0.15 * (t.box[2] - t.box[0]) + (t.box[3] - t.box[1]))):
                return  # one glyph misread in small text of another resolution, laid out a little wider
        if text and self._text_resized(ctx, t, loc, read=True):
            return
        if role == "y-axis label" and t.vertical and \
                _shifted_in_source(ctx, t.box, slack_x=max(24.0, 2.0 * (t.box[2] - t.box[0]))):
            return  # laid out beside tick labels that grew or shrank: moved sideways with them, unchanged
        if self._occluded(ctx, t.box) or self._scaled_copy(ctx, t, loc):
            return
        if self._glyphs_kept(ctx, t.box):
            # Every glyph is still drawn, with ink of its own colour over it: another line set larger over this
            # one, or new text. Decided once every line is read (see _text).
            ctx.overdrawn.append((t.box, lambda: self._report_reading(ctx, t, panel, role, text, sim, missing_texts)))
            return
        self._report_reading(ctx, t, panel, role, text, sim, missing_texts)

    @staticmethod
    def _report_reading(ctx: _Ctx, t: TextBox, panel: int | None, role: str, text: str, sim: float,
                        missing_texts: list) -> None:
        """A reference line read as ``text`` in the candidate (empty: gone) is changed, or gone for now."""
        if not text or ("plot area" in role and sum(c.isalpha() for c in text) < 3 <= sum(c.isalpha() for c in t.text)
                        and (ChartComparer._glyphs_lost(ctx, t.box) or 0.0) >= 0.3):
            # (a line of words whose glyphs went, read as a letter or two of the marks now drawn there: gone)
            missing_texts.append((t, panel, role))
            return
        minor = sim >= T["text_minor"] and _digits(text) == _digits(t.text)  # a changed number is no typo
        if minor and not ctx.rescaled and _word_dropped(t.text, text):
            minor = False  # (a whole word gone or added at one scale, every other word read the same: no OCR slip)
        rule = "chart.text_changed_minor" if minor else "chart.text_changed"
        ctx.errors.append(finding(rule, f"The {_singular(role)} reads '{text}' instead of '{t.text}'.",
                                  ctx.panel_name(panel) + role, ctx.cand_box(t.box)))
        _explain_line(ctx, t.box)
        ctx.readings.append((t, text, role, ctx.errors[-1]))
        if not ctx.follow_values(ctx.errors[-1], panel, role, t.text, text) and "plot area" in role and (_mark_like(t.text) or (ChartComparer._glyphs_lost(ctx, t.box) or 0.0) >= 0.5):
            ctx.follows_axis.append((ctx.errors[-1], panel))  # an annotation that left its place, read over others

    @staticmethod
    def _glyphs_lost(ctx: _Ctx, box) -> float | None:
        """The share of a line's glyph ink gone to background in the candidate (None: too little ink to say)."""
        crops = _glyph_crops(ctx, box)
        if crops is None:
            return None
        _, (_, _, rink, cink) = crops
        return int((rink & ~geo.dilate(cink, 1)).sum()) / int(rink.sum())  # (a line drifts a px along)

    def _glyphs_kept(self, ctx: _Ctx, box) -> bool:
        """True when (almost) none of a line's glyph ink went to background in the candidate."""
        lost = self._glyphs_lost(ctx, box)
        return lost is not None and lost <= T["occlusion_lost"]

    def _scaled_copy(self, ctx: _Ctx, t: TextBox, loc: str) -> bool:
        """A line set larger in its place (a title running over its neighbours, which the ink-extent check of
        ``_text_resized`` cannot separate from it): the reference's glyphs, scaled up, match the candidate there
        far better than unscaled. Reported (True) with the candidate's box. (Only larger: a shrunken template
        matches any small text nearby.)"""
        import cv2

        H, W = ctx.missing.shape
        x0, y0, x1, y1 = (int(round(v)) for v in t.box)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
        bw, bh = x1 - x0, y1 - y0
        if bw < 2 * bh or bh < 6 or ctx.rescaled and ctx.other_resolution or self._glyphs_kept(ctx, t.box):
            return False
        gray_r = cv2.cvtColor(np.ascontiguousarray(ctx.rn.image[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
        if gray_r.std() < 8:
            return False
        ax0, ax1 = max(0, int(x0 - 0.8 * bw)), min(W, int(x1 + 0.8 * bw))
        ay0, ay1 = max(0, int(y0 - 2 * bh)), min(H, int(y1 + 2 * bh))
        area = cv2.cvtColor(np.ascontiguousarray(ctx.cn.image[ay0:ay1, ax0:ax1]), cv2.COLOR_RGB2GRAY)
        sigma = max(1.0, 0.08 * bh)  # blurred strokes forgive a scale a few per cent off along a long line
        area = cv2.GaussianBlur(area, (0, 0), sigma)
        slack = 0.1 * bw + 3

        def match(scale: float) -> tuple[float, tuple[int, int], tuple[int, int], float]:
            """Best correlation at ``scale`` with the line anchored as text is: by its left or right end or its
            middle (a scaled copy elsewhere is a neighbour reading alike, not this line), its rows overlapping
            when scaled."""
            tw, th = max(4, int(round(bw * scale))), max(4, int(round(bh * scale)))
            if th > area.shape[0] or tw > area.shape[1] or th < 8:
                return -1.0, (0, 0), (tw, th), scale
            tpl = cv2.resize(gray_r, (tw, th), interpolation=cv2.INTER_CUBIC)
            res = cv2.matchTemplate(area, cv2.GaussianBlur(tpl, (0, 0), sigma), cv2.TM_CCOEFF_NORMED)
            xs = np.arange(res.shape[1]) + ax0
            ys = np.arange(res.shape[0]) + ay0
            anchored = (np.abs(xs - x0) <= slack) | (np.abs(xs + tw - x1) <= slack) | \
                (np.abs(xs + tw / 2 - (x0 + x1) / 2) <= slack)
            # (unscaled, anywhere above or below: a line that only moved is no resized one)
            rows = (ys < y1) & (ys + th > y0) if scale != 1.0 else np.ones(len(ys), bool)
            if not anchored.any() or not rows.any():
                return -1.0, (0, 0), (tw, th), scale
            sub = np.where(rows[:, None] & anchored[None, :], res, -1.0)
            iy, ix = np.unravel_index(int(np.argmax(sub)), sub.shape)
            return float(sub[iy, ix]), (int(ix), int(iy)), (tw, th), scale

        same = match(1.0)[0]
        lo, hi = T["text_scales"]
        coarse = np.exp(np.arange(np.log(lo), np.log(hi), np.log(1.04)))
        best = max((match(x) for x in coarse), key=lambda m: m[0])
        best = max((match(best[3] * f) for f in (0.98, 0.99, 1.0, 1.01, 1.02)), key=lambda m: m[0])
        if best[0] < T["text_scaled_ncc"] or best[0] < same + T["text_scaled_gain"]:
            return False
        _, (px, py), (tw, th), scale = best
        box = (ax0 + px, ay0 + py, ax0 + px + tw, ay0 + py + th)
        # The candidate's line of ink there must be as much taller (a line moved aside matches a scaled copy too).
        def height(ink: np.ndarray, b) -> int:
            top = max(0, int(b[1]) - 2)
            flags = ink[top:int(b[3]) + 2, int(b[0]):int(b[2])].any(axis=1)
            mid = (b[1] + b[3]) / 2 - top
            run = min(geo.runs(flags), default=(0, 0), key=lambda r: 0 if r[0] <= mid < r[1] else
                      min(abs(r[0] - mid), abs(r[1] - mid)))
            return run[1] - run[0]
        if height(ctx.ink("c"), box) < (1 + 0.6 * (scale - 1)) * height(ctx.ink("r"), (x0, y0, x1, y1)):
            return False
        # Blurred, a scaled line can match another of like shape: it must read there (neighbours it runs over may
        # add a glyph or two at its ends).
        read = self._recognize(ctx, box)[0]
        want, got = _bare(t.text), _bare(read)
        if text_similarity(t.text, read) < T["text_same"] and (
                len(want) < 8 or len(got) < 0.8 * len(want) or fuzz.partial_ratio(want, got) < 100 * T["text_scaled_read"]):
            return False  # (a short line is found inside a longer reading too easily)
        ctx.resized.append(box)
        ctx.errors.append(finding("chart.text_style", f"The text '{t.text}' is drawn larger than in the "
                                  "reference.", loc, ctx.cand_box(box)))
        return True

    @staticmethod
    def _occluded(ctx: _Ctx, box) -> bool:
        """True when a line's glyphs are all still drawn, only partly covered by new ink of another colour or by
        ink running in from outside the line (a thicker line or markers over a label or watermark): the text did not
        change, and what covers it is for the mark checks to report. A changed line loses glyph ink to the
        background or gains glyphs of its own colour inside its box."""
        crops = _glyph_crops(ctx, box)
        if crops is None:
            return False
        (x0, y0, x1, y1), (r, c, rink, cink) = crops
        h, w = ctx.missing.shape
        n = int(rink.sum())
        r, c = r.astype(np.int16), c.astype(np.int16)
        kept = rink & (np.abs(r - c).max(axis=2) <= T["occlusion_same"])
        new = cink & ~rink
        if int((rink & ~geo.dilate(cink, 1)).sum()) > T["occlusion_lost"] * n or int(kept.sum()) < T["occlusion_kept"] * n or \
                int((rink & ~kept).sum() + new.sum()) == 0:
            return False  # (glyphs mostly under other ink: a legend taken away shows the lines it hid)
        # The text's colour and its anti-aliased blends with the background: a segment in RGB.
        bg = mode_color(r.astype(np.uint8)).astype(float)
        if float(bg.max() - bg.min()) > T["hued_chroma"] * 2:
            return False  # (a line over a strongly coloured mark, a see-through legend over a bar: the 'background'
            # is the mark and the plot's ground reads as the text's colour)
        grey = kept & ((r.max(axis=2) - r.min(axis=2)) < 30)  # text is mostly grey or black; a bar beside it is not
        sample = r[grey] if grey.sum() >= 0.3 * kept.sum() else r[kept]
        far = np.abs(sample - bg).max(axis=1)  # its full colour: the glyph pixels farthest from the background
        color = np.median(sample[far >= np.percentile(far, 80)], axis=0)
        a, off = _on_segment(c.astype(float), color, bg - color)
        ownish = off <= T["occlusion_same"]
        own_new = new & ownish & (a <= 0.6)  # (a pale fringe of any colour lies near the background's end)
        if int(own_new.sum()) <= T["occlusion_own"] * n:
            # Covered by ink of another colour, enough of it to misread the line (a glyph redrawn in place, or a
            # line set a fraction of a pixel aside, changes only its own colour's pixels and their blends).
            return int((((rink & ~kept) | new) & ~ownish).sum()) >= T["occlusion_cover"] * n
        # Ink of the text's own colour: only a mark that runs on past the line's box (its series drawn thicker).
        bh = max(y1 - y0, 4)
        gy0, gy1, gx0, gx1 = max(0, y0 - bh), min(h, y1 + bh), max(0, x0 - bh), min(w, x1 + bh)
        _, _, gr, gc = _line_crops(ctx, (gx0, gy0, gx1, gy1))
        grown = gc & ~gr
        stats, _ = geo.blobs(grown)
        if not len(stats):
            return False
        ix0, iy0, ix1, iy1 = x0 - gx0, y0 - gy0, x1 - gx0, y1 - gy0
        through = inner = 0
        for bx, by, bw, bh_, area in stats[:, :5]:
            if bx >= ix1 or bx + bw <= ix0 or by >= iy1 or by + bh_ <= iy0:
                continue  # not in the line's box
            reach = 0.8 * bh  # (a glyph appended to the line ends within a glyph's width of the box)
            if bx < ix0 - reach or by < iy0 - reach or bx + bw > ix1 + reach or by + bh_ > iy1 + reach:
                through += int(area)
            else:
                inner += int(area)
        return through > 0 and through >= 4 * inner

    def _text_resized(self, ctx: _Ctx, t: TextBox, loc: str, *, read: bool = False) -> bool:
        """A line set in another size (a title at 9 pt instead of 15): its ink is measured in both work images, the
        candidate's as the band of ink rows around the line and the run of ink columns in it that holds the line's
        middle; only a level line long enough for its width to say it. With ``read``, the line did not read the same
        at the reference's box (a small line in a tall crop reads badly): the candidate's own line box is read and
        must. True when reported."""
        bh, bw = t.box[3] - t.box[1], t.box[2] - t.box[0]
        if bw < 4 * bh or bh < 5:
            return False
        h, w = ctx.missing.shape

        def extent(ink: np.ndarray, grow_y: float, grow_x: float) -> tuple[int, int, int, int] | None:
            y0, y1 = int(max(0, t.box[1] - grow_y)), int(min(h, t.box[3] + grow_y))
            x0, x1 = int(max(0, t.box[0] - grow_x)), int(min(w, t.box[2] + grow_x))
            win = ink[y0:y1, x0:x1].copy()
            win[win.mean(axis=1) >= 0.85] = False  # a spine or rule under a large line is no part of it
            mid_y, mid_x = (t.box[1] + t.box[3]) / 2 - y0, (t.box[0] + t.box[2]) / 2 - x0
            core = win[:, max(0, int(t.box[0]) - x0):max(0, int(t.box[2]) - x0)]  # (a tick label beside joins no rows)
            bands = [r for r in geo.runs(core.any(axis=1)) if r[1] - r[0] >= 3]
            band = min(bands, key=lambda r: 0 if r[0] <= mid_y < r[1] else min(abs(r[0] - mid_y), abs(r[1] - mid_y)),
                       default=None)
            if band is None:
                return None
            cols = geo.dilate(win[band[0]:band[1]].any(axis=0)[None, :], int(0.6 * (band[1] - band[0])) + 1)[0]
            hold = next(((a, b) for a, b in geo.runs(cols) if a <= mid_x < b), None)
            if hold is None or win[band[0]:band[1], hold[0]:hold[1]].mean(axis=1).max() >= 0.9:
                return None  # (a row inked across the whole line is a rule or spine joined to it, not text)
            return x0 + hold[0], y0 + band[0], x0 + hold[1], y0 + band[1]

        r = extent(ctx.ink("r"), bh, 0.5 * bw)  # (measured alike: a neighbour joined in both says nothing)
        c = extent(ctx.ink("c"), bh, 0.5 * bw)
        if r is None or c is None or self._glyphs_kept(ctx, t.box):
            return False  # (every glyph still in its place: a larger neighbour joined to the line, not this line)
        hr = (c[3] - c[1]) / max(r[3] - r[1], 1)
        wr = (c[2] - c[0]) / max(r[2] - r[0], 1)
        lo, hi = 1 - T["text_resize"], 1 / (1 - T["text_resize"])
        hlo, hhi = 1 - T["text_resize"] / 2, 1 / (1 - T["text_resize"] / 2)
        if not ((wr < lo and hr < hlo) or (wr > hi and hr > hhi)) or not 0.75 <= wr / max(hr, 1e-6) <= 1.33:
            return False  # (a resized line grows in height too, about as much as in width; a line joined to a rule
            # or a legend swatch grows in width only)
        if read:
            text = self._recognize(ctx, c)[0]
            if max(text_similarity(t.text, text), text_similarity(self._ref_reading(ctx, t), text)) < T["text_same"]:
                return False
        ctx.resized.append(c)
        ctx.errors.append(finding("chart.text_style", f"The text '{t.text}' is drawn {'larger' if wr > 1 else 'smaller'}"
                                  " than in the reference.", loc, ctx.cand_box(c)))
        return True

    def _one_glyph_changed(self, ctx: _Ctx, t: TextBox, panel, role: str, diff: np.ndarray, ratio: float) -> bool:
        """A character or two changed in a long line (a typo in a title): too little of the whole line's ink differs
        to be read as changed (a swapped glyph of like shape differs by a few px, no more than resampling), so a
        long line with any difference is read (candidate and reference crops alike), and only a reading that differs
        from both the reference's text and its crop reading by a character or two is reported. At another resolution
        the crops' readings differ by a character or two anyway, so the check is made at the reference's only."""
        bh = t.box[3] - t.box[1]
        win = max(3, int(round(bh)))
        short = diff.shape[1] < 3 * win
        if short and ratio < 0.015:
            return False  # a short line barely touched: the ratio test already speaks for it
        sr = (ctx.rn.frame.scale[0] * ctx.rn.frame.scale[1]) ** 0.5
        sc = (ctx.cn.frame.scale[0] * ctx.cn.frame.scale[1]) ** 0.5
        if abs(sr / max(sc, 1e-9) - 1.0) > 0.1 or ctx.cn.frame_at(t.box) is not ctx.cn.frame:
            return False  # drawn at another resolution (finer too, or a subplot laid out afresh): crop readings differ
            # by a character anyway
        text, _ = self._recognize(ctx, t.box)
        ref_text = self._ref_reading(ctx, t)
        if _bare(ref_text) != _bare(t.text):
            return False  # the reference line itself reads differently in a crop: its readings are not to be trusted
        if not text or _bare(text) == _bare(t.text):
            return False  # the same letters and digits (a space or a comma read or not between them is no typo)
        folded = _bare(text).translate(_LOOKALIKE) == _bare(t.text).translate(_LOOKALIKE)
        if folded and any(c.isalpha() for c in t.text):
            return False  # a word read with a look-alike digit ('0ther'): OCR's confusion, no typo
        if _bare(text) in _bare(t.text):
            return False  # the line with its ends cut off: the crop cuts a line moved or set wider, not a typo
        sim = max(text_similarity(t.text, text), text_similarity(ref_text, text))
        if sim < T["text_minor"] and not (short and len(_bare(text)) == len(_bare(t.text))):
            return False  # a misreading of the crop, not one changed glyph (but in a short label, 'ax5' -> 'ax6' or
            # 'III' -> 'IV', one glyph is much of it: as many glyphs read at the same resolution is a changed label)
        # A letter or digit changed, added or dropped where the reference's crop reads its own text: a misspelt word
        # needs a fix as much as a changed one.
        if self._occluded(ctx, t.box):
            return True  # the line is unchanged, only partly covered
        bh, bw = t.box[3] - t.box[1], t.box[2] - t.box[0]
        kept = _line_match(ctx, t, (int(max(bh, 0.15 * bw)), int(0.5 * bh)), least=T["text_moved_ncc"], subpixel=True)
        if kept and kept[0] >= T["text_moved_ncc"] and kept[1] >= T["text_native_glyph"]:
            return True  # every glyph drawn as in the reference, only moved (a title re-centred over a plot laid out
            # anew): the crop at the reference's place cut a letter off

        def report() -> None:
            ctx.errors.append(finding("chart.text_changed", f"The {_singular(role)} reads '{text}' instead of "
                                      f"'{t.text}'.", ctx.panel_name(panel) + role, ctx.cand_box(t.box)))
            ctx.follow_values(ctx.errors[-1], panel, role, t.text, text)
        if self._glyphs_kept(ctx, t.box):
            ctx.overdrawn.append((t.box, report))  # (see _read_line)
        else:
            report()
        return True

    def _axis_inverted(self, ctx: _Ctx, ticks: list[TextBox], axis: str, panel: int | None) -> bool:
        """True when the candidate's tick labels of one axis (read in the band where the reference has them) are
        the reference's in reverse order (symmetric ticks included: then only the minus signs move), on either
        side of the plot (a twin axis's labels, or a key's number beside them, are a row of their own)."""
        k = 1 if axis == "y-axis" else 0
        return any(self._side_inverted(ctx, side, k, panel) for side in _tick_sides(ticks, k))

    def _side_inverted(self, ctx: _Ctx, ticks: list[TextBox], k: int, panel: int | None) -> bool:
        """``_axis_inverted`` for the labels of one side."""
        ref = [t for t in ticks if _is_number(t.text)]
        if len(ref) < 3 or len(ref) > 14:
            return False
        ref.sort(key=lambda t: t.center[k])
        h = max(t.box[3] - t.box[1] for t in ref)
        gx, gy = (3, h) if k == 1 else (h, 3)  # along the axis the labels may move; across it, spines are near
        band = (min(t.box[0] for t in ref) - gx, min(t.box[1] for t in ref) - gy,
                max(t.box[2] for t in ref) + gx, max(t.box[3] for t in ref) + gy)
        crop, spans = self._band_spans(ctx, band, ticks, k, panel, h)
        if k == 1 and spans and len(spans) != len(ref):  # (labels are one line tall: a sliver is a tick mark's
            # end or a glyph cut at the band's edge)
            tall = float(np.median([b - a for a, b in spans]))
            spans = [(a, b) for a, b in spans if b - a >= 0.5 * tall]
        if len(spans) != len(ref):
            return False
        read = [normalize_text(text).replace("−", "-") for text in self._read_spans(ctx, crop, spans, k)
                if _is_number(text)]
        want = [normalize_text(t.text).replace("−", "-") for t in ref]
        if len(read) == len(want) and read != want and read == want[::-1]:
            return True
        # Most labels read, running the other way over mostly the same range (a label misread or unread on either
        # side, or a tick mark read with its label, does not undo it).
        got = [v for v in map(_number, read) if v is not None]
        had = [v for v in map(_number, want) if v is not None]
        if len(got) < max(3, 0.75 * len(want)) or len(had) < 3:
            return False
        tg, th = _trend(got), _trend(had)
        shared = min(max(got), max(had)) - max(min(got), min(had))
        return tg * th < 0 and min(abs(tg), abs(th)) >= 0.5 and shared >= 0.7 * (max(had) - min(had))

    def _axis_runs_backwards(self, ctx: _Ctx, ticks: list[TextBox], axis: str, panel: int | None) -> bool:
        """True when the candidate's tick values along the whole side of the panel run the other way than the
        reference's (read label by label in a band as long as the axis: an inverted axis that autoscaled to other
        ticks keeps neither their places nor their count), on either side of the plot."""
        k = 1 if axis == "y-axis" else 0
        return any(self._side_runs_backwards(ctx, side, k, panel) for side in _tick_sides(ticks, k))

    def _side_runs_backwards(self, ctx: _Ctx, ticks: list[TextBox], k: int, panel: int | None) -> bool:
        """``_axis_runs_backwards`` for the labels of one side."""
        ref = [(t.center[k], _number(t.text)) for t in ticks]
        want = _rank_direction([p for p in ref if p[1] is not None])
        if want == 0 or panel is None or not ctx.panels:
            return False
        p = ctx.panels[panel]
        h = max(t.box[3] - t.box[1] for t in ticks)
        if k == 1:
            band = (min(t.box[0] for t in ticks) - 3, p[1] - h, max(t.box[2] for t in ticks) + 3, p[3] + h)
        else:
            band = (p[0] - 2 * h, min(t.box[1] for t in ticks) - 3, p[2] + 2 * h, max(t.box[3] for t in ticks) + 3)
        crop, spans = self._band_spans(ctx, band, ticks, k, panel, h)
        if not 3 <= len(spans) <= 16:
            return False
        got = [((a + b) / 2, _number(text)) for (a, b), text in zip(spans, self._read_spans(ctx, crop, spans, k))]
        if _direction([q for q in got if q[1] is not None]) != -want:
            return False
        # The reference's band read the same way: a misreading both share (a colour bar's tick marks, or a
        # contour line drawn on it, read as minus signs before the upper labels) runs the same way in both.
        return self._ref_band_direction(ctx, band, ticks, k, panel) != -want

    def _ref_band_direction(self, ctx: _Ctx, band, ticks: list[TextBox], k: int, panel: int | None) -> int:
        """``_direction`` of the reference's labels in a work-frame ``band``, read as ``_band_spans`` and
        ``_read_spans`` read the candidate's (cached with the reference)."""
        cache = ctx.ref.lazy("band_directions", dict)
        key = (tuple(band), k)
        if key not in cache:
            h = max(t.box[3] - t.box[1] for t in ticks)
            crop, spans = self._band_spans(ctx, band, ticks, k, panel, h, which="r")
            ocr = get_ocr(self.config.ocr, threads=self.config.ocr_threads)
            got = [((a + b) / 2, _number(ocr.recognize(crop[a:b] if k == 1 else crop[:, a:b])[0])) for a, b in spans]
            cache[key] = _direction([q for q in got if q[1] is not None])
        return cache[key]

    @staticmethod
    def _band_spans(ctx: _Ctx, band, ticks: list[TextBox], k: int, panel: int | None,
                    h: float, which: str = "c") -> tuple[np.ndarray, list[tuple[int, int]]]:
        """The candidate's (``which`` 'r': the reference's) crop of a work-frame ``band`` of one side's tick labels
        (``k``: 1 for a y-axis, ``h`` their height), with what is no label painted over (``_labels_only``), and its
        ink spans along the axis: one label per span (rows for a y-axis, columns for an x-axis)."""
        if which == "r":
            x0, y0, x1, y1 = ctx.rn.to_source(band, clip_to=ctx.ref.size)
        else:
            x0, y0, x1, y1 = ctx.cand_box(band)
        image = ctx.ref.image if which == "r" else ctx.cand.image
        crop = image[int(max(0, y0)):int(np.ceil(y1)), int(max(0, x0)):int(np.ceil(x1))]
        if crop.size == 0:
            return crop, []
        crop, ink = _labels_only(crop, k, _plot_after(ctx, ticks, k, panel))
        gap = 2 if k == 1 else max(3, int(0.5 * h * crop.shape[0] / max(band[3] - band[1], 1)))
        return crop, _ink_spans(ink.any(axis=k), gap=gap)

    def _read_spans(self, ctx: _Ctx, crop: np.ndarray, spans: list[tuple[int, int]], k: int) -> list[str]:
        """The OCR reading of each span of a band (``_band_spans``)."""
        return [self._read_crop(ctx, crop[a:b] if k == 1 else crop[:, a:b])[0] for a, b in spans]

    def _extra_text(self, ctx: _Ctx, *, max_reads: int = 4) -> list[tuple[str, tuple, int | None]]:
        """Text-like regions that only the candidate draws, read with OCR; returns (text, work box, panel)."""
        if ctx.ref.features.get("_extra_done_for") == ctx.cand.key:
            return []
        found = []
        ref_texts = self._texts(ctx.ref)
        mask = ctx.extra & ~ctx.explained
        regs, _ = geo.regions(mask, min_area=int(T["min_region_px"]) * 3, join=4)
        reads = blocks = 0
        for r in regs:
            if reads >= max_reads:
                break
            if not (6 <= r.height <= 90 and r.width >= 1.2 * r.height) and not (6 <= r.width <= 90 and r.height >= 2.5 * r.width):
                continue
            density = r.area / max(r.width * r.height, 1)
            if density > 0.75:  # a filled block (a bar), not glyphs
                continue
            reads += 1
            lines = [(*self._recognize(ctx, r.box), r.box)]
            if not self._new_text(ref_texts, *lines[0], ctx.panels) and 24 <= r.height <= 160 and not blocks and \
                    r.width * r.height <= 0.05 * mask.size and (not ctx.panels or _inside_plot(ctx.panels, r.box)):
                lines = self._read_block(ctx, r.box)  # several lines (a legend moved as a whole, inside the plot)
                blocks += 1
            for text, score, box in lines:
                if self._new_text(ref_texts, text, score, box, ctx.panels):
                    found.append((text, box, _panel_of(ctx.panels, box) if ctx.panels else None))
                    x0, y0, x1, y1 = (int(v) for v in box)
                    ctx.explained[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = True
        return found

    def _new_text(self, ref_texts: list[TextBox], text: str, score: float, box, panels=()) -> bool:
        """A confident reading of three or more letters that is no part of a reference line drawn there."""
        letters = sum(c.isalnum() for c in text)
        distinct = len({c for c in text.casefold() if c.isalnum()})
        return letters >= 3 and distinct >= 2 and score >= 0.8 and not self._part_of_reference_text(ref_texts, text, box, panels)

    def _read_block(self, ctx: _Ctx, box) -> list[tuple[str, float, tuple]]:
        """The lines of a multi-line candidate region (work-frame ``box``), split where a row of the candidate's
        ink is blank and each read (recognition only: a detection pass on a small crop costs up to a second), with
        their work boxes; at most six lines."""
        x0, y0, x1, y1 = (int(v) for v in box)
        lines = [(x0, y0 + a, x1, y0 + b) for a, b in geo.runs(ctx.ink("c")[y0:y1, x0:x1].any(axis=1))
                 if b - a >= 6]  # (a legend frame's edge is a row or two)
        if len(lines) < 2 or len(lines) > 6:
            return []
        return [(*self._recognize(ctx, b), b) for b in lines]

    @staticmethod
    def _tiny_in_cand(ctx: _Ctx, t: TextBox) -> bool:
        """True when line ``t`` is under 9 px tall in the candidate's own pixels (a 7-pt label at 72 dpi)."""
        box = ctx.cand_box(t.box)
        return box[3] - box[1] < 9

    @staticmethod
    def _same_glyphs(ctx: _Ctx, box, *, slack_x: float = 0.0) -> bool:
        """True when the resolution-matched work images show the same line at ``box`` up to a small shift (another
        ``slack_x`` px sideways; normalised cross-correlation of the grey crops at or above ``T['text_glyph_ncc']``)."""
        import cv2

        h, w = ctx.rn.image.shape[:2]
        x0, y0, x1, y1 = (int(max(0, box[0] - 1)), int(max(0, box[1] - 1)), int(min(w, box[2] + 1)), int(min(h, box[3] + 1)))
        s = int(3 + 0.3 * (y1 - y0))
        sx = s + int(slack_x)
        X0, Y0, X1, Y1 = max(0, x0 - sx), max(0, y0 - s), min(w, x1 + sx), min(h, y1 + s)
        if x1 - x0 < 4 or y1 - y0 < 4:
            return False
        tpl = cv2.cvtColor(np.ascontiguousarray(ctx.rn.image[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
        return _glyphs_found(tpl, ctx.cn.image[Y0:Y1, X0:X1])

    @staticmethod
    def _ticks_rotated(ctx: _Ctx, box, ticks: list[TextBox] = ()) -> bool:
        """True when the tick-label band at work box ``box`` (grown downwards, where slanted labels reach) is drawn
        with mostly diagonal strokes in the candidate and not in the reference (labels rotated, values the same)."""
        h, w = ctx.rn.image.shape[:2]
        lh = box[3] - box[1]
        band = (max(0, box[0] - lh), max(0, box[1] - 2), min(w, box[2] + lh), min(h, box[3] + 2.5 * lh))
        if band[2] - band[0] < 8 or band[3] - band[1] < 8:
            return False
        # Read at each image's own resolution: a large figure shrunk to the work frame blurs the slant away.
        cx0, cy0, cx1, cy1 = ctx.cand_box(band)
        rx0, ry0, rx1, ry1 = ctx.rn.to_source(band, clip_to=ctx.ref.size)
        C = ctx.cand.image[int(cy0):int(np.ceil(cy1)), int(cx0):int(np.ceil(cx1))]
        R = ctx.ref.image[int(ry0):int(np.ceil(ry1)), int(rx0):int(np.ceil(rx1))]
        if min(C.shape[:2]) < 8 or min(R.shape[:2]) < 8:
            return False
        bg = ctx.rn.background
        if geo.slanted_share(C, background=bg) >= 0.5 and geo.slanted_share(R, background=bg) < 0.2:
            return True  # words drawn as slanted strokes (clipped rotated labels keep their slant)
        if geo.diagonal_share(C) - geo.diagonal_share(R) >= T["tick_rotation_diagonal"]:
            return True
        return bool(ticks) and ChartComparer._glyphs_turned(ctx, ticks)

    @staticmethod
    def _glyphs_turned(ctx: _Ctx, ticks: list[TextBox]) -> bool:
        """True when most tick labels (short ones too: 'A', 'B', which show no slanted strokes) are found in the
        candidate as the reference's own glyphs turned by 30-90 degrees, clearly better than upright (grey
        cross-correlation at each image's resolution, near where the label stood)."""
        import cv2

        W, H = ctx.cand.size
        scale = (ctx.cn.frame.scale[0] * ctx.cn.frame.scale[1]) ** 0.5 / max(
            (ctx.rn.frame.scale[0] * ctx.rn.frame.scale[1]) ** 0.5, 1e-6)  # candidate px per reference px
        turned = 0
        for t in ticks:
            rx0, ry0, rx1, ry1 = (int(round(v)) for v in ctx.rn.to_source(t.box, clip_to=ctx.ref.size))
            tpl = cv2.cvtColor(np.ascontiguousarray(ctx.ref.image[ry0:ry1, rx0:rx1]), cv2.COLOR_RGB2GRAY)
            if min(tpl.shape) < 4 or tpl.std() < 8:
                continue
            if abs(1 / max(scale, 1e-6) - 1) > 0.05:  # to the candidate's resolution
                tpl = cv2.resize(tpl, (max(4, round(tpl.shape[1] / scale)), max(4, round(tpl.shape[0] / scale))),
                                 interpolation=cv2.INTER_AREA)
            cx0, cy0, cx1, cy1 = ctx.cand_box(t.box)
            reach = 0.6 * max(tpl.shape) + 4
            area = ctx.cand.image[int(max(0, cy0 - reach)):int(min(H, cy1 + 2 * reach)),
                                  int(max(0, cx0 - 2 * reach)):int(min(W, cx1 + reach))]
            area = cv2.cvtColor(np.ascontiguousarray(area), cv2.COLOR_RGB2GRAY)
            fill = int(np.median(tpl[[0, -1]]))

            def best(img: np.ndarray) -> float:
                if img.shape[0] > area.shape[0] or img.shape[1] > area.shape[1]:
                    return -1.0
                return float(cv2.matchTemplate(area, img, cv2.TM_CCOEFF_NORMED).max())
            upright = best(tpl)
            h, w = tpl.shape
            side = int(np.ceil(np.hypot(h, w)))
            pad = cv2.copyMakeBorder(tpl, (side - h) // 2 + 1, (side - h) // 2 + 1, (side - w) // 2 + 1,
                                     (side - w) // 2 + 1, cv2.BORDER_CONSTANT, value=fill)
            c = (pad.shape[1] / 2, pad.shape[0] / 2)
            rotated = max(best(cv2.warpAffine(pad, cv2.getRotationMatrix2D(c, a, 1.0), pad.shape[::-1],
                                              borderValue=fill)) for a in (30, 45, 60, 90, -30, -45, -60, -90))
            if rotated >= 0.7 and rotated >= upright + 0.1:
                turned += 1
        return turned >= max(2, 0.6 * len(ticks))

    @staticmethod
    def _part_of_reference_text(ref_texts: list[TextBox], text: str, box, panels=()) -> bool:
        """True when ``text`` read at work box ``box`` is (part of) a reference line drawn about there: glyphs of
        another resolution or font hinting land a few px off, which is not new text. A line inside a plot area is
        never a drifted part of one outside it (a legend entry under a title that holds its words)."""
        t = normalize_text(text)
        for r in ref_texts:
            m = max(8.0, r.box[3] - r.box[1])
            if box[0] > r.box[2] + m or box[2] < r.box[0] - m or box[1] > r.box[3] + m or box[3] < r.box[1] - m:
                continue
            if panels and _inside_plot(panels, box) != _inside_plot(panels, r.box):
                continue
            if fuzz.partial_ratio(t, normalize_text(r.text)) >= 80:
                return True
        return False

    def _plot_area(self, ctx: _Ctx, i: int):
        h, w = ctx.missing.shape
        if not ctx.panels:
            return (0, 0, w, h)
        x0, y0, x1, y1 = ctx.panels[i]
        cf = ctx.cand_frames  # (read by the layout check, before any plot is compared; not read again for
        # a candidate whose pixels barely differ, where a moved spine would show)
        if cf is not None and not ctx.virtual_panels:
            # A plot the figure narrowed by a few px (a neighbour's labels grew) keeps its place under the fit, but
            # a spine of it then stands inside the reference's area: only where both plots' areas lie is compared.
            c = _matched_frame(ctx.panels, cf, i)
            if c is not None and max(abs(a - b) for a, b in zip(ctx.panels[i], c)) >= 2:
                x0, y0, x1, y1 = max(x0, c[0]), max(y0, c[1]), min(x1, c[2]), min(y1, c[3])
        return (x0 + 3, y0 + 3, max(x0 + 4, x1 - 3), max(y0 + 4, y1 - 3))

    @staticmethod
    def _ring_share(area: np.ndarray, color) -> float:
        """The share of the ring just inside a plot area (``_ring_color``'s) within 12 of ``color``."""
        return float((far_from(geo.ring(area, (0, 0, area.shape[1], area.shape[0]))[None], color) <= 12).mean())

    @staticmethod
    def _ring_color(area: np.ndarray) -> np.ndarray:
        """A plot area's background: the commonest colour of a ring just inside its frame. Marks that fill most of
        the area (wide bars) touch one side at most, while the background shows along all four."""
        return mode_color(geo.ring(area, (0, 0, area.shape[1], area.shape[0])))

    def _plot_backgrounds(self, ctx: _Ctx, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Plot area ``i``'s background in the reference and in the candidate (``_ring_color``), once per
        comparison. Bars drawn edge to edge across a plot cover most of its ring; where the candidate's ring takes
        a colour the reference's marks are drawn in (not the candidate's figure background, which a plot may
        share), and the candidate still shows the reference's background over a fifth of its area or of its ring,
        that background is still its own; and the other way round, where the reference's bars cover its ring."""
        if i in ctx.plot_backgrounds:
            return ctx.plot_backgrounds[i]
        x0, y0, x1, y1 = self._plot_area(ctx, i)
        ra, ca = ctx.rn.image[y0:y1, x0:x1], ctx.cn.image[y0:y1, x0:x1]
        figure = np.asarray(ctx.cn.background, np.uint8)
        r, c = self._ring_color(ra), self._ring_color(ca)
        apart = float(delta_e(rgb_to_lab(r), rgb_to_lab(c))) > 6.0
        if apart and float(delta_e(rgb_to_lab(c), rgb_to_lab(figure))) > 6.0 and \
                (float((far_from(ca, r) <= 12).mean()) >= 0.2 or self._ring_share(ca, r) >= 0.2) and \
                float((far_from(ra, c) <= 12).mean()) >= 0.05:
            c = r  # (bars widened to fill the ring leave the background along a fifth of it)
        elif apart and self._ring_share(ra, c) >= 0.25 and float((far_from(ra, c) <= 12).mean()) >= 0.2:
            r = c  # the reference's bars cover most of its ring, and the candidate's background shows along it
            # and over a fifth of its area (a background changed for real does not show in the reference at all)
        ctx.plot_backgrounds[i] = r, c
        return r, c

    def _background(self, ctx: _Ctx) -> None:
        rb, cb = ctx.rn.background, ctx.cn.background
        if float(delta_e(rgb_to_lab(rb), rgb_to_lab(cb))) > 6.0:
            # The border's colour differs; the figure's own is what most of the content box shows (a white margin
            # around a tinted figure is margin, not another background).
            rb, cb = mode_color(ctx.rn.image), mode_color(ctx.cn.image)
        if float(delta_e(rgb_to_lab(rb), rgb_to_lab(cb))) > 6.0:
            rn_, cn_ = color_name(rb), color_name(cb)
            what = f"{cn_} instead of {rn_}" if rn_ != cn_ else f"another shade of {rn_} than in the reference"
            ctx.errors.append(finding("chart.background", f"The figure background is {what}.", "figure background",
                                      [0.0, 0.0, *map(float, ctx.cand.size)]))
        def plain(area: np.ndarray, color) -> bool:  # one colour holds the ring: a background, not an image's cells
            return self._ring_share(area, color) >= T["background_ring_share"]
        for i, _ in enumerate(ctx.panels):
            x0, y0, x1, y1 = self._plot_area(ctx, i)
            ra, ca = ctx.rn.image[y0:y1, x0:x1], ctx.cn.image[y0:y1, x0:x1]
            r, c = self._plot_backgrounds(ctx, i)
            if float(delta_e(rgb_to_lab(r), rgb_to_lab(c))) > 6.0 and plain(ra, r) and plain(ca, c):
                ctx.errors.append(finding("chart.background", f"The plot background is {color_name(c)} instead of "
                                          f"{color_name(r)}.", ctx.panel_name(i) + "plot area",
                                          ctx.cand_box((x0, y0, x1, y1))))

    def _data_mask(self, img: np.ndarray, lab: np.ndarray, bg: np.ndarray) -> np.ndarray:
        """Data ink: far from the plot's background and not a light grey (grid lines, text); on a dark
        background every grey lighter than it, as the light grid lines' anti-aliased edges are."""
        far = far_from(img, bg) > 40
        bg_l = float(rgb_to_lab(np.asarray(bg, np.uint8).reshape(1, 1, 3))[0, 0, 0])
        light = lab[..., 0] > (min(60.0, bg_l + 15.0) if bg_l < 40.0 else 60.0)
        return far & ~((chroma(lab) < NEUTRAL_CHROMA) & light)

    def _panel_masks(self, ctx: _Ctx, i: int) -> "_PanelMasks":
        """Plot area ``i`` of both images with its Lab values, background colours and data masks (text and other
        explained pixels left out), shared by the detectors that read one panel."""
        x0, y0, x1, y1 = self._plot_area(ctx, i)
        R, C = ctx.rn.image[y0:y1, x0:x1], ctx.cn.image[y0:y1, x0:x1]
        keep = ~ctx.explained[y0:y1, x0:x1]
        rlab, clab = ctx.lab("r")[y0:y1, x0:x1], ctx.lab("c")[y0:y1, x0:x1]
        rbg, cbg = self._plot_backgrounds(ctx, i)
        rall, call = self._data_mask(R, rlab, rbg), self._data_mask(C, clab, cbg)
        return _PanelMasks((x0, y0, x1, y1), R, C, rlab, clab, rbg, cbg, keep, rall & keep, call & keep, rall, call)

    def _series(self, ctx: _Ctx, i: int, pm: "_PanelMasks | None" = None) -> None:
        pm = pm or self._panel_masks(ctx, i)
        x0, y0, x1, y1 = pm.box
        R, C, rlab, clab, rbg, cbg, keep, rdata, cdata = (pm.R, pm.C, pm.rlab, pm.clab, pm.rbg, pm.cbg, pm.keep,
                                                          pm.rdata, pm.cdata)
        miss = ctx.missing[y0:y1, x0:x1] & keep
        extra = ctx.extra[y0:y1, x0:x1] & keep
        diff = miss | extra
        quiet = bool(diff.sum() < T["min_region_px"])  # then only dash patterns, which the tolerant diff cannot see
        miss_near, extra_near = geo.dilate(miss, 2), geo.dilate(extra, 2)
        rfar, cfar = far_from(R, rbg), far_from(C, cbg)
        rink, cink = rfar > T["ink_tolerance"], cfar > T["ink_tolerance"]
        loc = ctx.panel_name(i if ctx.panels else None) + "plot area"
        off = np.array([x0, y0, x0, y0], float)

        def cbox(mask_box):
            return ctx.cand_box(tuple(np.asarray(mask_box, float) + off))

        n_r, n_c = int(rdata.sum()), int(cdata.sum())
        area = R.shape[0] * R.shape[1]
        if not quiet and not ctx.axis_moved(i) and self._same_image_other_colormap(R, C):  # (an image moved with
            # its axis maps its colours anew pixel by pixel)
            ctx.errors[:] = [e for e in ctx.errors if not (e.location == loc and e.description.startswith("The plot "
                                                                                                      "background"))]
            ctx.errors.append(finding("chart.series_color", _REMAPPED, loc, cbox((0, 0, R.shape[1], R.shape[0]))))
            return
        if not quiet and self.enabled("overplot") and self._overplotted(rdata, cdata):
            ctx.errors.append(finding("chart.overplot", "The plot area is covered with far more marks than the reference "
                                      "shows, hiding the actual data.", loc, cbox((0, 0, R.shape[1], R.shape[0]))))
            return
        min_px = max(25, int(T["series_min_fraction"] * area))
        line_px = max(25, min(min_px, int(0.8 * R.shape[1])))  # a thin line across the plot holds fewer
        steep_px = max(25, min(line_px, int(0.8 * R.shape[0])))  # ... a coloured one up it fewer still (grey ones
        # that short are grid lines or ticks)

        def enough(mask: np.ndarray, lab, n: int) -> bool:  # n pixels of colour lab (mask: all of it) are a series
            # (below min_px only a thin line counts: few pixels of a fill are a fringe or a tint; a thin line
            # across the plot holds fewer, a dashed one fewer still)
            return n >= (line_px if float(chroma(lab)) < NEUTRAL_CHROMA else steep_px) and (
                n >= min_px or geo.stroke_thickness(mask) < 4)
        around = np.s_[max(0, y0 - 20):y1 + 20, max(0, x0 - 20):x1 + 20]  # the plot with a legend beside it

        span: list[bool] = []

        def autoscaled() -> bool:  # the candidate's marks span most of the plot's height, as an axis fitted to
            # the data draws them (a range set by hand squashes them into part of it); marks running on under an
            # explained box (bars under a legend) are followed there. Measured once.
            if not span:
                _, labels = cv2.connectedComponents(pm.cdata_all.astype(np.uint8), connectivity=8)
                seen = np.unique(labels[cdata])
                rows = np.flatnonzero(np.isin(labels, seen[seen > 0]).sum(axis=1) >= 2)
                span.append(len(rows) > 0 and rows[-1] - rows[0] >= 0.7 * cdata.shape[0])
            return span[0]
        rp = self._series_palette(R, rdata, line_px, steep_px)
        cp = self._series_palette(C, cdata, line_px, steep_px)
        # Colour tells series apart: the only series of its plot recoloured is an aesthetic change (1). (Its other
        # palette entries are its own shades: anti-aliased edges, its blends with the background.)
        lone = len(rp) > 0 and all(
            _blend_of(rp.rgb[q], rp.rgb[0], rbg) or color_name(rp.rgb[q]) == color_name(rp.rgb[0]) or
            float(delta_e(rp.lab[q], rp.lab[0])) < T["series_color_delta"] for q in range(1, len(rp)))
        recolour = "chart.series_color_lone" if lone else "chart.series_color"
        used_c: set[int] = set()
        nearest_of: dict[int, int] = {}  # candidate colour -> the reference colour it is nearest to (reserved)
        for k in range(len(rp)):
            j, d = cp.nearest(rp.lab[k])
            if d < T["series_color_delta"]:
                used_c.add(j)
                nearest_of.setdefault(j, k)
        cached: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        data_lab = [(np.flatnonzero(m), lab[m]) for m, lab in ((rdata, rlab), (cdata, clab))]  # (read only at data)

        def colour_masks(q: int) -> tuple[np.ndarray, np.ndarray]:  # reference palette colour q in both images
            if q not in cached:
                pair = []
                for (at, values), shape in zip(data_lab, (rdata.shape, cdata.shape)):
                    m = np.zeros(shape, bool)
                    m.ravel()[at] = color_mask(values, rp.lab[q])
                    pair.append(m)
                cached[q] = (pair[0], pair[1])
            return cached[q]

        found = 0
        type_reported = False
        bar_width = width_found = None
        new_ground = float(np.abs(np.asarray(rbg, float) - np.asarray(cbg, float)).max()) > 24  # plot background
        first = len(ctx.errors)
        masks: dict[int, np.ndarray] = {}
        # (finding, share of its marks still drawn over, whether its marks are outlines of coloured ones)
        gone_series: list[tuple[Discrepancy, float, bool]] = []
        drawn_as: dict = {}  # id(series finding) -> the reference colour it is about (RGB) and its mask
        grown: dict = {}  # id(values finding) -> where a series drawn whole as before now reaches further
        outlines: list[Discrepancy] = []  # outlines drawn in another colour
        outline_values: list[Discrepancy] = []  # outlines said to have moved (values changed)
        near_hued = None

        def outline(k: int, rk: np.ndarray) -> bool:
            """Thin black or grey lines along the edges of coloured marks: bars' outlines (pixel-aligned ones pure
            black, others blended), which move or go with the bars they outline."""
            nonlocal near_hued
            if chroma(rp.lab[k]) >= NEUTRAL_CHROMA or geo.stroke_thickness(rk) > 2:
                return False
            if near_hued is None:
                near_hued = geo.dilate(rdata & (chroma(rlab) >= NEUTRAL_CHROMA), 2)
            return bool((rk & near_hued).sum() >= 0.8 * rk.sum())
        gone: list[np.ndarray] = []  # reference colours found recoloured or missing
        for k in range(len(rp)):
            if found >= 4:
                break
            lab_k = rp.lab[k]
            rk, ck = colour_masks(k)
            n_rk, n_ck = int(rk.sum()), int(ck.sum())
            if not enough(rk, lab_k, n_rk):
                continue
            fringe_of = next((q for q in masks if (rk & geo.dilate(
                masks[q], 2 if _blend_of(rp.rgb[k], rp.rgb[q], rbg, tol=20.0) else 1)).sum() >= 0.8 * n_rk), None)
            if fringe_of is not None:
                # The anti-aliased fringe of a stronger colour already looked at, not a series (its paler blends
                # with the background reach 2 px out; a line over a fill of its own hue is no fringe of it). A
                # colour darker than both a fill and the ground runs along the fill's edge: an outline, which
                # moves with the fill, or a line drawn along it, whose dashes are its own.
                if n_ck and _darker_than_both(lab_k, rp.lab[fringe_of], rbg) and _core_share(masks[fringe_of]) >= 0.3:
                    dash = self._dash_change(rk, ck, rink, cink, rlab, clab, lab_k,
                                             contrast=(rfar, cfar) if ctx.other_resolution else None)
                    if dash is not None and dash not in (_AS_POINTS, _AS_LINE):
                        ctx.errors.append(finding("chart.line_style", f"The {color_name(rp.rgb[k])} line is drawn "
                                                  f"{dash} in the reference.", loc, cbox(geo.box_of(rk | ck))))
                        found += 1
                continue
            if any(q != k and q not in masks and _blend_of(rp.rgb[k], rp.rgb[q], rbg, tol=20.0) and
                   enough(colour_masks(q)[0], rp.lab[q], int(colour_masks(q)[0].sum())) and
                   (rk & geo.dilate(colour_masks(q)[0], 2)).sum() >= 0.8 * n_rk for q in range(len(rp))):
                continue  # the fringe of a thin line whose edge outnumbers its core: that colour speaks for it
            masks[k] = rk
            name = color_name(rp.rgb[k])
            dash = self._dash_change(rk, ck, rink, cink, rlab, clab, lab_k,
                                     contrast=(rfar, cfar) if ctx.other_resolution else None) if n_ck else None
            if dash in (_AS_POINTS, _AS_LINE):
                if self.enabled("chart_type") and not type_reported:
                    kinds = ("lines", _AS_POINTS) if dash == _AS_POINTS else ("separate points", _AS_LINE)
                    ctx.errors.append(finding("chart.chart_type", f"The {name} data is drawn as {kinds[1]} instead "
                                              f"of {kinds[0]}.", loc, cbox(geo.box_of(rk | ck))))
                    type_reported = True
                    found += 1
                continue
            if dash is not None:
                ctx.errors.append(finding("chart.line_style", f"The {name} line is drawn {dash} in the reference.", loc,
                                          cbox(geo.box_of(rk | ck))))
                found += 1
                continue
            if bar_width is not None and (n_ck >= 0.15 * n_rk or geo.stroke_thickness(rk) < 5):
                continue  # every filled colour of the panel follows the one width change already reported (bars
                # of a colour gone are still looked at: one series fewer in a group widens the others)
            bars = None
            if n_ck and self.enabled("bar_width"):
                # (then the whole bars, where explained boxes cut some: a value label's box cuts a narrow bar's
                # end, not a wide one's)
                bars = self._bar_width(rk, ck, whole=(lambda: (color_mask(rlab, lab_k) & pm.rdata_all,
                                                               color_mask(clab, lab_k) & pm.cdata_all))
                                       if not keep.all() and (rk ^ ck).sum() >= 0.1 * n_rk else None)
            if bars is not None:
                bar_width = bars
                width_found = finding("chart.bar_width", f"The {name} bars are drawn {bars[0]} than in the "
                                      "reference (same values).", loc, cbox(geo.box_of(rk | ck)))
                ctx.errors.append(width_found)
                # The category positions moved with the new width: their labels and the axis margin are not errors.
                axis = "x-axis" if bars[1] == "vertical" else "y-axis"
                _drop_findings(ctx, i, (f"{axis} tick labels", f"{axis} label"), ("data_error", "text_error"))
                # So did value labels over grouped bars, and bar edges read as a letter or two.
                ctx.errors[:] = [e for e in ctx.errors if not (
                    e.category == "text_error" and e.location == ctx.panel_name(i if ctx.panels else None) +
                    "plot area text (legend or annotation)" and all(
                        _value_like(q) or sum(c.isalnum() for c in q) <= 2 for q in _reference_texts(e)))]
                found += 1
                continue
            if n_ck and not ctx.rescaled and self._marker_shape_changed(rk, ck, rink, cink):
                ctx.errors.append(finding("chart.markers", f"The {name} series' markers are drawn in another shape than "
                                          "in the reference.", loc, cbox(geo.box_of(rk | ck))))
                found += 1
                continue
            if quiet:  # within the 2-px tolerance a thicker or thinner line still shows in its stroke width
                if n_ck and self._quiet_width(ctx, rk, ck, name, loc, cbox):
                    found += 1
                continue
            touched = (rk & geo.dilate(diff, 1)).sum() / n_rk
            if touched < 0.2 and n_ck >= 0.15 * n_rk and ((rk | ck) & diff).sum() < 8 * T["min_region_px"]:
                # Too little differs to read the series again, unless small marks were added along it (markers
                # on a thin line stick out of the 2-px tolerance by a few px each).
                if n_ck > 1.15 * n_rk and self._report_markers(ctx, rk, ck, miss, extra, name, loc, cbox):
                    found += 1
                continue
            if n_ck < 0.15 * n_rk and touched < 0.3:
                continue  # the pixels still match within tolerance: a colour shift (JPEG), not a loss
            if n_ck < 0.15 * n_rk and (rk & miss_near).sum() < 0.25 * n_rk:
                continue  # the colour's pixels are still drawn within tolerance (a shade moved by JPEG or blending)
            if self.enabled("chart_type") and n_ck:
                kinds = self._line_through_markers(rk, ck, rink, cink)
                if kinds is not None:
                    if not type_reported:  # one chart-type change per subplot; the other series follow from it
                        ctx.errors.append(finding("chart.chart_type", f"The {name} data is drawn as {kinds[1]} instead "
                                                  f"of {kinds[0]}.", loc, cbox(geo.box_of(rk | ck))))
                        type_reported = True
                        found += 1
                    continue
            if n_ck < 0.15 * n_rk:
                # The colour is gone: recoloured (same geometry in a new colour) or the series is missing.
                if any(_blend_of(rp.rgb[k], q, rbg) for q in gone):
                    continue  # a see-through legend over a recoloured bar (a tint of it): it follows that change
                if _seen_through(R, C, rk, rbg, cbg):
                    continue  # see-through marks over a new plot background: that change is reported
                if ctx.axis_moved(i) and np.flatnonzero(rk.any(axis=1))[-1] < 0.35 * rk.shape[0]:
                    continue  # marks only in the top of a plot whose range changed: the upper part cut off (a
                    # series gone from the bottom, as the base of a stack, shrinks the range with it)
                if ctx.axis_moved(i) and n_ck >= max(0.03 * n_rk, steep_px) and not (
                        self.enabled("chart_type") and self._drawn_thin(rk, ck, cdata & extra_near)):
                    continue  # still drawn, shrunk: its bars scaled down to a range widened for larger values (bars
                    # drawn as a line are a chart type, below)
                recol = None
                for j in range(len(cp)):
                    if j in used_c and nearest_of.get(j) != k:
                        continue  # (a shade near this very colour, kept for it, may be what it is drawn in now)
                    cj = color_mask(clab, cp.lab[j]) & cdata
                    rec = (rk & geo.dilate(cj, 2)).sum() / max(n_rk, 1)
                    if rec >= 0.6:
                        recol = j
                        break
                if recol is None:  # the colours traded places (another palette): a used colour may hold it now,
                    # unless that colour still draws its own reference series where it was (grown over this one's
                    # place, as one series left alone widens its bars: this one is gone)
                    recol = self._recoloured_to(rk, clab, cdata, cp)
                    q, d = rp.nearest(cp.lab[recol]) if recol is not None else (k, 0.0)
                    if q != k and d < T["series_color_delta"]:
                        rq, cq = colour_masks(q)
                        if (rq & geo.dilate(cq, 2)).sum() >= 0.6 * max(int(rq.sum()), 1):
                            recol = None
                box = geo.box_of(rk)
                if recol is None and chroma(lab_k) >= NEUTRAL_CHROMA and _drawn_faint(C, rk, rp.rgb[k], cbg):
                    # (dots or fine dashes a pixel across show only tints of the colour: the line is still there)
                    ctx.errors.append(finding("chart.line_style", f"The {name} series is drawn with another line "
                                              "style (dashes, dots or width).", loc, cbox(box)))
                    found += 1
                    continue
                gone.append(rp.rgb[k])
                if recol is None and self.enabled("chart_type") and self._drawn_thin(rk, ck, cdata & extra_near):
                    if not type_reported:  # one chart-type change per subplot; the other bar colours follow from it
                        ctx.errors.append(finding("chart.chart_type", f"The {name} filled marks (bars or areas) are "
                                                  "drawn as lines instead.", loc, cbox(box)))
                        type_reported = True
                        found += 1
                    continue
                if recol is not None:
                    used_c.add(recol)
                    other = color_name(cp.rgb[recol])
                    if other == name:
                        said = finding("chart.series_shade", f"The {name} series is drawn in another shade of {name}.",
                                       loc, cbox(box))
                    else:
                        said = finding(recolour, f"The {name} series is drawn in {other}.", loc, cbox(box))
                    drawn_as[id(said)] = rp.rgb[k], rk
                    if outline(k, rk):  # (said after the loop, unless the bars it outlines went)
                        outlines.append(said)
                    else:
                        ctx.errors.append(said)
                else:  # reported after the loop: unless the type changed, or under a new palette still drawn
                    said = finding("chart.series_missing", f"The {name} {_SERIES_GONE}", loc, cbox(box))
                    ctx.gone_colours[id(said)] = lab_k
                    drawn_as[id(said)] = rp.rgb[k], rk
                    gone_series.append((said,
                                        float((rk & geo.dilate(cdata, 1)).sum()) / max(n_rk, 1), outline(k, rk)))
                if recol is None and n_ck <= 0.02 * n_rk and autoscaled() and \
                        color_mask(ctx.lab("c")[around], lab_k).sum() <= max(5, 0.02 * n_rk):
                    ctx.series_counted.add(_location_panel(loc))  # wholly gone, its legend swatch too
                found += 1
                continue
            if ctx.axis_moved(i) and not (
                    self.enabled("chart_type") and n_ck and self._kind_changed(rk, ck)):
                continue  # the axis range changed: every mark moved with it, and that is already reported
            near_r = geo.dilate(rk, 2)
            near_c = geo.dilate(ck, 2)
            recall = (rk & near_c).sum() / n_rk
            precision = (ck & near_r).sum() / max(n_ck, 1)
            if recall < 0.5 and precision < 0.5 and i not in ctx.axis_changed:
                # This colour is drawn elsewhere and another colour draws its marks: the palette changed.
                j = self._recoloured_to(rk, clab, cdata, cp)
                if j is not None and (color_name(cp.rgb[j]) == name or _blend_of(rp.rgb[k], cp.rgb[j], rbg)):
                    j = None  # its own colour, or the line's full colour where this was its anti-aliased edge:
                    # the same line drawn thicker (a stroke width, read below), not another colour
                if j is not None:
                    ctx.errors.append(finding(recolour, f"The {name} series is drawn in {color_name(cp.rgb[j])}.",
                                              loc, cbox(geo.box_of(rk))))
                    found += 1
                    continue
            if recall < T["geometry_iou_same"] and n_ck and geo.stroke_thickness(rk) <= 4.5:
                # Part of this colour's lines (a line, its error bars kept) drawn in a colour new to the chart.
                lost = rk & ~near_c
                if lost.sum() >= max(line_px, 0.2 * n_rk):
                    new = [j for j in range(len(cp)) if j not in used_c and
                           rp.nearest(cp.lab[j])[1] >= T["series_color_delta"]]
                    j = self._recoloured_to(lost, clab, cdata, cp, among=new)
                    if j is not None:
                        used_c.add(j)
                        ctx.errors.append(finding(recolour, f"Part of the {name} series is drawn in "
                                                  f"{color_name(cp.rgb[j])}.", loc, cbox(geo.box_of(lost))))
                        found += 1
                        continue
            if self.enabled("chart_type") and not type_reported and n_ck:
                kinds = self._points_vs_lines(rk, ck) or (
                    ("separate points", "a connected line") if self._points_joined(rk, ck) else None)
                if kinds is not None:
                    ctx.errors.append(finding("chart.chart_type", f"The {name} data is drawn as {kinds[1]} instead of "
                                              f"{kinds[0]}.", loc, cbox(geo.box_of(rk | ck))))
                    type_reported = True
                    found += 1
                    continue
            width = self._other_width(rk, ck, recall, precision)
            if width is None and len(rp) > 1 and geo.stroke_thickness(rk) <= 4.5:
                # A thin line's commonest colour can be its anti-aliased blend, and a thick one's is the pure
                # colour: the strokes are measured over every shade of the reference drawn along this one.
                rk_w, ck_w = rk.copy(), ck.copy()
                near_k = geo.dilate(rk, 1)
                for q in range(len(rp)):
                    mq = colour_masks(q)[0]
                    if q != k and mq.any() and (mq & ~near_k).sum() <= 0.2 * mq.sum():
                        rk_w |= mq
                        ck_w |= colour_masks(q)[1]
                if (rk_w != rk).any():
                    width = self._other_width(rk_w, ck_w, (rk_w & geo.dilate(ck_w, 2)).sum() / max(int(rk_w.sum()), 1),
                                              (ck_w & geo.dilate(rk_w, 2)).sum() / max(int(ck_w.sum()), 1))
            if width is not None and self.enabled("chart_type") and not type_reported and (
                    self._dots_in_a_row(rk, ck) if width == "thicker" else self._dots_in_a_row(ck, rk)):
                kinds = ("lines", "separate points (a scatter plot)") if width == "thicker" else \
                    ("separate points", "a connected line")
                ctx.errors.append(finding("chart.chart_type", f"The {name} data is drawn as {kinds[1]} instead of "
                                          f"{kinds[0]}.", loc, cbox(geo.box_of(rk | ck))))
                type_reported = True
                found += 1
                continue
            if width is not None:
                ctx.errors.append(finding("chart.line_style", f"The {name} series is drawn with a {width} stroke than "
                                          "in the reference.", loc, cbox(geo.box_of(rk | ck))))
                found += 1
                continue
            if self._report_markers(ctx, rk, ck, miss, extra, name, loc, cbox):
                found += 1
                continue
            gone_r = rk & ~near_c
            if gone_r.any():  # marks under new marks of another colour (a line drawn thicker over it) are hidden
                gone_r &= ~geo.dilate(cdata & ~color_mask(clab, lab_k, tolerance=28.0), 1)
            far_r = gone_r & ~geo.dilate(ck, 6) & miss_near  # moved only where the tolerant diff agrees
            far_c = ck & ~geo.dilate(rk, 6) & extra_near
            if recall >= T["geometry_iou_same"] and precision >= T["geometry_iou_same"] and \
                    max(far_r.sum(), far_c.sum()) < 8 * T["min_region_px"]:
                continue  # (a few marks of a large series gone or added far from the rest still count)
            if ((far_r | far_c | gone_r | (ck & ~near_r)) & geo.dilate(diff, 2)).sum() < 2 * T["min_region_px"]:
                continue  # colour-mask noise (JPEG, anti-aliasing) without a real pixel difference
            changed = max(far_r.sum(), far_c.sum()) / n_rk
            box = geo.box_of(far_r | far_c) or geo.box_of((rk & ~near_c) | (ck & ~near_r))
            if changed < 0.05 and geo.stroke_thickness(rk) >= 9:
                # A filled mark (a bar among many) changed length: a value, however small a share of the colour.
                big = max(far_r.sum(), far_c.sum()) >= 8 * T["min_region_px"]
                if big or changed >= 0.02:
                    if not ctx.axis_moved(i):
                        rule = "chart.values" if big else "chart.values_minor"
                        ctx.errors.append(finding(rule, f"The {name} series does not match the reference: "
                                                  f"{'some of its values differ' if big else 'a few marks are displaced'}.",
                                                  loc, cbox(box)))
                        if outline(k, rk):
                            outline_values.append(ctx.errors[-1])
                        found += 1
                continue
            if changed < 0.05:
                if new_ground and chroma(rp.lab[k]) < NEUTRAL_CHROMA and _seen_through(R, C, rk, rbg, cbg):
                    continue  # a thin grey (a dotted grid's dots, blended) over the new plot background
                if precision >= 0.85:
                    ctx.errors.append(finding("chart.line_style", f"The {name} series is drawn with another line style "
                                              "(dashes or width).", loc, cbox(box)))
                elif recall >= 0.85:
                    ctx.errors.append(finding("chart.markers", f"The {name} series has other markers or a thicker "
                                              "stroke than the reference.", loc, cbox(box)))
                elif changed >= 0.02:
                    ctx.errors.append(finding("chart.values_minor", f"The {name} series' marks differ slightly from "
                                              "the reference.", loc, cbox(box)))
                else:
                    continue
                if outline(k, rk):
                    outline_values.append(ctx.errors[-1])
                found += 1
                continue
            if self.enabled("chart_type"):
                tr, tc = geo.stroke_thickness(rk), geo.stroke_thickness(ck)
                if self._kind_changed(rk, ck) and not _slim_bars(ck if tc < tr else rk):
                    # (the thin marks narrow bars on one baseline: a histogram's bins made many, not lines)
                    if type_reported:
                        continue  # one chart-type change per subplot
                    kinds = ("lines", "filled marks (bars or areas)") if tr < tc else ("filled marks (bars or areas)", "lines")
                    ctx.errors.append(finding("chart.chart_type", f"The {name} data is drawn as {kinds[1]} instead of "
                                              f"{kinds[0]}.", loc, cbox(geo.box_of(ck | rk))))
                    type_reported = True
                    found += 1
                    continue
            if ctx.axis_moved(i):
                continue  # the axis range changed: moved marks follow from it and are already reported
            if chroma(lab_k) < NEUTRAL_CHROMA and ((far_r & ~geo.dilate(cink, 1)) | (far_c & ~geo.dilate(rink, 1))).sum() \
                    < T["min_region_px"]:
                continue  # a black or grey stroke inked where it was, its edge blended otherwise (another colour
                # or background beside it moves its anti-aliased pixels from one grey to another)
            rule = ("chart.values_major" if changed >= 0.5 else "chart.values" if changed >= T["changed_fraction_minor"]
                    else "chart.values_minor")
            what = {"chart.values_major": "most of its values or its trend differ",
                    "chart.values": "some of its values differ", "chart.values_minor": "a few marks are displaced"}[rule]
            if rule == "chart.values_major" and _profile_corr(rk, ck) >= T["shape_kept_corr"]:
                # every value moved, the course kept (rises and falls where it did): values scaled or shifted
                rule, what = "chart.values", "its values differ, its course is kept (scaled or shifted)"
            ctx.errors.append(finding(rule, f"The {name} series does not match the reference: {what}.", loc, cbox(box)))
            if (rk & geo.dilate(ck, 2)).sum() >= 0.9 * n_rk:  # kept whole, grown: where it grew is checked below
                grown[id(ctx.errors[-1])] = ck & ~geo.dilate(rk, 2)
            if outline(k, rk):
                outline_values.append(ctx.errors[-1])
            found += 1
        # Outlines of bars whose values changed moved with them (read as moved, or as another line style where
        # they now run along other bars' edges): the bars' finding says it.
        outlined = {id(o) for o in outline_values}
        if any(e.category == "data_error" and e.location == loc and id(e) not in outlined for e in ctx.errors[first:]):
            ctx.errors[first:] = [e for e in ctx.errors[first:] if id(e) not in outlined]

        if not type_reported:
            # Under another palette (two or more colours traded here) a see-through fill, or a line over one, takes
            # a blend of the new colours no one of them explains: marks still drawn in place went with the palette.
            palette = sum(bool(_RECOLOURED.match(e.description)) for e in ctx.errors[first:]) >= 2
            gone_series = [g for g in gone_series if not (palette and g[1] >= 0.9)]
            # Beside a coloured series gone, the outlines went or changed with the bars that moved or went: no
            # series of their own.
            if any(not g[2] for g in gone_series):
                gone_series = [g for g in gone_series if not g[2]]
                outlines = []
            # A see-through fill gone with its line: the fill's tint (the line's colour seen through the
            # background) is the same series, and where the fill lay over another fill (right under it in each
            # column), the blend of the two lost its top layer: no recolouring.
            gone = [drawn_as[id(g[0])] for g in gone_series]
            # (over another fill that stays, the tint is the gone fill's colour blended with that fill's)
            grounds = [rbg] + [q for q in rp.rgb if not any(np.array_equal(q, c) for c, _ in gone)]
            gone_series = [g for n, g in enumerate(gone_series) if not any(
                k != n and _blend_of(gone[n][0], c, ground) for k, (c, _) in enumerate(gone) for ground in grounds)]
            ctx.errors[first:] = [e for e in ctx.errors[first:] if not (
                id(e) in drawn_as and _RECOLOURED.match(e.description) and e.location == loc and
                any(_lay_under(drawn_as[id(e)][1], m) for _, m in gone))]
            # A see-through fill that lay over a gone one shows alone where their blend was: it did not grow.
            if gone_series and grown:
                under = geo.dilate(np.logical_or.reduce([m for _, m in gone]), 3)
                ctx.errors[first:] = [e for e in ctx.errors[first:] if not (
                    id(e) in grown and (grown[id(e)] & under).sum() >= 0.85 * max(int(grown[id(e)].sum()), 1))]
            ctx.errors.extend(g[0] for g in gone_series)
            ctx.errors.extend(outlines)
        else:  # the marks drawn as another kind explain their lost or moved colours in this panel
            points = any("separate points" in e.description for e in ctx.errors[first:] if e.location == loc)
            ctx.errors[first:] = [e for e in ctx.errors[first:] if not (e.location == loc and (
                e.category == "data_error" or (points and _LINE_LOOK.search(e.description))))]
            # (lines drawn as points: the other lines' widths, dashes and markers changed with them)
        if quiet or type_reported:  # (marks of another kind bring their own blends and edges: no new series)
            return
        added: list[np.ndarray] = []
        for j in range(len(cp)):
            if j in used_c or found >= 5 or ctx.axis_moved(i):
                continue
            k, d = rp.nearest(cp.lab[j])
            if d < T["series_color_delta"]:
                continue
            if any(_blend_of(cp.rgb[j], q, cbg) for q in added):
                continue  # the anti-aliased fringe of a new series already reported
            if new_ground and any(_blend_of(cp.rgb[j], q, cbg) for q in rp.rgb):
                continue  # thin reference marks (a dotted grid, edges) blended with the new plot background
            cj = color_mask(clab, cp.lab[j]) & cdata
            n_cj = int(cj.sum())
            if n_cj < 0.02 * max(n_r, 1) or not enough(cj, cp.lab[j], n_cj):
                continue
            n_new = int((cj & extra_near & ~geo.dilate(rdata, 2)).sum())
            if (n_new < 0.3 * n_cj or not enough(cj, cp.lab[j], n_new)) and (
                    bar_width is None or n_cj < 0.15 * n_r or geo.stroke_thickness(cj) < 5):
                continue  # drawn where the reference has marks: blending or anti-aliasing of another resolution
                # (bars of a group narrowed: a new series' bars stand in the old ones' room)
            added.append(cp.rgb[j])
            name = color_name(cp.rgb[j])
            if autoscaled():
                ctx.series_counted.add(_location_panel(loc))
            ctx.errors.append(finding("chart.series_extra", f"{'An' if name[0] in 'aeiou' else 'A'} {name} series "
                                      "appears that the reference does not have.", loc, cbox(geo.box_of(cj))))
            found += 1
        if width_found is not None and (added or gone_series):
            ctx.errors.remove(width_found)  # a series more or fewer in each group: the others' width follows

    @staticmethod
    def _series_palette(img: np.ndarray, data: np.ndarray, line_px: int, steep_px: int) -> Palette:
        """A panel's series colours: those with a thin line's ink across the plot, then coloured ones with a line's
        ink up it (a steep line in a wide plot) that none of the first stands for."""
        main = palette(img, mask=data, max_colors=10, min_fraction=0.01, min_pixels=line_px, merge_delta=14.0)
        if steep_px >= line_px:
            return main
        more = palette(img, mask=data, max_colors=10, min_fraction=0.01, min_pixels=steep_px, merge_delta=14.0,
                       chromatic_only=True)
        new = [k for k in range(len(more)) if main.nearest(more.lab[k])[1] >= T["series_color_delta"]]
        if not new:
            return main
        return Palette(lab=np.concatenate([main.lab, more.lab[new]]), rgb=np.concatenate([main.rgb, more.rgb[new]]),
                       fraction=np.concatenate([main.fraction, more.fraction[new]]),
                       count=np.concatenate([main.count, more.count[new]]))

    def _marks_flipped(self, ctx: _Ctx, i: int, pm: "_PanelMasks") -> bool:
        """Report marks mirrored in their panel (an inverted axis in a plot without tick labels, or every value
        reversed): the candidate's data ink is the reference's upside down or left to right, far better than
        unmirrored. Only while the tick labels stay (else the axis finding speaks). True when reported."""
        rd, cd = pm.rdata, pm.cdata
        n = max(int(rd.sum()), int(cd.sum()))
        if n < 200 or min(rd.sum(), cd.sum()) < 0.7 * n:
            return False
        near_c = geo.dilate(cd, 2)

        def overlap(m: np.ndarray) -> float:  # share of the (moved) reference ink found in the candidate and back
            return min(float((m & near_c).sum()) / max(int(m.sum()), 1),
                       float((cd & geo.dilate(m, 2)).sum()) / max(int(cd.sum()), 1))
        unmoved = overlap(rd)
        if unmoved >= T["flip_overlap"]:
            return False
        score, axis = max((overlap(rd[::-1]), "y-axis"), (overlap(rd[:, ::-1]), "x-axis"))
        if score < T["flip_overlap"] or score < unmoved + T["flip_gain"]:
            return False
        x0, y0, x1, y1 = pm.box
        how = ("upside down (the y-axis inverted or the values negated)" if axis == "y-axis" else
               "mirrored left to right (the x-axis inverted or the values in reverse order)")
        ctx.errors.append(finding("chart.axis_scale", f"The marks are drawn {how}.",
                                  ctx.panel_name(i if ctx.panels else None) + "plot area",
                                  ctx.cand_box((x0, y0, x1, y1))))
        return True

    def _marks_rescaled(self, ctx: _Ctx, i: int, pm: "_PanelMasks") -> bool:
        """Report a change of the y-axis range in a plot without y tick labels: the candidate's marks are the
        reference's under one stretch of that axis (their upper and lower edges in every column map by one linear
        function that is not the identity; marks cut off at the new limit are outliers). True when found."""
        diff = (ctx.missing | ctx.extra)[pm.box[1]:pm.box[3], pm.box[0]:pm.box[2]] & pm.keep
        if diff.sum() < 8 * T["min_region_px"] or pm.rdata.sum() < 200 or pm.cdata.sum() < 200:
            return False
        roles = ctx.ref.get("text_roles") or []
        if any(p == (i if ctx.panels else None) and r == "y-axis tick labels" for p, r in roles):
            return False  # the tick labels speak for the axis (a stretch of the marks is then bars or values)
        # (Only the y-axis: along the category axis wider bars or moved pie slices stretch the marks too.)
        r, c = pm.rdata, pm.cdata
        both = r.any(axis=0) & c.any(axis=0)
        if both.sum() < 20:
            return False
        (rf, rl), (cf, cl) = _column_edges(r, both), _column_edges(c, both)  # (columns both images draw in)
        x, y = np.concatenate([rf, rl]), np.concatenate([cf, cl])
        if x.std() < 8:
            return False
        keep = np.ones_like(x, bool)
        for _ in range(3):  # least squares with outliers (marks cut off at the new limit) dropped
            a, b = np.polyfit(x[keep], y[keep], 1)
            keep = np.abs(y - (a * x + b)) <= 2.5
            if keep.sum() < 10:
                break
        if keep.mean() < 0.7 or a <= 0.2:
            return False
        move = np.abs((a - 1.0) * x[keep] + b)
        if np.percentile(move, 90) < 6 or np.median(move) < 3:
            return False  # the identity (or a pixel or two of alignment)
        ctx.errors.append(finding("chart.axis_range", "The y-axis range or scale differs from the reference: every mark "
                                  "of the plot is stretched or shifted along it.",
                                  ctx.panel_name(i if ctx.panels else None) + "y-axis tick labels", ctx.cand_box(pm.box)))
        return True

    def _values_off_axis(self, ctx: _Ctx, i: int, pm: "_PanelMasks") -> bool:
        """A y range that changed because the values did: the plot's y tick values changed (its x ticks did not),
        no series came or went, but its marks do not follow the axis (the upper and lower ink edges of most columns
        fit neither one linear map, as in :meth:`_marks_rescaled`, inverted or not, nor one smooth curve, a log
        scale). The range follows the data: one data finding replaces the range finding. True when reported."""
        panel = i if ctx.panels else None
        name = ctx.panel_name(panel)
        said = [e for e in ctx.errors if e.location == name + "y-axis tick labels"
                and e.description.startswith("The y-axis tick values differ")]
        if len(said) != 1 or any(e.location.startswith(name) and "x-axis" in e.location and e.category == "data_error"
                                 for e in ctx.errors):
            return False
        r, c = pm.rdata, pm.cdata
        if r.sum() < 200 or c.sum() < 200:
            return False
        texts, roles = self._ref_texts(ctx)
        boxed = np.zeros_like(r)  # the reference's plot-area lines with a line height around them
        x0, y0 = pm.box[0], pm.box[1]
        for t, (p, role) in zip(texts, roles):
            if p == panel and "plot area" in role:
                hh = t.box[3] - t.box[1]
                boxed[max(0, int(t.box[1] - hh - y0)):max(0, int(t.box[3] + hh - y0)),
                      max(0, int(t.box[0] - hh - x0)):max(0, int(t.box[2] + hh - x0))] = True
        if (r & boxed).sum() >= 0.5 * r.sum():
            return False  # the marks are mostly boxes behind texts placed in data units: they keep their size
        # Only the candidate's marks in the reference's colours: a series added in a new colour is not read as
        # values moved (its own finding speaks when it is found; the range moved for it).
        bins, counts = np.unique(np.round(pm.rlab[r] / 8.0).astype(np.int32), axis=0, return_counts=True)
        keep = np.zeros_like(c)
        for lab in bins[counts >= max(20, 0.01 * int(r.sum()))] * 8.0:
            keep |= color_mask(pm.clab, lab, tolerance=12.0)
        c = c & keep
        both = r.any(axis=0) & c.any(axis=0)
        if both.sum() < 20 or c.sum() < 200:
            return False
        n = r.shape[0]
        (rf, rl), (cf, cl) = _column_edges(r, both), _column_edges(c, both)
        x = np.concatenate([rf, rl])
        pairs = np.random.default_rng(0).integers(0, len(x), (200, 2))  # (seeded: one verdict per pair)
        best = 0.0
        # (inverted, a column's upper edge is drawn at its lower one's place)
        for y, sign in ((np.concatenate([cf, cl]), 1), (np.concatenate([cl, cf]), -1)):
            # The linear map most edges follow, through sampled pairs (a changed value is an outlier).
            p, q = pairs[np.abs(x[pairs[:, 0]] - x[pairs[:, 1]]) >= 5].T
            a = (y[p] - y[q]) / (x[p] - x[q])
            p, a = p[a * sign > 0.2], a[a * sign > 0.2]
            if len(a):
                on = np.abs(y - (a[:, None] * (x - x[p][:, None]) + y[p][:, None])) <= 2.5
                best = max(best, float(on.mean(axis=1).max()))
            keep = np.ones_like(x, bool)
            for _ in range(3):  # a smooth curve, for a scale changed with the range (log): least squares, outliers out
                if keep.sum() < 10 or len(np.unique(x[keep])) < 8:
                    break  # (edges on a few rows: the lines above say it)
                curve = np.polyval(np.polyfit(x[keep] / n, y[keep], 3), x / n)  # (rows scaled to 0-1: well conditioned)
                keep = np.abs(y - curve) <= 2.5
                best = max(best, float(keep.mean()))
        if best > T["off_axis_fit"]:
            return False  # (the marks follow the new range: the range finding says it)
        ctx.errors[:] = [e for e in ctx.errors if e is not said[0]]
        ctx.errors.append(finding("chart.values_major", "The plotted values differ from the reference: the y-axis "
                                  "range changed with them, and the marks do not follow one stretch of the axis.",
                                  name + "plot area", ctx.cand_box(pm.box)))
        return True

    @staticmethod
    def _grey(ctx: _Ctx) -> tuple[np.ndarray, np.ndarray]:
        """The reference and candidate source images in grey, computed once per comparison."""
        if "_grey" not in ctx.__dict__:
            ctx.__dict__["_grey"] = tuple(cv2.cvtColor(np.ascontiguousarray(a.image[..., :3]), cv2.COLOR_RGB2GRAY)
                                          for a in (ctx.ref, ctx.cand))
        return ctx.__dict__["_grey"]

    @classmethod
    def _glyphs(cls, ctx: _Ctx, t: TextBox) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
        """Reference line ``t``'s source box (1 px around it) and its grey crop there; None for a crop too small or
        too flat to be looked for."""
        gr = cls._grey(ctx)[0]
        x0, y0, x1, y1 = (int(round(v)) for v in ctx.rn.to_source(t.box, clip_to=ctx.ref.size))
        bx = (max(0, x0 - 1), max(0, y0 - 1), min(gr.shape[1], x1 + 1), min(gr.shape[0], y1 + 1))
        tpl = gr[bx[1]:bx[3], bx[0]:bx[2]]
        return None if tpl.shape[0] < 6 or tpl.shape[1] < 8 or tpl.std() < 10 else (bx, tpl)

    @classmethod
    def _found_elsewhere(cls, ctx: _Ctx, t: TextBox) -> tuple[float, float, float, float] | None:
        """The work box where the candidate draws reference line ``t``'s glyphs in another place (same image size
        only: they are looked for at their own size), or None."""
        glyphs = cls._glyphs(ctx, t) if ctx.ref.size == ctx.cand.size else None
        if glyphs is None:
            return None
        bx, tpl = glyphs
        gr, gc = cls._grey(ctx)
        if _in_place(tpl, gc, bx[:2]):
            return None
        d = _line_found(tpl, gc, bx[:2], ref=gr)
        return None if d is None or d == (0, 0) else ctx.cn.frame.to_work(cls._moved_box(bx, d))

    @staticmethod
    def _moved_box(box, d) -> tuple[int, int, int, int]:
        return box[0] + d[0], box[1] + d[1], box[2] + d[0], box[3] + d[1]

    def _texts_follow_axis(self, ctx: _Ctx, first: int) -> None:
        """Text placed in data units (annotations, the labels of a diagram drawn without axes, a column of category
        names) moves with its axis. Each such line of a subplot is looked for in the candidate by its glyphs; when
        three or more are found moved along one axis by one linear map that is not the identity, shifted alike
        across it, with lines carried off (or the order reversed), that axis's range or direction changed. One
        axis finding (or, where the tick labels already said the range changed, the reversal they could not tell);
        the lines it accounts for, moved or carried off, are no text finding of their own, and the marks of the
        plot follow the axis (``axis_changed``). Where the plot's tick labels stayed, the lines went with their
        data instead, and their findings follow a data finding."""
        if ctx.ref.size != ctx.cand.size:
            return  # (glyphs are looked for at their own size, in the source images: the work frames of a changed
            # axis may differ in scale, its content box having moved)

        def placed(e) -> bool:  # a text finding in a plot area (or of a figure without one), or of category names
            role = e.location.split(", ")[-1]
            return e.category == "text_error" and ("plot area" in role or role in (
                "text", "figure", "legend", "x-axis label", "y-axis label"))
        if not any(placed(e) for e in ctx.errors[first:]):
            return
        texts, roles = self._ref_texts(ctx)
        h, w = ctx.missing.shape
        # Plot-area text may follow either axis; a column of category names beside an axis follows that one.
        groups: dict[tuple[int | None, int | None], list[TextBox]] = {}
        for t, (panel, role) in zip(texts, roles):
            if ctx.skip is not None and ctx.skip[min(h - 1, int(t.center[1])), min(w - 1, int(t.center[0]))]:
                continue
            if ("plot area" in role or role == "text") and not (panel is None and _is_number(t.text)):
                groups.setdefault((panel, None), []).append(t)  # (a number beside no plot found: a tick label)
            elif role in ("x-axis label", "y-axis label") and panel is not None and not t.vertical:
                groups.setdefault((panel, int(role[0] == "y")), []).append(t)  # (the axis title runs along it)
        groups = {p: g for p, g in groups.items() if len(g) >= 3}
        if not groups:
            return
        grey = self._grey(ctx)
        H, W = grey[1].shape
        for (panel, only), lines in groups.items():
            # Where a line is carried off: names off their plot's side (no tick there), other text off the image.
            extent = [(0, W), (0, H)]
            if only is not None and panel < len(ctx.panels):
                px0, py0, px1, py1 = ctx.rn.to_source(ctx.panels[panel], clip_to=ctx.ref.size)
                extent = [(px0, px1), (py0, py1)]
            what = "the column of its category names" if only is not None else "the text placed in data units"
            looked = {}  # source box -> (line, its grey crop, its place in the candidate by the work frames)
            for t in lines:
                glyphs = self._glyphs(ctx, t)
                if glyphs is not None and glyphs[0] not in looked:
                    looked[glyphs[0]] = (t, glyphs[1], tuple(int(round(v)) for v in ctx.cand_box(t.box)))
            left = {bx for bx, (_, tpl, _) in looked.items() if not _in_place(tpl, grey[1], bx[:2])}
            if len(left) < 3:
                continue  # (fewer than three lines left their place: no map to find)
            found = []  # (source box, dx, dy): lines found in place (0, 0) or moved
            for bx, (_, tpl, _) in looked.items():
                d = _line_found(tpl, grey[1], bx[:2], ref=grey[0]) if bx in left else (0, 0)
                if d is not None:
                    found.append((bx, *d))
            for k, axis in ((1, "y-axis"), (0, "x-axis")):
                if only is not None and k != only:
                    continue
                size = (W, H)[k]
                fit = _one_axis_map(found, k, size)
                if fit is None:
                    continue
                a, b, off, inliers = fit
                seen = {bx for bx, _, _ in found}
                kept_at = [(bx[k] + bx[k + 2]) / 2 for bx, _ in inliers]
                ends = (min(kept_at), max(kept_at))  # (the span of the names found on the map)
                # The lines the map accounts for, in both places: found on it, found there once looked for where
                # it puts them (a word the figure repeats, a line half drawn over), or carried off the image.
                accounted, cut = [], 0  # (line, its boxes in the candidate's source), and how many went off
                for bx, (t, tpl, old) in looked.items():
                    centre = ((bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2)[k]
                    shift = [0, 0]
                    shift[k], shift[1 - k] = int(round(a * centre + b - centre)), int(round(off))
                    x0, y0, x1, y1 = self._moved_box(bx, shift)
                    if not extent[k][0] <= centre + shift[k] < extent[k][1] or (
                            only is not None and bx not in seen and not ends[0] <= centre <= ends[1] and
                            grey[1][max(0, y0):max(0, y1), max(0, x0):max(0, x1)].std() < 10):
                        cut += 1  # (a category name beyond those kept, its place bare: it left the range)
                    else:  # drawn around that place (whole-line likeness is enough where the map says)
                        m = max(4, int(0.3 * tpl.shape[0]))
                        if not _glyphs_found(tpl, grey[1][max(0, y0 - m):max(0, y1 + m), max(0, x0 - m):max(0, x1 + m)],
                                             ncc=T["text_found_glyph"]):
                            continue
                    accounted.append((t, (bx, old, self._moved_box(bx, shift))))
                if a > 0 and not cut:
                    continue  # all kept, spread anew: no proof of the axis (bars widened or narrowed re-pad a
                    # category axis; where no plot was found, its tick labels are among the lines)
                covered = np.zeros((H, W), bool)
                for _, boxes in accounted:
                    for x0, y0, x1, y1 in boxes:
                        covered[max(0, y0 - 2):max(0, y1 + 2), max(0, x0 - 2):max(0, x1 + 2)] = True
                        for n in (ctx.rn, ctx.cn):  # explained in both work frames: text is no series
                            wx0, wy0, wx1, wy1 = (int(round(v)) for v in n.frame.to_work((x0, y0, x1, y1)))
                            ctx.explained[max(0, wy0 - 2):max(0, wy1 + 2), max(0, wx0 - 2):max(0, wx1 + 2)] = True
                words = ["".join(normalize_text(t.text).split()) for t, _ in accounted]
                moved = []  # their text findings (a box grown by marks beside a line holds its words)
                for e in ctx.errors[first:]:
                    if placed(e) and e.bbox:
                        ex0, ey0, ex1, ey1 = (int(round(v)) for v in e.bbox)
                        share = covered[max(0, ey0):ey1, max(0, ex0):ex1].sum() / max(1, (ex1 - ex0) * (ey1 - ey0))
                        quoted = ["".join(normalize_text(q).split()) for q in _quoted(e.description)]
                        if share >= 0.5 or (share > 0 and any(
                                len(q) >= 3 and any(q in u or text_similarity(q, u) >= T["text_same"] for u in words)
                                for q in quoted)):
                            moved.append(e)
                here = panel if len(ctx.panels) > 1 else None
                said = [e for e in ctx.errors if e.category == "data_error" and _location_panel(e.location) == here
                        and e.description.startswith((f"The {axis} tick values differ", f"The {axis} is inverted",
                                                      f"The {axis} range differs"))]
                if not said and any(p == panel and r == f"{axis} tick labels" for p, r in roles):
                    # Its tick labels stayed: the labels moved with their data (values scaled or negated), not with
                    # the axis.
                    ctx.follows_data.extend((e, here) for e in moved)
                    break
                ctx.errors[:] = [e for e in ctx.errors if not any(e is f for f in moved)]
                where = [float(v) for v in union_box([self._moved_box(bx, d) for bx, d in inliers])]
                if a < 0 and not any(e.description.startswith(f"The {axis} is inverted") for e in said):
                    ctx.errors[:] = [e for e in ctx.errors if not any(e is f for f in said)]
                    ctx.errors.append(finding("chart.axis_scale", f"The {axis} is inverted: {what} runs the other "
                                              "way along it.", ctx.panel_name(panel) + axis, where))
                elif not said:
                    ctx.errors.append(finding("chart.axis_range", f"The {axis} range differs from the reference: "
                                              f"{what} is stretched or shifted along it.", ctx.panel_name(panel) + axis,
                                              where))
                ctx.axis_changed.add(panel)
                break

    @staticmethod
    def _overplotted(rdata: np.ndarray, cdata: np.ndarray) -> bool:
        """True when the candidate covers the plot area with far more marks than the reference, drawn as strokes:
        thin, or crossing into a mesh with many holes (filled bars are another chart type, not over-plotting)."""
        n_r, n_c = int(rdata.sum()), int(cdata.sum())
        if n_c <= T["overplot_ratio"] * max(n_r, 1) or n_c <= 0.2 * cdata.size:
            return False
        if geo.stroke_thickness(cdata) < 9:
            return True
        holes, _ = geo.regions(~cdata, min_area=4)
        return len(holes) >= 40

    def _stacking_changed(self, ctx: _Ctx, i: int, pm: "_PanelMasks") -> bool:
        """Bars of two or more colours stacked on each other in one image and side by side in the other (grouped),
        or the same grouped or stacked bars turned (upright against lying: their mixed colours hide the kind from
        `_kind_of_marks_changed`). One structure finding; the value axis that grew or shrank with it is not
        reported as well."""
        x0, y0, x1, y1 = pm.box
        if not ctx.axis_moved(i):
            return False  # stacking changes the value axis's extent (sums against the largest part)
        if ((ctx.missing | ctx.extra)[y0:y1, x0:x1] & pm.keep).sum() < 200:
            return False
        area = pm.R.shape[0] * pm.R.shape[1]
        rp = palette(pm.R, mask=pm.rdata, max_colors=6, min_fraction=0.05, min_pixels=max(200, int(0.01 * area)),
                     merge_delta=14.0)
        if len(rp) < 2:
            return False

        def layout(lab: np.ndarray, data: np.ndarray) -> tuple[str, bool] | None:
            bars = []
            for k in range(len(rp)):
                m = color_mask(lab, rp.lab[k]) & data
                if m.sum() and geo.stroke_thickness(m) >= 5:
                    bars.append([r.box for r in geo.regions(m, min_area=30, join=1)[0]  # rectangles only
                                 if r.area >= 0.7 * (r.box[2] - r.box[0]) * (r.box[3] - r.box[1])])
            if len(bars) < 2 or min(len(b) for b in bars) < 2:
                return None
            every = [b for group in bars for b in group]
            lying = sum(b[2] - b[0] > 1.5 * (b[3] - b[1]) for b in every) >= 0.8 * len(every)
            if lying:  # turned a quarter upright, the bars' left edge (their baseline) at the bottom
                w = data.shape[1]
                bars = [[(b[1], w - b[2], b[3], w - b[0]) for b in group] for group in bars]
            stacked = grouped = 0
            for a in bars[0]:
                for b in (b for other in bars[1:] for b in other):
                    ov = min(a[2], b[2]) - max(a[0], b[0])
                    if ov >= 0.7 * min(a[2] - a[0], b[2] - b[0]) and (abs(a[1] - b[3]) <= 3 or abs(b[1] - a[3]) <= 3):
                        stacked += 1  # same column, one on top of the other
                    elif ov <= 2 and min(abs(a[0] - b[2]), abs(b[0] - a[2])) <= 3 and abs(a[3] - b[3]) <= 3:
                        grouped += 1  # side by side on one baseline
            if stacked >= 2 and stacked >= 3 * grouped:
                return "stacked", lying
            if grouped >= 2 and grouped >= 3 * stacked:
                return "grouped", lying
            return None
        lr, lc = layout(pm.rlab, pm.rdata), layout(pm.clab, pm.cdata)
        if lr is None or lc is None or lr == lc:
            return False
        _drop_findings(ctx, i, ("x-axis tick labels", "y-axis tick labels"), ("data_error",))  # the axis findings
        ctx.axis_changed.discard(i)
        if lr[0] != lc[0]:
            text = f"The bars are {lc[0]} instead of {lr[0]}."
        else:
            text = _bars_turned(lc[1], lr[1])
        ctx.errors.append(finding("chart.chart_type", text, ctx.panel_name(i if ctx.panels else None) + "plot area",
                                  ctx.cand_box((x0, y0, x1, y1))))
        return True

    def _kind_of_marks_changed(self, ctx: _Ctx, i: int, pm: "_PanelMasks") -> bool:
        """A panel's marks drawn as another kind whatever their colours and axes: most data ink filled (bars,
        areas, wedges) in one image and thin strokes or separate points in the other, or lines against points, or
        vertical bars against horizontal ones. Reported once (structure_error) and True, so that the panel's moved
        marks are not listed again."""
        x0, y0, x1, y1 = pm.box
        diff = (ctx.missing | ctx.extra)[y0:y1, x0:x1] & pm.keep
        rd, cd = pm.rdata, pm.cdata
        n = max(int(rd.sum()), int(cd.sum()), 1)
        if min(rd.sum(), cd.sum()) < 200 or diff.sum() < 0.3 * n:
            return False  # little ink, or the marks mostly stay where they were
        kr, kc = _mark_kind(rd), _mark_kind(cd)
        if kr is not None and kc is None:  # (bars cut by the boxes of texts read as changed: whole, they tell)
            kc = _mark_kind(pm.cdata_all)
        elif kc is not None and kr is None:
            kr = _mark_kind(pm.rdata_all)
        if kr is None or kc is None or kr == kc or {kr, kc} in ({"vbars", "filled"}, {"hbars", "filled"}):
            return False  # (bars with something drawn over them read as other filled shapes: not trusted)
        if {kr, kc} in ({"lines", "vbars"}, {"lines", "hbars"}):
            thin, bars = (rd, kc) if kr == "lines" else (cd, kr)
            if _slim_bars(thin) == bars:
                return False  # the same bars drawn narrower than a thick stroke: a bar width, left to the series check
        if {kr, kc} == {"lines", "points"}:
            line, dots = (rd, cd) if kr == "lines" else (cd, rd)
            st = geo.blobs(dots, min_area=2)[0]
            if len(st) and np.median(np.maximum(st[:, 2], st[:, 3])) <= 2.0 * max(geo.stroke_thickness(line), 1.5) \
                    and (dots & geo.dilate(line, 2)).sum() >= 0.8 * dots.sum() \
                    and (line & geo.dilate(dots, 3)).sum() >= 0.8 * line.sum():
                return False  # dots no wider than the line, along all its path: a dotted line, left to the series
                # check (small scatter points joined by a line leave most of it bare)
        if {kr, kc} == {"lines", "filled"}:
            thin, wide = (rd, cd) if kr == "lines" else (cd, rd)
            if (thin & geo.dilate(wide, 1)).sum() >= 0.8 * thin.sum() and \
                    (wide & geo.dilate(thin, 8)).sum() >= 0.8 * wide.sum():
                return False  # the same path drawn very thick: a line width, left to the series check
        names = {"filled": "filled marks (bars, areas or wedges)", "vbars": "vertical bars", "hbars": "horizontal bars",
                 "lines": "lines", "points": "separate points"}
        text = _bars_turned(kc == "hbars", kr == "hbars") if {kr, kc} == {"vbars", "hbars"} else \
            f"The data is drawn as {names[kc]} instead of {names[kr]}."
        ctx.errors.append(finding("chart.chart_type", text, ctx.panel_name(i if ctx.panels else None) + "plot area",
                                  ctx.cand_box((x0, y0, x1, y1))))
        return True

    @staticmethod
    def _same_image_other_colormap(R: np.ndarray, C: np.ndarray) -> bool:
        """True when two plot areas filled with an image (``(H, W, 3)`` uint8) show the same picture (their edges
        coincide) in other colours: a colour-map change, not changed data."""
        import cv2

        def edges(img):
            g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32)
            e = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)) > 40
            return e
        r, c = R[::3, ::3], C[::3, ::3]
        gap = delta_e(rgb_to_lab(r), rgb_to_lab(c))
        if float(np.mean(gap >= 10.0)) < 0.5:
            return False
        q = (r // 32).astype(np.int32)
        codes = q[..., 0] * 64 + q[..., 1] * 8 + q[..., 2]
        values, counts = np.unique(codes, return_counts=True)
        recoloured = sum(1 for v, n in zip(values, counts) if n >= 0.02 * codes.size and gap[codes == v].mean() >= 10.0)
        if recoloured < 3:
            return False  # one colour swapped (a background): the background detector's finding
        er, ec = edges(R), edges(C)
        if er.sum() >= 50 and ec.sum() >= 50:
            agree = min((er & geo.dilate(ec, 2)).sum() / er.sum(), (ec & geo.dilate(er, 2)).sum() / ec.sum())
            if agree >= 0.6:
                return True
        # A smooth field has few edges: then the candidate's colour must be a function of the reference's (each
        # reference colour maps to one candidate colour), as one colour map traded for another makes it.
        clab = rgb_to_lab(c)
        f = (r // 12).astype(np.int32)
        fine = f[..., 0] * 484 + f[..., 1] * 22 + f[..., 2]
        spread, weight = 0.0, 0
        for v, n in zip(*np.unique(fine, return_counts=True)):
            if n >= 0.005 * fine.size:
                spread += float(np.linalg.norm(clab[fine == v].std(axis=0))) * n
                weight += n
        return weight >= 0.7 * fine.size and spread / weight < 6.0

    @staticmethod
    def _kind_changed(rk: np.ndarray, ck: np.ndarray) -> bool:
        """True when one colour's marks are thin strokes in one image and filled marks (bars, areas) in the other.
        The typical stroke says it, and the share of ink in parts 9 px thick or more agrees: a colour that also
        draws a few thin lines (a heat map's cell edges, a black line's anti-aliased fringe in a grey band's
        colour) has a thin typical stroke while most of its ink is filled."""
        tr, tc = geo.stroke_thickness(rk), geo.stroke_thickness(ck)
        if not ((tr <= 4.5 and tc >= 9) or (tc <= 4.5 and tr >= 9)):
            return False
        thin = rk if tr < tc else ck
        solid = geo.dilate(geo.erode(thin, 4), 4) & thin
        return int(solid.sum()) <= T["kind_thin_solid"] * max(int(thin.sum()), 1)

    @staticmethod
    def _points_vs_lines(rk: np.ndarray, ck: np.ndarray) -> tuple[str, str] | None:
        """('lines', 'separate points') when one colour's connected path (``rk``: few pieces) is drawn as many
        separate round dots along it in the candidate (``ck``), or the reverse: a line chart drawn as a scatter
        plot. Dashes are long and thin and dotted lines' dots are tiny; scatter markers are round and a few px
        across, so a dash pattern stays a line style."""
        def pieces(m: np.ndarray) -> tuple[int, float]:
            st = geo.blobs(m, min_area=4)[0]
            if len(st) == 0:
                return 0, 0.0
            return len(st), float(geo.round_blobs(st, fill=0.5).mean())

        def dots_along(path: np.ndarray, dots: np.ndarray) -> bool:
            (np_, _), (nd, rd) = pieces(path), pieces(dots)
            if np_ == 0 or nd < max(12, 5 * np_) or rd < 0.6:
                return False
            # the dots must lie on the path's course (same data), covering much of it
            return (dots & geo.dilate(path, 4)).sum() >= 0.7 * dots.sum() and \
                (path & geo.dilate(dots, 6)).sum() >= 0.6 * path.sum()
        return _lines_or_points(dots_along, rk, ck)

    @staticmethod
    def _points_joined(rk: np.ndarray, ck: np.ndarray) -> bool:
        """True when the reference's points (``rk``: eight or more dots, thicker than a line) are joined by a thin
        line in the candidate (``ck``) that runs through most of their centres: a scatter plot drawn with
        ``plot``. The line between far-apart points lies away from every dot, so ``_points_vs_lines``, which
        asks for dots along a path, does not see it."""
        tr, tc = geo.stroke_thickness(rk), geo.stroke_thickness(ck)
        if tc <= 0 or tr < 1.4 * tc or tc > 3.5:
            return False
        def dots(st: np.ndarray) -> float:  # share of round, solid pieces (a diamond fills half its box)
            return float(geo.round_blobs(st, fill=0.4).mean()) if len(st) else 0.0
        st, cen = geo.blobs(rk, min_area=4)
        if len(st) < 8 or dots(st) < 0.3:
            return False  # no dots: dashes, bars, a broken line
        if dots(geo.blobs(ck, min_area=4)[0]) >= 0.3:
            return False  # the candidate draws dots too
        through = float(_at(geo.dilate(ck, 2), cen).mean())
        between = (ck & ~geo.dilate(rk, 2)).sum() / max(int(ck.sum()), 1)
        return through >= 0.7 and between >= 0.4

    @staticmethod
    def _line_through_markers(rk: np.ndarray, ck: np.ndarray, rink: np.ndarray,
                              cink: np.ndarray) -> tuple[str, str] | None:
        """('lines', 'separate points') when a line with a few markers (``rk``: up to three pieces, where other lines
        cross it, once a dash pattern's gaps are closed) keeps only its markers in the candidate (``ck``: two or more
        round blobs, each where a marker of the line was, together far less ink), or the reverse: separate markers
        joined by a line. Too few points for ``_points_vs_lines``, which asks for a dozen. The line between the
        markers must be gone from the other image's ink (``rink``, ``cink``), not just from its colour (JPEG moves a
        thin line's colour, not a filled marker's)."""
        def blobs(m: np.ndarray, least: float = 4.0) -> tuple[int, int]:
            st = geo.blobs(m, min_area=6)[0]
            return len(st), int(geo.round_blobs(st, least=least, aspect=2.0).sum())

        def kept_markers(path: np.ndarray, dots: np.ndarray) -> bool:
            n_path, n_dots = int(path.sum()), int(dots.sum())
            if not n_dots or n_dots > 0.6 * n_path:
                return False
            line = path & ~geo.dilate(dots, 2)
            if int((line & (cink if dots is ck else rink)).sum()) > 0.5 * max(int(line.sum()), 1):
                return False  # the line is still drawn there, in another shade
            # (a dashed line is one piece once its gaps, a few px, are closed; markers are twice as wide as the
            # line at least: pieces of a line cut by something drawn over it are as thin as the line)
            (np_, _), (nd, rd) = blobs(geo.dilate(path, 4)), blobs(dots, max(4.0, 2.0 * geo.stroke_thickness(path)))
            return 1 <= np_ <= 3 and nd >= 2 and rd >= 0.8 * nd and \
                (dots & geo.dilate(path, 2)).sum() >= 0.9 * n_dots and geo.stroke_thickness(path) <= 4.5
        return _lines_or_points(kept_markers, rk, ck)

    @staticmethod
    def _recoloured_to(rk: np.ndarray, clab: np.ndarray, cdata: np.ndarray, cp, among=None) -> int | None:
        """Index of the candidate palette colour (of ``among``, default all) that draws the marks ``rk`` of a
        reference colour the candidate no longer draws: it covers them and lies mostly on them."""
        n = max(int(rk.sum()), 1)
        near = geo.dilate(rk, 2)
        for j in (range(len(cp)) if among is None else among):
            cj = color_mask(clab, cp.lab[j]) & cdata
            if (rk & geo.dilate(cj, 2)).sum() >= 0.7 * n and (cj & near).sum() >= 0.5 * max(int(cj.sum()), 1):
                return j
        return None

    @staticmethod
    def _dash_change(rk: np.ndarray, ck: np.ndarray, rink: np.ndarray, cink: np.ndarray, rlab: np.ndarray,
                     clab: np.ndarray, lab_k: np.ndarray, *, contrast=None) -> str | None:
        """'dashed or dotted where it is solid' (or the reverse) when one colour's thin path is the same in both
        images but one leaves many short stretches of it bare (background, not just another shade: JPEG and
        resampling shift colours but leave ink): gaps of 2-5 px, which a 2-px tolerant difference bridges. At
        another resolution, with ``contrast`` (each image's difference from its background), a thin line pales
        into blends with the background in both images alike, so a pixel is bare only where it also keeps under
        half the other image's contrast, and more of the path must be bare."""
        tr, tc = geo.stroke_thickness(rk), geo.stroke_thickness(ck)
        if max(tr, tc) > 4.5:
            return None

        def pieces(m: np.ndarray) -> int:
            return geo.count_blobs(m, min_area=2)
        same_path = (ck & geo.dilate(rk, 2)).sum() >= 0.85 * ck.sum() and (rk & geo.dilate(ck, 4)).sum() >= 0.85 * rk.sum()
        if not same_path:
            return None

        def points(m: np.ndarray, solid: np.ndarray, line: float) -> bool:
            # Most pieces round and wider than the solid line: scatter markers; not those where the solid line
            # has markers of its own (a marked line drawn dotted keeps them, and its dots pale over a fill).
            st, at = geo.blobs(m, min_area=2)
            st = st[~_at(_own_markers(solid, line), at)]
            return len(st) > 0 and geo.round_blobs(st, fill=0.5, least=max(3.0, 1.5 * line)).mean() >= 0.5
        pr, pc = pieces(rk), pieces(ck)
        rfar, cfar = contrast if contrast is not None else (None, None)
        # (dots over a fill blend with it: few keep the line's colour, but the line's path lies bare between them)
        faint = contrast is None and pc > pr and \
            (gaps := rk & ~(cink & color_mask(clab, lab_k, tolerance=28.0))).sum() >= 0.4 * rk.sum() and pieces(gaps) >= 20
        for path, other_ink, other_lab, own, other, broken, dotted, says in (
                (rk, cink, clab, rfar, cfar, (pc >= max(10, 3 * pr) or faint) and tc < 1.5 * tr, lambda: points(ck, rk, tr),
                 ("dashed or dotted where it is solid", _AS_POINTS)),
                (ck, rink, rlab, cfar, rfar, pr >= max(10, 3 * pc) and tr < 1.5 * tc, lambda: points(rk, ck, tc),
                 ("solid where it is dashed or dotted", _AS_LINE))):
            if not broken:
                continue
            # Bare: no ink there, or only ink far from the line's colour (a filled area under a dashed line).
            bare = path & ~(other_ink & color_mask(other_lab, lab_k, tolerance=28.0))
            if contrast is not None:
                bare &= 2 * other.astype(np.int16) < own
            if bare.sum() >= (0.12 if contrast is None else 0.3) * path.sum() and pieces(bare) >= 8:
                # (dashes and dots are no wider than the line; pieces wider than it are points: a scatter, even
                # where thin lines of the colour, kept, hold its typical stroke down)
                return says[1] if dotted() else says[0]
        return None

    def _report_markers(self, ctx: _Ctx, rk, ck, miss, extra, name: str, loc: str, cbox) -> bool:
        """Report a marker change of one colour's path (see ``_marker_change``); True when one was found."""
        marks = self._marker_change(rk, ck, miss, extra)
        if marks is None:
            return False
        rule = "chart.markers" if marks == "added" else "chart.line_style"
        desc = (f"The {name} series shows markers that the reference does not have (or other ones)." if marks == "added"
                else f"The {name} series is drawn with another dash pattern or without its markers.")
        ctx.errors.append(finding(rule, desc, loc, cbox(geo.box_of(rk | ck))))
        return True

    @staticmethod
    def _marker_shape_changed(rk: np.ndarray, ck: np.ndarray, rink: np.ndarray, cink: np.ndarray) -> bool:
        """True when a path's markers (blobs thicker than its line: what survives an erosion by more than half the
        line's width) stand in the same places in both images, at least three, and most have another outline:
        a diamond and a circle of one size differ by too few px for the 2-px tolerant difference (or round
        markers in one image stand where the other draws thin-armed ones, a star or a cross, that the opening which
        keeps the round ones erases, their ink still there). The outlines
        must differ in the colour masks and in the ink masks ``rink``, ``cink`` too (JPEG shifts colours more
        than ink; a small marker's colour and ink must grow or shrink together). Only at one resolution
        (resampling moves outlines by a pixel)."""
        if not (rk != ck).any() or not 0.7 <= ck.sum() / max(int(rk.sum()), 1) <= 1.4:
            return False  # the same pixels, or the line itself came or went (a change of kind, read elsewhere)
        r0 = int(np.ceil(max(geo.stroke_thickness(rk), 1.0) / 2)) + 1

        def markers(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:  # compact: no crossing of thick lines
            for r in (r0, r0 - 1):  # a diamond is narrower than a square of one size: the opening may erase it
                st, cen = geo.blobs(geo.dilate(geo.erode(m, r), r) & m, min_area=20)
                keep = geo.round_blobs(st, fill=0.55) & (st[:, 4] <= 900)
                if keep.sum() >= 3:
                    break
            return st[keep], cen[keep], r

        def thinned(a: np.ndarray, found: tuple, b: np.ndarray) -> bool:  # a's round markers (``found`` in a),
            # where b draws thin-armed ones (a star, a cross: the opening at their radius leaves none of b's, whose
            # ink is still there)
            st, cen, r = found
            if not 3 <= len(st) <= 60 or (a & geo.dilate(b, 2)).sum() < 0.7 * a.sum():
                return False  # (too few markers, or not one path: the values moved, a line crossing a's markers)
            short, long_ = np.minimum(st[:, 2], st[:, 3]), np.maximum(st[:, 2], st[:, 3])
            blocks = (long_ > 1.25 * short) | ((short >= 12) & (st[:, 4] >= 0.97 * st[:, 2] * st[:, 3]))
            if blocks.mean() > 0.4:
                return False  # oblong or full square pieces, not round markers: bars cut by grid lines (a disc
                # 12 px across or more fills 0.8 of its box; smaller ones are squares of pixels)
            hh, ww = a.shape
            apart = 0  # markers stand apart, their colour off the ring 2-3 px around them but for a line through
            for x, y, bw, bh, _ in st:  # (pieces of bars cut by grid lines touch more of their colour)
                outer = a[max(0, y - 3):min(hh, y + bh + 3), max(0, x - 3):min(ww, x + bw + 3)]
                inner = a[max(0, y - 1):min(hh, y + bh + 1), max(0, x - 1):min(ww, x + bw + 1)]
                ring = outer.size - inner.size
                apart += ring > 0 and int(outer.sum()) - int(inner.sum()) < 0.35 * ring
            if apart < 0.6 * len(st):
                return False
            cen_b = geo.blobs(geo.dilate(geo.erode(b, r), r) & b, min_area=10)[1]
            kept = inked = 0
            for (x, y, bw, bh, _), c in zip(st, cen):
                if len(cen_b) and np.hypot(*(cen_b - c).T).min() <= max(1.5, max(bw, bh) / 3):
                    kept += 1
                elif b[y:y + bh, x:x + bw].sum() >= 0.3 * a[y:y + bh, x:x + bw].sum():
                    inked += 1
            return kept <= 0.2 * len(st) and inked >= 0.6 * len(st)
        rs, rc, r_at = markers(rk)
        cs, cc, c_at = markers(ck)
        if thinned(rk, (rs, rc, r_at), ck) or thinned(ck, (cs, cc, c_at), rk):
            return True
        if len(rs) < 3 or len(rs) > 60:
            return False
        if len(cs) < 3:
            return False
        # Another shape has its centre of mass elsewhere in the marker's box ('^' lower than 's'): every marker is
        # offset by one vector, up to a third of its size; markers moved by values move each their own way.
        near = [int(np.argmin(np.hypot(*(cc - a_c).T))) for a_c in rc]
        off = cc[near] - rc
        size = np.maximum(rs[:, 2], rs[:, 3])
        close = np.hypot(*off.T) <= np.maximum(1.5, size / 3)
        if close.sum() < 3:
            return False
        common = np.median(off[close], axis=0)
        # The outlines are compared in full (the opening that found the markers squares them off), the candidate's
        # shifted back by the common offset (markers of one shape moved together by a re-fitted layout then lie on
        # each other again; another shape does not).
        dx, dy = (int(round(v)) for v in common)
        h, w = rk.shape
        changed = matched = 0
        for a_st, j, o, c in zip(rs, near, off, close):
            if not c or np.hypot(*(o - common)) > 1.5:
                continue  # (a marker that moved on its own belongs to a value or layout change, not to its outline)
            b_st = cs[j]
            x0, y0 = min(a_st[0], b_st[0] - dx) - r0, min(a_st[1], b_st[1] - dy) - r0
            x1 = max(a_st[0] + a_st[2], b_st[0] + b_st[2] - dx) + r0
            y1 = max(a_st[1] + a_st[3], b_st[1] + b_st[3] - dy) + r0
            if min(x0, y0, x0 + dx, y0 + dy) < 0 or max(x1, x1 + dx) > w or max(y1, y1 + dy) > h:
                continue
            a, b = rk[y0:y1, x0:x1], ck[y0 + dy:y1 + dy, x0 + dx:x1 + dx]
            ia, ib = rink[y0:y1, x0:x1], cink[y0 + dy:y1 + dy, x0 + dx:x1 + dx]
            matched += 1
            # JPEG fades a marker's colour at its edge (fewer colour px) while ringing there (more ink px); another
            # shape gains or loses both. A small marker (JPEG moves a large share of its outline) is told by that
            # alone, a larger one by its ink's outline too.
            grows = (int(b.sum()) - int(a.sum())) * (int(ib.sum()) - int(ia.sum())) > 0
            other = grows and (a & b).sum() / max((a | b).sum(), 1) < T["marker_shape_iou"]
            if max(a_st[2], a_st[3]) >= 10:
                other = other and (ia & ib).sum() / max((ia | ib).sum(), 1) < T["marker_shape_ink_iou"]
            changed += bool(other)
        return matched >= 3 and matched >= 0.6 * len(rs) and changed >= 0.6 * matched

    @staticmethod
    def _marker_change(rk: np.ndarray, ck: np.ndarray, miss: np.ndarray, extra: np.ndarray) -> str | None:
        """'added' / 'lost' when one colour's path is the same in both images
        but several small solid blobs on it are drawn in one only (markers), not thin gaps (dashes) or moved marks."""
        def blobs(m: np.ndarray) -> int:
            st = geo.blobs(m, min_area=6)[0]
            return int(((np.minimum(st[:, 2], st[:, 3]) >= 3) & (np.maximum(st[:, 2], st[:, 3]) <= 20)).sum())
        near_r, near_c = geo.dilate(rk, 6), geo.dilate(ck, 6)
        added = ck & extra & near_r
        lost = rk & miss & near_c
        stray = (ck & extra & ~near_r).sum() + (rk & miss & ~near_c).sum()
        if stray > 0.25 * max(added.sum() + lost.sum(), 1):
            return None  # marks moved away from the path: values, not markers
        if added.sum() > 2 * lost.sum() and blobs(added) >= 3:
            return "added"
        if lost.sum() > 2 * added.sum() and blobs(lost) >= 3:
            return "lost"
        return None

    @staticmethod
    def _other_width(rk: np.ndarray, ck: np.ndarray, recall: float, precision: float) -> str | None:
        """'thicker' or 'thinner' when the candidate draws the reference's path (masks ``rk``, ``ck`` of one colour)
        with another stroke width: the thinner mask lies along the thicker one, grown by half the width gap."""
        tr, tc = geo.stroke_thickness(rk), geo.stroke_thickness(ck)
        if min(tr, tc) <= 0 or min(tr, tc) > 6 or max(tr, tc) / min(tr, tc) < T["line_width_ratio"] or max(tr, tc) >= 9:
            return None  # (a stroke 9 px thick is a filled mark: another kind of chart, not a width)
        grow = int(np.ceil(abs(tc - tr) / 2)) + 2
        thick, thin, covered = (ck, rk, recall) if tc > tr else (rk, ck, precision)
        if covered < 0.85 or (thick & geo.dilate(thin, grow)).sum() < 0.85 * thick.sum():
            # A dashed line's dashes grow with its width, so the dashes of the two no longer lie on each other:
            # the paths are compared with their gaps closed.
            if geo.count_blobs(thin, min_area=2) < 6 or geo.count_blobs(thick, min_area=2) < 6:
                return None
            k = 2 * int(np.ceil(2 * max(tr, tc))) + 1
            thin, thick = (geo.erode(geo.dilate(m, k // 2), k // 2) for m in (thin, thick))
            if (thin & geo.dilate(thick, 2)).sum() < 0.85 * thin.sum() or \
                    (thick & geo.dilate(thin, grow)).sum() < 0.85 * thick.sum():
                return None
        return "thicker" if tc > tr else "thinner"

    @staticmethod
    def _dots_in_a_row(thin: np.ndarray, thick: np.ndarray) -> bool:
        """True when a path drawn thicker (``thick``, a stroke under 9 px) is a row of round dots along the
        ``thin`` line: scatter markers drawn close enough to touch. Where the points lie apart by more than a
        few px, the dots' waists pinch, and eroding the path by a third of its width leaves six or more dot
        cores, joined by waists. A line drawn thicker erodes to one band, with its markers if it has any. The
        thin path must not be a row of dots itself (a dotted line, drawn thicker)."""
        tt, tk = geo.stroke_thickness(thin), geo.stroke_thickness(thick)
        if not 3.0 <= tk < 9.0:
            return False
        st = geo.blobs(thin, min_area=2)[0]
        if len(st) >= 10 and (np.maximum(st[:, 2], st[:, 3]) <= 3 * max(tt, 1.0)).mean() >= 0.5:
            return False
        # Dashes drawn thicker: straight solid bars, three or more, hold much of the ink. (A square erosion, which
        # pinches dots apart best, also cuts a slanted bar's core into crumbs.)
        n, labels, st, _ = cv2.connectedComponentsWithStats(thick.astype(np.uint8), connectivity=8)
        bars = bar_px = 0
        for i in np.flatnonzero(st[:, 4] >= max(4.0, 2.5 * tk * tk)):
            if i == 0:
                continue
            x, y, w, h, a = st[i]
            ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
            (_, _), (rw, rh), _ = cv2.minAreaRect(np.stack([xs, ys], 1).astype(np.float32))
            long, short = max(rw, rh) + 1, min(rw, rh) + 1
            if long >= 2.5 * tk and short <= 1.5 * tk and a >= 0.75 * long * short:
                bars, bar_px = bars + 1, bar_px + int(a)
        if bars >= 3 and bar_px >= 0.3 * int(st[1:, 4].sum()):
            return False
        r = max(1, int(0.35 * tk))
        cores, at = geo.blobs(geo.erode(thick, r), min_area=1)
        # A dot's core is a blob 2 px across at least (a thick line's 1-px ridge breaks into crumbs where it runs
        # slanted), no longer than the dot, and no marker the thin line has there too.
        dots = (np.maximum(cores[:, 2], cores[:, 3]) <= max(3.0, tk - 2 * r + 2)) & \
            (np.minimum(cores[:, 2], cores[:, 3]) >= 2) & ~_at(_own_markers(thin, tt), at)
        if dots.sum() < 6:
            return False
        # Between a dot and the next one the path narrows (a waist, under three quarters of the dots' own
        # half-width, five times or more); a thick line's crumbs lie on a ridge as wide all along.
        dist = cv2.distanceTransform(thick.astype(np.uint8), cv2.DIST_L2, 5)
        c = at[dots]
        gaps = np.hypot(*(c[:, None, :] - c[None, :, :]).transpose(2, 0, 1))
        np.fill_diagonal(gaps, np.inf)
        nearest = gaps.argmin(axis=1)
        waisted = 0
        for p, q, gap in zip(c, c[nearest], gaps[np.arange(len(c)), nearest]):
            if gap <= 2 * tk:
                steps = np.linspace(0.0, 1.0, max(3, int(gap) + 1))
                along = _at(dist, p + steps[:, None] * (q - p))
                waisted += bool(along.min() <= 0.75 * min(along[0], along[-1]))
        return waisted >= 5

    @staticmethod
    def _bar_width(rk: np.ndarray, ck: np.ndarray, whole=None) -> tuple[str, str] | None:
        """('narrower' or 'wider', 'vertical' or 'horizontal') when one colour's bars keep their number, order,
        lengths and baseline but all change their thickness by one factor (matplotlib's ``width``/``height``);
        read again from ``whole()`` (both masks with nothing left out) when given and the first reading fails."""
        if geo.stroke_thickness(rk) < 5:  # (edges and grid lines drawn over bars thin their median stroke)
            return None
        return ChartComparer._bars_resized(rk, ck) or (ChartComparer._bars_resized(*whole()) if whole else None)

    @staticmethod
    def _bars_resized(rk: np.ndarray, ck: np.ndarray) -> tuple[str, str] | None:
        def boxes(m: np.ndarray, join: int = 2) -> list:  # joined over the thin grid or edge lines across a bar
            return [(x0 + join, y0 + join, x1 - join, y1 - join)
                    for x0, y0, x1, y1 in (r.box for r in geo.regions(m, min_area=30, join=join)[0])
                    if min(x1 - x0, y1 - y0) >= 2 * join + 3]  # (a sliver a legend box left of a bar is none)
        rb, cb = boxes(rk), boxes(ck)
        if len(cb) < len(rb):  # wide bars side by side: the thin gaps between them must not be joined
            cb = boxes(ck, 0)
        same = [b for b in rb if any(max(abs(u - v) for u, v in zip(b, o)) <= 1 for o in cb)]  # legend swatches
        rb = [b for b in rb if b not in same]
        cb = [b for b in cb if not any(max(abs(u - v) for u, v in zip(b, o)) <= 1 for o in same)]
        if len(rb) < 2 or len(rb) != len(cb):
            return None
        for orient, a, b in (("vertical", 0, 1), ("horizontal", 1, 0)):  # a: the category axis, b: the value axis
            r = sorted(rb, key=lambda x: x[a])
            c = sorted(cb, key=lambda x: x[a])
            if any(r[k][a + 2] > r[k + 1][a] for k in range(len(r) - 1)):
                continue  # the bars overlap along this axis: they are not laid out along it
            rs, re_ = np.array([x[b] for x in r], float), np.array([x[b + 2] for x in r], float)
            cs, ce = np.array([x[b] for x in c], float), np.array([x[b + 2] for x in c], float)
            rl = re_ - rs
            # The value end must stay put; the baseline end may be cut by a grid or axis line drawn over it.
            tip_r, tip_c = (rs, cs) if np.ptp(rs) > np.ptp(re_) else (re_, ce)
            if np.any(np.abs(tip_r - tip_c) > 3) or np.any(np.abs(rl - (ce - cs)) > np.maximum(3, 0.1 * rl)):
                return None  # another length: values, not width
            rw = np.array([x[a + 2] - x[a] for x in r], float)
            ratio = np.array([x[a + 2] - x[a] for x in c], float) / np.maximum(rw, 1)
            med = float(np.median(ratio))
            if (med >= 1.4 or med <= 0.7) and np.all(np.abs(ratio - med) <= 0.15 * med) and \
                    abs(med - 1) * np.median(rw) >= 4:  # (a few px of resampling are not a new width)
                return ("wider" if med > 1 else "narrower"), orient
            return None
        return None

    def _quiet_width(self, ctx: _Ctx, rk: np.ndarray, ck: np.ndarray, name: str, loc: str, cbox) -> bool:
        """A line of another stroke width that the tolerant difference bridges (2.8 px against 7 px: each edge
        moves by 2 px): reported from the widths alone, when the candidate holds clearly more or less of the colour."""
        n_rk, n_ck = int(rk.sum()), int(ck.sum())
        if max(n_rk, n_ck) < T["line_width_ratio"] * min(n_rk, n_ck):
            return False  # the same amount of ink: anti-aliasing or resampling, not a width
        recall = (rk & geo.dilate(ck, 2)).sum() / max(n_rk, 1)
        precision = (ck & geo.dilate(rk, 2)).sum() / max(n_ck, 1)
        width = self._other_width(rk, ck, recall, precision)
        if width is None:
            return False
        ctx.errors.append(finding("chart.line_style", f"The {name} series is drawn with a {width} stroke than in the "
                                  "reference.", loc, cbox(geo.box_of(rk | ck))))
        return True

    @staticmethod
    def _drawn_thin(rk: np.ndarray, ck: np.ndarray, new_ink: np.ndarray) -> bool:
        """True when filled marks of one colour (``rk``, thick) are gone and thin new strokes (``new_ink``, or what is
        left of the colour, ``ck``) run over their place: bars or areas drawn as a line."""
        if geo.stroke_thickness(rk) < 9:
            return False
        box = geo.box_of(geo.dilate(rk, 6))
        if box is None:
            return False
        thin = (ck | new_ink)[box[1]:box[3], box[0]:box[2]]
        if thin.sum() < 20 or max(thin.any(axis=0).mean(), thin.any(axis=1).mean()) < 0.5:
            return False  # the new strokes must run across the bars' place, not be a stray mark
        return geo.stroke_thickness(thin) <= 6.0  # lines with markers, not filled marks (tens of px)

    def _grid(self, ctx: _Ctx, rn: Normalized, cn: Normalized) -> None:
        typed = {e.location for e in ctx.errors if e.category == "structure_error"}
        for i, b in enumerate(ctx.panels):
            if i in ctx.grid_done or ctx.panel_name(i) + "plot area" in typed:
                continue  # (marks of another kind hide or bare other stretches of the same grid)
            rg, cg = _grid_ground(rn.image, b), _grid_ground(cn.image, b)
            if rg is None or cg is None:
                continue  # (a grid drawn over the bars is _grid_over_marks')
            rh, rv = geo.grid_lines(rn.image, b, background=rg)
            ch_, cv = geo.grid_lines(cn.image, b, background=cg)
            # Counts are compared only where the grid stayed put: a subplot laid out afresh is resampled (bar edges
            # count as lines), grid lines move with a changed axis, and a series gone or new bares or hides them.
            recount = cn.frame_at(b) is cn.frame and not ctx.axis_moved(i) and i not in ctx.series_counted
            if ((rh + rv == 0) != (ch_ + cv == 0) and max(rh + rv, ch_ + cv) >= 2) or \
                    (recount and abs((rh + rv) - (ch_ + cv)) >= 4):
                if not self._long_line_differs(rn, cn, b, ctx.explained):
                    continue  # counts moved by marks drawn over the grid (a thicker line), not grid lines
                has = "has" if ch_ + cv > rh + rv else "lacks"
                ctx.errors.append(finding("chart.grid", f"The plot {has} grid lines compared with the reference.",
                                          ctx.panel_name(i) + "grid", ctx.cand_box(b)))
                _drop_marks_read(ctx, i)

    def _grid_over_marks(self, ctx: _Ctx) -> None:
        """Grid lines drawn (or lost) over filled marks, where ``_grid`` finds no free background to count them on:
        two or more straight thin lines of difference, each across 60% of a plot's width or height, in one image
        only. They are reported and explained, so the marks under them are not read as changed."""
        for i, b in enumerate(ctx.panels):
            x0, y0, x1, y1 = b[0] + 4, b[1] + 4, b[2] - 4, b[3] - 4
            if x1 - x0 < 20 or y1 - y0 < 20 or ctx.axis_moved(i):
                continue  # (on a changed axis the grid lines move with the ticks: that is the axis finding)
            for mask, has, img, under in ((ctx.extra, "has", ctx.cn.image, ctx.rn.image),
                                          (ctx.missing, "lacks", ctx.rn.image, ctx.cn.image)):
                m = mask[y0:y1, x0:x1] & ~ctx.explained[y0:y1, x0:x1]
                # (a pale grey line over a pale fill differs too little in part of its length: 40% suffices)
                def across(line: np.ndarray) -> bool:  # from one spine to the other (a stem stops at its value)
                    on = np.flatnonzero(line)
                    return on.size > 0 and on[-1] - on[0] >= 0.9 * line.size
                rows = [r for r in geo.runs(m.mean(axis=1) >= 0.4) if r[1] - r[0] <= 3 and across(m[r[0]:r[1]].any(axis=0))]
                cols = [c for c in geo.runs(m.mean(axis=0) >= 0.4) if c[1] - c[0] <= 3 and across(m[:, c[0]:c[1]].any(axis=1))]
                if len(rows) + len(cols) < 2 or max(len(rows), len(cols)) > 20:
                    continue  # (a score of full-height lines are stems or bars of data, not a grid)
                on = np.zeros_like(m)
                for a, c in rows:
                    on[a:c] = True
                for a, c in cols:
                    on[:, a:c] = True
                line = float(np.median(chroma(rgb_to_lab(img[y0:y1, x0:x1][on & m]))))
                if line >= NEUTRAL_CHROMA and line >= 0.7 * float(np.median(chroma(rgb_to_lab(under[y0:y1, x0:x1][on & m])))):
                    continue  # coloured straight lines are marks (a series' reference lines); grey ones (blended
                    # with the fill under them, so greyer than it) are a grid
                # Explained: every thin straight run of difference, also the grid lines that showed less of themselves.
                for a, c in (r for r in geo.runs(m.mean(axis=1) >= 0.1) if r[1] - r[0] <= 3):
                    ctx.explained[y0 + a - 1:y0 + c + 1, x0:x1] = True
                for a, c in (r for r in geo.runs(m.mean(axis=0) >= 0.1) if r[1] - r[0] <= 3):
                    ctx.explained[y0:y1, x0 + a - 1:x0 + c + 1] = True
                ctx.errors.append(finding("chart.grid", f"The plot {has} grid lines compared with the reference.",
                                          ctx.panel_name(i) + "grid", ctx.cand_box(b)))
                _drop_marks_read(ctx, i)
                ctx.grid_done.add(i)
                break

    @staticmethod
    def _long_line_differs(rn: Normalized, cn: Normalized, b, explained: np.ndarray | None = None) -> bool:
        """True when, in plot box ``b`` of the sharp work images, one image draws grey strokes where the other is bare
        background (2 px around) along over 40% of a row or column: a grid line drawn in one image only, cut where
        marks cover it. Marks drawn over the grid (a thicker line) leave no such row, nor do the ``explained``
        pixels (a moved legend's frame edges)."""
        x0, y0, x1, y1 = b[0] + 6, b[1] + 6, b[2] - 6, b[3] - 6  # clear of spines a pixel or two off
        if x1 - x0 < 8 or y1 - y0 < 8:
            return False
        R, C = rn.image[y0:y1, x0:x1], cn.image[y0:y1, x0:x1]

        def grey_ink(img):
            ink = far_from(img, ChartComparer._ring_color(img)) > 12
            return ink & (chroma(rgb_to_lab(img)) < NEUTRAL_CHROMA)

        def bare(img):  # (strictly: a grid line blurred by a coarse resolution still shows a little)
            bg = far_from(img, ChartComparer._ring_color(img)) <= 6
            return ~geo.dilate(~bg, 2)
        diff = (grey_ink(R) & bare(C)) | (grey_ink(C) & bare(R))
        if explained is not None:
            diff &= ~explained[y0:y1, x0:x1]
        return bool(diff.mean(axis=1).max() >= 0.4 or diff.mean(axis=0).max() >= 0.4)

    def _residual(self, ctx: _Ctx) -> None:
        """Differences no detector explained: one low-severity finding per large region, so nothing passes silently,
        named by where it lies: over a reference text (its size or font), along a reference path (its markers or
        dashes), or elsewhere (a few marks)."""
        if ctx.errors:
            return
        mask = (ctx.missing | ctx.extra) & ~ctx.explained
        if ctx.rescaled:  # 1-px slivers along edges are resampling, not marks
            mask &= geo.dilate(geo.erode(ctx.missing | ctx.extra, 1), 1)
        # At another resolution, edges and fills re-laid out by a pixel or two leave larger stray areas.
        area = int(T["min_region_px"]) * (18 if ctx.rescaled else 6)
        regs, labels = geo.regions(mask, min_area=area, join=6)
        for r in regs[:1 if ctx.rescaled else 2]:  # weaker evidence there: one finding says enough
            panel = _panel_of(ctx.panels, r.box) if ctx.panels else None
            inside = panel is not None and box_iou(r.box, ctx.panels[panel]) > 0 and \
                ctx.panels[panel][0] <= (r.box[0] + r.box[2]) / 2 <= ctx.panels[panel][2]
            where = ctx.panel_name(panel) + ("plot area" if inside else "figure")
            here = (labels == r.label) & mask
            text = self._over_text(ctx, here)
            if text is not None and any(text.text in e.description for e in ctx.errors):
                continue  # the other end of the same line
            if text is not None:
                ctx.errors.append(finding("chart.text_style", f"The text '{text.text}' is drawn at another size or in "
                                          "another font than in the reference.", where, ctx.cand_box(r.box)))
                continue
            rule, desc = self._along_path(ctx, here)
            ctx.errors.append(finding(rule, desc, where, ctx.cand_box(r.box)))
            if rule == "chart.series_missing":
                break  # (the line's other pieces, cut where it crossed the others, went with it)

    def _unread_text(self, ctx: _Ctx, *, max_reads: int = 3) -> None:
        """Text the reference's OCR did not isolate (drawn over bars, or beside an arrow) that changed in place,
        when nothing else was found: glyphs replaced by others of like density leave the 2-px tolerant difference
        empty, so the plain pixel difference is searched for text-sized runs; each run's rows of ink are cut into
        lines, and each line is read in both images. Only at one scale (at another, hinting alone moves glyph
        pixels), and only clear, confident readings count."""
        if ctx.rescaled:
            return
        raw = geo.channel_max(cv2.absdiff(ctx.rn.image, ctx.cn.image)) > T["diff_threshold"]
        regs, _ = geo.regions(raw, min_area=int(T["min_region_px"]) * 2, join=3)
        ocr = get_ocr(self.config.ocr, threads=self.config.ocr_threads)
        h, w = raw.shape
        reads = 0
        for r in regs[:4]:
            if not (6 <= r.height <= 90 and r.width >= 12) or r.area > 0.6 * r.width * r.height:
                continue  # not glyphs (a filled block, a long line)
            x0, y0, x1, y1 = r.box
            for a, b in geo.runs(raw[y0:y1, x0:x1].any(axis=1)):
                if not 6 <= b - a <= 40 or reads >= max_reads:
                    continue
                ly0, ly1 = y0 + a, y0 + b
                # The changed part of the line: differing columns of its rows joined across gaps under a glyph's
                # height, and a glyph's height more on each side (a word of the line may be unchanged).
                cols = geo.dilate(raw[ly0:ly1].any(axis=0)[None, :], int(0.6 * (b - a)) + 1)[0]
                mid = (x0 + x1) // 2
                run = next(((c0, c1) for c0, c1 in geo.runs(cols) if c0 <= mid < c1), None)
                if run is None or run[1] - run[0] < 1.5 * (b - a) or run[1] - run[0] > 0.6 * w:
                    continue
                m = max(2, (b - a) // 3)
                box = (max(0, run[0] - (b - a)), max(0, ly0 - m), min(w, run[1] + (b - a)), min(h, ly1 + m))
                reads += 1
                rx0, ry0, rx1, ry1 = ctx.rn.to_source(tuple(map(float, box)), clip_to=ctx.ref.size)
                was, was_score = ocr.recognize(ctx.ref.image[int(ry0):int(np.ceil(ry1)), int(rx0):int(np.ceil(rx1))])
                now, now_score = self._recognize(ctx, box, margin=0.0)
                if min(was_score, now_score) < 0.8 or min(sum(ch.isalnum() for ch in was),
                                                          sum(ch.isalnum() for ch in now)) < 3:
                    continue
                if text_similarity(was, now) >= T["text_minor"]:
                    continue  # (the same words read a little otherwise)
                panel = _panel_of(ctx.panels, box) if ctx.panels else None
                where = "plot area" if ctx.panels and _inside_plot(ctx.panels, box) else "figure"
                ctx.errors.append(finding("chart.text_changed", f"The text '{was}' reads '{now}' in the candidate.",
                                          ctx.panel_name(panel) + where, ctx.cand_box(box)))
                ctx.explained[box[1]:box[3], box[0]:box[2]] = True

    def _over_text(self, ctx: _Ctx, here: np.ndarray) -> TextBox | None:
        """The reference text line under most of the differing pixels ``here`` (its box grown by most of its height,
        and along the line by a third of its length)."""
        total = max(int(here.sum()), 1)
        h, w = here.shape
        for t in self._texts(ctx.ref):
            g = 0.6 * (t.box[3] - t.box[1])
            gx = max(g, 0.35 * (t.box[2] - t.box[0]))  # a line set larger grows most along itself
            x0, y0 = int(max(0, t.box[0] - gx)), int(max(0, t.box[1] - g))
            x1, y1 = int(min(w, t.box[2] + gx)), int(min(h, t.box[3] + g))
            if x1 > x0 and y1 > y0 and here[y0:y1, x0:x1].sum() >= 0.6 * total:
                return t
        return None

    def _along_path(self, ctx: _Ctx, here: np.ndarray) -> tuple[str, str]:
        """(rule, description) of a small difference: markers added on (or removed from) a path both images draw,
        the path's dashes, or changed marks."""
        # A pixel in both masks is drawn over (a marker on a bar): it counts as added, not as lost.
        miss, extra = int((here & ctx.missing & ~ctx.extra).sum()), int((here & ctx.extra).sum())
        box = geo.box_of(geo.dilate(here, 8))
        sl = np.s_[box[1]:box[3], box[0]:box[2]]
        rink, cink = ctx.ink("r")[sl], ctx.ink("c")[sl]
        m, e = (here & ctx.missing)[sl], (here & ctx.extra)[sl]
        if extra >= 2 * miss and (e & geo.dilate(rink & ~e, 6)).sum() >= 0.85 * extra:
            return "chart.markers", "Markers are drawn on a path where the reference has none (or other ones)."
        if miss >= 2 * extra and (m & geo.dilate(cink & ~m, 6)).sum() >= 0.85 * miss and \
                (rink & geo.dilate(cink, 8)).sum() >= 0.8 * rink.sum():
            return "chart.line_style", "A line is drawn with another dash pattern (or without its markers)."
        w = ctx.missing.shape[1] if not ctx.panels else max(p[2] - p[0] for p in ctx.panels)
        if miss >= 4 * extra and box[2] - box[0] >= 0.5 * w and geo.stroke_thickness(m) <= 4 and \
                (m & geo.dilate(cink, 3)).sum() <= 0.3 * miss:
            # (a thin path across the plot gone with nothing drawn along it: a line of a colour others share)
            return "chart.series_missing", "A line of the reference (drawn in a colour other lines share) is missing."
        return "chart.values_minor", "Some marks differ from the reference here."
