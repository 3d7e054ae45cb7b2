"""`visual-erm judge`: one pair (REF CAND) or a VC-RewardBench-style JSONL of pairs, with an optional HTML report."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional

import typer

from visual_erm.cli import app

LVLM_FLAGS = "--endpoint/--model/--api-key"


def judge_choice(judge: str | None, endpoint: str | None, model: str | None, api_key: str | None,
                 options: list[str] | None) -> tuple[str, dict[str, Any]]:
    """The judge name and its options from CLI flags: ``--endpoint`` alone picks ``lvlm``; ``-o KEY=VALUE`` adds any
    option (VALUE read as JSON when it parses, else as text)."""
    lvlm_flags = {k: v for k, v in (("endpoint", endpoint), ("model", model), ("api_key", api_key)) if v}
    name = judge or ("lvlm" if lvlm_flags else "embedded")
    if lvlm_flags and name != "lvlm":
        raise typer.BadParameter(f"{LVLM_FLAGS} apply to --judge lvlm, not {name!r}")
    opts: dict[str, Any] = {}
    for text in options or []:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"--option wants KEY=VALUE, got {text!r}")
        try:
            opts[key.strip().replace("-", "_")] = json.loads(value)
        except ValueError:
            opts[key.strip().replace("-", "_")] = value
    opts.update(lvlm_flags)
    return name, opts


def build_judge(name: str, options: dict[str, Any]):
    """``get_judge`` with configuration mistakes turned into a one-line CLI error."""
    from visual_erm.judge import get_judge

    try:
        return get_judge(name, **options)
    except (KeyError, ValueError, TypeError) as exc:
        typer.echo(f"error: {exc.args[0] if exc.args else exc}", err=True)
        raise typer.Exit(2) from None


def verdict_record(verdict, **head: Any) -> dict[str, Any]:
    """The PRED line of one judged pair: ``head`` fields, the Visual-ERM object (counts, errors with bbox),
    ``severity_sum`` and ``score`` (1 = equivalent); a failed judgement carries ``error`` and null sums."""
    record = dict(head)
    if verdict.ok:
        record.update(verdict.to_dict())
        record["severity_sum"] = verdict.severity_sum
        record["score"] = round(verdict.score, 6)
    else:
        record.update(errors=[], severity_sum=None, score=None, error=f"judge failed: {verdict.parse_error}")
    record["judge"] = verdict.judge
    record["seconds"] = round(verdict.seconds, 4)
    return record


def print_verdict(verdict, *, title: str = "") -> None:
    """A short human-readable verdict on stdout."""
    if not verdict.ok:
        typer.echo(f"{title}judge failed: {verdict.parse_error}")
        return
    head = f"{title}{verdict.task}: {len(verdict.errors)} discrepancies, severity sum {verdict.severity_sum}, " \
           f"score {verdict.score:.3f}"
    typer.echo(head if verdict.errors else head + " (visually equivalent)")
    for i, e in enumerate(verdict.errors, start=1):
        where = f" [{e.location}]" if e.location else ""
        box = f" bbox={[round(v) for v in e.bbox]}" if e.bbox else ""
        typer.echo(f"  {i}. {e.category} (severity {e.severity}){where}: {e.description}{box}")


def _judge_pair(judge, task: str, ref: Any, cand: Any):
    from visual_erm.images import load_image

    return judge.judge(load_image(ref), load_image(cand), task=task)


def _resolve(base: Path, value: Any) -> Path:
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else base / path


def _batch_item(judge, line_no: int, line: str, base: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Judge one JSONL line -> (PRED record, report row). Never raises: a broken item gets an ``error`` field."""
    from visual_erm.types import CATEGORIES

    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise ValueError("line is not a JSON object")
    except ValueError as exc:
        return {"id": f"line-{line_no}", "category": None, "errors": [], "severity_sum": None, "score": None,
                "error": f"bad item: {exc}"}, None
    item_id = item.get("id", f"line-{line_no}")
    task = item.get("category") or item.get("task")
    head = {"id": item_id, "category": task}
    try:
        if task not in CATEGORIES:
            raise ValueError(f"category must be chart, table or svg, got {task!r}")
        for key in ("gt_img_path", "pred_img_path"):
            if not item.get(key):
                raise ValueError(f"missing {key}")
        ref, cand = _resolve(base, item["gt_img_path"]), _resolve(base, item["pred_img_path"])
        verdict = _judge_pair(judge, task, ref, cand)
    except Exception as exc:  # unreadable image, bad field, judge bug: this item only
        record = {**head, "errors": [], "severity_sum": None, "score": None, "error": f"{type(exc).__name__}: {exc}"}
        row = {"id": str(item_id), "task": task if task in CATEGORIES else "chart", "error": record["error"],
               "reference": _resolve(base, item["gt_img_path"]) if item.get("gt_img_path") else None,
               "candidate": _resolve(base, item["pred_img_path"]) if item.get("pred_img_path") else None}
        return record, row
    return verdict_record(verdict, **head), {"id": str(item_id), "task": task, "reference": ref, "candidate": cand,
                                             "verdict": verdict}


