"""`visual-erm reward`: score model answers (files holding the whole answer text) against one reference image."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from visual_erm.cli import app
from visual_erm.cli.judge import build_judge, judge_choice, verdict_record


@app.command("reward")
def reward_command(
    answers: list[Path] = typer.Argument(..., help="Files with a model's full answer (code is extracted); - = stdin."),
    task: str = typer.Option(..., "--task", "-t", help="chart, table or svg."),
    ref: Path = typer.Option(..., "--ref", help="Reference image the answers should reproduce."),
    policy: str = typer.Option("auto", "--policy", "-p",
                               help="auto (release for chart/svg, table-release for tables), release, paper "
                                    "(normalised over the given answers) or table-release."),
    judge: Optional[str] = typer.Option(None, "--judge", "-j",
                                        help="Judge name (default: embedded; lvlm when --endpoint is given)."),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help="OpenAI-compatible server(s) for the lvlm judge."),
    model: Optional[str] = typer.Option(None, "--model", help="Served model name for the lvlm judge."),
    api_key: Optional[str] = typer.Option(None, "--api-key", help="Bearer token for the lvlm judge."),
    option: Optional[list[str]] = typer.Option(None, "--option", "-o", help="Judge option KEY=VALUE, repeatable."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Render workers and judge threads."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per answer on stdout."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write a self-contained HTML report here."),
) -> None:
    """Render each answer, judge it against REF and print its reward under the chosen policy."""
    from visual_erm.reward import list_policies, reward_batch
    from visual_erm.types import CATEGORIES

    if task not in CATEGORIES:
        raise typer.BadParameter(f"--task must be chart, table or svg, got {task!r}")
    if policy not in list_policies():
        raise typer.BadParameter(f"--policy must be one of {', '.join(list_policies())}, got {policy!r}")
    if not ref.is_file():
        raise typer.BadParameter(f"no such reference image: {ref}")
    texts = []
    for path in answers:
        if str(path) == "-":
            texts.append(sys.stdin.read())
        elif path.is_file():
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        else:
            raise typer.BadParameter(f"no such answer file: {path}")
    name, opts = judge_choice(judge, endpoint, model, api_key, option)
    judge_obj = build_judge(name, opts)
    results = reward_batch(task, texts, str(ref), judge=judge_obj, policy=policy, workers=workers,
                           progress=sys.stderr.isatty())
    rows = []
    for path, result in zip(answers, results):
        r, v = result.rendering, result.verdict
        if as_json:
            record = {"file": str(path), "reward": result.score, "policy": result.policy, "rendering": r.summary(),
                      "extras": result.extras()}
            if v is not None:
                record["verdict"] = verdict_record(v, task=task)
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            if not r.ok:
                why = f"not rendered ({r.failure.value if r.failure else 'failed'}: {r.message[:80]})"
            elif v is None or not v.ok:
                why = f"judge failed ({v.parse_error if v is not None else 'no verdict'})"
            else:
                why = f"{len(v.errors)} discrepancies, severity sum {v.severity_sum}"
            typer.echo(f"{result.score:8.4f}  {path}  [{result.policy}] {why}")
        rows.append({"id": str(path), "task": task, "reference": ref,
                     "candidate": r.image if r.image is not None else None, "verdict": v,
                     "error": None if r.ok else f"render {r.failure.value if r.failure else 'failed'}: {r.message}",
                     "reward": result.score, "policy": result.policy})
    if report is not None:
        from visual_erm.report import write_report

        write_report(report, rows, title=f"visual-erm reward vs {ref.name}")
