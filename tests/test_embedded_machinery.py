"""Pure functions of the embedded judge on tiny synthetic arrays with known answers."""

import numpy as np
import pytest

from visual_erm.judge.embedded import geometry as geo
from visual_erm.judge.embedded.base import Analysis, ComparerMissing, comparer_class, content_key
from visual_erm.judge.embedded.color import color_name, delta_e, palette, rgb_to_lab
from visual_erm.judge.embedded.normalize import (PanelFrame, background_color, content_box, fit_frame, mode_color,
                                                 normalize, warp)
from visual_erm.judge.embedded.ocr import TextBox, line_glyph_only, match_text_boxes, text_similarity
from visual_erm.judge.embedded.severity import RULES, THRESHOLDS, blank_candidate_errors, finding, table_markdown
from visual_erm.types import CATEGORIES


def canvas(h=60, w=80, color=255):
    return np.full((h, w, 3), color, np.uint8)


def test_content_box_and_background():
    img = canvas()
    img[10:20, 30:50] = (0, 0, 255)
    assert tuple(background_color(img)) == (255, 255, 255)
    assert content_box(img) == (30, 10, 50, 20)
    assert content_box(canvas()) == (0, 0, 80, 60)


def test_normalize_maps_boxes_back_to_source():
    img = canvas(100, 200)
    img[20:40, 50:150] = 0
    n = normalize(img, work_side=50, pad=5)
    assert n.image.shape == (10 + 10, 50 + 10, 3)
    back = n.to_source((5, 5, 55, 15))
    assert np.allclose(back, [50, 20, 150, 40])
    # A box beyond the image (where a lost title stood) is slid inside whole; one that overhangs a little is clipped.
    assert np.allclose(n.to_source((5, -15, 55, -5), clip_to=(200, 100)), [50, 0, 150, 20])
    assert np.allclose(n.to_source((5, -7.5, 55, 2.5), clip_to=(200, 100)), [50, 0, 150, 15])


def test_fit_frame_recovers_scale_and_offset():
    src = [(10, 20, 110, 220)]
    work = [(5, 10, 55, 110)]
    fr = fit_frame(src, work)
    assert np.allclose(fr.scale, (0.5, 0.5))
    assert np.allclose(fr.to_work((10, 20, 110, 220)), work[0])


def test_fit_frame_is_not_pulled_off_by_one_resized_plot():
    src = [(100, 50, 300, 150), (400, 50, 600, 150), (100, 200, 300, 300), (400, 200, 600, 300)]
    work = [(round(0.8 * a + 10), round(0.8 * b + 5), round(0.8 * c + 10), round(0.8 * d + 5)) for a, b, c, d in src]
    work[2] = (work[2][0] - 30, work[2][1], work[2][2] + 30, work[2][3])  # one subplot drawn wider
    fr = fit_frame(src, work)
    assert np.allclose(fr.scale, (0.8, 0.8), atol=1e-3)
    for k in (0, 1, 3):
        assert np.allclose(fr.to_work(src[k]), work[k], atol=0.6)


def test_tolerant_diff_ignores_small_shift_but_sees_new_stroke():
    a = canvas()
    a[30, 10:70] = 0
    shifted = canvas()
    shifted[31, 10:70] = 0
    m, e = geo.tolerant_diff(a, shifted)
    assert m.sum() == 0 and e.sum() == 0
    moved = canvas()
    moved[50, 10:70] = 0
    m, e = geo.tolerant_diff(a, moved)
    assert m.sum() > 30 and e.sum() > 30


def test_axes_frames_finds_two_panels_in_reading_order():
    img = canvas(100, 220)
    for x0, x1 in ((10, 100), (120, 210)):
        img[10, x0:x1] = 0
        img[90, x0:x1] = 0
        img[10:91, x0] = 0
        img[10:91, x1 - 1] = 0
    frames = geo.axes_frames(img)
    assert len(frames) == 2 and frames[0][0] < frames[1][0]
    assert geo.grid_shape(frames) == (1, 2)


def test_axes_frames_sees_spines_split_over_two_columns():
    img = canvas(100, 120)
    img[10, 10:110] = 0
    img[90, 10:110] = 0
    img[10:91, 10] = 0
    img[10:91, 108:110] = 160  # a 1-px spine resampled between two columns: each half lighter than 'dark'
    frames = geo.axes_frames(img)
    assert len(frames) == 1 and max(abs(a - b) for a, b in zip(frames[0], (10, 10, 110, 91))) <= 1


