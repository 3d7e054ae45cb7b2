"""Embedded table judge: grid finding on synthetic tables with known answers, alignment, and the comparer end to end."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from visual_erm.judge.embedded.base import EmbeddedConfig
from visual_erm.judge.embedded.table import (TableComparer, align_columns, align_rows, cell_difference,
                                             compare_tables)
from visual_erm.judge.embedded.table_grid import find_grid

FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"


def draw_table(rows, *, ruled=True, zebra=None, pad=(10, 6), size=14, scale=1.0, merge=None):
    """A table image drawn with PIL: ``rows`` of strings; ``merge=(r, c)`` spans cell (r, c) over c and c+1."""
    font = ImageFont.truetype(FONT, int(size * scale))
    px, py = int(pad[0] * scale), int(pad[1] * scale)
    widths = [max(int(font.getlength(r[c])) for r in rows) + 2 * px for c in range(len(rows[0]))]
    lh = int(size * scale * 1.2) + 2 * py
    m = int(12 * scale)
    im = Image.new("RGB", (sum(widths) + 2 * m + 1, lh * len(rows) + 2 * m + 1), "white")
    d = ImageDraw.Draw(im)
    xs = [m + sum(widths[:c]) for c in range(len(widths) + 1)]
    for r, row in enumerate(rows):
        y = m + r * lh
        if zebra and r % 2 == 0 and r > 0:
            d.rectangle([xs[0], y, xs[-1], y + lh], fill=zebra)
        c = 0
        while c < len(row):
            span = 2 if merge == (r, c) else 1
            d.text((xs[c] + px, y + py), row[c], fill="black", font=font)
            if ruled:
                d.rectangle([xs[c], y, xs[c + span], y + lh], outline="black")
            c += span
    return np.asarray(im)


ROWS = [["Name", "Score", "Year"], ["alpha", "12.5", "1999"], ["beta", "-3.25", "2004"],
        ["gamma", "7.0", "2011"], ["delta", "101", "2020"]]


@pytest.mark.parametrize("ruled,zebra", [(True, None), (False, None), (False, (225, 235, 250))])
def test_find_grid_shape_ruled_unruled_zebra(ruled, zebra):
    g = find_grid(draw_table(ROWS, ruled=ruled, zebra=zebra))
    assert g.shape == (5, 3)
    assert all(len(r) == 3 for r in g.cells)
    assert (len(g.v_rules) >= 4) == ruled


def test_find_grid_merged_cell_is_one_spanning_cell():
    rows = [list(r) for r in ROWS]
    rows[2][1] = "merged text here"
    g = find_grid(draw_table(rows, merge=(2, 1)))
    assert [c.colspan for c in g.cells[2]] == [1, 2]
    assert [c.colspan for c in g.cells[1]] == [1, 1, 1]


def test_cell_difference_numbers_are_never_text():
    assert cell_difference("12.5", "12.5") is None
    assert cell_difference("1,234", "1234") is None
    assert cell_difference("12.5", "-12.5") == "number"
    assert cell_difference("12.5", "1.25") == "number"
    assert cell_difference("5 kg", "5 lb") == "number"
    assert cell_difference("alpha", "alpha") is None
    assert cell_difference("alpha ", "alpha") is None
    assert cell_difference("Alpha", "alpha") == "case"  # the same word in another case: a minor text error
    assert cell_difference("I05", "105") is None  # OCR's I for 1 inside a number
    assert cell_difference("alpha", "omega") == "text"


def test_alignment_finds_swapped_columns_and_missing_row():
    ref = [r[:] for r in ROWS]
    cand = [[r[0], r[2], r[1]] for r in ROWS]
    del cand[2]
    cols = dict(align_columns(ref, cand))
    assert cols == {0: 0, 1: 2, 2: 1}
    rows = dict(align_rows(ref, cand, list(cols.items())))
    assert 2 not in rows and rows[3] == 2 and rows[4] == 3


def _grid_with_texts(rows, **kw):
    g = find_grid(draw_table(rows, **kw))
    for r, cells in enumerate(g.cells):
        for c in cells:
            c.text = rows[r][c.col]
    return g


def test_compare_tables_categories_without_ocr():
    ref = _grid_with_texts(ROWS)
    assert compare_tables(ref, _grid_with_texts(ROWS, pad=(16, 3))) == []
    num = [r[:] for r in ROWS]
    num[3][1] = "70.0"
    errs = compare_tables(ref, _grid_with_texts(num))
    assert [e.category for e in errs] == ["numeric_error"]
    head = [r[:] for r in ROWS]
    head[0][2] = "Season"
    assert [e.category for e in compare_tables(ref, _grid_with_texts(head))] == ["text_error"]
    drop = [r[:2] for r in ROWS]
    errs = compare_tables(ref, _grid_with_texts(drop))
    assert [e.category for e in errs] == ["layout_error"] and "missing" in errs[0].description
    dup = [r[:] for r in ROWS] + [ROWS[2][:]]
    errs = compare_tables(ref, _grid_with_texts(dup))
    assert len(errs) == 1 and "duplicated" in errs[0].description


def test_comparer_end_to_end_with_ocr_boxes_the_changed_cell():
    comparer = TableComparer(EmbeddedConfig())
    ref = comparer.analyse(draw_table(ROWS))
    changed = [r[:] for r in ROWS]
    changed[2][1] = "-3.75"
    cand_img = draw_table(changed)
    errs = comparer.compare(ref, comparer.analyse(cand_img))
    assert [e.category for e in errs] == ["numeric_error"]
    x0, y0, x1, y1 = errs[0].bbox
    # the box covers row 2, column 1 of the drawn table
    cell = [c for c in find_grid(cand_img).cells[2] if c.col == 1][0]
    assert x0 <= cell.ink[0] and x1 >= cell.ink[2] and y0 <= cell.ink[1] and y1 >= cell.ink[3]
    # same content at another resolution and padding: clean
    assert comparer.compare(ref, comparer.analyse(draw_table(ROWS, scale=1.5, pad=(14, 4)))) == []


def test_blank_candidate_is_a_layout_error():
    comparer = TableComparer(EmbeddedConfig())
    ref = comparer.analyse(draw_table(ROWS))
    errs = comparer.compare(ref, comparer.analyse(np.full((120, 200, 3), 255, np.uint8)))
    assert errs and errs[0].category == "layout_error" and errs[0].severity == 3


# ---- real renderings (visual_erm.render: HTML/Markdown in sandboxed Chromium, LaTeX via pdflatex) -------------------

REAL = [["site", "variety", "yield", "year"], ["Waseca", "Velvet", "37.4", "1932"],
        ["Morris", "Trebi", "38.83", "1931"], ["Crookston", "Glabron", "32.06", "1932"],
        ["Duluth", "Peatland", "29.1", "1931"], ["Grand Rapids", "Svansota", "-4.75", "1932"]]


def _html(rows, *, header=True):
    head = "<thead><tr>" + "".join(f"<th>{c}</th>" for c in rows[0]) + "</tr></thead>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows[1:])
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _latex(rows):
    body = " & ".join(rf"\textbf{{{c}}}" for c in rows[0]) + r" \\ \hline" + "\n"
    body += "\n".join(" & ".join(r) + r" \\" for r in rows[1:])
    return "\\begin{tabular}{|l|l|r|r|}\n\\hline\n" + body + "\n\\hline\n\\end{tabular}"


@pytest.fixture(scope="module")
def rendered():
    from visual_erm.render import render_many

    changed = [r[:] for r in REAL]
    changed[2][2] = "36.83"
    case = [r[:] for r in REAL]
    case[0][1] = "VARIETY"
    codes = {"ref": (_html(REAL), "html"), "number": (_html(changed), "html"), "case": (_html(case), "html"),
             "no_header": (_html(REAL, header=False), "html"), "latex": (_latex(REAL), "latex")}
    out = render_many("table", [c for c, _ in codes.values()], formats=[f for _, f in codes.values()])
    if not all(r.ok for r in out):
        pytest.skip(f"table renderer unavailable: {[r.error for r in out if not r.ok][:1]}")
    return {k: r.image for k, r in zip(codes, out)}


def _upscaled(image, factor=1.25):
    h, w = image.shape[:2]
    return np.asarray(Image.fromarray(image).resize((round(w * factor), round(h * factor)), Image.LANCZOS))


def test_real_rendering_changed_number_is_one_numeric_error_on_its_cell(rendered):
    comparer = TableComparer(EmbeddedConfig())
    ref = comparer.analyse(rendered["ref"])
    errs = comparer.compare(ref, comparer.analyse(rendered["number"]))
    assert [(e.category, e.severity) for e in errs] == [("numeric_error", 2)]
    cell = [c for c in find_grid(rendered["number"]).cells[2] if c.col == 2][0]
    x0, y0, x1, y1 = errs[0].bbox
    assert x0 <= cell.ink[0] and x1 >= cell.ink[2] and y0 <= cell.ink[1] and y1 >= cell.ink[3]


def test_real_rendering_header_case_and_missing_header(rendered):
    comparer = TableComparer(EmbeddedConfig())
    ref = comparer.analyse(rendered["ref"])
    errs = comparer.compare(ref, comparer.analyse(rendered["case"]))
    assert [(e.category, e.severity) for e in errs] == [("text_error", 1)]
    errs = comparer.compare(ref, comparer.analyse(rendered["no_header"]))
    assert [e.category for e in errs] == ["layout_error"] and "header" in errs[0].description


@pytest.mark.parametrize("name", ["ref", "latex"])
def test_real_rendering_resampled_is_clean(rendered, name):
    # a LANCZOS 1.25x resample blurs each 1-px rule over two columns of odd greys: they are still rules
    comparer = TableComparer(EmbeddedConfig())
    ref = comparer.analyse(rendered[name])
    assert find_grid(rendered[name]).shape == find_grid(_upscaled(rendered[name])).shape == (6, 4)
    errs = comparer.compare(ref, comparer.analyse(_upscaled(rendered[name])))
    assert sum(e.severity for e in errs) <= 1, [e.description for e in errs]
