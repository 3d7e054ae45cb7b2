"""`visual-erm serve`: the reward server (FastAPI + uvicorn), locally or over Ray Serve deployments."""

from __future__ import annotations

import json
from typing import Optional

import typer

from visual_erm.cli import app


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", help="Interface to bind (keep loopback unless protected by --api-key)."),
    port: int = typer.Option(8000, help="TCP port."),
    workers: Optional[int] = typer.Option(None, help="Render processes / judge threads (default: one per core)."),
    api_key: Optional[str] = typer.Option(None, envvar="VISUAL_ERM_API_KEY",
                                          help="Require 'Authorization: Bearer KEY' or 'X-API-Key: KEY'."),
    judge: str = typer.Option("embedded", help="Default judge (embedded, lvlm, ...)."),
    judge_options: Optional[str] = typer.Option(None, help='Default judge options as JSON, e.g. \'{"endpoint": '
                                                           '"http://127.0.0.1:8001/v1", "model": "Visual-ERM"}\'.'),
    policy: str = typer.Option("auto", help="Default reward policy."),
    max_queue: int = typer.Option(256, help="Jobs allowed to wait; more get 429."),
    request_timeout: float = typer.Option(300.0, help="Seconds before a request is answered 504."),
    max_batch: int = typer.Option(64, help="Items merged into one render/judge batch."),
    image_root: Optional[str] = typer.Option(None, help="Allow references given as paths under this folder."),
    default_task: Optional[str] = typer.Option(None, help="Task for /get_reward labels that name none."),
    render_timeout: Optional[float] = typer.Option(None, help="Wall-clock seconds per rendering (default 20)."),
    ray: bool = typer.Option(False, "--ray", help="Run renderers and judges as Ray Serve deployments."),
    address: Optional[str] = typer.Option(None, help="Ray cluster address (default: start a local one)."),
    render_replicas: int = typer.Option(1, help="--ray: initial render/reward replicas."),
    max_replicas: int = typer.Option(4, help="--ray: autoscaling upper bound for each deployment."),
    judge_gpus: float = typer.Option(0.0, help="--ray: GPUs per judge replica (an LVLM judge served in-cluster)."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
) -> None:
    """Serve /v1/reward, /v1/judge, /v1/render, OpenRLHF's /get_reward, /healthz and /metrics (docs at /docs)."""
    from visual_erm.serve.app import ServeConfig, serve

    render_config = None
    if render_timeout is not None:
        import dataclasses

        from visual_erm.render.config import RenderConfig

        base = RenderConfig()
        sandbox = dataclasses.replace(base.sandbox, wall_seconds=render_timeout,
                                      cpu_seconds=max(1, int(render_timeout) + 1))
        render_config = dataclasses.replace(base, sandbox=sandbox)
    cfg = ServeConfig(render_config=render_config, host=host, port=port, workers=workers, api_key=api_key, judge=judge,
                      judge_options=json.loads(judge_options) if judge_options else None, policy=policy,
                      max_queue=max_queue, request_timeout=request_timeout, max_batch=max_batch,
                      image_root=image_root, default_task=default_task)
    runner = None
    if ray:
        from visual_erm.serve.ray_backend import RayServeOptions, RayServeRunner

        runner = RayServeRunner(cfg, RayServeOptions(address=address, initial_replicas=render_replicas,
                                                     max_replicas=max_replicas, judge_gpus=judge_gpus))
    serve(cfg, runner=runner, log_level=log_level)