def test_axes_frames_finds_dark_filled_plot_areas_but_not_a_dark_canvas():
    img = canvas(100, 220)
    img[10:90, 10:100] = 0  # a black axes background, crossed by thick coloured marks (spines cut into short runs)
    img[10:90, 30:45] = (255, 200, 0)
    img[40:52, 10:100] = (0, 160, 255)
    frames = geo.axes_frames(img)
    assert len(frames) == 1 and abs(frames[0][0] - 10) <= 1 and abs(frames[0][2] - 100) <= 1
    dark = canvas(100, 220, 40)
    dark[15:85, 20:200] = 240  # a light plot area on a dark figure, with a line drawn in it
    dark[50:52, 40:180] = (200, 30, 30)
    frames = geo.axes_frames(dark)
    assert len(frames) == 1 and max(abs(a - b) for a, b in zip(frames[0], (20, 15, 200, 85))) <= 1


def test_axes_frames_ignore_bars_and_light_legend_boxes():
    img = canvas(120, 160)
    img[20:100, 30:60] = (31, 119, 180)  # filled bars are not frames
    img[20:100, 80:110] = (44, 160, 44)
    img[5, 120:155] = img[40, 120:155] = 204  # a light-grey legend box
    img[5:41, 120] = img[5:41, 154] = 204
    assert geo.axes_frames(img) == []


def test_line_glyph_only_readings():
    assert line_glyph_only("一") and line_glyph_only("—●—") and line_glyph_only(" - ")
    assert not line_glyph_only("Hydro") and not line_glyph_only("0") and not line_glyph_only("一月")


def test_stroke_thickness_tells_lines_from_bars():
    line = np.zeros((50, 50), bool)
    line[25, 5:45] = True
    bar = np.zeros((50, 50), bool)
    bar[10:45, 15:35] = True
    assert geo.stroke_thickness(line) <= 3
    assert geo.stroke_thickness(bar) >= 10


def test_grid_lines_counted():
    img = canvas(100, 100)
    for y in (30, 50, 70):
        img[y, :] = 200
    h, v = geo.grid_lines(img, (0, 0, 100, 100), background=np.array([255, 255, 255], np.uint8))
    assert (h, v) == (3, 0)


def test_delta_e_and_palette():
    red, blue = rgb_to_lab(np.array([[255, 0, 0]], np.uint8)), rgb_to_lab(np.array([[0, 0, 255]], np.uint8))
    assert float(delta_e(red, red)[0]) == pytest.approx(0, abs=1e-3)
    assert float(delta_e(red, blue)[0]) > 40
    img = canvas()
    img[:20] = (255, 0, 0)
    img[20:30] = (0, 0, 255)
    p = palette(img, chromatic_only=True)
    assert len(p) == 2 and p.fraction[0] > p.fraction[1]
    assert color_name(p.rgb[0]) == "red" and color_name(p.rgb[1]) == "blue"


def _greedy_palette_counts(image, merge_delta):
    """The merge palette() makes, written plainly: every colour against every kept one, most frequent first
    (equal counts by code)."""
    q = (image.reshape(-1, 3) >> 3).astype(np.int32)
    counts = np.bincount((q[:, 0] << 10) | (q[:, 1] << 5) | q[:, 2], minlength=32768)
    order = sorted(np.flatnonzero(counts).tolist(), key=lambda c: (-counts[c], c))[:256]
    order = np.asarray(order)
    lab = rgb_to_lab(np.stack([(order >> 10) & 31, (order >> 5) & 31, order & 31], axis=1).astype(np.uint8) * 8 + 4)
    kept, n = [], []
    for i in range(len(order)):
        d = [float(delta_e(lab[i], lab[k])) for k in kept]
        if d and min(d) < merge_delta:
            n[int(np.argmin(d))] += int(counts[order[i]])
        else:
            kept.append(i)
            n.append(int(counts[order[i]]))
    return sorted(n, reverse=True)


def test_palette_merges_as_the_plain_greedy_merge_on_an_anti_aliased_chart():
    # palette() computes CIEDE2000 a block of colours at a time and skips pairs whose lightness term alone is
    # past merge_delta; the counts must be those of the plain merge (a real figure: hundreds of blended colours).
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3), dpi=80)
    x = np.linspace(0, 6, 60)
    for k in range(10):
        ax.plot(x, np.sin(x + k / 2) + k / 3, lw=1.5)
    ax.fill_between(x, np.cos(x), -2, alpha=0.3)
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    from visual_erm.judge.embedded.color import _MERGE_BLOCK, colour_codes

    assert len(np.unique(colour_codes(img))) > 2 * _MERGE_BLOCK  # (several blocks of colours to merge)
    for merge in (6.0, 12.0, 14.0):
        p = palette(img, max_colors=256, min_fraction=0.0, min_pixels=1, merge_delta=merge)
        assert sorted(p.count.tolist(), reverse=True) == _greedy_palette_counts(img, merge)
    assert len(palette(img, max_colors=256, min_fraction=0.0, min_pixels=1)) > 10


