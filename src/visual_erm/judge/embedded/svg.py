"""The SVG comparer: segment both renderings into shapes, explain each region where the images differ.

Both images go into one square frame, so another resolution lines up. Only where they differ beyond
anti-aliasing (``diff_mask``) is anything reported. First the whole drawing is tested against mirrored, rotated
and re-proportioned versions of the reference (one structure error when one of them explains the difference).
Then each region of difference gets one explanation, found by testing hypotheses on the pixels of the reference
shape (or, failing one, the candidate shape) under it:

- text or a symbol (thin dark strokes in a line-sized box, read by OCR on both originals) -> text_symbol;
- a thin band along a reference outline in one colour -> a stroke added, removed or widened (style);
- the shape's place holds one new colour and keeps its outline -> fill colour (style);
- the shape's pixels, shifted or rescaled, are found nearby -> moved (structure) or resized (shape);
- the shape is gone -> missing (structure); a candidate shape with no such origin -> extra (structure);
- otherwise edges decide colour (style) vs outline (shape).
Severities of missing, extra, recoloured and resized parts grow with their share of the drawing.
"""

from __future__ import annotations

import cv2
import numpy as np

from visual_erm.judge.embedded.base import Analysis, Comparer, content_key, register_comparer
from visual_erm.judge.embedded.color import color_name, lab_to_rgb
from visual_erm.judge.embedded.ocr import get_ocr, normalize_text, text_similarity
from visual_erm.judge.embedded.normalize import box_iou
from visual_erm.judge.embedded.severity import blank_candidate_errors, finding
from visual_erm.judge.embedded.svg_shapes import Shape, diff_mask, lab_frame, segment
from visual_erm.types import Discrepancy

SIDE = 256  # the comparison frame: emoji details survive, and a pair costs a few tens of ms
SYMBOLS = "#+*@&%$?!=<>/×÷±§"
GLYPH_ALIASES = str.maketrans({"十": "+", "＋": "+", "＃": "#", "！": "!", "？": "?"})  # full-width readings
SAME = 12.0  # Lab distance under which two pixels have the same colour
DETECTOR = {"svg.shape_missing": "structure", "svg.shape_missing_minor": "structure", "svg.shape_extra": "structure",
            "svg.shape_moved": "structure", "svg.whole_transform": "structure", "svg.shape_deformed": "shape",
            "svg.shape_scaled": "shape", "svg.fill_color": "style", "svg.stroke": "style",
            "svg.text_symbol": "text", "svg.text_symbol_minor": "text"}


@register_comparer("svg")
class SvgComparer(Comparer):
    """SVG renderings (icons, emoji: gradients, thin outlines and small details are the normal case).

    Detectors (switch off by name in ``EmbeddedConfig.disabled``): ``structure`` (missing, extra, moved parts; the
    whole drawing mirrored, rotated or re-proportioned), ``shape`` (resized or deformed parts), ``style`` (fill and
    stroke colours, stroke widths), ``text`` (text and symbols, read by OCR where the images differ).
    """

    detectors = ("structure", "shape", "style", "text")

    def analyse(self, image: np.ndarray) -> Analysis:
        lab = lab_frame(image, SIDE)
        labels, shapes = segment(lab)
        return Analysis(task="svg", image=image, key=content_key(image),
                        features={"lab": lab, "labels": labels, "shapes": shapes})

    def compare(self, ref: Analysis, cand: Analysis) -> list[Discrepancy]:
        ocr = get_ocr(self.config.ocr, threads=self.config.ocr_threads) if self.enabled("text") else None
        return compare_svgs(ref, cand, enabled=self.enabled, ocr=ocr)


def _area_severity(frac: float, *, small: float = 0.004, large: float = 0.06) -> int:
    """1 for a detail (< 0.4 % of the drawing), 3 for a main part (>= 6 %), 2 between."""
    return 1 if frac < small else (3 if frac >= large else 2)


