"""SVG pairs from twemoji icons, with errors injected through the DOM (lxml), rendered by resvg.

References are colourful multi-shape icons, half of them with a caption (the emoji's Unicode name) so text errors
have something to act on. Every error's bbox comes from the renderer: the target element is rendered alone (all
else ``visibility="hidden"``) on a transparent canvas and its alpha extent is read, in the reference and in the
candidate, and the two are united.
"""

from __future__ import annotations

import copy
import io
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import resvg_py
from lxml import etree
from PIL import Image

from visual_erm.bench.build import sources
from visual_erm.bench.build.common import BuildConfig, Item, rank_pairs, write_bench

SVG_NS = "http://www.w3.org/2000/svg"
SHAPES = {f"{{{SVG_NS}}}{t}" for t in ("path", "circle", "ellipse", "rect", "polygon", "polyline", "line")}
NAMED = {"red": (220, 40, 50), "orange": (245, 140, 30), "yellow": (255, 205, 70), "green": (90, 170, 70),
         "teal": (0, 140, 140), "blue": (60, 120, 220), "light blue": (120, 190, 240), "purple": (140, 80, 180),
         "pink": (240, 140, 180), "brown": (130, 80, 40), "beige": (240, 220, 180), "grey": (130, 130, 130),
         "dark grey": (60, 65, 70), "black": (10, 10, 10), "white": (250, 250, 250)}
SWAP_COLORS = ["#1E88E5", "#43A047", "#8E24AA", "#F4511E", "#00897B", "#FDD835", "#6D4C41", "#000000"]
CAPTION_FONT = "DejaVu Sans"


def render_svg(svg: str, *, size: int = 512, transparent: bool = False) -> np.ndarray:
    """Rasterise trusted SVG text with resvg; longest side ``size``. Returns RGBA if ``transparent`` else RGB."""
    root = etree.fromstring(svg.encode())
    vb = [float(v) for v in root.get("viewBox", "0 0 36 36").replace(",", " ").split()]
    w, h = vb[2], vb[3]
    scale = size / max(w, h)
    png = resvg_py.svg_to_bytes(svg_string=svg, width=max(1, round(w * scale)), height=max(1, round(h * scale)),
                                dpi=96, background=None if transparent else "#ffffff")
    with Image.open(io.BytesIO(bytes(png))) as im:
        return np.asarray(im.convert("RGBA" if transparent else "RGB")).copy()


def alpha_box(rgba: np.ndarray) -> list[float] | None:
    ys, xs = np.nonzero(rgba[:, :, 3] > 8)
    if xs.size == 0:
        return None
    return [float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)]


def isolate(root: etree._Element, target_id: str) -> str:
    """SVG text of ``root`` with only the element tagged ``target_id`` visible."""
    r = copy.deepcopy(root)
    r.set("visibility", "hidden")
    for el in r.iter():
        if el.get("data-ve") == target_id:
            el.set("visibility", "visible")
    return etree.tostring(r, encoding="unicode")


def element_box(root: etree._Element, target_id: str, size: int) -> list[float] | None:
    return alpha_box(render_svg(isolate(root, target_id), size=size, transparent=True))


def color_name(value: str | None) -> str:
    if not value or not value.startswith("#"):
        return "black" if value is None else value
    v = value.lstrip("#")
    if len(v) == 3:
        v = "".join(c * 2 for c in v)
    try:
        rgb = np.array([int(v[k:k + 2], 16) for k in (0, 2, 4)], float)
    except ValueError:
        return value
    return min(NAMED, key=lambda n: float(((np.array(NAMED[n]) - rgb) ** 2).sum()))


def region(box: list[float] | None, w: int, h: int) -> str:
    if not box:
        return "icon"
    cx, cy = (box[0] + box[2]) / 2 / w, (box[1] + box[3]) / 2 / h
    v = "top" if cy < 0.36 else "bottom" if cy > 0.64 else "middle"
    u = "left" if cx < 0.36 else "right" if cx > 0.64 else "centre"
    return "centre" if (v, u) == ("middle", "centre") else f"{v}-{u}" if v != "middle" else f"middle-{u}"