def test_palette_orders_equal_counts_by_colour_code():
    # Equal counts keep one order on every machine (the default sort leaves ties to the CPU's SIMD kernel).
    img = canvas(40, 40)
    colours = [(230, 40, 40), (40, 40, 230), (40, 160, 40), (200, 150, 20), (150, 40, 180), (20, 170, 190)]
    for k, c in enumerate(colours):
        img[k * 5:k * 5 + 4, :10] = c  # 40 px each
    p = palette(img, chromatic_only=True, min_pixels=1)
    codes = [(int(r) >> 3 << 10) | (int(g) >> 3 << 5) | (int(b) >> 3) for r, g, b in colours]
    want = [colours[k] for k in np.argsort(codes)]
    assert len(p) == 6 and np.abs(p.rgb.astype(int) - np.array(want)).max() <= 6  # (bin centres)


def test_lightness_term_bounds_ciede2000():
    from visual_erm.judge.embedded.color import _lightness_term

    rng = np.random.default_rng(0)
    a = rgb_to_lab(rng.integers(0, 256, (20000, 3), dtype=np.uint8))
    b = rgb_to_lab(rng.integers(0, 256, (20000, 3), dtype=np.uint8))
    assert np.all(_lightness_term(a[:, 0], b[:, 0]) <= delta_e(a, b) + 1e-4)


def test_text_similarity_and_matching():
    assert text_similarity("Revenue", "revenue ") == 1.0
    assert text_similarity("Revenue", "Profit") < 0.5
    ref = [TextBox("Title", (0, 0, 50, 10)), TextBox("x label", (0, 90, 50, 100))]
    cand = [TextBox("x label", (2, 91, 52, 101)), TextBox("Title!", (1, 0, 51, 10))]
    pairs = sorted(match_text_boxes(ref, cand))
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (1, 0)]


def test_severity_table_is_consistent():
    for name, r in RULES.items():
        assert r.task == name.split(".")[0]
        assert r.category in CATEGORIES[r.task] and r.severity in (1, 2, 3)
    assert "diff_threshold" in THRESHOLDS
    d = finding("chart.series_missing", "The blue series is missing.", "plot area", [1, 2, 3, 4])
    assert (d.category, d.severity, d.bbox) == ("data_error", 3, [1.0, 2.0, 3.0, 4.0])
    assert len(blank_candidate_errors("table", 10, 10)) == len(CATEGORIES["table"])
    assert "`chart.grid`" in table_markdown("chart")


def test_analysis_lazy_and_content_key():
    a = Analysis(task="chart", image=canvas(), key="k")
    calls = []
    assert a.lazy("x", lambda: calls.append(1) or 5) == 5
    assert a.lazy("x", lambda: calls.append(1) or 6) == 5 and len(calls) == 1
    assert content_key(canvas()) == content_key(canvas()) != content_key(canvas(color=0))
    b = Analysis(task="chart", image=canvas(), key="k")
    b.deferred["norm"] = lambda: calls.append(2) or "computed"
    assert "norm" not in b.features and b.get("missing", 0) == 0 and calls == [1]
    assert b["norm"] == "computed" and b.get("norm") == "computed" and calls == [1, 2]  # once, on first access


def test_is_uniform_sees_one_pixel_off_the_sampling_grid():
    from visual_erm.images import is_uniform

    img = canvas(48, 64)
    assert is_uniform(img) and is_uniform(img[:0])
    img[13, 21] = (250, 252, 255)  # within the tolerance
    assert is_uniform(img)
    img[13, 22] = (0, 0, 0)  # one dark pixel where the 8-px sample does not look
    assert not is_uniform(img)


def test_missing_comparer_is_a_clear_error():
    with pytest.raises(ComparerMissing, match="no comparer for task 'nope'"):
        comparer_class("nope")


def test_full_read_still_detects_after_a_crop_recognition():
    # rapidocr 3.x keeps per-call flags: a crop read (detection off) must not blind the next full-image read.
    import cv2

    from visual_erm.judge.embedded.ocr import get_ocr

    img = np.full((120, 420, 3), 255, np.uint8)
    cv2.putText(img, "Quarterly sales", (20, 70), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2, cv2.LINE_AA)
    ocr = get_ocr("rapidocr")
    first = ocr.read(img)
    ocr.recognize(img[30:90, 10:400])
    again = ocr.read(img)
    assert first and [t.text for t in again] == [t.text for t in first]


def test_empty_palettes_and_empty_regions():
    from visual_erm.judge.embedded.color import lab_to_rgb, palette

    img = np.full((6, 6, 3), 200, np.uint8)
    assert len(palette(img, min_pixels=1000)) == 0
    assert len(palette(img, mask=np.zeros((6, 6), bool))) == 0
    assert len(palette(img[:0])) == 0
    assert palette(img, min_pixels=1000).nearest(np.zeros(3)) == (-1, float("inf"))
    assert lab_to_rgb(np.zeros((0, 3), np.float32)).shape == (0, 3)


