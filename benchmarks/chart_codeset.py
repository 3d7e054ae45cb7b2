"""Build an independent chart benchmark set: synthesized matplotlib programs over real tables, errors injected in code.

The gallery-based chart sets inject errors by editing figure artists. This set uses other material and another
mechanism, so a chart judge can be checked for generalisation:

* Material: the real CSV tables shipped in the vega_datasets wheel (``sources.table_wheel``), profiled into
  views (means per year / month / category, pivots by a second category, counts, raw columns for scatter,
  histogram and box plots).
* Programs: a chart is a small spec (kind, data, labels, colours, line style, markers, legend, grid, limits, scale,
  figsize, subplot arrangement, annotations, bar width...) drawn by one function, ``draw(spec)``, with Agg at dpi 100.
  Kinds: line, single/grouped bar, horizontal bar, stacked bar, scatter, area, histogram, pie, box, step, errorbar,
  in 1x1, 1x2, 2x1 and 2x2 figures, under varied style sheets, palettes and font sizes.
* Injections edit the spec (what a vision-to-code model gets wrong) and re-draw: 43 kinds over the four Visual-ERM
  categories. Each records category, severity, location, description and the bbox of the changed artists (window
  extents on the candidate, or on the reference for removals). A candidate must differ visibly from its reference
  and inside its box, else another injection is tried.
* Per reference: one equivalent control (other dpi, JPEG q85 round trip, or a white margin), two single-error
  candidates (different categories where possible) and one multi-error candidate (single0's edit plus 1-2 more).
  rank.jsonl holds the pairs that hold by construction: control > each erroneous candidate, single0 > multi
  (subset), and a severity-1 single > a candidate with a severity-3 error.

Each reference is drawn in a child process with a timeout; a failing reference is skipped and another is drawn.
The same seed gives the same bytes.

    .venv/bin/python benchmarks/chart_codeset.py --out /tmp/codeset1 --n 40 --seed 1
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import math
import multiprocessing as mp
import platform
import random
import re
import shutil
import sys
import warnings
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.style as mstyle  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from visual_erm.bench.build.sources import csv_tables, table_wheel  # noqa: E402

DPI = 100
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
COORDS = ("latitude", "longitude", "lat", "lon", "lng")
COMPOSITION = ("source", "type", "category", "sector", "kind", "weather")  # split columns whose sums make a pie
CAT = ("line", "dots", "bar", "barh", "stacked", "area", "step", "errorbar")
LINEISH = ("line", "step", "area", "errorbar")
BARS = ("bar", "barh", "stacked")
STYLES = ["default", "ggplot", "seaborn-v0_8-whitegrid", "bmh", "fivethirtyeight", "classic", "dark_background",
          "seaborn-v0_8-darkgrid", "Solarize_Light2", "seaborn-v0_8-ticks", "tableau-colorblind10"]
PALETTES = {
    "tab10": ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"],
    "set1": ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999"],
    "dark2": ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"],
    "set2": ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3"],
    "okabe": ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"],
    "deep": ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"],
    "bold": ["#003f5c", "#bc5090", "#ffa600", "#58508d", "#ff6361", "#2f4b7c", "#a05195", "#d45087"],
}
FAR = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#000000", "#800000"]
CMAPS = ["viridis", "plasma", "coolwarm", "magma", "cividis", "YlGnBu", "Spectral"]
CORNERS = ["upper left", "upper right", "lower left", "lower right"]
ORDER = ["structure_error", "data_error", "text_error", "style_error"]


# ---------------------------------------------------------------- material: tables -> views

def to_float(s: str) -> float | None:
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def parse_date(s: str) -> tuple[int, int] | None:
    """(year, month) of '2012-01-31', '2010/01/01 00:00' or 'Jan 1 2000'."""
    m = re.match(r"^(\d{4})[-/](\d{1,2})[-/]\d{1,2}", s)
    if m:
        return int(m[1]), int(m[2])
    m = re.match(r"^([A-Za-z]{3})[a-z]*\.? \d{1,2},? (\d{4})", s)
    if m and m[1].title() in MONTHS:
        return int(m[2]), MONTHS.index(m[1].title()) + 1
    return None


def human(col: str) -> str:
    words = col.replace("_", " ").replace("-", " ").split()
    fix = {"us": "US", "la": "LA", "sf": "SF"}
    words = [fix.get(w.lower(), w) for w in words]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def low(s: str) -> str:
    """Lower case for running text, keeping acronyms (IBM, US)."""
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in s.split(" "))


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def mean(v: list[float]) -> float:
    return sum(v) / len(v)


def std(v: list[float]) -> float:
    m = mean(v)
    return (sum((a - m) ** 2 for a in v) / len(v)) ** 0.5


def rnd(v: float) -> float:
    a = abs(v)
    return round(v, 0 if a >= 1000 else 1 if a >= 100 else 2 if a >= 1 else 3)


def fmt(v: float) -> str:
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    return f"{v:.0f}" if a >= 100 else f"{v:.1f}" if a >= 10 else f"{v:.2f}"


def profile(rows: list[list[str]]) -> dict[str, Any]:
    """Numeric, date and categorical columns of a table."""
    head = rows[0]
    body = [r for r in rows[1:] if len(r) == len(head)]
    num, dates, cats = {}, {}, {}
    for j, col in enumerate(head):
        raw = [r[j].strip() for r in body]
        f = [to_float(v) for v in raw]
        good = [v for v in f if v is not None]
        if len(good) >= 0.9 * len(raw) and len(set(good)) >= 5:
            num[col] = f
            continue
        d = [parse_date(v) for v in raw]
        if sum(v is not None for v in d) >= 0.9 * len(raw):
            dates[col] = d
            continue
        cnt = Counter(v for v in raw if v)
        levels = [k for k, c in cnt.most_common() if c >= 2]
        if len(cnt) <= 0.5 * len(raw) and len(levels) >= 2:
            cats[col] = (raw, levels)
    return {"n": len(body), "num": num, "dates": dates, "cats": cats}


def _groupers(P: dict[str, Any]) -> list[dict[str, Any]]:
    """x axes: year or month of a date column, or the top levels of a categorical column."""
    out = []
    for d in P["dates"].values():
        years = sorted({v[0] for v in d if v})
        if 3 <= len(years) <= 20:
            out.append({"label": "Year", "col": None, "keys": [str(v[0]) if v else None for v in d],
                        "x": [str(y) for y in years], "extra": [str(years[0] - k) for k in range(1, 4)]})
        months = sorted({v[1] for v in d if v})
        if len(months) >= 6:
            out.append({"label": "Month", "col": None, "keys": [MONTHS[v[1] - 1] if v else None for v in d],
                        "x": [MONTHS[m - 1] for m in months], "extra": [m for m in MONTHS if m not in
                                                                      [MONTHS[k - 1] for k in months]]})
    for col, (raw, levels) in P["cats"].items():
        if len(levels) >= 3:
            shown = levels[:10]
            out.append({"label": human(col), "col": col, "keys": [v if v in shown else None for v in raw],
                        "x": shown, "extra": levels[10:20]})
    return out


def _pools(series: dict[str, tuple]) -> list[list[str]]:
    """Series names grouped by magnitude, so one chart's series share a scale."""
    mags = sorted(series, key=lambda k: mean([abs(v) for v in series[k][0]]) or 0.0)
    pools, cur, first = [], [], None
    for k in mags:
        m = mean([abs(v) for v in series[k][0]]) or 1e-9
        if first is not None and m / first > 3:
            pools.append(cur)
            cur, first = [], None
        cur.append(k)
        first = first or m
    if cur:
        pools.append(cur)
    return pools


