"""The chart judge on charts drawn with real matplotlib: findings, equivalence, and attempts to fool it."""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from visual_erm.images import load_image  # noqa: E402
from visual_erm.judge import get_judge  # noqa: E402
from visual_erm.judge.embedded import geometry as geo  # noqa: E402

X = np.arange(8)
SALES = np.array([3, 4, 6, 5, 7, 8, 7, 9], float)
COSTS = np.array([2, 2.5, 3, 3.2, 3, 4, 4.5, 5], float)


def figure_rgb(fig, *, dpi=100, own_face=False) -> np.ndarray:
    """Save a real matplotlib figure as PNG (``own_face``: on the figure's own face colour, as a style sets it),
    close it, and decode it the way the judge receives images."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, **({"facecolor": fig.get_facecolor()} if own_face else {}))
    plt.close(fig)
    return load_image(buf.getvalue())


def draw(*, dpi=100, sales=SALES, costs=COSTS, title="Quarterly sales", color="tab:blue", linestyle="-",
         grid=False, stamp=None, legend=True, overplot=False, costs_series=True, swap_labels=False, bars=False,
         jpeg=False, figsize=(6.4, 4.8), rotate_ticks=False, tick_words=False, lw=2):
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    if bars:
        ax.bar(X, sales, color=color, label="sales")
    else:
        ax.plot(X, sales, color=color, linestyle=linestyle, lw=lw, label="sales")
    if costs_series:
        ax.plot(X, costs, color="tab:orange", lw=2, label="costs")
    if overplot:
        rng = np.random.default_rng(0)
        for _ in range(150):
            ax.plot(X, rng.uniform(1, 9, len(X)), color="tab:blue", lw=3)
    ax.set_title(title)
    ax.set_xlabel("Year" if swap_labels else "Month")
    ax.set_ylabel("Month" if swap_labels else "Year")
    ax.set_ylim(0, 10)
    if grid:
        ax.grid(True)
    if tick_words:
        ax.set_xticks(X, ["January", "February", "March", "April", "May", "June", "July", "August"])
    if rotate_ticks:
        plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    if legend:
        ax.legend(loc="upper left")
    if stamp:
        fig.text(0.5, 0.5, stamp, fontsize=26, color="green", ha="center", va="center", weight="bold")
    img = figure_rgb(fig, dpi=dpi)
    if jpeg:
        out = io.BytesIO()
        Image.fromarray(img).save(out, format="JPEG", quality=70)
        img = load_image(out.getvalue())
    return img


@pytest.fixture(scope="module")
def judge():
    return get_judge("embedded")


@pytest.fixture(scope="module")
def ref():
    return draw()


def verdict(judge, ref, cand):
    v = judge.judge(ref, cand, task="chart")
    assert v.ok
    for e in v.errors:
        assert e.bbox is not None and len(e.bbox) == 4
        assert 0 <= e.bbox[0] <= e.bbox[2] <= cand.shape[1] and 0 <= e.bbox[1] <= e.bbox[3] <= cand.shape[0]
        assert e.description.endswith(".") and e.location
    return v


def assert_line_left_as_points(v):
    assert v.errors and v.errors[0].category == "structure_error", v.errors
    assert "separate points" in v.errors[0].description, v.errors


def cats(v):
    return {e.category for e in v.errors}


def assert_only(v, category, severity, words=""):
    """The verdict holds exactly one finding, of ``category`` and ``severity``, whose description says ``words``."""
    assert [(e.category, e.severity) for e in v.errors] == [(category, severity)], v.errors
    assert words in v.errors[0].description, v.errors


@pytest.mark.parametrize("kw", [dict(dpi=72), dict(dpi=150), dict(jpeg=True)], ids=["dpi72", "dpi150", "jpeg"])
def test_equivalent_renderings_are_clean(judge, ref, kw):
    v = verdict(judge, ref, draw(**kw))
    assert v.severity_sum <= 1, v.errors


def test_identical_is_empty_and_reference_is_cached(judge, ref):
    v = verdict(judge, ref, ref.copy())
    assert v.errors == []
    before = judge.cache.hits
    verdict(judge, ref, draw(dpi=72))
    assert judge.cache.hits == before + 1


def test_missing_series_is_a_severe_data_error(judge, ref):
    v = verdict(judge, ref, draw(costs_series=False, legend=False))
    assert any(e.category == "data_error" and e.severity == 3 for e in v.errors), v.errors


def test_reference_colours_with_wrong_data(judge, ref):
    v = verdict(judge, ref, draw(sales=SALES[::-1]))
    data = [e for e in v.errors if e.category == "data_error"]
    assert data and max(e.severity for e in data) >= 2, v.errors
    # the box lands on the plot area, not on the title or the margins
    assert any(e.bbox[1] > 40 and e.bbox[3] < 440 for e in data)



def draw_swing(scale=1.0, reverse=False):
    t = np.linspace(0, 4 * np.pi, 300)
    y = np.sin(t) * np.exp(-t / 8)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(t, (y[::-1] if reverse else y) * scale, color="tab:blue")
    ax.set_ylim(-1.2, 1.2)
    return figure_rgb(fig)


def test_a_series_swinging_less_keeps_its_course_and_weighs_less_than_one_reversed(judge):
    # Every value moved, but the line still rises and falls where it did: values off (2), not the trend (3).
    ref = draw_swing()
    smaller = verdict(judge, ref, draw_swing(0.5))
    assert [(e.category, e.severity) for e in smaller.errors] == [("data_error", 2)], smaller.errors
    assert "course is kept" in smaller.errors[0].description, smaller.errors
    reversed_ = verdict(judge, ref, draw_swing(reverse=True))
    assert [(e.category, e.severity) for e in reversed_.errors] == [("data_error", 3)], reversed_.errors


def draw_dotted(linestyle="-"):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    x = np.arange(0, 360)
    ax.plot(x, np.sin(2 * x * np.pi / 180), color="tab:blue", lw=1.5, linestyle=linestyle)
    return figure_rgb(fig)


def test_a_line_drawn_dotted_is_a_line_style_not_a_scatter_plot(judge):
    # The dots are no wider than the line and lie on its path: a dotted line, not markers of a scatter plot.
    v = verdict(judge, draw_dotted(), draw_dotted(":"))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 1)], v.errors


def draw_two_scales(lw=1.5):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    t = np.arange(0.01, 10.0, 0.01)
    ax.plot(t, np.exp(t), color="tab:red", lw=lw)
    ax.set_ylabel("exp", color="tab:red")
    ax.set_xlabel("time (s)")
    other = ax.twinx()
    other.plot(t, np.sin(2 * np.pi * t), color="tab:blue")
    other.set_ylabel("sin", color="tab:blue")
    fig.tight_layout()
    return figure_rgb(fig)


def test_a_thin_line_drawn_much_thicker_is_a_stroke_width_not_a_palette(judge):
    # The thin line's commonest colour is its pale anti-aliased edge; drawn thick, it shows its full colour: the
    # same colour at another width, not two series recoloured.
    v = verdict(judge, draw_two_scales(), draw_two_scales(6))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 1)], v.errors
    assert "thicker" in v.errors[0].description, v.errors


def draw_limacon(narrow=False):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    t = np.linspace(0, 2 * np.pi, 400)
    r = 0.5 + np.cos(t)
    ax.plot(r * np.cos(t), r * np.sin(t), color="black")
    ax.set_aspect("equal")
    if narrow:
        ax.set_ylim(-0.9, 0.35)
    return figure_rgb(fig)


def test_an_equal_aspect_plot_laid_out_anew_by_its_range_loses_no_series(judge):
    # A narrower y range reshapes the plot (equal aspect), so its marks cannot be compared where they were: the
    # axis findings say it, not a series missing.
    # The x-axis picks its ticks anew with the plot's new width: one range change, said once for both axes.
    v = verdict(judge, draw_limacon(), draw_limacon(narrow=True))
    assert_only(v, "data_error", 2, "x- and y-axis ranges or scales differ")


def draw_small_points(joined=False):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    x = np.arange(12)
    y = np.array([3, 5, 4, 7, 6, 8, 7, 9, 6, 5, 7, 8], float)
    if joined:
        ax.plot(x, y, color="tab:green", lw=1.5)
    else:
        ax.scatter(x, y, s=8, color="tab:green")
    return figure_rgb(fig)


def test_small_points_joined_by_a_line_are_a_chart_type_not_a_dotted_line(judge):
    # Points barely wider than a line, but far apart: the line between them is bare in the reference.
    v = verdict(judge, draw_small_points(), draw_small_points(joined=True))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 3)], v.errors

def test_recoloured_series_is_a_style_error(judge, ref):
    v = verdict(judge, ref, draw(color="tab:green"))
    assert "style_error" in cats(v) and "data_error" not in cats(v), v.errors


def test_changed_title_is_a_text_error_on_the_title(judge, ref):
    v = verdict(judge, ref, draw(title="Monthly revenue"))
    text = [e for e in v.errors if e.category == "text_error"]
    assert text, v.errors
    assert text[0].bbox[3] < 80  # the title sits at the top of the image


def test_grid_and_line_style_are_minor_style_errors(judge, ref):
    v = verdict(judge, ref, draw(grid=True))
    assert cats(v) == {"style_error"} and v.severity_sum <= 2, v.errors
    v = verdict(judge, ref, draw(linestyle="--"))
    assert 1 <= v.severity_sum <= 2, v.errors  # seen; its category (style) is not yet reliable


def test_rotated_tick_labels_are_a_minor_text_error(judge, ref):
    # word labels (the slant of one-digit labels is not told apart from other values yet)
    v = verdict(judge, draw(tick_words=True), draw(tick_words=True, rotate_ticks=True))
    assert cats(v) == {"text_error"} and any("slant" in e.description for e in v.errors), v.errors


def test_chart_type_change_is_structural(judge, ref):
    v = verdict(judge, ref, draw(bars=True))
    assert "structure_error" in cats(v) and v.severity_sum >= 3, v.errors


def test_bars_drawn_as_a_line_are_a_chart_type_change(judge):
    v = verdict(judge, draw(bars=True), draw())
    assert "structure_error" in cats(v) and not any("missing" in e.description for e in v.errors), v.errors



def test_thicker_line_is_a_minor_style_error(judge, ref):
    v = verdict(judge, ref, draw(lw=7))
    assert cats(v) == {"style_error"} and v.severity_sum <= 2, v.errors


def test_subplot_count(judge, ref):
    fig, axs = plt.subplots(1, 2, figsize=(6.4, 4.8), dpi=100)
    axs[0].plot(X, SALES)
    axs[1].plot(X, COSTS)
    v = verdict(judge, ref, figure_rgb(fig))
    assert any(e.category == "structure_error" and e.severity == 3 for e in v.errors), v.errors


def test_a_removed_subplot_is_boxed_where_the_reference_drew_it(judge):
    def chart(both):
        fig, axs = plt.subplots(1, 2, figsize=(8, 4), dpi=100)
        axs[0].plot(X, SALES, color="tab:blue")
        axs[0].set_title("Sales")
        axs[1].bar(X, COSTS, color="tab:orange")
        axs[1].set_title("Costs")
        if not both:
            fig.delaxes(axs[1])  # the left subplot stays where it was; the right half is left blank
        return fig, [ax.get_window_extent() for ax in axs]
    fig, extents = chart(True)
    ref = figure_rgb(fig)
    fig, _ = chart(False)
    v = verdict(judge, ref, figure_rgb(fig))
    assert v.errors and v.errors[0].category == "structure_error", v.errors
    lost = extents[1]  # display pixels, y up
    x0, y0, x1, y1 = lost.x0, ref.shape[0] - lost.y1, lost.x1, ref.shape[0] - lost.y0
    b = v.errors[0].bbox
    assert b[0] >= x0 - 20 and b[2] <= x1 + 20 and b[1] >= y0 - 20 and b[3] <= y1 + 20, (b, (x0, y0, x1, y1))


@pytest.mark.parametrize("part", ["title", "ylabel"])
def test_text_lost_at_the_figure_edge_is_boxed_where_it_was(judge, part):
    def chart(keep):
        fig, ax = plt.subplots(figsize=(6.4, 4), dpi=100)
        ax.bar(["CA", "OK", "FL"], [205, 102, 100], color="#4c72b0")
        ax.set_title("Airports: records by state" if keep or part != "title" else "")
        ax.set_ylabel("Temp max" if keep or part != "ylabel" else "")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.02)  # cropped to the content: the text sat at the edge
        plt.close(fig)
        return load_image(buf.getvalue())
    cand = chart(False)
    v = verdict(judge, chart(True), cand)
    assert [e.category for e in v.errors] == ["text_error"], v.errors
    x0, y0, x1, y1 = v.errors[0].bbox
    assert x1 - x0 >= 8 and y1 - y0 >= 8, v.errors[0].bbox  # never a line along the border
    if part == "title":
        assert y1 <= 0.15 * cand.shape[0] and x0 > 0.2 * cand.shape[1], v.errors[0].bbox
    else:
        assert x1 <= 0.15 * cand.shape[1] and y0 > 0.2 * cand.shape[0], v.errors[0].bbox


# ---------------- hard to fool ----------------

def test_blank_canvas_is_worst(judge, ref):
    blank = verdict(judge, ref, np.full_like(ref, 255))
    flawed = verdict(judge, ref, draw(costs_series=False, legend=False))
    assert blank.severity_sum >= 9 and blank.score < flawed.score


def test_correct_stamp_is_penalised(judge, ref):
    v = verdict(judge, ref, draw(stamp="CORRECT"))
    assert v.severity_sum >= 2 and "text_error" in cats(v), v.errors
    assert v.score < verdict(judge, ref, draw(dpi=72)).score


def test_overplotted_chart_is_penalised(judge, ref):
    v = verdict(judge, ref, draw(overplot=True))
    assert v.severity_sum >= 3 and "data_error" in cats(v), v.errors


def test_tiny_and_huge_images(judge, ref):
    tiny = np.asarray(Image.fromarray(ref).resize((48, 36), Image.BILINEAR))
    v = verdict(judge, ref, tiny)
    assert v.severity_sum >= 2, v.errors
    huge = draw(dpi=400)
    v = verdict(judge, ref, huge)
    assert v.severity_sum <= 1, v.errors


def test_right_text_in_wrong_places(judge, ref):
    v = verdict(judge, ref, draw(swap_labels=True))
    assert "text_error" in cats(v) and v.severity_sum >= 2, v.errors


def test_ranking_follows_severity(judge, ref):
    clean = verdict(judge, ref, draw(dpi=150)).score
    minor = verdict(judge, ref, draw(grid=True)).score
    severe = verdict(judge, ref, draw(costs_series=False, legend=False, sales=SALES[::-1])).score
    assert clean > minor > severe


def test_detectors_can_be_switched_off(ref):
    j = get_judge("embedded", disabled={"grid"}, ocr="none")
    v = j.judge(ref, draw(grid=True), task="chart")
    assert not any("grid" in e.description for e in v.errors)


def draw_two_panels(*, hydro=True, solar_bar="#f0a800", hydro_bar=1425.0, sharey_limit=None):
    """A line chart with a legend beside a bar chart (the demo's layout), errors injected through the data."""
    years = np.arange(2015, 2025)
    series = {"Solar": (np.linspace(230, 1870, 10), "#f0a800", "o"), "Wind": (np.linspace(420, 1130, 10), "tab:blue", "s"),
              "Hydro": (np.linspace(1210, 1425, 10), "tab:green", "^")}
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4), dpi=100)
    for name, (ys, c, m) in series.items():
        if name != "Hydro" or hydro:
            a.plot(years, ys, color=c, marker=m, label=name)
    a.legend(loc="upper left")
    a.set_title("Installed capacity")
    b.bar(["Solar", "Wind", "Hydro"], [1870, 1130, hydro_bar], color=[solar_bar, "tab:blue", "tab:green"])
    b.set_title("Capacity in 2024")
    fig.tight_layout()
    return figure_rgb(fig, dpi=100)


def test_both_subplots_and_a_series_lost_with_its_legend_entry_are_reported(judge):
    ref = draw_two_panels()
    v = verdict(judge, ref, draw_two_panels(hydro=False, solar_bar="tab:red", hydro_bar=900.0))
    right = [e for e in v.errors if e.location.startswith("subplot 2")]
    assert any(e.category == "style_error" for e in right) and any(e.category == "data_error" for e in right)
    assert all(e.bbox[0] > ref.shape[1] / 2 for e in right)
    # The legend entry went with its series: one finding, which the entry names.
    left = [e for e in v.errors if e.location.startswith("subplot 1")]
    assert [e.category for e in left] == ["data_error"], left
    assert "'Hydro' in its legend" in left[0].description and "missing" in left[0].description
    assert not any("一" in e.description for e in v.errors)  # the legend handle is not read as text
    assert not verdict(judge, ref, draw_two_panels()).errors


def draw_symmetric(*, inverted=False, dpi=100):
    t = np.linspace(0, 2 * np.pi, 200)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=dpi)
    ax.plot(np.cos(t) + 1, np.sin(t), color="black")  # symmetric about y = 0: inverting it moves no mark
    ax.set_ylim(-1.2, 1.2)
    if inverted:
        ax.invert_yaxis()
    return figure_rgb(fig, dpi=dpi)


def test_inverted_axis_with_symmetric_ticks(judge):
    ref = draw_symmetric()
    v = verdict(judge, ref, draw_symmetric(inverted=True))
    inverted = [e for e in v.errors if e.category == "data_error" and e.severity == 3 and "inverted" in e.description]
    assert inverted, v.errors
    x0, y0, x1, y1 = inverted[0].bbox  # the tick labels and the plot area whose marks they place
    assert x0 < 60 and x1 - x0 > 0.6 * ref.shape[1] and y1 - y0 > 0.6 * ref.shape[0], inverted[0].bbox
    assert verdict(judge, ref, draw_symmetric(dpi=150)).severity_sum <= 1



def draw_wave_to_140(*, inverted=False):
    t = np.linspace(0, 1, 200)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100, layout="constrained")
    ax.plot(t, 60 + 50 * np.sin(2 * np.pi * t))
    ax.set_ylim(-10, 140)
    if inverted:
        ax.invert_yaxis()
    return figure_rgb(fig)


def draw_population(*, inverted=False):
    """Matplotlib's stackplot demo: four stacked areas, tick labels up to 5000 beside a y-axis label."""
    year = [1950, 1960, 1970, 1980, 1990, 2000, 2010, 2018]
    pop = {"africa": [228, 284, 365, 477, 631, 814, 1044, 1275], "americas": [340, 425, 519, 619, 727, 840, 943, 1006],
           "asia": [1394, 1686, 2120, 2625, 3202, 3714, 4169, 4560], "europe": [220, 253, 276, 295, 310, 303, 294, 293]}
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.stackplot(year, pop.values(), labels=pop.keys(), alpha=0.8)
    ax.legend(loc="upper left", reverse=True)
    ax.set_title("World population")
    ax.set_xlabel("Year")
    ax.set_ylabel("Number of people (millions)")
    if inverted:
        ax.invert_yaxis()
    return figure_rgb(fig)



@pytest.mark.parametrize("draw_chart", [draw_wave_to_140, draw_population], ids=["tick-marks-glued", "slivers-in-band"])
def test_inverted_axis_read_badly_is_one_axis_finding(judge, draw_chart):
    # The labels of the reversed axis read with their tick marks glued on ('01', '20+') or not at all, or their
    # band also catching the end of a tick mark or a glyph cut at its edge (a row or two tall, no label): mostly
    # the same range, running the other way, is still an inverted axis (3), not a range change (2).
    v = verdict(judge, draw_chart(), draw_chart(inverted=True))
    assert [(e.category, e.severity) for e in v.errors] == [("data_error", 3)] and \
        "inverted" in v.errors[0].description, v.errors

def draw_fahrenheit_celsius(*, inverted=False):
    """Matplotlib's two-scales demo: a Celsius twin axis beside the Fahrenheit one, following it."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(np.arange(100), np.linspace(-40, 120, 100))
    ax.set_ylabel("Fahrenheit")
    ax.set_title("Two scales: Fahrenheit and Celsius")
    twin = ax.twinx()
    twin.set_ylabel("Celsius")
    lo, hi = ax.get_ylim()
    if inverted:
        ax.set_ylim(hi, lo)
    lo, hi = ax.get_ylim()
    twin.set_ylim((lo - 32) / 1.8, (hi - 32) / 1.8)
    return figure_rgb(fig)


def draw_three_correlations(*, inverted=False):
    """Three small scatter plots in a row, the last one's y tick labels close to the middle one's right spine."""
    rng = np.random.default_rng(3)
    fig, axs = plt.subplots(1, 3, figsize=(9, 3), dpi=100)
    for ax, (r, title) in zip(axs, [(0.8, "Positive"), (-0.8, "Negative"), (0.0, "Weak")]):
        x = rng.normal(size=300)
        ax.scatter(x * 3, 5 * (r * x + np.sqrt(1 - r * r) * rng.normal(size=300)) + 4, s=1)
        ax.set_title(title)
    if inverted:
        axs[2].invert_yaxis()
    return figure_rgb(fig)


@pytest.mark.parametrize("draw_chart", [draw_fahrenheit_celsius, draw_three_correlations],
                         ids=["twin-axis-beside", "spine-beside"])
def test_an_inverted_axis_beside_other_labels_or_a_spine_is_one_axis_finding(judge, draw_chart):
    # A twin axis's labels on the right belong to the same role as the left ones: each side is read on its own.
    # A neighbouring plot's spine, or the labels' own tick marks, in the band read as a '|' before or a dash
    # after each number: they are painted over before reading.
    v = verdict(judge, draw_chart(), draw_chart(inverted=True))
    assert [(e.category, e.severity) for e in v.errors if e.category == "data_error"] == [("data_error", 3)], v.errors
    assert "inverted" in v.errors[0].description and v.severity_sum <= 4, v.errors


def draw_shared_grid(*, inverted=False):
    """Four plots sharing one y-axis (the left column's labels shown, the right column's hidden), lines of every
    colour of the cycle crossing each."""
    fig, axs = plt.subplots(2, 2, figsize=(6.4, 4.8), dpi=100, sharex=True, sharey=True)
    for n, ax in enumerate(axs.flat):
        for k in range(6):
            ax.axhline(k * 1.5 + 0.5, color=f"C{k}", lw=1 + n)
            ax.axvline(k * 1.5 + 0.5, color=f"C{k}", lw=1 + (n % 2) * 3)
    ax.set_ylim(0, 9)
    if inverted:
        axs[0, 1].invert_yaxis()
    return figure_rgb(fig)


def test_an_axis_shared_by_a_grid_of_plots_inverted_is_one_finding(judge):
    # Inverting one of the plots inverts all four: the left column's two label rows read reversed, and the right
    # column's plots, without labels, show their lines moved; one axis, one finding.
    assert_only(verdict(judge, draw_shared_grid(), draw_shared_grid(inverted=True)), "data_error", 3, "inverted")


def draw_race(*, narrow=False):
    """Matplotlib's broken_barh demo: two riders named down the y-axis, their spans as bars."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.broken_barh([(110, 30), (150, 10)], (10, 9), facecolors="tab:blue")
    ax.broken_barh([(10, 50), (100, 20), (130, 10)], (20, 9), facecolors=("tab:orange", "tab:green", "tab:red"))
    ax.set_ylim(5, 35 - 30 * 0.3 if narrow else 35)
    ax.set_xlim(0, 200)
    ax.set_xlabel("seconds since start")
    ax.set_yticks([15, 25], labels=["Bill", "Jim"])
    ax.grid(True)
    ax.annotate("race interrupted", (61, 25), xytext=(0.8, 0.9), textcoords="axes fraction",
                arrowprops=dict(facecolor="black", shrink=0.05), fontsize=16, ha="right", va="top")
    return figure_rgb(fig)


def test_two_names_down_a_y_axis_moved_by_its_range_are_its_tick_labels(judge):
    # Level words right-aligned beside the plot are the y-axis's category names, not its label: moved along the
    # axis with every bar, they tell one range change, and the bars moved with it are no changed values.
    assert_only(verdict(judge, draw_race(), draw_race(narrow=True)), "data_error", 2, "y-axis")


def draw_image(*, cmap="gray", dpi=100):
    x, y = np.meshgrid(np.linspace(-3, 3, 120), np.linspace(-2, 2, 80))
    z = np.exp(-(x - 0.5) ** 2 - y ** 2) - np.exp(-(x + 1) ** 2 - (y - 0.5) ** 2)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=dpi)
    ax.imshow(z, cmap=cmap, extent=(-3, 3, -2, 2))
    return figure_rgb(fig, dpi=dpi)


def test_colour_map_change_is_one_style_error(judge):
    ref = draw_image()
    v = verdict(judge, ref, draw_image(cmap="inferno"))
    assert [e.category for e in v.errors] == ["style_error"] and "colour map" in v.errors[0].description, v.errors
    assert verdict(judge, ref, draw_image(dpi=150)).severity_sum <= 1


def draw_wave(*, scatter=False, linestyle="-", dpi=100):
    t = np.linspace(0, 2, 120)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=dpi)
    if scatter:
        ax.scatter(t, np.sin(2 * np.pi * t), s=10)
    else:
        ax.plot(t, np.sin(2 * np.pi * t), linestyle=linestyle)
    return figure_rgb(fig, dpi=dpi)


def test_line_drawn_as_points_is_a_chart_type_change(judge):
    ref = draw_wave()
    v = verdict(judge, ref, draw_wave(scatter=True))
    assert v.errors and v.errors[0].category == "structure_error" and "points" in v.errors[0].description, v.errors
    dashed = verdict(judge, ref, draw_wave(linestyle="--"))
    assert "structure_error" not in cats(dashed), dashed.errors
    assert verdict(judge, ref, draw_wave(dpi=150)).severity_sum <= 1


def draw_dense_wave(*, dots=False, lw=1.5, n=500):
    """A line of many points; ``dots``: the same points drawn as small touching markers, no line (the builder's
    line-to-scatter change)."""
    t = np.linspace(0, 5, n)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    if dots:
        ax.plot(t, np.cos(2 * np.pi * t), linestyle="None", marker="o", markersize=3)
    else:
        ax.plot(t, np.cos(2 * np.pi * t), lw=lw)
    ax.set_ylim(-2, 2)
    return figure_rgb(fig)


def test_a_line_drawn_as_touching_dots_is_a_scatter_plot_not_a_thicker_line(judge):
    # Dots drawn close enough to touch make a path as wide as a thick line; where the points lie a few px apart
    # the dots' waists pinch, which a line drawn thicker never shows.
    ref = draw_dense_wave()
    assert_only(verdict(judge, ref, draw_dense_wave(dots=True)), "structure_error", 3, "separate points")
    assert_only(verdict(judge, ref, draw_dense_wave(lw=5.25)), "style_error", 1, "thicker")


def draw_month_temps(lw=1.5):
    """A dashed line with triangle markers through twelve monthly values, on seaborn's grey grid (vega's
    sf-temps table, as the code set draws it)."""
    temps = [45.8, 46.9, 48.7, 49.3, 51.4, 53.7, 55.4, 56.6, 56.4, 53.4, 48.6, 45.6]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    with plt.style.context("seaborn-v0_8-darkgrid"), matplotlib.rc_context({"font.size": 11}):
        fig, ax = plt.subplots(figsize=(7, 4.8), dpi=100, layout="constrained")
        ax.plot(range(12), temps, linestyle="--", marker="^", lw=lw, color="#66c2a5", label="Min temp")
        ax.set_xticks(range(12), months)
        ax.set_xlabel("Month")
        ax.set_ylabel("Min temp")
        ax.legend(loc="upper left")
        ax.set_title("SF temps: min temp by month", fontsize=14)
        return figure_rgb(fig)


def test_a_dashed_line_drawn_thicker_is_no_scatter_plot(judge):
    # Thick dashes are straight bars: a square erosion cuts a slanted one's core into crumbs like a row of dots,
    # but bars are not dots.
    v = verdict(judge, draw_month_temps(), draw_month_temps(lw=5))
    assert "structure_error" not in cats(v) and ("style_error", 1) in [(e.category, e.severity) for e in v.errors], \
        v.errors


def draw_damped(*, dots=False):
    """Matplotlib's legend demo: four lines, dashed, dotted and marked; ``dots``: every one drawn as small round
    markers, no line (after the legend was made, as the builder's change does)."""
    t1, t2 = np.arange(0.0, 2.0, 0.1), np.arange(0.0, 2.0, 0.01)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    l1, = ax.plot(t2, np.exp(-t2))
    l2, l3 = ax.plot(t2, np.sin(2 * np.pi * t2), "--o", t1, np.log(1 + t1), ".")
    l4, = ax.plot(t2, np.exp(-t2) * np.sin(2 * np.pi * t2), "s-.")
    ax.legend((l2, l4), ("oscillatory", "damped"), loc="upper right", shadow=True)
    ax.set_xlabel("time")
    ax.set_ylabel("volts")
    ax.set_title("Damped oscillation")
    if dots:
        for line in (l1, l2, l3, l4):
            line.set_linestyle("None")
            line.set_marker("o")
            line.set_markersize(3)
    return figure_rgb(fig)


def test_every_line_of_a_plot_drawn_as_dots_is_one_chart_type_change(judge):
    # One line read as points explains the others' changed widths, dashes and markers in the same plot.
    assert_only(verdict(judge, draw_damped(), draw_damped(dots=True)), "structure_error", 3, "separate points")


