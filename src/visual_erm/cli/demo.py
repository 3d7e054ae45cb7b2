"""`visual-erm demo`: the whole pipeline on bundled examples — render, judge, reward, HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from visual_erm.cli import app

_REFERENCE_LANGUAGES = {".py": "python", ".svg": "svg", ".html": "html", ".md": "markdown", ".tex": "latex"}


def default_examples() -> Path:
    """examples/demo beside the source tree, or in the current folder."""
    here = Path(__file__).resolve().parents[3] / "examples" / "demo"
    return here if here.is_dir() else Path("examples/demo")


@app.command("demo")
def demo_command(
    examples: Optional[Path] = typer.Option(None, "--examples", help="Folder with one sub-folder per task (chart, svg, table), "
                                            "each holding reference.* and candidate_*.md model answers."),
    out: Path = typer.Option(Path("demo-out"), "--out", "-o", help="Where PNGs and report.html are written."),
    judge: str = typer.Option("embedded", "--judge", help="Judge name (see `visual-erm judge --help`)."),
) -> None:
    """Render reference programs and model answers, judge each answer in visual space, print verdicts and rewards,
    and write an HTML report."""
    from PIL import Image

    from visual_erm.render import render_code
    from visual_erm.report import write_report
    from visual_erm.reward import reward_batch

    root = examples or default_examples()
    if not root.is_dir():
        typer.echo(f"error: no examples folder at {root}", err=True)
        raise typer.Exit(2)
    out.mkdir(parents=True, exist_ok=True)
    items = []
    for task in ("chart", "svg", "table"):
        folder = root / task
        refs = sorted(folder.glob("reference.*")) if folder.is_dir() else []
        if not refs:
            continue
        ref_path = refs[0]
        reference = render_code(task, ref_path.read_text(), language=_REFERENCE_LANGUAGES.get(ref_path.suffix))
        if not reference.ok:
            typer.echo(f"[{task}] reference {ref_path.name} did not render: {reference.failure.value}: {reference.message}", err=True)
            raise typer.Exit(1)
        Image.fromarray(reference.image).save(out / f"{task}_reference.png")
        answers = sorted(folder.glob("candidate_*.md"))
        results = reward_batch(task, [p.read_text() for p in answers], reference.image, judge=judge)
        typer.echo(f"\n== {task}: reference {ref_path.name} ({reference.size[0]}x{reference.size[1]})")
        for path, result in zip(answers, results):
            name = path.stem.removeprefix("candidate_")
            rendering, verdict = result.rendering, result.verdict
            if rendering.image is not None:
                Image.fromarray(rendering.image).save(out / f"{task}_{name}.png")
            if not rendering.ok:
                typer.echo(f"  {name:12s} reward {result.score:6.3f}  render failed: {rendering.failure.value}: "
                           f"{(rendering.message.splitlines() or [''])[-1][:100]}")
            elif verdict is not None and not verdict.ok:
                typer.echo(f"  {name:12s} reward {result.score:6.3f}  judge failed: {verdict.parse_error}")
            else:
                typer.echo(f"  {name:12s} reward {result.score:6.3f}  severity sum {verdict.severity_sum}, "
                           f"{len(verdict.errors)} discrepanc{'y' if len(verdict.errors) == 1 else 'ies'}")
                for i, err in enumerate(verdict.errors, 1):
                    where = f" [{err.location}]" if err.location else ""
                    typer.echo(f"      {i}. {err.category} (severity {err.severity}){where}: {err.description}")
            items.append({"id": f"{task}/{name}", "task": task, "reference": reference.image,
                          "candidate": rendering.image, "verdict": verdict if rendering.ok else None,
                          "error": None if rendering.ok else f"render failed: {rendering.failure.value}",
                          "reward": round(result.score, 4), "policy": result.policy})
    report = write_report(out / "report.html", items, title="visual-erm demo")
    typer.echo(f"\nreport: {report}")