def table_views(name: str, rows: list[list[str]]) -> list[dict[str, Any]]:
    """All chart views of one table (empty when it has no usable numeric or categorical column)."""
    P = profile(rows)
    tname = human(name)
    views: list[dict[str, Any]] = []
    nums = {c: v for c, v in P["num"].items() if c.lower() not in COORDS}
    n = P["n"]
    dates = next(iter(P["dates"].values()), None)
    # a long table (one row per date and level, e.g. symbol/date/price): means across its levels mean nothing
    long = dates is not None and any(
        max(Counter((dates[i], raw[i]) for i in range(n) if dates[i]).values()) == 1
        for raw, levels in P["cats"].values() if 2 <= len(levels) <= 6)

    def cat_view(g, mode, ylabel, series, pool, title):
        views.append({"type": "cat", "table": name, "mode": mode, "x": g["x"], "extra": g["extra"],
                      "xlabel": g["label"], "ylabel": ylabel, "series": series, "pool": pool, "title": title})

    for g in _groupers(P):
        if long and g["label"] == "Month":
            continue
        gl = low(g["label"])
        idx: dict[str, list[int]] = {k: [] for k in g["x"]}
        for i, k in enumerate(g["keys"]):
            if k is not None:
                idx[k].append(i)
        # wide: the mean of each numeric column per group
        series: dict[str, tuple] = {}
        for col, vals in nums.items():
            cols = [[vals[i] for i in idx[k] if vals[i] is not None] for k in g["x"]]
            if all(cols):
                series[("Mean " + col.replace("_", " ")) if len(nums) == 1 else human(col)] = (
                    [rnd(mean(c)) for c in cols], [rnd(std(c)) for c in cols])
                if len(nums) == 1:
                    series["Max " + col.replace("_", " ")] = ([rnd(max(c)) for c in cols], None)
                    series["Min " + col.replace("_", " ")] = ([rnd(min(c)) for c in cols], None)
        for pool in _pools(series) if not (long and g["col"] is None) else []:
            if all(np.ptp(series[k][0]) > 0 for k in pool):
                cat_view(g, "wide", "Value", series, pool, f"{tname}: {low(pool[0])} by {gl}")
        # pivot: a second categorical column's levels as series (counts, and means of each numeric column)
        for split, (raw, levels) in P["cats"].items():
            if split == g["col"] or not 2 <= len(levels) <= 6:
                continue
            sl = low(human(split))
            if g["col"] is not None or split.lower() in COMPOSITION:
                counts = {lv: [float(sum(1 for i in idx[k] if raw[i] == lv)) for k in g["x"]] for lv in levels}
                cser = {lv: (c, None) for lv, c in counts.items() if max(c) > 0}
                if len(cser) >= 2 and any(np.ptp(c[0]) > 0 for c in cser.values()):
                    cat_view(g, "pivot", "Count", cser, list(cser), f"{tname}: records by {gl} and {sl}")
            for col, vals in nums.items():
                ser = {}
                for lv in levels:
                    cells = [[vals[i] for i in idx[k] if raw[i] == lv and vals[i] is not None] for k in g["x"]]
                    if all(cells):
                        ser[lv] = ([rnd(mean(c)) for c in cells], [rnd(std(c)) for c in cells])
                if len(ser) >= 2:
                    cat_view(g, "pivot", human(col), ser, list(ser),
                             f"{tname}: {low(human(col))} by {gl} and {sl}")
        if g["col"] is not None and len({len(idx[k]) for k in g["x"]}) > 1:
            cat_view(g, "pivot", "Count", {"Count": ([float(len(idx[k])) for k in g["x"]], None)}, ["Count"],
                     f"{tname}: records by {gl}")
        # box: a numeric column per group (3..8 groups of 3+ values)
        if not (long and g["col"] is None):
            for col, vals in nums.items():
                data = [[vals[i] for i in idx[k] if vals[i] is not None] for k in g["x"]]
                keep = [(k, d) for k, d in zip(g["x"], data) if len(d) >= 3][:8]
                if len(keep) >= 3:
                    views.append({"type": "box", "table": name, "x": [k for k, _ in keep], "extra": g["extra"],
                                  "data": [d for _, d in keep], "xlabel": g["label"], "ylabel": human(col),
                                  "title": f"{tname}: {low(human(col))} by {gl}"})
    # pies: counts of a categorical column; shares of a numeric column by a composition-like column in one year
    # (only for aggregate tables with one row per year and level)
    for col, (raw, levels) in P["cats"].items():
        cnt = Counter(v for v in raw if v)
        top = levels[:6]
        if len(top) >= 3:
            views.append({"type": "pie", "table": name, "x": top, "values": [float(cnt[k]) for k in top],
                          "title": f"{tname}: records by {low(human(col))}" + (" (top 6)" if len(levels) > 6
                                                                                  else "")})
        if col.lower() not in COMPOSITION or not 3 <= len(levels) <= 6 or dates is None:
            continue
        years = sorted({v[0] for v in dates if v})
        per = Counter((dates[i][0], raw[i]) for i in range(n) if dates[i])
        if len(years) < 3 or max(per.values()) > 1:
            continue
        for ncol, vals in nums.items():
            if min(v for v in vals if v is not None) < 0:
                continue
            for y in years[-3:]:
                tot = [sum(vals[i] for i in range(n) if raw[i] == lv and dates[i] and dates[i][0] == y
                           and vals[i] is not None) for lv in levels]
                if all(t > 0 for t in tot):
                    views.append({"type": "pie", "table": name, "x": levels, "values": [rnd(t) for t in tot],
                                  "title": f"{tname}: {low(human(ncol))} by {low(human(col))}, {y}"})
    # scatter: the numeric columns (rows aligned), and per-date pivots of a long table (one value per date and level)
    scols = {human(c): v for c, v in P["num"].items()}
    if len(scols) >= 2:
        pairs = [(human(c), human(o)) for c in P["num"] for o in P["num"]
                 if c.lower() == "longitude" and o.lower() == "latitude"]
        views.append({"type": "scatter", "table": name, "cols": scols, "pairs": pairs, "title": tname})
    if dates is not None:
        for split, (raw, levels) in P["cats"].items():
            if not 2 <= len(levels) <= 6:
                continue
            keys = sorted({dates[i] for i in range(n) if dates[i]})
            per = Counter((dates[i], raw[i]) for i in range(n) if dates[i])
            if max(per.values()) > 1:
                continue
            pos = {k: j for j, k in enumerate(keys)}
            for ncol, vals in nums.items():
                piv = {lv: [None] * len(keys) for lv in levels}
                for i in range(n):
                    if dates[i] and raw[i] in piv and vals[i] is not None:
                        piv[raw[i]][pos[dates[i]]] = vals[i]
                pcols = {f"{lv} {ncol.replace('_', ' ')}": v for lv, v in piv.items()
                         if sum(a is not None for a in v) >= 10}
                if len(pcols) >= 2:
                    views.append({"type": "scatter", "table": name, "cols": pcols, "pairs": [], "title": tname})
    hcols = {human(c): [x for x in v if x is not None] for c, v in P["num"].items() if len(set(v)) >= 20}
    if hcols:
        views.append({"type": "hist", "table": name, "cols": hcols, "title": tname})
    return views


def all_views() -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name, rows in csv_tables(table_wheel()).items():
        v = table_views(name, rows)
        if any(x["type"] == "cat" for x in v):
            out[name] = v
    return out


# ---------------------------------------------------------------- specs

def _palette(rng: random.Random, dark: bool) -> list[str]:
    names = ["set2", "okabe", "tab10", "set1"] if dark else sorted(PALETTES)
    return list(PALETTES[rng.choice(names)])


def _common(rng: random.Random, view: dict[str, Any], fs: int, table_titles: list[str], labels: list[str]) -> dict:
    return {"table": view["table"], "title": view["title"], "xlabel": "", "ylabel": "", "legend": False,
            "legend_loc": rng.choice(CORNERS), "grid": rng.random() < 0.5, "facecolor": None, "vlim": None,
            "vlog": False, "invert": False, "bar_width": rng.choice([0.6, 0.7, 0.8]), "annotations": [],
            "value_labels": False, "title_size": fs + rng.choice([1, 2, 3]),
            "alt_titles": [t for t in table_titles if t != view["title"]], "alt_labels": labels, "alts": [],
            "pool": []}


def cat_panel(rng, kind, view, pal, fs, titles, labels, offset) -> dict[str, Any] | None:
    pool = view["pool"]
    ser = view["series"]
    if kind == "stacked":
        pool = [k for k in pool if min(ser[k][0]) >= 0]
    if kind == "errorbar":
        pool = [k for k in pool if ser[k][1]]
    kmax = {"barh": 2, "errorbar": 2}.get(kind, 3)
    kmin = 2 if kind == "stacked" else 1
    if len(pool) < kmin:
        return None
    k = rng.randint(kmin, min(kmax, len(pool)))
    chosen = [pool[j] for j in sorted(rng.sample(range(len(pool)), k))]
    maxn = {"bar": 10 if k == 1 else 7, "barh": 8 if k == 1 else 6, "stacked": 8, "errorbar": 10}.get(kind, 12)
    x = view["x"]
    s0 = rng.randrange(len(x) - maxn + 1) if len(x) > maxn else 0
    sl = slice(s0, s0 + maxn)
    pan = _common(rng, view, fs, titles, labels)
    if view["mode"] == "wide":  # label and title name the plotted columns
        joined = " / ".join(chosen)
        ylabel = chosen[0] if k == 1 else joined if len(joined) <= 28 else "Value"
        what = " and ".join(low(c) for c in chosen)
        if len(what) > 34:
            what = f"{low(chosen[0])} and {k - 1} more"
        mean_ = "" if any(c.split()[0] in ("Mean", "Min", "Max") for c in chosen) else "mean "
        title = f"{human(view['table'])}: {mean_}{what} by {low(view['xlabel'])}"
    else:
        ylabel, title = view["ylabel"], view["title"]
    pan.update(kind=kind, x=list(x[sl]), xlabel=view["xlabel"], ylabel=ylabel, title=title,
               pool=[v for v in x if v not in x[sl]] + list(view["extra"]))
    pan["alt_titles"] = [t for t in titles if t != title]
    if len(pan["x"]) < 3:
        return None
    pan["series"] = []
    for j, name in enumerate(chosen):
        vals, err = ser[name]
        pan["series"].append({"name": name, "values": list(vals[sl]), "err": list(err[sl]) if err else None,
                              "color": pal[(offset + j) % len(pal)], "ls": "-" if rng.random() < 0.85 else "--",
                              "marker": rng.choice([None, None, "o", "s", "^", "D"]),
                              "lw": rng.choice([1.5, 2.0, 2.5]), "labels": {}})
    for name in [c for c in pool if c not in chosen] + [c for c in view["series"] if c not in pool]:
        if name not in chosen and len(pan["alts"]) < 4:
            vals, err = ser[name]
            pan["alts"].append({"name": name, "values": list(vals[sl]), "err": list(err[sl]) if err else None})
    pan["nonneg"] = all(min(s["values"]) >= 0 for s in pan["series"])
    pan["legend"] = rng.random() < (0.9 if k > 1 else 0.25)
    if kind == "barh":
        pan["xlabel"], pan["ylabel"] = pan["ylabel"], pan["xlabel"]
    if kind in LINEISH + ("bar", "barh") and rng.random() < 0.35:
        s = pan["series"][0]
        i = int(np.argmax(s["values"]))
        pan["annotations"].append({"i": i, "y": s["values"][i], "word": rng.choice(["peak", "max", "high"]),
                                   "num": fmt(s["values"][i]), "dx": rng.choice([-45, -30, 25, 35]),
                                   "dy": rng.choice([-28, 18, 24])})
    if kind in ("bar", "barh") and k == 1 and not pan["annotations"] and rng.random() < 0.4:
        pan["value_labels"] = True
    return pan


def scatter_panel(rng, view, pal, fs, titles, labels, offset) -> dict[str, Any] | None:
    cols = view["cols"]
    names = list(cols)
    if view["pairs"] and rng.random() < 0.5:
        xn, yn = view["pairs"][0]
    else:
        xn, yn = rng.sample(names, 2)
    rest = [c for c in names if c not in (xn, yn)]
    cn = rng.choice(rest) if rest and rng.random() < 0.35 else None
    sn = rng.choice([c for c in rest if c != cn]) if len(rest) > 1 and rng.random() < 0.25 else None
    need = [c for c in (xn, yn, cn, sn) if c]
    rows = [i for i in range(len(cols[xn])) if all(cols[c][i] is not None for c in need)]
    if len(rows) < 10:
        return None
    if len(rows) > 180:
        rows = sorted(rng.sample(rows, 180))
    pan = _common(rng, view, fs, titles, labels)
    pan.update(kind="scatter", xlabel=xn, ylabel=yn, clabel=cn or "", as_line=False, nonneg=False, x=[])
    svals = None
    if sn:
        raw = np.array([cols[sn][i] for i in rows], float)
        lo, hi = raw.min(), raw.max()
        svals = [round(float(12 + 70 * (v - lo) / (hi - lo or 1)), 1) for v in raw]
    pan["series"] = [{"name": yn, "x": [rnd(cols[xn][i]) for i in rows], "y": [rnd(cols[yn][i]) for i in rows],
                      "c": [rnd(cols[cn][i]) for i in rows] if cn else None, "s": svals,
                      "cmap": rng.choice(CMAPS), "color": pal[offset % len(pal)],
                      "marker": rng.choice(["o", "o", "s", "^", "D"]), "lw": 1.5, "ls": "-"}]
    pan["title"] = f"{view['title']}: {low(yn)} vs {low(xn)}"
    pan["alt_titles"] = [t for t in titles if t != pan["title"]]
    for c in rest:
        ys = [cols[c][i] for i in rows]
        if all(v is not None for v in ys) and len(pan["alts"]) < 3:
            pan["alts"].append({"name": c, "values": [rnd(v) for v in ys], "err": None})
    pan["legend"] = rng.random() < 0.2
    pan["title"] = pan["title"] if rng.random() < 0.9 else ""
    return pan