def draw_sf_temps(*, ls="-", lw=2.0):
    """Two monthly series as filled areas under their lines (Solarize_Light2, as the code set draws vega's
    sf-temps table), the upper line marked with diamonds; ``ls``/``lw``: that line's style and width."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    low = [45.8, 46.9, 48.7, 49.3, 51.4, 53.7, 55.4, 56.6, 56.4, 53.4, 48.6, 45.6]
    high = [56.2, 58.6, 61.3, 64.3, 66.4, 69.7, 70.4, 72.2, 72.2, 70.6, 65.0, 57.5]
    with plt.style.context("Solarize_Light2"), matplotlib.rc_context({"font.size": 9}):
        fig, ax = plt.subplots(figsize=(7.6, 4.7), dpi=100, layout="constrained")
        for v, color, style, marker, width in ((low, "#1b9e77", "--", "None", 2.0), (high, "#d95f02", ls, "D", lw)):
            ax.fill_between(range(12), v, alpha=0.3, color=color, lw=0)
            ax.plot(range(12), v, ls=style, marker=marker, lw=width, color=color)
        ax.set_xticks(range(12), months)
        ax.set_title("SF temps: min temp and max temp by month", fontsize=10)
        return figure_rgb(fig)


@pytest.mark.parametrize("change", [dict(ls=":"), dict(lw=5.0)], ids=["dotted", "thicker"])
def test_a_marked_line_drawn_dotted_or_thicker_is_a_line_style_not_points(judge, change):
    # Its diamonds stay where they were: they are the line's own markers, no scatter points; a thick slanted
    # line's ridge, eroded, crumbles evenly, without the waists between dots.
    v = verdict(judge, draw_sf_temps(), draw_sf_temps(**change))
    assert "structure_error" not in cats(v) and "style_error" in cats(v), v.errors


def draw_errorbar_subsampling(*, dots=False):
    """Matplotlib's errorbar subsampling demo; ``dots``: the middle plot's two lines drawn as small markers, no
    line (the builder's change), their error bars kept."""
    x = np.arange(0.1, 4, 0.1)
    y1, y2 = np.exp(-1.0 * x), np.exp(-0.5 * x)
    y1err, y2err = 0.1 + 0.1 * np.sqrt(x), 0.1 + 0.1 * np.sqrt(x / 2)
    fig, (ax0, ax1, ax2) = plt.subplots(nrows=1, ncols=3, sharex=True, figsize=(12, 6), dpi=100)
    ax0.set_title("all errorbars")
    ax0.errorbar(x, y1, yerr=y1err)
    ax0.errorbar(x, y2, yerr=y2err)
    ax1.set_title("only every 6th errorbar")
    lines = [ax1.errorbar(x, y, yerr=err, errorevery=6).lines[0] for y, err in ((y1, y1err), (y2, y2err))]
    ax2.set_title("second series shifted by 3")
    ax2.errorbar(x, y1, yerr=y1err, errorevery=(0, 6))
    ax2.errorbar(x, y2, yerr=y2err, errorevery=(3, 6))
    fig.suptitle("Errorbar subsampling")
    if dots:
        for line in lines:
            line.set_linestyle("None")
            line.set_marker("o")
            line.set_markersize(3)
    return figure_rgb(fig)


def test_lines_drawn_as_dots_among_their_error_bars_are_a_chart_type_change(judge):
    # The dots, 3 px across, are round and wider than the line, and the line is bare between them: points, not a
    # dash pattern, though the error bars kept hold the colour's typical stroke at the line's width.
    assert_only(verdict(judge, draw_errorbar_subsampling(), draw_errorbar_subsampling(dots=True)), "structure_error", 3,
                "separate points")


def draw_spans(*, dots=False):
    """Matplotlib's axhspan demo: a sine among guide lines and a bar of its own colour; ``dots``: the sine drawn
    as separate markers, the guides kept."""
    t = np.arange(-1, 2, .01)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(t, np.sin(2 * np.pi * t), **(dict(linestyle="None", marker="o", markersize=3) if dots else {}))
    ax.axhline(linewidth=8, color="#d62728")
    ax.axhline(y=1)
    ax.axvline(x=1)
    ax.axvline(x=0, ymin=0.75, linewidth=8, color="#1f77b4")
    ax.axhline(y=.5, xmin=0.25, xmax=0.75)
    ax.axline((0, 0), (1, 1), color="k")
    ax.axhspan(0.25, 0.75, facecolor="0.5")
    ax.axvspan(1.25, 1.55, facecolor="#2ca02c")
    return figure_rgb(fig)


def test_a_line_drawn_as_dots_beside_lines_of_its_colour_is_a_scatter_plot_not_a_dotted_line(judge):
    # The guide lines kept hold the colour's typical stroke at the line's width, so the dots, much wider than
    # it, must still be read as points.
    assert_only(verdict(judge, draw_spans(), draw_spans(dots=True)), "structure_error", 3, "separate points")


def draw_unequal_panels(*, swap=False):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=300), rng.normal(size=300)
    fig = plt.figure(figsize=(6, 6), dpi=100)
    top, main = fig.add_axes([0.1, 0.75, 0.8, 0.2]), fig.add_axes([0.1, 0.1, 0.8, 0.6])
    top.hist(x, bins=20)
    main.scatter(x, y)
    if swap:
        p, q = top.get_position(), main.get_position()
        top.set_position(q)
        main.set_position(p)
    return figure_rgb(fig, dpi=100)



def draw_four_places(*, third=True, grid=False):
    fig = plt.figure(figsize=(6.4, 4.8), dpi=100)
    for k, rect in enumerate([(0.08, 0.55, 0.38, 0.38), (0.58, 0.08, 0.38, 0.38), (0.58, 0.55, 0.38, 0.38),
                              (0.08, 0.08, 0.38, 0.38)]):
        if k == 2 and not third:
            continue  # (the others span the figure as before: the same content box)
        ax = fig.add_axes(rect)
        ax.plot(X, SALES * (k + 1), color=f"C{k}")
        ax.grid(grid and k == 0)
    return figure_rgb(fig)


def test_a_grid_added_beside_a_subplot_removed_is_found_too(judge):
    # The plots that stay in place are still compared after the layout changed: their grid as well as their marks.
    v = verdict(judge, draw_four_places(), draw_four_places(third=False, grid=True))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 3), ("style_error", 1)], v.errors
    assert "grid" in v.errors[1].description, v.errors


def draw_twins(host=True):
    """Two plots over one area, as the gallery's two_scales draws them; without ``host`` the first is removed."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    t = np.linspace(0, 10, 100)
    ax.plot(t, np.exp(t / 3), color="tab:red")
    ax.set_ylabel("exp", color="tab:red")
    ax.set_xlabel("time (s)")
    other = ax.twinx()
    other.plot(t, np.sin(t), color="tab:blue")
    other.set_ylabel("sin", color="tab:blue")
    if not host:
        ax.remove()
    return figure_rgb(fig)


def test_a_twinned_plot_removed_is_one_missing_subplot(judge):
    # Its series, its axis labels and its tick values went together: one plot, not a series and four more.
    v = verdict(judge, draw_twins(), draw_twins(host=False))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 3)], v.errors
    assert "'exp'" in v.errors[0].description, v.errors

def test_swapped_subplots_of_other_sizes(judge):
    v = verdict(judge, draw_unequal_panels(), draw_unequal_panels(swap=True))
    assert v.errors and v.errors[0].category == "structure_error", v.errors



def draw_labelled_grid(order=(1, 2, 3, 4, 5), drop=None):
    """Empty subplots of a grid spec named by the text in their middle, as the gallery's layout demos draw them."""
    fig = plt.figure(figsize=(6.4, 4.8), dpi=100)
    gs = fig.add_gridspec(3, 3)
    axes = [fig.add_subplot(gs[0, :]), fig.add_subplot(gs[1, :-1]), fig.add_subplot(gs[1:, -1]),
            fig.add_subplot(gs[-1, 0]), fig.add_subplot(gs[-1, -2])]
    if drop is not None:
        axes.pop(drop).remove()
    for ax, k in zip(axes, order):
        ax.text(0.5, 0.5, f"ax{k}", va="center", ha="center")
        ax.tick_params(labelbottom=False, labelleft=False)
    return figure_rgb(fig)


def test_two_subplots_traded_by_their_names_are_one_arrangement_error(judge):
    v = verdict(judge, draw_labelled_grid(), draw_labelled_grid((1, 2, 3, 5, 4)))
    assert len(v.errors) == 1 and v.errors[0].category == "structure_error" and v.errors[0].severity == 2, v.errors
    assert "in each other's places" in v.errors[0].description, v.errors
    one = verdict(judge, draw_labelled_grid(), draw_labelled_grid((1, 2, 3, 4, 6)))  # one renamed: no trade
    assert [e.category for e in one.errors] == ["text_error"], one.errors


def test_an_empty_subplot_removed_is_a_missing_subplot(judge):
    # Little of the picture changes (white inside, white after), but its spines are gone: a subplot, not a label.
    v = verdict(judge, draw_labelled_grid(), draw_labelled_grid((1, 2, 3, 5), drop=3))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 3)], v.errors

def test_one_letter_typo_in_a_long_title(judge, ref):
    base = draw(title="Quarterly sales of the northern region")
    v = verdict(judge, base, draw(title="Quarterly sales of the northern regiqn"))
    typo = [e for e in v.errors if e.category == "text_error" and "regiqn" in e.description]
    assert typo and typo[0].severity == 2, v.errors  # a misspelt word needs a fix: not a minor error
    assert verdict(judge, base, draw(title="Quarterly sales of the northern region", dpi=150)).severity_sum <= 1


def draw_named_lines(names=("tab:blue", "tab:orange", "tab:green"), ylabel="YLabel0"):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    for k, name in enumerate(names):
        ax.plot(X, SALES + 2 * k, color=f"C{k}", label=name)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper right")
    return figure_rgb(fig)


def test_one_letter_typo_in_a_legend_entry_or_axis_label_is_found(judge):
    # One glyph of a short line: the whole line still correlates with the reference's as well as a line drawn a
    # pixel over does, so only the glyph-sized windows see it.
    base = draw_named_lines()
    for names, ylabel, word in ((("tab:blue", "tab:orqnge", "tab:green"), "YLabel0", "orqnge"),
                                (("tab:blue", "tab:orange", "tab:green"), "YLaqel0", "YLaqel")):
        v = verdict(judge, base, draw_named_lines(names, ylabel))
        assert [e.category for e in v.errors] == ["text_error"] and word.lower() in v.errors[0].description.lower(), \
            v.errors
    out = io.BytesIO()  # the same chart through JPEG: every glyph window a little off, no text changed
    Image.fromarray(base).save(out, format="JPEG", quality=70)
    jpeg = verdict(judge, base, load_image(out.getvalue()))
    assert not [e for e in jpeg.errors if e.category == "text_error"], jpeg.errors


def draw_bars(*, xlabel="Performance", value_label="51.4", markers=False, linestyle="-", pad=0, facecolor="white"):
    """A small horizontal bar chart with value labels and a thin reference line, in the shape of real outputs."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100, facecolor=facecolor)
    names = ["Tom", "Dick", "Harry", "Slim", "Jim"]
    vals = [45.8, 48.7, 51.4, 53.7, 56.6]
    bars = ax.barh(names, vals, color="tab:green")
    labels = [f"{v}" for v in vals]
    labels[2] = value_label
    ax.bar_label(bars, labels, fontsize=8, padding=2)
    ax.plot([20, 22, 25, 23, 28], np.arange(5), color="tab:red", lw=1.5, linestyle=linestyle,
            marker="o" if markers else None)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.set_xlim(0, 65)
    img = figure_rgb(fig, dpi=100)
    if pad:
        out = np.full((img.shape[0] + 2 * pad, img.shape[1] + 2 * pad, 3), 255, np.uint8)
        out[pad:-pad, pad:-pad] = img
        img = out
    return img


def test_axis_label_close_below_tick_labels_is_missed_when_gone(judge):
    v = verdict(judge, draw_bars(), draw_bars(xlabel=None))
    assert any(e.category == "text_error" and "Performance" in e.description for e in v.errors), v.errors


def test_small_changed_value_label_is_a_text_error(judge):
    # '51.4' -> '69.4' in 8-pt text: the work frame's blur and 2-px tolerance see no difference; the full-size
    # glyph check on the same pixel grid does, and the changed number is never called a typo.
    v = verdict(judge, draw_bars(), draw_bars(value_label="69.4"))
    assert any(e.category == "text_error" and e.severity >= 2 and "69.4" in e.description for e in v.errors), v.errors


def test_markers_and_dashes_on_a_path_are_style_errors(judge):
    base = draw_bars()
    marked = verdict(judge, base, draw_bars(markers=True))
    assert marked.errors and max(marked.errors, key=lambda e: e.severity).category == "style_error", marked.errors
    dashed = verdict(judge, base, draw_bars(linestyle=":"))
    assert dashed.errors and {e.category for e in dashed.errors} == {"style_error"}, dashed.errors


def test_white_margin_around_a_tinted_figure_is_clean(judge):
    tinted = draw_bars(facecolor="#fdf6e3")
    v = verdict(judge, tinted, draw_bars(facecolor="#fdf6e3", pad=8))
    assert v.severity_sum <= 1, v.errors


def test_inverted_axis_that_autoscaled_to_other_ticks(judge):
    def wave(invert):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        t = np.linspace(0.25, 0.95, 12)
        ax.scatter(t, t ** 1.5, s=60)
        if invert:
            ax.invert_yaxis()
            ax.set_ylim(1.02, 0.12)  # the same data, other ticks than the autoscaled reference
        return figure_rgb(fig)
    v = verdict(judge, wave(False), wave(True))
    assert any("inverted" in e.description for e in v.errors), v.errors


def test_bars_turned_on_their_side_are_a_chart_type_change(judge):
    def bars(horizontal):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        names, vals = ["north", "south", "east", "west", "centre"], [23, 17, 35, 29, 12]
        (ax.barh if horizontal else ax.bar)(names, vals, color="tab:blue")
        return figure_rgb(fig)
    v = verdict(judge, bars(False), bars(True))
    top = max(v.errors, key=lambda e: e.severity)
    assert top.category == "structure_error" and "bars" in top.description, v.errors


def test_line_a_little_thicker_within_the_shift_tolerance_is_a_style_error(judge):
    # 2 pt against 5 pt: each edge moves by about 2 px, which the tolerant difference bridges.
    def line(lw):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        ax.plot(X, SALES, color="tab:orange", lw=lw)
        ax.set_title("Sales")
        return figure_rgb(fig)
    v = verdict(judge, line(2), line(5))
    assert [e.category for e in v.errors] == ["style_error"] and "thicker" in v.errors[0].description, v.errors


def _category_bars(names, *, width=0.8, legend_loc=None):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.bar(names, [23, 17, 35, 29, 12, 20], width=width, color="tab:green", label="count")
    ax.set_title("Records by region")
    if legend_loc:
        ax.legend(loc=legend_loc)
    return figure_rgb(fig)


NAMES = ["north", "south", "east", "west", "centre", "coast"]


def test_two_category_names_swapped_are_text_errors_not_an_axis_change(judge):
    swapped = ["north", "east", "south", "west", "centre", "coast"]
    v = verdict(judge, _category_bars(NAMES), _category_bars(swapped))
    assert v.errors and cats(v) == {"text_error"}, v.errors
    assert all("tick label" in e.description for e in v.errors), v.errors
    assert len(v.errors) == 1 and "'south' and 'east' are in each other's places" in v.errors[0].description, \
        v.errors  # one trade, said once


def test_narrower_bars_with_the_same_values_are_one_style_error(judge):
    v = verdict(judge, _category_bars(NAMES), _category_bars(NAMES, width=0.35))
    assert [e.category for e in v.errors] == ["style_error"] and "narrower" in v.errors[0].description, v.errors


def test_legend_in_another_corner_is_one_style_error(judge):
    v = verdict(judge, _category_bars(NAMES, legend_loc="upper right"), _category_bars(NAMES, legend_loc="upper left"))
    assert [e.category for e in v.errors] == ["style_error"] and "legend" in v.errors[0].description, v.errors


def test_grouped_bars_drawn_stacked_are_one_chart_type_change(judge):
    def bars(stacked):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        x, a, b = np.arange(5), np.array([5, 7, 6, 8, 4.0]), np.array([3, 4, 5, 2, 6.0])
        if stacked:
            ax.bar(x, a, 0.7, color="tab:blue", label="north")
            ax.bar(x, b, 0.7, bottom=a, color="tab:orange", label="south")
        else:
            ax.bar(x - 0.2, a, 0.4, color="tab:blue", label="north")
            ax.bar(x + 0.2, b, 0.4, color="tab:orange", label="south")
        ax.set_title("Sales by region")
        return figure_rgb(fig)
    v = verdict(judge, bars(False), bars(True))
    assert v.errors and v.errors[0].category == "structure_error" and "stacked" in v.errors[0].description, v.errors
    assert not any("range or scale" in e.description for e in v.errors), v.errors


def _two_series_bars(*, legend_loc="lower right", grid=True, style="default", color="tab:orange"):
    with plt.style.context(style):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        x = np.arange(7)
        ax.bar(x - 0.18, [46, 52, 55, 56, 52, 45, 40], 0.36, color="tab:blue", label="Min temp")
        ax.bar(x + 0.18, [65, 71, 76, 75, 72, 64, 52], 0.36, color=color, label="Max temp")
        ax.set_xticks(x, ["May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"])
        ax.set_title("Min temp and max temp by month")
        if grid:
            ax.set_axisbelow(True)
            ax.grid(True, axis="y")
        ax.legend(loc=legend_loc)
        return figure_rgb(fig)


def test_two_line_legend_moved_over_the_bars_is_one_style_error(judge):
    v = verdict(judge, _two_series_bars(), _two_series_bars(legend_loc="upper left"))
    assert [e.category for e in v.errors] == ["style_error"] and "legend" in v.errors[0].description, v.errors


@pytest.mark.parametrize("style", ["Solarize_Light2", "seaborn-v0_8-whitegrid"])
def test_legend_moved_onto_the_bars_it_half_hides_is_one_style_error(judge, style):
    # Bars show through the new legend's frame, so neither its words nor its swatches read as new text there.
    v = verdict(judge, _two_series_bars(style=style, legend_loc="upper right"),
                _two_series_bars(style=style, legend_loc="lower left"))
    assert [e.category for e in v.errors] == ["style_error"] and "legend" in v.errors[0].description, v.errors
    assert v.errors[0].bbox[3] > 240 and v.errors[0].bbox[0] < 200, v.errors  # where it is drawn now


@pytest.mark.parametrize("change", ["removed", "renamed"])
def test_legend_removed_or_renamed_is_a_text_error_not_a_moved_legend(judge, change):
    def chart(legend, label="Count"):
        with plt.style.context("classic"):
            fig, ax = plt.subplots(figsize=(6.4, 4), dpi=100)
            states = ["AK", "TX", "CA", "OK", "FL", "OH", "NY", "GA", "MI", "MN"]
            ax.bar(states, [263, 209, 205, 102, 100, 100, 97, 97, 94, 89], 0.7, color="#4c72b0", label=label)
            ax.grid(True)
            ax.set_title("Airports: records by state")
            ax.set_ylabel("Count")
            if legend:
                ax.legend(loc="lower right", fontsize=9)
            return figure_rgb(fig)
    cand = chart(False) if change == "removed" else chart(True, "Total")
    v = verdict(judge, chart(True), cand)
    assert v.errors and v.errors[0].category == "text_error", v.errors
    assert not any("legend is drawn" in e.description for e in v.errors), v.errors


def _sf_mean_temps(extra: bool, *, annotate: bool = False):
    """A line of monthly means; ``extra`` adds a higher series, so the y-axis rescales to wider tick labels."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    mean = [50.0, 52.2, 53.9, 55.6, 58.0, 60.5, 61.8, 62.4, 62.5, 60.2, 55.2, 50.5]
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=100)
    ax.plot(months, mean, color="#1b9e77", lw=2, marker="^")
    if extra:
        ax.plot(months, [v + 6 + 4 * np.sin(i / 2) for i, v in enumerate(mean)], color="#d95f02", lw=2,
                marker="^" if annotate else None)
    if annotate:
        ax.annotate("max 62.5", xy=(8, 62.5), xytext=(9.3, 59.0),  # the line runs on just left of the words
                    arrowprops=dict(arrowstyle="->"), fontsize=8)
    ax.set_title("SF temps: mean temp by month")
    ax.set_ylabel("Mean temp")
    return figure_rgb(fig)


def test_annotation_beside_a_line_moved_by_a_new_series_is_no_moved_legend(judge):
    v = verdict(judge, _sf_mean_temps(False, annotate=True), _sf_mean_temps(True, annotate=True))
    assert v.errors and v.errors[0].category == "data_error", v.errors
    assert not any("legend is drawn" in e.description for e in v.errors), v.errors


def test_y_label_pushed_aside_by_wider_tick_labels_is_not_missing(judge):
    # The new range ticks at 52.5, 55.0, ...: wider labels push the y label left, past the old content edge.
    v = verdict(judge, _sf_mean_temps(False), _sf_mean_temps(True))
    assert v.errors and v.errors[0].category == "data_error", v.errors
    assert not any(e.category == "text_error" for e in v.errors), v.errors


def test_grid_lines_hidden_behind_bars_but_removed_are_seen(judge):
    v = verdict(judge, _two_series_bars(), _two_series_bars(grid=False))
    assert [e.category for e in v.errors] == ["style_error"] and "grid" in v.errors[0].description, v.errors


def test_series_recoloured_black_is_not_taken_for_subplots(judge):
    v = verdict(judge, _two_series_bars(), _two_series_bars(color="black"))
    assert v.errors and v.errors[0].category == "style_error", v.errors
    assert not any(e.category == "structure_error" for e in v.errors), v.errors


def test_dark_background_charts_are_read_per_subplot(judge):
    def two(loc):
        with plt.style.context("dark_background"):
            fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3.5), dpi=100)
            a.hist(np.random.default_rng(1).normal(34, 0.1, 60), bins=12, color="#c8a000")
            a.set_title("Distribution of latitude")
            b.scatter([1, 2, 3, 4, 5], [3, 1, 4, 1, 5], color="#7050c0", label="Latitude")
            b.set_title("Latitude vs longitude")
            b.legend(loc=loc)
            return figure_rgb(fig)
    v = verdict(judge, two("lower left"), two("upper right"))
    assert [e.category for e in v.errors] == ["style_error"] and "legend" in v.errors[0].description, v.errors
    assert v.errors[0].location.startswith("subplot 2"), v.errors


def test_markers_added_to_a_thin_line_are_a_style_error(judge):
    def line(marker):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        ax.plot(range(12), [15060, 15050, 15080, 15070, 15060, 15075, 15080, 15090, 15070, 15080, 15095, 15085],
                color="#fc4f30", lw=1.5, marker=marker)
        ax.set_ylim(12000, 16000)
        ax.set_title("Retail trade by month")
        return figure_rgb(fig)
    v = verdict(judge, line(None), line("D"))
    assert [e.category for e in v.errors] == ["style_error"] and "markers" in v.errors[0].description, v.errors


def test_frameless_chart_reads_its_plot_area_from_the_tick_labels(judge):
    def frameless(top):
        with plt.style.context("fivethirtyeight"):
            fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
            ax.plot(range(12), [15060, 15050, 15080, 15070, 15060, 15075, 15080, 15090, 15070, 15080, 15095, 15085],
                    color="#30a2da", lw=2)
            ax.set_ylim(14000, top)
            ax.set_title("Retail trade by month")
            return figure_rgb(fig)
    ref = frameless(16000)
    from visual_erm.judge.embedded import chart as chart_mod
    comparer = judge.comparer("chart")
    a = comparer.analyse(ref)
    assert comparer._frames(a, a["norm"]) == []  # no spines, no tint
    frames = chart_mod._tick_frames(comparer._texts(a))
    assert len(frames) == 1, frames
    v = verdict(judge, ref, frameless(19000))
    assert v.errors and v.errors[0].category == "data_error" and "y-axis" in v.errors[0].description, v.errors


def test_value_axis_stretched_without_tick_labels_is_one_axis_finding(judge):
    def lines(top):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        ax.plot(X, SALES, color="tab:blue", lw=2)
        ax.plot(X, COSTS, color="tab:orange", lw=2)
        ax.set_ylim(0, top)
        ax.set_yticks([])
        ax.set_title("Quarterly sales")
        return figure_rgb(fig)
    v = verdict(judge, lines(10), lines(14))
    assert [e.category for e in v.errors] == ["data_error"] and "every mark" in v.errors[0].description, v.errors


def test_title_set_smaller_or_larger_is_a_minor_text_error(judge):
    def titled(size):
        fig, ax = plt.subplots(figsize=(7.6, 5.2), dpi=100)
        ax.hist(np.random.default_rng(3).gamma(2.0, 6000, 40), bins=14, color="#7fcdbb", edgecolor="black")
        ax.set_title("Iowa electricity: distribution of net generation", fontsize=size)
        ax.set_xlabel("Net generation")
        ax.set_ylabel("Count")
        return figure_rgb(fig)
    ref = titled(15)
    assert verdict(judge, ref, titled(15)).errors == []
    for size, word in ((9, "smaller"), (24, "larger")):
        v = verdict(judge, ref, titled(size))
        assert v.errors and v.errors[0].category == "text_error" and v.errors[0].severity == 1, (size, v.errors)
        assert word in v.errors[0].description and "title" in v.errors[0].location, v.errors


def test_line_with_markers_drawn_as_markers_only_is_a_chart_type_change(judge):
    def step(line):
        fig, ax = plt.subplots(figsize=(7.6, 5.7), dpi=100)
        kw = dict(lw=3) if line else dict(ls="none")
        ax.plot([0, 1, 2], [36500, 4800, 9700], color="#0b3c5d", marker="D", ms=8, **kw)
        ax.plot([0, 1, 2], [42800, 5300, 21900], color="#c0508f", marker="o", ms=8, **({"lw": 1.5} if line else kw))
        ax.set_xticks([0, 1, 2], ["Fossil Fuels", "Nuclear Energy", "Renewables"])
        ax.set_title("Iowa electricity: mean net generation by source")
        return figure_rgb(fig)
    assert_line_left_as_points(verdict(judge, step(True), step(False)))


def test_one_shorter_bar_among_many_is_a_data_error(judge):
    def bars(mi):
        fig, ax = plt.subplots(figsize=(5.6, 3.5), dpi=100)
        states = ["CA", "OK", "FL", "OH", "NY", "GA", "MI", "MN"]
        ax.barh(states, [205, 102, 100, 100, 97, 97, mi, 89], color="#e41a1c", edgecolor="black", height=0.7)
        ax.grid(True, linestyle=":")
        ax.set_title("Airports: records by state")
        ax.set_xlabel("Count")
        return figure_rgb(fig)
    v = verdict(judge, bars(94), bars(53))
    assert v.errors and v.errors[0].category == "data_error" and v.errors[0].severity >= 2, v.errors


# xlim None: the last cell between white grid lines is too narrow to count alone; joined to the others it counts.
@pytest.mark.parametrize("xmax,moved_to", [(4.4, "lower right"), (None, "upper right")], ids=["wide", "narrow-cell"])
def test_tinted_plot_area_aligns_when_the_legend_moves_past_the_last_bar(judge, xmax, moved_to):
    def tinted(loc):
        with plt.style.context("seaborn-v0_8-darkgrid"):
            fig, ax = plt.subplots(figsize=(7.0, 4.8), dpi=100)
            x = np.arange(4)
            ax.bar(x - 0.2, [23, 18, 13, 2], 0.4, color="#e69f00", label="Male")
            ax.bar(x + 0.2, [5, 1, 1, 0], 0.4, color="#56b4e9", label="Female")
            ax.set_xticks(x, ["Black", "Latino", "White", "Asian"])
            if xmax:
                ax.set_xlim(-0.5, xmax)
            ax.set_title("LA riots: records by race and gender")
            ax.legend(loc=loc)
            return figure_rgb(fig)
    v = verdict(judge, tinted("upper left"), tinted(moved_to))
    # Both images are read over the whole grey plot area, so nothing but the legend and what it covered differs.
    assert not any("tick" in e.location or "axis label" in e.location for e in v.errors), v.errors


def test_marker_shape_change_is_a_style_error_and_jpeg_is_not(judge):
    def markers(marker, jpeg=False):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        ax.plot(range(12), [45.8, 46.9, 48.7, 49.3, 51.4, 53.7, 55.4, 56.6, 56.4, 53.4, 48.6, 45.6], color="#d62728",
                lw=2, marker=marker, ms=7)
        ax.grid(True)
        ax.set_title("Min temp by month")
        img = figure_rgb(fig)
        if jpeg:
            out = io.BytesIO()
            Image.fromarray(img).save(out, format="JPEG", quality=85)
            img = load_image(out.getvalue())
        return img
    ref = markers("D")
    assert verdict(judge, ref, markers("D", jpeg=True)).errors == []
    v = verdict(judge, ref, markers("o"))
    assert [e.category for e in v.errors] == ["style_error"] and "markers" in v.errors[0].description, v.errors


