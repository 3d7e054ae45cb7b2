"""A small OpenAI-compatible chat server on 127.0.0.1 for tests (stdlib only).

Replies are scripted: each request takes the next entry of the script (the last one repeats), or a callable
``reply(body) -> entry``. An entry is a string (the message content) or a :class:`Reply` (content, HTTP status, delay,
raw body, ...). Every request body and its headers are recorded; :func:`decode_images` reads the image parts back.

    with FakeOpenAI(['{"errors": []}']) as server:
        judge = get_judge("lvlm", endpoint=server.url, model=server.model)
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Sequence, Union

import numpy as np
from PIL import Image


@dataclass
class Reply:
    """One scripted answer. ``status`` != 200 sends an OpenAI-style error; ``raw`` sends that text verbatim as the body;
    ``delay`` sleeps before answering; ``drop`` closes the connection without an answer."""

    content: str | None = ""
    status: int = 200
    delay: float = 0.0
    raw: str | None = None
    reasoning_content: str | None = None
    finish_reason: str = "stop"
    drop: bool = False


Entry = Union[str, Reply]


class FakeOpenAI:
    """Serve ``/v1/chat/completions`` and ``/v1/models`` on an ephemeral loopback port.

    Args:
        script: replies in order; the last one repeats when the script runs out. A callable gets the request body.
        model: the id listed by ``/v1/models``; requests naming another model get 404, as vLLM answers.
        api_key: when set, requests without ``Authorization: Bearer <api_key>`` get 401.
        delay: seconds added before every reply (on top of a Reply's own delay).
    """

    def __init__(self, script: Sequence[Entry] | Callable[[dict], Entry] = ('{"errors": []}',), *,
                 model: str = "internlm/Visual-ERM", api_key: str | None = None, delay: float = 0.0):
        self.script = script if callable(script) else list(script)
        self.model = model
        self.api_key = api_key
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._served = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def count(self) -> int:
        return len(self.requests)

    def _next(self, body: dict) -> Reply:
        with self._lock:
            if callable(self.script):
                entry = self.script(body)
            else:
                entry = self.script[min(self._served, len(self.script) - 1)]
            self._served += 1
        return entry if isinstance(entry, Reply) else Reply(content=entry)

    def start(self) -> "FakeOpenAI":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: Any = None, raw: str | None = None) -> None:
                data = (raw if raw is not None else json.dumps(payload)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if owner.api_key and self.headers.get("Authorization") != f"Bearer {owner.api_key}":
                    self._send(401, {"error": {"message": "invalid api key", "type": "auth"}})
                    return False
                return True

            def do_GET(self) -> None:
                if not self._authorised():
                    return
                if self.path.rstrip("/") == "/v1/models":
                    self._send(200, {"object": "list", "data": [{"id": owner.model, "object": "model"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                text = self.rfile.read(length).decode("utf-8", "replace")
                if not self._authorised():
                    return
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                try:
                    body = json.loads(text)
                except ValueError:
                    self._send(400, {"error": {"message": "body is not JSON"}})
                    return
                with owner._lock:
                    owner.requests.append(body)
                    owner.headers.append(dict(self.headers))
                    owner.in_flight += 1
                    owner.max_in_flight = max(owner.max_in_flight, owner.in_flight)
                try:
                    self._answer(body)
                finally:
                    with owner._lock:
                        owner.in_flight -= 1

            def _answer(self, body: dict) -> None:
                if body.get("model") != owner.model:
                    self._send(404, {"error": {"message": f"The model `{body.get('model')}` does not exist."}})
                    return
                reply = owner._next(body)
                if owner.delay or reply.delay:
                    time.sleep(owner.delay + reply.delay)
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if reply.raw is not None:
                    self._send(reply.status, raw=reply.raw)
                    return
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": f"scripted {reply.status}", "code": reply.status}})
                    return
                message: dict[str, Any] = {"role": "assistant", "content": reply.content}
                if reply.reasoning_content is not None:
                    message["reasoning_content"] = reply.reasoning_content
                self._send(200, {
                    "id": f"chatcmpl-{owner.count}", "object": "chat.completion", "created": int(time.time()),
                    "model": owner.model,
                    "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def decode_images(body: dict) -> list[tuple[str, np.ndarray]]:
    """``(mime, RGB array)`` for each image part of the request's user turn, in the order sent.

    Raises when a part is not a base64 data URL that decodes: the test then fails, as it should."""
    images = []
    for message in body["messages"]:
        if message.get("role") != "user" or not isinstance(message.get("content"), list):
            continue
        for part in message["content"]:
            if part.get("type") == "image_url":
                url = part["image_url"]["url"]
                head, _, payload = url.partition(",")
                assert head.startswith("data:") and head.endswith(";base64"), f"not a base64 data URL: {head[:40]}"
                with Image.open(io.BytesIO(base64.b64decode(payload, validate=True))) as im:
                    images.append((head[5:].split(";")[0], np.asarray(im.convert("RGB"))))
    return images


def content_order(body: dict) -> list[str]:
    """The part types of the user turn in order, e.g. ``["image_url", "image_url", "text"]``."""
    for message in body["messages"]:
        if message.get("role") == "user" and isinstance(message.get("content"), list):
            return [p.get("type") for p in message["content"]]
    return []
