"""Build a small chart dev set from matplotlib's own gallery scripts, with errors injected through code.

Each gallery script is executed (Agg backend) to draw the reference; candidates re-run the same script and then
change the figure through the matplotlib API (data, series, colours, styles, text, axes, layout) before saving.
Equivalent controls save the untouched figure at another dpi, as JPEG, or with other margins. Truth boxes come
from the changed artists' window extents. Output, in VC-RewardBench layout: DATA.jsonl (id, category, gt_img_path,
pred_img_path, human_errors with bbox, control), rank.jsonl ({"better": id, "worse": id}), images/.

    python benchmarks/chart_devset.py --gallery ~/.cache/visual-erm/sdist/matplotlib-3.8.4/galleries/examples \
        --out ~/.cache/visual-erm/devset/chart --limit 40
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from PIL import Image  # noqa: E402

FOLDERS = ("lines_bars_and_markers", "pie_and_polar_charts", "statistics", "subplots_axes_and_figures",
           "text_labels_and_annotations", "scales", "ticks", "showcase", "specialty_plots")
SKIP_WORDS = ("mpl_toolkits", "animation", "widgets", "mpl_connect", "get_sample_data", "projection='3d'",
              'projection="3d"', "imshow", "pcolormesh", "contour", "input(", "plt.pause", "ginput")
DPI = 100


class Timeout(Exception):
    pass


def _alarm(*_):
    raise Timeout()


def run_script(source: str, seed: int = 0):
    """Execute a gallery script; return its single figure or None."""
    plt.close("all")
    np.random.seed(seed)
    random.seed(seed)
    plt.rcdefaults()
    ns = {"__name__": "__gallery__"}
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(8)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, "<gallery>", "exec"), ns)
    finally:
        signal.alarm(0)
    nums = plt.get_fignums()
    if len(nums) != 1:
        return None
    fig = plt.figure(nums[0])
    fig.set_dpi(DPI)
    return fig


def to_image(fig, *, dpi=DPI, fmt="png", **kw) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor=fig.get_facecolor(), **kw)
    buf.seek(0)
    img = Image.open(buf).convert("RGB")
    if fmt == "jpeg":
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=70)
        out.seek(0)
        img = Image.open(out).convert("RGB")
    return np.asarray(img)


def extent_box(fig, artists) -> list[float] | None:
    """Union of the artists' window extents, in image px (origin top-left)."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    h = fig.bbox.height
    boxes = []
    for a in artists:
        try:
            bb = a.get_window_extent(r)
        except Exception:
            continue
        if bb.width <= 0 and bb.height <= 0:
            continue
        boxes.append([bb.x0, h - bb.y1, bb.x1, h - bb.y0])
    if not boxes:
        return None
    b = np.array(boxes)
    W, H = fig.bbox.width, fig.bbox.height
    return [float(max(0, b[:, 0].min())), float(max(0, b[:, 1].min())), float(min(W, b[:, 2].max())), float(min(H, b[:, 3].max()))]


def data_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.name == "rectilinear" and ax.get_label() != "<colorbar>"]


def series_lines(ax):
    return [ln for ln in ax.get_lines() if len(np.atleast_1d(ln.get_ydata())) >= 4 and ln.get_visible()
            and not str(ln.get_label()).startswith("_child")]


def bar_containers(ax):
    return [c for c in ax.containers if isinstance(c, BarContainer) and len(c.patches) >= 2]


# --- injections: fig -> (description, category, severity, artists for the truth box) or None when not applicable ---

def inj_reverse_trend(fig, rng):
    for ax in data_axes(fig):
        for ln in series_lines(ax):
            y = np.asarray(ln.get_ydata(), float)
            if np.ptp(y) > 0:
                before = extent_box(fig, [ln])
                ln.set_ydata(y[::-1])
                return "series values reversed", "data_error", 3, [ln], before
    return None