def hist_panel(rng, view, pal, fs, titles, labels, offset) -> dict[str, Any]:
    cols = view["cols"]
    name = rng.choice(list(cols))
    vals = cols[name]
    if len(vals) > 1500:
        vals = [vals[i] for i in sorted(rng.sample(range(len(vals)), 1500))]
    pan = _common(rng, view, fs, titles, labels)
    pan.update(kind="hist", xlabel=name, ylabel="Count", bins=rng.choice([8, 10, 12, 15, 20, 25, 30]), nonneg=True,
               x=[], title=f"{view['title']}: distribution of {low(name)}")
    pan["alt_titles"] = [t for t in titles if t != pan["title"]]
    pan["series"] = [{"name": name, "values": [rnd(v) for v in vals], "color": pal[offset % len(pal)],
                      "lw": 1.0, "ls": "-", "marker": None}]
    for c in cols:
        if c != name and len(pan["alts"]) < 3:
            v = cols[c] if len(cols[c]) <= 1500 else [cols[c][i] for i in sorted(rng.sample(range(len(cols[c])),
                                                                                              1500))]
            pan["alts"].append({"name": c, "values": [rnd(a) for a in v], "err": None})
    pan["legend"] = rng.random() < 0.2
    return pan


def box_panel(rng, view, pal, fs, titles, labels, offset) -> dict[str, Any]:
    x, data = view["x"], view["data"]
    if len(x) > 6:
        s0 = rng.randrange(len(x) - 5)
        x, data = x[s0:s0 + 6], data[s0:s0 + 6]
    data = [[rnd(v) for v in (d if len(d) <= 300 else [d[i] for i in sorted(rng.sample(range(len(d)), 300))])]
            for d in data]
    pan = _common(rng, view, fs, titles, labels)
    pan.update(kind="box", x=list(x), xlabel=view["xlabel"], ylabel=view["ylabel"], nonneg=False,
               pool=[v for v in view["x"] if v not in x] + list(view["extra"]))
    pan["series"] = [{"name": view["ylabel"], "data": data, "color": pal[offset % len(pal)], "lw": 1.0, "ls": "-",
                      "marker": None}]
    return pan


def pie_panel(rng, view, pal, fs, titles, labels, offset) -> dict[str, Any]:
    pan = _common(rng, view, fs, titles, labels)
    pan.update(kind="pie", x=list(view["x"]), autopct=rng.random() < 0.6, startangle=rng.choice([0, 90, 140]),
               pct_override={}, nonneg=True, pool=[])
    pan["series"] = [{"name": "share", "values": list(view["values"]),
                      "colors": [pal[(offset + j) % len(pal)] for j in range(len(view["x"]))],
                      "color": pal[offset % len(pal)], "lw": 1.0, "ls": "-", "marker": None}]
    pan["grid"] = False
    return pan


KIND_W = {"line": 3, "bar": 3, "barh": 1.5, "stacked": 1.5, "area": 1, "step": 1, "errorbar": 1, "scatter": 2,
          "hist": 1.5, "pie": 1, "box": 1}