def test_count_blobs_counts_as_regions_do():
    m = np.zeros((40, 60), bool)
    m[0:3, 0:3] = True  # at the corner
    m[10, 10] = True  # one pixel: under min_area 2
    m[20:22, 57:60] = True  # at the right edge
    m[30:39, 30] = m[38, 30:40] = True  # an L, one blob (8-connected)
    assert geo.count_blobs(m, min_area=2) == len(geo.regions(m, min_area=2)[0]) == 3
    assert geo.count_blobs(m) == 4 and geo.count_blobs(np.zeros((5, 5), bool)) == 0


def test_best_shift_finds_a_panel_offset():
    from visual_erm.judge.embedded.geometry import best_shift

    a = np.full((60, 80, 3), 255, np.uint8)
    a[20:22, 10:70] = (30, 90, 200)
    a[10:50, 40:42] = (200, 60, 30)
    b = np.roll(np.roll(a, 2, axis=0), -1, axis=1)
    dx, dy, left = best_shift(a, b, (5, 5, 75, 55))
    assert (dx, dy) == (-1, 2) and left < 0.05
    assert best_shift(a, a, (5, 5, 75, 55))[:2] == (0, 0)


def test_panel_frame_keeps_text_beside_the_plot_at_the_figure_scale():
    # A plot drawn 100 px wide in the source, 150 in the work frame; the figure's own scale is 1.
    pf = PanelFrame(src_origin=(50.0, 20.0), scale=(1.5, 1.0), work_origin=(40.0, 20.0),
                    panel=(40.0, 20.0, 190.0, 120.0), outer=(1.0, 1.0))
    assert np.allclose(pf.to_work((50, 20, 150, 120)), (40, 20, 190, 120))  # the plot area itself
    assert np.allclose(pf.to_work((100, 60, 110, 70)), (115, 60, 130, 70))  # a mark inside scales with it
    assert np.allclose(pf.to_work((10, 60, 40, 70)), (0, 60, 30, 70))  # a y tick label: its offset, unscaled
    assert np.allclose(pf.to_work((90, 125, 110, 135)), (105, 125, 125, 135))  # an x tick label: its centre follows
    for box in ((10, 60, 40, 70), (90, 125, 110, 135), (100, 60, 110, 70), (160, 130, 170, 140)):
        assert np.allclose(pf.to_source(pf.to_work(box)), box)
    img = canvas(160, 200)
    img[60:70, 10:40] = 0  # the y tick label
    img[20:121, 50] = 0  # the left spine
    out = warp(img, pf, (240, 160), np.array([255, 255, 255]))
    assert out[65, 1:29].max() < 100 and out[65, 32:38].min() > 200  # drawn 30 px wide, left of the spine
    assert out[70:110, 40].max() < 100


def test_axes_frames_skip_black_bars_and_tick_marks_joined_to_a_spine():
    img = canvas(140, 200)
    img[10, 20:190] = img[110, 20:190] = 0  # the frame
    img[10:111, 20] = img[10:111, 189] = 0
    for x in range(40, 180, 30):  # black bars standing on the bottom spine, tick marks under them
        img[50:110, x:x + 20] = 0
        img[110:118, x + 10] = 0
    frames = geo.axes_frames(img)
    assert len(frames) == 1 and max(abs(a - b) for a, b in zip(frames[0], (20, 10, 190, 111))) <= 1, frames


def test_axes_frames_of_a_dark_figure_come_from_its_light_spines():
    img = canvas(120, 240, 10)
    for x0, x1 in ((15, 110), (130, 225)):
        img[15, x0:x1] = img[100, x0:x1] = 230
        img[15:101, x0] = img[15:101, x1 - 1] = 230
    frames = geo.axes_frames(img)
    assert len(frames) == 2 and frames[0][0] < frames[1][0], frames


def test_tinted_plot_area_is_cut_free_of_a_title_joined_to_it():
    img = canvas(200, 300)
    img[40:180, 30:280] = (234, 234, 242)  # seaborn's darkgrid plot area
    img[20:40, 120:190] = (60, 60, 60)  # a bold title block touching its top edge
    frames = geo.axes_frames(img)
    assert len(frames) == 1 and max(abs(a - b) for a, b in zip(frames[0], (30, 40, 280, 180))) <= 1, frames


def test_tinted_subplots_of_a_grid_are_plot_areas_below_a_tenth_of_the_figure():
    img = canvas(400, 500)
    for x0, y0 in ((60, 30), (300, 30), (60, 230)):  # three of a 2x2 grid, each 9% of the figure
        img[y0:y0 + 120, x0:x0 + 150] = (234, 234, 242)
        img[y0 + 60:y0 + 70, x0 + 20:x0 + 60] = (31, 119, 180)  # a mark inside
    img[240:330, 300:390] = (200, 120, 180)  # a pie-like blob of another colour: no tint of the grid
    frames = geo.axes_frames(img)
    assert geo.grid_shape(frames) == (2, 2) and len(frames) == 3, frames
    lone = canvas(400, 500)
    lone[60:180, 60:210] = (234, 234, 242)  # one light box this small, with no twin, is a mark (a light fill)
    lone[120:130, 80:120] = (31, 119, 180)
    assert geo.axes_frames(lone) == []


