"""Embedded SVG judge: segmentation and matching on synthetic arrays, and the comparer on real resvg renderings."""

from __future__ import annotations

import numpy as np
import pytest

from visual_erm.images import load_image
from visual_erm.judge.embedded.base import EmbeddedConfig
from visual_erm.judge.embedded.color import rgb_to_lab
from visual_erm.judge.embedded.svg import SvgComparer
from visual_erm.judge.embedded.svg_shapes import diff_mask, match_shapes, segment, to_frame

resvg_py = pytest.importorskip("resvg_py")

FACE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 36">
<defs><radialGradient id="g" cx="0.4" cy="0.35" r="0.7"><stop offset="0" stop-color="#FFE27A"/>
<stop offset="1" stop-color="#F4A300"/></radialGradient></defs>
<circle cx="18" cy="18" r="16" fill="url(#g)" stroke="#8A5A00" stroke-width="{sw}"/>
<ellipse id="le" cx="{lex}" cy="14" rx="2.2" ry="3.2" fill="#3B2A14"/>
{right}
<path d="M10 22 Q18 30 26 22" fill="none" stroke="{mouth}" stroke-width="2" stroke-linecap="round"/>
</svg>"""
RIGHT = '<ellipse cx="24" cy="14" rx="{rx}" ry="3.2" fill="#3B2A14"/>'


def _render(svg: str, size: int = 336) -> np.ndarray:
    """A real resvg rendering on white, as the SVG renderer produces it."""
    return load_image(bytes(resvg_py.svg_to_bytes(svg_string=svg, width=size, height=size, dpi=96)))


def face(*, sw=0.8, lex=12, mouth="#664500", right=True, rx=2.2, size=336):
    return _render(FACE.format(sw=sw, lex=lex, mouth=mouth, right=RIGHT.format(rx=rx) if right else ""), size)


@pytest.fixture(scope="module")
def judge():
    c = SvgComparer(EmbeddedConfig())
    return c, c.analyse(face())


def test_segment_keeps_a_gradient_in_one_shape_and_drops_background():
    x = np.linspace(0, 1, 64, dtype=np.float32)
    img = np.full((64, 64, 3), 255, np.uint8)
    img[8:56, 8:56, 0] = (200 + 40 * x[8:56])[None, :].astype(np.uint8)  # a smooth horizontal ramp
    img[8:56, 8:56, 1] = 80
    img[8:56, 8:56, 2] = 40
    img[28:36, 28:36] = (0, 0, 255)
    labels, shapes = segment(rgb_to_lab(img))
    assert len(shapes) == 2
    assert sorted(s.area for s in shapes) == [64, 48 * 48 - 64]
    assert labels[0, 0] == -1


def test_match_shapes_pairs_moved_and_recoloured_shapes():
    a = np.full((64, 64, 3), 255, np.uint8)
    a[5:15, 5:15] = (255, 0, 0)
    a[40:60, 40:60] = (0, 128, 0)
    b = np.full((64, 64, 3), 255, np.uint8)
    b[5:15, 20:30] = (255, 0, 0)      # moved
    b[40:60, 40:60] = (0, 0, 200)     # recoloured
    _, ra = segment(rgb_to_lab(a))
    _, rb = segment(rgb_to_lab(b))
    pairs = {(int(ra[i].centroid[0]), int(rb[j].centroid[0])) for i, j, _ in match_shapes(ra, rb, side=64)}
    assert pairs == {(9, 24), (49, 49)}


def test_diff_mask_ignores_resolution_and_finds_a_change():
    r = rgb_to_lab(to_frame(face(size=336)))
    assert diff_mask(r, rgb_to_lab(to_frame(face(size=512)))).sum() < 30
    assert diff_mask(r, rgb_to_lab(to_frame(face(right=False)))).sum() > 100


def test_equivalent_rendering_is_clean(judge):
    c, ref = judge
    assert c.compare(ref, c.analyse(face(size=512))) == []
    assert c.compare(ref, c.analyse(face())) == []


@pytest.mark.parametrize("kwargs,category", [
    (dict(right=False), "structure_error"),
    (dict(mouth="#E0115F"), "style_error"),
    (dict(lex=7), "structure_error"),
    (dict(rx=4.5), "shape_error"),
])
def test_injected_errors_get_their_category_and_a_box_on_the_part(judge, kwargs, category):
    c, ref = judge
    cand = face(**kwargs)
    errs = c.compare(ref, c.analyse(cand))
    assert errs, kwargs
    top = max(errs, key=lambda e: e.severity)
    assert top.category == category, [(e.category, e.description) for e in errs]
    diff = np.abs(cand.astype(int) - face().astype(int)).max(axis=2) > 40
    ys, xs = np.nonzero(diff)
    x0, y0, x1, y1 = top.bbox
    assert x0 < xs.max() and x1 > xs.min() and y0 < ys.max() and y1 > ys.min()


def test_blank_candidate_reports_every_category(judge):
    c, ref = judge
    errs = c.compare(ref, c.analyse(np.full((336, 336, 3), 255, np.uint8)))
    assert {e.category for e in errs} == {"structure_error", "shape_error", "style_error", "text_symbol_error"}


CAPTIONED = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40">
<circle cx="20" cy="16" r="12" fill="#FFCC4D"/><ellipse cx="15" cy="14" rx="1.6" ry="2.4" fill="#664500"/>
<path d="M20 4 L31 14 L20 14 Z" fill="#DD2E44"/>
<text x="20" y="36" font-family="DejaVu Sans, sans-serif" font-size="4.2" text-anchor="middle" fill="#333">{caption}</text>
</svg>"""