@dataclass
class Icon:
    """A reference: the parsed SVG with every shape tagged ``data-ve="sN"`` and an optional caption ``t0``."""

    name: str
    root: etree._Element
    caption: str | None
    shapes: list[str] = field(default_factory=list)

    def text(self) -> str:
        return etree.tostring(self.root, encoding="unicode")


def make_icon(code: str, svg: str, *, caption: bool) -> Icon | None:
    try:
        inner = etree.fromstring(svg.encode())
    except etree.XMLSyntaxError:
        return None
    vb = [float(v) for v in inner.get("viewBox", "0 0 36 36").split()]
    shapes = [el for el in inner.iter() if el.tag in SHAPES]
    fills = {el.get("fill") for el in shapes}
    if len(shapes) < 3 or len(fills) < 3 or vb[:2] != [0, 0]:
        return None
    for k, el in enumerate(shapes):
        el.set("data-ve", f"s{k}")
    words = None
    if caption:
        try:
            words = " ".join(unicodedata.name(chr(int(cp, 16))) for cp in code.split("-")[:1]).title()
        except (ValueError, KeyError):
            words = None
    h = vb[3] + (9 if words else 0)
    root = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS}, viewBox=f"0 0 {vb[2]:g} {h:g}")
    g = etree.SubElement(root, f"{{{SVG_NS}}}g", {"data-ve": "icon"})
    for child in inner:
        g.append(child)
    if words:
        fs = min(4.2, (vb[2] - 2) / (0.62 * len(words)))
        t = etree.SubElement(root, f"{{{SVG_NS}}}text", {"data-ve": "t0", "x": f"{vb[2] / 2:g}", "y": f"{h - 2.5:g}",
                                                        "font-size": f"{fs:.2f}", "text-anchor": "middle",
                                                        "font-family": CAPTION_FONT, "fill": "#222222"})
        t.text = words
    return Icon(code, root, words, [f"s{k}" for k in range(len(shapes))])


def find(root: etree._Element, tag_id: str) -> etree._Element:
    return next(el for el in root.iter() if el.get("data-ve") == tag_id)


def shape_words(el: etree._Element) -> str:
    tag = etree.QName(el).localname
    kind = {"circle": "circle", "ellipse": "ellipse", "rect": "rectangle", "path": "shape", "polygon": "polygon",
            "line": "line", "polyline": "line"}.get(tag, "shape")
    return f"{color_name(el.get('fill'))} {kind}"


@dataclass
class SvgError:
    category: str
    severity: int
    description: str
    target: str  # data-ve id whose extents give the bbox ("icon" for the whole drawing)
    where: str = ""


SvgMutation = Callable[[etree._Element, Icon, str, random.Random, dict], SvgError | None]
SVG_MUTATIONS: dict[str, tuple[str, SvgMutation]] = {}


def svg_mutation(name: str, category: str):
    def deco(fn: SvgMutation) -> SvgMutation:
        SVG_MUTATIONS[name] = (category, fn)
        return fn
    return deco


def _area_severity(share: float, big: int = 3) -> int:
    return big if share > 0.08 else 2 if share > 0.015 else 1


@svg_mutation("remove_shape", "structure_error")
def remove_shape(root, icon, sid, rng, info):
    el = find(root, sid)
    words = shape_words(el)
    el.getparent().remove(el)
    return SvgError("structure_error", _area_severity(info["share"]), f"The {words} is missing.", sid)


@svg_mutation("move_shape", "structure_error")
def move_shape(root, icon, sid, rng, info):
    el = find(root, sid)
    dx, dy = rng.choice([(3.5, 0), (-3.5, 0), (0, 3.5), (0, -3.5)])
    el.set("transform", f"translate({dx:g} {dy:g}) " + el.get("transform", ""))
    side = {(3.5, 0): "right", (-3.5, 0): "left", (0, 3.5): "down", (0, -3.5): "up"}[(dx, dy)]
    return SvgError("structure_error", 2, f"The {shape_words(el)} is shifted {side} from its place.", sid)


