"""verl and OpenRLHF adapters called exactly as those frameworks call them (keyword names, file loading, layouts)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import pytest

from visual_erm.adapters import ALL_CATEGORIES, resolve_reference, resolve_task
from visual_erm.adapters import openrlhf as openrlhf_adapter
from visual_erm.adapters import verl
from visual_erm.images import encode_png
from visual_erm.render import render_code

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
GOOD = HEAD + '<rect x="10" y="10" width="50" height="50" fill="#d62728"/><circle cx="70" cy="70" r="20" ' \
              'fill="#1f77b4"/></svg>'
WRONG = HEAD + '<rect x="10" y="10" width="50" height="50" fill="#2ca02c"/></svg>'


@pytest.fixture(scope="module")
def ref_path(tmp_path_factory) -> str:
    r = render_code("svg", GOOD)
    assert r.ok
    path = tmp_path_factory.mktemp("adapters") / "gt.png"
    path.write_bytes(encode_png(r.image))
    return str(path)


def test_verl_compute_score_keywords_and_extras(ref_path):
    # verl's naive reward manager: compute_score(data_source=, solution_str=, ground_truth=, extra_info=)
    good = verl.compute_score(data_source="visual_erm/svg", solution_str=f"```svg\n{GOOD}\n```", ground_truth="",
                              extra_info={"gt_img_path": ref_path, "task_type": "svg"})
    wrong = verl.compute_score(data_source="svg_icons", solution_str=WRONG, ground_truth=ref_path, extra_info=None)
    none = verl.compute_score("chartmimic", "no code at all", None, {"gt_image": {"bytes": Path(ref_path).read_bytes()}})
    assert set(good) == set(wrong) == set(none), "extras must have the same keys for every item"
    assert all(isinstance(v, float) for v in good.values())
    assert good["score"] > wrong["score"] > none["score"] == 0.0
    assert wrong["severity_sum"] > good["severity_sum"] and wrong["n_errors"] >= 1
    assert none["failure_no_code"] == 1.0 and none["rendered"] == 0.0
    assert {f"count_{c}" for c in ALL_CATEGORIES} <= set(good)


def test_verl_batch_and_async_agree_with_single(ref_path):
    kwargs = {"judge": "embedded", "policy": "auto"}  # as passed from custom_reward_function.reward_kwargs
    batch = verl.compute_score_batch(data_sources=["svg"] * 3, solution_strs=[GOOD, WRONG, "nothing"],
                                     ground_truths=[ref_path] * 3, extra_infos=[{"task_type": "svg"}] * 3, **kwargs)
    single = [verl.compute_score("svg", s, ref_path, {"task_type": "svg"}, **kwargs) for s in (GOOD, WRONG, "nothing")]
    assert [b["score"] for b in batch] == pytest.approx([s["score"] for s in single])

    async def gather():
        return await asyncio.gather(*(verl.compute_score_async("svg", s, ref_path, None, **kwargs)
                                      for s in (GOOD, WRONG)))

    assert [r["score"] for r in asyncio.run(gather())] == pytest.approx([single[0]["score"], single[1]["score"]])


def test_openrlhf_reward_func_loaded_from_file_like_openrlhf(ref_path, tmp_path):
    # OpenRLHF: --remote_rm_url reward.py, loaded with spec_from_file_location and called reward_func(q, p, l)
    path = Path(openrlhf_adapter.__file__)
    spec = importlib.util.spec_from_file_location("reward_func", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    prompt = "<|im_start|>user\nDraw the icon<|im_end|>\n<|im_start|>assistant\n"
    queries = [prompt + f"```svg\n{GOOD}\n```<|im_end|>", prompt + WRONG + "<|endoftext|>", prompt + "sorry<|im_end|>"]
    labels = [json.dumps({"task": "svg", "gt_img_path": ref_path}), json.dumps({"task_type": "svg", "gt_img_path":
                                                                                ref_path}),
              json.dumps({"task": "svg", "gt_img_path": ref_path})]
    out = module.reward_func(queries, [prompt] * 3, labels)
    import torch

    assert isinstance(out["rewards"], torch.Tensor) and out["rewards"].shape == (3,)
    r = out["rewards"].tolist()
    assert r[0] > r[1] > r[2] == 0.0
    assert out["extra_logs"]["rendered"].tolist() == [1.0, 1.0, 0.0]
    assert openrlhf_adapter.response_of(queries[1], prompt) == WRONG


def test_inputs_are_resolved_or_refused_clearly(ref_path, tmp_path):
    assert resolve_task(data_source="ChartMimic-direct") == "chart"
    assert resolve_task(info={"task_type": "table"}) == "table"
    with pytest.raises(ValueError, match="task_type"):
        resolve_task(data_source="mystery")
    assert resolve_reference("gt.png", image_root=str(Path(ref_path).parent)).endswith("gt.png")
    assert isinstance(resolve_reference([{"bytes": b"\x89PNG...", "path": None}]), bytes)
    with pytest.raises(FileNotFoundError):
        resolve_reference(str(tmp_path / "missing.png"))
