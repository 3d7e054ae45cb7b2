"""TRL's GRPOTrainer runs 2 steps on CPU with the Visual-ERM reward and a tiny random model built here.

The tokenizer's vocabulary is made of SVG fragments, so even a randomly initialised model writes (random) SVG
programs: the reward really renders and judges them, and its extras reach TRL's logs through ``log_metric``.
"""

from __future__ import annotations

import asyncio
import json

import pytest

pytest.importorskip("trl", reason="the trl extra is not installed (pip install 'visual-erm[trl]')")
torch = pytest.importorskip("torch")

pytestmark = [pytest.mark.trl, pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::UserWarning")]

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
FRAGMENTS = [HEAD, '<rect x="8" y="8" width="30" height="30" fill="red"/>', '<circle cx="44" cy="44" r="14" fill="blue"/>',
             '<line x1="0" y1="60" x2="60" y2="0" stroke="black" stroke-width="3"/>', "</svg>"]
WORDS = ["draw", "the", "icon", "as", "svg", "please"]


def _tiny_model(path):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(["<pad>", "<eos>", "<unk>"] + FRAGMENTS + WORDS)}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok = PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", eos_token="<eos>", unk_token="<unk>")
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                      num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64,
                      pad_token_id=0, eos_token_id=1, bos_token_id=None)
    model = LlamaForCausalLM(cfg)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    from visual_erm.images import encode_png
    from visual_erm.render import render_code

    rendering = render_code("svg", HEAD + FRAGMENTS[1] + FRAGMENTS[2] + "</svg>")
    assert rendering.ok
    path = tmp_path_factory.mktemp("trl") / "ref.png"
    path.write_bytes(encode_png(rendering.image))
    return str(path)


def test_grpo_two_steps_with_visual_erm_reward(tmp_path, reference):
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    from visual_erm.adapters.trl import visual_erm_reward

    model_dir = _tiny_model(tmp_path / "tiny")
    data = Dataset.from_dict({"prompt": ["draw the icon as svg"] * 8, "reference": [reference] * 8,
                              "task": ["svg"] * 8})
    seen: list[list[float]] = []
    reward = visual_erm_reward(task_column="task", reference_column="reference")

    def recording_reward(completions, **columns):
        scores = reward(completions, **columns)
        seen.append(scores)
        return scores

    recording_reward.__name__ = "visual_erm"
    args = GRPOConfig(output_dir=str(tmp_path / "out"), max_steps=2, per_device_train_batch_size=4,
                      num_generations=4, max_completion_length=8, learning_rate=1e-3, logging_steps=1,
                      report_to="none", use_cpu=True, save_strategy="no", seed=0, temperature=1.0)
    trainer = GRPOTrainer(model=model_dir, reward_funcs=[recording_reward], args=args, train_dataset=data)
    trainer.train()

    assert trainer.state.global_step == 2
    assert len(seen) >= 2 and all(len(s) == 4 for s in seen)
    flat = [x for s in seen for x in s]
    assert all(0.0 <= x <= 2.0 for x in flat)
    logs = [entry for entry in trainer.state.log_history if "visual_erm/rendered" in entry]
    assert logs, f"extras did not reach TRL's logs: {trainer.state.log_history[:1]}"
    # random SVG fragments: a completion that opens <svg renders; the logged render rate matches the rewards
    assert any(x > 0 for x in flat) and max(e["visual_erm/rendered"] for e in logs) > 0.0
    assert {round(e["rewards/visual_erm/mean"], 3) for e in logs} == {round(sum(s) / len(s), 3) for s in seen[:2]}


def test_async_reward_and_conversational_completions(reference):
    from visual_erm.adapters.trl import visual_erm_reward_async

    logged: dict[str, object] = {}
    fn = visual_erm_reward_async(task="svg", name="verm")
    completions = [[{"role": "assistant", "content": HEAD + FRAGMENTS[1] + FRAGMENTS[2] + "</svg>"}],
                   [{"role": "assistant", "content": [{"type": "text", "text": "sorry, no drawing"}]}]]
    scores = asyncio.run(fn(completions, reference=[reference] * 2,
                            log_metric=lambda k, v: logged.__setitem__(k, v),
                            log_extra=lambda k, v: logged.__setitem__(k, v)))
    assert fn.__name__ == "verm" and len(scores) == 2
    assert scores[0] > scores[1] == 0.0
    assert logged["verm/rendered"] == 0.5 and logged["verm_failure"] == ["", "no_code"]
    assert json.loads(logged["verm_errors"][0]) is not None