def _fill_severity(frac: float) -> int:
    """A recoloured part: 1 for a detail (< 0.4 % of the drawing), else 2 (a colour is never 'misleading')."""
    return 1 if frac < 0.004 else 2


def _merge_same(errors: list[Discrepancy]) -> list[Discrepancy]:
    """One error per identical finding: a part split into pieces by what lies over it is still one part."""
    out: dict[tuple, Discrepancy] = {}
    for e in errors:
        k = (e.category, e.description)
        if k in out:
            o = out[k]
            o.severity = max(o.severity, e.severity)
            if o.bbox and e.bbox:
                o.bbox = [min(o.bbox[0], e.bbox[0]), min(o.bbox[1], e.bbox[1]), max(o.bbox[2], e.bbox[2]),
                          max(o.bbox[3], e.bbox[3])]
        else:
            out[k] = e
    return list(out.values())


def _dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sqrt(((a - b) ** 2).sum(axis=-1))


def _name(lab: np.ndarray) -> str:
    return color_name(lab_to_rgb(np.asarray(lab, np.float32)[None])[0])


class _Frame:
    """Frame <-> image coordinates of one analysed image (``to_frame`` centres the image, aspect kept)."""

    def __init__(self, image: np.ndarray) -> None:
        self.h, self.w = image.shape[:2]
        self.scale = max(self.h, self.w) / SIDE
        self.oy, self.ox = (SIDE - round(self.h / self.scale)) // 2, (SIDE - round(self.w / self.scale)) // 2

    def to_image(self, box) -> list[float]:
        x0, y0, x1, y1 = box
        return [max(0.0, (x0 - self.ox) * self.scale), max(0.0, (y0 - self.oy) * self.scale),
                min(float(self.w), (x1 - self.ox) * self.scale), min(float(self.h), (y1 - self.oy) * self.scale)]


def compare_svgs(ref: Analysis, cand: Analysis, *, enabled=lambda name: True, ocr=None) -> list[Discrepancy]:
    """Discrepancies between two analysed SVG renderings; boxes in the candidate's pixels."""
    rl, cl = ref["lab"], cand["lab"]
    rframe, cframe = _Frame(ref.image), _Frame(cand.image)
    H, W = cand.image.shape[:2]
    rs: list[Shape] = ref["shapes"]
    cs: list[Shape] = cand["shapes"]
    if rs and not cs:
        return blank_candidate_errors("svg", W, H)
    D = _differences(rl, cl)
    content = max(1, int((ref["labels"] >= 0).sum()))
    if D.sum() < max(6, 0.0006 * content):
        return []
    errors: list[Discrepancy] = []
    whole = _whole_transform(rl, cl, D)
    if whole is not None:
        # report the transform once, then look for what else differs against the transformed reference
        what, rl = whole
        if enabled("structure"):
            errors.append(finding("svg.whole_transform", what, "whole icon", [0.0, 0.0, float(W), float(H)]))
        labels, rs = segment(rl)
        ref = Analysis(task="svg", image=ref.image, key=ref.key, features={"lab": rl, "labels": labels, "shapes": rs})
        D = _differences(rl, cl)
        if D.sum() < max(6, 0.0006 * content):
            return errors
    grouped = cv2.dilate(D.astype(np.uint8), np.ones((5, 5), np.uint8))
    n, regions, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
    ctx = _Context(ref, cand, rs, cs, content, D)
    done_keys: set = set()
    done_boxes: list = []
    text_lines: list = []
    for k in np.argsort(-stats[1:, cv2.CC_STAT_AREA]) + 1:
        region = (regions == k) & D
        area = int(region.sum())
        if area < max(9, 0.0006 * content):
            continue
        x, y, w, h = (int(v) for v in stats[k, :4])
        rbox = (float(x), float(y), float(x + w), float(y + h))
        if any(_overlap(rbox, b) > 0.5 for b in done_boxes):
            continue  # the other end of a moved or resized part already reported
        if ocr is not None and enabled("text"):
            if any(_same_line(rbox, b) for b in text_lines):
                continue
            text = _read_text(ref, cand, rframe, cframe, rbox, region, ocr)
            if text is not None:
                text_lines.append(rbox)
                rule, desc, sev = text
                errors.append(finding(rule, desc, _where(rbox), cframe.to_image(_pad_box(rbox, 2)), severity=sev))
                continue
        found = ctx.explain(region, rbox)
        if found is None:
            continue
        rule, desc, key, box, sev = found
        if key is not None and key in done_keys:
            continue
        done_keys.add(key)
        if rule in ("svg.shape_moved", "svg.shape_scaled"):
            done_boxes.append(box)
        if not enabled(DETECTOR.get(rule, "structure")):
            continue
        errors.append(finding(rule, desc, _where(rbox), cframe.to_image(box or rbox), severity=sev))
    return _merge_same(errors)


