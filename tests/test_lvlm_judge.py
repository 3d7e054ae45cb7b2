"""The LVLM judge against our own OpenAI-compatible server on 127.0.0.1 (tests/fake_openai.py)."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import numpy as np
import pytest

from fake_openai import FakeOpenAI, Reply, content_order, decode_images
from visual_erm.judge import get_judge
from visual_erm.judge.lvlm import ENV_API_KEY, ENV_ENDPOINT, ENV_MODEL, LVLMConfig, chat_url
from visual_erm.judge.parse import JudgeFailure, failure_kind
from visual_erm.types import CATEGORIES

MODEL = "internlm/Visual-ERM"
CLEAN = json.dumps({"structure_error_count": 0, "data_error_count": 1, "text_error_count": 0, "style_error_count": 0,
                    "errors": [{"category": "data_error", "severity": 2, "location": "bars",
                                "description": "The second bar is taller than in the reference."}]})
EMPTY = json.dumps({**{f"{c}_count": 0 for c in CATEGORIES["chart"]}, "errors": []})


def _image(h: int, w: int, rgb: tuple[int, int, int]) -> np.ndarray:
    img = np.full((h, w, 3), 255, np.uint8)
    img[h // 4: 3 * h // 4, w // 4: 3 * w // 4] = rgb
    return img


REF = _image(1500, 2000, (220, 30, 30))   # red, larger than any limit
CAND = _image(600, 500, (30, 30, 220))    # blue, below the limit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _judge(server, **options):
    options.setdefault("backoff", 0)
    return get_judge("lvlm", endpoint=server.url, model=server.model, **options)


def test_request_carries_reference_then_candidate_as_jpeg_data_urls_within_limits():
    with FakeOpenAI([CLEAN]) as server:
        verdict = _judge(server).judge(REF, CAND, task="chart")
        body = server.requests[0]
    assert verdict.ok and verdict.judge == "lvlm" and verdict.raw == CLEAN
    assert [(e.category, e.severity) for e in verdict.errors] == [("data_error", 2)]
    assert content_order(body) == ["image_url", "image_url", "text"]
    (mime1, first), (mime2, second) = decode_images(body)
    assert mime1 == mime2 == "image/jpeg"
    assert max(first.shape[:2]) == 1024 and first.shape[:2] == (768, 1024)  # aspect kept
    assert second.shape[:2] == (600, 500)  # never upscaled
    # order: the reference (red) first, the rendering (blue) second
    assert first[384, 512, 0] > 180 and first[384, 512, 2] < 80
    assert second[300, 250, 2] > 180 and second[300, 250, 0] < 80
    text = body["messages"][-1]["content"][-1]["text"]
    assert "data_error_count" in text and body["model"] == MODEL


def test_table_images_are_at_most_768_and_sampling_presets_follow_the_release():
    with FakeOpenAI([json.dumps({"errors": []})]) as server:
        judge = _judge(server)
        judge.judge(REF, CAND, task="table")
        judge.judge(REF, CAND, task="chart")
        judge.judge(REF, CAND, task="svg")
        table, chart, svg = server.requests
    assert max(decode_images(table)[0][1].shape[:2]) == 768
    assert table["temperature"] == 0 and table["repetition_penalty"] == 1.05 and table["max_tokens"] == 8192
    for body in (chart, svg):
        assert (body["temperature"], body["top_p"], body["top_k"], body["presence_penalty"], body["max_tokens"]) == (
            0.7, 0.8, 20, 1.5, 4096)
        assert max(decode_images(body)[0][1].shape[:2]) == 1024
    assert "type" in table["messages"][-1]["content"][-1]["text"]


def test_sampling_overrides_structured_outputs_and_hosted_api_mode():
    with FakeOpenAI([EMPTY]) as server:
        judge = _judge(server, sampling={"chart": {"temperature": 0.0, "top_k": None}}, structured=True,
                       extra_body={"chat_template_kwargs": {"enable_thinking": False}})
        judge.judge(REF, CAND, task="chart")
        judge2 = _judge(server, send_non_openai=False, structured="structured_outputs")
        judge2.judge(REF, CAND, task="table")
        first, second = server.requests
    assert first["temperature"] == 0.0 and "top_k" not in first and first["top_p"] == 0.8
    schema = first["response_format"]["json_schema"]["schema"]
    assert first["response_format"]["type"] == "json_schema"
    assert schema["properties"]["errors"]["items"]["properties"]["category"]["enum"] == list(CATEGORIES["chart"])
    assert first["chat_template_kwargs"] == {"enable_thinking": False}
    assert "repetition_penalty" not in second and "top_k" not in second
    assert second["structured_outputs"]["json"]["properties"]["errors"]["items"]["properties"]["type"]["enum"] == list(
        CATEGORIES["table"])


@pytest.mark.parametrize("reply,expected", [
    ("<think>Compare bars.</think>\n```json\n" + CLEAN + "\n```", [("data_error", 2)]),
    ("Here you go: {'errors': [{'category': 'Style', 'severity': 9, 'location': 'x', 'description': 'y',}],}",
     [("style_error", 3)]),
    (CLEAN[: CLEAN.index("}]") + 1], [("data_error", 2)]),  # truncated after the first item
])
def test_messy_replies_are_read(reply, expected):
    with FakeOpenAI([reply]) as server:
        verdict = _judge(server).judge(REF, CAND, task="chart")
    assert verdict.ok, verdict.parse_error
    assert [(e.category, e.severity) for e in verdict.errors] == expected


def test_garbage_is_retried_then_a_typed_failure_with_the_raw_text():
    with FakeOpenAI(["I am not sure what you mean."]) as server:
        verdict = _judge(server).judge(REF, CAND, task="chart")
        assert server.count == 3  # 1 + 2 retries (the release default)
    assert not verdict.ok and failure_kind(verdict) is JudgeFailure.NO_JSON
    assert verdict.raw == "I am not sure what you mean." and verdict.timings["attempts"] == 3


def test_garbage_then_clean_recovers_on_retry():
    with FakeOpenAI(["no json", "{broken", CLEAN]) as server:
        verdict = _judge(server).judge(REF, CAND, task="chart")
        assert server.count == 3
    assert verdict.ok and len(verdict.errors) == 1


def test_500s_are_retried_and_exhausted_retries_are_typed():
    with FakeOpenAI([Reply(status=500), Reply(status=503), CLEAN]) as server:
        ok = _judge(server).judge(REF, CAND, task="chart")
    assert ok.ok and len(ok.errors) == 1
    with FakeOpenAI([Reply(status=500)]) as server:
        bad = _judge(server, retries=1).judge(REF, CAND, task="chart")
        assert server.count == 2
    assert failure_kind(bad) is JudgeFailure.HTTP_STATUS and "500" in bad.parse_error


def test_client_errors_are_not_retried():
    with FakeOpenAI([Reply(status=400)]) as server:
        verdict = _judge(server).judge(REF, CAND, task="chart")
        assert server.count == 1
    assert failure_kind(verdict) is JudgeFailure.HTTP_STATUS and "400" in verdict.parse_error
    with FakeOpenAI([CLEAN]) as server:  # wrong model name: the server's 404 comes back named
        verdict = get_judge("lvlm", endpoint=server.url, model="other/model", backoff=0).judge(REF, CAND, task="chart")
    assert failure_kind(verdict) is JudgeFailure.HTTP_STATUS and "404" in verdict.parse_error


def test_slow_server_times_out_then_succeeds_on_retry():
    with FakeOpenAI([Reply(content=CLEAN, delay=1.5), CLEAN]) as server:
        t0 = time.perf_counter()
        verdict = _judge(server, timeout=0.4).judge(REF, CAND, task="chart")
        elapsed = time.perf_counter() - t0
    assert verdict.ok and len(verdict.errors) == 1 and elapsed < 1.4
    with FakeOpenAI([Reply(content=CLEAN, delay=1.0)]) as server:
        verdict = _judge(server, timeout=0.2, retries=1).judge(REF, CAND, task="chart")
    assert failure_kind(verdict) is JudgeFailure.TIMEOUT


def test_non_chat_answers_are_bad_responses():
    with FakeOpenAI([Reply(raw="<html>gateway</html>"), Reply(raw='{"choices": []}')]) as server:
        verdict = _judge(server, retries=1).judge(REF, CAND, task="chart")
    assert failure_kind(verdict) is JudgeFailure.BAD_RESPONSE


def test_reasoning_content_is_used_when_content_is_empty():
    with FakeOpenAI([Reply(content=None, reasoning_content=CLEAN)]) as server:
        verdict = _judge(server).judge(REF, CAND, task="chart")
    assert verdict.ok and len(verdict.errors) == 1


def test_round_robin_over_endpoints_and_failover_from_a_dead_one():
    with FakeOpenAI([EMPTY]) as a, FakeOpenAI([EMPTY]) as b:
        judge = get_judge("lvlm", endpoints=[a.url, b.url + "/v1"], model=MODEL, backoff=0)
        for _ in range(6):
            assert judge.judge(REF, CAND, task="chart").ok
        assert a.count == 3 and b.count == 3
    dead = f"http://127.0.0.1:{_free_port()}"
    with FakeOpenAI([EMPTY]) as live:
        judge = get_judge("lvlm", endpoint=f"{dead},{live.url}", model=MODEL, backoff=0, retries=0)
        verdicts = [judge.judge(REF, CAND, task="chart") for _ in range(4)]
        assert all(v.ok for v in verdicts) and live.count == 4
    with FakeOpenAI([Reply(status=502)]) as sick, FakeOpenAI([EMPTY]) as well:
        judge = get_judge("lvlm", endpoints=[sick.url, well.url], model=MODEL, backoff=0, retries=0)
        assert all(judge.judge(REF, CAND, task="chart").ok for _ in range(3))
        assert sick.count == 1  # failed over at once, then cooled down
    judge = get_judge("lvlm", endpoint=dead, model=MODEL, backoff=0, retries=1, connect_timeout=1)
    assert failure_kind(judge.judge(REF, CAND, task="chart")) is JudgeFailure.CONNECTION


def test_async_judging_respects_the_concurrency_limit():
    with FakeOpenAI([EMPTY], delay=0.15) as server:
        judge = _judge(server, max_concurrency=3)

        async def run():
            out = await asyncio.gather(*(judge.ajudge(REF, CAND, task="chart") for _ in range(9)))
            await judge.aclose()
            return out

        t0 = time.perf_counter()
        verdicts = asyncio.run(run())
        elapsed = time.perf_counter() - t0
        assert server.max_in_flight == 3
    assert all(v.ok for v in verdicts) and elapsed >= 0.45  # 9 requests, 3 at a time, 0.15 s each


def test_sync_judging_from_threads_respects_the_limit():
    from concurrent.futures import ThreadPoolExecutor

    with FakeOpenAI([EMPTY], delay=0.1) as server:
        judge = _judge(server, max_concurrency=2)
        with ThreadPoolExecutor(6) as pool:
            verdicts = list(pool.map(lambda _: judge.judge(REF, CAND, task="svg"), range(6)))
        assert server.max_in_flight == 2
    assert all(v.ok and v.task == "svg" for v in verdicts)


def test_async_retries_and_failures_match_sync():
    with FakeOpenAI([Reply(status=500), "garbage", CLEAN]) as server:
        verdict = asyncio.run(_judge(server).ajudge(REF, CAND, task="chart"))
        assert server.count == 3
    assert verdict.ok and len(verdict.errors) == 1


def test_environment_api_key_and_model_discovery(monkeypatch):
    with FakeOpenAI([CLEAN], api_key="s3cret", model="served-judge") as server:
        monkeypatch.setenv(ENV_ENDPOINT, server.url)
        monkeypatch.setenv(ENV_API_KEY, "s3cret")
        monkeypatch.delenv(ENV_MODEL, raising=False)
        verdict = get_judge("lvlm", backoff=0).judge(REF, CAND, task="chart")  # model found via /v1/models
        assert verdict.ok and server.requests[-1]["model"] == "served-judge"
        assert server.headers[-1]["Authorization"] == "Bearer s3cret"
        monkeypatch.setenv(ENV_API_KEY, "wrong")
        denied = get_judge("lvlm", model="served-judge", backoff=0).judge(REF, CAND, task="chart")
    assert failure_kind(denied) is JudgeFailure.HTTP_STATUS and "401" in denied.parse_error


def test_config_errors_are_exceptions(monkeypatch):
    monkeypatch.delenv(ENV_ENDPOINT, raising=False)
    with pytest.raises(ValueError, match=ENV_ENDPOINT):
        get_judge("lvlm")
    with pytest.raises(ValueError, match="structured"):
        get_judge("lvlm", endpoint="http://127.0.0.1:1", structured="xml")
    with pytest.raises(TypeError):
        get_judge("lvlm", endpoint="http://127.0.0.1:1", temprature=0.1)
    assert chat_url("http://h:8000") == chat_url("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    cfg = LVLMConfig.from_options(endpoint="http://a:1, http://b:2", env={ENV_MODEL: "m"})
    assert cfg.endpoints == ("http://a:1", "http://b:2") and cfg.model == "m"


def test_unreadable_input_is_a_typed_failure_not_a_request():
    with FakeOpenAI([CLEAN]) as server:
        verdict = _judge(server).judge(np.zeros((4, 4, 7), np.uint8), CAND, task="chart")
        assert server.count == 0
    assert failure_kind(verdict) is JudgeFailure.INPUT
