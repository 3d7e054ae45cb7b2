"""Does the embedded table judge order imperfect table-recognition outputs the way TEDS does?

    python benchmarks/embedded_table_teds.py [--csv-dir DIR] [--refs 12] [--cands 8] [--seed 0] [--show]

References are slices of real tables (the CSVs in ``--csv-dir``, e.g. the ones scikit-learn and statsmodels ship,
or by default the data sets inside the vega_datasets wheel that ``visual-erm bench build`` uses). Each candidate is
the reference's HTML after 0-4 errors of the kinds a table-recognition model makes: OCR-like character
substitutions (0/O, 1/l, 5/S, rn/m, ./,), dropped, emptied or truncated cells, merged or split cells, a row shifted
by one cell, a dropped or repeated row, a missing header row. Both are rendered with the project's table renderer
(HTML in sandboxed Chromium). TEDS (``visual_erm.bench.baselines.teds``) is computed on the two HTML sources;
the judge sees only the images. Prints Spearman of the judge's score (and of SSIM / pixel MSE) with TEDS, pooled
and averaged within references, and the median seconds per pair with the reference analysis cached.
"""

from __future__ import annotations

import argparse
import csv
import html
import random
import re
import statistics
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

Cell = tuple[str, int]  # text, colspan
Table = list[list[Cell]]  # row 0 is the header (empty list: no header row)

OCR_SWAPS = [("0", "O"), ("O", "0"), ("1", "l"), ("l", "1"), ("5", "S"), ("S", "5"), ("8", "B"), ("m", "rn"),
             ("rn", "m"), (".", ","), ("e", "c"), ("a", "o"), ("6", "b"), ("I", "1"), ("-", "")]


def load_tables(csv_dir: Path | None) -> dict[str, list[list[str]]]:
    """``{name: rows}`` (header first) of real tables: the CSVs in ``csv_dir`` or the vega_datasets wheel's."""
    if csv_dir is None:
        from visual_erm.bench.build import sources
        from visual_erm.bench.build.table import json_tables

        src = sources.table_wheel()
        return {**sources.csv_tables(src), **json_tables(src)}
    out = {}
    for p in sorted(csv_dir.glob("*.csv")):
        with open(p, newline="", encoding="utf-8", errors="replace") as f:
            rows = [r for r in csv.reader(f)]
        if len(rows) >= 8 and len(rows[0]) >= 3:
            out[p.stem] = rows
    return out


def slice_rows(rows: list[list[str]], rng: random.Random) -> list[list[str]] | None:
    """A window of 5-8 body rows and 3-5 columns with short cells, header first; None if the table has none."""
    header = rows[0]
    body = [r for r in rows[1:] if len(r) == len(header) and all(0 < len(c) <= 20 for c in r)]
    if len(body) < 6 or len(header) < 3:
        return None
    nc = rng.randint(3, min(5, len(header)))
    c0 = rng.randrange(0, len(header) - nc + 1)
    nr = rng.randint(5, min(8, len(body)))
    r0 = rng.randrange(0, len(body) - nr + 1)
    out = [[header[c][:20] or f"col{c}" for c in range(c0, c0 + nc)]]
    out += [[_short(body[r][c]) for c in range(c0, c0 + nc)] for r in range(r0, r0 + nr)]
    return out


def _short(v: str) -> str:
    try:
        f = float(v)
    except ValueError:
        return v
    return v if len(v) <= 8 else f"{f:.4g}"


def to_html(table: Table) -> str:
    def row(cells: list[Cell], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}{f' colspan={s}' if s > 1 else ''}>{html.escape(t)}</{tag}>"
                                for t, s in cells) + "</tr>"

    head = f"<thead>{row(table[0], 'th')}</thead>" if table[0] else ""
    return f"<table>{head}<tbody>{''.join(row(r, 'td') for r in table[1:])}</tbody></table>"


# ---- recognition-like errors: (table, rng) -> table ------------------------------------------------------------------

def _body_cell(t: Table, rng: random.Random, pred=lambda s: True) -> tuple[int, int] | None:
    cells = [(i, j) for i in range(1, len(t)) for j in range(len(t[i])) if pred(t[i][j][0])]
    return rng.choice(cells) if cells else None


def ocr_chars(t: Table, rng: random.Random) -> Table:
    for _ in range(rng.randint(1, 3)):
        i, j = rng.choice([(i, j) for i in range(len(t)) for j in range(len(t[i]))])
        text, span = t[i][j]
        swaps = [(a, b) for a, b in OCR_SWAPS if a in text]
        if swaps:
            a, b = rng.choice(swaps)
            k = rng.choice([m.start() for m in re.finditer(re.escape(a), text)])
            t[i][j] = (text[:k] + b + text[k + len(a):], span)
    return t


def drop_cell(t: Table, rng: random.Random) -> Table:
    i, j = _body_cell(t, rng) or (1, 0)
    del t[i][j]
    return t


def empty_cell(t: Table, rng: random.Random) -> Table:
    i, j = _body_cell(t, rng, lambda s: bool(s)) or (1, 0)
    t[i][j] = ("", t[i][j][1])
    return t


def truncate_cell(t: Table, rng: random.Random) -> Table:
    pos = _body_cell(t, rng, lambda s: len(s) >= 4)
    if pos:
        i, j = pos
        t[i][j] = (t[i][j][0][: rng.randint(1, len(t[i][j][0]) - 2)], t[i][j][1])
    return t