def _run_batch(judge, items: Path, out: Path, workers: int | None, report: Path | None) -> tuple[int, int]:
    from tqdm import tqdm

    lines = [(i, line) for i, line in enumerate(items.read_text(encoding="utf-8").splitlines(), start=1) if line.strip()]
    base = items.resolve().parent
    size = workers or getattr(judge, "max_concurrency", None) or 1
    rows: list[dict[str, Any]] = []
    broken = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh, ThreadPoolExecutor(max(1, min(int(size), len(lines) or 1))) as pool, \
            tqdm(total=len(lines), desc="judge", unit="pair", file=sys.stderr) as bar:
        futures = [pool.submit(_batch_item, judge, i, line, base) for i, line in lines]
        for fut in futures:  # in input order; each line is written as soon as it and those before it are done
            record, row = fut.result()
            broken += "error" in record
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            if row is not None and report is not None:
                rows.append(row)
            bar.update(1)
    if report is not None:
        from visual_erm.report import write_report

        write_report(report, rows, title=f"visual-erm judge: {items.name}")
    return len(lines), broken


@app.command("judge")
def judge_command(
    ref: Optional[Path] = typer.Argument(None, help="Reference image (the target)."),
    cand: Optional[Path] = typer.Argument(None, help="Candidate image (the rendering to judge)."),
    task: Optional[str] = typer.Option(None, "--task", "-t", help="chart, table or svg (single pair)."),
    judge: Optional[str] = typer.Option(None, "--judge", "-j",
                                        help="Judge name (default: embedded; lvlm when --endpoint is given)."),
    endpoint: Optional[str] = typer.Option(None, "--endpoint",
                                           help="OpenAI-compatible server(s) for the lvlm judge, comma-separated "
                                                "(default $VISUAL_ERM_ENDPOINT)."),
    model: Optional[str] = typer.Option(None, "--model", help="Served model name (default $VISUAL_ERM_MODEL or the "
                                                              "server's first model)."),
    api_key: Optional[str] = typer.Option(None, "--api-key", help="Bearer token (default $VISUAL_ERM_API_KEY)."),
    option: Optional[list[str]] = typer.Option(None, "--option", "-o",
                                               help="Judge option KEY=VALUE (JSON value), repeatable, e.g. "
                                                    "-o retries=0 -o structured=true."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON (Visual-ERM layout)."),
    items: Optional[Path] = typer.Option(None, "--items", help="Batch: JSONL with id, category, gt_img_path, "
                                                               "pred_img_path (relative to the file)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Batch: where to write one JSON line per item."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Batch: pairs judged at once."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write a self-contained HTML report here."),
) -> None:
    """Compare a candidate image with a reference and list the visual discrepancies (or judge a JSONL batch)."""
    name, opts = judge_choice(judge, endpoint, model, api_key, option)
    if items is not None:
        if ref is not None or cand is not None:
            raise typer.BadParameter("give either REF CAND or --items, not both")
        if out is None:
            raise typer.BadParameter("--items needs --out PRED.jsonl")
        if not items.is_file():
            raise typer.BadParameter(f"no such file: {items}")
        judge_obj = build_judge(name, opts)
        total, broken = _run_batch(judge_obj, items, out, workers, report)
        typer.echo(f"judged {total} pair(s) with {name}: {total - broken} ok, {broken} with an error -> {out}", err=True)
        return
    if ref is None or cand is None:
        raise typer.BadParameter("give REF and CAND images, or --items ITEMS.jsonl --out PRED.jsonl")
    if task is None:
        raise typer.BadParameter("--task chart|table|svg is required for a single pair")
    from visual_erm.types import CATEGORIES

    if task not in CATEGORIES:
        raise typer.BadParameter(f"--task must be chart, table or svg, got {task!r}")
    judge_obj = build_judge(name, opts)
    try:
        verdict = _judge_pair(judge_obj, task, ref, cand)
    except OSError as exc:
        typer.echo(f"error: cannot read image: {exc}", err=True)
        raise typer.Exit(2) from None
    if report is not None:
        from visual_erm.report import write_report

        write_report(report, [{"id": cand.name, "task": task, "reference": ref, "candidate": cand, "verdict": verdict}])
    if as_json:
        typer.echo(json.dumps(verdict_record(verdict, task=task), ensure_ascii=False, indent=2))
    else:
        print_verdict(verdict)
    if not verdict.ok:
        raise typer.Exit(1)