@svg_mutation("scale_shape", "shape_error")
def scale_shape(root, icon, sid, rng, info):
    el = find(root, sid)
    x0, y0, x1, y1 = info["user_box"]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    f = rng.choice([0.55, 1.45])
    el.set("transform", f"translate({cx:.3f} {cy:.3f}) scale({f}) translate({-cx:.3f} {-cy:.3f}) "
           + el.get("transform", ""))
    return SvgError("shape_error", 2, f"The {shape_words(el)} is {'smaller' if f < 1 else 'larger'} than in the "
                    "reference.", sid)


@svg_mutation("extra_shape", "structure_error")
def extra_shape(root, icon, sid, rng, info):
    el = find(root, sid)
    dup = copy.deepcopy(el)
    dup.set("data-ve", "extra")
    dup.set("transform", "translate(8 -8) " + el.get("transform", ""))
    el.addnext(dup)
    return SvgError("structure_error", 2, f"An extra copy of the {shape_words(el)} appears that the reference does not "
                    "have.", "extra")


@svg_mutation("fill_color", "style_error")
def fill_color(root, icon, sid, rng, info):
    el = find(root, sid)
    old = el.get("fill")
    choices = [c for c in SWAP_COLORS if color_name(c) != color_name(old)]
    new = rng.choice(choices)
    el.set("fill", new)
    return SvgError("style_error", 2 if info["share"] > 0.05 else 1, f"The {color_name(old)} "
                    f"{shape_words(el).split()[-1]} is filled {color_name(new)} instead of {color_name(old)}.", sid)


@svg_mutation("stroke", "style_error")
def stroke(root, icon, sid, rng, info):
    el = find(root, sid)
    if el.get("stroke"):
        return None
    el.set("stroke", "#000000")
    el.set("stroke-width", "0.9")
    return SvgError("style_error", 1, f"The {shape_words(el)} has a black outline the reference does not have.", sid)


@svg_mutation("opacity", "style_error")
def opacity(root, icon, sid, rng, info):
    el = find(root, sid)
    el.set("opacity", "0.3")
    return SvgError("style_error", 1 if info["share"] < 0.05 else 2, f"The {shape_words(el)} is faded "
                    "(semi-transparent).", sid)


@svg_mutation("mirror", "structure_error")
def mirror(root, icon, sid, rng, info):
    g = find(root, "icon")
    w = float(root.get("viewBox").split()[2])
    g.set("transform", f"translate({w:g} 0) scale(-1 1)")
    return SvgError("structure_error", 2, "The whole icon is mirrored left-to-right.", "icon")


@svg_mutation("rotate", "structure_error")
def rotate(root, icon, sid, rng, info):
    g = find(root, "icon")
    g.set("transform", "rotate(90 18 18)")
    return SvgError("structure_error", 3, "The whole icon is rotated by 90 degrees.", "icon")


@svg_mutation("squash", "structure_error")
def squash(root, icon, sid, rng, info):
    g = find(root, "icon")
    g.set("transform", "translate(0 6) scale(1 0.66)")
    return SvgError("structure_error", 2, "The icon's proportions are wrong: it is squashed vertically.", "icon")


@svg_mutation("raise_shape", "structure_error")
def raise_shape(root, icon, sid, rng, info):
    el = find(root, sid)
    parent = el.getparent()
    if parent.index(el) == len(parent) - 1:
        return None
    parent.remove(el)
    parent.append(el)
    return SvgError("structure_error", 2, f"The layering is wrong: the {shape_words(el)} is drawn on top of shapes "
                    "that cover it in the reference.", sid)


