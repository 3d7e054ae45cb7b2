"""A self-contained HTML report: each pair side by side, error boxes drawn and numbered on the candidate, the error
list beside it. Images are inlined as data URLs, so the page can be mailed or attached to a CI run as one file."""

from __future__ import annotations

import base64
import html
import io
import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from visual_erm.images import as_rgb, load_image
from visual_erm.types import CATEGORY_KEY, Discrepancy, Verdict

# One colour per severity (1 minor .. 3 wrong), used for boxes and list badges alike.
SEVERITY_COLOURS = {1: (230, 160, 0), 2: (235, 90, 20), 3: (200, 0, 40)}
MAX_SIDE = 900


@dataclass
class ReportItem:
    """One row of the report. ``reference``/``candidate``: path, bytes, data URL or array (None: not available).
    ``verdict``: a Verdict, a Visual-ERM dict (with ``errors``), or None. ``error``: why the item failed, if it did.
    ``extra``: more fields shown under the title (reward, policy, ...)."""

    id: str
    task: str
    reference: Any = None
    candidate: Any = None
    verdict: Verdict | Mapping[str, Any] | None = None
    error: str | None = None
    extra: Mapping[str, Any] | None = None


def _as_item(obj: ReportItem | Mapping[str, Any], index: int) -> ReportItem:
    if isinstance(obj, ReportItem):
        return obj
    known = {"id", "task", "category", "reference", "candidate", "verdict", "error", "extra", "gt_img_path",
             "pred_img_path", "errors"}
    verdict = obj.get("verdict")
    if verdict is None and "errors" in obj:
        verdict = {"errors": obj["errors"]}
    extra = dict(obj.get("extra") or {})
    extra.update({k: v for k, v in obj.items() if k not in known})
    return ReportItem(
        id=str(obj.get("id", index)),
        task=str(obj.get("task") or obj.get("category") or "chart"),
        reference=obj.get("reference", obj.get("gt_img_path")),
        candidate=obj.get("candidate", obj.get("pred_img_path")),
        verdict=verdict,
        error=obj.get("error"),
        extra=extra,
    )


def _errors(item: ReportItem) -> list[Discrepancy]:
    v = item.verdict
    if v is None:
        return []
    if isinstance(v, Verdict):
        return list(v.errors)
    out = []
    for e in v.get("errors") or []:
        if not isinstance(e, Mapping):
            continue
        out.append(Discrepancy(category=str(e.get(CATEGORY_KEY.get(item.task, "category")) or e.get("category")
                                            or e.get("type") or ""),
                               severity=int(e.get("severity") or 1), description=str(e.get("description") or ""),
                               location=str(e.get("location") or ""), bbox=e.get("bbox")))
    return out


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has one fixed-size default font
        return ImageFont.load_default()


def draw_boxes(image: np.ndarray, errors: list[Discrepancy]) -> np.ndarray:
    """``image`` (H, W, 3 uint8) with each error's bbox drawn in its severity colour and numbered 1..n in list order.

    Errors without a bbox keep their number in the list but draw nothing; boxes are clipped to the image."""
    im = Image.fromarray(as_rgb(image)).convert("RGB")
    draw = ImageDraw.Draw(im)
    h, w = im.height, im.width
    width = max(2, round(max(h, w) / 300))
    font = _font(max(12, round(max(h, w) / 45)))
    for number, err in enumerate(errors, start=1):
        if not err.bbox or len(err.bbox) != 4:
            continue
        x0, y0, x1, y1 = (float(v) for v in err.bbox)
        x0, x1 = sorted((min(max(x0, 0), w - 1), min(max(x1, 0), w - 1)))
        y0, y1 = sorted((min(max(y0, 0), h - 1), min(max(y1, 0), h - 1)))
        colour = SEVERITY_COLOURS.get(int(err.severity), SEVERITY_COLOURS[2])
        draw.rectangle([x0, y0, x1, y1], outline=colour, width=width)
        label = str(number)
        tb = draw.textbbox((0, 0), label, font=font)
        tw, th = tb[2] - tb[0] + 6, tb[3] - tb[1] + 6
        lx, ly = x0, y0 - th if y0 - th >= 0 else y0
        draw.rectangle([lx, ly, lx + tw, ly + th], fill=colour)
        draw.text((lx + 3 - tb[0], ly + 3 - tb[1]), label, fill=(255, 255, 255), font=font)
    return np.asarray(im)


def _data_url(image: np.ndarray, *, max_side: int = MAX_SIDE) -> str:
    im = Image.fromarray(as_rgb(image))
    if max(im.size) > max_side:
        scale = max_side / max(im.size)
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _image_cell(source: Any, caption: str, errors: list[Discrepancy] | None = None) -> str:
    if source is None:
        return f'<figure class="missing"><div>no image</div><figcaption>{caption}</figcaption></figure>'
    try:
        image = load_image(source)
    except Exception as exc:  # a missing file shows as a note on the page, not as a broken report
        note = html.escape(f"{type(exc).__name__}: {exc}")
        return f'<figure class="missing"><div>{note}</div><figcaption>{caption}</figcaption></figure>'
    if errors:
        image = draw_boxes(image, errors)
    return (f'<figure><img src="{_data_url(image)}" alt="{caption}"><figcaption>{caption} '
            f'({image.shape[1]}&times;{image.shape[0]})</figcaption></figure>')