def _differences(rl: np.ndarray, cl: np.ndarray) -> np.ndarray:
    D = diff_mask(rl, cl)
    # differences one or two pixels thin are resampling and anti-aliasing, not content
    return cv2.morphologyEx(D.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)).astype(bool)


def _overlap(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / small if small > 0 else 0.0


def _same_line(a, b) -> bool:
    iy = min(a[3], b[3]) - max(a[1], b[1])
    return iy > 0.5 * min(a[3] - a[1], b[3] - b[1]) and (max(a[0], b[0]) - min(a[2], b[2])) < 0.1 * SIDE


def _pad_box(box, px: float):
    return (box[0] - px, box[1] - px, box[2] + px, box[3] + px)


def _where(box) -> str:
    cx, cy = (box[0] + box[2]) / 2 / SIDE, (box[1] + box[3]) / 2 / SIDE
    v = "top" if cy < 0.34 else ("bottom" if cy > 0.66 else "middle")
    h = "left" if cx < 0.34 else ("right" if cx > 0.66 else "centre")
    return f"{v} {h}" if (v, h) != ("middle", "centre") else "centre"


def _ink(lab: np.ndarray) -> np.ndarray:
    bg = np.median(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]), axis=0)
    return _dist(lab, bg) > 10


def _content_box(mask: np.ndarray):
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _main_box(ink: np.ndarray):
    """Box of the largest blob of ink (the drawing without a caption or stray marks beside it)."""
    n, lab, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)))
    if n < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return _content_box((lab == k) & ink)


def _whole_transform(rl: np.ndarray, cl: np.ndarray, D: np.ndarray):
    """(description, transformed reference Lab) when the candidate's drawing is the reference's mirrored, rotated
    or re-proportioned (placed where the candidate has it), else None."""
    rink, cink = _ink(rl), _ink(cl)
    if D.sum() < 0.2 * max(1, rink.sum()):
        return None
    rb, cb = _main_box(rink), _main_box(cink)
    if rb is None or cb is None or min(rb[2] - rb[0], rb[3] - rb[1], cb[2] - cb[0], cb[3] - cb[1]) < 8:
        return None
    crop = rl[rb[1]:rb[3], rb[0]:rb[2]]
    cw, ch = cb[2] - cb[0], cb[3] - cb[1]
    base = float(D.sum())
    options = {"mirrored left-to-right": crop[:, ::-1], "flipped upside down": crop[::-1],
               "rotated by 90 degrees": np.rot90(crop, 1), "rotated by 90 degrees ": np.rot90(crop, -1),
               "rotated by 180 degrees": crop[::-1, ::-1]}
    r_aspect = (rb[2] - rb[0]) / (rb[3] - rb[1])
    c_aspect = cw / ch
    if abs(np.log(c_aspect / r_aspect)) > 0.08:
        options["squashed or stretched (other proportions)"] = crop
    def placed_as(img: np.ndarray) -> np.ndarray:
        placed = rl.copy()
        placed[rb[1]:rb[3], rb[0]:rb[2]] = np.median(np.concatenate([rl[0], rl[-1]]), axis=0)
        placed[cb[1]:cb[3], cb[0]:cb[2]] = cv2.resize(np.ascontiguousarray(img), (cw, ch), interpolation=cv2.INTER_AREA)
        return placed

    # the drawing merely moved or resized into the candidate's box: a transform must explain clearly more than that
    # (a symmetric part scaled in place is not 'mirrored')
    plain = float(_differences(placed_as(crop), cl).sum())
    best, best_area, best_lab = None, min(base, 0.7 * plain), None
    for what, img in options.items():
        placed = placed_as(img)
        if img is crop:  # re-proportioned: the plain placement itself, offered only when the aspect differs
            if best is None and plain < base:
                best, best_area, best_lab = what, plain, placed
            continue
        area = float(_differences(placed, cl).sum())
        if area < best_area:
            best, best_area, best_lab = what, area, placed
    if best is not None and best_area < 0.5 * base:
        return f"The whole icon is {best.strip()} compared with the reference.", best_lab
    return None