def test_tinted_plot_area_is_cut_free_of_tick_labels_joined_along_its_side():
    img = canvas(300, 300)
    img[40:260, 80:260] = (234, 234, 242)
    for y in range(40, 260, 20):  # a column of tick labels joined to the plot's left side: no row is nearly full
        img[y:y + 12, 45:80] = (90, 90, 90)
    frames = geo.axes_frames(img)
    assert len(frames) == 1 and max(abs(a - b) for a, b in zip(frames[0], (80, 40, 260, 260))) <= 2, frames


def test_grid_lines_behind_bars_are_counted_between_them():
    img = canvas(100, 120)
    img[30, :] = img[60, :] = (176, 176, 176)  # two grid lines
    img[20:100, 10:40] = img[20:100, 50:80] = img[20:100, 90:115] = (214, 39, 40)  # bars over most of each row
    assert geo.grid_lines(img, (0, 0, 120, 100), background=np.array([255, 255, 255]))[0] == 2


def test_runs_ring_and_mode_colour():
    assert geo.runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)] and geo.runs(np.zeros(3, bool)) == []
    img = canvas(40, 40)
    img[5:35, 5:35] = (200, 0, 0)  # a red box whose ring (3-9 px inside) is red, whose middle is drawn over
    img[15:25, 15:25] = (0, 0, 255)
    assert geo.ring(img, (5, 5, 35, 35)).shape == (24 * 24 - 12 * 12, 3)  # 3 to 9 px in from each side
    assert tuple(mode_color(geo.ring(img, (5, 5, 35, 35)))) == (200, 0, 0)
    assert tuple(background_color(img)) == (255, 255, 255)


def test_content_box_holds_a_faint_tinted_plot_area():
    img = canvas(100, 220)
    img[10:90, 20:200] = (234, 234, 242)  # seaborn's grey, nearer to white than the ink tolerance
    img[40:60, 30:80] = 0  # the last mark ends far inside it
    assert content_box(img) == (20, 10, 200, 90)
    noisy = canvas(100, 220)
    noisy[::7, ::5] = (245, 245, 245)  # faint specks (JPEG) are no tint
    noisy[40:60, 30:80] = 0
    assert content_box(noisy) == (30, 40, 80, 60)
    gridded = canvas(100, 220)
    gridded[10:90, 20:200] = (234, 234, 242)
    gridded[10:90, 70:72] = gridded[10:90, 120:122] = gridded[10:90, 185:187] = 255  # white grid lines: cells
    gridded[20:90:12, 20:200] = 255  # too small alone, the right ones most
    gridded[40:60, 30:80] = 0
    assert content_box(gridded) == (20, 10, 200, 90)
    framed = canvas(100, 220)
    framed[3:97, 3:217] = (240, 240, 240)  # a grey figure inside a white margin is no plot area
    framed[40:60, 30:80] = 0
    assert content_box(framed) == (30, 40, 80, 60)


def test_axes_frames_see_a_frame_with_an_annotation_box_joined_past_its_side():
    img = canvas(120, 260)
    img[10, 20:180] = 0
    img[100, 20:180] = 0
    img[10:101, 20] = 0
    img[10:101, 179] = 0
    img[50:58, 170:260] = 0  # an annotation box over the right spine, cut off at the image edge
    assert geo.axes_frames(img, fallbacks=False) == [(20, 10, 180, 101)]


def test_axes_frames_keep_a_legend_joined_from_outside_off_the_frame():
    img = canvas(140, 260)
    img[10, 60:240] = img[110, 60:240] = 0  # the plot's spines
    img[10:111, 60] = img[10:111, 239] = 0
    img[84:107, 20:200] = 255  # a legend anchored past the left spine: white, over it, with its own edge
    img[84, 20:200] = img[106, 20:200] = 0
    img[84:107, 20] = img[84:107, 199] = 0
    assert geo.axes_frames(img, fallbacks=False) == [(60, 10, 240, 111)]


def test_axes_frames_do_not_close_an_open_side_on_a_grid_line():
    img = canvas(140, 260)
    img[110, 60:240] = 0  # no top spine; the left, bottom and right ones run up to the top of the plot
    img[10:111, 60] = img[10:111, 239] = 0
    img[40, 60:240] = img[75, 60:240] = 0  # dark grid lines across it
    img[10:14, 60:240:30] = 0  # tick marks along the open top
    frames = geo.axes_frames(img, fallbacks=False)
    assert len(frames) == 1 and frames[0][1] <= 12 and frames[0][::2] == (60, 240), frames