def inj_partial_values(fig, rng):
    for ax in data_axes(fig):
        for ln in series_lines(ax):
            y = np.asarray(ln.get_ydata(), float)
            if np.ptp(y) > 0:
                before = extent_box(fig, [ln])
                n = len(y)
                y2 = y.copy()
                k0 = n // 2
                y2[k0:] = y2[k0:] + 0.3 * np.ptp(y)
                ln.set_ydata(y2)
                return "second half of a series shifted up", "data_error", 2, [ln], before
    return None


def inj_bar_height(fig, rng):
    for ax in data_axes(fig):
        for c in bar_containers(ax):
            p = c.patches[rng.randrange(len(c.patches))]
            before = extent_box(fig, [p])
            if p.get_height() != 0 and abs(p.get_height()) >= abs(p.get_width()) * 0.2:
                p.set_height(p.get_height() * 1.6)
            else:
                p.set_width(p.get_width() * 1.6)
            return "one bar's value changed", "data_error", 2, [p], before
    return None


def inj_remove_series(fig, rng):
    for ax in data_axes(fig):
        lines = series_lines(ax)
        if len(lines) >= 2:
            ln = lines[-1]
            box = extent_box(fig, [ln])
            ln.remove()
            return "a series removed", "data_error", 3, [], box
        bars = bar_containers(ax)
        if len(bars) >= 2:
            box = extent_box(fig, bars[-1].patches)
            for p in bars[-1].patches:
                p.remove()
            return "a bar series removed", "data_error", 3, [], box
    return None


def inj_add_series(fig, rng):
    for ax in data_axes(fig):
        lines = series_lines(ax)
        if lines:
            ln = lines[0]
            x = np.asarray(ln.get_xdata(), float)
            y = np.asarray(ln.get_ydata(), float)
            lo, hi = ax.get_ylim()
            new = ax.plot(x, lo + (hi - lo) * (0.2 + 0.6 * (np.arange(len(x)) % 3) / 2.0), color="#8c1aff", lw=2)[0]
            ax.set_ylim(lo, hi)
            return "an extra series", "data_error", 2, [new], None
    return None


def inj_color(fig, rng):
    for ax in data_axes(fig):
        lines = series_lines(ax)
        if lines:
            lines[0].set_color("#e6194b" if lines[0].get_color() not in ("r", "red", "#e6194b") else "#3cb44b")
            return "series colour changed", "style_error", 2, [lines[0]], None
        bars = bar_containers(ax)
        if bars:
            for p in bars[0].patches:
                p.set_facecolor("#e6194b")
            return "bar colour changed", "style_error", 2, list(bars[0].patches), None
    return None


def inj_linestyle(fig, rng):
    for ax in data_axes(fig):
        for ln in series_lines(ax):
            if ln.get_linestyle() == "-" and ln.get_linewidth() > 0:
                ln.set_linestyle("--")
                return "line style changed to dashed", "style_error", 1, [ln], None
    return None


def inj_marker(fig, rng):
    for ax in data_axes(fig):
        for ln in series_lines(ax):
            if ln.get_marker() in ("None", None, "", " ") and len(ln.get_xdata()) <= 60:
                ln.set_marker("o")
                return "markers added", "style_error", 1, [ln], None
    return None


def inj_grid(fig, rng):
    axs = data_axes(fig)
    if not axs:
        return None
    ax = axs[0]
    has = any(g.get_visible() for g in ax.get_xgridlines())
    ax.grid(not has)
    return "grid toggled", "style_error", 1, [ax.patch], None


def inj_background(fig, rng):
    axs = data_axes(fig)
    if not axs:
        return None
    axs[0].set_facecolor("#dde6f0")
    return "plot background changed", "style_error", 1, [axs[0].patch], None


def inj_title(fig, rng):
    for ax in data_axes(fig):
        t = ax.title
        if t.get_text().strip():
            before = extent_box(fig, [t])
            t.set_text("Summary of measured values")
            return "title text changed", "text_error", 2, [t], before
    if fig._suptitle is not None and fig._suptitle.get_text().strip():
        fig._suptitle.set_text("Summary of measured values")
        return "title text changed", "text_error", 2, [fig._suptitle], None
    return None