def test_a_changed_caption_is_a_text_symbol_error_with_both_readings(judge):
    c, _ = judge
    ref = c.analyse(_render(CAPTIONED.format(caption="Grinning Face")))
    assert c.compare(ref, c.analyse(_render(CAPTIONED.format(caption="Grinning Face"), 512))) == []
    errs = c.compare(ref, c.analyse(_render(CAPTIONED.format(caption="Angry Horse"))))
    texts = [e for e in errs if e.category == "text_symbol_error"]
    assert texts and "Angry" in texts[0].description, [(e.category, e.description) for e in errs]
    assert texts[0].bbox[1] > 336 * 0.75  # boxed on the caption line at the bottom


def test_a_mirrored_icon_is_one_structure_error_not_many_parts(judge):
    c, _ = judge
    svg = CAPTIONED.format(caption="")
    ref = c.analyse(_render(svg))
    mirrored = svg.replace('<circle', '<g transform="translate(40,0) scale(-1,1)"><circle').replace(
        '<text', '</g><text')
    errs = c.compare(ref, c.analyse(_render(mirrored)))
    assert [e.category for e in errs] == ["structure_error"], [(e.category, e.description) for e in errs]
    assert "mirrored" in errs[0].description


def test_an_added_outline_is_a_minor_style_error(judge):
    c, ref = judge
    svg = FACE.format(sw=0.8, lex=12, mouth="#664500", right=RIGHT.format(rx=2.2)).replace(
        'fill="#3B2A14"/>\n<path', 'fill="#3B2A14" stroke="#000" stroke-width="1.0"/>\n<path')
    errs = c.compare(ref, c.analyse(_render(svg)))
    assert errs and all(e.category == "style_error" and e.severity == 1 for e in errs), \
        [(e.category, e.severity, e.description) for e in errs]


CROSS = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 36">
<rect x="2" y="2" width="32" height="32" rx="4" fill="#3B88C3"/>
<rect x="16" y="6" width="4" height="24" fill="#FFFFFF"/>{arm}{extra}</svg>"""
ARM = '<rect x="6" y="16" width="24" height="4" fill="#FFFFFF"/>'
HASH = ('<text x="29" y="9" font-size="8" font-weight="bold" font-family="DejaVu Sans" fill="#D32F2F">#</text>')


def test_removed_part_over_a_part_of_its_colour_is_missing_not_reshaped():
    c = SvgComparer(EmbeddedConfig())
    ref = c.analyse(_render(CROSS.format(arm=ARM, extra="")))
    errs = c.compare(ref, c.analyse(_render(CROSS.format(arm="", extra=""))))
    assert errs and max(errs, key=lambda e: e.severity).category == "structure_error"
    assert "missing" in errs[0].description


def test_bold_stray_symbol_is_a_symbol_not_a_part():
    c = SvgComparer(EmbeddedConfig())
    ref = c.analyse(_render(CROSS.format(arm=ARM, extra="")))
    errs = c.compare(ref, c.analyse(_render(CROSS.format(arm=ARM, extra=HASH))))
    assert [e.category for e in errs] == ["text_symbol_error"]
    assert "#" in errs[0].description
