"""The table comparer: align the grids of reference and rendering, then report layout, text and numeric errors.

Rows and columns are aligned one-to-one by content (columns by header and the multiset of their values, rows by
their cells under the column alignment), so a missing, extra, duplicated or moved row or column is found as such
and does not turn every later cell into an error. Cells are compared only between aligned positions: a changed
number is a ``numeric_error`` (never a text error), other changed text a ``text_error``. The look (font, padding,
zebra colours, resolution) is not compared; only a ruled table rendered without rules is noted, at severity 1.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Callable

import numpy as np
from rapidfuzz.distance import Levenshtein
from scipy.optimize import linear_sum_assignment

from visual_erm.judge.embedded.base import Analysis, Comparer, content_key, register_comparer
from visual_erm.judge.embedded.severity import finding
from visual_erm.judge.embedded.normalize import resize
from visual_erm.judge.embedded.ocr import get_ocr, normalize_text, text_similarity
from visual_erm.judge.embedded.table_grid import Cell, CropIndex, Grid, cell_crop, cell_lines, find_grid, read_cells
from visual_erm.types import Discrepancy

# Kinds of finding -> rules of the embedded judge's one severity table (severity.py).
RULE: dict[str, str] = {
    "no_table": "table.blank",
    "missing_column": "table.column_missing",
    "missing_row": "table.row_missing",
    "extra_column": "table.column_extra",
    "extra_row": "table.row_extra",
    "duplicated_row": "table.row_extra",
    "duplicated_column": "table.column_extra",
    "moved_column": "table.order",
    "moved_row": "table.order",
    "merged_cells": "table.merged_cells",
    "shifted_row": "table.merged_cells",  # a row's cells moved by a missing, extra, merged or split cell
    "split_cells": "table.merged_cells",
    "header_text": "table.cell_text",
    "cell_text": "table.cell_text",
    "case": "table.cell_text_minor",     # the same words in other letter case
    "lookalike": "table.cell_text_minor",  # l/1, O/0, punctuation or spacing: what OCR confuses too
    "number": "table.number",
    "number_major": "table.number_major",  # sign, order of magnitude, or half the value
    "swapped": "table.number",           # two cells of a column exchanged: one error, not two
    "many_cells": "table.number",   # most of a column wrong: one error at severity 3, not one per cell
    "rules": "table.style",         # a ruled table rendered without rules (style: at most 1)
}
# a number starts a token: the 1 of "sing1e" (OCR in a word) is not a number
NUMBER = re.compile(r"(?<![^\W\d_])(?:[-+\u2212]?\d[\d,\u202f ]*(?:\.\d+)?%?|[-+\u2212]?\.\d+%?)")


@dataclass
class _Table:
    grid: Grid
    texts: list[list[str]]  # row-major, spans repeated
    index: CropIndex


def _canon(text: str) -> str:
    # NFKC first: OCR reads roman numerals and full-width digits as their compatibility characters
    return normalize_text(unicodedata.normalize("NFKC", text))


# A digit-bearing token in which OCR read a 1 as I/l/| or a 0 as O ("I05" is 105)
_DIGITISH = re.compile(r"(?<![^\W\d_])[0-9Il|Oo.,]*[0-9][0-9Il|Oo.,]*")


def _numbers(text: str) -> list[str]:
    """Number tokens of a cell, normalised (thousands separators, typographic minus and 1/I, 0/O look-alikes)."""
    t = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    t = _DIGITISH.sub(lambda m: m.group().translate(str.maketrans("Il|Oo", "11100")), t)
    out = []
    for m in NUMBER.finditer(t):
        # a comma before exactly three digits groups thousands; any other comma is a decimal comma, kept as written
        tok = re.sub(r"[,\u202f ](?=\d{3}(?!\d))|[\u202f ]", "", m.group()).lstrip("+")
        if tok.startswith("."):
            tok = "0" + tok
        out.append(tok)
    return out


def _units(text: str) -> str:
    t = _DIGITISH.sub("", unicodedata.normalize("NFKC", text))
    return re.sub(r"[\d\s.,+\-\u2212]", "", normalize_text(t))


def _squash(text: str) -> str:
    # OCR of the same words in another font differs in spaces and lookalike punctuation, not in letters
    return re.sub(r"[\s'\"`.,:;_\-|]", "", _canon(text)).replace("0", "o").replace("l", "1").replace("i", "1")


def _letters(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def cell_difference(ref: str, cand: str) -> str | None:
    """``None`` when two cell readings say the same, else ``"number"``, ``"text"``, ``"case"`` or ``"lookalike"``.

    A difference in any number (value, sign, decimals) or in the unit next to it is ``"number"``: a number is
    never a text error. The same letters in another case (``yield`` vs ``YIELD``) are ``"case"``; texts that differ
    only in look-alike characters or punctuation (``sing1e``, ``St Louis``) are ``"lookalike"`` (both minor).
    """
    rn, cn = _numbers(ref), _numbers(cand)
    if not rn and cn and not _is_number(cand):
        return "text"  # a word read or written with a digit in it ("1BM" for "IBM") is still a word
    if rn or cn:
        if rn != cn:
            return "number"
        return None if _squash(_units(ref)) == _squash(_units(cand)) else "number"
    if _canon(ref) == _canon(cand):
        a, b = _letters(ref), _letters(cand)
        return "case" if a != b and a.casefold() == b.casefold() else None
    if _squash(ref) == _squash(cand):
        return "lookalike"
    return "text"


_UNIT = re.compile(r"[%$\u20ac\u00a3\u00b0]?[a-z\u00b5%\u00b0/]{0,3}")


def _is_number(text: str) -> bool:
    """The cell is a number with at most a short unit or sign (``-3.5``, ``12 %``, ``5 kg``; not ``1BM``)."""
    t = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    rest = re.sub(r"\s+", "", NUMBER.sub("", t))
    return bool(_numbers(text)) and bool(_UNIT.fullmatch(rest))


def number_severity_rule(ref: str, cand: str) -> str:
    """``"number_major"`` when a number changed sign, by an order of magnitude or by half its value, else ``"number"``."""
    rn, cn = _numbers(ref), _numbers(cand)
    if len(rn) != len(cn):
        return "number"
    for a, b in zip(rn, cn):
        try:
            x, y = (float(v.rstrip("%").replace(",", ".")) for v in (a, b))
        except ValueError:
            continue
        if x == y:
            continue
        if (x < 0) != (y < 0) or abs(x - y) >= 0.5 * max(abs(x), abs(y)):
            return "number_major"
    return "number"


def _cell_sim(a: str, b: str) -> float:
    if _canon(a) == _canon(b):
        return 1.0
    if _numbers(a) and _numbers(a) == _numbers(b):
        return 0.9
    return 0.7 * text_similarity(a, b)


_THIN = str.maketrans("Il1|!ij", "iiiiiii")


def _thin_only(a: str, b: str) -> bool:
    """The readings differ only in how many thin upright glyphs (I, l, 1, i, |) a run has."""
    a, b = _canon(a).translate(_THIN), _canon(b).translate(_THIN)
    return a != b and re.sub(r"i+", "i", a) == re.sub(r"i+", "i", b)


def _row_name(R: list[list[str]], i: int) -> str:
    return "the header row" if i == 0 else f"row {i} ('{R[i][0]}')"


def _shifted_rows(R: list[list[str]], C: list[list[str]], lost: list[int], new: list[int],
                  rmap: dict[int, int]) -> list[tuple[int, int]]:
    """Pairs of an unpaired reference row and an unpaired candidate row holding mostly the same cells in the same
    order but at other columns (a recognition error that shifts the rest of a row)."""
    out, used = [], set()
    for i in lost:
        prev = max((rmap[j] for j in rmap if j < i), default=-1)
        best = None
        for k in new:
            if k in used or (k <= prev and prev >= 0 and i > 0):
                continue
            a, b = [_canon(t) for t in R[i]], [_canon(t) for t in C[k]]
            same = sum(blk.size for blk in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
            if same >= 2 and same >= 0.5 * len([t for t in a if t]) and (best is None or same > best[0]):
                best = (same, k)
        if best is not None:
            used.add(best[1])
            out.append((i, best[1]))
    return out


def _small_change(a: str, b: str) -> bool:
    """Readings close enough that OCR alone could have made the difference (a few characters or a letter case)."""
    a, b = _canon(a), _canon(b)
    return a == b or Levenshtein.distance(a, b) <= max(2, min(len(a), len(b)) // 4)


def _assign(sim: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    if sim.size == 0:
        return []
    r, c = linear_sum_assignment(-sim)
    return [(int(i), int(j)) for i, j in zip(r, c) if sim[i, j] >= threshold]


def align_columns(ref: list[list[str]], cand: list[list[str]], *, threshold: float = 0.3) -> list[tuple[int, int]]:
    """Pairs ``(ref_col, cand_col)`` by header similarity and overlap of the multisets of column values."""
    nr, nc = (len(ref[0]) if ref else 0), (len(cand[0]) if cand else 0)
    sim = np.zeros((nr, nc))
    for j in range(nr):
        head_a = ref[0][j]
        vals_a = Counter(_canon(r[j]) for r in ref[1:] if j < len(r))
        for k in range(nc):
            vals_b = Counter(_canon(r[k]) for r in cand[1:] if k < len(r))
            overlap = sum((vals_a & vals_b).values()) / max(1, max(sum(vals_a.values()), sum(vals_b.values())))
            head = _cell_sim(head_a, cand[0][k])
            w = 0.4 if vals_a and vals_b else 1.0
            # a small bonus for the same position breaks ties between look-alike columns (all zeros, all years)
            sim[j, k] = w * head + (1 - w) * overlap + (0.05 if j == k else 0.0)
    return _assign(sim, threshold)


def align_rows(ref: list[list[str]], cand: list[list[str]], cols: list[tuple[int, int]], *,
               threshold: float = 0.45, header_bonus: float = 0.15) -> list[tuple[int, int]]:
    """Pairs ``(ref_row, cand_row)`` by their cells under ``cols``; the header rows (0) get ``header_bonus``, so a
    header read a little differently still pairs with the header, and a missing header row stays unpaired."""
    n, m = len(ref), len(cand)
    if n == 0 or m == 0:
        return []
    if not cols:
        return [(0, 0)]
    sim = np.zeros((n, m))
    for i in range(n):
        for k in range(m):
            s = [_cell_sim(ref[i][a], cand[k][b]) for a, b in cols]
            sim[i, k] = float(np.mean(s)) + (0.02 if i == k else 0.0) + (header_bonus if i == k == 0 else 0.0)
    return sorted(_assign(sim, threshold))


def _out_of_order(pairs: list[tuple[int, int]]) -> list[int]:
    """Reference indices of pairs outside the longest run kept in order (the moved ones)."""
    pairs = sorted(pairs)
    seq = [b for _, b in pairs]
    n = len(seq)
    if n < 2:
        return []
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if seq[j] < seq[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = int(np.argmax(best))
    keep = set()
    while i >= 0:
        keep.add(i)
        i = prev[i]
    return [pairs[i][0] for i in range(n) if i not in keep]


@register_comparer("table")
class TableComparer(Comparer):
    """Tables (HTML, Markdown or LaTeX renderings): grid, cells and their text, aligned by content.

    Detectors (switch off by name in ``EmbeddedConfig.disabled``): ``columns`` (missing, extra, duplicated, moved
    columns), ``rows`` (the same for rows), ``spans`` (merged or split cells), ``cells`` (text and numbers),
    ``rules`` (a ruled table rendered without rules).
    """

    detectors = ("columns", "rows", "spans", "cells", "rules")

    def analyse(self, image: np.ndarray) -> Analysis:
        return Analysis(task="table", image=image, key=content_key(image), features={"grid": find_grid(image)})

    def _read(self, a: Analysis, known: CropIndex | None) -> _Table:
        def compute() -> _Table:
            grid: Grid = a["grid"]
            read_cells(a.image, grid, get_ocr(self.config.ocr, threads=self.config.ocr_threads).recognize,
                       known=known.lookup if known is not None else None)
            index = CropIndex()
            for row in grid.cells:
                for cell in row:
                    index.add(cell_crop(a.image, cell), cell.text)
            return _Table(grid, grid.texts(), index)

        return a.lazy("table", compute)

    def compare(self, ref: Analysis, cand: Analysis) -> list[Discrepancy]:
        R = self._read(ref, None)
        C = self._read(cand, R.index)
        recognize = get_ocr(self.config.ocr, threads=self.config.ocr_threads).recognize
        scale = C.grid.text_height / max(R.grid.text_height, 1.0)

        def reread(image: np.ndarray, grid: Grid, cell: Cell, factor: float) -> str:
            lines = cell_lines(image, grid.ink, cell)
            return " ".join(t for t in (recognize(resize(ln, max(1, round(ln.shape[1] * factor)),
                                                         max(1, round(ln.shape[0] * factor))))[0] for ln in lines) if t)

        def confirm(rc: Cell, cc: Cell, kind: str) -> bool:
            if _thin_only(rc.text, cc.text):  # 'III' read as 'II': thin strokes are counted right only when large
                return cell_difference(reread(ref.image, R.grid, rc, 2.0),
                                       reread(cand.image, C.grid, cc, 2.0 / scale)) is not None
            # a difference is real when it survives reading both cells at one scale (OCR confuses I/1, ii/iii, case
            # differently at different sizes); at the same scale, both are read again enlarged
            if abs(scale - 1.0) > 0.08:
                if cell_difference(reread(ref.image, R.grid, rc, scale), cc.text) is None:
                    return False
                return cell_difference(rc.text, reread(cand.image, C.grid, cc, 1.0 / scale)) is not None
            return cell_difference(reread(ref.image, R.grid, rc, 1.5), reread(cand.image, C.grid, cc, 1.5)) is not None

        # a rendering that reuses most reference cells pixel for pixel has the reference's look: a cell that differs
        # there differs in content, and reading it again would only cost time
        filled = sum(1 for row in C.grid.cells for cell in row if cell.ink is not None)
        same_look = C.grid.reused >= 0.5 * filled
        confirm_fn = confirm if self.config.ocr != "none" and not same_look else None
        return compare_tables(R.grid, C.grid, enabled=self.enabled, confirm=confirm_fn)


Confirm = Callable[[Cell, Cell, str], bool]


def compare_tables(rg: Grid, cg: Grid, *, enabled=lambda name: True, confirm: Confirm | None = None) -> list[Discrepancy]:
    """Discrepancies between two read grids (``cell.text`` filled); boxes in the candidate's pixels.

    Args:
        rg, cg: the reference's and the candidate's grids.
        enabled: detector name -> on/off.
        confirm: ``(ref_cell, cand_cell, kind) -> bool``, asked for each pair of aligned cells whose readings
            differ by a little; False drops the difference as a reading artefact (the comparer re-reads both
            cells at one scale). None keeps every difference.
    """
    R, C = rg.texts(), cg.texts()
    errors: list[Discrepancy] = []
    def W(kind: str, cat: str, desc: str, box, loc: str = "") -> None:
        f = finding(RULE[kind], desc, loc, [round(float(v), 1) for v in box] if box else None,
                    severity=3 if kind == "many_cells" else None)
        f.category = cat  # the rule's category, except a wrong column of words is a text error
        errors.append(f)

    if not C or not any(t for row in C for t in row):
        W("no_table", "layout_error", "The rendering shows no table content at all.", None)
        return errors
    if not R:
        return errors
    cols = align_columns(R, C)
    rows = align_rows(R, C, cols)
    cmap, rmap = dict(cols), dict(rows)
    head = lambda j: R[0][j] or f"column {j + 1}"  # noqa: E731
    col_box = lambda k: (cg.cols[k][0] - 4, cg.box[1], cg.cols[k][1] + 4, cg.box[3])  # noqa: E731
    row_box = lambda k: (cg.box[0], cg.rows[k][0] - 4, cg.box[2], cg.rows[k][1] + 4)  # noqa: E731

    def near(mapping: dict[int, int], i: int, n: int) -> int | None:
        """Candidate index of the nearest aligned neighbour of reference index ``i`` (where a missing one would be)."""
        for d in range(1, n + 1):
            for j in (i + d, i - d):
                if j in mapping:
                    return mapping[j]
        return None

    covered: set[tuple[int, int]] = set()  # candidate (row, col) already explained by a layout error
    if enabled("columns"):
        for j in range(len(R[0])):
            if j not in cmap:
                k = near(cmap, j, len(R[0]))
                W("missing_column", "layout_error", f"Column '{head(j)}' is missing.",
                  col_box(k) if k is not None else cg.box, "table columns")
        for k in range(len(C[0])):
            if k in cmap.values():
                continue
            col = [row[k] for row in C]
            twin = next((kk for kk in range(len(C[0])) if kk != k and [row[kk] for row in C] == col), None)
            kind = "duplicated_column" if twin is not None else "extra_column"
            desc = (f"Column '{C[0][k]}' is duplicated." if twin is not None else
                    f"Column '{C[0][k] or k + 1}' is not in the reference.")
            W(kind, "layout_error", desc, col_box(k), "table columns")
            covered |= {(r, k) for r in range(len(C))}
        for j in _out_of_order(cols):
            W("moved_column", "layout_error", f"Column '{head(j)}' is out of order (columns swapped or moved).",
              col_box(cmap[j]), "table columns")
    if enabled("rows"):
        lost = [i for i in range(len(R)) if i not in rmap]
        new_rows = [k for k in range(len(C)) if k not in rmap.values()]
        for i, k in _shifted_rows(R, C, lost, new_rows, rmap):
            W("shifted_row", "layout_error", f"Cells of {_row_name(R, i)} are shifted (a cell is missing, extra, "
              "merged or split).", row_box(k), "table rows")
            lost.remove(i)
            new_rows.remove(k)
            covered |= {(k, c) for c in range(len(C[k]))}
        for i in lost:
            k = near(rmap, i, len(R))
            W("missing_row", "layout_error", f"{_row_name(R, i).capitalize()} is missing.",
              row_box(k) if k is not None else cg.box, "table header" if i == 0 else "table rows")
        for k in new_rows:
            twin = next((kk for kk in range(len(C)) if kk != k and C[kk] == C[k]), None)
            kind = "duplicated_row" if twin is not None else "extra_row"
            desc = f"Row '{C[k][0]}' is duplicated." if twin is not None else f"Row '{C[k][0]}' is not in the reference."
            W(kind, "layout_error", desc, row_box(k), "table rows")
            covered |= {(k, c) for c in range(len(C[k]))}
        for i in _out_of_order([p for p in rows if p[0] > 0]):
            W("moved_row", "layout_error", f"Row '{R[i][0]}' is out of order.", row_box(rmap[i]), "table rows")
    if enabled("spans"):
        for i, k in rows:
            rspan = {c.col: c.colspan for c in rg.cells[i]}
            inv = {b: a for a, b in cols}
            for cell in cg.cells[k]:
                refs = [inv[c] for c in range(cell.col, cell.col + cell.colspan) if c in inv]
                if cell.colspan > 1 and len(refs) > 1 and rspan.get(min(refs)) != len(refs):
                    W("merged_cells", "layout_error",
                      f"Cells of row {i} under '{head(min(refs))}' and '{head(max(refs))}' are merged into one.",
                      cell.box, f"row {i}")
                    covered |= {(k, c) for c in range(cell.col, cell.col + cell.colspan)}
            cspan = {c.col: c.colspan for c in cg.cells[k]}
            for cell in rg.cells[i]:
                if cell.colspan > 1:
                    ks = [cmap[c] for c in range(cell.col, cell.col + cell.colspan) if c in cmap]
                    if len(ks) > 1 and cspan.get(min(ks)) != len(ks):
                        box = [cg.cols[min(ks)][0], cg.rows[k][0], cg.cols[max(ks)][1], cg.rows[k][1]]
                        W("split_cells", "layout_error", f"A merged cell of row {i} is split in the rendering.",
                          box, f"row {i}")
                        covered |= {(k, c) for c in ks}
    if enabled("cells"):
        cell_at = {}
        for k, row in enumerate(cg.cells):
            for cell in row:
                for c in range(cell.col, cell.col + cell.colspan):
                    cell_at[(k, c)] = cell
        ref_at = {(i, c): cell for i, row in enumerate(rg.cells) for cell in row
                  for c in range(cell.col, cell.col + cell.colspan)}
        cell_box = {key: cell.box for key, cell in cell_at.items()}
        found: dict[int, list[tuple[str, int, int, str, str]]] = {}
        for i, k in rows:
            for j, l in cols:
                if (k, l) in covered:
                    continue
                a, b = R[i][j], C[k][l]
                kind = cell_difference(a, b)
                if kind and confirm is not None and (i, j) in ref_at and (k, l) in cell_at \
                        and _small_change(a, b) and not confirm(ref_at[(i, j)], cell_at[(k, l)], kind):
                    kind = None
                if kind:
                    found.setdefault(j, []).append((kind, i, k, a, b))
        for j, diffs in found.items():
            l = cmap[j]
            if len(diffs) >= 3 and len(diffs) >= 0.6 * max(1, len(rows) - 1):
                kind = "numeric_error" if sum(d[0] == "number" for d in diffs) > len(diffs) / 2 else "text_error"
                W("many_cells", kind, f"Most cells of column '{head(j)}' differ from the reference.",
                  col_box(l), f"column '{head(j)}'")
                continue
            swapped: set[int] = set()
            for x in range(len(diffs)):
                for y in range(x + 1, len(diffs)):
                    (ka, ia, kka, aa, ba), (kb, ib, kkb, ab, bb) = diffs[x], diffs[y]
                    if {x, y} & swapped or ia == 0 or ib == 0:
                        continue
                    if cell_difference(ba, ab) is None and cell_difference(bb, aa) is None:
                        swapped |= {x, y}
                        boxes = [cell_box.get((kka, l)), cell_box.get((kkb, l))]
                        boxes = [bx for bx in boxes if bx]
                        box = [min(bx[0] for bx in boxes), min(bx[1] for bx in boxes), max(bx[2] for bx in boxes),
                               max(bx[3] for bx in boxes)] if boxes else None
                        cat = "numeric_error" if "number" in (ka, kb) else "text_error"
                        W("swapped", cat, f"The values of rows {ia} and {ib} in column '{head(j)}' are swapped.",
                          box, f"column '{head(j)}'")
            for x, (kind, i, k, a, b) in enumerate(diffs):
                if x in swapped:
                    continue
                if kind == "number":
                    W(number_severity_rule(a, b), "numeric_error",
                      f"Value in row {i}, column '{head(j)}' is '{b}' instead of '{a}'.",
                      cell_box.get((k, l)), f"row {i}, column '{head(j)}'")
                elif kind == "lookalike":
                    W("lookalike", "text_error", f"{'Header' if i == 0 else f'Cell in row {i}'} '{a}' reads '{b}'.",
                      cell_box.get((k, l)), "header" if i == 0 else f"row {i}, column '{head(j)}'")
                elif kind == "case":
                    W("case", "text_error", f"{'Header' if i == 0 else f'Cell in row {i}'} '{a}' is written '{b}'.",
                      cell_box.get((k, l)), "header" if i == 0 else f"row {i}, column '{head(j)}'")
                elif i == 0:
                    W("header_text", "text_error", f"Header '{a}' reads '{b}'.", cell_box.get((k, l)), "header")
                else:
                    W("cell_text", "text_error", f"Cell in row {i}, column '{head(j)}' reads '{b}' instead of '{a}'.",
                      cell_box.get((k, l)), f"row {i}, column '{head(j)}'")
    if enabled("rules") and len(rg.v_rules) >= 2 and len(rg.h_rules) >= 2 and not cg.v_rules and not cg.h_rules:
        W("rules", "layout_error", "The reference's cell borders are missing.", cg.box, "table borders")
    errors.sort(key=lambda e: -e.severity)
    return errors
