"""The SVG comparer: segment both renderings into shapes, match them, explain each region where the images differ.

Both images go into one square frame, so another resolution lines up. Only where they differ beyond
anti-aliasing (``diff_mask``) is anything reported; each such region gets one explanation from the shapes that
cover it: a reference shape with no partner is missing and a candidate shape with no partner is extra
(structure); a thin unmatched shape hugging a matched one is a stroke (style); a matched pair that moved is
structure, one that changed size or outline is shape, one that changed colour is style. Small text-like clusters
are read by OCR and a changed reading is a text/symbol error.
"""

from __future__ import annotations

import cv2
import numpy as np

from visual_erm.judge.embedded.base import Analysis, Comparer, content_key, register_comparer
from visual_erm.judge.embedded.color import color_name, lab_to_rgb
from visual_erm.judge.embedded.severity import blank_candidate_errors, finding
from visual_erm.judge.embedded.svg_shapes import Shape, box_iou, diff_mask, lab_frame, match_shapes, segment
from visual_erm.types import Discrepancy

SIDE = 256  # the comparison frame: emoji details survive, and a pair costs a few tens of ms


@register_comparer("svg")
class SvgComparer(Comparer):
    """SVG renderings (icons, emoji: gradients, thin outlines and small details are the normal case).

    Detectors (switch off by name in ``EmbeddedConfig.disabled``): ``structure`` (missing, extra, moved parts),
    ``shape`` (resized or deformed parts), ``style`` (fill and stroke colours, stroke widths).
    """

    detectors = ("structure", "shape", "style")

    def analyse(self, image: np.ndarray) -> Analysis:
        lab = lab_frame(image, SIDE)
        labels, shapes = segment(lab)
        return Analysis(task="svg", image=image, key=content_key(image),
                        features={"lab": lab, "labels": labels, "shapes": shapes})

    def compare(self, ref: Analysis, cand: Analysis) -> list[Discrepancy]:
        return compare_svgs(ref, cand, enabled=self.enabled)


def _severity_by_area(frac: float, *, small: float = 0.004, large: float = 0.06) -> int:
    return 1 if frac < small else (3 if frac >= large else 2)


def compare_svgs(ref: Analysis, cand: Analysis, *, enabled=lambda name: True) -> list[Discrepancy]:
    """Discrepancies between two analysed SVG renderings; boxes in the candidate's pixels."""
    rl, cl = ref["lab"], cand["lab"]
    H, W = cand.image.shape[:2]
    scale = max(H, W) / SIDE
    oy, ox = (SIDE - H / scale) / 2, (SIDE - W / scale) / 2

    def to_cand(box) -> list[float]:
        x0, y0, x1, y1 = box
        return [max(0.0, (x0 - ox) * scale), max(0.0, (y0 - oy) * scale), min(W, (x1 - ox) * scale),
                min(H, (y1 - oy) * scale)]

    rs: list[Shape] = ref["shapes"]
    cs: list[Shape] = cand["shapes"]
    if rs and not cs:
        return blank_candidate_errors("svg", W, H)
    D = diff_mask(rl, cl)
    # differences one or two pixels thin are resampling and anti-aliasing, not content
    D = cv2.morphologyEx(D.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)).astype(bool)
    content = max(1, int((ref["labels"] >= 0).sum()))
    if D.sum() < max(6, 0.0015 * content):
        return []
    grouped = cv2.dilate(D.astype(np.uint8), np.ones((5, 5), np.uint8))
    n, regions, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
    pairs = match_shapes(rs, cs, side=SIDE)
    r2c = {i: j for i, j, _ in pairs}
    c2r = {j: i for i, j, _ in pairs}
    rlab, clab = ref["labels"], cand["labels"]
    errors: list[Discrepancy] = []
    used_pairs: set[tuple[str, int]] = set()
    for k in range(1, n):
        region = (regions == k) & D
        area = int(region.sum())
        if area < max(9, 0.0015 * content):
            continue
        x, y, w, h = stats[k, :4]
        rbox = (float(x), float(y), float(x + w), float(y + h))
        frac = area / content
        # shapes under the difference, by how much of the region they cover
        rcov = np.bincount(rlab[region][rlab[region] >= 0], minlength=len(rs)) if rs else np.zeros(0)
        ccov = np.bincount(clab[region][clab[region] >= 0], minlength=len(cs)) if cs else np.zeros(0)
        found = _explain(rs, cs, r2c, c2r, rcov, ccov, area, rl, cl, region)
        if found is None:
            continue
        rule, desc, key, box = found
        if key in used_pairs:  # a moved shape leaves two regions (old and new place): one error
            continue
        used_pairs.add(key)
        cat = rule.split(".")[1]
        detector = {"shape_missing": "structure", "shape_missing_minor": "structure", "shape_extra": "structure",
                    "shape_moved": "structure", "shape_deformed": "shape", "shape_scaled": "shape",
                    "fill_color": "style", "stroke": "style"}.get(cat, "structure")
        if not enabled(detector):
            continue
        sev = None
        if rule in ("svg.shape_missing", "svg.shape_extra", "svg.shape_deformed", "svg.fill_color",
                    "svg.shape_scaled"):
            sev = _severity_by_area(frac)
        errors.append(finding(rule, desc, _where(rbox), to_cand(box or rbox), severity=sev))
    return errors