def test_grid_drawn_over_a_filled_contour_is_a_grid_change_only(judge):
    def contour(grid):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        x, y = np.meshgrid(np.linspace(-3, 3, 120), np.linspace(-2, 2, 90))
        cs = ax.contourf(x, y, np.exp(-(x / 2) ** 2 - (y / 1.5) ** 2), levels=8, cmap="PuBu_r")
        fig.colorbar(cs)
        if grid:
            ax.grid(True)
        return figure_rgb(fig)
    v = verdict(judge, contour(False), contour(True))
    assert [e.category for e in v.errors] == ["style_error"] and "grid" in v.errors[0].description, v.errors


def test_subplots_laid_out_afresh_are_compared_panel_by_panel(judge):
    def pair(note):
        fig, axes = plt.subplots(2, 2, figsize=(8, 6.4), dpi=100)
        months = np.arange(1, 9)
        axes[0, 0].barh(months, [38, 39, 40, 42, 46, 52, 55, 56], color="#e41a1c")
        axes[0, 0].set_title("Min temp by month")
        if note:
            axes[0, 0].annotate("peak 56.1", xy=(56, 8), xytext=(62, 9.2), arrowprops=dict(arrowstyle="->"),
                                annotation_clip=False)
        axes[0, 1].plot(months, [46, 47, 49, 52, 56, 60, 63, 64], color="#377eb8", lw=2)
        axes[0, 1].set_title("Mean temp by month")
        axes[1, 0].bar(months, [50, 53, 59, 66, 71, 76, 76, 72], color="#4daf4a")
        axes[1, 0].set_title("Max temp by month")
        axes[1, 1].hist(np.random.default_rng(5).normal(55, 8, 300), bins=20, color="#984ea3")
        axes[1, 1].set_title("Distribution of temp")
        for ax in axes.flat:
            ax.grid(True)
        fig.suptitle("Seattle temps")
        fig.tight_layout()
        return figure_rgb(fig)
    v = verdict(judge, pair(True), pair(False))
    # Read through one figure-wide frame, every subplot's ticks and marks differ (a dozen findings); panel by
    # panel, the lost annotation and at most one stray axis reading remain.
    assert any(e.category == "text_error" and "peak 56.1" in e.description for e in v.errors), v.errors
    assert sum(e.severity for e in v.errors) <= 4 and not any(e.category == "structure_error" for e in v.errors), v.errors


def _watermarked(lw, *, mark="created with matplotlib"):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    y = np.random.default_rng(19680801).random(20)
    ax.plot(np.arange(20), y, color="C0", lw=lw, alpha=0.7)
    ax.plot(np.arange(20), y, "o", ms=16, color="orange", mec="C0", alpha=0.7)
    ax.grid(True)
    fig.text(0.5, 0.5, mark, fontsize=40, color="gray", alpha=0.5, ha="center", va="center", rotation=30)
    return figure_rgb(fig)


def test_thicker_line_over_a_watermark_is_a_style_error_not_changed_text(judge):
    ref = _watermarked(1.5)
    v = verdict(judge, ref, _watermarked(8))
    # The watermark's glyphs are all still drawn, partly under the thicker line: it did not change.
    assert v.errors and cats(v) == {"style_error"}, v.errors
    # A watermark that does change is still read as changed text.
    v = verdict(judge, ref, _watermarked(1.5, mark="made with matplotlib"))
    assert any(e.category == "text_error" for e in v.errors), v.errors



def draw_long_title(size=12):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(np.arange(10), np.arange(10) ** 1.5, color="tab:blue")
    ax.set_title("Harvest of local farmers across the valley (in tons/year)", fontsize=size)
    return figure_rgb(fig)


def test_long_title_set_larger_than_the_figure_holds_is_one_minor_text_error(judge):
    # The larger title runs past the reference's content box: its crop reads it with both ends cut off, which is
    # the same line drawn wider, not a misspelt one.
    for size in (14, 20):
        v = verdict(judge, draw_long_title(), draw_long_title(size))
        assert [(e.category, e.severity) for e in v.errors] == [("text_error", 1)], (size, v.errors)
        assert "Harvest of local farmers across the valley (in tons/year)' is drawn" in v.errors[0].description, \
            (size, v.errors)

def test_title_set_larger_over_its_neighbours_is_one_minor_text_error(judge):
    def titled(big):
        fig, axes = plt.subplots(1, 4, figsize=(10, 3.2), dpi=100)
        for k, ax in enumerate(axes):
            ax.violinplot([np.random.default_rng(k).normal(0, 1 + k, 60)], showmeans=True)
            ax.set_title(f"Custom violinplot {k + 1}", fontsize=22 if big and k == 1 else 10)
        return figure_rgb(fig)
    v = verdict(judge, titled(False), titled(True))
    # Its neighbours' glyphs are all still drawn under it: they did not change, nor grow by joining it.
    assert [(e.category, e.severity) for e in v.errors] == [("text_error", 1)], v.errors
    assert "larger" in v.errors[0].description and "Custom violinplot 2" in v.errors[0].description, v.errors


def test_see_through_marks_over_a_new_background_are_one_background_finding(judge):
    def bands(face):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        x = np.linspace(0, 10, 200)
        ax.fill_between(x, np.sin(x) - 1, np.sin(x) + 1, color="tab:blue", alpha=0.3)
        ax.plot(x, np.sin(x), color="tab:blue", lw=2)
        ax.set_facecolor(face)
        ax.set_title("Band around a sine")
        return figure_rgb(fig)
    v = verdict(judge, bands("white"), bands("#fff3b0"))
    assert v.errors and cats(v) == {"style_error"}, v.errors
    assert all("background" in e.description for e in v.errors), v.errors


def test_heat_map_with_a_narrower_axis_is_an_axis_change_not_a_chart_type(judge):
    def heat(top):  # the gallery's pcolormesh example
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        ax.pcolormesh(np.arange(-0.5, 10, 1), np.arange(4.5, 11, 1), np.random.RandomState(19680801).rand(6, 10))
        if top:
            ax.set_ylim(4.5, top)
        return figure_rgb(fig)
    v = verdict(judge, heat(None), heat(8.7))
    assert v.errors and v.errors[0].category == "data_error", v.errors
    assert not any(e.category == "structure_error" for e in v.errors), v.errors


def test_square_bars_laid_on_their_side_are_a_chart_type_change(judge):
    def records(horizontal):
        fig, ax = plt.subplots(figsize=(8, 4.4), dpi=100)
        names, counts = ["Homicide", "Officer-involved", "Not riot-related", "Death"], [36, 10, 9, 8]
        (ax.barh if horizontal else ax.bar)(names, counts, color="#e69f00")
        ax.set_title("LA riots: records by type")
        return figure_rgb(fig)
    v = verdict(judge, records(False), records(True))
    assert v.errors and v.errors[0].category == "structure_error", v.errors
    assert "horizontal bars" in v.errors[0].description, v.errors


def test_horizontal_bars_covering_their_plot_drawn_as_a_line_are_a_chart_type_change(judge):
    def grid(line):
        with plt.style.context("seaborn-v0_8-darkgrid"):
            fig, axs = plt.subplots(2, 2, figsize=(8, 5.2), dpi=100)
            fig.subplots_adjust(wspace=0.6)
            axs[0, 0].hist(np.random.default_rng(0).normal(34, 0.1, 60), bins=20, color="#e69f00")
            axs[0, 1].plot(X, SALES, color="tab:blue")
            axs[1, 0].bar(X, COSTS, color="#009e73")
            names, ages = ["Homicide", "Officer-involved shooting", "Not riot-related", "Death"], [15, 15, 15, 18]
            if line:
                axs[1, 1].plot(names, ages, color="#f0e442", lw=3, marker="s")
                axs[1, 1].tick_params(axis="x", labelrotation=30)
            else:
                axs[1, 1].barh(names, ages, color="#f0e442")
            axs[1, 1].set_title("Min age by type")
            return figure_rgb(fig)
    # The yellow bars cover most of the ring just inside their small plot's frame: the plot's background is still
    # the grey that shows along it between them, so the bars are data and their kind is compared.
    v = verdict(judge, grid(False), grid(True))
    assert v.errors and v.errors[0].category == "structure_error", v.errors
    assert "lines instead of horizontal bars" in v.errors[0].description, v.errors
    assert not any("background" in e.description for e in v.errors) and v.severity_sum <= 5, v.errors


def test_a_frameless_subplot_gone_while_the_other_spreads_over_the_figure_is_one_count_finding(judge):
    def stocks(both):
        with plt.style.context("fivethirtyeight"):
            fig, axs = plt.subplots(1, 2 if both else 1, figsize=(8, 4), dpi=100)
            left = axs[0] if both else axs
            left.plot(["MSFT", "AMZN", "IBM", "AAPL", "GOOG"], [123, 123, 123, 123, 68], color="#e69f00", lw=2)
            left.set_title("Records by symbol")
            if both:
                rng = np.random.default_rng(1)
                axs[1].scatter(rng.uniform(50, 130, 80), rng.uniform(0, 220, 80), c=rng.uniform(0, 130, 80), marker="^")
                axs[1].set_title("AAPL price vs IBM price")
            for ax in np.atleast_1d(axs):
                ax.set_facecolor("#f0f0f0")
            fig.patch.set_facecolor("#f0f0f0")
            return figure_rgb(fig, own_face=True)
    # The plot left is drawn over the figure's width: not the reference's left plot changed and its scatter plot
    # turned into a line, but one subplot missing.
    v = verdict(judge, stocks(True), stocks(False))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 3)], v.errors
    assert "the other is missing" in v.errors[0].description, v.errors


def test_bars_laid_on_their_side_under_a_legend_are_a_chart_type_change(judge):
    def races(lying):
        with plt.style.context("classic"):
            fig, ax = plt.subplots(figsize=(5.6, 3.5), dpi=100)
            names, counts = ["Black", "Latino", "White", "Asian"], [5, 1, 1, 0]
            size = {"height": 0.6} if lying else {"width": 0.6}
            (ax.barh if lying else ax.bar)(names, counts, color="#4c72b0", label="Female", **size)
            ax.legend(loc="lower right", fontsize="small")
            ax.set_title("LA riots: records by race and gender")
            (ax.set_xlabel if lying else ax.set_ylabel)("Count")
            (ax.set_ylabel if lying else ax.set_xlabel)("Race")
            fig.tight_layout()
            return figure_rgb(fig)
    # The legend's box bites into the longest lying bar, and its swatch stands beside the upright ones: neither
    # hides what the bars are.
    v = verdict(judge, races(False), races(True))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 3)], v.errors
    assert "horizontal bars instead of vertical bars" in v.errors[0].description, v.errors


def test_a_wide_box_plot_box_is_no_plot_area_when_its_boxes_narrow(judge):
    def boxes(width):
        rng = np.random.default_rng(3)
        data = [rng.normal(37000, 3000, 20), rng.normal(4800, 400, 20), rng.uniform(500, 36000, 20)]
        with plt.style.context("ggplot"):
            fig, ax = plt.subplots(figsize=(8, 5.2), dpi=100)
            ax.boxplot(data, widths=width, patch_artist=True, boxprops={"facecolor": "#4c72b0", "edgecolor": "black"})
            ax.set_xticks([1, 2, 3], ["Fossil Fuels", "Nuclear Energy", "Renewables"])
            ax.set_title("Iowa electricity: net generation by source")
            ax.set_ylabel("Net generation")
            return figure_rgb(fig)
    # The widest box is an edged box large enough for a plot area of its own; filled with one strong colour inside
    # the ggplot style's tinted (frameless) plot area, it is a mark: the layout is the same and the boxes narrowed.
    v = verdict(judge, boxes(0.7), boxes(0.3))
    assert_only(v, "style_error", 1, "narrower")


def test_a_plot_narrowed_by_its_neighbours_longer_tick_labels_is_unchanged(judge):
    def months(wide):
        with plt.style.context("seaborn-v0_8-ticks"):
            fig, axs = plt.subplots(1, 2, figsize=(8, 3.2), dpi=100)
            names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            axs[0].plot(names, np.linspace(17800, 18025, 12), color="#66c2a5", marker="s", label="Professional services")
            axs[0].plot(names, 22100 + 50 * np.sin(np.arange(12)), color="#fc8d62", lw=2, label="Government")
            axs[0].tick_params(axis="x", labelrotation=30, labelsize=14)  # crowded: read as one garbled line
            axs[0].legend(loc="lower left")
            axs[0].set_title("Mean professional and business services")
            axs[0].grid(True)
            axs[1].bar(names[4:], [2800] * 8, color="#fc8d62", label="Information")
            axs[1].bar(names[4:], [4500] * 8, bottom=2800, color="#8da0cb", label="Transportation")
            if wide:
                axs[1].set_ylim(-15652, 28695)
            axs[1].legend(loc="lower left")
            axs[1].set_title("Mean information by month")
            axs[1].grid(True)
            axs[1].tick_params(axis="y", labelsize=5)
            fig.tight_layout()
            return figure_rgb(fig)
    # The right plot's longer tick labels narrow the left plot by a few px: the fit still lays it in place, but its
    # right spine then stands inside the reference's plot area and its ticks are spaced anew. Neither is a change.
    v = verdict(judge, months(False), months(True))
    assert_only(v, "data_error", 2, "y-axis tick values differ")
    assert v.errors[0].bbox[0] > 400, v.errors  # the right plot's axis


def test_lying_bars_widened_to_fill_their_plot_are_a_bar_width(judge):
    def years(height):
        with plt.style.context("classic"):
            fig, ax = plt.subplots(figsize=(5.6, 3.8), dpi=100)
            ax.barh(["2012", "2013", "2014", "2015"], [15.3, 16.1, 17.0, 17.4], height=height, color="#e41a1c")
            ax.set_title("Seattle weather: mean temp max by year")
            ax.set_xlabel("Temp max")
            ax.set_ylabel("Year")
            ax.set_ylim(-0.5, 3.5)
            return figure_rgb(fig)
    # The widened bars cover most of the ring inside the frame; the white still showing along its right side is
    # the plot's background, so the bars are still bars, only wider.
    v = verdict(judge, years(0.6), years(0.95))
    assert_only(v, "style_error", 1, "wider")


def test_a_worded_value_right_of_the_plot_follows_bars_stacked_anew(judge):
    def employment(stacked):
        years = np.arange(2006, 2013)
        a = np.array([92, 93.5, 93.2, 90.1, 89.8, 91.6, 93.8]) * 1000
        b = np.array([114.5, 115.8, 114.9, 108.7, 108.1, 110.1, 112.4]) * 1000
        c = np.array([114.2, 115.9, 115.9, 112.7, 112.6, 114.2, 115.9]) * 1000
        with plt.style.context("bmh"):
            fig, ax = plt.subplots(figsize=(5.6, 4.2), dpi=100)
            if stacked:
                ax.bar(years, a, 0.7, label="Private")
                ax.bar(years, b, 0.7, bottom=a, label="Service")
                ax.bar(years, c, 0.7, bottom=a + b, label="Total")
            else:
                for k, (v, name) in enumerate(((a, "Private"), (b, "Service"), (c, "Total"))):
                    ax.bar(years + (k - 1) * 0.23, v, 0.23, label=name)
            ax.annotate(f"high {a.max():,.0f}", xy=(2012, a.max()), xytext=(30, 25), textcoords="offset points",
                        arrowprops={"arrowstyle": "->"})
            ax.set_title("US employment: mean by year")
            ax.set_xlabel("Year")
            ax.set_ylabel("Value")
            fig.tight_layout()
            return figure_rgb(fig)
    # 'high 93,800' is set in points from its bar, right of the plot: stacking moves it down the new value axis,
    # a consequence of the chart-type change, not a label gone.
    v = verdict(judge, employment(False), employment(True))
    assert_only(v, "structure_error", 3, "stacked instead of grouped")


def test_dark_bars_under_an_annotation_are_no_plot_areas(judge):
    def service(width):
        years = [str(y) for y in range(2008, 2016)]
        values = np.array([116.2, 113.1, 112.6, 114.3, 115.8, 117.8, 120.1, 122.2]) * 1000
        with plt.style.context("Solarize_Light2"):
            fig, ax = plt.subplots(figsize=(6.5, 4), dpi=100)
            ax.bar(years, values, width, color="#003f5c")
            ax.annotate(f"max {values.max():,.0f}", xy=(7, values.max()), xytext=(-60, -30), textcoords="offset points",
                        arrowprops={"arrowstyle": "->"}, fontsize=9)
            ax.set_title("US employment: mean service providing by year")
            ax.set_xlabel("Year")
            ax.set_ylabel("Service providing")
            ax.set_xlim(-0.6, 7.6)
            fig.tight_layout()
            return figure_rgb(fig)
    # Read in the source image without the fallbacks that find the tinted plot area, the two dark bars the
    # annotation's text joins are edged boxes large enough for plot areas: they are marks inside the work image's
    # plot area, so the layout is one plot and the bars only narrowed.
    v = verdict(judge, service(0.8), service(0.3))
    assert_only(v, "style_error", 1, "narrower")


def test_hatched_plots_traded_are_told_by_their_textures_one_pair_or_two(judge):
    import matplotlib.patches as mpatches

    def hatches(order):
        fig, axs = plt.subplots(2, 5, figsize=(6.4, 3.2), dpi=100, layout="constrained")
        for ax, h in zip(axs.flat, order):
            ax.add_patch(mpatches.Rectangle((0, 0), 2, 2, fill=False, hatch=h))
            ax.axis("equal")
            ax.axis("off")
            ax.text(1, -0.5, f"' {h} '", size=12, ha="center")
        return figure_rgb(fig)
    names = ["/", "\\\\", "|", "-", "+", "x", "o", "O", ".", "*"]
    ref = hatches(names)
    # Hatches are drawn in the figure's phase, so a traded plot does not meet the reference pixel for pixel and
    # both textures thin to one grey in a thumbnail: the spectra of the two plots tell the trade.
    one = names[:5] + ["o", "x"] + names[7:]
    v = verdict(judge, ref, hatches(one))
    assert_only(v, "structure_error", 2, "Subplots 6 and 7")
    two = names[:3] + ["+", "-"] + one[5:]
    v = verdict(judge, ref, hatches(two))
    assert sorted(e.description for e in v.errors) == ["Subplots 4 and 5 are in each other's places.",
                                                      "Subplots 6 and 7 are in each other's places."], v.errors


def test_an_inverted_symmetric_axis_with_one_label_moved_more_is_inverted(judge):
    def mesh(inverted):
        x, y = np.linspace(-1.5, 1.5, 12), np.linspace(-1.5, 1.5, 24)
        X, Y = np.meshgrid(x, y)
        qx, qz = np.cos(Y) - np.cos(X), np.sin(Y) + np.sin(X)
        z = np.sqrt(X ** 2 + Y ** 2)
        z = (z - z.min()) / (z.max() - z.min())
        fig, axs = plt.subplots(1, 3, figsize=(6.4, 4.8), dpi=100)
        axs[0].pcolormesh(qx, qz, z, shading="gouraud")
        axs[0].set_title("Without masked values")
        for ax in axs[1:]:
            ax.pcolormesh(qx, qz, np.ma.masked_where(np.abs(qz) < 0.5 * np.abs(qz).max(), z), shading="gouraud")
            ax.set_title("With masked values")
        if inverted:
            axs[0].invert_yaxis()
        fig.tight_layout()
        return figure_rgb(fig)
    # '1.5' ... '-1.5' read '-1.5' ... '1.5': most labels only gained or lost a sign, and '-0.5', whose glyphs moved
    # more beside the longer '-1.0', reads as changed; all of them are one axis run the other way.
    v = verdict(judge, mesh(False), mesh(True))
    assert_only(v, "data_error", 3, "y-axis is inverted")


def test_a_narrowed_range_beside_a_colour_bar_with_lines_is_no_inverted_axis(judge):
    def field(narrow):
        x = y = np.linspace(-3.0, 3.0, 120)
        X, Y = np.meshgrid(x, y)
        z = 2 * (np.exp(-X ** 2 - Y ** 2) - np.exp(-(X - 1) ** 2 - (Y - 1) ** 2))
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        filled = ax.contourf(X, Y, z, 10, cmap="bone")
        lines = ax.contour(filled, levels=filled.levels[::2], colors="r")
        ax.set_title("Nonsense (3 masked regions)")
        ax.set_xlabel("word length anomaly")
        ax.set_ylabel("sentence length anomaly")
        bar = fig.colorbar(filled)
        bar.ax.set_ylabel("verbosity coefficient")
        bar.add_lines(lines)
        if narrow:
            ax.set_ylim(-3, 1.2)
        return figure_rgb(fig)
    # The colour bar's red lines run into its labels and read as minus signs before the upper ones ('-1.8' for
    # '1.8'): the reference's labels, read the same way, run the same way, so the bar's side is not inverted.
    v = verdict(judge, field(False), field(True))
    assert_only(v, "data_error", 2, "y-axis tick values differ")


def test_one_of_many_frameless_rows_gone_is_one_missing_part(judge):
    import matplotlib.ticker as ticker

    def locators(drop_last):
        rows = [("NullLocator()", ticker.NullLocator()), ("MultipleLocator(0.5)", ticker.MultipleLocator(0.5)),
                ("FixedLocator([0, 1, 5])", ticker.FixedLocator([0, 1, 5])),
                ("LinearLocator(numticks=3)", ticker.LinearLocator(3)), ("AutoLocator()", ticker.AutoLocator()),
                ("MaxNLocator(n=4)", ticker.MaxNLocator(4)), ("MultipleLocator(0.25)", ticker.MultipleLocator(0.25)),
                ("FixedLocator([0, 2.5])", ticker.FixedLocator([0, 2.5]))]
        fig, axs = plt.subplots(len(rows), 1, figsize=(8, 6), dpi=100)
        for ax, (name, loc) in zip(axs, rows):
            ax.yaxis.set_major_locator(ticker.NullLocator())
            for side in ("left", "right", "top"):
                ax.spines[side].set_visible(False)
            ax.set_xlim(0, 5)
            ax.set_ylim(0, 1)
            ax.patch.set_alpha(0.0)
            ax.xaxis.set_major_locator(loc)
            ax.text(0.0, 0.2, name, transform=ax.transAxes, fontsize=12, fontfamily="monospace", color="tab:blue")
        if drop_last:
            fig.delaxes(axs[-1])
        return figure_rgb(fig)
    # The last of eight rows holds about a seventh of the figure's ink, under the fifth a part gone needs; spanning
    # the figure's width, it is a row of the layout, and its loss is one finding, not a line and its labels.
    v = verdict(judge, locators(False), locators(True))
    assert_only(v, "structure_error", 3, "FixedLocator([0, 2.5])")


def test_marks_mirrored_in_a_plot_without_tick_labels_are_one_data_error(judge):
    def field(inverted, kind):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        if kind == "image":
            x, y = np.meshgrid(np.linspace(-3, 3, 60), np.linspace(-2, 2, 40))
            z = np.exp(-(x - 1) ** 2 - (y - 0.8) ** 2) + 0.5 * np.exp(-(x + 1.5) ** 2 - (y + 1) ** 2)
            ax.imshow(z, origin="upper" if inverted else "lower", cmap="viridis")
        else:
            t = np.linspace(0, 10, 200)
            ax.plot(t, np.exp(-t / 4) * np.sin(2 * t), color="tab:red", lw=2)
            ax.fill_between(t, 0, np.exp(-t / 3), color="tab:blue", alpha=0.4)
            if inverted:
                ax.invert_yaxis()
        ax.set_xticks([])
        ax.set_yticks([])
        return figure_rgb(fig)
    for kind in ("image", "line"):
        v = verdict(judge, field(False, kind), field(True, kind))
        # Without tick labels the inverted axis shows only in the marks: one finding, not every series moved.
        assert [e.category for e in v.errors] == ["data_error"] and "upside down" in v.errors[0].description, v.errors


def test_frameless_subplots_swapped_or_gone_are_one_structure_error(judge):
    import matplotlib.patches as mpatches

    def shapes(order):
        fig, axes = plt.subplots(2, 3, figsize=(6, 4), dpi=100)
        made = {"Circle": lambda: mpatches.Circle((0.5, 0.5), 0.3, color="red"),
                "Rectangle": lambda: mpatches.Rectangle((0.3, 0.2), 0.4, 0.6, color="orange"),
                "Wedge": lambda: mpatches.Wedge((0.5, 0.5), 0.35, 30, 300, color="yellowgreen"),
                "Polygon": lambda: mpatches.RegularPolygon((0.5, 0.5), 5, radius=0.35, color="lime"),
                "Ellipse": lambda: mpatches.Ellipse((0.5, 0.5), 0.7, 0.35, color="mediumspringgreen"),
                "Arrow": lambda: mpatches.FancyArrow(0.2, 0.2, 0.5, 0.5, width=0.08, color="deepskyblue")}
        for ax, name in zip(axes.flat, order):
            if name is None:
                fig.delaxes(ax)
                continue
            ax.add_patch(made[name]())
            ax.set_title(name)
            ax.set_aspect("equal")
            ax.axis("off")
        return figure_rgb(fig)
    names = ["Circle", "Rectangle", "Wedge", "Polygon", "Ellipse", "Arrow"]
    swapped = ["Circle", "Rectangle", "Polygon", "Wedge", "Ellipse", "Arrow"]
    v = verdict(judge, shapes(names), shapes(swapped))
    assert v.errors and v.errors[0].category == "structure_error", v.errors
    assert "Wedge" in v.errors[0].description and "Polygon" in v.errors[0].description, v.errors
    assert v.severity_sum <= 3, v.errors  # the swapped shapes are not listed again as changed series
    # A part gone with its title is a missing subplot, not a missing text.
    v = verdict(judge, shapes(names), shapes(["Circle", "Rectangle", None, "Polygon", "Ellipse", "Arrow"]))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 3)], v.errors
    assert "Wedge" in v.errors[0].description, v.errors


def test_dashed_line_with_markers_left_as_markers_is_a_chart_type_change(judge):
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    values = [74, 67, 86, 68, 119, 35, 33, 60, 51, 85, 76, 39]

    def chart(line):
        with plt.style.context("dark_background"):
            fig, ax = plt.subplots(figsize=(5.6, 3.5), dpi=100)
            ax.plot(months, values, color="#66c2a5", ls="--" if line else "none", lw=2, marker="s", ms=6)
            ax.set_title("US employment: mean nonfarm change by month")
            return figure_rgb(fig)
    assert_line_left_as_points(verdict(judge, chart(True), chart(False)))


def test_thin_line_recoloured_under_rotated_labels_is_a_colour_change(judge):
    def chart(color):
        fig, ax = plt.subplots(dpi=100)
        ax.plot(range(10), color=color)
        ax.set_xlim(-10, 20)
        ax.text(5, 5, "text rotated correctly", rotation=45, fontsize=16, rotation_mode="anchor",
                transform_rotates_text=True)
        ax.text(1, 1, "text not rotated correctly", rotation=45, fontsize=16, rotation_mode="anchor")
        return figure_rgb(fig)
    v = verdict(judge, chart("#1f77b4"), chart("#f58231"))
    assert [e.category for e in v.errors] == ["style_error"], v.errors
    assert "orange" in v.errors[0].description, v.errors



@pytest.mark.parametrize("dpi", [72, 150])
def test_heat_maps_at_another_dpi_have_no_background_change(judge, dpi):
    def images(d):
        rng = np.random.RandomState(19680801)
        fig, axs = plt.subplots(3, 2)
        fig.suptitle("Multiple images")
        shown = [axs[i, k].imshow((1 + i + k) / 10 * rng.rand(10, 20), vmin=0, vmax=0.4)
                 for i in range(3) for k in range(2)]
        for ax in axs.flat:
            ax.label_outer()
        fig.colorbar(shown[0], ax=axs, orientation="horizontal", fraction=0.1)
        return figure_rgb(fig, dpi=d)
    v = verdict(judge, images(100), images(dpi))
    assert v.errors == [], v.errors  # (the ring inside each frame is the image's cells, not a background)


def test_lines_with_dense_markers_at_72_dpi_stay_solid(judge):
    def masked(dpi):
        x = np.linspace(-np.pi / 2, np.pi / 2, 31)
        y = np.cos(x) ** 3
        fig, ax = plt.subplots()
        ax.plot(x, y, "o-", color="lightgrey", label="No mask")
        ax.plot(x[y <= 0.7], y[y <= 0.7] + 0.4, "o-", label="Points removed")
        ax.plot(x, np.ma.masked_where(y > 0.7, y) + 0.8, "o-", label="Masked values")
        ax.plot(x * 1.2, np.where(y > 0.7, np.nan, y) + 1.2, "o-", label="NaN values")
        ax.set_title("Masked and NaN data")
        ax.legend()
        return figure_rgb(fig, dpi=dpi)
    v = verdict(judge, masked(100), masked(72))
    assert v.errors == [], v.errors  # (the resampled line between markers pales; it is not dashed)


