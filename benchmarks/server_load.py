"""Load test of `visual-erm serve`: N requests at concurrency C, 10 % hostile code, render workers killed mid-run.

Checks that every request is answered (no lost or hung request: each has a client timeout), prints latency
percentiles and throughput, and compares items/s with an in-process ``reward_batch`` over a sample (the baseline).

    .venv/bin/python benchmarks/server_load.py [--requests 1000] [--concurrency 32] [--kills 3]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

from visual_erm.procs import children

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120">'
SVG = HEAD + '<rect x="10" y="10" width="60" height="60" fill="#d62728"/><circle cx="85" cy="85" r="25" fill="#1f77b4"/></svg>'
SVG_VARIANTS = [SVG, SVG.replace("#d62728", "#2ca02c"), HEAD + '<circle cx="85" cy="85" r="25" fill="#1f77b4"/></svg>',
                SVG.replace('r="25"', 'r="15"'), "I cannot draw this."]
CHART = "```python\nimport matplotlib.pyplot as plt\nplt.bar(['a', 'b', 'c'], [{a}, 2, 3], color='tab:red')\nplt.title('T')\n```"
HOSTILE = [
    ("chart", "```python\nwhile True:\n    pass\n```"),
    ("chart", "```python\nx = bytearray(8 << 30)\n```"),
    ("chart", "```python\nimport os\nwhile True:\n    os.fork()\n```"),
    ("chart", "```python\nimport ctypes\nctypes.string_at(0)\n```"),
    ("chart", "```python\nimport urllib.request\nurllib.request.urlopen('http://10.0.0.1/', timeout=30)\n```"),
    ("chart", "```python\nprint(open('/etc/shadow').read())\n```"),
    ("svg", '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg">&c;</svg>'),
    ("svg", '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="10" height="10"/></svg>'),
    ("svg", '<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 50000 + "</g>" * 50000 + "</svg>"),
    ("svg", '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd" width="10" height="10"/></svg>'),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workload(n: int, seed: int = 0) -> list[tuple[str, str, bool]]:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        if i % 10 == 9:
            task, code = rng.choice(HOSTILE)
            items.append((task, code, True))
        elif rng.random() < 0.25:
            items.append(("chart", CHART.format(a=rng.choice([1, 4, 5])), False))
        else:
            items.append(("svg", rng.choice(SVG_VARIANTS), False))
    return items


async def run_load(url: str, items, refs: dict[str, str], concurrency: int, timeout: float, server_pid: int,
                   kills: int) -> tuple[list[float], Counter, int, float]:
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    codes: Counter = Counter()
    done = 0
    killed = 0

    async with httpx.AsyncClient(base_url=url, timeout=timeout) as client:
        async def one(task: str, code: str) -> None:
            nonlocal done
            async with sem:
                t0 = time.perf_counter()
                try:
                    r = await client.post("/v1/reward", json={"task": task, "completions": [code],
                                                              "references": refs[task], "include_verdict": False})
                    codes[r.status_code] += 1
                except httpx.TimeoutException:
                    codes["client_timeout"] += 1
                except httpx.HTTPError as exc:
                    codes[f"error:{type(exc).__name__}"] += 1
                latencies.append(time.perf_counter() - t0)
                done += 1

        async def killer() -> None:
            nonlocal killed
            marks = [int(len(items) * (k + 1) / (kills + 1)) for k in range(kills)]
            for mark in marks:
                while done < mark:
                    await asyncio.sleep(0.05)
                victims = children(server_pid)
                if victims:
                    os.kill(random.choice(victims), signal.SIGKILL)
                    killed += 1

        start = time.perf_counter()
        await asyncio.gather(killer(), *(one(t, c) for t, c, _ in items))
        wall = time.perf_counter() - start
    return latencies, codes, killed, wall


def baseline(items, ref_paths: dict[str, str], sample: int) -> float:
    """Items per second of an in-process reward_batch over the first ``sample`` non-hostile items."""
    from visual_erm.reward import reward_batch

    normal = [(t, c) for t, c, hostile in items if not hostile][:sample]
    reward_batch([t for t, _ in normal[:4]], [c for _, c in normal[:4]], [ref_paths[t] for t, _ in normal[:4]])  # warm
    t0 = time.perf_counter()
    reward_batch([t for t, _ in normal], [c for _, c in normal], [ref_paths[t] for t, _ in normal])
    return len(normal) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--kills", type=int, default=3, help="render workers killed during the run")
    ap.add_argument("--render-timeout", type=float, default=3.0)
    ap.add_argument("--client-timeout", type=float, default=300.0)
    ap.add_argument("--baseline-sample", type=int, default=60)
    args = ap.parse_args()

    from visual_erm.images import encode_png
    from visual_erm.render import render_code

    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"verm-load-{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    ref_paths, refs = {}, {}
    for task, code in (("svg", SVG), ("chart", CHART.format(a=1).split("\n", 1)[1].rsplit("```", 1)[0])):
        rendering = render_code(task, code)
        assert rendering.ok, rendering.message
        png = encode_png(rendering.image)
        ref_paths[task] = str(tmp / f"{task}.png")
        Path(ref_paths[task]).write_bytes(png)
        refs[task] = base64.b64encode(png).decode()
    items = workload(args.requests)

    port = free_port()
    cli = str(Path(sys.executable).parent / "visual-erm")
    proc = subprocess.Popen([cli, "serve", "--port", str(port), "--log-level", "warning", "--render-timeout",
                             str(args.render_timeout)], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        lat, codes, killed, wall = asyncio.run(run_load(url, items, refs, args.concurrency, args.client_timeout,
                                                        proc.pid, args.kills))
        metrics = httpx.get(url + "/metrics").text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)

    lat.sort()
    answered = sum(v for k, v in codes.items() if isinstance(k, int))
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    retries = next((ln.split()[-1] for ln in metrics.splitlines() if ln.startswith("visual_erm_crash_retries_total")),
                   "0")
    print(f"requests           {len(items)} (hostile {sum(h for _, _, h in items)}), concurrency {args.concurrency}")
    print(f"answered           {answered}/{len(items)}  status codes {dict(codes)}")
    print(f"lost or hung       {len(items) - answered}")
    print(f"workers killed     {killed}  (crash retries {retries})")
    print(f"latency ms         p50 {pct(0.5):.0f}  p90 {pct(0.9):.0f}  p99 {pct(0.99):.0f}  max {lat[-1] * 1000:.0f}")
    print(f"throughput         {len(items) / wall:.1f} req/s over {wall:.1f} s")
    base = baseline(items, ref_paths, args.baseline_sample)
    print(f"baseline           in-process reward_batch on {args.baseline_sample} normal items: {base:.1f} items/s")
    print(f"ratio              server req/s / in-process items/s = {len(items) / wall / base:.2f} "
          "(server load includes 10 % hostile items)")
    sys.exit(0 if answered == len(items) and codes.get(200, 0) == len(items) else 1)


if __name__ == "__main__":
    main()
