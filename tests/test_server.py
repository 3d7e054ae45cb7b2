"""The reward server under real uvicorn on 127.0.0.1, started as `visual-erm serve` in a child process."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from visual_erm.procs import children, descendants, process_table

CLI = str(Path(sys.executable).parent / "visual-erm")

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120"><rect x="10" y="10" width="60" height="60" '
       'fill="#d62728"/><circle cx="85" cy="85" r="25" fill="#1f77b4"/></svg>')
SVG_OTHER = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120"><circle cx="40" cy="40" r="30" '
             'fill="#2ca02c"/></svg>')
SLOW_CHART = "```python\nimport time\ntime.sleep({s})\nimport matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\n```"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    entry = process_table().get(pid)
    return entry is not None and entry[1] != "Z"


class Server:
    def __init__(self, *args: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([CLI, "serve", "--port", str(self.port), "--log-level", "warning", *args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start: " + (self.proc.stderr.read() if self.proc.stderr else ""))

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, **kw)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("refs")
    srv = Server("--image-root", str(root), "--default-task", "svg")
    srv.root = root
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def reference_png(server) -> str:
    with server.client() as c:
        r = c.post("/v1/render", json={"task": "svg", "answers": [SVG]})
    assert r.status_code == 200
    row = r.json()["results"][0]
    assert row["ok"] and row["size"][0] > 0
    (server.root / "ref.png").write_bytes(base64.b64decode(row["image_png_b64"]))
    return row["image_png_b64"]


def test_reward_scores_faithful_above_wrong_and_failures_at_zero(server, reference_png):
    hostile = "```svg\n<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg>&x;</svg>\n```"
    with server.client() as c:
        r = c.post("/v1/reward", json={"task": "svg", "references": reference_png,
                                       "completions": [f"```svg\n{SVG}\n```", SVG_OTHER, "I cannot draw this.",
                                                       hostile]})
    assert r.status_code == 200, r.text
    rows = r.json()["results"]
    assert len(rows) == 4 and r.json()["scores"] == [row["score"] for row in rows]
    same, other, none, bad = rows
    assert same["rendering"]["ok"] and same["score"] > other["score"]
    assert same["verdict"] is not None and "errors" in same["verdict"]
    assert other["verdict"]["errors"], "a different drawing must produce discrepancies"
    assert none["score"] == 0.0 and none["rendering"]["failure"] == "no_code" and none["verdict"] is None
    assert bad["rendering"]["ok"] is False and bad["score"] == 0.0
    assert none["extras"]["failure_no_code"] == 1.0 and same["extras"]["rendered"] == 1.0


def test_paper_policy_is_applied_per_request_not_per_merged_batch(server, reference_png):
    # Two concurrent requests are merged into one batch; `paper` normalises by the max severity of each request.
    body = {"task": "svg", "references": reference_png, "policy": "paper", "completions": [SVG_OTHER]}
    results = []
    with server.client() as c:
        threads = [threading.Thread(target=lambda: results.append(c.post("/v1/reward", json=body))) for _ in range(3)]
        [t.start() for t in threads]
        [t.join() for t in threads]
    for r in results:
        assert r.status_code == 200
        # a lone item is its own batch maximum: 1 (rendered) + clip(1 - S/S) ~= 1
        assert r.json()["results"][0]["score"] == pytest.approx(1.0, abs=1e-3)


def test_judge_render_and_bad_input(server, reference_png):
    with server.client() as c:
        other = c.post("/v1/render", json={"task": "svg", "answers": [SVG_OTHER]}).json()["results"][0]
        r = c.post("/v1/judge", json={"task": "svg", "reference": reference_png, "candidate": other["image_png_b64"]})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["ok"] and body["severity_sum"] > 0 and body["verdict"]["errors"]
        assert set(body["verdict"]) >= {"structure_error_count", "shape_error_count", "errors"}
        assert c.post("/v1/judge", json={"task": "svg", "reference": "bm90IGFuIGltYWdl", "candidate": "x"}
                      ).status_code == 400
        assert c.post("/v1/reward", json={"task": "poster", "completions": ["x"], "references": reference_png}
                      ).status_code == 422
        # a path outside the image root is refused
        r = c.post("/v1/judge", json={"task": "svg", "reference": "../../etc/passwd", "candidate": reference_png})
        assert r.status_code == 400 and "root" in r.json()["detail"]


def test_openrlhf_get_reward_protocol(server, reference_png):
    prompt = "<|im_start|>user\nDraw it as SVG<|im_end|>\n<|im_start|>assistant\n"
    labels = [json.dumps({"task": "svg", "gt_img_path": "ref.png"}), "ref.png"]  # second one: --default-task svg
    with server.client() as c:
        r = c.post("/get_reward", json={"query": [prompt + SVG + "<|im_end|>", prompt + "no idea<|im_end|>"],
                                        "prompts": [prompt, prompt], "labels": labels})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"rewards", "scores", "extra_logs"}
    assert body["rewards"][0] > body["rewards"][1] == 0.0
    assert body["extra_logs"]["rendered"] == [1.0, 0.0] and body["extra_logs"]["failure_no_code"] == [0.0, 1.0]


def test_metrics_and_openapi(server, reference_png):
    with server.client() as c:
        assert c.post("/v1/reward", json={"task": "svg", "completions": [SVG], "references": reference_png}
                      ).status_code == 200
        text = c.get("/metrics").text
        spec = c.get("/openapi.json").json()
    assert 'visual_erm_requests_total{code="200",route="/v1/reward"}' in text
    assert "visual_erm_request_seconds_bucket" in text and "visual_erm_queue_depth" in text
    assert {"/v1/reward", "/v1/judge", "/v1/render", "/get_reward", "/healthz", "/metrics"} <= set(spec["paths"])


def test_worker_killed_mid_request_is_retried_and_answered(server):
    result = {}
    with server.client() as c:
        t = threading.Thread(target=lambda: result.update(
            r=c.post("/v1/render", json={"task": "chart", "answers": [SLOW_CHART.format(s=2)], "include_image": False})))
        t.start()
        time.sleep(1.0)
        victims = children(server.proc.pid)
        assert victims, "no render worker to kill"
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):  # a worker may finish between listing and killing
                os.kill(pid, signal.SIGKILL)
        t.join(60)
        row = result["r"].json()["results"][0]
        assert result["r"].status_code == 200 and row["ok"], row
        assert "visual_erm_crash_retries_total 1" in c.get("/metrics").text


def test_api_key_queue_bound_timeout_and_clean_shutdown():
    srv = Server("--api-key", "s3cret", "--max-queue", "1", "--request-timeout", "2.5", "--max-batch", "1")
    try:
        body = {"task": "chart", "answers": [SLOW_CHART.format(s=4)], "include_image": False}
        with srv.client() as anon:
            assert anon.get("/healthz").status_code == 200
            assert anon.post("/v1/render", json=body).status_code == 401
            assert anon.get("/metrics").status_code == 401
            assert anon.get("/metrics?api_key=s3cret").status_code == 200
            assert anon.get("/metrics?api_key=wrong").status_code == 401
        codes: list[int] = []
        with srv.client(headers={"Authorization": "Bearer s3cret"}) as c:
            def call():
                codes.append(c.post("/v1/render", json=body).status_code)

            threads = [threading.Thread(target=call) for _ in range(6)]
            for t in threads:
                t.start()
                time.sleep(0.05)
            [t.join(60) for t in threads]
            # 2 dispatchers run, 1 waits, the rest are refused at once; the slow ones time out
            assert codes.count(429) >= 2, codes
            assert codes.count(504) >= 2, codes
            assert set(codes) <= {429, 504}
            assert 'reason="queue_full"' in c.get("/metrics", headers={"X-API-Key": "s3cret"}).text
        workers = descendants(srv.proc.pid)
        assert workers, "the render pool should have started worker processes"
    finally:
        rc = srv.stop()
    assert rc in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after its graceful shutdown
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)], "shutdown left worker processes behind"