def test_annotation_over_bars_changed_in_place_is_read(judge):
    def bars(note):
        with plt.style.context("seaborn-v0_8-ticks"):
            fig, ax = plt.subplots(figsize=(4.2, 4.4), dpi=100)
            months = ["Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            y = np.arange(len(months))
            ax.barh(y + 0.18, [70.4, 72.3, 72.3, 70.7, 64.9, 57.4], 0.36, color="#009e73", label="Max temp")
            ax.barh(y - 0.18, [61.9, 62.3, 62.5, 60.2, 55.2, 50.6], 0.36, color="#56b4e9", label="Mean temp")
            ax.set_yticks(y, months)
            ax.annotate(note, xy=(62.5, 2 - 0.18), xytext=(48, 1.55), arrowprops=dict(arrowstyle="->"))
            ax.set_title("Mean temp and max temp by month")
            ax.legend(loc="upper right")
            return figure_rgb(fig)
    v = verdict(judge, bars("peak 62.5"), bars("low 62.5"))
    assert [e.category for e in v.errors] == ["text_error"], v.errors
    assert "peak" in v.errors[0].description, v.errors


def test_a_label_read_longer_explains_its_own_glyphs(judge):
    def corners(word):
        import matplotlib.patches as mpatches
        fig, ax = plt.subplots(dpi=100)
        left, bottom, width, height = 0.25, 0.25, 0.5, 0.5
        ax.add_patch(mpatches.Rectangle((left, bottom), width, height, fill=False, transform=ax.transAxes,
                                        clip_on=False))
        ax.text(left, bottom, f"{word} bottom", ha="left", va="bottom", transform=ax.transAxes)
        ax.text(left, bottom, "left top", ha="left", va="top", transform=ax.transAxes)
        ax.text(left + width, bottom + height, "right top", ha="right", va="top", transform=ax.transAxes)
        ax.text(0.5, 0.5, "middle", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return figure_rgb(fig)
    v = verdict(judge, corners("left"), corners("right"))
    assert [e.category for e in v.errors] == ["text_error"], v.errors


def test_jpeg_of_markers_on_error_bars_is_no_marker_change(judge):
    def chart(jpeg):
        with plt.style.context("seaborn-v0_8-ticks"):
            fig, ax = plt.subplots(figsize=(4.4, 3.6), dpi=100)
            ax.errorbar(range(10), [52, 54, 55.6, 58, 60.5, 61.8, 62.4, 62.5, 60.2, 55.2], yerr=3, color="#e69f00",
                        marker="D", ms=6, lw=2.5, capsize=3)
            ax.set_title("Mean temp by month")
            img = figure_rgb(fig)
        if jpeg:  # (the outlines' colour fades while their ink rings: no other shape)
            out = io.BytesIO()
            Image.fromarray(img).save(out, format="JPEG", quality=85)
            img = load_image(out.getvalue())
        return img
    assert verdict(judge, chart(False), chart(True)).errors == []


# ---- seventh round: touching subplots, consequences of layout and chart-type changes ----

def only(v, categories):
    """The verdict, after checking its findings' categories are exactly ``categories``, in order."""
    assert [e.category for e in v.errors] == categories, v.errors
    return v

def _touching_grid(order=(0, 1, 2, 3, 4, 5), *, dpi=100):
    """Six subplots drawn touching (wspace=hspace=0), each with its own mark, the way a text-alignment demo
    lays them out; ``order`` puts the reference's panel order[k] at place k."""
    fig = plt.figure(figsize=(6.4, 4.8), dpi=dpi)
    grid = fig.add_gridspec(2, 3, wspace=0, hspace=0, left=0.1, right=0.95, top=0.9, bottom=0.1)
    spots = [(0.2, 0.3), (0.5, 0.7), (0.6, 0.2), (0.3, 0.6), (0.6, 0.5), (0.4, 0.2)]
    for place, k in enumerate(order):
        ax = fig.add_subplot(grid[place // 3, place % 3])
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.axvline(spots[k][0], color="tab:blue", lw=1)
        ax.plot(*spots[k], "o", color="tab:orange", ms=8)
        ax.text(*spots[k], "Tpg", fontsize=14, bbox=dict(facecolor="peachpuff", edgecolor="none"))
    return figure_rgb(fig, dpi=dpi)


def test_touching_subplots_are_read_as_cells(judge):
    from visual_erm.judge.embedded import geometry as geo
    assert len(geo.axes_frames(_touching_grid())) == 6
    v = only(verdict(judge, _touching_grid(), _touching_grid((0, 1, 2, 4, 3, 5))), ["structure_error"])
    assert "each other's places" in v.errors[0].description
    assert verdict(judge, _touching_grid(), _touching_grid(dpi=72)).severity_sum <= 1


def test_grid_lines_clipped_bars_and_black_rules_do_not_split_a_plot():
    from visual_erm.judge.embedded import geometry as geo
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2), dpi=100)
    axes[0].bar([1, 2, 3, 4], [5, 6, 7, 8], edgecolor="black")
    axes[0].set_ylim(0, 5.5)  # bars cut by the top spine: their black edges run the whole height
    axes[1].plot([0, 1], [0, 1], color="tab:blue")
    axes[1].grid(True, color="black", lw=0.8)  # dark grid lines, ticked at their ends
    axes[2].plot(np.arange(20), np.sin(np.arange(20)))
    axes[2].axhline(0, color="black", lw=2)  # a thick rule across the plot
    axes[2].axvline(9.5, color="grey", lw=1)  # a grey line from spine to spine
    img = figure_rgb(fig)
    assert len(geo.axes_frames(img)) == 3


def test_boxed_annotation_is_no_subplot_and_scaled_copy_is_clean(judge):
    from visual_erm.judge.embedded import geometry as geo

    def chart(figsize, dpi):
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
        ax.plot([0, 10], [0, 10], alpha=0)
        ax.text(3, 8, "boxed italics text in data coords", style="italic",
                bbox={"facecolor": "red", "alpha": 0.5, "pad": 10})
        ax.plot([2], [1], "o")
        ax.set_title("axes title")
        return figure_rgb(fig, dpi=dpi)
    ref = chart((6.4, 4.8), 100)
    assert len(geo.axes_frames(ref)) == 1
    assert verdict(judge, ref, chart((6.4, 4.8), 72)).severity_sum <= 1


def _stacked(labels_order):
    fig, axes = plt.subplots(3, 1, figsize=(6.4, 4.8), dpi=100)
    x = np.linspace(-10, 10, 200)
    curves = {"symlogx": np.tanh(x), "symlogy": x ** 3, "symlog both": np.sin(x)}
    for ax, name in zip(axes, labels_order):
        ax.plot(x, curves[name])
        ax.set_ylabel(name)
        ax.grid(True)
    fig.tight_layout()
    return figure_rgb(fig)


def test_stacked_subplots_swapped_take_their_axis_labels_along(judge):
    ref = _stacked(["symlogx", "symlogy", "symlog both"])
    only(verdict(judge, ref, _stacked(["symlogx", "symlog both", "symlogy"])), ["structure_error"])


def test_tick_labels_on_top_turned_are_a_tick_rotation_not_missing_titles(judge):
    def chart(rotation):
        fig, ax = plt.subplots(dpi=100)
        ax.plot(range(10))
        ax.tick_params(top=True, labeltop=True, bottom=False, labelbottom=False)
        ax.set_title("x-ticks moved to the top")
        plt.setp(ax.get_xticklabels(), rotation=rotation)
        return figure_rgb(fig)
    v = only(verdict(judge, chart(0), chart(45)), ["text_error"])
    assert "slant" in v.errors[0].description


def test_extra_dashed_series_is_a_data_error(judge):
    def chart(extra):
        fig, ax = plt.subplots(dpi=100)
        t = np.linspace(0, 5, 200)
        ax.plot(t, np.exp(-t), color="tab:blue")
        if extra:
            ax.plot(t, 0.8 * np.exp(-t / 2) + 0.1, "--", color="crimson")
        ax.set_xlim(5, 0)
        ax.grid(True)
        return figure_rgb(fig)
    v = verdict(judge, chart(False), chart(True))
    assert v.errors and v.errors[0].category == "data_error" and "appears" in v.errors[0].description, v.errors


def test_labelled_insets_swapped_are_one_structure_error(judge):
    def chart(swap):
        rng = np.random.default_rng(1)
        fig, ax = plt.subplots(dpi=100)
        ax.plot(np.linspace(0, 1, 500), np.cumsum(rng.normal(size=500)) * 0.001)
        ax.set_title("Gaussian colored noise")
        spots = [[0.2, 0.6, 0.2, 0.16], [0.65, 0.6, 0.2, 0.16]]
        if swap:
            spots.reverse()
        a = fig.add_axes(spots[0], facecolor="k")
        a.plot(np.exp(-np.linspace(0, 5, 50)))
        a.set_title("Impulse response")
        a.set_xticks([])
        a.set_yticks([])
        b = fig.add_axes(spots[1], facecolor="k")
        b.hist(rng.normal(size=2000), 60)
        b.set_title("Probability")
        b.set_xticks([])
        b.set_yticks([])
        return figure_rgb(fig)
    only(verdict(judge, chart(False), chart(True)), ["structure_error"])


def test_boxed_rotated_annotation_gone_is_one_text_error(judge):
    def chart(both):
        fig, ax = plt.subplots(dpi=100)
        if both:
            ax.text(0.35, 0.3, "spam", size=40, rotation=-25, ha="center", va="center",
                    bbox=dict(boxstyle="square", ec=(1, 0.5, 0.5), fc=(1, 0.8, 0.8)))
        ax.text(0.55, 0.7, "eggs", size=40, rotation=30, ha="center", va="center",
                bbox=dict(boxstyle="round", ec=(1, 0.5, 0.5), fc=(1, 0.8, 0.8)))
        return figure_rgb(fig)
    only(verdict(judge, chart(True), chart(False)), ["text_error"])


def test_legend_of_dashed_lines_moved_is_one_style_error(judge):
    def chart(loc):
        fig, ax = plt.subplots(dpi=100)
        x = np.linspace(0, 10, 300)
        ax.plot(x, np.sin(x), dashes=[6, 2, 1, 2], lw=2, label="Using set_dashes()")
        ax.plot(x, np.sin(x) - 0.2, dashes=[6, 2], lw=2, label="Using the dashes parameter")
        ax.plot(x, np.sin(x) - 0.4, dashes=[4, 4], lw=2, label="Using the gapcolor parameter")
        ax.legend(loc=loc, handlelength=4)
        return figure_rgb(fig)
    v = only(verdict(judge, chart("center"), chart("lower left")), ["style_error"])
    assert "legend" in v.errors[0].description


def test_pie_under_a_larger_title_stays_in_place(judge):
    def chart(size):
        fig, ax = plt.subplots(dpi=100)
        ax.pie([3, 2, 1], wedgeprops=dict(width=0.3, edgecolor="w"), radius=1)
        ax.pie([1, 2, 1, 1, 1], wedgeprops=dict(width=0.3, edgecolor="w"), radius=0.7)
        ax.set_title("Pie plot with `ax.pie` and nested wedges", fontsize=size)  # (wider than the pie at 16)
        return figure_rgb(fig)
    v = verdict(judge, chart(10), chart(16))
    assert cats(v) <= {"text_error"} and v.severity_sum <= 1, v.errors  # (the wedges are no changed series)


def test_box_plot_losing_its_y_label_is_one_text_error(judge):
    def chart(ylabel):
        with plt.style.context("classic"):
            fig, ax = plt.subplots(figsize=(7.6, 5.2), dpi=100)
            rng = np.random.default_rng(9)  # (a box's edges read as a frame in one image only)
            ax.boxplot([rng.normal(m, 8, 60) for m in (32, 24, 31, 37)], patch_artist=True, widths=0.6,
                       boxprops=dict(facecolor="#1b9e77"))
            ax.set_xticks([1, 2, 3, 4], ["Homicide", "Officer-involved", "Not riot-related", "Death"])
            ax.set_title("LA riots: age by type")
            if ylabel:
                ax.set_ylabel("Age")
            fig.tight_layout()
            return figure_rgb(fig)
    only(verdict(judge, chart(True), chart(False)), ["text_error"])


def test_bars_laid_on_their_side_bring_their_axes_along(judge):
    def chart(horizontal):
        fig, ax = plt.subplots(dpi=100)
        states = ["CA", "TX", "NY", "FL", "WA"]
        counts = [263, 209, 205, 150, 97]
        (ax.barh if horizontal else ax.bar)(states, counts, color="tab:blue")
        (ax.set_ylabel if horizontal else ax.set_xlabel)("State")
        (ax.set_xlabel if horizontal else ax.set_ylabel)("Count")
        return figure_rgb(fig)
    only(verdict(judge, chart(False), chart(True)), ["structure_error"])


def test_another_palette_is_one_colour_finding(judge):
    def chart(colors):
        fig, ax = plt.subplots(dpi=100)
        for k, c in enumerate(colors):
            ax.plot(np.arange(10), np.arange(10) * (k + 1) * 0.3 + k, color=c, lw=2)
        return figure_rgb(fig)
    v = verdict(judge, chart(["tab:blue", "tab:orange", "tab:green", "tab:red"]),
                chart(["#4c72b0", "#dd8452", "#55a868", "#c44e52"][::-1]))
    assert [e.category for e in v.errors] == ["style_error"], v.errors
    assert "palette" in v.errors[0].description


def test_bars_stood_up_take_their_category_names_along(judge):
    def chart(vertical):
        fig, axes = plt.subplots(1, 2, figsize=(7.6, 3.6), dpi=100)
        axes[0].plot(np.arange(12), np.linspace(80, 160, 12), color="tab:green")
        axes[0].set_title("Price by month")
        symbols, prices = ["GOOG", "AAPL", "IBM", "MSFT", "AMZN"], [415, 123, 91, 25, 48]
        (axes[1].bar if vertical else axes[1].barh)(symbols, prices, color="tab:purple")
        (axes[1].set_xlabel if vertical else axes[1].set_ylabel)("Symbol")
        axes[1].set_title("Max price by symbol")
        fig.tight_layout()
        return figure_rgb(fig)
    v = verdict(judge, chart(False), chart(True))
    assert v.errors and v.errors[0].category == "structure_error" and v.severity_sum <= 5, v.errors


def test_series_cut_off_by_a_narrower_axis_follow_the_axis_change(judge):
    def chart(top):
        fig, ax = plt.subplots(dpi=100)
        cells = np.arange(15).reshape(3, 5)
        ax.pcolormesh(np.arange(6), np.arange(4), cells, shading="flat", vmin=0, vmax=14)
        ax.set_ylim(-0.7, top)
        ax.set_title("shading='flat'")
        return figure_rgb(fig)
    v = verdict(judge, chart(3.2), chart(2.0))
    assert v.errors and v.errors[0].category == "data_error" and v.severity_sum <= 3, v.errors
    assert "axis" in v.errors[0].description


def _pie_figure(values, *, as_bars=False, colors=None, dpi=100):
    """A labelled pie with percentages beside a line chart, the way a chart-to-code answer lays two subplots."""
    names = ["Black", "Latino", "White", "Asian"]
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 4), dpi=dpi)
    a.plot(range(6), [3, 5, 4, 6, 7, 6], color="tab:purple", lw=2)
    a.set_title("Records by year")
    if as_bars:
        b.bar(names, values, color=colors or ["tab:blue", "tab:orange", "tab:green", "tab:red"])
    else:
        b.pie(values, labels=names, autopct="%1.0f%%", startangle=90, colors=colors)
    b.set_title("Records by race")
    fig.tight_layout()
    return figure_rgb(fig, dpi=dpi)


def test_pie_slices_with_swapped_values_are_one_data_error(judge):
    ref = _pie_figure([44, 30, 22, 4])
    # Every wedge after the first turned and the labels and percentages moved with them: one finding says which
    # slices changed and by how much.
    v = only(verdict(judge, ref, _pie_figure([22, 30, 44, 4])), ["data_error"])
    assert v.errors[0].severity == 2 and "44%" in v.errors[0].description and "22%" in v.errors[0].description
    assert verdict(judge, ref, _pie_figure([44, 30, 22, 4], dpi=72)).severity_sum <= 1  # the same pie, smaller


def test_pie_drawn_as_bars_is_a_chart_type_change(judge):
    v = verdict(judge, _pie_figure([44, 30, 22, 4]), _pie_figure([44, 30, 22, 4], as_bars=True))
    assert v.errors and v.errors[0].category == "structure_error" and "pie" in v.errors[0].description, v.errors
    assert v.severity_sum <= 5, v.errors


def test_markers_of_another_shape_on_a_dashed_line_are_one_style_error(judge):
    def chart(marker, ylabel="Nonfarm change"):
        fig, ax = plt.subplots(figsize=(5.6, 3.5), dpi=100)
        ax.plot(range(12), [74, 67, 86, 68, 118, 35, 33, 59, 51, 85, 76, 39], color="#66c2a5", lw=2, ls="--",
                marker=marker, ms=7)
        ax.set_ylabel(ylabel)
        ax.set_title("US employment: mean nonfarm change by month")
        fig.tight_layout()
        return figure_rgb(fig)
    ref = chart("s")
    # A triangle's centre of mass sits lower in its box than a square's: the markers stand offset, all alike.
    v = only(verdict(judge, ref, chart("^")), ["style_error"])
    assert "markers are drawn in another shape" in v.errors[0].description, v.errors  # (not a dash pattern)
    # The plot widened by a lost axis label moves the same markers: that is no new marker shape.
    assert not any("markers" in e.description for e in verdict(judge, ref, chart("s", ylabel="")).errors)


def test_points_joined_into_a_line_are_a_chart_type_change(judge):
    rng = np.random.default_rng(3)
    x, y = rng.uniform(28000, 43000, 16), rng.uniform(3800, 5300, 16)

    def chart(joined):
        fig, ax = plt.subplots(figsize=(5.6, 3.8), dpi=100)
        if joined:  # a scatter plot answered with plot(): the points' own order, a thin line, no markers
            ax.plot(x, y, color="#4c72b0", lw=1.5)
        else:
            ax.scatter(x, y, color="#4c72b0", marker="D", s=25, alpha=0.8)
        ax.grid(True)
        ax.set_xlabel("Fossil Fuels net generation")
        ax.set_title("Iowa electricity: nuclear energy net generation")
        fig.tight_layout()
        return figure_rgb(fig)
    v = verdict(judge, chart(False), chart(True))
    assert v.errors and v.errors[0].category == "structure_error" and "line" in v.errors[0].description, v.errors
    assert v.severity_sum <= 4, v.errors


def test_bars_drawn_narrower_than_a_thick_stroke_are_a_bar_width(judge):
    def chart(width):
        fig, ax = plt.subplots(figsize=(7.6, 3.2), dpi=100)
        ax.bar(["Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
               [48.7, 49.3, 51.4, 53.7, 55.4, 56.6, 56.4, 53.4, 48.6, 45.6], width=width, color="#e5ae38")
        ax.set_title("Min temp by month")
        fig.tight_layout()
        return figure_rgb(fig)
    # Bars 9 px wide are thinner than the strokes read as filled marks, yet they are the same bars, not lines.
    v = only(verdict(judge, chart(0.8), chart(0.3)), ["style_error"])
    assert "narrower" in v.errors[0].description


def _grouped_bars(*, horizontal=False, width=0.35, labels=False, series=("Min temp", "Max temp"), colors=None,
                  legend_above=False):
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"]
    values = {"Min temp": [45.8, 47.0, 48.7, 49.3, 51.4, 53.7, 55.4], "Max temp": [56.2, 58.6, 61.2, 64.3, 66.3, 69.7, 70.4],
              "Mean temp": [50.0, 52.2, 54.0, 55.6, 58.0, 60.4, 61.8]}
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=100)
    pos = np.arange(len(months))
    for k, name in enumerate(series):
        place = pos + (k - (len(series) - 1) / 2) * width
        color = (colors or ["tab:orange", "tab:blue", "tab:green"])[k]
        bars = (ax.barh(place, values[name], height=width, color=color, label=name) if horizontal else
                ax.bar(place, values[name], width=width, color=color, label=name))
        if labels:
            ax.bar_label(bars, fmt="%.1f", fontsize=7)
    (ax.set_yticks if horizontal else ax.set_xticks)(pos, months)
    (ax.set_ylabel if horizontal else ax.set_xlabel)("Month")
    (ax.set_xlabel if horizontal else ax.set_ylabel)("Temperature")
    ax.set_title("SF temps: min and max temp by month")
    if legend_above:  # (over the bars' tops, clear of them)
        ax.set_ylim(0, 95)
        ax.legend(loc="upper left", ncol=3)
    else:
        ax.legend(loc="lower right")
    fig.tight_layout()
    return figure_rgb(fig)


def test_grouped_bars_turned_horizontal_are_one_chart_type_change(judge):
    # The axes trade places: the month names, the axis labels and the legend's place all move with the bars. One
    # finding says so, and it says "horizontal bars", not "stacked" (lying bars one above the other are a group).
    v = only(verdict(judge, _grouped_bars(), _grouped_bars(horizontal=True)), ["structure_error"])
    assert "horizontal bars instead of vertical bars" in v.errors[0].description, v.errors


def test_a_series_removed_is_said_without_its_axis_and_legend(judge):
    months = np.arange(12)
    lines = {"Min temp": ([45.8, 47.0, 48.7, 49.3, 51.4, 53.7, 55.4, 56.6, 56.4, 53.4, 48.6, 45.6], "tab:green"),
             "Mean temp": ([50.0, 52.2, 54.0, 55.6, 58.0, 60.4, 61.8, 62.4, 62.5, 60.2, 55.2, 50.5], "tab:blue"),
             "Max temp": ([56.2, 58.6, 61.2, 64.3, 66.3, 69.7, 70.4, 72.2, 72.2, 70.6, 65.0, 57.5], "tab:red")}

    def chart(names):
        fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=100)
        for name in names:
            ax.plot(months, lines[name][0], color=lines[name][1], lw=2, label=name)
        ax.set_title("SF temps by month")
        ax.legend(loc="lower center")
        fig.tight_layout()
        return figure_rgb(fig)
    # The value axis refits to the data left and the legend loses a line: both follow from the series gone.
    v = only(verdict(judge, chart(["Min temp", "Mean temp", "Max temp"]), chart(["Min temp", "Mean temp"])),
             ["data_error"])
    assert "missing" in v.errors[0].description and v.severity_sum == 3, v.errors


def test_two_series_recoloured_are_one_palette_change(judge):
    v = only(verdict(judge, _grouped_bars(), _grouped_bars(colors=["tab:purple", "tab:olive"])), ["style_error"])
    assert "palette" in v.errors[0].description and v.severity_sum == 2, v.errors


def test_bars_widened_under_their_value_labels_are_a_bar_width(judge):
    def chart(width):
        fig, ax = plt.subplots(figsize=(7.0, 4.2), dpi=100)
        bars = ax.bar(["AK", "TX", "CA", "OK", "FL", "OH", "NY", "GA"], [263, 209, 205, 102, 100, 100, 97, 97],
                      width=width, color="#1b9e77")
        ax.bar_label(bars, fmt="%g")
        ax.set_title("Airports: records by state")
        fig.tight_layout()
        return figure_rgb(fig)
    # A value label's box cuts the top of a narrow bar in the masks more than that of a wide one.
    v = only(verdict(judge, chart(0.6), chart(0.95)), ["style_error"])
    assert "wider" in v.errors[0].description


def test_two_years_renamed_among_kept_ones_are_text_not_an_axis_range(judge):
    def chart(years):
        fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
        ax.bar(range(7), [3.1, 2.9, 2.8, 2.7, 2.7, 2.7, 2.7], color="#fc8d62")
        ax.set_xticks(range(7), years)
        ax.set_title("US employment: information by year")
        fig.tight_layout()
        return figure_rgb(fig)
    years = ["2007", "2008", "2009", "2010", "2011", "2012", "2013"]
    # The other five labels stand where they stood: the axis did not move, two category names changed.
    v = only(verdict(judge, chart(years), chart(["2007", "2008", "2009", "2010", "2003", "2012", "2005"])),
             ["text_error", "text_error"])
    assert "'2003' instead of '2011'" in v.errors[0].description, v.errors


def test_a_series_added_to_grouped_bars_is_no_bar_width(judge):
    # Each group makes room for the new bars: the old ones are drawn narrower and shifted, which follows from it.
    v = verdict(judge, _grouped_bars(legend_above=True),
                _grouped_bars(series=("Min temp", "Max temp", "Mean temp"), width=0.7 / 3, legend_above=True))
    assert [e.category for e in v.errors][:1] == ["data_error"] and "appears" in v.errors[0].description, v.errors
    assert not any("narrower" in e.description for e in v.errors), v.errors
    assert v.severity_sum <= 3, v.errors


def test_an_inverted_axis_whose_labels_differ_by_a_digit_is_one_axis_finding(judge):
    def chart(inverted):
        fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=100)
        x = np.linspace(-np.pi / 2, np.pi / 2, 31)
        y = np.cos(x) ** 3
        ax.plot(x, y, "o-", color="lightgrey", label="No mask")  # (the gallery's masked-data demo)
        for k, name in enumerate(["Points removed", "Masked values", "NaN values"]):
            keep = y <= 0.7
            ax.plot(x[keep] * (1 + 0.4 * (k + 1)), y[keep], "o-", label=name)
        ax.legend()
        ax.set_title("Masked and NaN data")
        if inverted:
            ax.invert_yaxis()
        fig.tight_layout()
        return figure_rgb(fig)
    # '0.8' where '0.2' stood changes one glyph of three: each label changed little, yet together they run backwards.
    v = verdict(judge, chart(False), chart(True))
    assert v.errors and v.errors[0].category == "data_error" and "inverted" in v.errors[0].description, v.errors
    assert v.severity_sum <= 4, v.errors


def draw_cause_diagram(*, ylim=(0, 10), inverted=False, scale_values=1.0, ticks=False):
    """Labels placed in data units on a plot with its axes switched off (an Ishikawa-like diagram), or, with
    ``ticks``, on a plot whose y-axis is drawn (values scaled by ``scale_values`` move the labels with their data)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot([0.5, 9.5], [5, 5], color="tab:blue", lw=2)
    for x in (3.3, 6.3, 9.3):  # bones right of the labels, which they do not cross
        ax.plot([x - 0.3, x], [9.5, 5], color="black", lw=1)
        ax.plot([x - 0.3, x], [0.5, 5], color="black", lw=1)
    for x, y, s in [(0.6, 8.8, "Supplier delays"), (3.6, 8.8, "Raw materials"), (6.6, 8.8, "Calibration"),
                    (0.6, 7.0, "Bad conditions"), (3.6, 7.0, "Poor input"), (6.6, 7.0, "Sampling"),
                    (0.6, 3.0, "Lack of training"), (3.6, 3.0, "Wrong measures"), (6.6, 3.0, "Old equipment"),
                    (0.6, 1.2, "Managers"), (3.6, 1.2, "Performance"), (6.6, 1.2, "Compatibility")]:
        ax.text(x, 5 + (y - 5) * scale_values, s, fontsize=10)
    ax.set_xlim(0, 10)
    ax.set_ylim(*ylim)
    if inverted:
        ax.invert_yaxis()
    if not ticks:
        ax.axis("off")
    return figure_rgb(fig)


@pytest.mark.parametrize("change, rule", [(dict(inverted=True), ("data_error", 3, "inverted")),
                                          (dict(ylim=(0, 7.5)), ("data_error", 2, "range"))],
                         ids=["inverted", "narrowed"])
def test_labels_placed_in_data_units_follow_their_axis(judge, change, rule):
    # A diagram drawn without axes shows its axis only through what it places: every label moved by one map along
    # y (reversed, or stretched with the top cut off) is one axis finding, not a dozen labels misread or moved.
    v = verdict(judge, draw_cause_diagram(), draw_cause_diagram(**change))
    assert [(e.category, e.severity) for e in v.errors] == [rule[:2]] and rule[2] in v.errors[0].description, v.errors


def test_labels_placed_in_data_units_make_the_reversal_of_a_tick_range_plain(judge):
    # Ticks 0..10 reversed read as other values (a range change); the labels in data units say it is reversed.
    v = verdict(judge, draw_cause_diagram(ticks=True), draw_cause_diagram(ticks=True, inverted=True))
    assert [(e.category, e.severity) for e in v.errors] == [("data_error", 3)] and \
        "inverted" in v.errors[0].description, v.errors


def test_labels_moved_with_their_values_under_kept_ticks_are_no_axis_change(judge):
    # The tick labels stayed: labels placed at negated values run the other way with their data, and the axis
    # was not inverted.
    v = verdict(judge, draw_cause_diagram(ticks=True), draw_cause_diagram(ticks=True, scale_values=-1.0))
    assert v.errors and not any("axis" in e.description for e in v.errors), v.errors


def draw_rainbow_words(*, y=0.5):
    """One line of words in four colours, each placed after the last (matplotlib's rainbow text demo)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    text = None
    for word, color in [("Matplotlib", "red"), ("says,", "gold"), ("hello", "green"), ("world!", "blue")]:
        if text is None:
            text = ax.text(0.1, y, word + " ", color=color, fontsize=20, transform=ax.transAxes)
        else:
            text = ax.annotate(word + " ", xycoords=text, xy=(1, 0), va="bottom", color=color, fontsize=20)
    ax.set_xticks([])
    ax.set_yticks([])
    return figure_rgb(fig)


def test_a_line_of_coloured_words_moved_is_found_by_its_glyphs(judge):
    # OCR reads the moved line word by word (each colour apart) and no reading holds the whole line: its glyphs,
    # found elsewhere, make it one moved text, and its coloured words no new series.
    v = verdict(judge, draw_rainbow_words(), draw_rainbow_words(y=0.75))
    assert [(e.category, e.severity) for e in v.errors] == [("text_error", 1)] and \
        "another place" in v.errors[0].description, v.errors


def draw_sine_degrees(*, slanted=False):
    """A sine over 0-360 degrees with an x-axis label close to the figure's lower edge."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    x = np.linspace(0, 360, 200)
    ax.plot(x, np.sin(np.radians(2 * x)))
    ax.set_xlabel("angle [degrees]")
    ax.set_ylabel("signal")
    ax.set_title("Sine wave")
    if slanted:
        plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    return figure_rgb(fig)


def test_an_x_label_pushed_off_the_figure_by_slanted_ticks_follows_the_slant(judge):
    # The slanted labels grow down and push the axis label below the figure's edge: one tick-rotation finding.
    v = verdict(judge, draw_sine_degrees(), draw_sine_degrees(slanted=True))
    assert [(e.category, e.severity) for e in v.errors] == [("text_error", 1)] and \
        "slant" in v.errors[0].description, v.errors


@pytest.mark.parametrize("costs_series, severity", [(False, 1), (True, 2)], ids=["alone", "beside-another"])
def test_a_recoloured_series_weighs_by_whether_colour_tells_series_apart(judge, costs_series, severity):
    # Alone in its plot the line's colour tells it from nothing (aesthetic, 1); beside another series the colour
    # is how a reader tells them apart (2).
    v = verdict(judge, draw(costs_series=costs_series, legend=False),
                draw(costs_series=costs_series, legend=False, color="tab:green"))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", severity)], v.errors


def draw_image_grid(*, cmap="viridis"):
    """Four images sharing one colour map and norm, with one colorbar (matplotlib's multi-image demo)."""
    fig, axs = plt.subplots(2, 2, figsize=(6.4, 4.8), dpi=100)
    rng = np.random.default_rng(3)
    for ax in axs.flat:
        im = ax.imshow(rng.random((10, 20)), cmap=cmap, vmin=0, vmax=1)
    fig.colorbar(im, ax=axs)
    return figure_rgb(fig)


def test_a_colour_map_shared_by_several_images_changed_is_one_finding(judge):
    v = verdict(judge, draw_image_grid(), draw_image_grid(cmap="inferno"))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 2)] and \
        "colour map" in v.errors[0].description, v.errors


