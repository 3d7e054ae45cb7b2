"""`visual-erm bench score|build|run`: VC-RewardBench metrics, benchmark building, judges side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from visual_erm.cli import app

bench_app = typer.Typer(help="Benchmarks: score judge predictions, build pairs with exact ground truth, compare judges.",
                        no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("build")
def build_cmd(
    task: str = typer.Option(..., "--task", help="chart, svg or table"),
    out: Path = typer.Option(..., "--out", help="output folder (DATA.jsonl, rank.jsonl, manifest.json, images/)"),
    n: int = typer.Option(40, "--n", help="number of (reference, candidate) pairs"),
    seed: int = typer.Option(0, "--seed", help="same seed + cached sources = same benchmark"),
    singles: int = typer.Option(3, "--singles", help="one-error candidates per reference"),
    workers: int = typer.Option(2, "--workers", help="parallel child processes (charts)"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress lines"),
) -> None:
    """Build benchmark pairs from real material with injected errors and their true boxes."""
    from visual_erm.bench.build import build

    manifest = build(task, out, n=n, seed=seed, singles=singles, workers=workers, progress=not quiet)
    typer.echo(json.dumps({k: manifest[k] for k in ("task", "items", "rank_pairs", "controls", "errors_by_category")}))


@bench_app.command("score")
def score_cmd(
    data: Path = typer.Option(..., "--data", help="DATA.jsonl in VC-RewardBench layout"),
    pred: Path = typer.Option(..., "--pred", help="PRED.jsonl as `visual-erm judge --items` writes it"),
    matcher: str = typer.Option("rules", "--matcher", help="rules (deterministic Hungarian) or llm"),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help="OpenAI-compatible base URL for --matcher llm"),
    model: Optional[str] = typer.Option(None, "--model", help="model name for --matcher llm"),
    as_json: bool = typer.Option(False, "--json", help="print the full report as JSON"),
) -> None:
    """Hard/soft F1, per-category F1, severity correlation and clean-control rate of predictions."""
    from visual_erm.bench.matcher import get_matcher
    from visual_erm.bench.score import format_report, load_jsonl, score_predictions

    m = get_matcher(matcher, endpoint=endpoint, model=model)
    report = score_predictions(load_jsonl(data), load_jsonl(pred), matcher=m)
    typer.echo(json.dumps(report, indent=2) if as_json else format_report(report))


@bench_app.command("run")
def run_cmd(
    folder: Path = typer.Argument(..., help="a folder written by `bench build` (or any DATA.jsonl + rank.jsonl)"),
    judge: list[str] = typer.Option(["embedded"], "--judge", help="judge name; repeat to compare several"),
    out: Optional[Path] = typer.Option(None, "--out", help="results folder (default FOLDER/results)"),
    limit: Optional[int] = typer.Option(None, "--limit", help="only the first N items"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress lines"),
) -> None:
    """Run judges over a benchmark; write predictions, scores, ranking accuracy, results.md and results.png."""
    from visual_erm.bench.run import RunConfig, run_bench

    results = run_bench(folder, RunConfig(judges=tuple(judge), out=out, limit=limit, progress=not quiet))
    typer.echo(results["markdown"])
