"""SVG → PNG: a hardened pre-parse, then resvg at a forced output size on white. Runs in the sandboxed child."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 5_000_000
MAX_ELEMENTS = 50_000
MAX_DEPTH = 256
MAX_EXPANDED = 200_000  # elements after <use> expansion; a doubling bomb explodes past this

_XLINK = "{http://www.w3.org/1999/xlink}href"
_URL_IN_CSS = re.compile(r"url\(\s*(['\"]?)(?!#)[^)]*\1\s*\)", re.I)
_IMPORT_IN_CSS = re.compile(r"@import[^;]*;?", re.I)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|mm|cm|in|pc|em|ex)?\s*$")
_UNIT_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "em": 16.0, "ex": 8.0}


class SvgRejected(ValueError):
    """The SVG is refused before rendering; ``kind`` is a FailureKind value (forbidden, too_large, syntax)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class CleanSvg:
    text: str
    width: float
    height: float
    removed: int  # external references stripped


def sanitize_svg(source: str) -> CleanSvg:
    """Parse untrusted SVG without DTDs, entities or network; strip external references; enforce size caps.

    Raises :class:`SvgRejected` for a DTD/entity declaration (forbidden), too many bytes, elements, nesting or
    ``<use>`` expansion (too_large), or malformed XML (syntax).
    """
    from lxml import etree

    data = source.encode("utf-8") if isinstance(source, str) else source
    if len(data) > MAX_BYTES:
        raise SvgRejected("too_large", f"SVG of {len(data)} bytes exceeds {MAX_BYTES}")
    if re.search(rb"<!DOCTYPE|<!ENTITY", data[:65536], re.I):
        raise SvgRejected("forbidden", "DTDs and entity declarations are not allowed in SVG input")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        # libxml2's own caps (depth, node size) reject bombs as syntax errors; name them for what they are.
        if "excessive depth" in str(exc).lower() or "huge" in str(exc).lower():
            raise SvgRejected("too_large", f"SVG nested too deeply or too large: {exc}") from None
        raise SvgRejected("syntax", f"malformed SVG: {exc}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise SvgRejected("forbidden", "DTDs are not allowed in SVG input")
    if not isinstance(root.tag, str) or etree.QName(root).localname != "svg":
        raise SvgRejected("syntax", "the document's root element is not <svg>")

    count, ids = 0, {}
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            raise SvgRejected("too_large", f"more than {MAX_ELEMENTS} elements")
        if depth > MAX_DEPTH:
            raise SvgRejected("too_large", f"elements nested deeper than {MAX_DEPTH}")
        if isinstance(el.tag, str) and el.get("id"):
            ids[el.get("id")] = el
        stack.extend((child, depth + 1) for child in el)

    removed = _strip_external(root)
    _check_use_expansion(root, ids)
    width, height = _intrinsic_size(root)
    text = etree.tostring(root, encoding="unicode")
    return CleanSvg(text=text, width=width, height=height, removed=removed)


def _strip_external(root) -> int:
    removed = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in list(el.attrib):
            value = el.attrib[attr]
            local = attr.split("}")[-1]
            if local == "href" or attr == _XLINK:
                if not (value.startswith("#") or value.startswith("data:image/")):
                    del el.attrib[attr]
                    removed += 1
            elif local.lower().startswith("on"):
                del el.attrib[attr]
                removed += 1
            elif "url(" in value.lower() and _URL_IN_CSS.search(value):
                el.attrib[attr] = _URL_IN_CSS.sub("none", value)
                removed += 1
        local_tag = el.tag.split("}")[-1]
        if local_tag == "style" and el.text:
            cleaned = _IMPORT_IN_CSS.sub("", _URL_IN_CSS.sub("none", el.text))
            if cleaned != el.text:
                el.text = cleaned
                removed += 1
        if local_tag in ("script", "foreignObject"):
            el.getparent().remove(el) if el.getparent() is not None else None
            removed += 1
    return removed


def _check_use_expansion(root, ids: dict) -> None:
    """Estimate the element count after <use> expansion; refuse cycles and exponential doubling."""
    memo: dict[int, int] = {}
    visiting: set[int] = set()
    alive = list(root.iter())  # lxml proxies must stay alive for id() to be a stable key

    def size(el) -> int:
        key = id(el)
        if key in memo:
            return memo[key]
        if key in visiting:
            raise SvgRejected("forbidden", "<use> references form a cycle")
        visiting.add(key)
        total = 1
        for child in el:
            if isinstance(child.tag, str):
                total += size(child)
        if isinstance(el.tag, str) and el.tag.split("}")[-1] == "use":
            ref = el.get(_XLINK) or el.get("href") or ""
            target = ids.get(ref[1:]) if ref.startswith("#") else None
            if target is not None:
                total += size(target)
        visiting.discard(key)
        memo[key] = total
        if total > MAX_EXPANDED:
            raise SvgRejected("too_large", f"<use> expansion exceeds {MAX_EXPANDED} elements")
        return total

    import sys

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, MAX_DEPTH * 4 + 100))
    try:
        size(root)
    finally:
        sys.setrecursionlimit(old)
        del alive


def _parse_length(value: str | None) -> float | None:
    if not value:
        return None
    m = _LENGTH.match(value)
    if not m:
        return None
    return float(m.group(1)) * _UNIT_PX[m.group(2)]


def _intrinsic_size(root) -> tuple[float, float]:
    """Width and height from width/height, falling back to the viewBox, then 100x100."""
    width, height = _parse_length(root.get("width")), _parse_length(root.get("height"))
    box = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
    vb = None
    if len(box) == 4:
        try:
            vb = [float(v) for v in box]
        except ValueError:
            vb = None
    if vb and vb[2] > 0 and vb[3] > 0:
        if width is None and height is None:
            width, height = vb[2], vb[3]
        elif width is None:
            width = height * vb[2] / vb[3]
        elif height is None:
            height = width * vb[3] / vb[2]
    width = width if width and width > 0 else 100.0
    height = height if height and height > 0 else 100.0
    return width, height


def output_size(width: float, height: float, *, size: int, keep_aspect: bool) -> tuple[int, int]:
    """Forced output size in pixels: longest side ``size`` (aspect kept), or a ``size`` square."""
    if not keep_aspect:
        return size, size
    scale = size / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def run_job(code: str, options: dict[str, Any], out_path: str) -> dict[str, Any]:
    """Sanitize and rasterise one SVG into ``out_path``. Returns ``{"status", "message"}``."""
    import resvg_py

    try:
        clean = sanitize_svg(code)
    except SvgRejected as exc:
        return {"status": exc.kind, "message": str(exc)}
    w, h = output_size(clean.width, clean.height, size=int(options.get("svg_size", 512)),
                       keep_aspect=bool(options.get("svg_keep_aspect", True)))
    try:
        png = resvg_py.svg_to_bytes(svg_string=clean.text, width=w, height=h, dpi=96, background="#ffffff")
    except (ValueError, RuntimeError) as exc:
        return {"status": "syntax", "message": f"resvg could not render the SVG: {exc}"}
    with open(out_path, "wb") as fh:
        fh.write(bytes(png))
    note = f"{clean.removed} external reference(s) removed" if clean.removed else ""
    return {"status": "ok", "message": note, "encoding": "png"}