def draw_harvest(*, cut=False):
    """Matplotlib's annotated heatmap: category names on both axes, a value written in every cell; ``cut`` narrows
    the y range to five rows, and the equal aspect re-lays the plot out."""
    veg = ["cucumber", "tomato", "lettuce", "asparagus", "potato", "wheat", "barley"]
    farm = ["Farmer Joe", "Upland Bros.", "Smith Gardening", "Agrifun", "Organiculture", "BioGoods Ltd.",
            "Cornylee Corp."]
    harvest = np.round(np.random.default_rng(7).uniform(0, 6, (7, 7)), 1)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.imshow(harvest)
    ax.set_xticks(range(7), labels=farm, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(7), labels=veg)
    for i in range(7):
        for j in range(7):
            ax.text(j, i, harvest[i, j], ha="center", va="center", color="w")
    ax.set_title("Harvest of local farmers (in tons/year)")
    if cut:
        ax.set_ylim(6.5, 1.5)
    fig.tight_layout()
    return figure_rgb(fig)


def test_a_heatmap_cut_to_fewer_rows_is_one_range_finding_not_cells_and_names(judge):
    # Two rows cut off: the names left shift and stretch with the re-laid plot, the cells follow the axis.
    v = verdict(judge, draw_harvest(), draw_harvest(cut=True))
    assert [(e.category, e.severity) for e in v.errors if e.category == "data_error"] == [("data_error", 2)] and \
        "y-axis range" in v.errors[0].description, v.errors
    assert not any(e.location.endswith("y-axis label") for e in v.errors), v.errors
    # The numbers in the cells moved with their rows, into one another's places: no legend moved by a row.
    assert not any(e.location.endswith("legend") for e in v.errors), v.errors


def draw_legend_past_spine(*, bars=False, dpi=100, extents=None):
    """Four subplots in the classic style; the second one's legend is anchored past its left spine, over it. With
    ``bars`` the fourth draws bars instead of a line. ``extents``, a list, receives each plot area's pixel box."""
    years = np.arange(2006, 2016)
    rng = np.random.default_rng(3)
    with plt.style.context("classic"):
        fig, axes = plt.subplots(2, 2, figsize=(7.6, 6.4), dpi=dpi)
        axes[0, 0].plot(years, rng.normal(0, 200, 10), "s-")
        axes[0, 0].set_title("Nonfarm change by year")
        ax = axes[0, 1]
        for name, level in (("Retail trade", 15000), ("Business services", 18000), ("Transportation", 26000)):
            ax.plot(years, level + rng.normal(0, 500, 10).cumsum(), label=name, lw=2)
        ax.set_ylabel("Value")
        ax.legend(loc="lower left", bbox_to_anchor=(-0.15, 0.02), fontsize=9)
        axes[1, 0].bar(years, rng.uniform(50, 140, 10) * 1000)
        (axes[1, 1].bar if bars else axes[1, 1].plot)(years, 26000 + rng.normal(0, 800, 10))
        axes[1, 1].set_ylabel("Transportation")
        for a in axes.flat:
            a.set_xlabel("Year")
            plt.setp(a.get_xticklabels(), rotation=30)
        fig.tight_layout()
        if extents is not None:
            fig.canvas.draw()
            height = fig.bbox.height
            boxes = (a.get_window_extent() for a in axes.flat)
            extents.extend((b.x0, height - b.y1, b.x1, height - b.y0) for b in boxes)
        return figure_rgb(fig, dpi=dpi)


def test_a_legend_joined_past_the_spine_leaves_the_plot_area_to_the_spines(judge):
    # The legend's box hangs over the left spine and joins it: the plot area is still the spines' box, so its
    # tick labels stay outside it, and a change in another subplot says nothing of this one.
    extents = []
    ref = draw_legend_past_spine(extents=extents)
    frames = geo.axes_frames(ref, fallbacks=False)
    assert len(frames) == 4 and all(max(abs(a - b) for a, b in zip(f, e)) <= 2 for f, e in zip(frames, extents)), \
        (frames, extents)
    assert [e.severity for e in verdict(judge, ref, draw_legend_past_spine(dpi=72)).errors if e.severity > 1] == []
    v = verdict(judge, ref, draw_legend_past_spine(bars=True))
    assert v.errors and not any(e.location.startswith("subplot 2") for e in v.errors), v.errors


def draw_electricity(*, barh=False):
    """Four subplots under a figure title; the second draws its three sources as slanted bars, or with ``barh`` as
    horizontal bars: tight layout then gives the top row more height and the right column less width."""
    names = ["Fossil Fuels", "Nuclear Energy", "Renewables"]
    rng = np.random.default_rng(5)
    fig, axes = plt.subplots(2, 2, figsize=(8, 7), dpi=100)
    axes[0, 0].boxplot([rng.normal(36000, 4000, 20), rng.normal(5000, 400, 20), rng.normal(9000, 6000, 20)])
    axes[0, 0].set_xticks([1, 2, 3], names)
    axes[0, 0].set_ylabel("Net generation")
    axes[0, 0].set_title("Net generation by source")
    ax = axes[0, 1]
    (ax.barh if barh else ax.bar)(names, [28437, 3900, 1400], color="#56b4e9")
    ax.set_title("Min net generation by source")
    (ax.set_xlabel if barh else ax.set_ylabel)("Min net generation")
    if not barh:
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
        ax.set_xlabel("Source")
    axes[1, 0].bar(np.arange(2006, 2014), rng.uniform(35000, 43000, 8), color="#009e73")
    axes[1, 0].set_ylabel("Net generation")
    axes[1, 0].set_title("Net generation by year")
    axes[1, 1].scatter(rng.uniform(28000, 43000, 15), rng.uniform(1500, 22000, 15), color="#f0e442", marker="D")
    axes[1, 1].set_ylabel("Renewables net generation")
    axes[1, 1].set_xlabel("Fossil Fuels net generation")
    fig.suptitle("Iowa electricity")
    fig.tight_layout()
    return figure_rgb(fig)


def test_subplots_re_laid_out_around_another_keep_their_text_at_its_size(judge):
    # Bars turned horizontal re-lay the whole figure out: each other plot is drawn through its own frame, but its
    # tick and axis labels keep the figure's scale, so the plots that did not change say nothing.
    v = verdict(judge, draw_electricity(), draw_electricity(barh=True))
    assert any(e.location.startswith("subplot 2") for e in v.errors), v.errors
    assert not any(e.location.startswith(("subplot 1", "subplot 3")) and "label" in e.location and
                   "right-side" not in e.location for e in v.errors), v.errors


def draw_employment(*, extra=False):
    """Two monthly series with their legend in the lower left; ``extra`` adds a third, and the legend grows a row
    upwards, moving the other entries."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    x = np.arange(12)
    with plt.style.context("bmh"):
        fig, ax = plt.subplots(figsize=(6.4, 4), dpi=100)
        ax.plot(x, 4700 - 6 * x, "D--", color="#003f5c", label="Nondurable goods")
        ax.plot(x, 8000 - x, color="#bc5090", label="Financial activities")
        if extra:
            ax.plot(x, 4450 + 5 * x, color="#ffa600", label="Transportation and warehousing")
        ax.set_xticks(x, months)
        ax.set_ylabel("Value")
        ax.legend(loc="lower left")
        fig.tight_layout()
        return figure_rgb(fig)


def test_a_legend_grown_by_an_entry_moves_its_other_entries_it_does_not_rename_them(judge):
    v = verdict(judge, draw_employment(), draw_employment(extra=True))
    assert v.errors and not any("instead of" in e.description for e in v.errors if "plot area" in e.location), \
        v.errors


def draw_precipitation(*, inverted=False):
    """Box plots of skewed monthly values with many outliers (circles, which OCR reads as 'o', '0' or '8')."""
    rng = np.random.default_rng(11)
    data = [np.concatenate([rng.exponential(2, 60), rng.uniform(12, 56, 12)]) for _ in range(6)]
    fig, ax = plt.subplots(figsize=(7, 5.2), dpi=100)
    ax.boxplot(data, patch_artist=True)
    ax.set_xticks(range(1, 7), ["Mar", "Apr", "May", "Jun", "Jul", "Aug"])
    ax.set_xlabel("Month")
    ax.set_ylabel("Precipitation")
    ax.set_title("Seattle weather: precipitation by month")
    ax.grid(True)
    if inverted:
        ax.invert_yaxis()
    fig.tight_layout()
    return figure_rgb(fig)


def test_outlier_circles_read_as_text_follow_an_inverted_axis(judge):
    v = verdict(judge, draw_precipitation(), draw_precipitation(inverted=True))
    assert [(e.category, e.severity) for e in v.errors] == [("data_error", 3)], v.errors



def test_a_frameless_chart_whose_title_went_is_laid_out_unstretched(judge):
    # A pie (no frames to fit on) whose title went, redrawn in other colours with a slice changed: the content box
    # is shorter, and fitting it to the reference's stretches the pie into an ellipse; the same layout at the same
    # size does not, and leaves fewer pixels apart (most of the pie differs either way).
    yy, xx = np.mgrid[:300, :400]
    disk = (yy - 170) ** 2 + (xx - 200) ** 2 <= 100 ** 2
    ref = np.full((300, 400, 3), 255, np.uint8)
    ref[disk] = (76, 114, 176)
    ref[disk & (xx > 200)] = (221, 132, 82)
    ref[20:34, 130:270] = 30  # the title
    cand = np.full((300, 400, 3), 255, np.uint8)
    cand[disk] = (85, 168, 104)  # recoloured too: most of the pie differs either way
    cand[disk & (xx > 200) & (yy > 170)] = (221, 132, 82)  # a slice half as large
    comparer = judge.comparer("chart")
    ra, ca = judge.analyse(ref, task="chart"), comparer.analyse(cand)
    rn = ra["norm"]
    cn = comparer._align(ra, rn, ca, (rn.image.shape[1] - 16, rn.image.shape[0] - 16))
    ratio = (cn.frame.scale[0] / cn.frame.scale[1]) / (rn.frame.scale[0] / rn.frame.scale[1])
    assert abs(ratio - 1.0) <= 0.01, (cn.frame, rn.frame)
    v = verdict(judge, ref, cand)
    assert any(e.location.endswith("pie") and e.category == "data_error" for e in v.errors), v.errors


def _two_bars(names):
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.bar(names, [42, 58], color=["#4c72b0", "#dd8452"])
    ax.set_ylabel("Share of votes (%)")
    ax.set_title("Referendum result")
    fig.tight_layout()
    return figure_rgb(fig)


def test_one_of_two_category_names_renamed_is_text_not_a_range(judge):
    # Only numbers tell a range: a name of two read as another word is that label changed.
    v = only(verdict(judge, _two_bars(["Approve", "Disapprove"]), _two_bars(["Approve", "Undecided"])),
             ["text_error"])
    assert "Undecided" in v.errors[0].description, v.errors


def _lone_pie(as_bars=False):
    names, values = ["Black", "Latino", "White", "Asian"], [28, 19, 14, 2]
    colors = ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3"]
    fig, ax = plt.subplots(figsize=(5.6, 3.5), dpi=100)
    if as_bars:
        ax.bar(names, values, color=colors)
    else:
        ax.pie(values, labels=names, colors=colors)
    ax.set_title("LA riots: records by race")
    return figure_rgb(fig)


def test_a_lone_pie_drawn_as_bars_is_said_once(judge):
    # Laid at the reference's own layout (the content box changed shape), the bars in the pie's place are the
    # pie drawn as another chart, not a second chart-type change of its marks.
    v = verdict(judge, _lone_pie(), _lone_pie(as_bars=True))
    assert [(e.category, e.severity) for e in v.errors if e.category == "structure_error"] == \
        [("structure_error", 3)], v.errors


def _pie_beside_scatter(swap=False):
    """A frameless pie beside a scatter plot with its colorbar; ``swap`` trades their places."""
    rng = np.random.default_rng(4)
    fig, axes = plt.subplots(1, 2, figsize=(7, 2.6), dpi=100)
    pie_ax, sc_ax = axes[::-1] if swap else axes
    pie_ax.pie([44, 30, 22, 4], labels=["Black", "Latino", "White", "Asian"],
               colors=["#003f5c", "#bc5090", "#ffa600", "#58508d"])
    pie_ax.set_title("Records by race")
    points = sc_ax.scatter(rng.uniform(15, 85, 40), rng.uniform(-118.5, -117.7, 40), c=rng.uniform(33.8, 34.3, 40),
                           cmap="coolwarm", marker="D")
    fig.colorbar(points, ax=sc_ax, label="Latitude")
    sc_ax.set_title("Longitude vs age")
    sc_ax.set_xlabel("Age")
    sc_ax.set_ylabel("Longitude")
    fig.tight_layout()
    return figure_rgb(fig)


def test_a_plot_traded_with_a_frameless_pie_is_one_layout_finding(judge):
    # One fit on the plot's frames would slide the whole figure to lay the plot on its old place, and the pie
    # would be read as text gone; at the content box's own scale the plot is seen moved.
    v = verdict(judge, _pie_beside_scatter(), _pie_beside_scatter(swap=True))
    assert [e.category for e in v.errors] == ["structure_error"] and v.errors[0].severity == 2, v.errors


def _exploded_pie(*, mirrored=False, explode=(0.1, 0, 0), swap=False, dpi=100):
    """A pie with a slice pulled out beside a frameless stacked bar (matplotlib's bar-of-pie layout)."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 5), dpi=dpi)
    fig.subplots_adjust(wspace=0)
    pie_ax, bar_ax = axes[::-1] if swap else axes
    pie_ax.pie([0.27, 0.56, 0.17], labels=["Approve", "Disapprove", "Undecided"], autopct="%1.1f%%",
               startangle=-0.27 * 360 / 2, explode=explode, counterclock=not mirrored)
    bottom = 1
    for share, label in zip([0.33, 0.54, 0.07, 0.06], ["Under 35", "35-49", "50-65", "Over 65"]):
        bottom -= share
        bar_ax.bar(0, share, 0.2, bottom=bottom, color="C0", alpha=0.1 + 0.25 * (share > 0.1) + share, label=label)
    bar_ax.set_title("Age of approvers")
    bar_ax.legend()
    bar_ax.axis("off")
    bar_ax.set_xlim(-2.5 * 0.2, 2.5 * 0.2)
    return figure_rgb(fig, dpi=dpi)


def test_an_exploded_pie_is_found_with_its_pulled_slice():
    from visual_erm.judge.embedded import pie as pies
    from visual_erm.judge.embedded.normalize import background_color
    img = _exploded_pie()
    found = pies.find_pies(img, background_color(img))
    assert len(found) == 1, found
    shares = sorted((round(s.share), s.pulled > 0.05) for s in found[0].slices)
    assert [s for s, _ in shares] == [17, 27, 56] and [p for _, p in shares] == [False, True, False], shares


def test_a_mirrored_pie_is_one_data_error(judge):
    # Every slice and its label sit elsewhere, the same shares: the pie runs the other way round, said once.
    v = verdict(judge, _exploded_pie(), _exploded_pie(mirrored=True))
    assert [(e.category, e.severity) for e in v.errors] == [("data_error", 3)], v.errors
    assert "mirrored" in v.errors[0].description
    assert verdict(judge, _exploded_pie(), _exploded_pie(dpi=72)).severity_sum <= 1  # the same pie, smaller


def test_a_slice_no_longer_pulled_out_is_one_style_finding(judge):
    v = verdict(judge, _exploded_pie(), _exploded_pie(explode=(0, 0, 0)))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 1)], v.errors
    assert "no longer pulled out" in v.errors[0].description


def test_a_pie_traded_with_a_frameless_bar_is_one_layout_finding(judge):
    # Neither part has a frame to fit on: the pie's picture is found in the bar's place.
    v = verdict(judge, _exploded_pie(), _exploded_pie(swap=True))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 2)], v.errors


def _ganged(swap=False):
    """Three stacked plots sharing their x-axis with no space between (matplotlib's ganged plots); ``swap`` trades
    the places of the lower two, their tick labels with them."""
    t = np.arange(0.0, 2.0, 0.01)
    fig, axs = plt.subplots(3, 1, sharex=True, dpi=100)
    fig.subplots_adjust(hspace=0)
    for ax, y, low in zip(axs, [np.sin(2 * np.pi * t), np.exp(-t), np.sin(2 * np.pi * t) * np.exp(-t)], [-1, 0, -1]):
        ax.plot(t, y)
        ax.set_yticks(np.arange(low + 0.1, 1.0, 0.4 if low else 0.2))
        ax.set_ylim(low, 1)
    if swap:
        a, b = axs[1].get_position(), axs[2].get_position()
        axs[1].set_position(b)
        axs[2].set_position(a)
    return figure_rgb(fig)


def test_stacked_subplots_traded_are_one_layout_finding(judge):
    # The bottom plot's x tick labels come along over the edge of the plot below: the coloured marks alone tell
    # the swap.
    v = verdict(judge, _ganged(), _ganged(swap=True))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 2)], v.errors


def _stacked_temps(width, with_mean=True, *, room=True):
    """Stacked bars with black outlines in matplotlib's classic style; without ``with_mean`` the bottom series is
    left out and the other stands on the axis. With ``room``, the x range leaves a bar's room at each side and
    the figure is laid out tight on its grey page; without it, the bars run edge to edge (the classic style pads
    no margin), saved plainly."""
    months = ["Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
    mean = np.array([53.9, 55.6, 57.8, 60.3, 61.7, 62.3, 62.5, 60.3])
    high = np.array([61.3, 64.4, 66.6, 69.8, 70.6, 72.3, 72.3, 70.6])
    with plt.style.context("classic"):
        fig, ax = plt.subplots(figsize=(7.6, 5.7), dpi=100)
        if with_mean:
            ax.bar(months, mean, width, color="tab:blue", edgecolor="black", label="Mean temp")
        ax.bar(months, high, width, bottom=mean if with_mean else 0, color="tab:orange", edgecolor="black",
               label="Max temp")
        ax.set_title("SF temps: mean temp and max temp by month")
        ax.set_xlabel("Month")
        ax.set_ylabel("Mean temp / Max temp")
        ax.legend(loc="lower left", fontsize=9)
        if not room:
            return figure_rgb(fig)
        ax.set_xlim(-1, 9)
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


@pytest.mark.parametrize("width", [0.62, 0.8])
def test_a_stacked_series_gone_takes_its_bar_outlines_along(judge, width):
    # The black outlines at the joins went with the bars under them and the others moved (pure black where they
    # fell on whole pixels, blended elsewhere): no black series gone, and none recoloured.
    v = verdict(judge, _stacked_temps(width), _stacked_temps(width, with_mean=False))
    assert [(e.category, e.severity) for e in v.errors] == [("data_error", 3)], v.errors
    assert "blue" in v.errors[0].description


@pytest.mark.parametrize("width", [0.6, 0.8])
def test_bars_drawn_edge_to_edge_keep_the_plot_background(judge, width):
    # The orange bars, standing on the axis now, cover most of the ring inside the frame, so its commonest colour
    # is theirs; the plot still shows its white background, and the reference drew orange as marks. Before, the
    # bars read as background and their outlines as lines (a chart type).
    v = verdict(judge, _stacked_temps(width, room=False), _stacked_temps(width, with_mean=False, room=False))
    assert [(e.category, e.severity) for e in v.errors] == [("data_error", 3)], v.errors


def draw_four_plots(*, gone=(), lose_cost=False, dpi=100):
    """Four plots of a 2x2 grid, as the gallery lays them out; subplots are dropped with ``fig.delaxes`` (the others
    stay where they were, and the figure's content box shrinks or stays)."""
    fig, axs = plt.subplots(2, 2, figsize=(6.4, 4.8), dpi=100)
    axs[0, 0].plot(X, SALES, color="tab:blue")
    if not lose_cost:
        axs[0, 0].plot(X, COSTS, color="tab:orange")
    axs[0, 0].set_title("Sales and costs")
    axs[0, 1].bar(X, SALES, color="tab:green")
    axs[0, 1].set_title("Sales")
    axs[1, 0].scatter(SALES, COSTS, color="tab:purple")
    axs[1, 0].set_title("Costs against sales")
    axs[1, 1].step(X, COSTS, color="tab:red")
    axs[1, 1].set_title("Costs")
    fig.tight_layout()
    for r, c in gone:
        fig.delaxes(axs[r, c])
    return figure_rgb(fig, dpi=dpi)


@pytest.mark.parametrize("dpi", [100, 150])
def test_subplots_gone_while_the_others_stay_are_each_reported_and_the_others_compared(judge, dpi):
    # The right column gone narrows the content box: fitted to it, the plots left would be stretched over the
    # reference's and not compared at all (one count finding, the series lost beside it unsaid).
    v = verdict(judge, draw_four_plots(), draw_four_plots(gone=((0, 1), (1, 1)), lose_cost=True, dpi=dpi))
    found = sorted((e.category, e.severity, e.location) for e in v.errors)
    assert found == [("data_error", 3, "subplot 1, plot area"), ("structure_error", 3, "subplot 2"),
                     ("structure_error", 3, "subplot 4")], v.errors
    said = " ".join(e.description for e in v.errors)
    assert "row 1, column 2 is missing" in said and "row 2, column 2 is missing" in said and "orange" in said
    lost = [e for e in v.errors if e.location == "subplot 4"][0]
    assert lost.bbox[0] > 0.5 * 640 * dpi / 100 and lost.bbox[1] > 0.5 * 480 * dpi / 100, lost.bbox


def test_one_subplot_gone_from_a_grid_is_one_finding(judge):
    v = verdict(judge, draw_four_plots(), draw_four_plots(gone=((1, 0),)))
    assert_only(v, "structure_error", 3, "row 2, column 1 is missing")


def draw_stations(*, drop_west=0):
    """A scatter of places (longitude, latitude), autoscaled; ``drop_west`` drops that many westernmost points."""
    rng = np.random.default_rng(7)
    lon = np.concatenate([rng.uniform(-165, -130, 25), rng.uniform(-125, -70, 175)])
    lat = np.concatenate([rng.uniform(55, 71, 25), rng.uniform(26, 49, 175)])
    keep = np.argsort(lon)[drop_west:]
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.scatter(lon[keep], lat[keep], color="#66c2a5", s=30)
    ax.set_title("Stations: latitude vs longitude")
    ax.set_xlabel("Longitude")
    ax.set_ylabel("Latitude")
    return figure_rgb(fig)


def test_points_dropped_at_one_end_rescale_both_axes_once(judge):
    # Both autoscaled axes follow the points that are left: every mark moves, and the tick values of both axes
    # change. One data finding (before: one per axis).
    v = verdict(judge, draw_stations(), draw_stations(drop_west=40))
    assert_only(v, "data_error", 2, "x- and y-axis")


def test_an_inverted_axis_stays_its_own_finding(judge):
    # (A guard for the merge above: an inverted axis is a named change of severity 3, never folded into a range.)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(X, SALES * 1000, color="tab:blue")
    ref = figure_rgb(fig)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(X, SALES * 1000, color="tab:blue")
    ax.invert_yaxis()
    v = verdict(judge, ref, figure_rgb(fig))
    assert_only(v, "data_error", 3, "y-axis is inverted")


def draw_sales_and_map(*, dark=False):
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 4), dpi=100)
    a.plot(X, SALES, color="tab:blue")
    a.set_title("Sales")
    img = np.add.outer(np.arange(10), np.arange(10)).astype(float)
    b.imshow(np.ones_like(img) if dark else img, cmap="gray_r" if dark else "viridis", vmin=0, vmax=1 if dark else 18)
    b.set_title("Map")
    return figure_rgb(fig)


def test_a_plot_filled_dark_to_its_spines_is_no_subplot_gone(judge):
    # Black to its edges, the map's frame is not read; its spines are still drawn where they were, so the plot is
    # compared (before: 'the chart has 1 subplot where the reference has 2').
    v = verdict(judge, draw_sales_and_map(), draw_sales_and_map(dark=True))
    assert v.errors and all(e.category != "structure_error" and e.location.startswith("subplot 2") for e in v.errors), \
        v.errors



def draw_ganged(*, top=True):
    """Three plots stacked with no space between (the ganged-plots demo): each inner spine is shared."""
    t = np.arange(0.0, 2.0, 0.01)
    fig, axs = plt.subplots(3, 1, sharex=True, figsize=(6.4, 4.8))
    fig.subplots_adjust(hspace=0)
    axs[0].plot(t, np.sin(2 * np.pi * t))
    axs[1].plot(t, np.exp(-t), color="tab:orange")
    axs[2].plot(t, np.sin(2 * np.pi * t) * np.exp(-t), color="tab:green")
    if not top:
        fig.delaxes(axs[0])
    return figure_rgb(fig)


def test_the_top_plot_of_a_ganged_stack_gone_is_one_subplot_finding(judge):
    # Its bottom spine is the next plot's top one, still drawn: the sides it shares do not keep it alive.
    v = verdict(judge, draw_ganged(), draw_ganged(top=False))
    assert_only(v, "structure_error", 3, "row 1, column 1 is missing")


