"""`visual-erm data export`: judge training data from VC-RewardBench-layout pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from visual_erm.cli import app

data_app = typer.Typer(help="Judge training data.", no_args_is_help=True)
app.add_typer(data_app, name="data")


@data_app.command("export")
def export_command(
    source: Path = typer.Argument(..., help="A DATA.jsonl in VC-RewardBench layout, or a folder holding one (bench build)."),
    out: Path = typer.Option(Path("train.jsonl"), "--out", "-o", help="Output JSONL."),
    format: str = typer.Option("sharegpt", "--format", "-f", help="sharegpt (LLaMA-Factory) or messages (TRL SFT)."),
    images: str = typer.Option("absolute", help="Image paths: absolute, relative (to --out's folder) or copy."),
    task: Optional[list[str]] = typer.Option(None, "--task", help="Keep only this task (repeatable)."),
    skip_equivalent: bool = typer.Option(False, help="Drop pairs without human errors."),
    with_bbox: bool = typer.Option(False, help="Keep bbox fields in the target verdicts."),
    shuffle_seed: Optional[int] = typer.Option(None, help="Shuffle records with this seed."),
    val_fraction: float = typer.Option(0.0, help="Fraction written to <out>.val.jsonl."),
) -> None:
    """Write chat records (two images + judge prompt -> target JSON verdict) for supervised judge fine-tuning."""
    from visual_erm.data.export import ExportConfig, export

    cfg = ExportConfig(format=format, images=images, tasks=tuple(task) if task else ExportConfig().tasks,
                       skip_equivalent=skip_equivalent, with_bbox=with_bbox, shuffle_seed=shuffle_seed,
                       val_fraction=val_fraction)
    try:
        report = export(source, out, config=cfg)
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps({"written": report.written, "validation": report.validation, "skipped": report.skipped,
                           "dropped_errors": report.dropped_errors, "normalised_errors": report.normalised_errors,
                           "files": report.files}, indent=2))