def _read_text(ref, cand, rframe, cframe, rbox, region, ocr):
    """(rule, description, severity) when the region is text or a symbol that reads differently, else None."""
    x0, y0, x1, y1 = rbox
    if y1 - y0 > 0.2 * SIDE or (x1 - x0) * (y1 - y0) > 0.08 * SIDE * SIDE:
        return None
    readings = []
    for a, fr in ((ref, rframe), (cand, cframe)):
        lab = a["lab"]
        ink = _ink(lab)[int(y0):int(y1), int(x0):int(x1)]
        thin = False
        if ink.sum() >= 4:
            dt = cv2.distanceTransform(ink.astype(np.uint8), cv2.DIST_L2, 3)
            thin = float(np.percentile(dt[ink], 90)) <= 2.2
        readings.append(thin)
    # a compact mark drawn in one image only may be a symbol ('#', '+'): read it too, but trust only symbols
    symbol_only = not any(readings)
    if not symbol_only and y1 - y0 > 0.14 * SIDE:
        return None  # taller than a line of text
    if symbol_only and (y1 - y0 > 0.2 * SIDE or (x1 - x0) > 0.2 * SIDE or region.sum() < 20
                        or not _glyph_like(region, rbox)):
        return None
    if not symbol_only:
        rbox = _text_line(ref["lab"], cand["lab"], rbox)
    # a mark drawn in one image only is read there only (the other side's crop is whatever lies under it)
    marked = None
    if symbol_only:
        ri, ci = (float(_ink(a["lab"])[region].mean()) for a in (ref, cand))
        marked = "cand" if ci >= ri else "ref"
    texts = []
    for side, (a, fr) in zip(("ref", "cand"), ((ref, rframe), (cand, cframe))):
        if marked is not None and side != marked:
            texts.append("")
            continue
        bx = fr.to_image(_pad_box(rbox, 3))
        crop = a.image[int(bx[1]):int(np.ceil(bx[3])), int(bx[0]):int(np.ceil(bx[2]))]
        text, score = ocr.recognize(crop) if crop.size else ("", 0.0)
        text = text.translate(GLYPH_ALIASES)
        if symbol_only:  # one bold mark counts only as a symbol (blobs read as letters or digits too often)
            text = text.strip() if len(text.strip()) == 1 and text.strip() in SYMBOLS else ""
        texts.append(text if score >= 0.6 and any(ch.isalnum() or ch in SYMBOLS for ch in text) else "")
    rt, ct = texts
    if not rt and not ct:
        return None
    if normalize_text(rt) == normalize_text(ct) and rt == ct:
        return None
    if not ct:
        return "svg.text_symbol", f"The text '{rt}' of the reference is missing.", None
    if not rt:
        return "svg.text_symbol", f"An extra text or symbol '{ct}' that the reference does not have.", None
    minor = normalize_text(rt) == normalize_text(ct) or text_similarity(rt, ct) >= 0.75
    return ("svg.text_symbol_minor" if minor else "svg.text_symbol"), f"The text reads '{ct}' instead of '{rt}'.", None