@svg_mutation("caption_text", "text_symbol_error")
def caption_text(root, icon, sid, rng, info):
    if not icon.caption:
        return None
    t = find(root, "t0")
    words = icon.caption.split()
    if len(words) >= 2:
        k = rng.randrange(len(words))
        dropped = words.pop(k)
        t.text = " ".join(words)
        return SvgError("text_symbol_error", 2, f"The caption reads '{t.text}': the word '{dropped}' is missing.", "t0")
    i = rng.randrange(len(icon.caption))
    t.text = icon.caption[:i] + "X" + icon.caption[i + 1:]
    return SvgError("text_symbol_error", 2, f"The caption reads '{t.text}' instead of '{icon.caption}'.", "t0")


@svg_mutation("caption_missing", "text_symbol_error")
def caption_missing(root, icon, sid, rng, info):
    if not icon.caption:
        return None
    t = find(root, "t0")
    t.set("visibility", "hidden")
    return SvgError("text_symbol_error", 2, f"The caption '{icon.caption}' is missing.", "t0")


@svg_mutation("caption_case", "text_symbol_error")
def caption_case(root, icon, sid, rng, info):
    if not icon.caption:
        return None
    t = find(root, "t0")
    t.text = icon.caption.upper()
    return SvgError("text_symbol_error", 1, f"The caption is written in capitals ('{t.text}').", "t0")


@svg_mutation("extra_symbol", "text_symbol_error")
def extra_symbol(root, icon, sid, rng, info):
    sym = rng.choice(["!", "?", "+", "#"])
    t = etree.SubElement(root, f"{{{SVG_NS}}}text", {"data-ve": "sym", "x": "31", "y": "8", "font-size": "8",
                                                    "font-family": CAPTION_FONT, "font-weight": "bold",
                                                    "fill": "#D32F2F"})
    t.text = sym
    return SvgError("text_symbol_error", 2, f"A stray '{sym}' symbol appears in the top-right corner.", "sym")


def changed_enough(a: np.ndarray, b: np.ndarray, *, min_share: float = 0.002) -> bool:
    if a.shape != b.shape:
        return True
    return float((np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > 40).mean()) >= min_share


# Mutations that transform the whole icon; the others act on one shape (keyed by its id in multi-error candidates).
WHOLE_ICON_MUTATIONS = frozenset({"mirror", "rotate", "squash"})


def apply(icon: Icon, plan: list[tuple[str, str, int]], infos: dict[str, dict], size: int):
    """Apply ``plan`` [(mutation, shape id, rng seed)] to a copy of the icon; return (svg, errors) or None."""
    root = copy.deepcopy(icon.root)
    errs = []
    for name, sid, s in plan:
        e = SVG_MUTATIONS[name][1](root, icon, sid, random.Random(s), infos.get(sid, {}))
        if e is None:
            return None
        errs.append(e)
    return root, errs