def inj_xlabel(fig, rng):
    for ax in data_axes(fig):
        lab = ax.xaxis.label
        if lab.get_text().strip():
            before = extent_box(fig, [lab])
            lab.set_text("Elapsed time (hours)")
            return "x-axis label changed", "text_error", 2, [lab], before
    return None


def inj_legend(fig, rng):
    for ax in data_axes(fig):
        leg = ax.get_legend()
        if leg is not None:
            box = extent_box(fig, [leg])
            leg.remove()
            return "legend removed", "text_error", 2, [], box
    return None


def inj_ylim(fig, rng):
    for ax in data_axes(fig):
        if ax.get_yscale() == "linear" and ax.get_visible():
            lo, hi = ax.get_ylim()
            ax.set_ylim(lo - 0.6 * (hi - lo), hi + 0.2 * (hi - lo))
            return "y-axis range changed", "data_error", 2, [ax], None
    return None


def inj_logscale(fig, rng):
    for ax in data_axes(fig):
        lines = series_lines(ax)
        ys = [np.asarray(ln.get_ydata(), float) for ln in lines]
        if ys and all(np.all(y > 0) for y in ys) and ax.get_yscale() == "linear":
            ax.set_yscale("log")
            return "y-axis made logarithmic", "data_error", 3, [ax], None
    return None


def inj_invert(fig, rng):
    for ax in data_axes(fig):
        if series_lines(ax) or bar_containers(ax):
            ax.invert_yaxis()
            return "y-axis inverted", "data_error", 3, [ax], None
    return None


def inj_line_to_bar(fig, rng):
    for ax in data_axes(fig):
        lines = series_lines(ax)
        if len(lines) == 1 and len(lines[0].get_xdata()) <= 40 and not bar_containers(ax):
            ln = lines[0]
            x = np.asarray(ln.get_xdata(), float)
            y = np.asarray(ln.get_ydata(), float)
            w = 0.8 * (np.min(np.diff(np.sort(x))) if len(x) > 1 else 1.0)
            color = ln.get_color()
            ln.remove()
            bars = ax.bar(x, y, width=w, color=color)
            return "line chart drawn as bars", "structure_error", 3, list(bars.patches), None
    return None


def inj_drop_subplot(fig, rng):
    axs = data_axes(fig)
    if len(axs) >= 2:
        box = extent_box(fig, [axs[-1]])
        fig.delaxes(axs[-1])
        return "a subplot removed", "structure_error", 3, [], box
    return None


def inj_swap_subplots(fig, rng):
    axs = data_axes(fig)
    if len(axs) >= 2:
        a, b = axs[0], axs[1]
        pa, pb = a.get_position(), b.get_position()
        a.set_position(pb)
        b.set_position(pa)
        return "two subplots swapped", "structure_error", 2, [a, b], None
    return None


def inj_correct_stamp(fig, rng):
    t = fig.text(0.5, 0.5, "CORRECT", fontsize=28, color="green", ha="center", va="center", weight="bold")
    return "'CORRECT' written on the chart", "text_error", 2, [t], None


INJECTIONS = {f.__name__[4:]: f for f in [
    inj_reverse_trend, inj_partial_values, inj_bar_height, inj_remove_series, inj_add_series, inj_color,
    inj_linestyle, inj_marker, inj_grid, inj_background, inj_title, inj_xlabel, inj_legend, inj_ylim, inj_logscale,
    inj_invert, inj_line_to_bar, inj_drop_subplot, inj_swap_subplots, inj_correct_stamp]}

CONTROLS = {
    "dpi72": dict(dpi=72),
    "dpi150": dict(dpi=150),
    "jpeg": dict(fmt="jpeg"),
    "margin": dict(bbox_inches="tight", pad_inches=0.35),
}