def merge_cells(t: Table, rng: random.Random) -> Table:
    rows = [i for i in range(len(t)) if len(t[i]) >= 2]
    if rows:
        i = rng.choice(rows)
        j = rng.randrange(len(t[i]) - 1)
        (a, sa), (b, sb) = t[i][j], t[i][j + 1]
        t[i][j:j + 2] = [(f"{a} {b}".strip(), sa + sb)]
    return t


def split_cell(t: Table, rng: random.Random) -> Table:
    pos = _body_cell(t, rng, lambda s: " " in s.strip() or len(s) >= 4)
    if pos:
        i, j = pos
        text, span = t[i][j]
        k = text.index(" ") if " " in text.strip() else len(text) // 2
        t[i][j:j + 1] = [(text[:k].strip(), span), (text[k:].strip(), 1)]
    return t


def shift_row(t: Table, rng: random.Random) -> Table:
    i = rng.randrange(1, len(t))
    t[i] = [("", 1)] + t[i][:-1]
    return t


def drop_row(t: Table, rng: random.Random) -> Table:
    if len(t) > 3:
        del t[rng.randrange(1, len(t))]
    return t


def repeat_row(t: Table, rng: random.Random) -> Table:
    i = rng.randrange(1, len(t))
    t.insert(i + 1, list(t[i]))
    return t


def missing_header(t: Table, rng: random.Random) -> Table:
    t[0] = []
    return t


ERRORS = [ocr_chars, ocr_chars, drop_cell, empty_cell, truncate_cell, merge_cells, split_cell, shift_row, drop_row,
          repeat_row, missing_header]


def candidates(rows: list[list[str]], n: int, rng: random.Random) -> list[tuple[str, Table]]:
    """``n`` distinct recognition-like outputs of one table: (label, table), error counts spread over 0-4."""
    base: Table = [[(c, 1) for c in r] for r in rows]
    out, seen = [], {to_html(base)}
    for k in range(n * 4):
        if len(out) >= n:
            break
        t = [list(r) for r in base]
        picks = rng.sample(ERRORS, 1 + k % 4)
        for fn in picks:
            t = fn(t, rng)
        h = to_html(t)
        if h not in seen:
            seen.add(h)
            out.append(("+".join(f.__name__ for f in picks), t))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv-dir", type=Path, default=None)
    ap.add_argument("--refs", type=int, default=12)
    ap.add_argument("--cands", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", action="store_true", help="print each candidate's TEDS, score and errors")
    a = ap.parse_args()

    from visual_erm.bench.baselines import mse_score, ssim_score, teds
    from visual_erm.judge.registry import get_judge
    from visual_erm.render import render_many

    rng = random.Random(a.seed)
    tables = load_tables(a.csv_dir)
    names = sorted(tables)
    plans = []
    for name in rng.sample(names, len(names)):
        rows = slice_rows(tables[name], rng)
        if rows is not None:
            plans.append((name, rows, candidates(rows, a.cands, rng)))
        if len(plans) >= a.refs:
            break
    codes = []
    for _, rows, cands in plans:
        codes.append(to_html([[(c, 1) for c in r] for r in rows]))
        codes += [to_html(t) for _, t in cands]
    renders = iter(render_many("table", codes, formats=["html"] * len(codes)))
    judge = get_judge("embedded")
    rec = []  # (group, teds, judge score, ssim, mse score)
    times = []
    for g, (name, rows, cands) in enumerate(plans):
        ref = next(renders)
        gt = codes[sum(1 + len(p[2]) for p in plans[:g])]
        cand_r = [next(renders) for _ in cands]
        if not ref.ok:
            continue
        judge.judge(ref.image, ref.image, task="table")  # analyse (and cache) the reference
        for (label, t), c in zip(cands, cand_r):
            if not c.ok:
                continue
            pred = to_html(t)
            t0 = time.perf_counter()
            v = judge.judge(ref.image, c.image, task="table")
            times.append(time.perf_counter() - t0)
            rec.append((g, teds(gt, pred), v.score, ssim_score(ref.image, c.image), mse_score(ref.image, c.image)))
            if a.show:
                print(f"{name[:14]:14s} {label:40s} teds {rec[-1][1]:.3f} score {v.score:.3f}",
                      [(e.category[:4], e.severity, e.description[:60]) for e in v.errors])
    arr = np.array([r[1:] for r in rec])
    groups = np.array([r[0] for r in rec])
    print(f"table TEDS agreement: {len(plans)} references, {len(rec)} candidates "
          f"({'CSVs in ' + str(a.csv_dir) if a.csv_dir else 'vega_datasets wheel'}, seed {a.seed})")
    for k, label in ((1, "embedded"), (2, "ssim"), (3, "mse")):
        pooled = spearmanr(arr[:, 0], arr[:, k]).statistic
        within = [spearmanr(arr[groups == g, 0], arr[groups == g, k]).statistic for g in set(groups.tolist())
                  if (groups == g).sum() >= 3 and np.ptp(arr[groups == g, 0]) > 0]
        within = [w for w in within if w == w]
        print(f"  {label:9s} spearman pooled {pooled:.3f}   within reference (mean) {np.mean(within):.3f}")
    print(f"  speed     median {statistics.median(times):.3f} s/pair with the reference cached")


if __name__ == "__main__":
    main()
