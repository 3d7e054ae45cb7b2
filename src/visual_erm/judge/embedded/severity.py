"""The severity table of the embedded judge: every rule's category and severity, and every threshold, in one place.

Severity follows Visual-ERM: 1 minor/aesthetic, 2 hurts reading or needs a manual fix, 3 wrong or misleading
(wrong type, missing subplot or series, reversed trend, wrong scale). Comparers never write a category or a
severity literally: they name a rule (``finding("series_missing", ...)``) and this module fills them in.
docs/embedded-judge.md prints this table; keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from visual_erm.types import CATEGORIES, Discrepancy


@dataclass(frozen=True)
class Rule:
    """``category`` and ``severity`` of one kind of finding; ``what`` says when it fires."""

    task: str
    category: str
    severity: int
    what: str


RULES: dict[str, Rule] = {r_name: r for r_name, r in {
    # --- chart: structure ---
    "chart.blank": Rule("chart", "structure_error", 3, "candidate is blank (one per category: nothing is drawn)"),
    "chart.subplot_count": Rule("chart", "structure_error", 3, "number of subplots (axes frames) differs"),
    "chart.subplot_arrangement": Rule("chart", "structure_error", 2, "same number of subplots, other grid (rows x cols) or order"),
    "chart.chart_type": Rule("chart", "structure_error", 3, "marks of another kind (lines vs bars vs points vs areas)"),
    # --- chart: data ---
    "chart.series_missing": Rule("chart", "data_error", 3, "a series (colour group of marks) of the reference is absent"),
    "chart.series_extra": Rule("chart", "data_error", 2, "a series the reference does not have"),
    "chart.values_major": Rule("chart", "data_error", 3, "most of a series' geometry moved (trend or many values wrong)"),
    "chart.values": Rule("chart", "data_error", 2, "part of a series' geometry moved (some values wrong)"),
    "chart.values_minor": Rule("chart", "data_error", 1, "a small local change of plotted geometry"),
    "chart.axis_range": Rule("chart", "data_error", 2, "tick values differ: other axis limits"),
    "chart.axis_scale": Rule("chart", "data_error", 3, "tick spacing says another scale (log vs linear) or an inverted axis"),
    "chart.pie_order": Rule("chart", "data_error", 3, "a pie's slices run the other way round (a mirrored pie: its order reversed)"),
    "chart.overplot": Rule("chart", "data_error", 3, "far more ink than the reference in the plot area (everything over-plotted)"),
    # --- chart: text ---
    "chart.text_changed": Rule("chart", "text_error", 2, "a title, label, legend entry or annotation reads differently (a misspelt word too)"),
    "chart.text_changed_minor": Rule("chart", "text_error", 1, "a text reads a few characters otherwise, digits the same, where its glyphs read unreliably"),
    "chart.text_missing": Rule("chart", "text_error", 2, "a text of the reference is absent"),
    "chart.text_extra": Rule("chart", "text_error", 2, "a text the reference does not have (e.g. 'CORRECT' written on it)"),
    "chart.tick_rotation": Rule("chart", "text_error", 1, "tick labels drawn at another angle (same values)"),
    "chart.text_moved": Rule("chart", "text_error", 1, "same text in another place"),
    "chart.text_style": Rule("chart", "text_error", 1, "same text drawn at another size, weight or font"),
    "chart.legend_missing": Rule("chart", "text_error", 2, "the legend box of the reference is absent"),
    "chart.legend_extra": Rule("chart", "text_error", 1, "a legend the reference does not have"),
    # --- chart: style ---
    "chart.series_color": Rule("chart", "style_error", 2, "same geometry drawn in another colour (an image: another colour map)"),
    "chart.series_color_lone": Rule("chart", "style_error", 1, "the only series of its plot drawn in another colour (no other to tell it from)"),
    "chart.series_shade": Rule("chart", "style_error", 1, "same geometry, a noticeably different shade of the same hue"),
    "chart.line_style": Rule("chart", "style_error", 1, "same path drawn with another dash pattern or width"),
    "chart.markers": Rule("chart", "style_error", 1, "markers added, removed or changed on the same path"),
    "chart.bar_width": Rule("chart", "style_error", 1, "the same bars (heights, order) drawn narrower or wider"),
    "chart.pie_pulled": Rule("chart", "style_error", 1, "a pie's slice pulled out (exploded) or pushed back in"),
    "chart.legend_moved": Rule("chart", "style_error", 1, "the same legend drawn in another place"),
    "chart.grid": Rule("chart", "style_error", 1, "grid lines present in one image only"),
    "chart.background": Rule("chart", "style_error", 1, "plot or figure background colour differs"),
    "chart.legibility": Rule("chart", "style_error", 2, "rendering too small (or too distorted) to read the content"),
    # --- table (issue 6 comparer) ---
    "table.blank": Rule("table", "layout_error", 3, "candidate is blank (one per category)"),
    "table.row_missing": Rule("table", "layout_error", 3, "a row of the reference is absent"),
    "table.row_extra": Rule("table", "layout_error", 2, "a row the reference does not have (or a duplicated row)"),
    "table.column_missing": Rule("table", "layout_error", 3, "a column of the reference is absent"),
    "table.column_extra": Rule("table", "layout_error", 2, "a column the reference does not have"),
    "table.order": Rule("table", "layout_error", 2, "rows or columns swapped or moved"),
    "table.merged_cells": Rule("table", "layout_error", 2, "cells merged or split differently"),
    "table.header": Rule("table", "layout_error", 2, "header structure differs (levels, spans)"),
    "table.cell_text": Rule("table", "text_error", 2, "a cell or header reads differently"),
    "table.cell_text_minor": Rule("table", "text_error", 1, "a cell differs by a character or two"),
    "table.number": Rule("table", "numeric_error", 2, "a number, sign, decimal or unit differs"),
    "table.number_major": Rule("table", "numeric_error", 3, "a number changed sign, by an order of magnitude or by half its value"),
    "table.style": Rule("table", "layout_error", 1, "alignment, rules or shading differ where the look was asked for"),
    # --- svg (issue 6 comparer) ---
    "svg.blank": Rule("svg", "structure_error", 3, "candidate is blank (one per category)"),
    "svg.shape_missing": Rule("svg", "structure_error", 3, "a large component of the reference is absent"),
    "svg.shape_missing_minor": Rule("svg", "structure_error", 2, "a small component of the reference is absent"),
    "svg.shape_extra": Rule("svg", "structure_error", 2, "a component the reference does not have"),
    "svg.shape_moved": Rule("svg", "structure_error", 2, "a component in another place"),
    "svg.shape_deformed": Rule("svg", "shape_error", 2, "a component with another outline"),
    "svg.shape_scaled": Rule("svg", "shape_error", 1, "a component of the same outline at another size"),
    "svg.fill_color": Rule("svg", "style_error", 2, "a component filled with another colour or gradient"),
    "svg.stroke": Rule("svg", "style_error", 1, "stroke colour or width differs"),
    "svg.text_symbol": Rule("svg", "text_symbol_error", 2, "text or a symbol differs, is missing or extra"),
    "svg.text_symbol_minor": Rule("svg", "text_symbol_error", 1, "a text differs only in case or by a character"),
    "svg.whole_transform": Rule("svg", "structure_error", 2, "the whole drawing mirrored, rotated or re-proportioned"),
}.items()}

# Thresholds shared by detectors; units in comments. Tuned on dev sets built from matplotlib's gallery.
THRESHOLDS: dict[str, float] = {
    "ink_tolerance": 24,            # max channel difference from background that is still background
    "diff_threshold": 36,           # max-channel distance of a pixel outside the other image's local colour range
    "shift_tolerance_px": 2,        # work-frame px a stroke may move without counting (anti-aliasing, rounding)
    "min_region_px": 14,            # smaller differing blobs are noise (JPEG, hinting)
    "series_color_delta": 15.0,     # CIEDE2000 above which two series colours are different colours
    "series_shade_delta": 7.0,      # CIEDE2000 above which the same colour is a noticeably different shade
    "series_min_fraction": 0.004,   # share of plot-area pixels a colour needs to count as a series
    "geometry_iou_same": 0.80,      # tolerant overlap of two masks that are the same geometry
    "geometry_iou_major": 0.35,     # below: most of a series moved (values_major)
    "changed_fraction_minor": 0.06, # share of a series' ink that moved below which the change is minor
    "shape_kept_corr": 0.97,        # courses (mean ink row per column) this correlated: a moved series kept its shape
    "line_width_ratio": 1.6,        # stroke thickness ratio at or above which the same path has another width
    "overplot_ratio": 2.6,          # candidate data ink / reference data ink above which it is over-plotted
    "text_same": 0.90,              # string similarity at or above which two texts are the same
    "kind_thin_solid": 0.35,        # share of a colour's ink 9+ px thick above which it is no thin stroke
    "text_hollow_px": 60,           # an OCR box this tall or taller must be inked ...
    "text_hollow_ink": 0.04,        # ... at least this much to be text (else a curve read as letters)
    "text_scales": (1.15, 2.6),     # the range of sizes a line set larger is looked for at
    "text_scaled_read": 0.85,       # partial string similarity with which a line set larger must read there
    "text_scaled_ncc": 0.75,        # grey correlation of a line's glyphs, scaled, with the candidate there: resized
    "text_scaled_gain": 0.15,       # ... and by this much more than unscaled
    "flip_overlap": 0.8,            # data ink mirrored in its panel found both ways at least this much: inverted
    "flip_gain": 0.3,               # ... and by this much more than unmirrored
    "off_axis_fit": 0.35,           # y ticks changed, at most this share of ink edges on one map of the axis: values changed
    "background_ring_share": 0.4,   # a plot background holds this share of the ring inside the frame at least
    "pie_found": 0.7,               # a reference pie's picture found elsewhere in the candidate (normalised correlation)
    "hued_chroma": 40,              # a pixel's channel spread above this is coloured (data marks, not black text)
    "swatch_color_delta": 20.0,     # Lab distance within which pixels are a legend swatch's (or a bar's) colour
    "parts_traded": 0.7,            # two labelled parts traded places: described crosswise, this share of in place
    "relaid_panel_diff": 0.04,      # every frameless plot area differing on this share or more: read the layout anew
    "relaid_spread_diff": 0.01,     # ... or one of them, and the others on this share (a subplot gone, one left spread)
    "part_gone_kept": 0.25,         # a gone part's box takes in kept ink of at most this share of its gone ink
    "part_gone_share": 0.2,         # a gone part holds this share of the reference's ink at least, the rest too
    "part_gone_row_share": 0.1,     # ... or this share, when it spans the figure's width or height (a row of many)
    "part_gone_ink": 0.2,           # a labelled part of a frameless figure keeping less of its ink than this is gone
    "line_ink_max": 0.4,            # a line's box (wider than two heights) inked more is no text on a background
    "occlusion_same": 40,           # max channel difference of a glyph pixel still drawn in its colour
    "occlusion_lost": 0.03,         # share of a line's glyph ink gone to background that an occluded line may lose
    "occlusion_kept": 0.6,          # share of a line's glyph ink an occluded line still shows in its own colour
    "occlusion_cover": 0.1,         # share of a line's glyph ink that ink of another colour must cover or border
    "occlusion_own": 0.05,          # new ink of the text's colour (per glyph px) an occluded line may gain in its box
    "text_minor": 0.75,             # at or above (and below text_same): a minor text change
    "text_resize": 0.2,             # a line that reads the same, set this much narrower (or 1/(1-x) wider): resized
    "marker_shape_iou": 0.88,       # a marker's outline in its colour mask below this overlap (and ...
    "marker_shape_ink_iou": 0.93,   # ... in the ink mask below this one): another marker shape, at one resolution
    "text_glyph_ncc": 0.85,         # grey cross-correlation of a text crop (shift allowed) at or above which it is unchanged
    "text_turned_ncc": 0.75,       # the same, for a line found turned a quarter (rotated text is hinted otherwise)
    "legend_match": 0.62,           # grey correlation (ink and the pixels beside it) at which a moved legend is found again
    "legend_near_match": 0.52,      # ... below it, entries that all match one shift away at or above this: one legend
    "legend_markers_match": 0.70,   # ... a scatter legend's markers (no level swatch) found with its words at or above
    "legend_glyph_match": 0.60,     # darkness correlation of every entry at one shift: a see-through legend over other marks
    "text_native_ncc": 0.93,        # a line at full size on the same pixel grid is unchanged at or above ('51.4' vs '69.4': 0.81)
    "text_native_glyph": 0.85,      # ... and its worst glyph-wide window at or above (a typo in a long line: 0.74-0.82)
    "text_moved_ncc": 0.90,         # a line found this alike a little along (its glyph windows too): moved, no typo
    "text_native_grid": 0.98,       # median of those scores at or above which the text is on the same pixel grid
    "text_found_ncc": 0.75,         # a plot-area line found elsewhere this alike as a whole ...
    "text_found_glyph": 0.7,        # ... and glyph by glyph (its worst window; clearly best there): moved there
    "text_moved_px": 24,            # work-frame px a text may move before it is 'in another place'
    "panel_shift_gain": 0.85,       # a plot area is shifted (<= 3 px) only if that leaves this share of its grey difference
    "resolution_fade": 0.5,         # at another resolution a stroke may be this much fainter (share towards its 7x7 surroundings)
    "tick_rotation_diagonal": 0.12, # diagonal share of gradient energy the candidate's tick band gains when rotated
    "legibility_scale": 3.0,        # candidate upscaled more than this to meet the reference: unreadable
    "max_same_findings": 2,         # findings of one category, severity and place kept (more are one problem)
}


def rule(name: str) -> Rule:
    """The rule called ``name`` (``"chart.series_missing"``); KeyError names the rule when it is unknown."""
    try:
        return RULES[name]
    except KeyError:
        raise KeyError(f"no severity rule {name!r}") from None


def finding(name: str, description: str, location: str, bbox: list[float] | None, *,
            severity: int | None = None) -> Discrepancy:
    """A Discrepancy for rule ``name``; ``severity`` overrides the table only where a rule documents a range."""
    r = rule(name)
    sev = r.severity if severity is None else max(1, min(3, int(severity)))
    return Discrepancy(category=r.category, severity=sev, description=description, location=location,
                       bbox=None if bbox is None else [float(v) for v in bbox])


def blank_candidate_errors(task: str, width: int, height: int) -> list:
    """A blank candidate has lost everything: one severity-3 error per category of the task, boxed on the canvas."""
    box = [0.0, 0.0, float(width), float(height)]
    return [Discrepancy(category=c, severity=3, location="whole image",
                        description=f"The rendering is blank, so every {c.replace('_error', '')} element of the reference is missing.",
                        bbox=box) for c in CATEGORIES[task]]


def sort_and_cap(errors: list[Discrepancy], max_errors: int) -> list[Discrepancy]:
    """Most severe first (stable within a severity), at most ``max_errors``."""
    return sorted(errors, key=lambda e: -int(e.severity))[:max(0, int(max_errors))]


def table_markdown(task: str | None = None) -> str:
    """The rules as a Markdown table (for docs/embedded-judge.md)."""
    lines = ["| rule | category | severity | when |", "|---|---|---|---|"]
    for name, r in RULES.items():
        if task is None or r.task == task:
            lines.append(f"| `{name}` | {r.category} | {r.severity} | {r.what} |")
    return "\n".join(lines)