def make_spec(rng: random.Random, views: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    table = rng.choice(sorted(views))
    tv = views[table]
    r = rng.random()
    layout = [1, 1] if r < 0.55 else [1, 2] if r < 0.7 else [2, 1] if r < 0.78 else [2, 2]
    style = rng.choice(STYLES)
    dark = style == "dark_background"
    pal = _palette(rng, dark)
    fs = rng.choice([9, 10, 10, 11, 12])
    titles = sorted({v["title"] for v in tv})
    labels = sorted(({v.get("xlabel", "") for v in tv} | {v.get("ylabel", "") for v in tv} | set(
        c for v in tv if v["type"] in ("scatter", "hist") for c in v["cols"])) - {"", "Value"})
    by = {t: [v for v in tv if v["type"] == t] for t in ("cat", "scatter", "hist", "box", "pie")}
    kinds = [k for k in KIND_W if by["cat" if k in CAT else k]]
    panels: list[dict[str, Any]] = []
    used: list[str] = []
    npan = layout[0] * layout[1]
    for j in range(npan):
        for _ in range(20):
            choices = [k for k in kinds if k not in used] or kinds
            kind = rng.choices(choices, [KIND_W[k] for k in choices])[0]
            vt = "cat" if kind in CAT else kind
            view = rng.choice(by[vt])
            args = (rng, view, pal, fs, titles, labels, j if npan > 1 else 0)
            pan = (cat_panel(rng, kind, *args[1:]) if vt == "cat" else scatter_panel(*args) if vt == "scatter"
                   else hist_panel(*args) if vt == "hist" else box_panel(*args) if vt == "box" else pie_panel(*args))
            if pan is not None:
                panels.append(pan)
                used.append(kind)
                break
    if len(panels) != npan:
        raise RuntimeError("no panel fits")
    if npan > 1:
        for pan in panels:
            pan["title"] = cap(pan["title"].split(": ", 1)[-1]) if pan["title"] else ""
            pan["alt_titles"] = sorted({cap(t.split(": ", 1)[-1]) for t in pan["alt_titles"]} - {pan["title"]})
    if npan == 1:
        w = rng.choice([5.6, 6.4, 7.0, 7.6])
        size = [w, round(w * rng.choice([0.62, 0.68, 0.75]), 1)]
    elif layout == [1, 2]:
        size = [rng.choice([7.6, 8.0]), rng.choice([3.6, 4.0, 4.4])]
    elif layout == [2, 1]:
        size = [rng.choice([5.6, 6.4, 7.0]), rng.choice([6.4, 7.0])]
    else:
        size = [rng.choice([7.6, 8.0]), rng.choice([6.4, 7.0])]
    pw = size[0] / layout[1]
    for pan in panels:  # a title fits its panel: smaller font first, then drop a trailing " by ..." / " vs ..."
        t = pan["title"]
        while t and len(t) * 0.55 * pan["title_size"] / 72 > 0.95 * pw:
            if pan["title_size"] > fs + 1:
                pan["title_size"] -= 1
                continue
            cut = max(t.rfind(" vs "), t.rfind(" by "))
            if cut <= 0:
                break
            t = t[:cut]
        pan["title"] = t
    return {"table": table, "style": style, "palette": pal, "font_size": fs, "figsize": size, "layout": layout,
            "suptitle": human(table) if npan > 1 and rng.random() < 0.7 else "", "panels": panels,
            "edge": "white" if rng.random() < 0.5 else ("black" if not dark else "white")}


# ---------------------------------------------------------------- drawing

@contextmanager
def styled(spec: dict[str, Any]):
    """The spec's style sheet and font sizes (ticks are made lazily, so every draw must run inside it)."""
    fs = spec["font_size"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with mstyle.context(spec["style"]), matplotlib.rc_context(
                {"font.size": fs, "axes.titlesize": fs + 2, "axes.labelsize": fs, "xtick.labelsize": fs - 1,
                 "ytick.labelsize": fs - 1, "legend.fontsize": fs - 1, "figure.dpi": DPI, "savefig.dpi": DPI}):
            yield


def _cat(ax, pan: dict[str, Any], p: int, reg: dict) -> None:
    kind, S = pan["kind"], pan["series"]
    n = len(pan["x"])
    x = np.arange(n)
    bw = pan["bar_width"]
    bottom = np.zeros(n)
    for k, s in enumerate(S):
        v = np.array(s["values"], float)
        style = dict(color=s["color"], lw=s["lw"], label=s["name"])
        bars = None
        if kind in ("line", "dots"):
            arts = ax.plot(x, v, ls="none" if kind == "dots" else s["ls"],
                           marker=(s["marker"] or "o") if kind == "dots" else (s["marker"] or "None"), **style)
        elif kind == "step":
            arts = ax.step(x, v, where="mid", ls=s["ls"], marker=s["marker"] or "None", **style)
        elif kind == "area":
            arts = [ax.fill_between(x, v, alpha=0.3, color=s["color"], lw=0)]
            arts += ax.plot(x, v, ls=s["ls"], marker=s["marker"] or "None", **style)
        elif kind == "errorbar":
            c = ax.errorbar(x, v, yerr=s["err"], ls=s["ls"], marker=s["marker"] or "o", capsize=3, **style)
            arts = [c.lines[0], *c.lines[1], *c.lines[2]]
        elif kind in ("bar", "barh"):
            w = bw / len(S)
            pos = x - bw / 2 + w * (k + 0.5)
            col = s.get("colors") if len(S) == 1 and s.get("colors") else s["color"]
            bars = (ax.barh if kind == "barh" else ax.bar)(pos, v, w, color=col, label=s["name"])
            arts = list(bars.patches)
        else:  # stacked
            bars = ax.bar(x, v, bw, bottom=bottom.copy(), color=s["color"], label=s["name"])
            bottom += v
            arts = list(bars.patches)
        reg[("series", p, k)] = arts
        if bars is not None:
            for i, patch in enumerate(bars.patches):
                reg[("item", p, k, i)] = [patch]
            if pan["value_labels"] and len(S) == 1:
                texts = ax.bar_label(bars, labels=[s["labels"].get(i, fmt(a)) for i, a in enumerate(v)], padding=2,
                                     fontsize=pan.get("fs", 9) - 1)
                for i, t in enumerate(texts):
                    reg[("vlabel", p, i)] = [t]
    labels = pan["x"]
    if kind == "barh":
        ax.set_yticks(x, labels)
        ticks = ax.get_yticklabels()
    else:
        ax.set_xticks(x, labels)
        ticks = ax.get_xticklabels()
        if n * (max(len(str(t)) for t in labels) + 1) > 8 * pan.get("pw", 6):
            for t in ticks:
                t.set_rotation(30)
                t.set_ha("right")
    for i, t in enumerate(ticks):
        reg[("tick", p, i)] = [t]
    for j, a in enumerate(pan["annotations"]):
        xy = (a["y"], a["i"]) if kind == "barh" else (a["i"], a["y"])
        t = ax.annotate(f"{a['word']} {a['num']}", xy, xytext=(a["dx"], a["dy"]), textcoords="offset points",
                        fontsize=pan.get("fs", 10) - 1, arrowprops=dict(arrowstyle="->", lw=1))
        reg[("ann", p, j)] = [t]


def _scatter(fig, ax, pan, p, reg) -> None:
    s = pan["series"][0]
    x, y = np.array(s["x"], float), np.array(s["y"], float)
    if pan["as_line"]:
        o = np.argsort(x, kind="stable")
        arts = ax.plot(x[o], y[o], color=s["color"], lw=s["lw"], label=s["name"])
    else:
        kw = dict(c=s["c"], cmap=s["cmap"]) if s["c"] else dict(color=s["color"])
        sc = ax.scatter(x, y, s=s["s"] if s["s"] else 22, marker=s["marker"], alpha=0.8, label=s["name"], **kw)
        arts = [sc]
        if s["c"]:
            cb = fig.colorbar(sc, ax=ax, label=pan["clabel"])
            reg[("cbar", p)] = [cb.ax]
    reg[("series", p, 0)] = arts


def _panel(fig, ax, pan: dict[str, Any], p: int, reg: dict, spec: dict[str, Any]) -> None:
    kind = pan["kind"]
    pan = dict(pan, fs=spec["font_size"], pw=spec["figsize"][0] / spec["layout"][1])
    reg[("ax", p)] = ax
    reg[("kind", p)] = kind
    if kind in CAT:
        _cat(ax, pan, p, reg)
    elif kind == "scatter":
        _scatter(fig, ax, pan, p, reg)
    elif kind == "hist":
        s = pan["series"][0]
        _, _, patches = ax.hist(s["values"], bins=pan["bins"], color=s["color"], edgecolor=spec["edge"],
                                alpha=0.85, label=s["name"])
        reg[("series", p, 0)] = list(patches)
    elif kind == "box":
        s = pan["series"][0]
        bp = ax.boxplot(s["data"], tick_labels=pan["x"], patch_artist=True, widths=pan["bar_width"] * 0.7)
        for i, b in enumerate(bp["boxes"]):
            b.set_facecolor(s["color"])
            reg[("item", p, 0, i)] = [b, bp["medians"][i], *bp["whiskers"][2 * i:2 * i + 2],
                                      *bp["caps"][2 * i:2 * i + 2], bp["fliers"][i]]
        reg[("series", p, 0)] = [a for key in ("boxes", "medians", "whiskers", "caps", "fliers") for a in bp[key]]
        for i, t in enumerate(ax.get_xticklabels()):
            reg[("tick", p, i)] = [t]
    elif kind == "pie":
        s = pan["series"][0]
        out = ax.pie(s["values"], labels=pan["x"], colors=s["colors"], startangle=pan["startangle"],
                     autopct="%1.0f%%" if pan["autopct"] else None, textprops=dict(fontsize=spec["font_size"] - 1))
        parts = list(out)  # a tuple, or a PieContainer (matplotlib >= 3.11) that iterates the same way
        wedges, texts = parts[0], parts[1]
        autos = parts[2] if len(parts) > 2 else []
        for i, t in enumerate(autos):
            if i in pan["pct_override"]:
                t.set_text(pan["pct_override"][i])
            reg[("vlabel", p, i)] = [t]
        for i, w in enumerate(wedges):
            reg[("item", p, 0, i)] = [w]
            reg[("tick", p, i)] = [texts[i]]
        reg[("series", p, 0)] = list(wedges)
        ax.set_aspect("equal")
    if pan["title"]:
        reg[("title", p)] = [ax.set_title(pan["title"], fontsize=pan["title_size"])]
    if kind != "pie":
        if pan["xlabel"]:
            reg[("xlabel", p)] = [ax.set_xlabel(pan["xlabel"])]
        if pan["ylabel"]:
            reg[("ylabel", p)] = [ax.set_ylabel(pan["ylabel"])]
        ax.grid(pan["grid"])
        if pan["facecolor"]:
            ax.set_facecolor(pan["facecolor"])
        horiz = kind == "barh"
        if pan["vlog"]:
            (ax.set_xscale if horiz else ax.set_yscale)("log")
        if pan["vlim"]:
            (ax.set_xlim if horiz else ax.set_ylim)(*pan["vlim"])
        if pan["invert"]:
            (ax.invert_xaxis if horiz else ax.invert_yaxis)()
        if pan["legend"]:
            leg = ax.legend(loc=pan["legend_loc"])
            reg[("legend", p)] = [leg]


def draw(spec: dict[str, Any]) -> Figure:
    """Draw a chart spec (Agg, dpi 100); the figure is drawn once and carries ``_reg``: key -> artists."""
    with styled(spec):
        fig = Figure(figsize=spec["figsize"], dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        rows, cols = spec["layout"]
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        reg: dict = {}
        for p, ax in enumerate(axes):
            pan = spec["panels"][p] if p < len(spec["panels"]) else None
            if pan is None:
                ax.remove()
            else:
                _panel(fig, ax, pan, p, reg, spec)
        if spec["suptitle"]:
            reg[("suptitle",)] = [fig.suptitle(spec["suptitle"], fontsize=spec["font_size"] + 3)]
        fig.canvas.draw()
    fig._reg = reg
    return fig


def pixels(fig: Figure) -> np.ndarray:
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def png(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def box_of(fig: Figure, keys: list[tuple]) -> list[float] | None:
    """Union of the keyed artists' window extents, in image pixels (y down), padded by 3 px."""
    reg, r = fig._reg, fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    bbs = []
    for key in keys:
        if key[0] == "xy":
            p, pts = key[1], key[2]
            ax = reg.get(("ax", p))
            if ax is None:
                continue
            for a, b in pts:
                if reg[("kind", p)] == "barh":
                    a, b = b, a
                X, Y = ax.transData.transform((a, b))
                if math.isfinite(X) and math.isfinite(Y):
                    bbs.append((X - 6, Y - 6, X + 6, Y + 6))
            continue
        if key[0] in ("axes", "panel"):
            ax = reg.get(("ax", key[1]))
            if ax is None:
                continue
            bb = ax.get_window_extent(r) if key[0] == "axes" else ax.get_tightbbox(r)
            bbs.append((bb.x0, bb.y0, bb.x1, bb.y1))
            if key[0] == "panel" and ("cbar", key[1]) in reg:
                cb = reg[("cbar", key[1])][0].get_tightbbox(r)
                bbs.append((cb.x0, cb.y0, cb.x1, cb.y1))
            continue
        for art in reg.get(key, []):
            if hasattr(art, "get_xydata") and len(art.get_xydata()) == 0:
                continue  # an empty line (no fliers) reports a box at the origin
            try:
                bb = art.get_window_extent(r)
            except Exception:
                continue
            if math.isfinite(bb.x0) and (bb.width > 0 or bb.height > 0):
                bbs.append((bb.x0, bb.y0, bb.x1, bb.y1))
    if not bbs:
        return None
    b = np.array(bbs, float)
    x0, x1 = max(0.0, b[:, 0].min() - 3), min(W, b[:, 2].max() + 3)
    y0, y1 = max(0.0, H - b[:, 3].max() - 3), min(H, H - b[:, 1].min() + 3)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return [round(float(x0), 1), round(float(y0), 1), round(float(x1), 1), round(float(y1), 1)]


def union(a: list[float] | None, b: list[float] | None) -> list[float] | None:
    if a is None or b is None:
        return a or b
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def diff_mask(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > 30


def in_box(mask: np.ndarray, box: list[float]) -> int:
    x0, y0, x1, y1 = (int(math.floor(box[0])) - 4, int(math.floor(box[1])) - 4, int(math.ceil(box[2])) + 4,
                      int(math.ceil(box[3])) + 4)
    return int(mask[max(0, y0):y1, max(0, x0):x1].sum())


# ---------------------------------------------------------------- injections: spec -> edit (or None)

def live(spec, kinds=None, pred: Callable[[dict], bool] | None = None) -> list[int]:
    return [p for p, pan in enumerate(spec["panels"]) if pan is not None and (kinds is None or pan["kind"] in kinds)
            and (pred is None or pred(pan))]


def pick_series(spec, rng, kinds=None, pred: Callable[[dict], bool] | None = None):
    """A random live panel (of ``kinds``, passing ``pred``) and one of its series: (panel index, panel, series index,
    series), or None."""
    ps = live(spec, kinds, pred)
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    k = rng.randrange(len(pan["series"]))
    return p, pan, k, pan["series"][k]


def where(spec, p: int, what: str) -> str:
    return f"subplot {p + 1}, {what}" if len(spec["panels"]) > 1 else what


def edit(spec, cat, sev, location, desc, after=(), before=(), touches=()) -> dict[str, Any]:
    return {"spec": spec, "category": cat, "severity": sev, "location": location, "description": desc,
            "after": list(after), "before": list(before), "touches": list(touches)}


def _series_keys(pan, p) -> list[tuple]:
    return [("series", p, k) for k in range(len(pan["series"]))]


def cat_label(pan) -> str:
    """The category axis label (horizontal bars have it on y)."""
    return low(pan["ylabel"] if pan["kind"] == "barh" else pan["xlabel"])


def _span(vals: list[float]) -> float:
    return (max(vals) - min(vals)) or abs(max(vals)) or 1.0


def _pts(pan, k, idxs, values=None) -> list[tuple[float, float]]:
    s = pan["series"][k]
    v = values or s["values"]
    out = []
    for i in idxs:
        if 0 <= i < len(v):
            out.append((i, v[i]))
            if s.get("err") and pan["kind"] == "errorbar":
                out += [(i, v[i] - s["err"][i]), (i, v[i] + s["err"][i])]
    return out


def inj_value_changed(spec, rng):
    ps = live(spec, CAT + ("box",))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    if pan["kind"] == "box":
        s = pan["series"][0]
        i = rng.randrange(len(s["data"]))
        flat = [v for d in s["data"] for v in d]
        delta = rng.choice([-1, 1]) * rng.uniform(0.3, 0.5) * _span(flat)
        s["data"][i] = [rnd(v + delta) for v in s["data"][i]]
        return edit(spec, "data_error", 2, where(spec, p, f"box '{pan['x'][i]}'"),
                    f"the '{pan['x'][i]}' box of {low(s['name'])} is shifted by {fmt(delta)}",
                    [("item", p, 0, i)], [("item", p, 0, i)], [(p, "series")])
    k = rng.randrange(len(pan["series"]))
    s = pan["series"][k]
    i = rng.randrange(len(s["values"]))
    old = s["values"][i]
    delta = rng.uniform(0.35, 0.6) * _span(s["values"])
    new = old - delta if (rng.random() < 0.5 and not (pan["nonneg"] and old - delta <= 0)) else old + delta
    new = rnd(new)
    before_pts = _pts(pan, k, [i - 1, i, i + 1])
    s["values"][i] = new
    if pan["kind"] in BARS:
        ks = range(k, len(pan["series"])) if pan["kind"] == "stacked" else [k]
        keys = [("item", p, kk, i) for kk in ks] + [("vlabel", p, i)]
        after, before = keys, keys
    else:
        after, before = [("xy", p, _pts(pan, k, [i - 1, i, i + 1]))], [("xy", p, before_pts)]
    return edit(spec, "data_error", 2, where(spec, p, f"series '{s['name']}' at {pan['x'][i]}"),
                f"'{s['name']}' at {pan['x'][i]} is {fmt(new)} instead of {fmt(old)}", after, before,
                [(p, "series"), (p, "vlabel")])


def inj_values_changed_many(spec, rng):
    picked = pick_series(spec, rng, CAT)
    if picked is None:
        return None
    p, pan, k, s = picked
    n = len(s["values"])
    idx = sorted(rng.sample(range(n), max(2, math.ceil(n * 0.5))))
    span = _span(s["values"])
    for i in idx:
        d = rng.uniform(0.3, 0.6) * span
        v = s["values"][i]
        s["values"][i] = rnd(v + d if (pan["nonneg"] and v - d <= 0) or rng.random() < 0.5 else v - d)
    keys = _series_keys(pan, p) if pan["kind"] == "stacked" else [("series", p, k)]
    return edit(spec, "data_error", 3, where(spec, p, f"series '{s['name']}'"),
                f"{len(idx)} of {n} values of '{s['name']}' are wrong", keys + [("vlabel", p, i) for i in idx],
                keys, [(p, "series"), (p, "vlabel")])


def inj_series_missing(spec, rng):
    ps = live(spec, CAT, lambda q: len(q["series"]) >= 2)
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    k = rng.randrange(1 if pan["annotations"] else 0, len(pan["series"]))  # series 0 carries the annotation
    name = pan["series"].pop(k)["name"]
    return edit(spec, "data_error", 3, where(spec, p, f"series '{name}'"), f"series '{name}' is missing",
                [("legend", p)], [("series", p, k)], [(p, "series"), (p, "legend"), (p, "ann")])


def _free_color(spec, pan, avoid=()) -> str:
    used = {s.get("color") for s in pan["series"]} | set(avoid)
    for c in spec["palette"] + FAR:
        if c not in used:
            return c
    return "#000000"


def inj_series_extra(spec, rng):
    ps = live(spec, ("line", "bar", "area", "step", "stacked", "errorbar"),
              lambda q: q["alts"] and len(q["series"]) < 4)
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    alts = [a for a in pan["alts"] if pan["kind"] != "stacked" or min(a["values"]) >= 0]
    alts = [a for a in alts if pan["kind"] != "errorbar" or a["err"]]
    if not alts:
        return None
    a = rng.choice(alts[:2])  # same-scale columns come first
    ref = pan["series"][-1]
    pan["series"].append({"name": a["name"], "values": list(a["values"]), "err": a["err"],
                          "color": _free_color(spec, pan), "ls": ref["ls"], "marker": ref["marker"], "lw": ref["lw"],
                          "labels": {}})
    pan["value_labels"] = False
    return edit(spec, "data_error", 2, where(spec, p, "plot area"), f"an extra series '{a['name']}' is plotted",
                [("series", p, len(pan["series"]) - 1)], [], [(p, "series"), (p, "legend"), (p, "vlabel")])


def inj_trend_reversed(spec, rng):
    def ok(q):
        return any(sum(abs(a - b) for a, b in zip(s["values"], s["values"][::-1])) >
                   0.3 * len(s["values"]) * _span(s["values"]) for s in q["series"])
    ps = live(spec, LINEISH + ("bar",), ok)
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    ks = [k for k, s in enumerate(pan["series"]) if sum(abs(a - b) for a, b in zip(s["values"], s["values"][::-1]))
          > 0.3 * len(s["values"]) * _span(s["values"])]
    k = rng.choice(ks)
    s = pan["series"][k]
    s["values"] = s["values"][::-1]
    if s.get("err"):
        s["err"] = s["err"][::-1]
    return edit(spec, "data_error", 3, where(spec, p, f"series '{s['name']}'"),
                f"the trend of '{s['name']}' is reversed (values in reverse order of {cat_label(pan) or 'x'})",
                [("series", p, k)], [("series", p, k)], [(p, "series"), (p, "vlabel"), (p, "ann")])


def inj_series_order_shuffled(spec, rng):
    picked = pick_series(spec, rng, BARS)
    if picked is None:
        return None
    p, pan, k, s = picked
    n = len(s["values"])
    span = _span(s["values"])
    for _ in range(30):
        perm = list(range(n))
        rng.shuffle(perm)
        moved = [i for i in range(n) if abs(s["values"][perm[i]] - s["values"][i]) > 0.15 * span]
        if len(moved) >= max(2, n // 2):
            break
    else:
        return None
    s["values"] = [s["values"][perm[i]] for i in range(n)]
    ks = range(k, len(pan["series"])) if pan["kind"] == "stacked" else [k]
    keys = [("item", p, kk, i) for kk in ks for i in moved] + [("vlabel", p, i) for i in moved]
    return edit(spec, "data_error", 2, where(spec, p, f"series '{s['name']}'"),
                f"the values of '{s['name']}' are shuffled across {cat_label(pan) or 'categories'} "
                f"({len(moved)} bars wrong)", keys, keys, [(p, "series"), (p, "vlabel")])


def inj_hist_bins(spec, rng):
    ps = live(spec, ("hist",))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    b = pan["bins"]
    nb = rng.choice([c for c in (5, 6, 40, 50, 60) if max(c / b, b / c) >= 1.8])
    pan["bins"] = nb
    sev = 2 if max(nb / b, b / nb) >= 3 else 1
    return edit(spec, "data_error", sev, where(spec, p, "histogram"), f"{nb} bins instead of {b}",
                [("series", p, 0)], [("series", p, 0)], [(p, "series")])


def inj_pie_values(spec, rng):
    ps = live(spec, ("pie",))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    v = pan["series"][0]["values"]
    pairs = [(i, j) for i in range(len(v)) for j in range(i + 1, len(v)) if max(v[i], v[j]) >= 1.6 * min(v[i], v[j])]
    if pairs and rng.random() < 0.5:
        i, j = rng.choice(pairs)
        v[i], v[j] = v[j], v[i]
        desc = f"the slices '{pan['x'][i]}' and '{pan['x'][j]}' have each other's values"
    else:
        i = rng.randrange(len(v))
        old = v[i]
        v[i] = rnd(old * rng.choice([0.35, 2.2, 2.8]))
        desc = f"slice '{pan['x'][i]}' is {fmt(v[i])} instead of {fmt(old)}"
    pan["pct_override"] = {}
    return edit(spec, "data_error", 2, where(spec, p, "pie"), desc, [("series", p, 0)], [],
                [(p, "series"), (p, "vlabel"), (p, "ticks")])


def inj_scatter_subset_dropped(spec, rng):
    ps = live(spec, ("scatter",), lambda q: not q["as_line"])
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    s = pan["series"][0]
    xs = sorted(s["x"])
    lo_side = rng.random() < 0.5
    cut = xs[int(len(xs) * (0.3 if lo_side else 0.7))]
    drop = [i for i, v in enumerate(s["x"]) if (v < cut if lo_side else v > cut)]
    if len(drop) < 8:
        return None
    pts = [(s["x"][i], s["y"][i]) for i in drop]
    keep = [i for i in range(len(s["x"])) if i not in set(drop)]
    for key in ("x", "y", "c", "s"):
        if s[key]:
            s[key] = [s[key][i] for i in keep]
    side = "lowest" if lo_side else "highest"
    return edit(spec, "data_error", 2, where(spec, p, "scatter points"),
                f"{len(drop)} points with the {side} {low(pan['xlabel'])} are missing", [], [("xy", p, pts)],
                [(p, "series")])


def inj_wrong_column(spec, rng):
    ps = live(spec, CAT + ("scatter", "hist"), lambda q: bool(q["alts"]))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    a = rng.choice(pan["alts"][:2])
    k = rng.randrange(len(pan["series"]))
    s = pan["series"][k]
    key = "y" if pan["kind"] == "scatter" else "values"
    if pan["kind"] == "stacked" and min(a["values"]) < 0:
        return None
    s[key] = list(a["values"])
    if "err" in s:
        s["err"] = a["err"]
        if pan["kind"] == "errorbar" and not s["err"]:
            return None
    return edit(spec, "data_error", 3, where(spec, p, f"series '{s['name']}'"),
                f"'{s['name']}' shows the {low(a['name'])} column instead", _series_keys(pan, p) + [("axes", p)],
                [("series", p, k)], [(p, "series"), (p, "vlabel"), (p, "ann"), (p, "axes")])


def _values(pan) -> list[float]:
    if pan["kind"] == "scatter":
        return pan["series"][0]["y"]
    if pan["kind"] == "hist":
        return []
    if pan["kind"] == "box":
        return [v for d in pan["series"][0]["data"] for v in d]
    if pan["kind"] == "stacked":
        return [sum(t) for t in zip(*[s["values"] for s in pan["series"]])] + [0.0]
    vals = [v for s in pan["series"] for v in s["values"]]
    return vals + ([0.0] if pan["kind"] in ("bar", "barh", "area") else [])


def inj_axis_range(spec, rng):
    ps = live(spec, CAT + ("scatter", "box"), lambda q: not q["vlog"] and not q["vlim"])
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    v = _values(pan)
    lo, hi = min(v), max(v)
    span = hi - lo or 1.0
    if rng.random() < 0.6:
        lim = [rnd(lo), rnd(lo + 0.6 * span)]
        desc = f"the value axis stops at {fmt(lim[1])}, cutting off the data above it (max {fmt(hi)})"
    else:
        lim = [rnd(lo - 1.2 * span), rnd(hi + 1.2 * span)]
        desc = f"the value axis spans {fmt(lim[0])} to {fmt(lim[1])}, squashing the data"
    pan["vlim"] = lim
    return edit(spec, "data_error", 2, where(spec, p, "value axis range"), desc, [("axes", p)], [],
                [(p, "axes"), (p, "series"), (p, "ann")])


def inj_log_scale(spec, rng):
    def ok(q):
        v = q["series"][0]["values"] if q["kind"] == "hist" else _values(q)
        if q["kind"] == "hist":
            return True
        pos = [a for a in v if a != 0.0 or q["kind"] not in ("bar", "barh", "area")]
        return pos and min(pos) > 0 and max(pos) / min(pos) > 3
    ps = live(spec, ("line", "bar", "barh", "step", "errorbar", "scatter", "hist"),
              lambda q: not q["vlog"] and not q["vlim"] and ok(q))
    if not ps:
        return None
    p = rng.choice(ps)
    spec["panels"][p]["vlog"] = True
    return edit(spec, "data_error", 2, where(spec, p, "value axis"), "the value axis uses a logarithmic scale",
                [("axes", p)], [], [(p, "axes"), (p, "series"), (p, "ann")])


def KIND_TOUCH(p: int) -> list[tuple]:
    return [(p, a) for a in ("series", "axes", "ticks", "vlabel", "ann", "kind")]


def _kind_change(spec, rng, kinds, new, desc_fn, pred=None):
    ps = live(spec, kinds, pred)
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    old = pan["kind"]
    if old == "barh" or new == "barh":
        pan["xlabel"], pan["ylabel"] = pan["ylabel"], pan["xlabel"]
    pan["kind"] = new
    pan["value_labels"] = pan["value_labels"] and new in ("bar", "barh")
    return edit(spec, "structure_error", 3, where(spec, p, "chart type"), desc_fn(old, pan), [("axes", p)], [],
                KIND_TOUCH(p))


def inj_bar_to_line(spec, rng):
    return _kind_change(spec, rng, BARS, "line", lambda o, q: "drawn as a line chart instead of a bar chart")


def inj_line_to_bar(spec, rng):
    return _kind_change(spec, rng, ("line", "step", "area"), "bar",
                        lambda o, q: f"drawn as a bar chart instead of a{'n' if o == 'area' else ''} {o} chart")


def inj_line_to_scatter(spec, rng):
    return _kind_change(spec, rng, ("line", "step"), "dots",
                        lambda o, q: "points drawn unconnected (scatter) instead of a line chart")


def inj_scatter_to_line(spec, rng):
    ps = live(spec, ("scatter",), lambda q: not q["as_line"])
    if not ps:
        return None
    p = rng.choice(ps)
    spec["panels"][p]["as_line"] = True
    return edit(spec, "structure_error", 3, where(spec, p, "chart type"),
                "points joined into a line instead of a scatter plot", [("panel", p)], [], KIND_TOUCH(p))


def inj_bar_to_barh(spec, rng):
    if rng.random() < 0.5 and live(spec, ("barh",)):
        return _kind_change(spec, rng, ("barh",), "bar", lambda o, q: "vertical bars instead of horizontal bars")
    return _kind_change(spec, rng, ("bar",), "barh", lambda o, q: "horizontal bars instead of vertical bars")


def inj_pie_to_bar(spec, rng):
    e = _kind_change(spec, rng, ("pie",), "bar", lambda o, q: "a bar chart instead of a pie chart")
    if e:
        for p, pan in enumerate(e["spec"]["panels"]):
            if pan is not None and pan["kind"] == "bar" and "autopct" in pan:
                pan.update(xlabel="", ylabel="", legend=False, grid=False, annotations=[], value_labels=False,
                           alts=[])
                pan["series"][0]["labels"] = {}
                pan["series"][0]["err"] = None
    return e


def inj_subplot_missing(spec, rng):
    ps = live(spec)
    if len(ps) < 2:
        return None
    p = rng.choice(ps)
    kind = spec["panels"][p]["kind"]
    if spec["layout"] in ([1, 2], [2, 1]):
        spec["panels"] = [q for j, q in enumerate(spec["panels"]) if j != p]
        spec["layout"] = [1, 1]
    else:
        spec["panels"][p] = None
    return edit(spec, "structure_error", 3, f"subplot {p + 1}", f"subplot {p + 1} ({kind} chart) is missing",
                [], [("panel", p)], [("layout", "*")])


def inj_subplots_swapped(spec, rng):
    ps = live(spec)
    if len(ps) < 2:
        return None
    a, b = sorted(rng.sample(ps, 2))
    spec["panels"][a], spec["panels"][b] = spec["panels"][b], spec["panels"][a]
    return edit(spec, "structure_error", 2, f"subplots {a + 1} and {b + 1}",
                f"subplots {a + 1} and {b + 1} are swapped", [("panel", a), ("panel", b)], [], [("layout", "*")])


def inj_subplot_arrangement(spec, rng):
    lay = spec["layout"]
    if lay == [2, 2]:
        spec["layout"] = [1, 4]
        desc = "the four subplots are in one row (1x4) instead of a 2x2 grid"
    elif lay in ([1, 2], [2, 1]):
        spec["layout"] = lay[::-1]
        desc = ("the subplots are stacked vertically instead of side by side" if lay == [1, 2]
                else "the subplots are side by side instead of stacked vertically")
    else:
        return None
    keys = [("panel", p) for p in live(spec)]
    return edit(spec, "structure_error", 2, "subplot layout", desc, keys, [], [("layout", "*")])


def inj_stacked_grouped(spec, rng):
    ps = live(spec, ("stacked",)) + live(spec, ("bar",), lambda q: len(q["series"]) >= 2 and q["nonneg"])
    if not ps:
        return None
    p = rng.choice(sorted(ps))
    pan = spec["panels"][p]
    old = pan["kind"]
    pan["kind"] = "bar" if old == "stacked" else "stacked"
    pan["value_labels"] = False
    desc = "grouped bars instead of stacked bars" if old == "stacked" else "stacked bars instead of grouped bars"
    return edit(spec, "structure_error", 2, where(spec, p, "bars"), desc, [("axes", p)], [], KIND_TOUCH(p))


def inj_axis_inverted(spec, rng):
    ps = live(spec, CAT + ("scatter", "hist", "box"), lambda q: not q["invert"])
    if not ps:
        return None
    p = rng.choice(ps)
    spec["panels"][p]["invert"] = True
    return edit(spec, "data_error", 2, where(spec, p, "value axis"), "the value axis is inverted",
                [("axes", p)], [], [(p, "axes"), (p, "series"), (p, "ann")])


def _titles(spec) -> list[tuple]:
    out = [(("title", p), p) for p in live(spec, pred=lambda q: bool(q["title"]))]
    return out + ([(("suptitle",), None)] if spec["suptitle"] else [])


def inj_title_changed(spec, rng):
    opts = _titles(spec)
    if not opts:
        return None
    key, p = rng.choice(opts)
    if p is None:
        old = spec["suptitle"]
        others = [h for h in ("Summary", "Overview", "Report", "Data") if h not in old]
        first = spec["panels"][live(spec)[0]]
        new = f"{old} {rng.choice(others)}" if rng.random() < 0.5 else rng.choice(first["alt_titles"] or ["Overview"])
        spec["suptitle"] = new
        loc = "figure title"
    else:
        pan = spec["panels"][p]
        old = pan["title"]
        cands = [t for t in pan["alt_titles"] if t != old]
        if not cands:
            return None
        new = rng.choice(cands)
        pan["title"] = new
        loc = where(spec, p, "title")
    return edit(spec, "text_error", 2, loc, f"title reads '{new}' instead of '{old}'", [key], [key],
                [(p if p is not None else "fig", "title")])


def inj_title_missing(spec, rng):
    opts = _titles(spec)
    if not opts:
        return None
    key, p = rng.choice(opts)
    if p is None:
        old, spec["suptitle"], loc = spec["suptitle"], "", "figure title"
    else:
        old = spec["panels"][p]["title"]
        spec["panels"][p]["title"] = ""
        loc = where(spec, p, "title")
    return edit(spec, "text_error", 2, loc, f"the title '{old}' is missing", [], [key],
                [(p if p is not None else "fig", "title")])


def _labels(spec) -> list[tuple[int, str]]:
    return [(p, ax) for p in live(spec) for ax in ("xlabel", "ylabel")
            if spec["panels"][p]["kind"] != "pie" and spec["panels"][p][ax]]


def inj_axis_label_changed(spec, rng):
    opts = _labels(spec)
    if not opts:
        return None
    p, which = rng.choice(opts)
    pan = spec["panels"][p]
    old = pan[which]
    cands = [t for t in pan["alt_labels"] if t.lower() != old.lower() and t != pan["xlabel"] and t != pan["ylabel"]]
    if not cands:
        return None
    pan[which] = rng.choice(cands)
    return edit(spec, "text_error", 2, where(spec, p, f"{which[0]}-axis label"),
                f"{which[0]}-axis label reads '{pan[which]}' instead of '{old}'", [(which, p)], [(which, p)],
                [(p, which)])


def inj_axis_label_missing(spec, rng):
    opts = _labels(spec)
    if not opts:
        return None
    p, which = rng.choice(opts)
    old = spec["panels"][p][which]
    spec["panels"][p][which] = ""
    return edit(spec, "text_error", 1, where(spec, p, f"{which[0]}-axis label"),
                f"the {which[0]}-axis label '{old}' is missing", [], [(which, p)], [(p, which)])


def inj_tick_labels_changed(spec, rng):
    ps = live(spec, CAT + ("box", "pie"))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    n = len(pan["x"])
    pool = [t for t in pan["pool"] if t not in pan["x"]]
    if pool and rng.random() < 0.6:
        idx = sorted(rng.sample(range(n), min(n, rng.choice([1, 2]))))
        olds = [pan["x"][i] for i in idx]
        for i in idx:
            pan["x"][i] = pool.pop(rng.randrange(len(pool))) if pool else pan["x"][i]
        desc = "; ".join(f"'{pan['x'][i]}' instead of '{o}'" for i, o in zip(idx, olds))
    else:
        i, j = sorted(rng.sample(range(n), 2))
        pan["x"][i], pan["x"][j] = pan["x"][j], pan["x"][i]
        idx = [i, j]
        desc = f"category labels '{pan['x'][j]}' and '{pan['x'][i]}' are swapped"
    what = "wedge labels" if pan["kind"] == "pie" else "tick labels"
    keys = [("tick", p, i) for i in idx]
    return edit(spec, "text_error", 2, where(spec, p, what), desc, keys, keys, [(p, "ticks")])


def inj_legend_entry_renamed(spec, rng):
    picked = pick_series(spec, rng, pred=lambda q: q["legend"] and q["kind"] != "pie")
    if picked is None:
        return None
    p, pan, k, s = picked
    names = [s2["name"] for s2 in pan["series"]]
    cands = [a["name"] for a in pan["alts"] if a["name"] not in names]  # another series' name first
    cands = cands or [t for t in pan["alt_labels"] if t not in names and t.lower() != s["name"].lower()]
    if not cands:
        return None
    old, s["name"] = s["name"], rng.choice(cands[:6])
    return edit(spec, "text_error", 2, where(spec, p, "legend"),
                f"legend entry '{s['name']}' should read '{old}'", [("legend", p)], [("legend", p)],
                [(p, "legend"), (p, "series")])


def inj_legend_missing(spec, rng):
    ps = live(spec, pred=lambda q: q["legend"] and q["kind"] != "pie")
    if not ps:
        return None
    p = rng.choice(ps)
    spec["panels"][p]["legend"] = False
    return edit(spec, "text_error", 2, where(spec, p, "legend"), "the legend is missing", [], [("legend", p)],
                [(p, "legend")])


ANN_SWAP = {"peak": "low", "max": "min", "high": "low"}


def inj_annotation_text_changed(spec, rng):
    ps = live(spec, pred=lambda q: bool(q["annotations"]))
    if not ps:
        return None
    p = rng.choice(ps)
    a = spec["panels"][p]["annotations"][0]
    old = a["word"]
    a["word"] = rng.choice([ANN_SWAP[old], "average", "minimum"])
    return edit(spec, "text_error", 1, where(spec, p, "annotation"),
                f"annotation says '{a['word']} {a['num']}' instead of '{old} {a['num']}'", [("ann", p, 0)],
                [("ann", p, 0)], [(p, "ann")])


def inj_annotation_missing(spec, rng):
    ps = live(spec, pred=lambda q: bool(q["annotations"]))
    if not ps:
        return None
    p = rng.choice(ps)
    a = spec["panels"][p]["annotations"].pop(0)
    return edit(spec, "text_error", 1, where(spec, p, "annotation"),
                f"the annotation '{a['word']} {a['num']}' is missing", [], [("ann", p, 0)], [(p, "ann")])


def _wrong_number(text: str, rng) -> str:
    v = to_float(text.replace(",", "").rstrip("%"))
    if v is None:
        return text + "0"
    new = v * rng.choice([1.35, 0.6, 2.0])
    if text.endswith("%"):
        return f"{new:.0f}%" if f"{new:.0f}%" != text else f"{v + 7:.0f}%"
    return fmt(new) if fmt(new) != text else fmt(v + 10)


def inj_wrong_number_label(spec, rng):
    opts = []
    for p in live(spec):
        pan = spec["panels"][p]
        if pan["annotations"]:
            opts.append(("ann", p))
        if pan["value_labels"] and pan["kind"] in ("bar", "barh") and len(pan["series"]) == 1:
            opts.append(("vlabel", p))
        if pan["kind"] == "pie" and pan["autopct"]:
            opts.append(("pct", p))
    if not opts:
        return None
    what, p = rng.choice(opts)
    pan = spec["panels"][p]
    if what == "ann":
        a = pan["annotations"][0]
        old, a["num"] = a["num"], _wrong_number(a["num"], rng)
        return edit(spec, "text_error", 2, where(spec, p, "annotation"),
                    f"annotation number {a['num']} should be {old}", [("ann", p, 0)], [("ann", p, 0)],
                    [(p, "ann")])
    if what == "vlabel":
        s = pan["series"][0]
        i = rng.randrange(len(s["values"]))
        old = fmt(s["values"][i])
        s["labels"][i] = _wrong_number(old, rng)
        return edit(spec, "text_error", 2, where(spec, p, f"value label of {pan['x'][i]}"),
                    f"bar label shows {s['labels'][i]} but the value is {old}", [("vlabel", p, i)],
                    [("vlabel", p, i)], [(p, "vlabel")])
    v = pan["series"][0]["values"]
    i = rng.randrange(len(v))
    old = f"{100 * v[i] / sum(v):.0f}%"
    pan["pct_override"][i] = _wrong_number(old, rng)
    return edit(spec, "text_error", 2, where(spec, p, f"percentage of '{pan['x'][i]}'"),
                f"slice '{pan['x'][i]}' is labelled {pan['pct_override'][i]} instead of {old}", [("vlabel", p, i)],
                [("vlabel", p, i)], [(p, "vlabel")])


def _rgb(c: str) -> np.ndarray:
    return np.array(matplotlib.colors.to_rgb(c)) * 255


def _far_color(old: str, avoid) -> str:
    best = max((c for c in FAR if c not in avoid), key=lambda c: float(np.abs(_rgb(c) - _rgb(old)).sum()))
    return best


def inj_series_color(spec, rng):
    ps = live(spec, pred=lambda q: not (q["kind"] == "scatter" and q["series"][0]["c"]))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    if pan["kind"] == "pie":
        cols = pan["series"][0]["colors"]
        i = rng.randrange(len(cols))
        old = cols[i]
        cols[i] = _far_color(old, cols)
        return edit(spec, "style_error", 1, where(spec, p, f"wedge '{pan['x'][i]}'"),
                    f"wedge '{pan['x'][i]}' is coloured {cols[i]} instead of {old}", [("item", p, 0, i)], [],
                    [(p, "series")])
    k = rng.randrange(len(pan["series"]))
    s = pan["series"][k]
    old = s["color"]
    if s.get("colors"):
        s["colors"] = None
    s["color"] = _far_color(old, [q["color"] for q in pan["series"]])
    sev = 2 if pan["legend"] and len(pan["series"]) > 1 else 1
    return edit(spec, "style_error", sev, where(spec, p, f"series '{s['name']}'"),
                f"'{s['name']}' is drawn in {s['color']} instead of {old}",
                [("series", p, k)] + ([("legend", p)] if pan["legend"] else []), [],
                [(p, "series"), (p, "legend")])


def inj_palette_changed(spec, rng):
    ps = live(spec, pred=lambda q: len(q["series"]) >= 2 or q["kind"] == "pie" or (q["kind"] == "scatter" and
                                                                                  q["series"][0]["c"]))
    if not ps:
        return None
    new = PALETTES[rng.choice([k for k in sorted(PALETTES) if PALETTES[k] != spec["palette"]])]
    keys, touches = [], []
    for p in live(spec):
        pan = spec["panels"][p]
        if pan["kind"] == "pie":
            s = pan["series"][0]
            s["colors"] = [new[j % len(new)] if new[j % len(new)] != c else FAR[j] for j, c in enumerate(s["colors"])]
        elif pan["kind"] == "scatter" and pan["series"][0]["c"]:
            s = pan["series"][0]
            s["cmap"] = rng.choice([c for c in CMAPS if c != s["cmap"]])
            keys.append(("cbar", p))
        else:
            for j, s in enumerate(pan["series"]):
                j0 = spec["palette"].index(s["color"]) if s["color"] in spec["palette"] else j
                s["color"] = new[j0 % len(new)] if new[j0 % len(new)] != s["color"] else FAR[j]
                if s.get("colors"):
                    s["colors"] = None
        keys += _series_keys(pan, p) + [("legend", p)]
        touches += [(p, "series"), (p, "legend")]
    spec["palette"] = new
    return edit(spec, "style_error", 2, "all subplots" if len(spec["panels"]) > 1 else "plot area",
                "a different colour palette is used", keys, [], touches)


def inj_linestyle_changed(spec, rng):
    ps = live(spec, LINEISH, lambda q: any(s["ls"] == "-" for s in q["series"]))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    k = rng.choice([k for k, s in enumerate(pan["series"]) if s["ls"] == "-"])
    pan["series"][k]["ls"] = rng.choice(["--", ":", "-."])
    name = pan["series"][k]["name"]
    return edit(spec, "style_error", 1, where(spec, p, f"series '{name}'"),
                f"'{name}' is drawn with a '{pan['series'][k]['ls']}' line instead of a solid one",
                [("series", p, k)], [], [(p, "series"), (p, "legend")])


def inj_marker_changed(spec, rng):
    ps = live(spec, ("line", "step", "errorbar", "scatter", "dots"), lambda q: not q.get("as_line"))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    k = rng.randrange(len(pan["series"]))
    s = pan["series"][k]
    old = s["marker"] or ("o" if pan["kind"] in ("errorbar", "dots") else None)
    s["marker"] = rng.choice([m for m in ("o", "s", "^", "x", "D", "*") if m != old])
    if old is None and pan["kind"] in ("line", "step"):
        desc = f"'{s['name']}' has '{s['marker']}' markers that the reference does not have"
    else:
        desc = f"'{s['name']}' uses '{s['marker']}' markers instead of '{old}'"
    return edit(spec, "style_error", 1, where(spec, p, f"series '{s['name']}'"), desc, [("series", p, k)], [],
                [(p, "series"), (p, "legend")])


def inj_line_width_changed(spec, rng):
    ps = live(spec, LINEISH)
    ps += live(spec, ("scatter",), lambda q: q["as_line"])
    if not ps:
        return None
    p = rng.choice(sorted(ps))
    pan = spec["panels"][p]
    k = rng.randrange(len(pan["series"]))
    s = pan["series"][k]
    old = s["lw"]
    s["lw"] = 0.6 if old >= 2.0 and rng.random() < 0.5 else 5.0
    return edit(spec, "style_error", 1, where(spec, p, f"series '{s['name']}'"),
                f"'{s['name']}' line width is {s['lw']} instead of {old}", [("series", p, k)], [],
                [(p, "series"), (p, "legend")])


def inj_grid_toggled(spec, rng):
    ps = live(spec, pred=lambda q: q["kind"] != "pie")
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    pan["grid"] = not pan["grid"]
    return edit(spec, "style_error", 1, where(spec, p, "grid"),
                "grid lines are shown that the reference does not have" if pan["grid"]
                else "the grid lines are missing",
                [("axes", p)], [], [(p, "axes")])


def inj_background_color(spec, rng):
    ps = live(spec, pred=lambda q: q["kind"] != "pie" and not q["facecolor"])
    if not ps:
        return None
    p = rng.choice(ps)
    dark = spec["style"] == "dark_background"
    c = rng.choice(["#1f3b5a", "#4a1f1f", "#2f4f2f"] if dark else ["#fff0c8", "#dbe8ff", "#d9d9d9", "#f6dcef"])
    spec["panels"][p]["facecolor"] = c
    return edit(spec, "style_error", 1, where(spec, p, "plot background"), f"plot background is {c}",
                [("axes", p)], [], [(p, "axes")])


def inj_legend_moved(spec, rng):
    ps = live(spec, pred=lambda q: q["legend"] and q["kind"] != "pie")
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    old = pan["legend_loc"]
    pan["legend_loc"] = rng.choice([c for c in CORNERS if c.split()[0] != old.split()[0] and c.split()[1] !=
                                    old.split()[1]] or [c for c in CORNERS if c != old])
    return edit(spec, "style_error", 1, where(spec, p, "legend"),
                f"legend is in the {pan['legend_loc']} corner instead of {old}", [("legend", p)], [("legend", p)],
                [(p, "legend")])


def inj_title_font_size(spec, rng):
    ps = live(spec, pred=lambda q: bool(q["title"]))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    old = pan["title_size"]
    pan["title_size"] = round(old * (1.6 if rng.random() < 0.6 else 0.62), 1)
    return edit(spec, "text_error", 1, where(spec, p, "title"),
                f"title font size is {pan['title_size']} pt instead of {old} pt", [("title", p)], [("title", p)],
                [(p, "title")])


def inj_bar_width(spec, rng):
    ps = live(spec, BARS + ("box",))
    if not ps:
        return None
    p = rng.choice(ps)
    pan = spec["panels"][p]
    old = pan["bar_width"]
    pan["bar_width"] = 0.3 if old >= 0.7 else 0.95
    keys = _series_keys(pan, p)
    return edit(spec, "style_error", 1, where(spec, p, "bars" if pan["kind"] != "box" else "boxes"),
                f"{'bar' if pan['kind'] != 'box' else 'box'} width is {pan['bar_width']} instead of {old}", keys, keys,
                [(p, "series"), (p, "vlabel"), (p, "ann")])


INJECTIONS: dict[str, tuple[str, Callable]] = {
    "value_changed": ("data_error", inj_value_changed),
    "values_changed_many": ("data_error", inj_values_changed_many),
    "series_missing": ("data_error", inj_series_missing),
    "series_extra": ("data_error", inj_series_extra),
    "trend_reversed": ("data_error", inj_trend_reversed),
    "series_order_shuffled": ("data_error", inj_series_order_shuffled),
    "hist_bins": ("data_error", inj_hist_bins),
    "pie_values": ("data_error", inj_pie_values),
    "scatter_subset_dropped": ("data_error", inj_scatter_subset_dropped),
    "wrong_column": ("data_error", inj_wrong_column),
    "axis_range": ("data_error", inj_axis_range),
    "log_scale": ("data_error", inj_log_scale),
    "bar_to_line": ("structure_error", inj_bar_to_line),
    "line_to_bar": ("structure_error", inj_line_to_bar),
    "line_to_scatter": ("structure_error", inj_line_to_scatter),
    "scatter_to_line": ("structure_error", inj_scatter_to_line),
    "bar_to_barh": ("structure_error", inj_bar_to_barh),
    "pie_to_bar": ("structure_error", inj_pie_to_bar),
    "subplot_missing": ("structure_error", inj_subplot_missing),
    "subplots_swapped": ("structure_error", inj_subplots_swapped),
    "subplot_arrangement": ("structure_error", inj_subplot_arrangement),
    "stacked_grouped": ("structure_error", inj_stacked_grouped),
    "axis_inverted": ("data_error", inj_axis_inverted),
    "title_changed": ("text_error", inj_title_changed),
    "title_missing": ("text_error", inj_title_missing),
    "axis_label_changed": ("text_error", inj_axis_label_changed),
    "axis_label_missing": ("text_error", inj_axis_label_missing),
    "tick_labels_changed": ("text_error", inj_tick_labels_changed),
    "legend_entry_renamed": ("text_error", inj_legend_entry_renamed),
    "legend_missing": ("text_error", inj_legend_missing),
    "annotation_text_changed": ("text_error", inj_annotation_text_changed),
    "annotation_missing": ("text_error", inj_annotation_missing),
    "wrong_number_label": ("text_error", inj_wrong_number_label),
    "series_color": ("style_error", inj_series_color),
    "palette_changed": ("style_error", inj_palette_changed),
    "linestyle_changed": ("style_error", inj_linestyle_changed),
    "marker_changed": ("style_error", inj_marker_changed),
    "line_width_changed": ("style_error", inj_line_width_changed),
    "grid_toggled": ("style_error", inj_grid_toggled),
    "background_color": ("style_error", inj_background_color),
    "legend_moved": ("style_error", inj_legend_moved),
    "title_font_size": ("text_error", inj_title_font_size),
    "bar_width": ("style_error", inj_bar_width),
}


# ---------------------------------------------------------------- one reference (runs in a child)

def _conflict(a: list[tuple], b: list[tuple]) -> bool:
    for p1, s1 in a:
        for p2, s2 in b:
            if (p1 == "*" or p2 == "*" or p1 == p2) and (s1 == "*" or s2 == "*" or s1 == s2):
                return True
    return False


def apply(name: str, spec: dict[str, Any], seed: str) -> dict[str, Any] | None:
    e = INJECTIONS[name][1](copy.deepcopy(spec), random.Random(seed))
    if e is not None:
        e["name"] = name
    return e


def _error(e: dict[str, Any], box: list[float]) -> dict[str, Any]:
    return {"category": e["category"], "severity": e["severity"], "location": e["location"],
            "description": e["description"], "bbox": box}


def try_single(name, spec, seed, ref_fig, ref_img):
    """An edit that shows: enough changed pixels overall and inside its box."""
    e = apply(name, spec, seed)
    if e is None:
        return None
    fig = draw(e["spec"])
    img = pixels(fig)
    if img.shape != ref_img.shape:
        return None
    mask = diff_mask(ref_img, img)
    box = union(box_of(fig, e["after"]), box_of(ref_fig, e["before"]))
    if mask.sum() < 40 or box is None or in_box(mask, box) < 10:
        return None
    return e, fig, img, box


def control(spec, fig, ref_img, rng) -> tuple[np.ndarray, dict[str, Any]]:
    r = rng.random()
    if r < 0.45:
        dpi = rng.choice([72, 150, 200])
        buf = io.BytesIO()
        with styled(spec):
            fig.savefig(buf, format="png", dpi=dpi, facecolor=fig.get_facecolor())
        return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")), {"control_dpi": dpi}
    if r < 0.75:
        buf = io.BytesIO()
        Image.fromarray(ref_img).save(buf, format="JPEG", quality=85)
        return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")), {"control_kind": "jpeg85"}
    m = rng.randint(3, 10)
    img = ImageOps.expand(Image.fromarray(ref_img), border=m, fill=(255, 255, 255))
    return np.asarray(img), {"control_kind": f"margin{m}"}


def build_reference(seed: int, attempt: int, used: dict[str, int]) -> dict[str, Any]:
    """One reference and its four candidates; ``used`` (injection -> count so far) puts rarer injections first."""
    rng = random.Random(f"codeset:{seed}:{attempt}")
    spec = make_spec(rng, VIEWS)
    ref_fig = draw(spec)
    ref_img = pixels(ref_fig)
    rot = attempt % len(ORDER)
    order = ORDER[rot:] + ORDER[:rot]
    names = sorted(INJECTIONS, key=lambda k: (used.get(k, 0) + 3 * rng.random(), k))
    by_cat = {c: [n for n in names if INJECTIONS[n][0] == c] for c in ORDER}
    singles = []
    used_cats: list[str] = []
    for slot in range(2):
        cats = [c for c in order if c not in used_cats] + [c for c in order if c in used_cats]
        found = None
        for c in cats:
            for name in by_cat[c]:
                if any(s[0]["name"] == name for s in singles):
                    continue
                sd = f"{seed}:{attempt}:{name}:{slot}"
                got = try_single(name, spec, sd, ref_fig, ref_img)
                if got:
                    found = (got[0], got[3], got[2], got[1])
                    break
            if found:
                break
        if not found:
            raise RuntimeError("no visible injection")
        singles.append(found)
        used_cats.append(found[0]["category"])
    # multi: single0's very edit plus 1-2 non-conflicting ones, each visible at its own step
    e0, _, img0, fig0 = singles[0]
    want = rng.choice([1, 2])
    steps = [e0]
    step_spec, step_fig, step_img = e0["spec"], fig0, img0
    extra_boxes = []
    for name in names:
        if len(steps) > want:
            break
        if name == e0["name"] or name in ("subplot_missing", "subplots_swapped", "subplot_arrangement"):
            continue
        sd = f"{seed}:{attempt}:{name}:multi{len(steps)}"
        e = apply(name, step_spec, sd)
        if e is None or any(_conflict(e["touches"], s["touches"]) for s in steps):
            continue
        fig = draw(e["spec"])
        img = pixels(fig)
        if img.shape != ref_img.shape:
            continue
        mask = diff_mask(step_img, img)
        b_before = box_of(step_fig, e["before"])
        b_step = union(box_of(fig, e["after"]), b_before)
        if mask.sum() < 40 or b_step is None or in_box(mask, b_step) < 10:
            continue
        steps.append(e)
        extra_boxes.append(b_before)
        step_spec, step_fig, step_img = e["spec"], fig, img
    if len(steps) < 2:
        raise RuntimeError("no multi")
    final_mask = diff_mask(ref_img, step_img)
    m_errors = []
    for j, e in enumerate(steps):
        before = box_of(ref_fig, e["before"]) if j == 0 else extra_boxes[j - 1]
        box = union(box_of(step_fig, e["after"]), before)
        if box is None or in_box(final_mask, box) < 10:
            raise RuntimeError("multi error not visible in its box")
        m_errors.append(_error(e, box))
    ctrl_img, ctrl_info = control(spec, ref_fig, ref_img, rng)
    out = {"ok": True, "source": spec["table"], "control": ctrl_info,
           "images": {"ref": png(ref_img), "control": png(ctrl_img), "single0": png(singles[0][2]),
                      "single1": png(singles[1][2]), "multi": png(step_img)},
           "errors": {"single0": [_error(singles[0][0], singles[0][1])], "single1": [_error(singles[1][0],
                                                                                            singles[1][1])],
                      "multi": m_errors},
           "injections": {"single0": [singles[0][0]["name"]], "single1": [singles[1][0]["name"]],
                          "multi": [e["name"] for e in steps]}}
    return out


VIEWS: dict[str, list[dict[str, Any]]] = {}


def _child(seed: int, attempt: int, used: dict[str, int]) -> dict[str, Any]:
    warnings.simplefilter("ignore")
    try:
        return build_reference(seed, attempt, used)
    except Exception as exc:  # a bad spec: the parent draws another
        return {"ok": False, "reason": f"{type(exc).__name__}: {exc}"[:300]}


# ---------------------------------------------------------------- the set

def rank(ref_id: str, ids: dict[str, str], errors: dict[str, list[dict]]) -> list[dict[str, str]]:
    pairs = [{"reference": ref_id, "better": ids["control"], "worse": ids[k], "why": "control"}
             for k in ("single0", "single1", "multi")]
    pairs.append({"reference": ref_id, "better": ids["single0"], "worse": ids["multi"], "why": "subset"})
    seen = {(p["better"], p["worse"]) for p in pairs}
    for a in ("single0", "single1"):
        if errors[a][0]["severity"] != 1:
            continue
        for b in ("single0", "single1", "multi"):
            if b != a and any(e["severity"] == 3 for e in errors[b]) and (ids[a], ids[b]) not in seen:
                pairs.append({"reference": ref_id, "better": ids[a], "worse": ids[b], "why": "severity"})
                seen.add((ids[a], ids[b]))
    return pairs


def build(out: Path, n: int, seed: int, timeout: float, progress: bool = True) -> dict[str, Any]:
    out = Path(out)
    if (out / "images").exists():
        shutil.rmtree(out / "images")
    out.mkdir(parents=True, exist_ok=True)
    VIEWS.update(all_views())
    ctx = mp.get_context("fork")
    pool = ctx.Pool(1)
    items, ranks, skipped = [], [], []
    used: Counter = Counter()
    attempt = 0
    try:
        while len(items) // 4 < n and attempt < 6 * n + 20:
            attempt += 1
            job = pool.apply_async(_child, (seed, attempt, dict(used)))
            try:
                res = job.get(timeout)
            except mp.TimeoutError:
                pool.terminate()
                pool = ctx.Pool(1)
                res = {"ok": False, "reason": "timeout"}
            if not res.get("ok"):
                skipped.append(res.get("reason", "?"))
                if progress:
                    print(f"attempt {attempt}: skipped ({res.get('reason')})", file=sys.stderr)
                continue
            ref_id = f"code-{seed}-{len(items) // 4 + 1:04d}"
            folder = out / "images" / ref_id
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in res["images"].items():
                (folder / f"{name}.png").write_bytes(data)
            rel = f"images/{ref_id}"
            ids = {k: f"{ref_id}-{k}" for k in ("control", "single0", "single1", "multi")}
            src = f"vega_datasets:{res['source']}"
            for k in ("control", "single0", "single1", "multi"):
                it = {"id": ids[k], "category": "chart", "gt_img_path": f"{rel}/ref.png",
                      "pred_img_path": f"{rel}/{k}.png", "human_errors": res["errors"].get(k, []),
                      "kind": k.rstrip("01"), "source": src, "injections": res["injections"].get(k, [])}
                if k == "control":
                    it.update(res["control"])
                items.append(it)
            ranks.extend(rank(ref_id, ids, res["errors"]))
            for k in ("single0", "single1", "multi"):
                used.update(res["injections"][k])
            if progress:
                print(f"{ref_id} {src}: {res['injections']['single0']} {res['injections']['single1']} "
                      f"{res['injections']['multi']}", file=sys.stderr)
    finally:
        pool.terminate()
    with open(out / "DATA.jsonl", "w") as f:
        for it in items:
            f.write(json.dumps(it) + "\n")
    with open(out / "rank.jsonl", "w") as f:
        for r in ranks:
            f.write(json.dumps(r) + "\n")
    cats: Counter = Counter()
    inj: Counter = Counter()
    for it in items:
        cats.update(e["category"] for e in it["human_errors"])
        inj.update(it["injections"])
    from visual_erm import __version__
    manifest = {"task": "chart", "set": "codeset", "references": len(items) // 4, "items": len(items),
                "rank_pairs": len(ranks), "rank_why": dict(sorted(Counter(r["why"] for r in ranks).items())),
                "controls": sum(1 for it in items if it["kind"] == "control"),
                "errors_by_category": dict(sorted(cats.items())), "injections": dict(sorted(inj.items())),
                "config": {"n": n, "seed": seed}, "skipped_references": len(skipped),
                "sources": [table_wheel().manifest()],
                "renderer": f"matplotlib {matplotlib.__version__} Agg, dpi {DPI}",
                "visual_erm": __version__, "python": platform.python_version()}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=40, help="references (4 items each)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per reference before it is skipped")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    m = build(args.out, args.n, args.seed, args.timeout, progress=not args.quiet)
    print(json.dumps({k: m[k] for k in ("references", "items", "rank_pairs", "rank_why", "errors_by_category",
                                         "skipped_references")}))


if __name__ == "__main__":
    main()
