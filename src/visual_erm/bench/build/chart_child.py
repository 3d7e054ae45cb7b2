"""Child process of the chart builder: run one gallery script, inject errors through the figure's artists.

Run as ``python -m visual_erm.bench.build.chart_child`` with a JSON job on stdin; prints one JSON line. The
script is executed afresh for every variant (same seed), the layout is frozen after the first draw so that a
change to one artist cannot move the others, and every error's bbox comes from the artists' window extents
(display coordinates == pixels of the saved PNG, y flipped, because the PNG is saved at the figure's dpi).
"""

from __future__ import annotations

import json
import os
import random
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

plt.show = lambda *a, **k: None  # gallery scripts end with plt.show()

Box = list[float]

WORD_SWAPS = {"sin": "cos", "cos": "sin", "time": "date", "Time": "Date", "x": "t", "y": "z", "Year": "Month",
              "year": "month", "value": "count", "Value": "Count", "left": "right", "right": "left", "top": "bottom"}
ALT_COLORS = ["#e6194b", "#3cb44b", "#911eb4", "#f58231", "#008080", "#000075", "#808000"]


@dataclass
class Applied:
    """An injected error: its Visual-ERM fields and the artists whose extents make its bbox."""

    category: str
    severity: int
    location: str
    description: str
    boxes: list[Box] = field(default_factory=list)
    after: list[Any] = field(default_factory=list)


def run_script(code: str, seed: int):
    """Execute a gallery script and return its first figure with the layout frozen (or None)."""
    plt.close("all")
    np.random.seed(seed)
    random.seed(seed)
    matplotlib.rcdefaults()
    matplotlib.rcParams.update({"figure.dpi": 100, "savefig.dpi": "figure"})
    glb = {"__name__": "__main__", "__file__": "example.py"}
    exec(compile(code, "example.py", "exec"), glb)  # trusted gallery code, inside a child with a timeout
    nums = plt.get_fignums()
    if not nums:
        return None
    fig = plt.figure(nums[0])
    fig.canvas.draw()
    try:
        fig.set_layout_engine("none")
    except Exception:  # some engines refuse to be swapped once colorbars exist; keep them
        pass
    return fig


def save(fig, path: str, dpi: float | None = None) -> tuple[int, int]:
    fig.savefig(path, dpi=dpi or fig.dpi, facecolor=fig.get_facecolor())
    w, h = fig.canvas.get_width_height()
    return w, h


def pixel_box(bbox, fig) -> Box | None:
    """A display-space Bbox as ``[x0, y0, x1, y1]`` pixels of the saved PNG (y down), clipped to the canvas."""
    w, h = fig.bbox.width, fig.bbox.height
    x0, x1 = sorted((bbox.x0, bbox.x1))
    y0, y1 = sorted((h - bbox.y1, h - bbox.y0))
    x0, y0, x1, y1 = max(0.0, x0), max(0.0, y0), min(w, x1), min(h, y1)
    if not np.all(np.isfinite([x0, y0, x1, y1])) or x1 - x0 < 1 or y1 - y0 < 1:
        return None
    return [round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)]


def extent(artist, fig) -> Box | None:
    r = fig.canvas.get_renderer()
    try:
        bb = artist.get_tightbbox(r) if hasattr(artist, "get_tightbbox") else artist.get_window_extent(r)
        if bb is None:
            bb = artist.get_window_extent(r)
    except Exception:
        return None
    return pixel_box(bb, fig)


def union(boxes: list[Box | None]) -> Box | None:
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


# ---- what the figure holds ---------------------------------------------------------------------------------------