def _error_list(item: ReportItem, errors: list[Discrepancy]) -> str:
    parts = []
    if item.error:
        parts.append(f'<p class="failed">{html.escape(str(item.error))}</p>')
    parse_error = item.verdict.parse_error if isinstance(item.verdict, Verdict) else None
    if parse_error:
        parts.append(f'<p class="failed">judge failed: {html.escape(parse_error)}</p>')
    if not errors and not item.error and not parse_error:
        parts.append('<p class="clean">No discrepancies: visually equivalent.</p>')
    if errors:
        rows = []
        for number, e in enumerate(errors, start=1):
            boxed = "" if e.bbox else ' <span class="nobox">(no box)</span>'
            location = f'<span class="loc">{html.escape(e.location)}</span> ' if e.location else ""
            rows.append(f'<li><span class="badge sev{int(e.severity)}">{number}</span> '
                        f'<b>{html.escape(e.category)}</b> &middot; severity {int(e.severity)}<br>'
                        f'{location}{html.escape(e.description)}{boxed}</li>')
        parts.append("<ol>" + "".join(rows) + "</ol>")
    return "".join(parts)


def _summary(item: ReportItem, errors: list[Discrepancy]) -> str:
    fields: dict[str, Any] = {"task": item.task, "errors": len(errors),
                              "severity sum": sum(int(e.severity) for e in errors)}
    if isinstance(item.verdict, Verdict):
        fields["score"] = f"{item.verdict.score:.3f}"
        if item.verdict.judge:
            fields["judge"] = item.verdict.judge
    for k, v in (item.extra or {}).items():
        fields[k] = f"{v:.4g}" if isinstance(v, float) else v
    return " &middot; ".join(f"{html.escape(str(k))}: <b>{html.escape(str(v))}</b>" for k, v in fields.items())


_CSS = """
body{font-family:system-ui,Arial,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:20px} .meta{color:#555;font-size:13px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;margin:16px 0}
section h2{font-size:15px;margin:0 0 4px} .row{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
figure{margin:0;flex:1 1 300px;max-width:460px} figure img{max-width:100%;border:1px solid #ccc;background:#fff}
figcaption{font-size:12px;color:#666} .missing div{padding:40px;border:1px dashed #bbb;color:#888;font-size:12px}
.errors{flex:1 1 280px;font-size:13px} .errors ol{padding-left:0;list-style:none} .errors li{margin:0 0 8px}
.badge{display:inline-block;min-width:18px;text-align:center;color:#fff;border-radius:3px;padding:0 4px;font-weight:bold}
.sev1{background:rgb(230,160,0)} .sev2{background:rgb(235,90,20)} .sev3{background:rgb(200,0,40)}
.loc{color:#555;font-style:italic} .nobox{color:#999;font-size:11px} .failed{color:#b00020} .clean{color:#1b7d2a}
"""


def render_report(items: Iterable[ReportItem | Mapping[str, Any]], *, title: str = "visual-erm report") -> str:
    """The report page as an HTML string (see :func:`write_report`)."""
    sections = []
    rows = [_as_item(obj, i) for i, obj in enumerate(items)]
    total_errors = 0
    for item in rows:
        errors = _errors(item)
        total_errors += len(errors)
        sections.append(
            f'<section id="item-{html.escape(item.id, quote=True)}"><h2>{html.escape(item.id)}</h2>'
            f'<div class="meta">{_summary(item, errors)}</div><div class="row">'
            f'{_image_cell(item.reference, "reference")}{_image_cell(item.candidate, "candidate", errors)}'
            f'<div class="errors">{_error_list(item, errors)}</div></div></section>')
    head = (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>'
            f'<p class="meta">{len(rows)} pair(s), {total_errors} discrepancy(ies). Boxes are numbered as the list; '
            'colour by severity: <span class="badge sev1">1</span> minor, <span class="badge sev2">2</span> hurts '
            'reading, <span class="badge sev3">3</span> wrong.</p>')
    return head + "".join(sections) + "</body></html>"


def write_report(path: str | os.PathLike, items: Iterable[ReportItem | Mapping[str, Any]], *,
                 title: str = "visual-erm report") -> str:
    """Write one self-contained HTML page comparing each reference with its candidate; returns the path.

    Args:
        path: where to write the page (parent folders are created).
        items: :class:`ReportItem` or dicts with ``id``, ``task`` (or ``category``), ``reference``/``candidate`` (or
            ``gt_img_path``/``pred_img_path``: paths, bytes, data URLs or arrays), ``verdict`` (Verdict or a Visual-ERM
            dict) or ``errors``, optional ``error``; any other keys (reward, policy...) are shown under the title.
            Boxes (``bbox`` in candidate pixels) are drawn and numbered as the error list; all text is escaped.
        title: page title.
    """
    text = render_report(items, title=title)
    target = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    with open(target, "w", encoding="utf-8") as fh:
        fh.write(text)
    return target
