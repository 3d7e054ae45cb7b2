"""Scalar baselines: known answers on tiny synthetic images, TEDS equal to the apted reference formula."""

from __future__ import annotations

import random

import numpy as np
import pytest
from apted import APTED, Config

from visual_erm.bench.baselines import count_nodes, rename_cost, table_tree, teds, token_f1
from visual_erm.judge.registry import get_judge


def canvas(h=64, w=96):
    return np.full((h, w, 3), 255, np.uint8)


def with_box(img, x0, y0, x1, y1, colour=(0, 0, 0)):
    img = img.copy()
    img[y0:y1, x0:x1] = colour
    return img


def test_identical_images_score_one_and_scores_order_by_damage():
    ref = with_box(canvas(), 10, 10, 40, 40)
    small = with_box(ref, 60, 10, 64, 14)          # a 4x4 speck added
    big = with_box(canvas(), 50, 20, 90, 60)       # the box moved elsewhere
    for name in ("ssim", "mse", "edge_iou"):
        j = get_judge(name)
        same = j.judge(ref, ref.copy(), task="chart")
        assert same.errors == [] and same.score == pytest.approx(1.0)
        s_small, s_big = j.judge(ref, small, task="chart").score, j.judge(ref, big, task="chart").score
        assert 0.0 <= s_big < s_small < 1.0, name


def test_mse_score_by_hand_and_resize_of_candidate():
    ref = canvas(10, 10)
    cand = ref.copy()
    cand[0, :5] = 0  # 5 of 100 pixels fully black in every channel: MSE = 5/100 * 255^2
    v = get_judge("mse").judge(ref, cand, task="svg")
    assert v.score == pytest.approx(1 - np.sqrt(0.05 * 255 ** 2) / 255)
    big = np.repeat(np.repeat(with_box(canvas(), 10, 10, 40, 40), 2, axis=0), 2, axis=1)
    assert get_judge("ssim").judge(with_box(canvas(), 10, 10, 40, 40), big, task="chart").score > 0.9


def test_edge_iou_by_hand():
    from visual_erm.bench.baselines import edge_iou_score

    assert edge_iou_score(canvas(), canvas()) == 1.0  # no edges on either side
    assert edge_iou_score(with_box(canvas(), 10, 10, 30, 30), canvas()) == 0.0


def test_token_f1_by_hand():
    assert token_f1(["a", "b", "b"], ["b", "c"]) == pytest.approx(2 * 1 / 5)
    assert token_f1([], []) == 1.0


class ApteConfig(Config):
    def rename(self, a, b):
        return rename_cost(a, b)

    def children(self, n):
        return n.children


def teds_reference(a: str, b: str, structure_only: bool = False) -> float:
    """PubTabNet's formula with the apted package: 1 − TED / max(nodes)."""
    ta, tb = table_tree(a, structure_only=structure_only), table_tree(b, structure_only=structure_only)
    return 1 - APTED(ta, tb, ApteConfig()).compute_edit_distance() / max(count_nodes(ta), count_nodes(tb))


def html(rows, header=True, span=None):
    head = "<thead><tr>" + "".join(f"<th>{c}</th>" for c in rows[0]) + "</tr></thead>" if header else ""
    body = []
    for i, r in enumerate(rows[1:]):
        cells = []
        for j, c in enumerate(r):
            if span == (i, j):
                cells.append(f'<td colspan="2">{c}</td>')
            elif span and span[0] == i and span[1] == j - 1:
                continue
            else:
                cells.append(f"<td>{c}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table>{head}<tbody>{''.join(body)}</tbody></table>"


def test_teds_equals_apted_reference_on_a_sample():
    rng = random.Random(7)
    for _ in range(8):
        r, c = rng.randint(2, 6), rng.randint(2, 4)
        rows = [[f"h{j}" for j in range(c)]] + [[str(rng.randint(0, 9999)) for _ in range(c)] for _ in range(r)]
        variant = [row[:] for row in rows]
        op = rng.choice(["cell", "row", "col", "span", "header"])
        if op == "cell":
            variant[rng.randint(1, r)][rng.randrange(c)] = "x" + str(rng.randint(0, 99))
        elif op == "row":
            del variant[rng.randint(1, r)]
        elif op == "col":
            k = rng.randrange(c)
            variant = [row[:k] + row[k + 1:] for row in variant]
        b = html(variant, header=op != "header", span=(0, 0) if op == "span" else None)
        a = html(rows)
        for so in (False, True):
            assert teds(a, b, structure_only=so) == pytest.approx(teds_reference(a, b, so), abs=1e-9), (op, so)
    assert teds(html(rows), html(rows)) == 1.0


def test_teds_by_hand_and_judge_html():
    a = "<table><tr><td>ab</td><td>cd</td></tr></table>"
    b = "<table><tr><td>ab</td><td>ce</td></tr></table>"
    # 4 nodes each (table, tr, td, td); one rename of cost 1/2 (one of two characters differs).
    assert teds(a, b) == pytest.approx(1 - 0.5 / 4)
    assert teds(a, b, structure_only=True) == 1.0
    assert teds(a, "no table here") == 0.0
    j = get_judge("teds")
    v = j.judge_html(a, b)
    assert v.ok and v.errors == [] and v.score == pytest.approx(0.875)
    img = canvas()
    assert not j.judge(img, img, task="table").ok  # images alone cannot be TEDS-scored


def test_ocr_f1_reads_real_chart_text():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def chart(title):
        fig, ax = plt.subplots(figsize=(4, 2), dpi=100)
        ax.set_axis_off()
        ax.text(0.05, 0.4, title, fontsize=22)
        fig.canvas.draw()
        img = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].copy()
        plt.close(fig)
        return img

    j = get_judge("ocr_f1")
    ref = chart("Revenue growth")
    same = j.judge(ref, ref.copy(), task="chart").score
    other = j.judge(ref, chart("Profit decline"), task="chart").score
    assert same == pytest.approx(1.0)
    assert other < 0.5
