"""`visual-erm refine`: reflect-and-revise against a policy model on an OpenAI-compatible server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from visual_erm.cli import app


@app.command("refine")
def refine_command(
    image: Path = typer.Argument(..., exists=True, dir_okay=False, help="The reference image to reproduce."),
    task: str = typer.Option(..., help="chart, table or svg."),
    policy_endpoint: str = typer.Option(..., help="OpenAI-compatible base URL of the policy, e.g. http://host:8000/v1."),
    policy_model: str = typer.Option(..., help="Model name on that server."),
    rounds: int = typer.Option(3, help="Revision rounds after the first attempt."),
    threshold: Optional[float] = typer.Option(None, help="Stop once the reward reaches this (default: no discrepancy)."),
    n: int = typer.Option(1, "--n", help="Candidates per round (best-of-N)."),
    judge: str = typer.Option("embedded", help="Judge name."),
    judge_options: Optional[str] = typer.Option(None, help="Judge options as JSON."),
    reward_policy: str = typer.Option("auto", help="Reward policy."),
    temperature: float = typer.Option(0.7, help="Policy sampling temperature."),
    api_key: Optional[str] = typer.Option(None, envvar="VISUAL_ERM_POLICY_API_KEY", help="Bearer token of the policy."),
    out: Path = typer.Option(Path("refine-out"), "--out", "-o", help="Folder for every round and index.html."),
) -> None:
    """Ask the policy for code, render and judge it, feed the discrepancies back, keep the best attempt."""
    from visual_erm.refine import RefineConfig, refine

    cfg = RefineConfig(rounds=rounds, threshold=threshold, n=n, judge=judge,
                       judge_options=json.loads(judge_options) if judge_options else None, policy=reward_policy,
                       temperature=temperature, api_key=api_key)
    result = refine(image, task=task, endpoint=policy_endpoint, model=policy_model, config=cfg, out_dir=out)
    summary = result.summary()
    typer.echo(json.dumps({"stopped": summary["stopped"], "error": summary["error"], "best": summary["best"],
                           "scores": [a["score"] for a in summary["attempts"]], "out": str(out)}, indent=2))
    if result.best is None:
        raise typer.Exit(1)