def _pie_image(shares, colors, *, hole=0, edge=2, label=None):
    """A pie drawn by hand: wedges of ``shares`` (percent) from 3 o'clock counter-clockwise, white edges between
    them, an optional ring hole and a dark label touching the rim."""
    img = canvas(240, 320)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    cx, cy, r = 150, 120, 90
    ang = np.degrees(np.arctan2(cy - yy, xx - cx)) % 360
    dist = np.hypot(xx - cx, yy - cy)
    start = 0.0
    for share, color in zip(shares, colors):
        end = start + 3.6 * share
        img[(dist <= r) & (dist >= hole) & (ang >= start) & (ang < end)] = color
        start = end
    for a in np.cumsum([0, *shares[:-1]]) * 3.6:  # white edges from the centre out
        t = np.radians(a)
        for k in range(int(r) + 1):
            x, y = int(round(cx + k * np.cos(t))), int(round(cy - k * np.sin(t)))
            img[max(y - edge // 2, 0):y + edge // 2 + 1, max(x - edge // 2, 0):x + edge // 2 + 1] = 255
    if label:
        img[112:126, 238:290] = 40  # a dark label block touching the rim at 3 o'clock
    return img


def test_pie_slices_are_read_with_their_shares_and_compared_by_colour():
    from visual_erm.judge.embedded import pie
    colors = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40)]
    ref = _pie_image([44, 30, 22, 4], colors, label=True)
    (p,) = pie.find_pies(ref, np.array([255, 255, 255], np.uint8))
    assert abs(p.cx - 150) <= 2 and abs(p.cy - 120) <= 2 and abs(p.radius - 90) <= 3 and p.hole == 0
    assert [round(s.share) for s in p.slices] == [44, 30, 22, 4]
    (ring,) = pie.find_pies(_pie_image([44, 30, 22, 4], colors, hole=45), np.array([255, 255, 255], np.uint8))
    assert 35 <= ring.hole <= 50 and [round(s.share) for s in ring.slices] == [44, 30, 22, 4]
    swapped = pie.find_pies(_pie_image([22, 30, 44, 4], colors), np.array([255, 255, 255], np.uint8))[0]
    change = pie.compare(p, swapped)
    assert pie.same_pie(p, swapped) and not change.missing and not change.extra
    assert sorted((round(a.share), round(b.share)) for a, b in change.resized) == [(22, 44), (44, 22)]
    recoloured = pie.find_pies(_pie_image([44, 30, 22, 4], [colors[1], colors[0], *colors[2:]]),
                               np.array([255, 255, 255], np.uint8))[0]
    assert pie.compare(p, recoloured) is None  # the same wedges in other colours: no value changed
    # A filled square or a disk of one colour is no pie.
    square = canvas(240, 320)
    square[30:210, 60:240] = colors[0]
    disk = _pie_image([100], colors[:1])
    assert pie.find_pies(square, np.array([255, 255, 255], np.uint8)) == []
    assert pie.find_pies(disk, np.array([255, 255, 255], np.uint8)) == []


def test_a_legend_swatch_is_looked_for_only_beside_a_line_on_the_image():
    from visual_erm.judge.embedded.chart import _swatch_left_of

    img = canvas(60, 200)
    img[20:30, 40:60] = (214, 39, 40)  # a red swatch, then the entry's words
    img[22:28, 70:120] = 40
    colour, ink = _swatch_left_of(img, (68, 18, 122, 32))
    assert colour[1] > 40 and len(ink) >= 6  # red: a large a* in Lab
    with np.errstate(all="raise"):  # a line the other image places off this one: nothing to read, no NaN colour
        assert _swatch_left_of(img, (210, 18, 260, 32)) is None
        assert _swatch_left_of(img, (-80, -30, -20, -10)) is None


def test_pie_compare_tells_a_mirrored_pie_from_a_rotated_one():
    from visual_erm.judge.embedded import pie as pies

    def pie(shares, start=0.0, turn=1):  # slices in order, counter-clockwise (turn=1) or clockwise (turn=-1)
        out, at = [], start
        for (rgb, share) in shares:
            extent = 360 * share
            lo = at if turn > 0 else at - extent
            rgb = np.array(rgb, np.uint8)
            out.append(pies.Slice(rgb, rgb_to_lab(rgb.reshape(1, 1, 3))[0, 0], lo % 360, extent))
            at += turn * extent
        return pies.Pie(100, 100, 50, 0, tuple(out))
    shares = [((255, 127, 14), 0.56), ((44, 160, 44), 0.17), ((31, 119, 180), 0.27)]
    ref = pie(shares)
    assert pies.compare(ref, pie(shares, start=40)) is None  # the same data, turned
    mirrored = pies.compare(ref, pie(shares, turn=-1))
    assert mirrored is not None and mirrored.mirrored and not mirrored.values
    two = shares[:2]  # with two slices either way round is one order
    assert pies.compare(pie(two), pie(two, turn=-1)) is None