def union(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gallery", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--per-ref", type=int, default=5, help="flawed single-error candidates per reference")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    (args.out / "images").mkdir(parents=True, exist_ok=True)
    scripts = []
    for folder in FOLDERS:
        for p in sorted((args.gallery / folder).glob("*.py")):
            src = p.read_text()
            if not any(w in src for w in SKIP_WORDS):
                scripts.append(p)
    rng.shuffle(scripts)
    items, ranks = [], []
    n_refs = 0

    def save(name, img):
        path = args.out / "images" / f"{name}.png"
        Image.fromarray(img).save(path)
        return f"images/{name}.png"

    for script in scripts:
        if n_refs >= args.limit:
            break
        src = script.read_text()
        try:
            fig = run_script(src)
            if fig is None or not data_axes(fig):
                continue
            w, h = fig.get_size_inches()
            if w * h > 60:
                continue
            ref = to_image(fig)
        except BaseException as exc:  # gallery scripts fail in many ways; skip them
            if isinstance(exc, KeyboardInterrupt):
                raise
            continue
        base = script.stem
        gt = save(f"{base}__ref", ref)
        applicable = []
        for name, inj in INJECTIONS.items():
            try:
                fig = run_script(src)
                r = inj(fig, random.Random(rng.random()))
                if r is None:
                    continue
                desc, cat, sev, artists, before = r
                box = union(extent_box(fig, artists) if artists else None, before)
                img = to_image(fig)
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                continue
            if np.array_equal(img, ref):
                continue
            applicable.append((name, desc, cat, sev, box, img))
        if len(applicable) < 2:
            continue
        n_refs += 1
        rng.shuffle(applicable)
        chosen = applicable[:args.per_ref]
        ids_by_sev = []
        for name, desc, cat, sev, box, img in chosen:
            iid = f"{base}__{name}"
            items.append(dict(id=iid, category="chart", gt_img_path=gt, pred_img_path=save(iid, img), control=False,
                              injection=name, human_errors=[dict(category=cat, severity=sev, description=desc,
                                                                 location="", bbox=box)]))
            ids_by_sev.append((iid, sev))
        # a double-error candidate: the first two injections together (worse than either alone)
        (n1, d1, c1, s1, b1, _), (n2, d2, c2, s2, b2, _) = chosen[0], chosen[1]
        try:
            fig = run_script(src)
            r1 = INJECTIONS[n1](fig, random.Random(1))
            r2 = INJECTIONS[n2](fig, random.Random(2))
            if r1 and r2:
                img = to_image(fig)
                iid = f"{base}__{n1}+{n2}"
                items.append(dict(id=iid, category="chart", gt_img_path=gt, pred_img_path=save(iid, img), control=False,
                                  injection=f"{n1}+{n2}", human_errors=[
                                      dict(category=c1, severity=s1, description=d1, location="", bbox=b1),
                                      dict(category=c2, severity=s2, description=d2, location="", bbox=b2)]))
                ranks.append(dict(better=f"{base}__{n1}", worse=iid))
                ranks.append(dict(better=f"{base}__{n2}", worse=iid))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
        ctrl_ids = []
        for cname, kw in CONTROLS.items():
            try:
                fig = run_script(src)
                img = to_image(fig, **kw)
            except BaseException as exc:
                if isinstance(exc, KeyboardInterrupt):
                    raise
                continue
            iid = f"{base}__ctrl_{cname}"
            items.append(dict(id=iid, category="chart", gt_img_path=gt, pred_img_path=save(iid, img), control=True,
                              injection=f"control:{cname}", human_errors=[]))
            ctrl_ids.append(iid)
        for cid in ctrl_ids[:2]:
            for iid, _ in ids_by_sev:
                ranks.append(dict(better=cid, worse=iid))
        for a, sa in ids_by_sev:
            for b, sb in ids_by_sev:
                if sa == 1 and sb == 3:
                    ranks.append(dict(better=a, worse=b))
        print(f"{base}: {len(chosen)} flawed, {len(ctrl_ids)} controls", file=sys.stderr)
    plt.close("all")
    with open(args.out / "DATA.jsonl", "w") as f:
        for it in items:
            f.write(json.dumps(it) + "\n")
    with open(args.out / "rank.jsonl", "w") as f:
        for r in ranks:
            f.write(json.dumps(r) + "\n")
    print(f"{n_refs} references, {len(items)} items, {len(ranks)} rank pairs -> {args.out}")


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    main()