def draw_seattle_style():
    """Three lines on a pale grey figure without spines (the fivethirtyeight style: no frames to fit on)."""
    with plt.style.context("fivethirtyeight"):
        fig, ax = plt.subplots(figsize=(7.6, 4.7), dpi=100)
        for ys, name in ((SALES + 40, "Min"), (SALES * 2 + 40, "Mean"), (SALES * 3 + 40, "Max")):
            ax.plot(X, ys, label=name, linewidth=1.5)
        ax.set_title("Temperatures by month", fontsize=13)
        ax.set_xticks(X, ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"])
        ax.legend(loc="upper left", fontsize=10)
        return figure_rgb(fig, own_face=True)


@pytest.mark.parametrize("margin", [9, 20])
def test_a_pale_figure_in_a_white_margin_is_equivalent(judge, margin):
    # The grey (#f0f0f0) is fainter than the ink tolerance: the margin's content box ended at the figure's edge,
    # the reference's at its ink, so the charts did not lie on each other and every tick label read as changed.
    ref = draw_seattle_style()
    framed = np.pad(ref, ((margin, margin), (margin, margin), (0, 0)), constant_values=255)
    assert not verdict(judge, ref, framed).errors


STATES = ["AK", "TX", "CA", "OK", "FL", "OH", "NY", "GA"]
RECORDS = np.array([263, 209, 205, 102, 100, 100, 97, 97], float)


def draw_records(*, swapped=False, style="fivethirtyeight", bar_limit=None):
    """Bars of records by state beside (or above) the same records as a filled line, as the code set draws them."""
    with plt.style.context(style):
        stacked = style == "fivethirtyeight"
        fig, axs = plt.subplots(2, 1, figsize=(6.4, 6.4)) if stacked else plt.subplots(1, 2, figsize=(7.6, 4))
        bars, area = axs[::-1] if swapped else axs
        bars.barh(STATES[::-1], RECORDS[::-1], color="#003f5c")
        bars.set_title("Records by state", fontsize=11)
        if bar_limit:
            bars.set_xlim(0, bar_limit)
        area.plot(STATES, RECORDS, marker="^", color="#bc5090", linewidth=1.5)
        area.fill_between(range(len(STATES)), RECORDS, color="#bc5090", alpha=0.3)
        area.set_title("Records by state", fontsize=11)
        fig.suptitle("Airports")
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


def test_stacked_plots_without_frames_traded_are_one_finding(judge):
    # One of the two plots has no frame to read (no spines): the figure's bands of content are compared instead
    # of plot areas. Both plots carry one title, so their labels tell nothing.
    v = verdict(judge, draw_records(), draw_records(swapped=True))
    assert_only(v, "structure_error", 2, "are in each other's places")


def test_framed_plots_traded_while_one_changed_its_range_are_still_traded(judge):
    # The bars, squeezed by a wider range, look like their old selves no more than like the filled line; the
    # filled line looks like itself in the bars' place: a trade (before: three series gone, labels misread).
    v = verdict(judge, draw_records(style="Solarize_Light2"), draw_records(style="Solarize_Light2", swapped=True,
                                                                           bar_limit=1500))
    assert any(e.category == "structure_error" and "in each other's places" in e.description for e in v.errors), \
        v.errors
    assert v.severity_sum <= 4, v.errors


def draw_latitudes(bins=15):
    """A histogram of airports' latitudes with black bin edges and a legend over its first bins, beside three
    line plots, in fivethirtyeight, as the code set draws it (193-0028)."""
    codeset = _codeset()
    counts = [2, 2, 0, 0, 6, 0, 1, 4, 2, 0, 0, 1, 9, 7, 16, 14, 33, 39, 55, 70, 73, 87, 85, 73, 67, 87, 76, 110, 92,
              93, 62, 52, 48, 38, 35, 40, 3, 0, 0, 2, 0, 3, 4, 5, 8, 14, 9, 10, 9, 10, 7, 7, 11, 7, 5, 4, 0, 0, 2, 1]
    centres = np.round(14 + (np.arange(60) + 0.5) * 58 / 60, 2)
    common = dict(legend=False, legend_loc="lower right", grid=False, facecolor=None, vlim=None, vlog=False,
                  invert=False, bar_width=0.8, annotations=[], value_labels=False, title_size=11, nonneg=True)
    hist = dict(common, title="Distribution of latitude", xlabel="Latitude", ylabel="Count", legend=True,
                legend_loc="lower left", title_size=12, kind="hist", bins=bins, x=[],
                series=[dict(name="Latitude", values=np.repeat(centres, counts).tolist(), color="#4C72B0", err=None,
                             labels={})])
    line = dict(common, title="Records by state", xlabel="State", ylabel="Count", kind="line", x=["A", "B", "C", "D"],
                series=[dict(name="Count", values=[3.0, 1.0, 4.0, 2.0], err=None, color="#C44E52", ls="-", marker="o",
                             lw=2.0, labels={})])
    spec = dict(style="fivethirtyeight", palette=["#4C72B0", "#C44E52"], font_size=10, figsize=[8.0, 6.4],
                layout=[2, 2], suptitle="", panels=[hist, line, line, line], edge="black")
    return codeset.pixels(codeset.draw(spec))


def test_histogram_with_many_more_bins_is_no_chart_type_change(judge):
    # Fifty bins for fifteen: each narrow bar, between dark edges, kept a 3-px stripe of its colour, read as lines
    # (severity 3); bars cut short of the baseline by the legend kept them from reading as bars (code set
    # 193-0028: 3 for 2, 257-0026).
    v = verdict(judge, draw_latitudes(), draw_latitudes(50))
    assert v.errors and not any(e.category == "structure_error" for e in v.errors), v.errors
    assert all(e.category == "data_error" for e in v.errors), v.errors


def draw_net_generation(kind="line"):
    """Mean net generation by source as a line (or bars) with slanted category names and a worded maximum, in
    fivethirtyeight, as the code set draws it (241-0012)."""
    codeset = _codeset()
    pan = dict(title="Iowa electricity: mean net generation by source", xlabel="Source",
               ylabel="Mean net generation", legend=False, legend_loc="upper left", grid=True, facecolor=None,
               vlim=None, vlog=False, invert=False, bar_width=0.6, value_labels=False, title_size=14, kind=kind,
               annotations=[dict(i=0, y=36478.0, word="max", num="36,478", dx=-45, dy=18)],
               x=["Fossil Fuels", "Nuclear Energy", "Renewables"], nonneg=True,
               series=[dict(name="Mean net generation", values=[36478.0, 4712.0, 9660.0], err=[3877.0, 456.4, 7283.0],
                            color="#e41a1c", ls="-", marker=None, lw=2.0, labels={})])
    spec = dict(style="fivethirtyeight", palette=["#e41a1c"], font_size=11, figsize=[5.6, 4.2], layout=[1, 1],
                suptitle="", panels=[pan], edge="white")
    return codeset.pixels(codeset.draw(spec))


def test_slanted_category_names_moved_by_a_chart_type_change_follow_it(judge):
    # Drawn as bars, the categories stand inset from the plot's edges: the slanted names moved, one read cut off
    # ('ables' for 'Renewables'), one found elsewhere; both follow the chart-type finding (code set 241-0012:
    # 8 for 3).
    v = verdict(judge, draw_net_generation(), draw_net_generation("bar"))
    assert v.errors and v.errors[0].category == "structure_error" and v.errors[0].severity == 3, v.errors
    assert not any("tick label" in e.description or "another place" in e.description for e in v.errors), v.errors


def draw_coloured_scatter(cmap="coolwarm"):
    """A scatter whose marks are coloured by a third column, with its colour bar (code set 241-0002, 201-0006)."""
    rng = np.random.default_rng(8)
    x = np.sort(rng.uniform(107000, 121000, 160))
    y = 14300 + (x - 107000) * 0.09 + rng.normal(0, 60, 160)
    c = 650 + (x - 107000) / 14000 * 250 + rng.normal(0, 20, 160)
    sizes = rng.uniform(20, 80, 160)
    with plt.style.context("seaborn-v0_8-whitegrid"):
        fig, ax = plt.subplots(figsize=(7.0, 5.6))
        points = ax.scatter(x, y, c=c, cmap=cmap, marker="^", s=sizes, alpha=0.85)
        fig.colorbar(points, ax=ax, label="Mining and logging")
        ax.set_title("US employment: retail trade vs private")
        ax.set_xlabel("Private")
        ax.set_ylabel("Retail trade")
        ax.grid(False)
        fig.tight_layout()
        return figure_rgb(fig)


def test_marks_coloured_with_another_colour_map_are_one_finding(judge):
    # Another colour map for the scatter's third column: the series check compared its colour groups one by one
    # (one 'missing', one 'does not match', one 'drawn in yellow'); the colour bar beside the plot changed colours
    # and the marks stayed put, so one finding says it (code set 241-0002: 9 for 4 with the rest; 201-0006).
    v = verdict(judge, draw_coloured_scatter(), draw_coloured_scatter("Spectral"))
    assert_only(v, "style_error", 2, "another colour map")


def draw_two_fields(*, swapped=False):
    """Two image plots side by side in matplotlib's default layout (no tight_layout: the figure's right margin is
    wider than the gap between the plots), as the gallery's image-transform demo draws them (builder 3838-0010)."""
    y, x = np.mgrid[-3:3:60j, -3:3:60j]
    first, second = np.exp(-(x - 1) ** 2 - y ** 2), np.exp(-x ** 2 - (y + 1) ** 2) - np.exp(-(x + 1) ** 2 - y ** 2)
    fig, axs = plt.subplots(1, 2, figsize=(6.4, 2.6))
    for ax, field in zip(axs, (second, first) if swapped else (first, second)):
        ax.imshow(field, extent=(-4, 4, -3, 3), cmap="viridis")
        ax.set_xlim(-5, 5)
        ax.set_ylim(-4, 4)
    return figure_rgb(fig)


def test_swapped_plots_traded_back_keep_each_others_labels(judge):
    # Traded back, the right plot's cell carried its wide blank margin over the left plot's y tick labels, which
    # then read as changed (builder 3838-0010: 4 for 2).
    v = verdict(judge, draw_two_fields(), draw_two_fields(swapped=True))
    assert_only(v, "structure_error", 2, "are in each other's places")


def draw_shared_x_waves(*, swapped=False, moved=False):
    """Two untitled plots stacked on a shared x axis, its tick labels under the lower one only (the gallery's
    shared-axis demo; builder 3939-0023). ``swapped`` draws each plot's data in the other axes (the labels stay
    at the foot); ``moved`` trades the two axes' places (the labelled axes goes up, its labels with it)."""
    t = np.arange(0.0, 2.0, 0.01)
    fig, axs = plt.subplots(2, 1, sharex=True, figsize=(6.4, 4.8))
    upper, lower = axs[::-1] if swapped else axs
    upper.plot(t, np.sin(2 * np.pi * t))
    upper.plot(t, np.sin(4 * np.pi * t), "s", color="#ff7f0e", markersize=4)
    lower.plot(t, 2 * np.sin(2 * np.pi * t))
    if moved:
        place = axs[0].get_position()
        axs[0].set_position(axs[1].get_position())
        axs[1].set_position(place)
    return figure_rgb(fig)


def test_swapped_untitled_plots_on_a_shared_axis_are_one_finding(judge):
    # Between two untitled plots the first band of ink over the lower one is the upper one's tick labels, not a
    # title: cut above them, they went with the wrong plot when the cells were traded back (builder 3939-0023:
    # 4 for 2).
    v = verdict(judge, draw_shared_x_waves(), draw_shared_x_waves(moved=True))
    assert_only(v, "structure_error", 2, "are in each other's places")
    # The data traded between the axes instead: the labels stay at the foot, and stay out of the traded cells.
    v = verdict(judge, draw_shared_x_waves(), draw_shared_x_waves(swapped=True))
    assert_only(v, "structure_error", 2, "are in each other's places")


def draw_bars_and_colour_bar(*, ylabel=True):
    """Grouped horizontal bars beside a scatter coloured by a third column with its colour bar, on a dark
    background, as the code set draws them (257-0006); ``ylabel=False`` drops the bars' y label, which lays the
    figure out anew."""
    codeset = _codeset()
    sources = ["Fossil Fuels", "Nuclear Energy", "Renewables"]
    common = dict(legend=False, legend_loc="upper right", grid=True, facecolor=None, vlim=None, vlog=False,
                  invert=False, annotations=[], value_labels=False)
    bars = dict(common, title="Mean net generation and 1 more by source", xlabel="Value",
                ylabel="Source" if ylabel else "", bar_width=0.8, title_size=12, kind="barh", x=sources, nonneg=True,
                series=[dict(name="Mean net generation", values=[36478.0, 4712.0, 9660.0], err=None,
                             color="#E69F00", ls="-", marker="o", lw=2.5, labels={}),
                        dict(name="Max net generation", values=[42750.0, 5321.0, 21933.0], err=None,
                             color="#56B4E9", ls="-", marker="s", lw=2.5, labels={})])
    fossil = [35361, 35991, 36234, 36205, 36883, 37014, 41389, 42734, 38620, 42750, 39361, 37379, 34873, 35250,
              32319, 28437, 29329]
    renew = [1437, 1963, 1885, 2102, 2724, 3364, 3870, 5070, 8560, 10308, 11795, 14949, 16476, 17452, 19091, 21241,
             21933]
    nuclear = [3853, 4574, 3988, 4929, 4538, 5095, 4519, 5282, 4679, 4451, 5215, 4347, 5321, 4152, 5243, 4703, 5214]
    scatter = dict(common, title="Renewables net generation", xlabel="Fossil Fuels net generation",
                   ylabel="Renewables net generation", bar_width=0.6, title_size=11, kind="scatter",
                   clabel="Nuclear Energy net generation", as_line=False, nonneg=False, x=[],
                   series=[dict(name="Renewables net generation", x=fossil, y=renew, c=nuclear, s=None,
                                cmap="Spectral", color="#56B4E9", marker="o", lw=1.5, ls="-")])
    spec = dict(table="iowa-electricity", style="dark_background", palette=["#E69F00", "#56B4E9"], font_size=10,
                figsize=[8.0, 3.6], layout=[1, 2], suptitle="Iowa electricity", panels=[bars, scatter], edge="white")
    return codeset.pixels(codeset.draw(spec))


def test_colour_bar_labels_a_few_px_off_after_a_label_removed_are_no_range_change(judge):
    # The bars' y label removed, the figure was laid out anew: the fit on the plots' frames laid the colour bar's
    # labels right of the scatter 3 px off, and they were counted as the scatter's y tick labels changed (code set
    # 257-0006: 4 for 1).
    v = verdict(judge, draw_bars_and_colour_bar(), draw_bars_and_colour_bar(ylabel=False))
    assert [e.category for e in v.errors] == ["text_error"] and "'Source' is missing" in v.errors[0].description, \
        v.errors


def draw_temps_and_counts(*, swapped=False, dashed=False, inverted=False):
    """A line of monthly temperatures beside bars of counts, framed (the default style); ``swapped`` trades the
    two plots' places, ``dashed`` and ``inverted`` change the line plot itself."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    temps = [5.1, 6.3, 9.0, 12.4, 16.2, 19.5, 22.1, 21.7, 18.3, 13.6, 8.7, 5.9]
    fig, axs = plt.subplots(1, 2, figsize=(7.6, 3.8))
    line, bars = axs[::-1] if swapped else axs
    line.plot(months, temps, marker="o", color="#1f77b4", ls="--" if dashed else "-")
    line.set_title("Mean temperature by month")
    line.set_ylabel("Temperature")
    line.tick_params(axis="x", labelrotation=45)
    if inverted:
        line.invert_yaxis()
    bars.bar(["rain", "sun", "fog", "snow"], [152, 98, 41, 12], color="#ff7f0e")
    bars.set_title("Days by weather")
    bars.set_ylabel("Count")
    fig.suptitle("Weather")
    fig.tight_layout()
    return figure_rgb(fig)


def test_swapped_plots_are_compared_with_each_other_for_their_own_changes(judge):
    # Once two plots are found traded, the comparison stopped there: a change inside a traded plot went unseen
    # (code set 233-0040-multi: an inverted axis and a range lost, 2 for 6). Their cells are traded back and
    # compared; a plain trade stays one finding.
    plain = verdict(judge, draw_temps_and_counts(), draw_temps_and_counts(swapped=True))
    assert_only(plain, "structure_error", 2, "are in each other's places")
    v = verdict(judge, draw_temps_and_counts(), draw_temps_and_counts(swapped=True, inverted=True))
    assert sorted(e.category for e in v.errors) == ["data_error", "structure_error"], v.errors
    inverted = next(e for e in v.errors if e.category == "data_error")
    assert "inverted" in inverted.description, v.errors
    assert inverted.bbox[0] > 0.45 * 760, v.errors  # boxed where the line plot stands in the candidate (right)
    dashed = verdict(judge, draw_temps_and_counts(), draw_temps_and_counts(swapped=True, dashed=True))
    assert sorted(e.category for e in dashed.errors) == ["structure_error", "style_error"], dashed.errors


def draw_generation(*, shuffled=False):
    """Horizontal bars with their values at their ends (``bar_label``), as the code set draws them."""
    years = [str(y) for y in range(2003, 2011)]
    values = np.array([3988, 4929, 4538, 5095, 4519, 5282, 4679, 4451], float)
    if shuffled:
        values = values[[4, 0, 1, 6, 3, 2, 7, 5]]
    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    bars = ax.barh(years, values, color="tab:blue", height=0.7)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values], padding=2, fontsize=9)
    ax.set_xlim(0, 6000)
    ax.set_title("Net generation by year")
    return figure_rgb(fig)


def test_bars_with_value_labels_changed_are_a_data_change_not_a_legend_moved(judge):
    # Each label moved with its bar's end, the bar's colour on its left in both places: it looked like a legend
    # entry with its swatch, the legend was said moved and both places explained, and the bars' new lengths went
    # unsaid. The labels that changed with the bars follow the data finding.
    v = verdict(judge, draw_generation(), draw_generation(shuffled=True))
    assert any(e.category == "data_error" and "blue" in e.description for e in v.errors), v.errors
    assert not any("legend" in e.description or e.category == "text_error" for e in v.errors), v.errors


def tinted_grid(layout=(2, 2), *, pie_as_bars=False, dpi=100, wspace=0.7):
    """A spineless tinted style (seaborn's dark) with bars, a colour-mapped scatter, lines and a pie, laid out so
    that each plot area takes under a tenth of the figure."""
    with plt.style.context("seaborn-v0_8-dark"):
        fig, axes = plt.subplots(*layout, figsize=(8, 6.4))
        axes = np.ravel(axes)
        x = np.arange(3)
        axes[0].bar(x - 0.2, [28, 4, 2], 0.4, label="min")
        axes[0].bar(x + 0.2, [36, 5, 10], 0.4, label="mean")
        axes[0].set_xticks(x, ["Fossil", "Nuclear", "Renew"])
        axes[0].set_title("Net generation")
        axes[0].legend()
        rng = np.random.default_rng(1)
        dots = axes[1].scatter(rng.uniform(0, 20, 30), rng.uniform(3, 6, 30), c=rng.uniform(0, 1, 30), cmap="coolwarm",
                               marker="^")
        fig.colorbar(dots, ax=axes[1], label="Fossil fuels")
        axes[1].set_title("Nuclear vs renewables")
        axes[1].set_xlabel("Renewables")
        axes[2].plot(x, [36, 5, 10], marker="s", label="mean")
        axes[2].plot(x, [42, 5, 22], label="max")
        axes[2].set_title("Mean and max")
        axes[2].legend()
        if pie_as_bars:
            axes[3].bar(["Fossil", "Nuclear", "Renew"], [55, 15, 30])
        else:
            axes[3].pie([55, 15, 30], labels=["Fossil", "Nuclear", "Renew"])
        axes[3].set_title("Share, 2015")
        fig.suptitle("Iowa electricity")
        fig.subplots_adjust(left=0.1, right=0.85, bottom=0.1, top=0.88, wspace=wspace, hspace=0.7)
        return figure_rgb(fig, dpi=dpi)


@pytest.fixture(scope="module")
def grid_ref():
    return tinted_grid()


def test_tinted_subplots_of_a_grid_are_read_as_plot_areas(grid_ref):
    frames = geo.axes_frames(grid_ref)  # (the pie draws no plot area)
    assert len(frames) == 3 and geo.grid_shape(frames) == (2, 2), frames
    assert all((b[2] - b[0]) * (b[3] - b[1]) < 0.1 * grid_ref.shape[0] * grid_ref.shape[1] for b in frames)


@pytest.mark.parametrize("dpi", [72, 150])
def test_tinted_grid_at_another_resolution_is_clean(judge, grid_ref, dpi):
    assert verdict(judge, grid_ref, tinted_grid(dpi=dpi)).errors == []


def test_tinted_subplots_squeezed_into_one_row_are_one_arrangement_finding(judge, grid_ref):
    v = verdict(judge, grid_ref, tinted_grid((1, 4)))
    assert_only(v, "structure_error", 2, "instead of 2x2")


def test_pie_drawn_as_bars_with_the_other_plots_relaid_is_one_chart_type_finding(judge, grid_ref):
    # The new bar plot widens the column gaps: every plot moves a little, none is a subplot of its own.
    v = verdict(judge, grid_ref, tinted_grid(pie_as_bars=True, wspace=0.45))
    assert_only(v, "structure_error", 3, "pie is drawn as another kind of chart")


def weather_scatter(*, as_line=False, size=30):
    """Wind against precipitation, coloured by temperature: half the days dry, their markers heaped on x = 0."""
    rng = np.random.default_rng(3)
    rain = np.concatenate([rng.uniform(0, 0.6, 60), rng.uniform(0, 32, 50)])
    wind, temp = rng.uniform(0.5, 7.5, 110), rng.uniform(0, 30, 110)
    fig, ax = plt.subplots(figsize=(5, 4))
    if as_line:
        ax.plot(rain, wind, color="tab:orange")
    else:
        ax.scatter(rain, wind, c=temp, cmap="YlGnBu", s=size)
    ax.set_xlabel("Precipitation")
    ax.set_ylabel("Wind")
    ax.set_title("Wind vs precipitation")
    return figure_rgb(fig)


@pytest.mark.parametrize("size", [12, 30])
def test_dense_colour_mapped_scatter_drawn_as_a_line_is_one_chart_type_finding(judge, size):
    # Heaps of overlapping markers and markers too large for small blobs are still separate points.
    v = verdict(judge, weather_scatter(size=size), weather_scatter(as_line=True))
    assert_only(v, "structure_error", 3, "lines instead of separate points")


def riot_bars(*, male=False):
    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    x = np.arange(4)
    if male:  # a second series ten times larger: the range widens and the first series' bars shrink and narrow
        ax.bar(x - 0.15, [5, 1, 1, 0], 0.3, color="#e41a1c", label="Female")
        ax.bar(x + 0.15, [23, 18, 13, 2], 0.3, color="#377eb8", label="Male")
    else:
        ax.bar(x, [5, 1, 1, 0], 0.6, color="#e41a1c", label="Female")
    ax.set_xticks(x, ["Black", "Latino", "White", "Asian"])
    ax.set_ylabel("Count")
    ax.set_title("Records by race")
    ax.legend(loc="lower right")
    ax.grid(True)
    return figure_rgb(fig)


def test_series_added_on_a_wider_range_leaves_the_first_one_drawn(judge):
    v = verdict(judge, riot_bars(), riot_bars(male=True))
    assert not any("missing" in e.description for e in v.errors), v.errors
    assert any(e.category == "data_error" for e in v.errors) and v.severity_sum <= 3, v.errors


def month_bars(loc):
    fig, ax = plt.subplots(figsize=(8, 4.4))
    y = np.arange(6)
    ax.barh(y - 0.18, [58, 60, 62, 62, 62, 60], 0.36, color="#e69f00", label="Mean temp")
    ax.barh(y + 0.18, [66, 70, 71, 72, 72, 70], 0.36, color="#56b4e9", label="Max temp")
    ax.set_yticks(y, ["May", "Jun", "Jul", "Aug", "Sep", "Oct"])
    ax.set_title("SF temps by month")
    ax.set_xlabel("Mean temp / Max temp")  # (the entries' words recur in the axis label, side by side)
    ax.legend(loc=loc)
    return figure_rgb(fig)


def test_see_through_legend_moved_over_other_bars_is_one_style_finding(judge):
    v = verdict(judge, month_bars("upper right"), month_bars("lower left"))
    assert_only(v, "style_error", 1, "legend")


def records(ylim=None):
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.plot(np.arange(5), [123, 123, 123, 123, 68], marker="o", color="tab:green")
    # (set above the top point, the note stands above the plot, level with the title)
    ax.annotate("peak 123", xy=(0, 123), xytext=(-30, 18), textcoords="offset points", fontsize=8)
    if ylim:
        ax.set_ylim(*ylim)
    ax.set_title("Price by month")
    ax.set_ylabel("Price")
    return figure_rgb(fig)


def test_worded_value_read_as_a_title_moves_with_its_axis(judge):
    v = verdict(judge, records(), records(ylim=(0, 190)))
    assert_only(v, "data_error", 2, "y-axis")


def price_bars(colors):
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.set_facecolor("#e5e5e5")
    x = np.arange(7)
    ax.bar(x - 0.15, [43, 40, 36, 70, 69, 91, 124], 0.3, color=colors[0], label="AMZN")
    ax.bar(x + 0.15, [84, 77, 79, 101, 107, 109, 125], 0.3, color=colors[1], label="IBM")
    ax.set_xticks(x, [str(2004 + k) for k in x])
    ax.set_ylabel("Price")
    ax.set_xlabel("Year")
    ax.set_title("Stocks: price by year and symbol")
    for side in ax.spines.values():
        side.set_visible(False)
    ax.legend(loc="upper left")
    return figure_rgb(fig)


def test_palette_change_into_a_near_shade_is_one_palette_finding(judge):
    # Dark2's green and dark orange drawn in tab10's blue and orange: the orange is near the old dark orange.
    v = verdict(judge, price_bars(("#1b9e77", "#d95f02")), price_bars(("#1f77b4", "#ff7f0e")))
    assert_only(v, "style_error", 2, "palette")


def classic_bars(values):
    with plt.style.context("classic"):  # bars outlined in black
        fig, ax = plt.subplots(figsize=(7, 4.8))
        months = ["Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        ax.bar(np.arange(10), values, 0.7, color="#1f77b4")
        ax.set_xticks(np.arange(10), months)
        ax.grid(True)
        ax.set_ylabel("Min temp")
        ax.set_title("Seattle temps: min temp by month")
        return figure_rgb(fig, own_face=True)


def test_outlined_bars_shuffled_are_one_values_finding(judge):
    temps = [40, 41.8, 46, 51.7, 55, 56.1, 51.4, 45.2, 39.7, 37.5]
    shuffled = [46, 56.1, 41.8, 45.2, 37.5, 51.4, 55, 40, 51.7, 39.7]
    v = verdict(judge, classic_bars(temps), classic_bars(shuffled))
    assert_only(v, "data_error", 2, "values differ")


def airports_pie(*, title=True, labels=("AK", "TX", "CA", "OK", "FL", "OH")):
    with plt.style.context("seaborn-v0_8-white"):
        fig, ax = plt.subplots(figsize=(7, 6.8))
        ax.pie([27, 21, 21, 10, 10, 10], labels=labels, autopct="%d%%", startangle=140,
               colors=["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"])
        if title:
            ax.set_title("Airports: records by state (top 6)")
        fig.tight_layout()
        return figure_rgb(fig)


def test_pie_grown_into_a_lost_titles_room_is_one_title_finding(judge):
    # Without its title the frameless figure lets the pie grow and move up: wedges, labels and percentages
    # moved with it; only the title is gone.
    v = verdict(judge, airports_pie(), airports_pie(title=False))
    assert [(e.category, e.severity) for e in v.errors] == [("text_error", 2)], v.errors
    assert "Airports" in v.errors[0].description, v.errors


def test_pie_grown_still_reads_a_label_changed_by_one_letter(judge):
    v = verdict(judge, airports_pie(), airports_pie(title=False, labels=("AK", "TX", "CA", "OR", "FL", "OH")))
    assert sorted(e.category for e in v.errors) == ["text_error", "text_error"], v.errors
    assert any("Airports" in e.description for e in v.errors) and any("'OK'" in e.description for e in v.errors), \
        v.errors


def employment_lines(*, ylabel=True):
    """A frameless style (no spines, no tint) with sparse y ticks, each about seven line heights apart."""
    with plt.style.context("fivethirtyeight"):
        fig, ax = plt.subplots(figsize=(7, 6.5))
        years = np.arange(2006, 2016)
        ax.plot(years, [8366, 8350, 8200, 7830, 7690, 7690, 7780, 7880, 7970, 8120], marker="o", lw=1.5,
                label="Financial")
        ax.plot(years, [5170, 5060, 4930, 4560, 4460, 4450, 4450, 4470, 4510, 4570], marker="o", lw=3,
                label="Nondurable")
        ax.set_xticks(years)
        ax.set_yticks([4000, 5000, 6000, 7000, 8000])
        ax.tick_params(labelsize=8)
        ax.annotate("max 5,170", xy=(2006, 5170), xytext=(2006.2, 5350), fontsize=8)
        if ylabel:
            ax.set_ylabel("Value")
        ax.set_xlabel("Year")
        ax.legend(loc="lower left", fontsize=8)
        ax.set_title("US employment by year", fontsize=11)
        fig.tight_layout()  # (a label gone re-lays the plot)
        return figure_rgb(fig, own_face=True)


def test_sparse_tick_labels_still_bound_a_frameless_plot(judge):
    from visual_erm.judge.embedded.chart import ChartComparer, _tick_frames
    comparer = ChartComparer()
    ref = employment_lines()
    assert len(_tick_frames(comparer._texts(comparer.analyse(ref)))) == 1
    # Its y label gone, the plot widens to the left; the plot is placed by its tick labels and only the label
    # is missing (named by its role in the plot).
    v = verdict(judge, ref, employment_lines(ylabel=False))
    assert [(e.category, e.location) for e in v.errors] == [("text_error", "y-axis label")], v.errors


def test_frameless_plot_relaid_is_placed_by_its_tick_labels():
    import cv2

    from visual_erm.judge.embedded.chart import ChartComparer, _tick_axes
    from visual_erm.judge.embedded.normalize import normalize
    from visual_erm.judge.embedded.severity import THRESHOLDS
    comparer = ChartComparer()
    ref = comparer.analyse(employment_lines())
    rn = ref["norm"]

    def laid(image):  # the candidate on the reference's work frame by its content box, as the judge first lays it
        return normalize(image, size=(rn.image.shape[1] - 16, rn.image.shape[0] - 16),
                         tolerance=int(THRESHOLDS["ink_tolerance"]), unwrap=True)

    def grey(img):
        return cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2GRAY)
    cand = comparer.analyse(employment_lines(ylabel=False))
    placed = comparer._tick_aligned(ref, rn, cand, laid(cand.image))
    assert placed is not None and len(placed.regions) == 1
    _, col, row = _tick_axes(comparer._texts(ref))[0]
    for t in (col[0], col[-1], row[0], row[-1]):  # each anchor drawn where the reference has it (within 2 px)
        x0, y0, x1, y1 = (int(round(v)) for v in t.box)
        res = cv2.matchTemplate(grey(placed.image)[y0 - 4:y1 + 4, x0 - 4:x1 + 4], grey(rn.image)[y0:y1, x0:x1],
                                cv2.TM_CCOEFF_NORMED)
        dy, dx = np.unravel_index(int(np.argmax(res)), res.shape)
        assert abs(dx - 4) <= 2 and abs(dy - 4) <= 2 and res.max() > 0.8, (t.text, dx, dy, res.max())
    same = comparer.analyse(employment_lines())  # drawn in place: no fit of its own
    assert comparer._tick_aligned(ref, rn, same, laid(same.image)) is None


def airport_counts(*, as_line=False):
    """Frameless bars with their values on top (the tallest one's level with the title), tight layout."""
    with plt.style.context("fivethirtyeight"):
        fig, ax = plt.subplots(figsize=(7.6, 5.8))
        states, counts = ["AK", "TX", "CA", "OK", "FL", "OH", "NY", "GA", "MI", "MN"], [263, 209, 205, 102, 100, 100,
                                                                                       97, 97, 94, 89]
        if as_line:
            ax.plot(states, counts, lw=2, color="#1b9e77")
        else:
            ax.bar_label(ax.bar(states, counts, 0.6, color="#1b9e77"), fontsize=8)
        ax.set_title("Airports: records by state", fontsize=12)
        ax.set_xlabel("State", fontsize=10)
        ax.set_ylabel("Count", fontsize=10)
        ax.tick_params(labelsize=9)
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


def test_bars_drawn_as_a_line_take_their_value_labels_and_category_margins(judge):
    # The value labels go with the bars (the top one read level with the title), and the category names move
    # along the axis with the line's margins (not slanted).
    v = verdict(judge, airport_counts(), airport_counts(as_line=True))
    assert_only(v, "structure_error", 3, "lines instead of vertical bars")


def dark_histogram(color="#003f5c"):
    """A histogram of dark bars touching edge to edge in Solarize_Light2's beige plot area (the code set's
    us-employment chart): drawn real, data from a fixed generator."""
    values = np.random.default_rng(7).normal(136000, 3500, 120)
    with plt.style.context("Solarize_Light2"):
        fig, ax = plt.subplots(figsize=(7, 4.8))
        ax.hist(values, bins=10, color=color, edgecolor="white")
        ax.set_title("US employment: distribution of nonfarm")
        ax.set_xlabel("Nonfarm")
        ax.set_ylabel("Count")
        return figure_rgb(fig, own_face=True)


def test_dark_histogram_recoloured_is_one_colour_finding(judge):
    ref = dark_histogram()
    assert len(geo.axes_frames(ref)) == 1  # the beige plot area; its dark bars side by side are marks
    v = verdict(judge, ref, dark_histogram(color="#ffe119"))
    assert [e.category for e in v.errors] == ["style_error"] and "yellow" in v.errors[0].description, v.errors


def monthly_temps(values=(12.1, 13.4, 15.0, 16.2, 17.9, 19.3, 21.0), ylim=None, invert=False, log=False, more=None,
                  marker="o"):
    """A line of monthly values with markers, its y range autoscaled (or set, inverted, on a log scale; ``more``:
    a second series in another colour)."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"]
    ax.plot(months, values, marker=marker, color="tab:blue", lw=2)
    if more:
        ax.plot(months, more, color="tab:orange", lw=2)
    if ylim:
        ax.set_ylim(*ylim)
    if invert:
        ax.invert_yaxis()
    if log:
        ax.set_yscale("log")
    ax.set_title("Mean temp by month")
    ax.set_ylabel("Temp")
    return figure_rgb(fig)


def test_values_that_changed_the_y_range_are_a_data_finding_not_only_a_range(judge):
    ref = monthly_temps()
    # Four of seven values wrong, the y range autoscaled to them: the marks follow no stretch of the axis.
    v = verdict(judge, ref, monthly_temps(values=(12.1, 24.0, 8.5, 16.2, 30.2, 19.3, 5.0)))
    assert [(e.category, e.severity) for e in v.errors] == [("data_error", 3)], v.errors
    assert "plotted values differ" in v.errors[0].description
    # The same values on another y range: the marks follow one stretch, and only the range is said.
    v = verdict(judge, ref, monthly_temps(ylim=(0, 40)))
    assert [e.category for e in v.errors] == ["data_error"] and "y-axis" in v.errors[0].description, v.errors
    assert "plotted values" not in v.errors[0].description
    # Inverted, on a log scale, or widened by a new series, the same values follow the axis: never 'values differ'.
    for cand in (monthly_temps(invert=True), monthly_temps(log=True),
                 monthly_temps(more=(30.5, 28.0, 26.2, 24.9, 27.3, 31.8, 33.0))):
        v = verdict(judge, ref, cand)
        assert v.errors and not any("plotted values" in e.description for e in v.errors), v.errors


def labelled_bars(values=(76.3, 68.2, 85.1, 59.7, 50.9, 64.4, 71.8, 55.2)):
    """Bars with their values printed on them (bar_label), as the code set's us-employment panels draw them."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    bars = ax.bar(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"], values, color="#66c2a5")
    ax.bar_label(bars, fmt="%.1f", fontsize=9)
    ax.set_ylim(0, 100)
    ax.set_title("Nonfarm change by month")
    return figure_rgb(fig)


def test_value_labels_follow_their_shuffled_bars(judge):
    v = verdict(judge, labelled_bars(), labelled_bars(values=(50.9, 85.1, 55.2, 76.3, 71.8, 59.7, 68.2, 64.4)))
    # Most bars changed: one data finding; the numbers on them moved or changed with them and are not text errors.
    assert [e.category for e in v.errors] == ["data_error"], v.errors


@pytest.mark.parametrize("marker", ["*", "x"])
def test_round_markers_drawn_as_thin_armed_ones_are_a_marker_finding(judge, marker):
    # A star's or a cross's arms are thinner than the line's opening keeps: no marker is found where the circles
    # stood, though the ink is there.
    v = verdict(judge, monthly_temps(), monthly_temps(marker=marker))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 1)], v.errors
    assert "markers" in v.errors[0].description



def temps_with_legend(legend=True, loc="center", n=3, lw=2.5):
    """Monthly lines crossing under an opaque legend: without it the lines show where its entries stood."""
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    months = np.arange(12)
    for k in range(n):
        ax.plot(months, 50 + 6 * np.sin((months - 3 + k) / 11 * np.pi * 2) + 1.5 * k, lw=lw,
                label=["Min temp", "Mean temp", "Max temp", "Temp range"][k])
    if legend:
        ax.legend(loc=loc, fontsize=12, framealpha=1.0)
    ax.set_title("Seattle temps by month")
    return figure_rgb(fig)


@pytest.mark.parametrize("loc, n, lw", [("center", 3, 2.5), ("upper center", 3, 2.5), ("center left", 3, 2.5)])
def test_legend_gone_over_lines_is_one_legend_finding(judge, loc, n, lw):
    # The lines drawn where an entry stood read as a glyph or two ('1', '/1'): the entry is gone with its legend,
    # not renamed.
    v = verdict(judge, temps_with_legend(loc=loc, n=n, lw=lw), temps_with_legend(False, loc=loc, n=n, lw=lw))
    assert [(e.category, e.severity) for e in v.errors] == [("text_error", 2)], v.errors
    assert "are missing" in v.errors[0].description


def test_single_entry_scatter_legend_moved_is_one_style_finding(judge):
    """A scatter legend of one entry (three markers of several sizes, coloured by a colormap) on a grey figure,
    moved from over the points to the upper right: one moved legend, not a changed series (a pale marker's
    colour is near the grey margin's; a grey run there is no swatch)."""
    rng = np.random.default_rng(3)
    x = np.concatenate([np.linspace(7000, 7800, 60), np.linspace(7800, 9000, 40)])
    y = np.concatenate([np.linspace(5420, 5860, 60), 6040 - np.abs(np.linspace(-1, 1, 40)) * 200]) + rng.normal(0, 8, 100)

    def chart(loc):
        with plt.style.context("classic"):
            fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=100)
            pts = ax.scatter(x, y, c=np.linspace(650, 900, 100), s=np.linspace(20, 60, 100), cmap="YlGnBu",
                             marker="^", edgecolors="k", label="Wholesale trade")
            fig.colorbar(pts, ax=ax, label="Mining and logging")
            ax.set_xlim(6500, 9500)
            ax.set_ylim(5400, 6100)
            ax.set_xlabel("Durable goods")
            ax.set_ylabel("Wholesale trade")
            ax.legend(loc=loc, fontsize=10, handlelength=1.2, borderaxespad=0.3, handletextpad=0.4)
            return figure_rgb(fig, own_face=True)  # (the legend's markers one line height from the grey margin)
    v = only(verdict(judge, chart("lower left"), chart("upper right")), ["style_error"])
    assert "legend" in v.errors[0].description


