"""Table pairs from real data sets shipped in the vega_datasets wheel, with errors injected into the data.

A reference is a slice of a real table (a few rows and columns) written as HTML, Markdown or LaTeX (rotating) and
rendered through :func:`visual_erm.render.render_many`. Errors change the cell data or the table layout before
the code is written, never the pixels. Every item also carries ``gt_html``/``pred_html`` (the same data as plain
HTML) so that TEDS baselines can score the structure. The bbox of an error is taken from the renderer for HTML
items: the affected cells are re-rendered with a sentinel background and the sentinel's extent is read.
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import random
import re
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PIL import Image

from visual_erm.bench.build import sources
from visual_erm.bench.build.common import BuildConfig, Item, rank_pairs, write_bench

Rows = list[list[str]]
SENTINEL = (255, 0, 254)
FORMATS = ("html", "markdown", "latex")


def json_tables(source: sources.Source) -> dict[str, Rows]:
    """Flat JSON record lists inside the wheel as rows (header first)."""
    out: dict[str, Rows] = {}
    with zipfile.ZipFile(source.path) as zf:
        for name in sorted(zf.namelist()):
            if not name.endswith(".json") or "/_data/" not in name:
                continue
            try:
                recs = json.loads(zf.read(name))
            except ValueError:
                continue
            if isinstance(recs, list) and recs and isinstance(recs[0], dict):
                keys = [k for k, v in recs[0].items() if isinstance(v, (str, int, float)) or v is None]
                if len(keys) >= 2:
                    out[Path(name).stem] = [keys] + [["" if r.get(k) is None else str(r.get(k)) for k in keys]
                                                     for r in recs]
    return out


def is_number(s: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", s.strip()))


def slice_table(rows: Rows, rng: random.Random) -> Rows | None:
    header, body = rows[0], [r for r in rows[1:] if len(r) == len(rows[0]) and all(len(c) <= 24 for c in r)]
    if len(body) < 6:
        return None
    cols = list(range(len(header)))
    if len(cols) > 5:
        cols = [0] + sorted(rng.sample(cols[1:], 4))
    n = rng.randint(4, 7)
    start = rng.randrange(0, len(body) - n)
    out = [[header[c] for c in cols]] + [[body[r][c] for c in cols] for r in range(start, start + n)]
    if not any(is_number(c) for r in out[1:] for c in r):
        return None
    return out


# ---- writers ---------------------------------------------------------------------------------------------------------

def to_html(rows: Rows, *, mark: set[tuple[int, int]] = frozenset()) -> str:
    def cell(tag: str, i: int, j: int, text: str) -> str:
        style = ' style="background:#ff00fe"' if (i, j) in mark else ""
        return f"<{tag}{style}>{htmllib.escape(text)}</{tag}>"

    head = "<tr>" + "".join(cell("th", 0, j, c) for j, c in enumerate(rows[0])) + "</tr>"
    body = "".join("<tr>" + "".join(cell("td", i, j, c) for j, c in enumerate(r)) + "</tr>"
                   for i, r in enumerate(rows[1:], start=1))
    return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"


def to_markdown(rows: Rows) -> str:
    esc = [[c.replace("|", "\\|") for c in r] for r in rows]
    lines = ["| " + " | ".join(esc[0]) + " |", "|" + "|".join("---" for _ in esc[0]) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in esc[1:]]
    return "\n".join(lines)


def to_latex(rows: Rows) -> str:
    def esc(s: str) -> str:
        return re.sub(r"([&%$#_{}])", r"\\\1", s).replace("~", r"\textasciitilde{}").replace("^", r"\^{}")

    spec = "|" + "|".join("r" if is_number(rows[1][j]) else "l" for j in range(len(rows[0]))) + "|"
    body = [" & ".join(r"\textbf{" + esc(c) + "}" for c in rows[0]) + r" \\ \hline"]
    body += [" & ".join(esc(c) for c in r) + r" \\" for r in rows[1:]]
    return "\\begin{tabular}{" + spec + "}\n\\hline\n" + "\n".join(body) + "\n\\hline\n\\end{tabular}"


WRITERS: dict[str, Callable[[Rows], str]] = {"html": to_html, "markdown": to_markdown, "latex": to_latex}


# ---- mutations on the data: (rows, rng) -> (new rows, error, cells to box in ref, cells to box in candidate) ----------

def _numeric_cells(rows: Rows) -> list[tuple[int, int]]:
    return [(i, j) for i in range(1, len(rows)) for j in range(len(rows[0])) if is_number(rows[i][j])]


def digit_change(rows, rng):
    cells = _numeric_cells(rows)
    if not cells:
        return None
    i, j = rng.choice(cells)
    old = rows[i][j]
    digits = [k for k, c in enumerate(old) if c.isdigit()]
    k = rng.choice(digits)
    new = old[:k] + str((int(old[k]) + rng.randint(1, 8)) % 10) + old[k + 1:]
    rows = copy.deepcopy(rows)
    rows[i][j] = new
    sev = 3 if k == digits[0] and len(digits) > 1 else 2
    return rows, ("numeric_error", sev, f"row {i}, column '{rows[0][j]}'",
                  f"The value in row {i}, column '{rows[0][j]}' is {new} instead of {old}."), [], [(i, j)]


def magnitude(rows, rng):
    cells = [(i, j) for i, j in _numeric_cells(rows) if rows[i][j].strip("-0.")]
    if not cells:
        return None
    i, j = rng.choice(cells)
    old = rows[i][j]
    decimals = len(old.split(".")[1]) if "." in old else 0
    new = f"{float(old) * 10:.{decimals}f}"
    rows = copy.deepcopy(rows)
    rows[i][j] = new
    return rows, ("numeric_error", 3, f"row {i}, column '{rows[0][j]}'",
                  f"The value in row {i}, column '{rows[0][j]}' is {new}, an order of magnitude off from {old}."), \
        [], [(i, j)]


def swap_values(rows, rng):
    cols = [j for j in range(len(rows[0])) if sum(is_number(r[j]) for r in rows[1:]) >= 2]
    if not cols:
        return None
    j = rng.choice(cols)
    idx = [i for i in range(1, len(rows)) if is_number(rows[i][j])]
    a, b = rng.sample(idx, 2)
    if rows[a][j] == rows[b][j]:
        return None
    rows = copy.deepcopy(rows)
    rows[a][j], rows[b][j] = rows[b][j], rows[a][j]
    return rows, ("numeric_error", 2, f"column '{rows[0][j]}'",
                  f"The values of rows {a} and {b} in column '{rows[0][j]}' are swapped."), [], [(a, j), (b, j)]


def header_typo(rows, rng):
    j = rng.randrange(len(rows[0]))
    old = rows[0][j]
    letters = [k for k, c in enumerate(old) if c.isalpha()]
    if not letters:
        return None
    k = rng.choice(letters)
    new = old[:k] + ("x" if old[k].lower() != "x" else "z") + old[k + 1:]
    rows = copy.deepcopy(rows)
    rows[0][j] = new
    return rows, ("text_error", 2, "header", f"The header '{old}' is spelled '{new}'."), [], [(0, j)]


def cell_text(rows, rng):
    cells = [(i, j) for i in range(1, len(rows)) for j in range(len(rows[0]))
             if not is_number(rows[i][j]) and sum(c.isalpha() for c in rows[i][j]) >= 3]
    if not cells:
        return None
    i, j = rng.choice(cells)
    old = rows[i][j]
    new = old[: max(1, len(old) // 2)] + "…" if len(old) > 4 else old[::-1]
    if new == old:
        return None
    rows = copy.deepcopy(rows)
    rows[i][j] = new
    return rows, ("text_error", 2, f"row {i}, column '{rows[0][j]}'",
                  f"The text in row {i}, column '{rows[0][j]}' reads '{new}' instead of '{old}'."), [], [(i, j)]


def header_case(rows, rng):
    j = rng.randrange(len(rows[0]))
    old = rows[0][j]
    new = old.upper() if old != old.upper() else old.lower()
    if new == old:
        return None
    rows = copy.deepcopy(rows)
    rows[0][j] = new
    return rows, ("text_error", 1, "header", f"The header '{old}' is written as '{new}'."), [], [(0, j)]


def drop_column(rows, rng):
    if len(rows[0]) < 3:
        return None
    j = rng.randrange(1, len(rows[0]))
    name = rows[0][j]
    new = [r[:j] + r[j + 1:] for r in rows]
    return new, ("layout_error", 3, f"column '{name}'", f"The column '{name}' is missing."), \
        [(i, j) for i in range(len(rows))], []


def drop_row(rows, rng):
    i = rng.randrange(1, len(rows))
    new = rows[:i] + rows[i + 1:]
    return new, ("layout_error", 3, f"row {i}", f"Row {i} ('{rows[i][0]}') is missing."), \
        [(i, j) for j in range(len(rows[0]))], []


def swap_columns(rows, rng):
    if len(rows[0]) < 3:
        return None
    j = rng.randrange(1, len(rows[0]) - 1)
    new = [r[:j] + [r[j + 1], r[j]] + r[j + 2:] for r in rows]
    return new, ("layout_error", 2, f"columns '{rows[0][j]}' and '{rows[0][j + 1]}'",
                 f"The columns '{rows[0][j]}' and '{rows[0][j + 1]}' are in swapped order."), [], \
        [(i, k) for i in range(len(rows)) for k in (j, j + 1)]


def duplicate_row(rows, rng):
    i = rng.randrange(1, len(rows))
    new = rows[:i + 1] + [list(rows[i])] + rows[i + 1:]
    return new, ("layout_error", 2, f"row {i + 1}", f"Row {i} ('{rows[i][0]}') appears twice."), [], \
        [(i + 1, j) for j in range(len(rows[0]))]


TABLE_MUTATIONS = {"layout_error": [drop_column, drop_row, swap_columns, duplicate_row],
                   "text_error": [header_typo, cell_text, header_case],
                   "numeric_error": [digit_change, magnitude, swap_values]}


def sentinel_box(image: np.ndarray) -> list[float] | None:
    m = np.all(np.abs(image.astype(np.int16) - np.array(SENTINEL)) <= 3, axis=2)
    ys, xs = np.nonzero(m)
    if xs.size == 0:
        return None
    return [float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)]


def build_tables(out: Path, config: BuildConfig = BuildConfig(), *, progress: bool = False) -> dict[str, Any]:
    """Write a table benchmark under ``out``; return the manifest.

    Args:
        out: output folder; images go to ``out/images/table/<reference id>/``.
        config: size, seed (see :class:`BuildConfig`).
        progress: print one line per reference to stderr.
    """
    from visual_erm.render import render_many

    src = sources.table_wheel()
    tables = {**sources.csv_tables(src), **json_tables(src)}
    names = sorted(tables)
    rng = random.Random(config.seed)
    cats = list(TABLE_MUTATIONS)
    plans = []  # (ref_id, fmt, rows, [(rows, err, ref_cells, cand_cells)], multi)
    k = 0
    while sum(2 + len(p[3]) for p in plans) < config.n and k < 10 * config.n + 20:
        name = names[k % len(names)] if k < len(names) else rng.choice(names)
        k += 1
        rows = slice_table(tables[name], rng)
        if rows is None:
            continue
        fmt = FORMATS[len(plans) % len(FORMATS)]
        singles = []
        order = cats[len(plans) % 3:] + cats[:len(plans) % 3]
        for cat in order[:config.singles]:
            for fn in rng.sample(TABLE_MUTATIONS[cat], len(TABLE_MUTATIONS[cat])):
                res = fn(rows, rng)
                if res is not None:
                    singles.append((fn, res))
                    break
        # Multi-error: a cell-level error on top of another cell-level error in a different cell (no layout change,
        # so both errors keep their meaning).
        cellwise = [(fn, r) for fn, r in singles if r[1][0] != "layout_error"]
        multi = None
        if len(cellwise) >= 2 and {c for c in cellwise[0][1][3]}.isdisjoint(cellwise[1][1][3]):
            m_rows = copy.deepcopy(rows)
            for _, r in cellwise[:2]:
                for (i, j) in r[3]:
                    m_rows[i][j] = r[0][i][j]
            multi = (m_rows, [cellwise[0][1], cellwise[1][1]], [singles.index(c) for c in cellwise[:2]])
        plans.append((f"table-{config.seed}-{len(plans):04d}", fmt, rows, singles, multi, name))

    # Render everything in one batch through the project's table renderer.
    codes, fmts = [], []
    for ref_id, fmt, rows, singles, multi, _ in plans:
        variants = [rows] + [r[0] for _, r in singles] + ([multi[0]] if multi else [])
        for v in variants:
            codes.append(WRITERS[fmt](v))
            fmts.append(fmt)
        if fmt == "html":  # sentinel probes for bboxes: reference with removed cells marked, candidates with changed
            for _, r in singles:
                codes.append(to_html(rows, mark=set(r[2])))
                codes.append(to_html(r[0], mark=set(r[3])))
                fmts += ["html", "html"]
            if multi:
                for r in multi[1]:
                    codes.append(to_html(multi[0], mark=set(r[3])))
                    fmts.append("html")
    renders = iter(render_many("table", codes, formats=fmts, progress=progress))

    items: list[Item] = []
    ranks: list[dict[str, str]] = []
    for ref_id, fmt, rows, singles, multi, name in plans:
        ref = next(renders)
        cands = [next(renders) for _ in singles]
        mrend = next(renders) if multi else None
        probes = []
        if fmt == "html":
            probes = [(next(renders), next(renders)) for _ in singles]
            mprobes = [next(renders) for _ in multi[1]] if multi else []
        if not ref.ok or not all(c.ok for c in cands):
            continue
        folder = out / "images" / "table" / ref_id
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(ref.image).save(folder / "ref.png")
        h, w = ref.image.shape[:2]
        ctrl = Image.fromarray(ref.image).resize((round(w * 1.25), round(h * 1.25)), Image.LANCZOS)
        ctrl.save(folder / "control.png")
        rel = lambda p: str(p.relative_to(out))  # noqa: E731
        src_name = f"vega_datasets-0.9.0/{name}"
        gt_html = to_html(rows)
        group = [Item(f"{ref_id}-control", "table", rel(folder / "ref.png"), rel(folder / "control.png"), [],
                      source=src_name, kind="control",
                      extra={"format": fmt, "gt_html": gt_html, "pred_html": gt_html, "control_scale": 1.25})]

        def err(e, box) -> dict[str, Any]:
            d = {"type": e[0], "severity": e[1], "location": e[2], "description": e[3]}
            if box:
                d["bbox"] = box
            return d

        for k, ((fn, r), cand) in enumerate(zip(singles, cands)):
            box = None
            if probes:
                boxes = [b for b in (sentinel_box(p.image) if p.ok else None for p in probes[k]) if b]
                box = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                       max(b[3] for b in boxes)] if boxes else None
            Image.fromarray(cand.image).save(folder / f"single{k}.png")
            group.append(Item(f"{ref_id}-single{k}", "table", rel(folder / "ref.png"), rel(folder / f"single{k}.png"),
                              [err(r[1], box)], source=src_name, kind="single",
                              extra={"format": fmt, "gt_html": gt_html, "pred_html": to_html(r[0])}))
        multi_id = None
        if multi and mrend is not None and mrend.ok:
            Image.fromarray(mrend.image).save(folder / "multi.png")
            boxes = [sentinel_box(p.image) if p.ok else None for p in mprobes] if fmt == "html" else [None] * 2
            multi_id = f"{ref_id}-multi"
            group.append(Item(multi_id, "table", rel(folder / "ref.png"), rel(folder / "multi.png"),
                              [err(r[1], b) for r, b in zip(multi[1], boxes)], source=src_name, kind="multi",
                              extra={"format": fmt, "gt_html": gt_html, "pred_html": to_html(multi[0])}))
        items.extend(group)
        ranks.extend(rank_pairs(ref_id, group[0].id, [g.id for g in group if g.kind == "single"], multi_id,
                                multi[2] if multi_id else []))
        if progress:
            print(f"table {ref_id} {name} ({fmt}): {len(singles)} singles", file=sys.stderr)
    return write_bench(out, "table", items, ranks, [src.manifest()], config,
                       {"renderer": "visual_erm.render (table: html/markdown/latex)", "references": len(plans)})