def build_svgs(out: Path, config: BuildConfig = BuildConfig(), *, progress: bool = False, size: int = 512
               ) -> dict[str, Any]:
    """Write an SVG benchmark under ``out``; return the manifest.

    Args:
        out: output folder; images go to ``out/images/svg/<reference id>/``.
        config: size, seed (see :class:`BuildConfig`).
        progress: print one line per reference to stderr.
        size: longest side of reference renderings in pixels.
    """
    src = sources.emoji_package()
    icons = list(sources.emoji_svgs(src).items())
    rng = random.Random(config.seed)
    rng.shuffle(icons)
    order = ["structure_error", "shape_error", "style_error", "text_symbol_error"]
    items: list[Item] = []
    ranks: list[dict[str, str]] = []
    n_refs = 0
    for code, text in icons:
        if len(items) >= config.n:
            break
        icon = make_icon(code, text, caption=rng.random() < 0.5)
        if icon is None:
            continue
        ref_id = f"svg-{config.seed}-{n_refs:04d}"
        folder = out / "images" / "svg" / ref_id
        ref_img = render_svg(icon.text(), size=size)
        h, w = ref_img.shape[:2]
        infos = {}
        for sid in icon.shapes:
            box = element_box(icon.root, sid, size)
            if box:
                scale = max(w, h) / max(float(v) for v in icon.root.get("viewBox").split()[2:])
                infos[sid] = {"box": box, "share": (box[2] - box[0]) * (box[3] - box[1]) / (w * h),
                              "user_box": [v / scale for v in box]}
        shapes = [s for s in icon.shapes if s in infos and infos[s]["share"] > 0.004]
        if len(shapes) < 2:
            continue
        rot = n_refs % len(order)
        cats = order[rot:] + order[:rot]
        singles: list[tuple[tuple[str, str, int], Any, np.ndarray]] = []
        names = list(SVG_MUTATIONS)
        rng.shuffle(names)
        for cat in cats * 2:
            if len(singles) >= config.singles:
                break
            for name in [nm for nm in names if SVG_MUTATIONS[nm][0] == cat]:
                if any(p[0][0] == name for p in singles):
                    continue
                sid = rng.choice(shapes)
                step = (name, sid, rng.randrange(1 << 30))
                res = apply(icon, [step], infos, size)
                if res is None:
                    continue
                cand = render_svg(etree.tostring(res[0], encoding="unicode"), size=size)
                if changed_enough(ref_img, cand):
                    singles.append((step, res, cand))
                    break
        if not singles:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(ref_img).save(folder / "ref.png")

        def errors_of(root, errs) -> list[dict[str, Any]]:
            out_errs = []
            for e in errs:
                boxes = [element_box(icon.root, e.target, size) if e.target != "extra" and e.target != "sym" else None,
                         element_box(root, e.target, size)]
                boxes = [b for b in boxes if b]
                bbox = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                        max(b[3] for b in boxes)] if boxes else None
                loc = "whole icon" if e.target == "icon" else "caption" if e.target == "t0" else region(bbox, w, h)
                out_errs.append({"category": e.category, "severity": e.severity, "location": loc,
                                 "description": e.description, "bbox": bbox})
            return out_errs

        ctrl_size = rng.choice([384, 768])
        Image.fromarray(render_svg(icon.text(), size=ctrl_size)).save(folder / "control.png")
        rel = lambda p: str(p.relative_to(out))  # noqa: E731
        group = [Item(f"{ref_id}-control", "svg", rel(folder / "ref.png"), rel(folder / "control.png"), [],
                      source=f"@twemoji/svg@15.0.0/{code}.svg", kind="control", extra={"control_size": ctrl_size})]
        for k, (step, (root, errs), cand) in enumerate(singles):
            Image.fromarray(cand).save(folder / f"single{k}.png")
            group.append(Item(f"{ref_id}-single{k}", "svg", rel(folder / "ref.png"), rel(folder / f"single{k}.png"),
                              errors_of(root, errs), source=group[0].source, kind="single"))
        # Multi-error candidate: the singles together, where they touch different shapes or the icon as a whole once.
        combo, used = [], set()
        for k, (step, _, _) in enumerate(singles):
            key = "icon" if step[0] in WHOLE_ICON_MUTATIONS else step[1]
            if SVG_MUTATIONS[step[0]][0] == "text_symbol_error":
                key = "t0"
            if key not in used:
                used.add(key)
                combo.append(k)
        multi_id = None
        if len(combo) >= 2:
            try:
                res = apply(icon, [singles[k][0] for k in combo], infos, size)
            except StopIteration:  # an earlier step removed the shape a later one edits: no multi candidate here
                res = None
            if res is not None:
                cand = render_svg(etree.tostring(res[0], encoding="unicode"), size=size)
                Image.fromarray(cand).save(folder / "multi.png")
                multi_id = f"{ref_id}-multi"
                group.append(Item(multi_id, "svg", rel(folder / "ref.png"), rel(folder / "multi.png"),
                                  errors_of(*res), source=group[0].source, kind="multi"))
        items.extend(group)
        ranks.extend(rank_pairs(ref_id, group[0].id, [g.id for g in group if g.kind == "single"], multi_id, combo))
        n_refs += 1
        if progress:
            import sys
            print(f"svg {ref_id} {code}: {len(singles)} singles", file=sys.stderr)
    return write_bench(out, "svg", items, ranks, [src.manifest()], config,
                       {"renderer": f"resvg_py, {size} px longest side, white background", "references": n_refs})