def test_grid_removed_under_markers_read_as_letters_is_one_style_finding(judge):
    """Orange markers sitting on the white grid lines of a dark figure read as 'e' where the lines cross them;
    the grid removed changes those readings, which are marks, not lost annotations."""
    rng = np.random.default_rng(5)
    lat = np.round(rng.uniform(33.8, 34.3, 45), 2)
    lon = rng.choice([-118.2, -118.3, -118.3, -118.4], 45)
    lat[:4] = [33.9, 34.0, 34.1, 34.2]  # on vertical grid lines too

    def chart(grid):
        with plt.style.context("dark_background"):
            fig, ax = plt.subplots(figsize=(7, 4.8), dpi=100)
            ax.scatter(lat, lon, s=30, color="orange", alpha=0.8)
            ax.set_title("LA riots: longitude vs latitude")
            ax.set_xlabel("Latitude")
            ax.set_ylabel("Longitude")
            ax.grid(grid)
            return figure_rgb(fig, own_face=True)
    v = only(verdict(judge, chart(True), chart(False)), ["style_error"])
    assert "grid" in v.errors[0].description


def _codeset():
    """benchmarks/chart_codeset.py, whose ``draw`` turns a chart spec into a real matplotlib figure."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "chart_codeset.py"
    spec = importlib.util.spec_from_file_location("chart_codeset_for_tests", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_frameless_grid_of_plots_at_150_dpi_is_equivalent(judge):
    """A fivethirtyeight 2x2 figure (frameless plots, one with a grid) saved at 150 dpi: the one plot frame found
    fits the candidate a little wider in x than in y, which slid every label on the right half off its place
    (14 for 0). A fit that stretches one axis against the reference's is kept only when it lays more in place."""
    codeset = _codeset()
    rng = np.random.default_rng(1)

    def panel(kind, title, xlabel, ylabel, x, series, **kw):
        return dict(dict(title=title, xlabel=xlabel, ylabel=ylabel, legend=False, legend_loc="upper left", grid=False,
                         facecolor=None, vlim=None, vlog=False, invert=False, bar_width=0.8, annotations=[],
                         value_labels=False, title_size=12, kind=kind, x=x, series=series, nonneg=True), **kw)

    def line(name, values, color, **kw):
        return dict(dict(name=name, values=values, err=None, color=color, ls="-", marker=None, lw=2.0, labels={}), **kw)
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    tmax = [56.2, 58.6, 61.3, 64.3, 66.4, 69.7, 70.4, 72.2, 72.2, 70.6, 65.0, 57.5]
    spec = dict(style="fivethirtyeight", palette=["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"], font_size=10,
                figsize=[8.0, 7.0], layout=[2, 2], suptitle="", edge="white", panels=[
                    panel("barh", "Min temp and mean temp by month", "Min temp / Mean temp", "Month", months[4:10], [
                        line("Min temp", [51.4, 53.7, 55.4, 56.6, 56.4, 53.4], "#1f77b4", marker="o"),
                        line("Mean temp", [57.97, 60.44, 61.77, 62.41, 62.49, 60.25], "#ff7f0e", marker="o", lw=2.5,
                             err=[4.58, 5.01, 4.99, 4.86, 4.93, 4.61])], legend=True, title_size=11),
                    panel("bar", "Max temp by month", "Month", "Max temp", months[:10],
                          [line("Max temp", tmax[:10], "#ff7f0e", ls="--")], bar_width=0.7, value_labels=True),
                    panel("line", "Max temp by month", "Month", "Max temp", months,
                          [line("Max temp", tmax, "#2ca02c")], grid=True, title_size=11),
                    panel("box", "Temp by month", "Month", "Temp", months[2:8], [dict(
                        name="Temp", color="#d62728", lw=1.0, ls="-", marker=None,
                        data=[list(np.round(rng.normal(m, 4.5, 300), 1)) for m in (53, 54, 57, 60, 61, 62)])],
                          nonneg=False)])
    fig = codeset.draw(spec)
    ref = codeset.pixels(fig)
    with codeset.styled(spec):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150, facecolor=fig.get_facecolor())
    v = judge.judge(ref, load_image(buf.getvalue()), task="chart")
    assert v.severity_sum <= 1, v.errors


def test_range_narrowed_under_boxed_texts_is_a_y_range_finding(judge):
    """Two texts in boxes placed in data units (the gallery's 'spam' and 'eggs'); the y range narrowed to 0.7
    moves them up but keeps their size. The marks are those boxes: that they follow no stretch of the axis is no
    sign of changed values, and the x axis, unchanged, is not said. (The plot frame fits the candidate as the
    reference, though the box now sticking out above grows its content box.)"""
    def chart(top):
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        ax.text(0.55, 0.6, "spam", size=50, rotation=-25, ha="right", va="top",
                bbox=dict(boxstyle="square", ec=(1, 0.5, 0.5), fc=(1, 0.8, 0.8)))
        ax.text(0.6, 0.7, "eggs", size=50, rotation=30, ha="center", va="center",
                bbox=dict(boxstyle="round", ec=(1, 0.5, 0.5), fc=(1, 0.8, 0.8)))
        ax.set_ylim(0, top)
        return figure_rgb(fig)
    v = verdict(judge, chart(1.0), chart(0.7))
    assert any(e.location.endswith("y-axis tick labels") and e.category == "data_error" for e in v.errors), v.errors
    assert not any("plotted values" in e.description or "x-axis" in e.location or "x- and y-axis" in e.description
                   for e in v.errors), v.errors


def _frameless_dark_histogram(color="#003f5c", invert=False):
    """A fivethirtyeight histogram (no spines; the plot area is the figure's grey) of dark bars in two groups."""
    rng = np.random.default_rng(4)
    vals = np.concatenate([rng.uniform(1500, 6000, 25), rng.uniform(7000, 22000, 9), rng.uniform(28000, 42000, 17)])
    with plt.style.context(["fivethirtyeight", {"font.size": 9, "xtick.labelsize": 8, "ytick.labelsize": 8,
                                                "axes.titlesize": 10, "axes.labelsize": 9}]):
        fig, ax = plt.subplots(figsize=(7.6, 5.2), dpi=100, layout="constrained")
        ax.hist(vals, bins=8, color=color, edgecolor="white", alpha=0.85)
        ax.set_title("Iowa electricity: distribution of net generation")
        ax.set_xlabel("Net generation")
        ax.set_ylabel("Count")
        if invert:
            ax.invert_yaxis()
        return figure_rgb(fig, own_face=True)


@pytest.mark.parametrize("change, category", [("recolour", "style_error"), ("invert", "data_error")])
def test_dark_bars_of_a_frameless_plot_are_marks_not_a_plot_area(judge, change, category):
    # The dark bars standing together were found as a filled plot area (no light frame holds them): recoloured,
    # the 'plot area' went (3) and its 'background' changed; inverted, the same, and the tick labels, loose text
    # with no plot area to belong to, were said missing.
    cand = _frameless_dark_histogram("#ffe119") if change == "recolour" else _frameless_dark_histogram(invert=True)
    only(verdict(judge, _frameless_dark_histogram(), cand), [category])


def test_worded_value_read_in_pieces_goes_with_bars_stacked_anew(judge):
    # 'max 4.40' over the bar it marks, read as 'max' and '4.40': grouped bars stacked, the annotation moved with
    # its bar (its arrow pointing at the new top). One structure finding, no lost legend or annotations.
    names = ["sun", "fog", "rain", "drizzle", "snow"]
    wind, prec, temp = [3.0, 3.45, 3.67, 2.42, 4.40], [0.33, 6.45, 5.08, 0.02, 9.05], [9.28, 8.03, 6.59, 7.15, 0.4]

    def chart(stacked):
        with plt.style.context("ggplot"):
            fig, ax = plt.subplots(figsize=(7.6, 5.7), dpi=100)
            x = np.arange(5)
            bottom = np.zeros(5)
            for k, (v, c, n) in enumerate(((wind, "#e41a1c", "Wind"), (prec, "#377eb8", "Precipitation"),
                                           (temp, "#4daf4a", "Temp min"))):
                if stacked:
                    ax.bar(x, v, 0.6, bottom=bottom, color=c, label=n)
                    bottom = bottom + v
                else:
                    ax.bar(x + (k - 1) * 0.2, v, 0.2, color=c, label=n)
            ax.annotate("max 4.40", xy=(4 if stacked else 3.8, 4.40), xytext=(-30, -30), textcoords="offset points",
                        arrowprops=dict(arrowstyle="->", color="white"))
            ax.set_xticks(x, names)
            ax.set_title("Seattle weather: mean wind and 2 more by weather")
            ax.set_xlabel("Weather")
            ax.set_ylabel("Value")
            ax.legend(loc="lower right")
            return figure_rgb(fig)
    only(verdict(judge, chart(False), chart(True)), ["structure_error"])


def test_worded_value_with_other_words_is_said_beside_changed_values(judge):
    # Values changed (a data finding) and the annotation 'high 56.1' reads 'low 56.1' in its place: its number
    # kept, its words changed, so it is no value label that moved with the data.
    def chart(values, word):
        fig, ax = plt.subplots(figsize=(7.6, 5.2), dpi=100)
        months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"]
        ax.plot(months, values, marker="o", color="#1f3b73", lw=2, label="Min temp")
        ax.plot(months, [58, 59, 61, 62, 64, 65, 66], color="tab:orange", lw=2, label="Mean temp")
        ax.set_ylim(40, 70)
        ax.annotate(f"{word} 56.1", xy=(6, 56.1), xytext=(-20, 25), textcoords="offset points", ha="center",
                    arrowprops=dict(arrowstyle="->"))
        ax.set_title("Seattle temps by month")
        return figure_rgb(fig)
    v = verdict(judge, chart([42, 45.8, 46.9, 48.7, 51.4, 53.7, 56.1], "high"),
                chart([42, 47.5, 44.0, 50.9, 49.2, 53.7, 56.1], "low"))
    assert any(e.category == "data_error" for e in v.errors), v.errors
    assert any(e.category == "text_error" and "low 56.1" in e.description for e in v.errors), v.errors


def draw_airports(rows=2, cols=2, *, dpi=100):
    """Four frameless plots (fivethirtyeight: no spines, plot areas read from tick labels) of airport-like data,
    one with a grid, as code set 193-0028 draws them."""
    rng = np.random.default_rng(3)
    lat = np.concatenate([rng.normal(39, 5, 900), rng.normal(61, 4, 120)])
    lon = rng.uniform(-165, -70, 200)
    with plt.style.context("fivethirtyeight"):
        fig, axs = plt.subplots(rows, cols, figsize=(8, 6.4))
        a, b, c, d = axs.flat
        a.hist(lat, bins=15, edgecolor="black", color="#4c72b0")
        a.set_title("Distribution of latitude", fontsize=12)
        a.set_xlabel("Latitude", fontsize=10)
        b.scatter(lon, rng.uniform(18, 70, 200), color="#dd8452", alpha=0.8)
        b.set_title("Latitude vs longitude", fontsize=12)
        b.set_xlabel("Longitude", fontsize=10)
        c.step(STATES, RECORDS, color="#55a868", lw=2)
        c.set_title("Records by state", fontsize=11)
        d.plot(STATES, RECORDS, marker="o", color="#c44e52", lw=2)
        d.set_title("Records by state", fontsize=11)
        for ax in (a, b, d):  # (a grid whose lines meet on all four sides reads as a light frame)
            ax.grid(False)
        for ax in axs.flat:
            ax.tick_params(labelsize=9)
        fig.tight_layout()
        return figure_rgb(fig, dpi=dpi, own_face=True)


def test_frameless_plots_laid_out_in_one_row_are_one_layout_finding(judge):
    # No spines to read: the reference's plot areas come from its tick labels. Before, the candidate was assumed
    # to keep the reference's places, so the four plots re-drawn side by side read as a dozen changed series,
    # ranges and labels (code set 193-0028: 26 for 2). The candidate's own tick labels now show the new layout.
    v = verdict(judge, draw_airports(), draw_airports(1, 4))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 2)], v.errors
    assert "laid out otherwise" in v.errors[0].description or "arranged 1x4" in v.errors[0].description, v.errors


def test_frameless_plots_at_another_resolution_keep_their_layout(judge):
    # Every plot area differs at another dpi only by resampling, below the share that reads the layout anew.
    v = verdict(judge, draw_airports(), draw_airports(dpi=150))
    assert v.severity_sum <= 1, v.errors


def draw_stacked_sources(*, fossil=True):
    """Stacked bars of net generation by source on a fivethirtyeight grid (the grid shows between the bars)."""
    years = [str(y) for y in range(2002, 2010)]
    fossil_v = np.array([36, 36.5, 36.3, 37, 37.1, 41.5, 42.6, 38.6]) * 1000
    nuclear = np.array([4.5, 4.2, 4.9, 4.6, 5.0, 4.4, 5.4, 4.7]) * 1000
    renew = np.array([2.1, 1.9, 2.2, 2.6, 3.3, 3.9, 5.1, 8.6]) * 1000
    with plt.style.context("fivethirtyeight"):
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        bottom = np.zeros(8)
        for name, vals, color in (("Fossil Fuels", fossil_v, "#d95f02"), ("Nuclear Energy", nuclear, "#7570b3"),
                                  ("Renewables", renew, "#e7298a")):
            if name == "Fossil Fuels" and not fossil:
                continue
            ax.bar(years, vals, bottom=bottom, color=color, width=0.7, label=name)
            bottom += vals
        ax.legend(loc="lower left", fontsize=10)
        ax.set_title("Net generation by year and source", fontsize=12)
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


def test_grid_bared_by_a_stacked_series_gone_is_no_grid_change(judge):
    # The bottom series gone, the bars shrink and the y-axis rescales: the grid lines move with the new ticks
    # and show along more of their length. Their count changed, but both plots draw a grid (code set
    # 193-0031: 'has grid lines' beside the series gone).
    v = verdict(judge, draw_stacked_sources(), draw_stacked_sources(fossil=False))
    assert any(e.category == "data_error" and "missing" in e.description for e in v.errors), v.errors
    assert not any("grid" in e.description for e in v.errors), v.errors