def _glyph_like(region: np.ndarray, box) -> bool:
    """The mark is made of strokes (a '#', '+', '!'), not a blob: thin relative to its size."""
    x0, y0, x1, y1 = (int(v) for v in box)
    m = region[y0:y1, x0:x1].astype(np.uint8)
    per = float(cv2.countNonZero(m - cv2.erode(m, np.ones((3, 3), np.uint8))))
    return per > 0 and 2.0 * float(m.sum()) / per <= 0.25 * max(x1 - x0, y1 - y0)


def _text_line(rl: np.ndarray, cl: np.ndarray, box):
    """``box`` widened to the whole line of ink it sits in (either image), so OCR reads words, not letters."""
    x0, y0, x1, y1 = (int(v) for v in box)
    cols = (_ink(rl)[y0:y1] | _ink(cl)[y0:y1]).any(axis=0)
    gap = max(4, int(0.05 * SIDE))
    while x0 > 0 and cols[max(0, x0 - gap):x0].any():
        x0 -= 1
    while x1 < SIDE and cols[x1:x1 + gap].any():
        x1 += 1
    return float(x0), float(y0), float(x1), float(y1)


class _Context:
    """The two analyses of a pair, with the per-pixel maps the hypotheses share."""

    def __init__(self, ref, cand, rs, cs, content, D) -> None:
        self.D = cv2.dilate(D.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        self.rl, self.cl = ref["lab"], cand["lab"]
        self.rlab, self.clab = ref["labels"], cand["labels"]
        self.rs, self.cs, self.content = rs, cs, content
        self.redge = _label_edges(self.rlab)
        self.cedge = _label_edges(self.clab)
        self.near_redge = cv2.dilate(self.redge.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
        self.near_cedge = cv2.dilate(self.cedge.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0

    def explain(self, region: np.ndarray, rbox):
        """(rule, description, dedup key, box in frame px, severity or None), or None for noise."""
        area = int(region.sum())
        rcov = np.bincount(self.rlab[region][self.rlab[region] >= 0], minlength=len(self.rs))
        ccov = np.bincount(self.clab[region][self.clab[region] >= 0], minlength=len(self.cs))
        rshare = rcov / np.maximum([s.area for s in self.rs], 1) if len(self.rs) else np.zeros(0)
        cshare = ccov / np.maximum([s.area for s in self.cs], 1) if len(self.cs) else np.zeros(0)
        stroke = self._stroke(region, rshare, cshare)
        if stroke is not None:
            return stroke
        # the reference shape this region is most about: the one it covers most, relative to its size
        r_cands = [i for i in np.flatnonzero(rcov) if rshare[i] >= 0.3 and rcov[i] >= 0.15 * area]
        for i in sorted(r_cands, key=lambda i: -rcov[i]):
            found = self._ref_shape(int(i), region)
            if found is not None:
                return found
        c_cands = [j for j in np.flatnonzero(ccov) if cshare[j] >= 0.3 and ccov[j] >= 0.15 * area]
        for j in sorted(c_cands, key=lambda j: -ccov[j]):
            found = self._cand_shape(int(j), region)
            if found is not None:
                return found
        if rcov.sum() + ccov.sum() == 0:
            return None
        frac = area / self.content
        shrunk = self._shrunk(region, rcov)
        if shrunk is not None:
            return shrunk
        if self._revealed(region):
            rule = "svg.shape_missing" if frac >= 0.004 else "svg.shape_missing_minor"
            names = [_name(self.rs[i].lab) for i in np.argsort(-rcov)[:1] if rcov[i] > 0]
            what = f"A {names[0]} part" if names else "A part"
            return rule, f"{what} of the reference is missing (what lay beneath shows).", None, None, _area_severity(frac)
        ys, xs = np.nonzero(region)
        same_geometry = (self.near_redge[ys, xs] == self.near_cedge[ys, xs]).mean() > 0.9 and \
            (self.redge[ys, xs] == self.cedge[ys, xs]).mean() > 0.8
        if same_geometry:
            return "svg.fill_color", "Colours in this part differ from the reference.", None, None, _fill_severity(frac)
        return "svg.shape_deformed", "The outline of a part differs from the reference.", None, None, _area_severity(frac)

    def _stroke(self, region, rshare, cshare):
        """An outline added, removed or widened: a thin band hugging reference outlines, no whole part in it."""
        dt = cv2.distanceTransform(np.pad(region, 1).astype(np.uint8), cv2.DIST_L2, 3)[1:-1, 1:-1]
        if float(dt.max()) > 5.5:
            return None
        ys, xs = np.nonzero(region)
        if self.near_redge[ys, xs].mean() < 0.9:
            return None
        big_r = [i for i in np.flatnonzero(rshare >= 0.6) if self.rs[i].thickness > 4]
        # a part grown by its new outline (same colours merged) is not a new part
        big_c = [j for j in np.flatnonzero(cshare >= 0.6) if self.cs[j].thickness > 4
                 and float((_dist(self.rl[self.clab == j], self.cs[j].lab) < 2 * SAME).mean()) < 0.3
                 and not (self.cs[j].thickness <= 9 and any(box_iou(self.cs[j].box, r.box) > 0.5 for r in self.rs))]
        if big_r or big_c:
            return None
        # the band has one colour on the side that drew it
        rc, cc = self.rl[ys, xs], self.cl[ys, xs]
        r_spread = float(np.median(_dist(rc, np.median(rc, axis=0))))
        c_spread = float(np.median(_dist(cc, np.median(cc, axis=0))))
        if min(r_spread, c_spread) > 10:
            return None
        added = c_spread <= r_spread
        box = _box_of(region)
        if added:
            return ("svg.stroke", f"A part has a {_name(np.median(cc, axis=0))} outline (stroke) the reference does "
                    "not have, or a thicker one.", ("stroke", box), box, None)
        return "svg.stroke", "An outline (stroke) of the reference is missing or thinner.", ("stroke", box), box, None

    def _ref_shape(self, i: int, region: np.ndarray):
        s = self.rs[i]
        M = self.rlab == i
        here = float((_dist(self.cl[M], s.lab) < SAME).mean())
        if here >= 0.6:
            return None  # the shape is still in place: the region is about something else
        frac = s.area / self.content
        key = ("r", i)
        # only where the candidate differs may a moved part land (not on an unchanged part of the same colour)
        moved = _find_transformed(M, (_dist(self.cl, s.lab) < SAME) & (self.D | M))
        if moved is not None:
            return self._moved_or_scaled(M, moved, key, frac)
        # one new colour over the whole shape, and the outline still there: recoloured
        inner = cv2.erode(M.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        if inner.sum() < 6:
            inner = M
        cm = self.cl[inner]
        med = np.median(cm, axis=0)
        uniform = float((_dist(cm, med) < SAME).mean())
        if self._revealed(M):
            rule = "svg.shape_missing" if frac >= 0.004 else "svg.shape_missing_minor"
            return rule, f"A {_name(s.lab)} part of the reference is missing.", key, s.box, _area_severity(frac)
        ring = (cv2.dilate(M.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)) & ~cv2.dilate(
            M.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        continues = float((_dist(self.cl[ring], med) < SAME).mean()) if ring.any() else 0.0
        ref_ring = float((_dist(self.rl[ring], med) < SAME).mean()) if ring.any() else 0.0
        if uniform >= 0.7 and (continues < 0.5 or continues <= ref_ring + 0.15) and _dist(med, s.lab) > SAME \
                and not (continues >= 0.5 and ref_ring >= 0.5):
            return ("svg.fill_color", f"A {_name(s.lab)} part is {_name(med)} instead.", key, s.box,
                    _fill_severity(frac))
        if self._gradient_like(M, med):
            return ("svg.fill_color", f"A {_name(s.lab)} part is filled differently (colour or gradient).", key, s.box,
                    _fill_severity(frac))
        rule = "svg.shape_missing" if frac >= 0.004 else "svg.shape_missing_minor"
        return rule, f"A {_name(s.lab)} part of the reference is missing.", key, s.box, _area_severity(frac)

    def _revealed(self, M) -> bool:
        """Where ``M`` was, the candidate shows a part that goes on outside ``M`` unchanged from the reference: what
        lay beneath a removed part (a recoloured part is a new region of its own)."""
        labs = self.clab[M]
        labs = labs[labs >= 0]
        if len(labs) < 0.6 * M.sum():
            return False
        j = int(np.bincount(labs).argmax())
        N = self.clab == j
        inside = int((N & M).sum())
        if inside < 0.6 * M.sum():
            return False
        out = N & ~cv2.dilate(M.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        if out.sum() < 0.25 * inside:
            return False
        if float((_dist(self.rl[out], self.cl[out]) < SAME).mean()) < 0.8:
            return False
        # what lay beneath surrounds the hole; a part grown outward (scaled up) only borders it
        hull = cv2.fillConvexPoly(np.zeros(M.shape, np.uint8), cv2.convexHull(
            np.column_stack(np.nonzero(out)[::-1]).astype(np.int32)), 1).astype(bool)
        return float(hull[M].mean()) >= 0.7

    def _shrunk(self, region: np.ndarray, rcov: np.ndarray):
        """(rule, ...) when the region is a rim around what is left of the reference part it covers most: that part
        is smaller (the template search misses gradients and thin parts), else None."""
        if not rcov.any():
            return None
        i = int(np.argmax(rcov))
        s = self.rs[i]
        M = self.rlab == i
        left = M & ~region & (_dist(self.cl, s.lab) < SAME)
        if left.sum() < 0.15 * M.sum() or left.sum() > 0.85 * M.sum():
            return None
        lb, mb = _box_of(left), _box_of(M)
        inset = min(lb[0] - mb[0], lb[1] - mb[1], mb[2] - lb[2], mb[3] - lb[3])
        if inset < 2:
            return None
        # the rim shows what surrounded the part (a new outline drawn on the rim is a stroke, not a smaller part)
        ring = cv2.dilate(M.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool) & ~M
        rim = region & M
        if not ring.any() or not rim.any():
            return None
        around = self.rl[ring][:: max(1, int(ring.sum()) // 200)]
        near = np.min(np.sqrt(((self.cl[rim][:, None] - around[None]) ** 2).sum(axis=-1)), axis=1) < SAME
        if float(near.mean()) < 0.6:
            return None
        return ("svg.shape_scaled", "A part is smaller than in the reference.", ("r", i), s.box, 2)

    def _gradient_like(self, M, med) -> bool:
        """The candidate keeps the shape's outline (edges along its boundary) though its colours changed."""
        boundary = M & ~cv2.erode(M.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        if boundary.sum() < 8:
            return False
        return float(self.near_cedge[boundary].mean()) > 0.9 and float(
            (cv2.dilate(self.cedge.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)[boundary].mean()) > 0.75

    def _cand_shape(self, j: int, region: np.ndarray):
        s = self.cs[j]
        N = self.clab == j
        here = float((_dist(self.rl[N], s.lab) < SAME).mean())
        if here >= 0.6:
            return None
        frac = s.area / self.content
        key = ("c", j)
        moved = _find_transformed(N, (_dist(self.rl, s.lab) < SAME) & (self.D | N))
        if moved is not None:
            dx, dy, scale = moved
            return self._moved_or_scaled(N, (-dx, -dy, 1 / scale), key, frac)
        on_ink = float(_ink(self.rl)[N].mean())
        if on_ink > 0.8 and (self._outline_in_ref(N) or (on_ink > 0.97 and self._outline_in_ref(N, share=0.4))):
            # a region of the reference, with its outline, now in one new colour: recoloured, not added
            return ("svg.fill_color", f"A part is {_name(s.lab)} instead of {_name(np.median(self.rl[N], axis=0))}.",
                    key, s.box, _fill_severity(frac))
        return ("svg.shape_extra", f"An extra {_name(s.lab)} part that the reference does not have.", key, s.box,
                _area_severity(frac))

    def _outline_in_ref(self, N, *, share: float = 0.75) -> bool:
        """More than ``share`` of the outline of candidate region ``N`` follows reference edges."""
        boundary = N & ~cv2.erode(N.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        if boundary.sum() < 8:
            return False
        return float((cv2.dilate(self.redge.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)[boundary].mean()) > share

    def _moved_or_scaled(self, M, moved, key, frac):
        dx, dy, scale = moved
        box = _box_of(M)
        size = np.sqrt(M.sum())
        if abs(scale - 1) > 0.08 and np.hypot(dx, dy) < 0.5 * size:
            return ("svg.shape_scaled", f"A part is {'larger' if scale > 1 else 'smaller'} than in the reference.",
                    key, _union(box, _scaled_box(box, scale)), 2)
        moved_box = (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
        return "svg.shape_moved", "A part is in another place than in the reference.", key, _union(box, moved_box), 2


def _label_edges(labels: np.ndarray) -> np.ndarray:
    e = np.zeros(labels.shape, bool)
    e[:, 1:] |= labels[:, 1:] != labels[:, :-1]
    e[1:] |= labels[1:] != labels[:-1]
    return e


def _box_of(mask: np.ndarray):
    ys, xs = np.nonzero(mask)
    return float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)


def _union(a, b):
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _scaled_box(box, s):
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    hw, hh = (box[2] - box[0]) / 2 * s, (box[3] - box[1]) / 2 * s
    return cx - hw, cy - hh, cx + hw, cy + hh


def _find_transformed(M: np.ndarray, target: np.ndarray, *, reach: int = 48):
    """(dx, dy, scale) when ``M`` shifted and/or scaled about its centre lands on ``target`` pixels, else None.

    A transform counts when at least 75 % of the moved mask lands on ``target`` and its share beats the shape's own
    place by 0.3. Shifts within 2 px at scale 1 are the shape's own place.
    """
    x0, y0, x1, y1 = (int(v) for v in _box_of(M))
    h, w = y1 - y0, x1 - x0
    if M.sum() < 10:
        return None
    crop = M[y0:y1, x0:x1].astype(np.float32)
    tgt = target.astype(np.float32)
    own = float((target & M).sum() / M.sum())
    best = None
    for scale in (1.0, 0.6, 0.75, 0.87, 1.15, 1.3, 1.5):
        sw, sh = max(2, round(w * scale)), max(2, round(h * scale))
        tmpl = cv2.resize(crop, (sw, sh), interpolation=cv2.INTER_NEAREST) if scale != 1.0 else crop
        n = float(tmpl.sum())
        if n < 8:
            continue
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ax, ay = int(round(cx - sw / 2)), int(round(cy - sh / 2))  # template origin if scaled in place
        wx0, wy0 = max(0, ax - reach), max(0, ay - reach)
        wx1, wy1 = min(tgt.shape[1], ax + sw + reach), min(tgt.shape[0], ay + sh + reach)
        win = tgt[wy0:wy1, wx0:wx1]
        if win.shape[0] < sh or win.shape[1] < sw:
            continue
        score = cv2.matchTemplate(win, tmpl, cv2.TM_CCORR) / n
        if scale == 1.0:
            oy, ox = ay - wy0, ax - wx0
            score[max(0, oy - 2):oy + 3, max(0, ox - 2):ox + 3] = 0
        py, px = np.unravel_index(int(np.argmax(score)), score.shape)
        val = float(score[py, px])
        if val >= 0.75 and val >= own + 0.3 and (best is None or val > best[0] + 0.02):
            best = (val, wx0 + px - ax, wy0 + py - ay, scale)
    if best is None:
        return None
    return float(best[1]), float(best[2]), best[3]