def _where(box) -> str:
    cx, cy = (box[0] + box[2]) / 2 / SIDE, (box[1] + box[3]) / 2 / SIDE
    v = "top" if cy < 0.34 else ("bottom" if cy > 0.66 else "middle")
    h = "left" if cx < 0.34 else ("right" if cx > 0.66 else "centre")
    return f"{v} {h}" if (v, h) != ("middle", "centre") else "centre"


def _explain(rs, cs, r2c, c2r, rcov, ccov, area, rl, cl, region):
    """(rule, description, dedup key, box in frame px) for one region of difference, or None when it is noise."""
    ri = int(np.argmax(rcov)) if len(rcov) and rcov.max() > 0 else None
    ci = int(np.argmax(ccov)) if len(ccov) and ccov.max() > 0 else None
    r_share = rcov[ri] / area if ri is not None else 0.0
    c_share = ccov[ci] / area if ci is not None else 0.0
    # the same place holds a shape on both sides, in other colours: a fill change, whatever the matching said
    if ri is not None and ci is not None and box_iou(rs[ri].box, cs[ci].box) > 0.6 \
            and abs(np.log(cs[ci].area / max(rs[ri].area, 1))) < 0.3:
        a, b = rs[ri], cs[ci]
        if float(np.sqrt(((a.lab - b.lab) ** 2).sum())) > 12:
            return ("svg.fill_color", f"A part is {color_name(lab_to_rgb(b.lab[None])[0])} instead of "
                    f"{color_name(lab_to_rgb(a.lab[None])[0])}.", ("r", ri), b.box)
    # a reference shape mostly inside the difference with no partner: missing
    if ri is not None and ri not in r2c and rcov[ri] >= 0.4 * rs[ri].area and r_share >= c_share * 0.8:
        s = rs[ri]
        if _is_outline_of(s, rs, cs, r2c):
            return "svg.stroke", "An outline (stroke) of the reference is missing or thinner.", ("r", ri), s.box
        name = color_name(lab_to_rgb(s.lab[None])[0])
        rule = "svg.shape_missing" if s.area >= 0.01 * SIDE * SIDE else "svg.shape_missing_minor"
        return rule, f"A {name} part of the reference is missing.", ("r", ri), s.box
    if ci is not None and ci not in c2r and ccov[ci] >= 0.4 * cs[ci].area:
        s = cs[ci]
        if _is_outline_of(s, cs, rs, c2r):
            return "svg.stroke", "A part has an outline (stroke) the reference does not have, or a thicker one.", ("c", ci), s.box
        name = color_name(lab_to_rgb(s.lab[None])[0])
        return "svg.shape_extra", f"An extra {name} part that the reference does not have.", ("c", ci), s.box
    # the matched pair that the region belongs to most (relative to the part's own size) explains it
    options = [(rcov[i] / rs[i].area, i) for i in np.flatnonzero(rcov) if i in r2c]
    options += [(ccov[j] / cs[j].area, c2r[j]) for j in np.flatnonzero(ccov) if j in c2r]
    for _, idx in sorted(options, reverse=True):
        a, b = rs[idx], cs[r2c[idx]]
        d = np.hypot(a.centroid[0] - b.centroid[0], a.centroid[1] - b.centroid[1])
        ratio = b.area / max(a.area, 1)
        de = float(np.sqrt(((a.lab - b.lab) ** 2).sum()))
        key = ("r", idx)
        if de > 12 and box_iou(a.box, b.box) > 0.5:
            return ("svg.fill_color", f"A part is {color_name(lab_to_rgb(b.lab[None])[0])} instead of "
                    f"{color_name(lab_to_rgb(a.lab[None])[0])}.", key, b.box)
        size_change = abs(np.log(max(ratio, 1e-3))) > 0.18
        if d > 3 + 0.08 * np.sqrt(a.area) and not (size_change and box_iou(a.box, b.box) > 0.4):
            return "svg.shape_moved", "A part is in another place than in the reference.", key, \
                (min(a.box[0], b.box[0]), min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
        if size_change:
            return "svg.shape_scaled", f"A part is {'larger' if ratio > 1 else 'smaller'} than in the reference.", key, b.box
    # matched on both sides but no single shape explains it: compare edges to tell colour from geometry
    ys, xs = np.nonzero(region)
    ref_edge = _edges(rl)[ys, xs]
    cand_edge = _edges(cl)[ys, xs]
    same_geometry = (ref_edge == cand_edge).mean() > 0.85
    if ri is None and ci is None:
        return None
    key = ("r", ri) if ri is not None else ("c", ci)
    if same_geometry:
        return "svg.fill_color", "Colours in this part differ from the reference.", key, None
    return "svg.shape_deformed", "The outline of a part differs from the reference.", key, None


def _edges(lab: np.ndarray) -> np.ndarray:
    L = np.clip(lab[..., 0] * 2.55, 0, 255).astype(np.uint8)
    return cv2.dilate(cv2.Canny(L, 40, 100), np.ones((3, 3), np.uint8)) > 0


def _is_outline_of(s: Shape, own: list[Shape], other: list[Shape], pair_of: dict[int, int]) -> bool:
    """A thin shape whose box hugs the box of another shape: a stroke, not a part."""
    if s.thickness > 10:
        return False
    for t in own:
        if t is s or t.area < s.area * 0.5:
            continue
        if box_iou(s.box, t.box) > 0.6:
            return True
    return False