def data_axes(fig) -> list:
    """Axes that carry plotted content (colorbars and empty axes excluded), in figure order."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible() or ax.name != "rectilinear" or getattr(ax, "_colorbar", None) is not None:
            continue
        if ax.get_label() == "<colorbar>":
            continue
        if ax.lines or ax.patches or ax.collections or ax.images or ax.texts:
            out.append(ax)
    return out


def where(fig, ax) -> str:
    axes = data_axes(fig)
    if len(axes) <= 1:
        return "main plot"
    title = ax.get_title()
    spec = ax.get_subplotspec() if hasattr(ax, "get_subplotspec") else None
    if spec is not None:
        rs, cs = spec.rowspan, spec.colspan
        pos = f"subplot at row {rs.start + 1}, column {cs.start + 1}"
    else:
        pos = f"subplot {axes.index(ax) + 1}"
    return f'{pos} ("{title}")' if title else pos


def data_lines(ax) -> list[Line2D]:
    """Visible, drawn lines with at least five finite, non-constant numeric points (gridlines are not in ax.lines)."""
    out = []
    for ln in ax.lines:
        if not (ln.get_visible() and _numeric(ln)) or ln.get_linestyle() in ("None", "", " "):
            continue
        y = np.asarray(ln.get_ydata(), float)
        if y.ndim == 1 and y.size >= 5 and np.isfinite(y).all() and np.ptp(y) > 0:
            out.append(ln)
    return out


def _numeric(ln) -> bool:
    try:
        np.asarray(ln.get_xdata(), float)
        np.asarray(ln.get_ydata(), float)
        return True
    except (TypeError, ValueError):
        return False


def bar_containers(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer) and len(c.patches) >= 2
            and all(p.get_visible() for p in c.patches)]


def scatters(ax) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets()) >= 5]


def alter_text(text: str, rng: random.Random) -> tuple[str, str]:
    """A wrong version of ``text`` and how it is wrong: a swapped word, else a dropped word, else a typo."""
    words = text.split()
    for i, w in enumerate(words):
        core = w.strip("$(),.:")
        if core in WORD_SWAPS:
            words[i] = w.replace(core, WORD_SWAPS[core])
            return " ".join(words), f"word '{core}' replaced by '{WORD_SWAPS[core]}'"
    if len(words) >= 3:
        k = rng.randrange(len(words))
        dropped = words.pop(k)
        return " ".join(words), f"word '{dropped}' missing"
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters:
        return text + " (2)", "extra characters appended"
    i = rng.choice(letters)
    c = text[i]
    new = "q" if c.lower() != "q" else "z"
    return text[:i] + new + text[i + 1:], f"typo ('{c}' written as '{new}')"


# ---- mutations: each returns Applied or None when it does not apply to this target -------------------------------
# Targets are (axes index, artist index); enumeration is deterministic so a re-executed script finds the same one.

Mutation = Callable[[Any, int, int, random.Random], Applied | None]
MUTATIONS: dict[str, tuple[str, Mutation]] = {}


def mutation(name: str, scope: str = "artist"):
    def deco(fn: Mutation) -> Mutation:
        MUTATIONS[name] = (scope, fn)
        return fn
    return deco


def _ax(fig, i):
    axes = data_axes(fig)
    return axes[i] if i < len(axes) else None


@mutation("remove_subplot", scope="axes")
def remove_subplot(fig, i, j, rng):
    axes = data_axes(fig)
    if len(axes) < 2 or j != 0:
        return None
    ax = axes[i]
    box = extent(ax, fig)
    loc = where(fig, ax)
    fig.delaxes(ax)
    return Applied("structure_error", 3, loc, f"The {loc} is missing from the figure.", [box])


@mutation("swap_subplots", scope="axes")
def swap_subplots(fig, i, j, rng):
    axes = data_axes(fig)
    if len(axes) < 2 or j != 0 or i + 1 >= len(axes):
        return None
    a, b = axes[i], axes[i + 1]
    boxes = [extent(a, fig), extent(b, fig)]
    la, lb = where(fig, a), where(fig, b)
    pa, pb = a.get_position(), b.get_position()
    a.set_position(pb)
    b.set_position(pa)
    return Applied("structure_error", 2, f"{la} and {lb}",
                   f"The {la} and the {lb} appear in each other's place.", boxes, [a, b])


@mutation("line_to_scatter", scope="axes")
def line_to_scatter(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j != 0 or not lines:
        return None
    boxes = [extent(ln, fig) for ln in lines]
    for ln in lines:
        ln.set_linestyle("None")
        ln.set_marker("o")
        ln.set_markersize(3)
    loc = where(fig, ax)
    return Applied("structure_error", 3, loc, f"The {loc} is drawn as a scatter plot of points instead of lines.",
                   boxes, list(lines))


@mutation("bars_to_line", scope="axes")
def bars_to_line(fig, i, j, rng):
    ax = _ax(fig, i)
    conts = bar_containers(ax) if ax else []
    if j != 0 or not conts:
        return None
    c = conts[0]
    boxes = [extent(p, fig) for p in c.patches]
    xs, ys = [], []
    for p in c.patches:
        x, y, w, h = p.get_x(), p.get_y(), p.get_width(), p.get_height()
        vertical = abs(w) <= abs(h) or c.orientation == "vertical"
        xs.append(x + w / 2 if vertical else x + w)
        ys.append(y + h if vertical else y + h / 2)
        p.set_visible(False)
    (ln,) = ax.plot(xs, ys, color=c.patches[0].get_facecolor(), marker="o")
    loc = where(fig, ax)
    return Applied("structure_error", 3, loc, f"The bar series in the {loc} is drawn as a line chart instead of bars.",
                   boxes, [ln])


@mutation("scale_series")
def scale_series(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j >= len(lines):
        return None
    ln = lines[j]
    y = np.asarray(ln.get_ydata(), float)
    before = extent(ln, fig)
    factor = rng.choice([0.5, 0.6, 1.5, 1.7])
    ln.set_ydata(y.mean() + (y - y.mean()) * factor)
    label = ln.get_label()
    name = f"series '{label}'" if label and not label.startswith("_") else f"line {j + 1}"
    loc = f"{where(fig, ax)}, {name}"
    word = "larger" if factor > 1 else "smaller"
    return Applied("data_error", 2, loc, f"The values of {name} swing {word} than in the reference "
                   f"(amplitude x{factor}).", [before], [ln])


@mutation("reverse_trend")
def reverse_trend(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j >= len(lines):
        return None
    ln = lines[j]
    x, y = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
    if x.size != y.size or np.ptp(x) == 0 or abs(np.corrcoef(x, y)[0, 1]) < 0.5:
        return None
    before = extent(ln, fig)
    ln.set_ydata(y[::-1])
    label = ln.get_label()
    name = f"series '{label}'" if label and not label.startswith("_") else f"line {j + 1}"
    return Applied("data_error", 3, f"{where(fig, ax)}, {name}",
                   f"The trend of {name} is reversed: it falls where the reference rises (or vice versa).",
                   [before], [ln])


@mutation("remove_series")
def remove_series(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if len(lines) < 2 or j >= len(lines):
        return None
    ln = lines[j]
    box = extent(ln, fig)
    label = ln.get_label()
    name = f"series '{label}'" if label and not label.startswith("_") else f"line {j + 1}"
    ln.remove()
    return Applied("data_error", 3, f"{where(fig, ax)}, {name}", f"The {name} is missing from the plot.", [box])


@mutation("extra_series")
def extra_series(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j != 0 or not lines:
        return None
    ln = lines[0]
    x, y = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
    lo, hi = ax.get_ylim()
    new_y = y.mean() + (y[::-1] - y.mean()) * 0.6 + 0.15 * (hi - lo)
    (extra,) = ax.plot(x, new_y, color=rng.choice(ALT_COLORS), linestyle="--", linewidth=1.5)
    return Applied("data_error", 3, where(fig, ax), "An extra data series (dashed line) appears that is not in the "
                   "reference.", [], [extra])


@mutation("bar_value")
def bar_value(fig, i, j, rng):
    ax = _ax(fig, i)
    conts = bar_containers(ax) if ax else []
    if not conts:
        return None
    patches = conts[0].patches
    if j >= len(patches):
        return None
    p = patches[j]
    before = extent(p, fig)
    factor = rng.choice([0.4, 0.6, 1.5])
    vertical = conts[0].orientation == "vertical"
    if vertical:
        p.set_height(p.get_height() * factor)
    else:
        p.set_width(p.get_width() * factor)
    return Applied("data_error", 2, f"{where(fig, ax)}, bar {j + 1}",
                   f"Bar {j + 1} has the wrong value ({'taller' if (factor > 1) == vertical else 'shorter'} "
                   f"than in the reference).", [before], [p])


@mutation("axis_range", scope="axes")
def axis_range(fig, i, j, rng):
    ax = _ax(fig, i)
    if ax is None or j != 0 or ax.get_yscale() != "linear":
        return None
    box = extent(ax, fig)
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, lo + (hi - lo) * 0.7)
    return Applied("data_error", 2, f"{where(fig, ax)}, y-axis", "The y-axis range is too narrow: the upper part of "
                   "the data is cut off.", [box], [ax])


@mutation("axis_scale", scope="axes")
def axis_scale(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j != 0 or not lines or ax.get_yscale() != "linear":
        return None
    if any(np.asarray(ln.get_ydata(), float).min() <= 0 for ln in lines) or ax.get_ylim()[0] <= 0:
        return None
    box = extent(ax, fig)
    ax.set_yscale("log")
    return Applied("data_error", 3, f"{where(fig, ax)}, y-axis", "The y-axis uses a logarithmic scale instead of a "
                   "linear one.", [box], [ax])


@mutation("invert_axis", scope="axes")
def invert_axis(fig, i, j, rng):
    ax = _ax(fig, i)
    if ax is None or j != 0 or not (ax.lines or ax.patches or ax.collections):
        return None
    box = extent(ax, fig)
    ax.invert_yaxis()
    return Applied("data_error", 3, f"{where(fig, ax)}, y-axis", "The y-axis is inverted (values increase "
                   "downwards).", [box], [ax])


@mutation("scatter_points")
def scatter_points(fig, i, j, rng):
    ax = _ax(fig, i)
    sc = scatters(ax) if ax else []
    if j >= len(sc):
        return None
    c = sc[j]
    before = extent(c, fig)
    off = np.asarray(c.get_offsets(), float).copy()
    n = max(3, len(off) // 4)
    idx = np.random.default_rng(rng.randrange(1 << 30)).choice(len(off), n, replace=False)
    lo, hi = ax.get_ylim()
    off[idx, 1] = off[idx, 1] + (hi - lo) * 0.25 * np.sign(rng.random() - 0.5)
    c.set_offsets(off)
    return Applied("data_error", 2, where(fig, ax), f"{n} of the scatter points sit at different y values than in "
                   "the reference.", [before], [c])


def _text_mutation(fig, ax, txt, what: str, rng, *, remove: bool):
    text = txt.get_text()
    if not text.strip() or not txt.get_visible():
        return None
    box = extent(txt, fig)
    loc = f"{where(fig, ax)}, {what}" if ax is not None else what
    if remove:
        txt.set_visible(False)
        return Applied("text_error", 2, loc, f"The {what} '{text}' is missing.", [box])
    new, how = alter_text(text, rng)
    txt.set_text(new)
    return Applied("text_error", 2, loc, f"The {what} reads '{new}' instead of '{text}' ({how}).", [box], [txt])


@mutation("title_text")
def title_text(fig, i, j, rng):
    ax = _ax(fig, i)
    return _text_mutation(fig, ax, ax.title, "title", rng, remove=j == 1) if ax is not None and j < 2 else None


@mutation("suptitle_text")
def suptitle_text(fig, i, j, rng):
    sup = getattr(fig, "_suptitle", None)
    if sup is None or i != 0 or j != 0:
        return None
    return _text_mutation(fig, None, sup, "figure title", rng, remove=False)


@mutation("xlabel_text")
def xlabel_text(fig, i, j, rng):
    ax = _ax(fig, i)
    return _text_mutation(fig, ax, ax.xaxis.label, "x-axis label", rng, remove=j == 1) \
        if ax is not None and j < 2 else None


@mutation("ylabel_text")
def ylabel_text(fig, i, j, rng):
    ax = _ax(fig, i)
    return _text_mutation(fig, ax, ax.yaxis.label, "y-axis label", rng, remove=j == 1) \
        if ax is not None and j < 2 else None


@mutation("annotation_text")
def annotation_text(fig, i, j, rng):
    ax = _ax(fig, i)
    texts = [t for t in ax.texts if t.get_text().strip() and t.get_visible()] if ax else []
    if j >= min(len(texts), 3):
        return None
    return _text_mutation(fig, ax, texts[j], "annotation", rng, remove=rng.random() < 0.3)


@mutation("legend_text")
def legend_text(fig, i, j, rng):
    ax = _ax(fig, i)
    leg = ax.get_legend() if ax else None
    if leg is None or not leg.get_visible():
        return None
    texts = [t for t in leg.get_texts() if t.get_text().strip()]
    if j > len(texts):
        return None
    if j == len(texts):
        box = extent(leg, fig)
        leg.set_visible(False)
        return Applied("text_error", 2, f"{where(fig, ax)}, legend", "The legend is missing.", [box])
    return _text_mutation(fig, ax, texts[j], "legend entry", rng, remove=False)


@mutation("tick_rotation", scope="axes")
def tick_rotation(fig, i, j, rng):
    ax = _ax(fig, i)
    if ax is None or j != 0:
        return None
    labels = [t for t in ax.get_xticklabels() if t.get_text().strip() and t.get_visible()]
    if len(labels) < 2:
        return None
    boxes = [extent(t, fig) for t in labels]
    for t in labels:
        t.set_rotation(45)
        t.set_horizontalalignment("right")
    return Applied("text_error", 1, f"{where(fig, ax)}, x-axis tick labels", "The x tick labels are rotated by 45 "
                   "degrees instead of horizontal.", boxes, labels)


@mutation("title_size")
def title_size(fig, i, j, rng):
    ax = _ax(fig, i)
    if ax is None or j != 0 or not ax.get_title().strip():
        return None
    box = extent(ax.title, fig)
    ax.title.set_fontsize(ax.title.get_fontsize() * 1.8)
    return Applied("text_error", 1, f"{where(fig, ax)}, title", "The title font is much larger than in the "
                   "reference.", [box], [ax.title])


@mutation("line_color")
def line_color(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j >= len(lines):
        return None
    ln = lines[j]
    old = matplotlib.colors.to_hex(ln.get_color())
    new = next(c for c in rng.sample(ALT_COLORS, len(ALT_COLORS)) if c != old)
    ln.set_color(new)
    sev = 2 if len(lines) > 1 else 1
    return Applied("style_error", sev, f"{where(fig, ax)}, line {j + 1}", f"Line {j + 1} is drawn in {new} instead "
                   f"of {old}" + (" , which makes the series hard to tell apart." if sev == 2 else "."),
                   [extent(ln, fig)], [ln])


@mutation("line_style")
def line_style(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j >= len(lines) or lines[j].get_linestyle() not in ("-", "solid"):
        return None
    ln = lines[j]
    ln.set_linestyle(rng.choice(["--", ":"]))
    return Applied("style_error", 1, f"{where(fig, ax)}, line {j + 1}", f"Line {j + 1} is dashed/dotted instead of "
                   "solid.", [extent(ln, fig)], [ln])


@mutation("line_marker")
def line_marker(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j >= len(lines) or lines[j].get_marker() not in ("None", None, "", " ") or len(lines[j].get_xdata()) > 60:
        return None
    ln = lines[j]
    ln.set_marker(rng.choice(["o", "s", "^"]))
    return Applied("style_error", 1, f"{where(fig, ax)}, line {j + 1}", f"Line {j + 1} shows point markers that the "
                   "reference does not have.", [extent(ln, fig)], [ln])


@mutation("line_width")
def line_width(fig, i, j, rng):
    ax = _ax(fig, i)
    lines = data_lines(ax) if ax else []
    if j >= len(lines):
        return None
    ln = lines[j]
    ln.set_linewidth(ln.get_linewidth() * 3.5)
    return Applied("style_error", 1, f"{where(fig, ax)}, line {j + 1}", f"Line {j + 1} is much thicker than in the "
                   "reference.", [extent(ln, fig)], [ln])


@mutation("bar_color")
def bar_color(fig, i, j, rng):
    ax = _ax(fig, i)
    conts = bar_containers(ax) if ax else []
    if j >= len(conts):
        return None
    new = rng.choice(ALT_COLORS)
    for p in conts[j].patches:
        p.set_facecolor(new)
    sev = 2 if len(conts) > 1 else 1
    return Applied("style_error", sev, f"{where(fig, ax)}, bar series {j + 1}", f"The bars of series {j + 1} are "
                   f"coloured {new} instead of the reference colour.", [], list(conts[j].patches))


@mutation("scatter_color")
def scatter_color(fig, i, j, rng):
    ax = _ax(fig, i)
    sc = scatters(ax) if ax else []
    if j >= len(sc):
        return None
    new = rng.choice(ALT_COLORS)
    sc[j].set_facecolor(new)
    sc[j].set_array(None)
    return Applied("style_error", 1, where(fig, ax), f"The scatter markers are coloured {new} instead of the "
                   "reference colours.", [], [sc[j]])


@mutation("colormap")
def colormap(fig, i, j, rng):
    ax = _ax(fig, i)
    ims = [im for im in (ax.images if ax else []) if isinstance(im, AxesImage) and im.get_array() is not None
           and np.asarray(im.get_array()).ndim == 2]
    if j >= len(ims):
        return None
    old = ims[j].get_cmap().name
    new = next(c for c in ("inferno", "coolwarm", "Greens", "twilight") if c != old)
    ims[j].set_cmap(new)
    return Applied("style_error", 2, where(fig, ax), f"The image uses the '{new}' colour map instead of '{old}'.",
                   [extent(ims[j], fig)], [ims[j]])


@mutation("grid_toggle", scope="axes")
def grid_toggle(fig, i, j, rng):
    ax = _ax(fig, i)
    if ax is None or j != 0 or not (ax.lines or ax.patches or ax.collections):
        return None
    on = any(gl.get_visible() for gl in ax.get_xgridlines() + ax.get_ygridlines())
    ax.grid(not on)
    return Applied("style_error", 1, where(fig, ax), "Grid lines are missing." if on else
                   "Grid lines are shown that the reference does not have.", [], [ax.patch])


@mutation("background", scope="axes")
def background(fig, i, j, rng):
    ax = _ax(fig, i)
    if ax is None or j != 0:
        return None
    ax.set_facecolor(rng.choice(["#e5e5f0", "#fff2cc", "#dfeee0"]))
    return Applied("style_error", 1, f"{where(fig, ax)}, plot background", "The plot area has a tinted background "
                   "instead of the reference one.", [], [ax.patch])


# ---- the job -----------------------------------------------------------------------------------------------------

def enumerate_targets(fig) -> list[tuple[str, int, int]]:
    """Every (mutation, axes index, artist index) that could apply; a probe decides for real later."""
    out = []
    n_axes = len(data_axes(fig))
    for name in MUTATIONS:
        for i in range(n_axes):
            for j in range(4):
                out.append((name, i, j))
    return out


def visible_change(a: np.ndarray, b: np.ndarray, *, min_pixels: int = 40) -> bool:
    if a.shape != b.shape:
        return True
    return int((np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > 40).sum()) >= min_pixels


def same_drawing(a: np.ndarray, b: np.ndarray, *, cell: int = 8, max_changed: float = 0.02) -> bool:
    """True when two renderings of one figure at two resolutions draw the same thing: both averaged over a coarse
    grid (``cell`` px of ``a``), at most ``max_changed`` of the cells differ by more than a blur would. A script
    that sizes or places artists in pixels (display coordinates) draws another picture at another dpi, which is
    no equivalent control."""
    import cv2

    h, w = a.shape[:2]
    gw, gh = max(1, w // cell), max(1, h // cell)
    ga = cv2.resize(np.ascontiguousarray(a[..., :3]), (gw, gh), interpolation=cv2.INTER_AREA).astype(np.int16)
    gb = cv2.resize(np.ascontiguousarray(b[..., :3]), (gw, gh), interpolation=cv2.INTER_AREA).astype(np.int16)
    return float((np.abs(ga - gb).max(axis=2) > 48).mean()) <= max_changed


def read_png(path: str) -> np.ndarray:
    return (plt.imread(path)[:, :, :3] * 255).round().astype(np.uint8)


def apply_all(code: str, seed: int, targets: list[tuple[str, int, int]], path: str, rng_seed: int):
    fig = run_script(code, seed)
    errors = []
    for k, (name, i, j) in enumerate(targets):
        applied = MUTATIONS[name][1](fig, i, j, random.Random(rng_seed * 1000 + k))
        if applied is None:
            plt.close("all")
            return None
        errors.append(applied)
    fig.canvas.draw()
    out = []
    for e in errors:
        box = union(e.boxes + [extent(a, fig) for a in e.after])
        out.append({"category": e.category, "severity": e.severity, "location": e.location,
                    "description": e.description, "bbox": box})
    save(fig, path)
    plt.close("all")
    return out


def build(job: dict[str, Any]) -> dict[str, Any]:
    code, seed, out = job["script"], int(job.get("script_seed", 19680801)), job["out_dir"]
    rng = random.Random(job["seed"])
    os.makedirs(out, exist_ok=True)
    fig = run_script(code, seed)
    if fig is None:
        return {"ok": False, "reason": "no figure"}
    if any(ax.name != "rectilinear" for ax in fig.axes if ax.get_visible()) and not data_axes(fig):
        return {"ok": False, "reason": "no rectilinear axes"}
    w, h = fig.canvas.get_width_height()
    if w * h > 3_000_000 or w < 200 or h < 150:
        return {"ok": False, "reason": f"size {w}x{h}"}
    ref = os.path.join(out, "ref.png")
    save(fig, ref)
    targets = enumerate_targets(fig)
    plt.close("all")
    ref_img = read_png(ref)
    control_dpi = rng.choice(job.get("control_dpis", [72, 150]))
    fig = run_script(code, seed)
    ctrl = os.path.join(out, "control.png")
    save(fig, ctrl, dpi=control_dpi)
    plt.close("all")
    if not same_drawing(ref_img, read_png(ctrl)):
        return {"ok": False, "reason": "control differs (artists sized in pixels)"}

    # Try mutations in a seeded order, preferring categories not yet covered, until enough visible singles.
    rng.shuffle(targets)
    want = int(job.get("singles", 3))
    order = job.get("category_order") or ["structure_error", "data_error", "text_error", "style_error"]
    singles, tried, seen_cats = [], 0, []
    by_cat = {c: [] for c in order}
    cat_of = {"remove_subplot": "structure_error", "swap_subplots": "structure_error",
              "line_to_scatter": "structure_error", "bars_to_line": "structure_error"}
    for t in targets:
        cat = cat_of.get(t[0]) or ("data_error" if t[0] in ("scale_series", "reverse_trend", "remove_series",
                                                            "extra_series", "bar_value", "axis_range", "axis_scale",
                                                            "invert_axis", "scatter_points") else
                                   "text_error" if t[0].endswith("_text") or t[0] in ("tick_rotation", "title_size")
                                   else "style_error")
        by_cat[cat].append(t)
    queue = []
    while any(by_cat.values()):
        for c in order:
            if by_cat[c]:
                queue.append(by_cat[c].pop(0))
    probe = os.path.join(out, "probe.png")
    for t in queue:
        if len(singles) >= want or tried >= int(job.get("max_tries", 40)):
            break
        tried += 1
        fig0 = run_script(code, seed)
        scope, fn = MUTATIONS[t[0]]
        if fn(fig0, t[1], t[2], random.Random(0)) is None:
            plt.close("all")
            continue
        plt.close("all")
        idx = len(singles)
        errs = apply_all(code, seed, [t], probe, job["seed"] + idx)
        if not errs or not visible_change(ref_img, read_png(probe)):
            continue
        if errs[0]["category"] in seen_cats and len(set(seen_cats)) < len(order) and tried < 12:
            continue
        path = os.path.join(out, f"single{idx}.png")
        os.replace(probe, path)
        singles.append({"path": path, "targets": [list(t)], "errors": errs})
        seen_cats.append(errs[0]["category"])
    if os.path.exists(probe):
        os.remove(probe)

    multi = None
    if len(singles) >= 2:
        chosen, used = [], []
        for s in singles:
            t = s["targets"][0]
            scope = MUTATIONS[t[0]][0]
            clash = any(u[1] == t[1] and (scope == "axes" or MUTATIONS[u[0]][0] == "axes" or u[2] == t[2])
                        for u in used)
            if not clash:
                chosen.append(s)
                used.append(t)
        if len(chosen) >= 2:
            path = os.path.join(out, "multi.png")
            combo = [tuple(s["targets"][0]) for s in chosen]
            # Same per-mutation rng seeds as the singles, so each error is the very same change.
            fig = run_script(code, seed)
            errs = []
            for s, t in zip(chosen, combo):
                k = singles.index(s)
                a = MUTATIONS[t[0]][1](fig, t[1], t[2], random.Random((job["seed"] + k) * 1000))
                errs.append(a)
            if all(errs):
                fig.canvas.draw()
                errors = [{"category": e.category, "severity": e.severity, "location": e.location,
                           "description": e.description,
                           "bbox": union(e.boxes + [extent(a, fig) for a in e.after])} for e in errs]
                save(fig, path)
                multi = {"path": path, "targets": [list(t) for t in combo], "errors": errors,
                         "contains": [singles.index(s) for s in chosen]}
            plt.close("all")
    return {"ok": True, "size": [w, h], "reference": ref, "control": {"path": ctrl, "dpi": control_dpi},
            "singles": singles, "multi": multi}


def main() -> None:
    job = json.loads(sys.stdin.read())
    os.chdir(job["out_dir"]) if os.path.isdir(job["out_dir"]) else None
    try:
        result = build(job)
    except BaseException as exc:  # any failure of a gallery script means: skip it
        result = {"ok": False, "reason": f"{type(exc).__name__}: {exc}"[:300],
                  "trace": traceback.format_exc()[-600:]}
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
