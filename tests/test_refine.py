"""Reflect-and-revise against a policy server on 127.0.0.1 that edits its SVG according to the feedback it gets.

The toy policy starts from a drawing with two defects (the square has the wrong colour, the circle is missing). On a
revision request it reads the discrepancy list out of the prompt and fixes the first item it understands: a colour
named as wrong ("<x> instead of <y>", "a <y> part is <x> instead") is recoloured, "a <colour> part ... is missing" adds a shape of that colour where ``location`` says.
Without feedback it would never change its answer, so any progress comes from the judge's discrepancies.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from visual_erm.images import encode_png
from visual_erm.refine import RefineConfig, refine
from visual_erm.render import render_code

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120">'
TARGET = HEAD + '<rect x="10" y="10" width="50" height="50" fill="#d62728"/>' \
                '<circle cx="85" cy="85" r="25" fill="#1f77b4"/></svg>'
START = HEAD + '<rect x="10" y="10" width="50" height="50" fill="#2ca02c"/></svg>'
PALETTE = {"red": "#d62728", "green": "#2ca02c", "blue": "#1f77b4", "black": "#000000", "orange": "#ff7f0e"}


def revise(code: str, errors: list[dict]) -> str:
    """Apply the first discrepancy the toy policy understands."""
    for err in errors:
        text = err.get("description", "").lower()
        m = re.search(r"(\w+) instead of (\w+)", text)  # "<now> instead of <wanted>"
        if m and m.group(1) in PALETTE and m.group(2) in PALETTE:
            return code.replace(PALETTE[m.group(1)], PALETTE[m.group(2)], 1)
        m = re.search(r"an? (\w+) part is (\w+) instead", text)  # "a <wanted> part is <now> instead"
        if m and m.group(1) in PALETTE and m.group(2) in PALETTE:
            return code.replace(PALETTE[m.group(2)], PALETTE[m.group(1)], 1)
        m = re.search(r"an? (\w+) part .*missing", text)
        if m and m.group(1) in PALETTE:
            where = err.get("location", "")
            x = 85 if "right" in where else 30
            y = 85 if "bottom" in where else 30
            return code.replace("</svg>", f'<circle cx="{x}" cy="{y}" r="25" fill="{PALETTE[m.group(1)]}"/></svg>')
    return code


class PolicyServer:
    """An OpenAI-compatible chat endpoint; records what it was asked."""

    def __init__(self, *, fail_after: int | None = None):
        self.requests: list[dict] = []
        self.fail_after = fail_after
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                if outer.fail_after is not None and len(outer.requests) > outer.fail_after:
                    self.send_response(500)
                    self.end_headers()
                    return
                answers = outer.answer(body)
                payload = json.dumps({"id": "x", "object": "chat.completion", "model": body["model"],
                                      "choices": [{"index": i, "finish_reason": "stop",
                                                   "message": {"role": "assistant", "content": a}}
                                                  for i, a in enumerate(answers)]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, body: dict) -> list[str]:
        content = body["messages"][-1]["content"]
        assert content[0]["type"] == "image_url" and content[0]["image_url"]["url"].startswith("data:image/jpeg")
        text = content[1]["text"]
        prev = re.search(r"previous answer was:\n```svg\n(.*?)\n```", text, re.S)
        if prev is None:
            code = START
        else:
            listed = re.search(r"discrepancies \(.*?\):\n(\[.*\])", text, re.S)
            code = revise(prev.group(1), json.loads(listed.group(1)) if listed else [])
        extra = ["I am not sure how to draw this."] * (body.get("n", 1) - 1)
        return [f"Here is the SVG:\n```svg\n{code}\n```"] + extra

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def policy():
    server = PolicyServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    rendering = render_code("svg", TARGET)
    assert rendering.ok
    path = tmp_path_factory.mktemp("refine") / "target.png"
    path.write_bytes(encode_png(rendering.image))
    return path


def test_feedback_drives_revisions_until_solved(policy, reference, tmp_path):
    out = tmp_path / "run"
    result = refine(reference, task="svg", endpoint=policy.url, model="toy", config=RefineConfig(rounds=3),
                    out_dir=out)
    scores = [a.score for a in result.attempts]
    assert len(scores) == 3 and scores[0] < scores[1] < scores[2], scores
    assert result.stopped == "solved" and result.best is result.attempts[-1]
    assert result.best.result.verdict.errors == []
    # the revision prompts carried the previous code and the judge's discrepancies
    second = policy.requests[1]["messages"][-1]["content"][1]["text"]
    assert START in second and '"severity": 3' in second
    for f in ("index.html", "summary.json", "reference.png", "round_0/candidate_0/render.png",
              "round_0/candidate_0/code.svg", "round_2/candidate_0/verdict.json"):
        assert (out / f).is_file(), f
    summary = json.loads((out / "summary.json").read_text())
    assert summary["best"]["round"] == 2 and [a["score"] for a in summary["attempts"]] == scores
    assert "stopped by solved" in (out / "index.html").read_text()


def test_best_of_n_threshold_and_rounds_limit(policy, reference):
    result = refine(reference, task="svg", endpoint=policy.url, model="toy",
                    config=RefineConfig(rounds=1, n=2, threshold=10.0))
    assert len(result.attempts) == 4 and {a.index for a in result.attempts} == {0, 1}
    assert all(policy_req["n"] == 2 for policy_req in policy.requests)
    assert result.best.index == 0 and result.best.round == 1  # the code answer wins over "not sure"
    assert result.stopped == "rounds"
    assert [a.result.rendering.failure.value for a in result.attempts if a.index == 1] == ["no_code", "no_code"]


def test_policy_failure_keeps_attempts(reference):
    server = PolicyServer(fail_after=1)
    try:
        result = refine(reference, task="svg", endpoint=server.url, model="toy", config=RefineConfig(rounds=3))
    finally:
        server.close()
    assert result.stopped == "policy_error" and "500" in result.error
    assert len(result.attempts) == 1 and result.best is result.attempts[0]


def test_cli(policy, reference, tmp_path):
    cli = str(Path(sys.executable).parent / "visual-erm")
    run = subprocess.run([cli, "refine", str(reference), "--task", "svg", "--policy-endpoint", policy.url,
                          "--policy-model", "toy", "--rounds", "1", "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["stopped"] == "rounds" and len(report["scores"]) == 2 and report["scores"][1] > report["scores"][0]
    assert (tmp_path / "o" / "index.html").is_file()