def draw_seattle_pair(rows=1, cols=2):
    """A frameless histogram and a line with error bars, side by side or stacked (code set 225-0003)."""
    rng = np.random.default_rng(5)
    months = ["Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    mean = np.array([46, 49.7, 55.2, 60, 64.9, 65.1, 60.2, 52.2, 45.2, 40.5])
    with plt.style.context("fivethirtyeight"):
        fig, (a, b) = plt.subplots(rows, cols, figsize=(7.6, 4.4))
        a.hist(rng.gamma(4, 4, 1500) + 38, bins=25, color="#e41a1c", edgecolor="black", lw=0.5)
        a.set_title("Distribution of temp", fontsize=12)
        a.set_xlabel("Temp", fontsize=10)
        a.set_ylabel("Count", fontsize=10)
        b.errorbar(months, mean, yerr=4, marker="s", color="#377eb8", capsize=3)
        b.set_title("Mean temp by month", fontsize=12)
        b.set_xlabel("Month", fontsize=10)
        b.set_ylabel("Mean temp", fontsize=10)
        a.grid(False)
        b.grid(axis="x")  # (outer grid lines closing a rectangle read as a light frame: no longer frameless)
        for ax in (a, b):
            ax.tick_params(labelsize=9)
        fig.suptitle("Seattle temps", fontsize=12)
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


def test_frameless_plots_stacked_instead_of_side_by_side_are_one_layout_finding(judge):
    # Stacked, the two plots' y labels line up in one right-aligned run at two spacings; read as one uneven
    # column they bounded no plot, so the candidate's layout went unread (code set 225-0003: 20 for 2).
    v = verdict(judge, draw_seattle_pair(), draw_seattle_pair(2, 1))
    assert_only(v, "structure_error", 2, "arranged 2x1 instead of 1x2")


def draw_stocks_pair(rows=1, cols=2):
    """A frameless line with diamonds and a scatter of triangles, side by side or stacked; stacked, each plot is
    short enough to show two y tick labels (code set 233-0008)."""
    rng = np.random.default_rng(3)
    years = np.arange(2000, 2011)
    price = [29.7, 25.3, 21.8, 20.9, 22.6, 23.8, 24.7, 29.2, 25.2, 22.8, 28.5]
    msft = rng.normal(25, 5, 120)
    with plt.style.context("fivethirtyeight"):
        fig, (a, b) = plt.subplots(rows, cols, figsize=(7.6, 4.0))
        a.plot(years, price, marker="D", color="#e69f00", lw=1.5)
        a.set_title("Price by year and symbol", fontsize=11)
        a.set_xlabel("Year", fontsize=9)
        a.set_ylabel("Price", fontsize=9)
        a.set_xticks(years)
        b.scatter(msft, np.clip(3 * msft + rng.normal(10, 15, 120), 45, 135), marker="^", color="#56b4e9", s=18)
        b.set_title("IBM price vs MSFT price", fontsize=11)
        b.set_xlabel("MSFT price", fontsize=9)
        b.set_ylabel("IBM price", fontsize=9)
        for ax in (a, b):
            ax.grid(False)
            ax.tick_params(labelsize=11)
        if cols == 2:
            a.tick_params(axis="x", labelrotation=30)
        fig.suptitle("Stocks", fontsize=11)
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


def test_frameless_plots_stacked_with_two_y_ticks_each_are_one_layout_finding(judge):
    # Stacked, each plot showed two y tick labels: no column of three bounded a plot, so the candidate's layout
    # went unread and a line was judged against a scatter (code set 233-0008: 14 for 2).
    ref, cand = draw_stocks_pair(), draw_stocks_pair(2, 1)
    v = verdict(judge, ref, cand)
    assert_only(v, "structure_error", 2, "arranged 2x1 instead of 1x2")


def draw_monthly_stack(loc="lower right", *, frameon=True):
    """Stacked monthly bars, the legend drawn over the bars (see-through frame, or none)."""
    months = ["Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
    low = np.array([48.9, 49.5, 51.7, 53.8, 55.4, 56.8, 56.6, 53.4])
    mean = np.array([53.9, 55.4, 57.7, 60.3, 61.9, 62.1, 62.5, 60.3])
    top = np.array([61.3, 64.3, 66.4, 69.7, 70.4, 72.2, 72.2, 70.6])
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.bar(months, low, color="#984ea3", label="Manufacturing")
    ax.bar(months, mean, bottom=low, color="#ff7f00", label="Government")
    ax.bar(months, top, bottom=low + mean, color="#a65628", label="Trade transportation utilities")
    ax.legend(loc=loc, frameon=frameon, fontsize=9)
    ax.set_title("Mean manufacturing and 2 more by month")
    ax.set_ylabel("Value")
    fig.tight_layout()
    return figure_rgb(fig)


@pytest.mark.parametrize("frameon", [True, False], ids=["see-through", "frameless"])
def test_legend_moved_over_bars_of_other_colours_is_one_style_finding(judge, frameon):
    # The legend lies over bars in both places: its words read in pieces, its swatches vanish on bars of their
    # colour and grey levels match nowhere, so the old place read as changed series and lost words (code sets
    # 193-0027: 8 for 1; 225-0035: 10 for 1). Glyph strokes against what lies around them still match.
    v = verdict(judge, draw_monthly_stack(frameon=frameon), draw_monthly_stack("upper left", frameon=frameon))
    assert_only(v, "style_error", 1, "legend")


def draw_records_labelled(*, upright=False):
    """Records by state as bars with their values at their ends (``bar_label``), lying or upright."""
    states, records = ["TX", "CA", "OK", "FL", "OH", "NY", "GA", "MI"], [209, 205, 102, 100, 100, 97, 97, 94]
    with plt.style.context("Solarize_Light2"):
        fig, ax = plt.subplots(figsize=(7, 4.3))
        bars = (ax.bar if upright else ax.barh)(states, records, color="#003f5c")
        ax.bar_label(bars, labels=[f"{v:.0f}" if v >= 100 else f"{v:.1f}" for v in records], padding=2, fontsize=9)
        ax.set_title("Airports: records by state")
        (ax.set_ylabel if upright else ax.set_xlabel)("Count")
        (ax.set_xlabel if upright else ax.set_ylabel)("State")
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


def test_labelled_bars_turned_upright_are_one_chart_type_finding(judge):
    # The value labels at the bars' ends, read as changed text, leave their boxes out of the data masks and cut
    # the upright bars into shapes of no kind; the axes' texts traded places were listed instead (code set
    # 225-0023: 10 for 3). Whole, the bars tell their kind.
    v = verdict(judge, draw_records_labelled(), draw_records_labelled(upright=True))
    assert any(e.category == "structure_error" and "vertical bars instead of horizontal bars" in e.description
               for e in v.errors), v.errors
    assert v.severity_sum <= 4, v.errors


def _title_strip(text, dx=0.0):
    """A long title drawn alone, ``dx`` px off (a fraction of a pixel), as a grey array."""
    fig = plt.figure(figsize=(6.0, 0.4), dpi=100)
    fig.text(0.5 + dx / 600.0, 0.5, text, ha="center", va="center", fontsize=12)
    return np.ascontiguousarray(figure_rgb(fig)[..., 0])


def test_a_line_moved_by_a_fraction_of_a_pixel_matches_laid_off_by_as_much():
    # A title re-centred over a plot that moved by less than a pixel is anti-aliased otherwise along all its
    # length: it correlated 0.85 with itself, under the 0.90 at which a long line is unchanged, and a crop misread
    # was reported as a typo (code set 225-0001). Laid a quarter or half pixel off, the reference matches; a
    # changed letter still stands out in its glyph-wide window.
    import cv2

    from visual_erm.judge.embedded.chart import _subpixel_match, _worst_glyph_ncc
    title = "Seattle weather: precipitation by year and weather"
    ref = _title_strip(title)
    ys, xs = np.nonzero(ref < 200)
    box = np.s_[ys.min() - 2:ys.max() + 3, xs.min() - 2:xs.max() + 3]
    tpl = ref[box]
    moved = _title_strip(title, dx=0.45)[box]
    plain = float(cv2.matchTemplate(moved, tpl, cv2.TM_CCOEFF_NORMED)[0, 0])
    score, laid = _subpixel_match(tpl, moved)
    assert score > plain and score >= 0.95, (plain, score)
    assert _worst_glyph_ncc(laid, moved) >= 0.85
    typo = _title_strip("Seattle weather: precipitatiom by year and weather", dx=0.45)[box]
    score, laid = _subpixel_match(tpl, typo)
    assert _worst_glyph_ncc(laid, typo) < 0.85


def draw_generation_stack(*, fossil=True):
    """Stacked yearly bars, the tallest running up under the legend at the upper right."""
    years = [str(y) for y in range(2003, 2011)]
    parts = [("Fossil Fuels", "#d95f02", [36.2, 36.4, 37.0, 37.1, 41.5, 42.6, 38.6, 41.0]),
             ("Nuclear Energy", "#7570b3", [4.0, 4.9, 4.6, 5.1, 4.6, 5.3, 4.7, 4.5]),
             ("Renewables", "#e7298a", [1.9, 2.1, 2.7, 3.4, 3.9, 5.1, 8.6, 10.3])]
    fig, ax = plt.subplots(figsize=(4.4, 3.4))
    bottom = np.zeros(len(years))
    for name, color, vals in parts:
        if name == "Fossil Fuels" and not fossil:
            continue
        ax.bar(years, np.array(vals) * 1000, bottom=bottom, color=color, label=name)
        bottom += np.array(vals) * 1000
    ax.legend(loc="upper right")
    ax.set_title("Net generation by year and source", fontsize=11)
    ax.set_ylabel("Net generation")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return figure_rgb(fig)


def test_stacked_series_gone_under_a_legend_is_one_finding_named_by_its_swatch(judge):
    # The bottom series gone, the axis rescales and the legend loses its first entry, the others moving up a
    # line. The bars reaching up under the legend (explained by the entries read otherwise) were cut off where
    # the marks' span was measured, so the axis was not taken to follow the data: 4 findings for 1 (code set
    # 193-0017). The series is named by its own swatch's entry, not by the line gone from the legend's end.
    v = verdict(judge, draw_generation_stack(), draw_generation_stack(fossil=False))
    assert_only(v, "data_error", 3, "('Fossil Fuels' in its legend) is missing")


def draw_riots(*, joined=False):
    """Points on a dark figure with a white grid (dark_background), or the same points joined into a line."""
    rng = np.random.default_rng(11)
    lat = np.sort(np.round(rng.uniform(33.79, 34.29, 45), 2))
    lon = np.round(rng.choice([-118.2, -118.3, -118.3, -118.4, -118.1, -118.5, -117.7, -118.0], 45), 1)
    with plt.style.context("dark_background"):
        fig, ax = plt.subplots(figsize=(7, 4.8))
        if joined:
            ax.plot(lat, lon, color="#e8a000", lw=1.5)
        else:
            ax.scatter(lat, lon, color="#e8a000", alpha=0.8, s=30)
        ax.grid(True)
        ax.set_title("LA riots: longitude vs latitude")
        ax.set_xlabel("Latitude")
        ax.set_ylabel("Longitude")
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


def test_points_joined_into_a_line_on_a_dark_figure_with_a_grid_is_one_type_finding(judge):
    # The white grid lines' anti-aliased edges are greys darker than the light greys left out of the data, so on
    # a dark figure they were data: neither image's marks were mostly points or lines, and the points joined
    # read as a changed series and two new ones (code set 201-0003: 11 for 3). Every grey lighter than a dark
    # background is left out now.
    v = verdict(judge, draw_riots(), draw_riots(joined=True))
    assert_only(v, "structure_error", 3, "lines instead of separate points")


def draw_filled_sources(*, fossil=True):
    """Three lines each over its own see-through fill down to zero, overlapping at the bottom (code set 209-0025)."""
    years = np.arange(2001, 2013)
    fossil_v = np.array([35.4, 36.0, 36.2, 36.2, 36.9, 37.0, 41.4, 42.6, 38.6, 42.6, 39.3, 37.4]) * 1000
    nuclear = np.array([3.9, 4.6, 4.0, 4.9, 4.5, 5.0, 4.5, 5.3, 4.7, 4.5, 5.2, 4.4]) * 1000
    renew = np.array([1.4, 2.0, 1.9, 2.1, 2.7, 3.3, 3.8, 5.0, 8.6, 10.3, 11.8, 14.9]) * 1000
    fig, ax = plt.subplots(figsize=(5.6, 3.5))
    for name, vals, color, style in (("Fossil Fuels", fossil_v, "#1b9e77", dict(marker="o")),
                                     ("Nuclear Energy", nuclear, "#d95f02", dict(ls="--", lw=2.5)),
                                     ("Renewables", renew, "#7570b3", {})):
        if name == "Fossil Fuels" and not fossil:
            continue
        ax.plot(years, vals, color=color, label=name, **style)
        ax.fill_between(years, vals, color=color, alpha=0.3)
    ax.legend(loc="lower left", frameon=False)
    ax.set_title("Iowa electricity: net generation by year and source")
    ax.set_ylabel("Net generation")
    fig.tight_layout()
    return figure_rgb(fig)


def test_see_through_fill_gone_with_its_line_is_one_series(judge):
    # The line and its fill gone: the fill's tint was a second series gone, and where it lay over the other
    # fills their blend was 'recoloured' (code set 209-0025: 8 for 3). The tint is the line's colour seen
    # through the background; the blends lay right under the rest of the fill. (A legend line over the changed
    # fills may still be misread: text findings are not asserted here.)
    v = verdict(judge, draw_filled_sources(), draw_filled_sources(fossil=False))
    series = [e for e in v.errors if e.category != "text_error"]
    assert [(e.category, e.severity) for e in series] == [("data_error", 3)], v.errors
    assert "green series" in series[0].description, v.errors


def draw_temps(*, lines=False, dark=False):
    """Two series as grouped horizontal bars, or as lines with round markers (one dashed): large markers on a
    light figure, or the default ones on a dark figure with a white grid (dark_background)."""
    months = ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    mean = [60.4, 61.7, 62.4, 62.5, 60.2, 55.2]
    top = [69.7, 70.4, 72.2, 72.2, 70.6, 65.0]
    with plt.style.context("dark_background" if dark else "default"):
        fig, ax = plt.subplots(figsize=(5.6, 4.2))
        if lines:
            ms = 6 if dark else 10
            ax.plot(months, mean, marker="o", ms=ms, ls="--", color="#1f77b4")
            ax.plot(months, top, marker="o", ms=ms, color="#ff7f0e")
        else:
            y = np.arange(len(months))
            ax.barh(y - 0.18, mean, height=0.36, color="#1f77b4")
            ax.barh(y + 0.18, top, height=0.36, color="#ff7f0e")
            ax.set_yticks(y, months)
        ax.grid(dark)
        ax.set_title("SF temps: mean temp and max temp by month")
        fig.tight_layout()
        return figure_rgb(fig, own_face=dark)


def test_bars_drawn_as_lines_with_markers_one_dashed_are_one_type_finding(judge):
    # Lines with large round markers, one dashed: the markers are thick and the dashes small pieces, so neither
    # thin strokes nor filled shapes held 70% of the ink (code set 193-0008, where the dark figure's grid edges,
    # data before, had made up the thin share). Round markers on a line belong to it, and a dash is no dot.
    v = verdict(judge, draw_temps(), draw_temps(lines=True))
    assert [(e.category, e.severity) for e in v.errors if e.category != "text_error"] == [("structure_error", 3)], \
        v.errors
    assert "lines instead of horizontal bars" in v.errors[0].description, v.errors


def test_white_grid_cells_on_a_dark_figure_are_no_plot_areas(judge):
    # On a dark figure the dark gaps between white grid lines are long dark strokes: they closed into 'frames'
    # inside the plot, which the plot's own light spines then could not replace (they overlapped), so lines
    # drawn instead of bars read as a second subplot (code set 193-0008: 'the chart has 4 subplots', 3 for 6).
    for side in (560, 640, 700, 800):
        img = draw_temps(lines=True, dark=True)
        scale = side / img.shape[1]
        frames = geo.axes_frames(np.ascontiguousarray(
            Image.fromarray(img).resize((side, round(img.shape[0] * scale)), Image.LANCZOS)))
        assert len(frames) == 1, (side, frames)
    v = verdict(judge, draw_temps(dark=True), draw_temps(lines=True, dark=True))
    assert [(e.category, e.severity) for e in v.errors if e.category != "text_error"] == [("structure_error", 3)], \
        v.errors
    assert "lines instead of horizontal bars" in v.errors[0].description, v.errors


def draw_prices_dark(*, legend=True):
    """Two lines on a dark figure, their legend in a light-edged box at the lower left (dark_background)."""
    x = np.arange(2000, 2011)
    with plt.style.context("dark_background"):
        fig, ax = plt.subplots(figsize=(5.6, 3.5))
        ax.plot(x, 20 + 3 * np.sin(x / 2.0) + (x - 2000), label="Mean price", color="#8dd3c7")
        ax.plot(x, 32 + 4 * np.cos(x / 3.0) + 1.5 * (x - 2000), label="Max price", color="#feffb3")
        if legend:
            ax.legend(loc="lower left")
        ax.set_title("Stock prices by year")
        fig.tight_layout()
        return figure_rgb(fig, own_face=True)


def test_a_legend_box_on_a_dark_figure_is_no_subplot(judge):
    # The legend's light edge is a box inside the plot's light spines; once the dark strokes inside light spines
    # stopped counting as frames, it stood alone and was taken for a second plot, so the legend removed read as
    # a subplot missing (code set 201-0037: 3 for 2). Only the outermost light boxes are plot areas.
    v = verdict(judge, draw_prices_dark(), draw_prices_dark(legend=False))
    assert not any(e.category == "structure_error" for e in v.errors), v.errors
    assert any("legend" in e.description or "Mean price" in e.description for e in v.errors), v.errors


def _styled_blocks(*, drop=None, dpi=100, skip_line=None):
    """Two frameless blocks of sample lines under their own titles, each line named at its left (a style sheet
    of dashes, drawn on axes turned off)."""
    styles = [("solid", "-"), ("dotted", ":"), ("dashed", "--"), ("dashdot", "-.")]
    params = [("sparse dots", (0, (1, 8))), ("long dashes", (0, (8, 3))), ("tight dashes", (0, (4, 1))),
              ("dash dot dot", (0, (4, 2, 1, 2, 1, 2))), ("wide dashdot", (0, (6, 4, 1, 4)))]
    fig, axes = plt.subplots(2, 1, figsize=(8, 6), dpi=dpi, height_ratios=(len(styles), len(params)))
    for ax, title, rows in zip(axes, ("Plain strokes", "Patterned strokes"), (styles, params)):
        for k, (name, ls) in enumerate(rows):
            if (title, k) == skip_line:
                continue
            ax.plot([0, 10], [k, k], ls=ls, color="black", lw=1.5)
            ax.text(-0.5, k, name, ha="right", va="center")
        ax.set(xlim=(-4, 10), ylim=(len(rows) - 0.5, -0.5), title=title)
        ax.set_axis_off()
    if drop is not None:
        axes[drop].remove()
    return figure_rgb(fig, dpi=dpi)


def test_a_frameless_part_gone_whole_is_one_structure_finding(judge):
    # The block of lines under its own title is gone, the other kept where it was: one missing part, not a
    # list of missing lines and names.
    v = verdict(judge, _styled_blocks(), _styled_blocks(drop=1))
    assert [(e.category, e.severity) for e in v.errors] == [("structure_error", 3)], v.errors
    assert "Patterned strokes" in v.errors[0].description and "bottom" in v.errors[0].description, v.errors
    top = verdict(judge, _styled_blocks(), _styled_blocks(drop=0))
    assert [e.category for e in top.errors] == ["structure_error"] and "Plain strokes" in top.errors[0].description
    # One line gone with its name is no part of the figure; the same blocks at another dpi are clean.
    one = verdict(judge, _styled_blocks(), _styled_blocks(skip_line=("Patterned strokes", 2)))
    assert one.errors and all(e.category != "structure_error" for e in one.errors), one.errors
    assert verdict(judge, _styled_blocks(), _styled_blocks(dpi=150)).severity_sum <= 1


def _two_scales(style="-", *, growth=True):
    """A growth curve on the left axis and a fast wave on a twin right axis, each axis coloured as its line."""
    t = np.linspace(0, 8, 400)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    if growth:
        ax.plot(t, np.exp(t / 1.2), color="tab:red", ls=style)
    ax.set_ylabel("growth", color="tab:red")
    ax.set_xlabel("days")
    twin = ax.twinx()
    twin.plot(t, np.cos(2.5 * np.pi * t), color="tab:blue")
    twin.set_ylabel("wave", color="tab:blue")
    return figure_rgb(fig)


def test_a_thin_line_drawn_dotted_is_a_line_style_not_a_missing_series(judge):
    # Dots a pixel and a half across, crossed by another line, show only tints of the line's colour: the series
    # is still drawn.
    v = verdict(judge, _two_scales(), _two_scales(":"))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 1)], v.errors
    gone = verdict(judge, _two_scales(), _two_scales(growth=False))
    assert any(e.category == "data_error" and "missing" in e.description for e in gone.errors), gone.errors


def _formula_titled(title=True):
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(X, SALES, color="tab:blue")
    if title:
        ax.set_title(r"$\mathrm{versus} \hspace{0.4} \Delta_{i+1}^j$", fontsize=20)
    return figure_rgb(fig)


def test_a_formula_title_gone_is_one_missing_line(judge):
    # OCR reads the word and the index apart, leaving the symbol between them unread (its pieces' centres too
    # far apart to be grouped as neighbours); the symbol went too: one line.
    v = verdict(judge, _formula_titled(), _formula_titled(title=False))
    assert [(e.category, e.severity) for e in v.errors] == [("text_error", 2)], v.errors
    assert "versus" in v.errors[0].description and "1" in v.errors[0].description, v.errors


def _stacked_prices(legend_loc="upper left", *, grid=True):
    """Three stacked bar series in the fivethirtyeight style: no spines, so the plot is read from its tick
    labels and the top of the plot, above the highest tick, reads as the title's band."""
    with plt.style.context("fivethirtyeight"):
        fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=100)
        years = np.arange(2010, 2018)
        low = np.array([21, 20, 22, 24, 25, 29, 26, 23])
        mid = np.array([76, 78, 85, 77, 79, 102, 107, 110])
        top = np.array([10, 10, 18, 49, 72, 133, 139, 151])
        for vals, base, c, name in ((low, 0, "#e41a1c", "North"), (mid, low, "#377eb8", "Centre"),
                                    (top, low + mid, "#4daf4a", "South")):
            ax.bar(years, vals, 0.6, bottom=base, color=c, label=name)
        ax.set_title("Sales by year and region", fontsize=13)
        ax.grid(grid)
        ax.legend(loc=legend_loc, fontsize=10)
        return figure_rgb(fig)


def test_a_legend_above_the_top_tick_moved_is_one_style_finding(judge):
    # Its upper entries, above the highest tick label of a plot without frames, read as titles: they move with
    # the legend all the same, and the bars under its new place are no changed values.
    v = verdict(judge, _stacked_prices(), _stacked_prices("lower right"))
    assert [e.category for e in v.errors] == ["style_error"] and "legend" in v.errors[0].description, v.errors


def _classic_histogram(face="white"):
    """A histogram in the classic style (dotted black grid, grey figure), its plot face set by the caller."""
    values = np.random.default_rng(7).normal(15, 7, 900)
    with plt.style.context("classic"):
        fig, ax = plt.subplots(figsize=(6.4, 4), dpi=100)
        ax.hist(values, bins=28, color="#e5ae38", edgecolor="black")
        ax.set_facecolor(face)
        ax.grid(True)
        ax.set_title("Daily highs: distribution")
        ax.set_xlabel("Temperature")
        ax.set_ylabel("Days")
        return figure_rgb(fig)


def test_a_tinted_plot_background_is_one_style_finding_with_its_dotted_grid(judge):
    # The dotted grid's dots blend with the new face: neither a new series nor another line style.
    v = verdict(judge, _classic_histogram(), _classic_histogram("#fff0c8"))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 1)], v.errors
    assert "background" in v.errors[0].description, v.errors


def _overlapping_fills(*, lower=True):
    """Two see-through areas from zero, the lower one under the higher, each edged by a dashed line."""
    years = np.arange(2006, 2016)
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=100)
    series = [("Freight", np.array([45, 46, 45, 42, 42, 43, 44, 45, 46, 48]) * 100, "tab:red", 2.5)] if lower else []
    series.append(("Building", np.array([77, 76, 72, 60, 55, 55, 57, 59, 62, 65]) * 100, "tab:purple", 1.5))
    for name, vals, c, lw in series:
        ax.fill_between(years, 0, vals, color=c, alpha=0.3)
        ax.plot(years, vals, ls="--", color=c, lw=lw, label=name)
    ax.set_title("Mean freight and building by year")
    ax.legend(loc="lower left")
    return figure_rgb(fig)


def test_a_see_through_fill_gone_under_another_is_one_missing_series(judge):
    # The higher fill now shows alone where the two blended (it did not grow), and the blend was the gone fill's.
    v = verdict(judge, _overlapping_fills(), _overlapping_fills(lower=False))
    data = [e for e in v.errors if e.category == "data_error"]
    assert len(data) == 1 and "missing" in data[0].description and data[0].severity == 3, v.errors


def _counts_histogram(ylabel="Count"):
    values = np.random.default_rng(11).gamma(3.0, 2.0, 700)
    fig, ax = plt.subplots(figsize=(6.4, 4), dpi=100)
    ax.hist(values, bins=20, color="tab:green", orientation="horizontal")
    ax.invert_yaxis()
    ax.set_title("Staff on the payroll: distribution by month")
    ax.set_xlabel("Months")
    ax.set_ylabel(ylabel)
    return figure_rgb(fig)


def test_a_long_upright_label_read_in_pieces_is_one_reading(judge):
    # OCR reads a long rotated label in pieces; the pieces beyond the old label's place are no new texts.
    v = verdict(judge, _counts_histogram(), _counts_histogram("Trade transportation utilities"))
    labels = [e for e in v.errors if e.category == "text_error"]
    assert len(labels) == 1 and "instead of 'Count'" in labels[0].description, v.errors


def _ages_boxplot(color="#1f77b4", face="white"):
    rng = np.random.default_rng(5)
    groups = [rng.normal(m, s, n).clip(12, 90) for m, s, n in ((31, 10, 60), (25, 6, 20), (30, 9, 40), (38, 12, 30))]
    with plt.style.context("seaborn-v0_8-whitegrid"):
        fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
        parts = ax.boxplot(groups, patch_artist=True, widths=0.5)
        for box in parts["boxes"]:
            box.set(facecolor=color, edgecolor="black")
        ax.set_xticks([1, 2, 3, 4], ["North", "Harbour side", "Old town", "East"])
        ax.set_facecolor(face)
        ax.set_title("Ages by district")
        return figure_rgb(fig)


def test_boxes_recoloured_on_a_tinted_plot_leave_their_black_edges_alone(judge):
    # The black edges blend with the new fill and face at their anti-aliased pixels: no values moved.
    v = verdict(judge, _ages_boxplot(), _ages_boxplot("#ffe119", "#fff0c8"))
    assert sorted(e.category for e in v.errors) == ["style_error", "style_error"], v.errors


def _output_boxes(width=0.7):
    """Box plots of three sources, one spread wide: its tall filled box, edged in black, reads like a frame."""
    rng = np.random.default_rng(3)
    wide = np.r_[1500, np.full(9, 3000), np.linspace(3000, 16500, 20), np.full(9, 16500), 22000]
    groups = [rng.normal(37000, 2500, 40), rng.normal(4800, 400, 40), wide]
    fig, axes = plt.subplots(2, 2, figsize=(7.6, 6.4), dpi=100)
    ax = axes[0, 0]
    for k, other in enumerate(axes.flat[1:]):
        other.plot([2004, 2006, 2008, 2010], [3 + k, 5 - k, 4, 6 + k], color="tab:green")
    parts = ax.boxplot(groups, patch_artist=True, widths=width)
    for box in parts["boxes"]:
        box.set(facecolor="#e69f00", edgecolor="black")
    ax.set_xticks([1, 2, 3], ["Coal", "Nuclear", "Wind"])
    ax.set_title("Output by source")
    fig.tight_layout()
    return figure_rgb(fig)


def test_narrower_filled_boxes_are_one_width_finding_not_a_lost_inset(judge):
    # The wide box's black edges enclose one strong colour: a mark, not an inset plot with a background.
    v = verdict(judge, _output_boxes(), _output_boxes(0.3))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 1)], v.errors


def _records_grid(*, area_ls="-", legend_name="Count"):
    """benchmarks/chart_codeset.py's 2x2 seaborn-darkgrid figure of airport counts: bars with value labels and a
    legend at the lower right (its words over the last bar), a line, and an area under a line along its edge."""
    codeset = _codeset()
    states = ["AK", "TX", "CA", "OK", "FL", "OH", "NY", "GA", "MI", "MN"]
    counts = [263.0, 209.0, 205.0, 102.0, 100.0, 100.0, 97.0, 97.0, 94.0, 89.0]

    def panel(kind, title, series, **kw):
        return dict(dict(title=title, xlabel="State", ylabel="Count", legend=False, legend_loc="upper right",
                         grid=True, facecolor=None, vlim=None, vlog=False, invert=False, bar_width=0.8, annotations=[],
                         value_labels=False, title_size=12, kind=kind, x=states, series=series, nonneg=True), **kw)

    def line(name, color, **kw):
        return dict(dict(name=name, values=counts, err=None, color=color, ls="-", marker=None, lw=1.5, labels={}), **kw)
    spec = dict(style="seaborn-v0_8-darkgrid", palette=["#e41a1c", "#377eb8", "#4daf4a", "#984ea3"], font_size=11,
                figsize=[8.0, 6.4], layout=[2, 2], suptitle="", panels=[
                    panel("bar", "Records by state", [line(legend_name, "#e41a1c", marker="o")], legend=True,
                          legend_loc="lower right", value_labels=True),
                    panel("line", "Records by state", [line("Count", "#377eb8", lw=2.5)], legend=True, title_size=14),
                    panel("bar", "Records by state", [line("Count", "#4daf4a")], bar_width=0.6),
                    panel("area", "Records by state", [line("Count", "#984ea3", ls=area_ls)], grid=False)])
    return codeset.pixels(codeset.draw(spec))


def test_a_line_along_its_fill_drawn_dotted_is_a_line_style(judge):
    # The line lies along the fill's edge, darker than the fill and the ground: no fringe of the fill; its dots
    # blend with the fill, so few keep its colour, but its path lies bare between them.
    v = verdict(judge, _records_grid(), _records_grid(area_ls=":"))
    assert [(e.category, e.severity) for e in v.errors] == [("style_error", 1)], v.errors


def test_a_legend_entry_renamed_over_a_bar_is_a_text_error(judge):
    # The words lie over the last bar, so the crop's commonest colour is the bar's: not a line occluded by ink.
    # The new, longer word's first letters, read apart, continue that reading: one finding.
    v = verdict(judge, _records_grid(), _records_grid(legend_name="Latitude"))
    assert [e.category for e in v.errors] == ["text_error"] and "instead of" in v.errors[0].description, v.errors


def _energy_barh(names=("Fossil fuels", "Nuclear Energy", "Renewables")):
    fig, ax = plt.subplots(figsize=(6.4, 4), dpi=100)
    ax.barh(names, [36500, 4800, 9800], color="#66c2a5")
    ax.set_title("Net generation by source")
    fig.tight_layout()
    return figure_rgb(fig)


def test_two_category_labels_traded_are_one_finding(judge):
    # Two names of three: category names tell no range; each reads as the other's, one trade.
    v = verdict(judge, _energy_barh(), _energy_barh(("Fossil fuels", "Renewables", "Nuclear Energy")))
    assert [e.category for e in v.errors] == ["text_error"] and "other's places" in v.errors[0].description, v.errors


def _black_lengths(*, data_line=True):
    """Three black curves told apart only by their dash patterns."""
    x = np.linspace(0, 3, 120)
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.plot(x, 1 + x ** 2.7, "k--")
    if data_line:
        ax.plot(x, 1 + 19 * np.exp(-1.3 * x), "k:")
    ax.plot(x, 9 + 1.3 * (x - 1.5) ** 2 * 2.5, "k")
    ax.set_title("Lengths of the message parts")
    return figure_rgb(fig)


def test_a_line_gone_among_lines_of_its_colour_is_a_missing_series(judge):
    # No colour tells it apart, so no series check sees it gone; the residual difference is a thin path across the
    # plot with nothing drawn along it: a missing line, not a few marks.
    v = verdict(judge, _black_lengths(), _black_lengths(data_line=False))
    assert [(e.category, e.severity) for e in v.errors] == [("data_error", 3)], v.errors


def test_a_title_that_lost_a_word_is_no_minor_change(judge):
    # Every other word reads the same at one scale: a word left out, not an OCR slip.
    v = verdict(judge, draw(title="Gaussian noise with a vertical colour bar"), draw(title="noise with a vertical colour bar"))
    assert [(e.category, e.severity) for e in v.errors] == [("text_error", 2)], v.errors


def _stacked_jobs(base=True):
    """benchmarks/chart_codeset.py's 1x2 figure: lines beside three series stacked per year, the legend at the lower
    right over the bars; the base series' name is long."""
    codeset = _codeset()
    years = [str(y) for y in range(2007, 2015)]
    layers = [("Private service providing", [93548, 93406, 90190, 90111, 91805, 93833, 95783, 97837], "#bc5090"),
              ("Private", [115776, 114738, 108749, 107863, 109850, 112253, 114522, 117060], "#ffa600"),
              ("Nonfarm", [137996, 137241, 131301, 130353, 131943, 134172, 136369, 138937], "#58508d")]

    def series(name, values, color):
        return dict(name=name, values=[float(v) for v in values], err=None, color=color, ls="-", marker=None,
                    lw=1.5, labels={})

    def panel(kind, title, x, ss, legend_loc):
        return dict(title=title, xlabel="Year", ylabel="Value", legend=True, legend_loc=legend_loc, grid=kind == "line",
                    facecolor=None, vlim=None, vlog=False, invert=False, bar_width=0.8, annotations=[],
                    value_labels=False, title_size=12, kind=kind, x=x, series=ss, nonneg=True)
    spec = dict(style="default", palette=["#003f5c", "#bc5090", "#ffa600", "#58508d"], font_size=11,
                figsize=[7.6, 3.6], layout=[1, 2], suptitle="US employment", edge="white", panels=[
                    panel("line", "Mean utilities and mining", years, [
                        series("Utilities", [553, 553, 553, 554, 554, 554, 553, 554], "#003f5c"),
                        series("Mining", [772, 774, 775, 775, 776, 778, 779, 780], "#bc5090")], "upper left"),
                    panel("stacked", "Mean private service providing and 2 more", years,
                          [series(*layer) for layer in layers[0 if base else 1:]], "lower right")])
    return codeset.pixels(codeset.draw(spec))


def test_a_stack_base_gone_takes_its_legend_entry_with_it(judge):
    # The legend lost a line and was laid out anew, its words reaching past the swatched block: they follow the
    # series gone, with the axis it shrank.
    v = verdict(judge, _stacked_jobs(), _stacked_jobs(base=False))
    assert [e.category for e in v.errors if e.severity >= 2] == ["data_error"], v.errors


def test_a_candidate_crop_is_read_once_per_comparison(monkeypatch):
    # Checks of one axis's labels read the same spans; the second reading of the same pixels is the first's.
    from types import SimpleNamespace

    from visual_erm.judge.embedded import chart as chart_mod

    reads = []

    class Counting:
        def recognize(self, crop):
            reads.append(crop.shape)
            return "12", 0.99
    monkeypatch.setattr(chart_mod, "get_ocr", lambda *a, **k: Counting())
    comparer = chart_mod.ChartComparer()
    ctx = SimpleNamespace(crop_readings={})
    crop = np.full((14, 40, 3), 255, np.uint8)
    crop[3:11, 5:30] = 0
    assert comparer._read_crop(ctx, crop) == comparer._read_crop(ctx, crop[:, :].copy()) == ("12", 0.99)
    other = crop.copy()
    other[5, 35] = 0
    comparer._read_crop(ctx, other)
    assert reads == [(14, 40, 3), (14, 40, 3)]  # the same pixels once, other pixels again
    assert comparer._read_crop(SimpleNamespace(crop_readings={}), crop)[0] == "12" and len(reads) == 3  # (per comparison)