def test_pieces_of_one_text_line_are_told_from_neighbouring_lines():
    from visual_erm.judge.embedded.chart import _one_line
    assert _one_line((10, 100, 24, 180), (10, 184, 24, 260))  # an upright label read in two pieces
    assert _one_line((10, 10, 90, 24), (96, 11, 150, 25))  # a title read in two pieces
    assert not _one_line((10, 10, 90, 24), (10, 30, 90, 44))  # two lines of a legend, one under the other
    assert not _one_line((10, 10, 90, 24), (140, 10, 200, 24))  # two tick labels far apart


def test_legend_words_are_told_from_marks_and_values():
    from visual_erm.judge.embedded.chart import _legend_words
    assert _legend_words("Mean temp") and _legend_words("Wholesale trade")
    assert not _legend_words("Cm") and not _legend_words("OOOCO")  # outlier circles read as letters
    assert not _legend_words("high 8.00") and not _legend_words("12 kg")  # labels set in data units


def test_a_column_of_captioned_annotations_bounds_no_frameless_plot():
    from visual_erm.judge.embedded.chart import _tick_axes

    def line(text, x0, y0, x1):
        return TextBox(text, (x0, y0, x1, y0 + 18))
    # Evenly spaced lines right-aligned at one edge, lines running right below the last: the anatomy figure's
    # annotations, each a name over its code, read as a y and an x axis only were the names not there.
    codes = [line("ax.yaxis.set_minor_locator", 30, 150, 225), line("ax.yaxis.set_major_formatter", 4, 237, 223),
             line("ax.yaxis.set_major_locator", 26, 324, 221)]
    names = [line("Minor tick", 87, 132, 168), line("Major tick label", 46, 219, 171), line("Major tick", 84, 306, 165)]
    below = [line("ax.plot", 240, 345, 300), line("Line", 250, 362, 290), line("ax.scatter", 330, 350, 410)]
    assert _tick_axes(codes + below) != []  # (without their names they would pass for tick labels)
    assert _tick_axes(codes + names + below) == []
    # Tick labels with an axis label under the x row and a title over the plot still bound one.
    ticks = [line(str(v), 20, 40 + 45 * k, 45) for k, v in enumerate((80, 60, 40, 20, 0))]
    xrow = [line(str(v), 60 + 80 * k, 250, 80 + 80 * k) for k, v in enumerate((1, 2, 3, 4, 5))]
    assert len(_tick_axes(ticks + xrow + [line("Month", 200, 272, 260), line("A title", 150, 10, 250)])) == 1


def test_frameless_plot_areas_survive_a_title_lined_up_with_tick_labels_and_slanted_neighbours():
    from visual_erm.judge.embedded.chart import _tick_frames

    def line(text, x0, y0, x1, y1=None):
        return TextBox(text, (x0, y0, x1, y0 + 17 if y1 is None else y1))
    # Two frameless plots side by side, as code set 193-0031 reads them. The figure's title ends where the right
    # plot's y labels end, so it joined their column at an uneven gap and the column was dropped; the left plot
    # then ran on over the right one. The right plot's slanted x labels start left of its y labels, and were
    # taken for the left plot's x labels.
    left_y = [line(v, 22, 66 + 44 * k, 66) for k, v in enumerate(("20000", "15000", "10000", "5000"))]
    left_x = [line(v, 100 + 60 * k, 246, 140 + 60 * k) for k, v in enumerate(("30000", "35000", "40000"))]
    right_y = [line(v, 346, 61 + 35 * k, 390) for k, v in enumerate(("50000", "40000", "30000", "20000", "10000"))]
    right_y.append(line("0", 379, 236, 388))
    title = line("Iowa electricity", 263, 5, 389, 24)
    years = [line(str(2002 + k), 373 + 30 * k, 241, 419 + 30 * k, 280) for k in range(8)]
    frames = _tick_frames(left_y + left_x + right_y + [title] + years)
    assert len(frames) == 2, frames
    (a, b) = frames
    assert a[2] < 346 <= b[0], frames  # the left plot stops before the right one's y labels
    # A slanted label of the plot on the right, starting left of that plot's y labels, is not the left plot's.
    lower_y = [line(v, 44, 320 + 37 * k, 66) for k, v in enumerate(("25", "20", "15", "10", "5", "0"))]
    lower_x = [line(v, 75 + 70 * k, 515, 115 + 70 * k) for k, v in enumerate(("0", "20000", "40000"))]
    lower_right_y = [line(v, 346, 320 + 47 * k, 391) for k, v in enumerate(("40000", "30000", "20000", "10000"))]
    slanted = [line("Fossil Fuels", 333, 512, 407, 566), line("Renewables", 558, 513, 637, 568)]
    lower = _tick_frames(lower_y + lower_x + lower_right_y + slanted)
    assert any(f[0] < 100 and f[2] < 346 for f in lower), lower


