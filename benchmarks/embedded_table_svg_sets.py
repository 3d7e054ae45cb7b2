"""Build dev sets for the embedded table and SVG judges from real material, with errors injected in data/DOM.

    python benchmarks/embedded_table_svg_sets.py table --csv-dir DIR --out OUT [--n 60]
    python benchmarks/embedded_table_svg_sets.py svg --svg-dir DIR [--sprite FILE] --out OUT [--n 60]

Tables: real CSVs (e.g. the ones scikit-learn and statsmodels ship), a random window of rows and columns rendered as
HTML in Debian chromium with the release CSS; errors are injected in the data or the DOM, never in pixels. SVG: real
emoji (e.g. `npm pack @twemoji/svg`, `@svgmoji/noto` sprites) rendered with resvg; errors injected in the SVG DOM.
Each item: `id`, `category`, `gt_img_path`, `pred_img_path`, `human_errors` (type/category, severity, bbox in
candidate px), `control` (an equivalent rendering), `source`. Truth boxes come from the DOM (tables) or from the
pixel difference of the two renderings (SVG), never from the judge.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import random
import re
from pathlib import Path

import numpy as np
from PIL import Image

CSS = """body{margin:0;padding:12px;background:#fff;font-family:%(font)s;font-size:%(size)spx}
table{border-collapse:collapse}th,td{border:%(border)s;padding:%(pad)s;text-align:left}th{background:%(head)s}
%(zebra)s"""

STYLE_DEFAULT = dict(font="Arial, 'Liberation Sans', sans-serif", size=14, border="1px solid #000", pad="6px 10px",
                     head="#f2f2f2", zebra="")


def _fmt(v) -> str:
    if isinstance(v, float):
        if v != v:
            return ""
        return f"{v:.4g}" if abs(v) < 1e5 else f"{v:.0f}"
    return str(v)


def table_html(header: list[str], rows: list[list[str]], spans: dict | None = None) -> str:
    """HTML for a header row and body rows; ``spans`` maps (row, col) -> colspan for body cells."""
    spans = spans or {}
    out = ["<table><thead><tr>"]
    out += [f"<th data-c='{j}'>{html.escape(h)}</th>" for j, h in enumerate(header)]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        out.append(f"<tr data-r='{i}'>")
        j = 0
        while j < len(row):
            span = spans.get((i, j), 1)
            attr = f" colspan='{span}'" if span > 1 else ""
            out.append(f"<td data-r='{i}' data-c='{j}'{attr}>{html.escape(row[j])}</td>")
            j += span
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


class TableShooter:
    """Screenshots HTML tables in Debian chromium (JavaScript on only to read element boxes for the truth)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        self._pages: dict[float, object] = {}

    def page(self, scale: float):
        if scale not in self._pages:
            ctx = self._browser.new_context(viewport={"width": 1600, "height": 1200}, device_scale_factor=scale)
            ctx.route("**/*", lambda route: route.abort())
            self._pages[scale] = ctx.new_page()
        return self._pages[scale]

    def shoot(self, body: str, *, style: dict | None = None, scale: float = 1.0, mark: str | None = None):
        """PNG array of the table (cropped to the table + 12 px) and the box of the elements matching ``mark``."""
        st = dict(STYLE_DEFAULT, **(style or {}))
        page = self.page(scale)
        page.set_content(f"<html><head><style>{CSS % st}</style></head><body>{body}</body></html>")
        tb = page.eval_on_selector("table", "e=>{const r=e.getBoundingClientRect();return [r.x,r.y,r.right,r.bottom]}")
        boxes = []
        if mark:
            boxes = page.eval_on_selector_all(
                mark, "es=>es.map(e=>{const r=e.getBoundingClientRect();return [r.x,r.y,r.right,r.bottom]})")
        x0, y0 = max(0, tb[0] - 12), max(0, tb[1] - 12)
        clip = {"x": x0, "y": y0, "width": tb[2] - x0 + 12, "height": tb[3] - y0 + 12}
        import io

        img = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB"))
        box = None
        if boxes:
            b = np.array(boxes, dtype=float)
            box = [(b[:, 0].min() - x0) * scale, (b[:, 1].min() - y0) * scale,
                   (b[:, 2].max() - x0) * scale, (b[:, 3].max() - y0) * scale]
        return img, box

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


def _numeric_edit(s: str, rng: random.Random) -> str | None:
    m = list(re.finditer(r"\d", s))
    if not m:
        return None
    kind = rng.choice(["digit", "sign", "decimal"])
    if kind == "sign":
        return s[1:] if s.startswith("-") else "-" + s
    if kind == "decimal" and "." in s:
        i = s.index(".")
        t = s.replace(".", "")
        j = i + rng.choice([-1, 1])
        if 0 < j < len(t):
            return t[:j] + "." + t[j:]
    d = rng.choice(m)
    new = str((int(d.group()) + rng.randint(1, 8)) % 10)
    return s[: d.start()] + new + s[d.end():]


def _text_edit(s: str, rng: random.Random) -> str:
    words = ["Total", "Region", "Value", "Index", "Group", "Name", "Count", "Rate", "Class", "Mean"]
    if rng.random() < 0.5 or len(s) < 4:
        return rng.choice([w for w in words if w.lower() != s.lower()])
    i = rng.randrange(1, len(s))
    return s[:i] + rng.choice("xqzk") + s[i + 1:]


def build_table(csv_dir: Path, out: Path, n: int, seed: int) -> None:
    import pandas as pd

    rng = random.Random(seed)
    frames = []
    for p in sorted(csv_dir.glob("*.csv")):
        try:
            df = pd.read_csv(p)
        except Exception:
            continue
        if df.shape[0] >= 6 and df.shape[1] >= 3:
            frames.append((p.stem, df))
    (out / "img").mkdir(parents=True, exist_ok=True)
    shooter = TableShooter()
    items = []
    try:
        for k in range(n):
            name, df = rng.choice(frames)
            nc = rng.randint(3, min(6, df.shape[1]))
            c0 = rng.randint(0, df.shape[1] - nc)
            nr = rng.randint(4, min(10, df.shape[0]))
            r0 = rng.randint(0, df.shape[0] - nr)
            sub = df.iloc[r0:r0 + nr, c0:c0 + nc]
            header = [str(c)[:18] for c in sub.columns]
            rows = [[_fmt(v)[:18] for v in row] for row in sub.itertuples(index=False)]
            ref, _ = shooter.shoot(table_html(header, rows))
            rid = f"t{k:03d}"
            Image.fromarray(ref).save(out / "img" / f"{rid}_ref.png")
            cands = _table_candidates(header, rows, rng)
            for j, (label, body, style, scale, mark, errs, control) in enumerate(cands):
                img, box = shooter.shoot(body, style=style, scale=scale, mark=mark)
                cid = f"{rid}_{j}_{label}"
                Image.fromarray(img).save(out / "img" / f"{cid}.png")
                for e in errs:
                    e["bbox"] = [round(v, 1) for v in box] if box else None
                items.append({"id": cid, "group": rid, "category": "table", "gt_img_path": f"img/{rid}_ref.png",
                              "pred_img_path": f"img/{cid}.png", "human_errors": errs, "control": control,
                              "source": name, "injection": label})
    finally:
        shooter.close()
    _write(out, items)


def _table_candidates(header, rows, rng):
    """(label, html, style, scale, truth selector, errors, control) for one reference table."""
    nr, nc = len(rows), len(header)
    H = lambda h=header, r=rows, s=None: table_html(h, r, s)  # noqa: E731
    out = []
    control = rng.choice(["scale", "font", "padding", "zebra"])
    style = {"font": dict(font="'DejaVu Serif', serif"), "padding": dict(pad="3px 16px"),
             "zebra": dict(zebra="tbody tr:nth-child(even){background:#e8eef8}", head="#d0e0ff"), "scale": None}[control]
    out.append((f"ctl_{control}", H(), style, 1.5 if control == "scale" else 1.0, None, [], True))
    numeric = [(i, j) for i in range(nr) for j in range(nc) if re.search(r"\d", rows[i][j])]
    textual = [(i, j) for i in range(nr) for j in range(nc) if rows[i][j] and not re.search(r"\d", rows[i][j])]
    kinds = ["drop_row", "drop_col", "swap_cols", "number", "header", "merge", "dup_row", "number2"]
    if textual:
        kinds.append("cell_text")
    for kind in rng.sample(kinds, 3):
        r2 = [list(r) for r in rows]
        if kind == "drop_row":
            i = rng.randrange(nr)
            del r2[i]
            mark = f"tr[data-r='{min(i + 1, nr - 1)}']" if i < nr - 1 else f"tr[data-r='{i - 1}']"
            out.append((kind, H(r=r2), None, 1.0, mark, [dict(type="layout_error", severity=2)], False))
        elif kind == "dup_row":
            i = rng.randrange(nr)
            r2.insert(i + 1, list(r2[i]))
            out.append((kind, H(r=r2), None, 1.0, f"tr[data-r='{i + 1}']", [dict(type="layout_error", severity=2)], False))
        elif kind == "drop_col":
            j = rng.randrange(nc)
            h2 = header[:j] + header[j + 1:]
            r2 = [r[:j] + r[j + 1:] for r in r2]
            mark = f"[data-c='{min(j, nc - 2)}']"
            out.append((kind, H(h=h2, r=r2), None, 1.0, mark, [dict(type="layout_error", severity=3)], False))
        elif kind == "swap_cols":
            j = rng.randrange(nc - 1)
            perm = list(range(nc))
            perm[j], perm[j + 1] = perm[j + 1], perm[j]
            h2 = [header[p] for p in perm]
            r2 = [[r[p] for p in perm] for r in r2]
            out.append((kind, H(h=h2, r=r2), None, 1.0, f"[data-c='{j}'],[data-c='{j + 1}']",
                        [dict(type="layout_error", severity=2)], False))
        elif kind in ("number", "number2") and numeric:
            picks = rng.sample(numeric, min(len(numeric), 1 if kind == "number" else 2))
            errs, marks = [], []
            for i, j in picks:
                new = _numeric_edit(r2[i][j], rng)
                if new and new != r2[i][j]:
                    r2[i][j] = new
                    errs.append(dict(type="numeric_error", severity=2))
                    marks.append(f"td[data-r='{i}'][data-c='{j}']")
            if errs:
                out.append((kind, H(r=r2), None, 1.0, ",".join(marks), errs, False))
        elif kind == "header":
            j = rng.randrange(nc)
            h2 = list(header)
            h2[j] = _text_edit(h2[j], rng)
            out.append((kind, H(h=h2), None, 1.0, f"th[data-c='{j}']", [dict(type="text_error", severity=2)], False))
        elif kind == "cell_text":
            i, j = rng.choice(textual)
            r2[i][j] = _text_edit(r2[i][j], rng)
            out.append((kind, H(r=r2), None, 1.0, f"td[data-r='{i}'][data-c='{j}']",
                        [dict(type="text_error", severity=1)], False))
        elif kind == "merge":
            i = rng.randrange(nr)
            j = rng.randrange(nc - 1)
            r2[i][j] = r2[i][j]
            out.append((kind, H(r=r2, s={(i, j): 2}), None, 1.0, f"td[data-r='{i}'][data-c='{j}']",
                        [dict(type="layout_error", severity=2)], False))
    return out


# ---------------------------------------------------------------- SVG

SVGNS = "http://www.w3.org/2000/svg"


def _load_svgs(svg_dir: Path | None, sprite: Path | None, rng: random.Random, n: int) -> list[tuple[str, str]]:
    from lxml import etree

    pool: list[tuple[str, str]] = []
    if svg_dir:
        files = sorted(svg_dir.glob("*.svg"))
        for p in rng.sample(files, min(len(files), n * 2)):
            pool.append((p.stem, p.read_text()))
    if sprite:
        root = etree.fromstring(sprite.read_bytes(), etree.XMLParser(huge_tree=True))
        subs = [e for e in root if e.tag == f"{{{SVGNS}}}svg"]
        for e in rng.sample(subs, min(len(subs), n * 2)):
            e = copy.deepcopy(e)
            e.set("width", "128")
            e.set("height", "128")
            pool.append(("noto_" + e.get("id", "x"), etree.tostring(e, encoding="unicode")))
    rng.shuffle(pool)
    return pool


def render_svg(text: str, size: int) -> np.ndarray:
    import io

    import resvg_py

    png = resvg_py.svg_to_bytes(svg_string=text, width=size, height=size, dpi=96)
    im = Image.open(io.BytesIO(bytes(png))).convert("RGBA")
    bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
    bg.alpha_composite(im)
    return np.asarray(bg.convert("RGB"))


def _svg_candidates(text: str, rng: random.Random):
    """(label, svg text, errors, control, size) injected in the DOM."""
    from lxml import etree

    root = etree.fromstring(text.encode())
    shapes = [e for e in root.iter() if isinstance(e.tag, str) and e.tag.split("}")[-1] in
              ("path", "circle", "ellipse", "rect", "polygon", "g")
              and not any(a.tag.split("}")[-1] in ("defs", "clipPath", "mask", "linearGradient", "radialGradient")
                          for a in e.iterancestors())]
    leaves = [e for e in shapes if e.tag.split("}")[-1] != "g"]
    out = [("ctl_resolution", text, [], True, 512)]
    if len(leaves) < 2:
        return out
    kinds = rng.sample(["remove", "fill", "scale", "move", "stroke", "remove2"], 3)
    for kind in kinds:
        r = etree.fromstring(text.encode())
        els = [e for e in r.iter() if isinstance(e.tag, str) and e.tag.split("}")[-1] in
               ("path", "circle", "ellipse", "rect", "polygon")
               and not any(a.tag.split("}")[-1] in ("defs", "clipPath", "mask") for a in e.iterancestors())]
        if len(els) < 2:
            continue
        el = rng.choice(els[1:]) if len(els) > 2 else els[-1]
        if kind in ("remove", "remove2"):
            victims = [el] if kind == "remove" else rng.sample(els[1:], min(2, len(els) - 1))
            for v in victims:
                v.getparent().remove(v)
            errs = [dict(category="structure_error", severity=2) for _ in victims]
        elif kind == "fill":
            el.set("fill", "#%06x" % rng.randrange(0xFFFFFF))
            el.attrib.pop("style", None)
            errs = [dict(category="style_error", severity=2)]
        elif kind == "scale":
            s = rng.choice([0.6, 0.75, 1.3, 1.5])
            c = _element_centre(r, el)
            if c is None:
                continue
            # scale about the element's own centre so that the part stays in place
            t = f"translate({c[0]:.3f},{c[1]:.3f}) scale({s}) translate({-c[0]:.3f},{-c[1]:.3f})"
            el.set("transform", (t + " " + el.get("transform", "")).strip())
            errs = [dict(category="shape_error", severity=2)]
        elif kind == "move":
            vb = [float(v) for v in (r.get("viewBox") or "0 0 36 36").split()]
            d = vb[2] * rng.choice([0.08, 0.12, -0.1, -0.15])
            el.set("transform", (f"translate({d:.2f},{d * rng.choice([0, 1, -0.5]):.2f}) " + el.get("transform", "")).strip())
            errs = [dict(category="structure_error", severity=2)]
        elif kind == "stroke":
            vb = [float(v) for v in (r.get("viewBox") or "0 0 36 36").split()]
            el.set("stroke", "#000000" if rng.random() < 0.5 else el.get("fill", "#333333"))
            el.set("stroke-width", f"{vb[2] * 0.03:.2f}")
            errs = [dict(category="style_error", severity=1)]
        out.append((kind, etree.tostring(r, encoding="unicode"), errs, False, 336))
    return out


def _element_centre(root, el, size: int = 256) -> tuple[float, float] | None:
    """Centre of ``el`` in viewBox units, found by rendering it alone (the DOM has no geometry engine)."""
    from lxml import etree

    r = copy.deepcopy(root)
    path = root.getroottree().getpath(el)
    keep = r.getroottree().xpath(path)[0] if path else None
    for e in list(r.iter()):
        if e is keep or not isinstance(e.tag, str):
            continue
        if e.tag.split("}")[-1] in ("path", "circle", "ellipse", "rect", "polygon", "text", "line", "polyline") \
                and not any(a is keep for a in e.iterancestors()):
            e.getparent().remove(e)
    img = render_svg(etree.tostring(r, encoding="unicode"), size)
    ys, xs = np.nonzero(img.min(axis=2) < 250)
    if len(xs) == 0:
        return None
    vb = [float(v) for v in (root.get("viewBox") or f"0 0 {size} {size}").replace(",", " ").split()]
    cx = (xs.min() + xs.max() + 1) / 2 / size * vb[2] + vb[0]
    cy = (ys.min() + ys.max() + 1) / 2 / size * vb[3] + vb[1]
    return cx, cy


def build_svg(svg_dir: Path | None, sprite: Path | None, out: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    (out / "img").mkdir(parents=True, exist_ok=True)
    items = []
    k = 0
    for name, text in _load_svgs(svg_dir, sprite, rng, n):
        if k >= n:
            break
        try:
            ref = render_svg(text, 336)
        except Exception:
            continue
        rid = f"s{k:03d}"
        k += 1
        Image.fromarray(ref).save(out / "img" / f"{rid}_ref.png")
        for j, (label, svg, errs, control, size) in enumerate(_svg_candidates(text, rng)):
            try:
                img = render_svg(svg, size)
            except Exception:
                continue
            if not control:
                diff = np.abs(img.astype(int) - ref.astype(int)).max(axis=2) > 40
                if diff.sum() < 30:  # the injection was invisible (hidden part): not a flawed candidate
                    continue
                ys, xs = np.nonzero(diff)
                for e in errs:
                    e["bbox"] = [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]
            cid = f"{rid}_{j}_{label}"
            Image.fromarray(img).save(out / "img" / f"{cid}.png")
            items.append({"id": cid, "group": rid, "category": "svg", "gt_img_path": f"img/{rid}_ref.png",
                          "pred_img_path": f"img/{cid}.png", "human_errors": errs, "control": control,
                          "source": name, "injection": label})
    _write(out, items)


def _write(out: Path, items: list[dict]) -> None:
    with open(out / "items.jsonl", "w") as f:
        for it in items:
            f.write(json.dumps(it) + "\n")
    print(f"{len(items)} items -> {out / 'items.jsonl'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=["table", "svg"])
    ap.add_argument("--csv-dir", type=Path)
    ap.add_argument("--svg-dir", type=Path)
    ap.add_argument("--sprite", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.task == "table":
        build_table(a.csv_dir, a.out, a.n, a.seed)
    else:
        build_svg(a.svg_dir, a.sprite, a.out, a.n, a.seed)


if __name__ == "__main__":
    main()
