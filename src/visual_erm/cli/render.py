"""`visual-erm render`: model answers or code → PNG files, through the warm sandboxed pool."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from visual_erm.cli import app


@app.command("render")
def render_command(
    inputs: List[str] = typer.Argument(..., help="Files holding a model answer or raw code; '-' reads standard input."),
    task: str = typer.Option(..., "--task", "-t", help="chart | svg | table"),
    format: Optional[str] = typer.Option(None, "--format", "-f", help="Table format: html | markdown | latex (default: detect)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output PNG (one input only)."),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="Folder for one PNG per input, named after the input's stem."),
    as_json: bool = typer.Option(False, "--json", help="Print one Rendering summary per input as JSON lines."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Warm worker processes (default: one per core)."),
    dpi: int = typer.Option(100, "--dpi", help="Chart resolution."),
    svg_size: int = typer.Option(512, "--svg-size", help="Longest side of SVG renderings in pixels."),
    timeout: float = typer.Option(20.0, "--timeout", help="Wall-clock limit per input in seconds."),
    strict: bool = typer.Option(False, "--strict", help="A fresh sandboxed process per input (slower)."),
) -> None:
    """Render model outputs safely. Exit status 0 when every input rendered, 1 when any failed (the others are still written)."""
    import dataclasses

    from PIL import Image

    from visual_erm.render import RenderConfig, SandboxConfig, render_many
    from visual_erm.types import FailureKind, Rendering, check_task

    try:
        check_task(task)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--task") from None
    if out is not None and len(inputs) != 1:
        raise typer.BadParameter("--out takes one input; use --out-dir for several", param_hint="--out")
    texts, unreadable = [], {}
    for name in inputs:
        try:
            texts.append(sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            unreadable[name] = f"cannot read input: {exc.strerror or exc}"
            texts.append("")
    config = RenderConfig(sandbox=dataclasses.replace(SandboxConfig(), wall_seconds=timeout), dpi=dpi, svg_size=svg_size,
                          workers=workers, strict=strict)
    results = render_many(task, texts, formats=[format] * len(texts), config=config, progress=len(texts) > 1)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name, result in zip(inputs, results):
        if name in unreadable:
            result = Rendering.failed(FailureKind.NO_CODE, unreadable[name], task=task)
        target = out if out is not None else (out_dir / f"{'stdin' if name == '-' else Path(name).stem}.png" if out_dir else None)
        if result.ok and target is not None:
            Image.fromarray(result.image).save(target)
        if not result.ok:
            failed += 1
        if as_json:
            typer.echo(json.dumps({"input": name, **result.summary(), "output": str(target) if result.ok and target else None}))
        elif not result.ok:
            typer.echo(f"{name}: {result.failure.value}: {result.message.splitlines()[-1] if result.message else ''}", err=True)
        elif target is None:
            typer.echo(f"{name}: ok {result.size[0]}x{result.size[1]} (use -o or --out-dir to write it)")
    raise typer.Exit(1 if failed else 0)