def test_right_aligned_lines_split_where_their_spacing_changes():
    from visual_erm.judge.embedded.chart import _even_stretches

    def centres(ys):
        return [[int(t.center[1]) for t in r] for r in _even_stretches([TextBox(str(y), (0, y - 8, 20, y + 8))
                                                                         for y in ys])]
    # Two plots stacked, their y labels at other spacings in one right-aligned run (code set 225-0003).
    assert centres([76, 121, 165, 234, 267, 299, 332]) == [[76, 121, 165], [165, 234], [234, 267, 299, 332]]
    assert centres([14, 69, 105, 140, 175, 210, 245])[-1] == [69, 105, 140, 175, 210, 245]  # a title over them
    assert centres([0, 10, 20, 40, 50, 60]) == [[0, 10, 20, 40, 50, 60]]  # one label missed: still one axis
    assert centres([0, 30, 60, 90]) == [[0, 30, 60, 90]]


def test_normalize_on_a_given_box_unwraps_a_bordered_figure():
    img = canvas(120, 160, color=128)  # a grey margin (a figure's edge line) around a white figure
    img[4:116, 4:156] = 255
    img[40:80, 30:130] = (31, 119, 180)
    own = normalize(img, unwrap=True)
    assert tuple(own.background) == (255, 255, 255)
    # Laid on another box (the reference's layout scaled), the figure's white is still the background, so the
    # two fits can be compared.
    laid = normalize(img, size=(100, 40), box=(30, 40, 130, 80), unwrap=True)
    assert tuple(laid.background) == (255, 255, 255)
    assert tuple(normalize(img, size=(100, 40), box=(30, 40, 130, 80)).background) == (128, 128, 128)


def _marker_masks(shape: str, n: int = 6) -> np.ndarray:
    """A thin horizontal line (3 px) through ``n`` markers 14 px across: discs, crosses ('x'), square blocks, or
    two strips 5 px wide at a block's sides (the block drawn as two narrower bars)."""
    m = np.zeros((60, 40 + 40 * n), bool)
    m[29:32, 10:-10] = True
    yy, xx = np.mgrid[-7:8, -7:8]
    for k in range(n):
        cx = 30 + 40 * k
        if shape == "disc":
            m[22:37, cx - 7:cx + 8] |= xx ** 2 + yy ** 2 <= 49
        elif shape == "cross":
            m[22:37, cx - 7:cx + 8] |= (np.abs(xx - yy) <= 1) | (np.abs(xx + yy) <= 1)
        elif shape == "strips":
            m[23:37, cx - 7:cx - 2] = True
            m[23:37, cx + 2:cx + 7] = True
        else:
            m[23:37, cx - 7:cx + 7] = True
    return m


def test_round_markers_drawn_as_crosses_are_another_shape_but_square_pieces_thinned_are_not():
    from visual_erm.judge.embedded.chart import ChartComparer
    discs, crosses = _marker_masks("disc"), _marker_masks("cross")
    squares, strips = _marker_masks("square"), _marker_masks("strips")
    assert ChartComparer._marker_shape_changed(discs, crosses, discs, crosses)
    # Square blocks (bars cut into pieces by grid lines) drawn as narrower strips (more bins) are no markers drawn
    # thin-armed: a disc fills 0.79 of its box, a block all of it.
    assert not ChartComparer._marker_shape_changed(squares, strips, squares, strips)


def test_mark_kind_takes_round_markers_on_a_dashed_line_with_it():
    import cv2

    from visual_erm.judge.embedded.chart import _mark_kind
    # A dashed line and a solid one through large round markers (code set 193-0008): the markers are thick, the
    # dashes small pieces; neither thin strokes nor filled shapes held 70% of the ink.
    m = np.zeros((240, 520), np.uint8)
    xs = np.linspace(30, 490, 6).astype(int)
    for ys, dashed in (((60, 50, 40, 40, 55, 90), False), ((150, 140, 135, 135, 150, 190), True)):
        pts = list(zip(xs, ys))
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            if dashed:
                for t in np.arange(0.0, 1.0, 0.1):
                    a, b = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t), (x0 + (x1 - x0) * (t + 0.06), y0 + (y1 - y0) * (t + 0.06))
                    cv2.line(m, tuple(map(int, a)), tuple(map(int, b)), 1, 2)
            else:
                cv2.line(m, (x0, y0), (x1, y1), 1, 2)
        for x, y in pts:
            cv2.circle(m, (int(x), int(y)), 7, 1, -1)
    assert _mark_kind(m.astype(bool)) == "lines"
