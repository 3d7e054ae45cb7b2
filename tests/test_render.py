"""Charts and SVG render correctly, deterministically and in input order through the warm pool."""

from __future__ import annotations

import numpy as np
import pytest

from visual_erm.bench.build import sources
from visual_erm.render import RenderConfig, render, render_code, render_many
from visual_erm.render.chart import rewrite_program
from visual_erm.types import FailureKind

GALLERY = [
    "lines_bars_and_markers/bar_colors.py",
    "lines_bars_and_markers/fill_between_demo.py",
    "pie_and_polar_charts/pie_features.py",
    "subplots_axes_and_figures/subplots_demo.py",
    "statistics/histogram_multihist.py",
    "images_contours_and_fields/contour_demo.py",
]


@pytest.fixture(scope="module")
def gallery() -> dict[str, str]:
    return sources.gallery_scripts(sources.matplotlib_sdist())


def test_gallery_scripts_render(gallery):
    codes = [gallery[name] for name in GALLERY]
    results = render_many("chart", codes)
    for name, r in zip(GALLERY, results):
        assert r.ok, f"{name}: {r.failure} {r.message}"
        assert min(r.size) >= 300, (name, r.size)
        # real drawing, not a near-empty canvas
        assert (r.image < 200).any(axis=2).mean() > 0.005, name


def test_same_program_same_pixels(gallery):
    code = gallery[GALLERY[0]]
    a, b = render_many("chart", [code, code])
    assert np.array_equal(a.image, b.image)


def test_results_keep_input_order():
    codes = [f"import matplotlib.pyplot as plt\nplt.figure(figsize=({2 + i}, 2))\nplt.plot([0, 1])\n" for i in range(6)]
    codes.insert(3, "raise ValueError('boom')")
    results = render_many("chart", codes)
    widths = [r.size[0] if r.ok else None for r in results]
    assert widths == [200, 300, 400, None, 500, 600, 700]
    assert results[3].failure == FailureKind.RUNTIME and "boom" in results[3].message


def test_display_calls_are_removed_but_the_figure_is_kept():
    code = """
import matplotlib.pyplot as plt
from matplotlib import pyplot
from matplotlib.pyplot import show as display
fig, ax = plt.subplots()
ax.bar([1, 2, 3], [3, 1, 2], color='red')
fig.savefig('out.png')
pyplot.show()
display()
plt.close(fig)
plt.close('all')
"""
    r = render("chart", f"Here you go:\n```python\n{code}```\nDone.")
    assert r.ok, r.message
    red = (r.image[:, :, 0] > 200) & (r.image[:, :, 1] < 60) & (r.image[:, :, 2] < 60)
    assert red.sum() > 2000


def test_rewrite_leaves_axes_clear_alone():
    tree = rewrite_program("ax.cla()\nplt.clf()\nfig.savefig('a')\n")
    import ast

    src = ast.unparse(tree)
    assert "ax.cla()" in src and "savefig" not in src and "clf" not in src


def test_font_aliases_and_cjk():
    base = "import matplotlib.pyplot as plt\nplt.rcParams['font.family'] = '{font}'\nplt.text(0.1, 0.5, '{text}', fontsize=40)\n"
    arial = render("chart", base.format(font="Arial", text="Hello"))
    liberation = render("chart", base.format(font="Liberation Sans", text="Hello"))
    assert np.array_equal(arial.image, liberation.image)
    cjk = render("chart", base.format(font="SimHei", text="中文标题"))
    tofu = render("chart", base.format(font="DejaVu Sans", text="\u25a1\u25a1\u25a1\u25a1"))
    assert cjk.ok and not np.array_equal(cjk.image, tofu.image)
    # the default family falls back to Noto CJK too, so glyphs are drawn (dark pixels), not boxes
    default = render("chart", "import matplotlib.pyplot as plt\nplt.text(0.1, 0.5, '中文', fontsize=40)\n")
    assert (default.image < 100).any(axis=2).sum() > 300


def test_all_figures_side_by_side():
    code = "import matplotlib.pyplot as plt\nplt.figure(figsize=(2, 2))\nplt.plot([1, 2])\nplt.figure(figsize=(3, 2))\nplt.plot([2, 1])\n"
    first = render("chart", code)
    both = render("chart", code, config=RenderConfig(figures="all"))
    assert first.size == (200, 200)
    assert both.size == (500, 200)


def test_no_code_and_syntax_errors_are_values():
    assert render("chart", "I cannot draw this chart, sorry.").failure == FailureKind.NO_CODE
    assert render("chart", "```python\nplt.plot([1, 2)\n```").failure == FailureKind.SYNTAX
    assert render("chart", "```python\nimport matplotlib.pyplot as plt\nplt.figure()\n```").failure == FailureKind.BLANK


@pytest.fixture(scope="module")
def emoji() -> dict[str, str]:
    return sources.emoji_svgs(sources.emoji_package())


def test_emoji_svgs_render(emoji):
    names = sorted(emoji)[:: max(1, len(emoji) // 8)][:8]
    results = render_many("svg", [emoji[n] for n in names])
    for name, r in zip(names, results):
        assert r.ok, f"{name}: {r.message}"
        assert max(r.size) == 512
        assert len(np.unique(r.image.reshape(-1, 3), axis=0)) > 3, name  # colourful, not a flat fill


def test_svg_square_option_and_determinism(emoji):
    code = next(iter(emoji.values()))
    cfg = RenderConfig(svg_size=336, svg_keep_aspect=False)
    a = render_code("svg", code, config=cfg)
    b = render_code("svg", code, config=cfg)
    assert a.size == (336, 336)
    assert np.array_equal(a.image, b.image)


def test_unclosed_svg_in_an_answer_is_closed():
    r = render("svg", 'Sure! <svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="10" height="10" fill="#0a0"/>')
    assert r.ok and r.size == (512, 256)


def test_strict_mode_matches_the_pool():
    code = "import matplotlib.pyplot as plt\nplt.scatter([1, 2, 3], [3, 1, 2], c='g')\n"
    warm = render("chart", code)
    strict = render("chart", code, config=RenderConfig(strict=True))
    assert np.array_equal(warm.image, strict.image)


def test_libraries_chart_programs_commonly_import():
    code = """
import numpy as np, pandas as pd, scipy.stats as st, seaborn as sns, squarify, networkx as nx
from matplotlib_venn import venn2
from mpl_toolkits.mplot3d import Axes3D  # noqa: F401
from mpl_toolkits.axes_grid1 import make_axes_locatable
import matplotlib.pyplot as plt
fig, axes = plt.subplots(2, 3, figsize=(9, 6))
sns.histplot(pd.Series(st.norm.rvs(size=200, random_state=0)), ax=axes[0, 0])
squarify.plot(sizes=[3, 2, 1], ax=axes[0, 1])
nx.draw(nx.path_graph(4), ax=axes[0, 2])
venn2(subsets=(3, 2, 1), ax=axes[1, 0])
im = axes[1, 1].imshow(np.eye(4))
fig.colorbar(im, cax=make_axes_locatable(axes[1, 1]).append_axes("right", size="5%", pad=0.05))
axes[1, 2].remove()
fig.add_subplot(2, 3, 6, projection="3d").plot([0, 1], [0, 1], [0, 1])
"""
    r = render("chart", code)
    assert r.ok, r.message
    assert r.size == (900, 600)
