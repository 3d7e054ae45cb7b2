"""Sanitising a model's HTML before it reaches the browser.

Defence in depth: the browser already runs with JavaScript off, every request aborted and no network namespace,
so this module's job is to keep the page honest (nothing that would load, run or redirect) while leaving table
markup, inline styles and ``<style>`` rules alone, because they are part of what the model was asked to draw.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

# Elements removed with their content: they run code, load documents or resources, or change how the page loads.
REMOVED_ELEMENTS = frozenset(
    {
        "script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "param", "link", "base",
        "meta", "portal", "fencedframe", "audio", "video", "source", "track", "title", "template",
    }
)
# Void elements libxml2 may parse as containers (``<embed>`` swallows what follows): unwrapped, content kept.
_VOID_REMOVED = frozenset({"embed", "param", "source", "track", "link", "meta", "base"})
# Attributes that name a resource to fetch or a place to go.
URL_ATTRIBUTES = frozenset(
    {
        "src", "href", "xlink:href", "srcset", "imagesrcset", "background", "poster", "data", "action", "formaction",
        "codebase", "cite", "longdesc", "ping", "manifest", "lowsrc", "dynsrc", "archive", "classid", "profile",
        "usemap", "attributionsrc",
    }
)
_SCRIPT_SCHEME = re.compile(r"^\s*(javascript|vbscript|livescript)\s*:", re.IGNORECASE)
_INLINE_IMAGE = re.compile(r"^\s*data:image/(png|jpeg|jpg|gif|webp|bmp);", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)", re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"@import[^;]*;?", re.IGNORECASE)
_CSS_IMAGE_SET = re.compile(r"(-webkit-)?image-set\([^)]*\)", re.IGNORECASE)
_CSS_ACTIVE = re.compile(r"expression\s*\(|behavior\s*:|-moz-binding", re.IGNORECASE)


def sanitize_html(html: str) -> str:
    """An HTML fragment safe to paste into the table page's ``<body>``.

    Args:
        html: a fragment or a whole document from a model. For a whole document, ``<style>`` blocks from
            ``<head>`` are kept (moved in front of the body's content) and the rest of ``<head>`` is dropped.

    Removed: :data:`REMOVED_ELEMENTS` (scripts, frames, objects, embeds, ``<link>``, ``<base>``, ``<meta>``,
    media), comments and processing instructions, ``on*`` event handlers, every URL attribute except local
    ``#fragment`` references, inline raster ``data:image`` sources, and ``href`` on links that is not a script URL
    (a link loads nothing unless clicked), and in CSS every ``url()`` that is not an inline image, ``@import``,
    ``image-set()``, ``expression()``, ``behavior`` and ``-moz-binding``. Kept: all table markup, attributes
    such as ``colspan``, ``rowspan``, ``align``, ``bgcolor``, ``style`` and ``class``, and ``<style>`` blocks.
    Returns ``""`` when nothing is left.
    """
    html = _XML_DECLARATION.sub("", html or "")
    if not html.strip():
        return ""
    try:
        doc = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for node in list(doc.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        _drop(node)
    head_styles = [_clean_style_element(s) for s in doc.findall("head/style")]
    for element in list(doc.iter()):
        if not isinstance(element.tag, str):
            continue
        name = _local_name(element.tag)
        if name in _VOID_REMOVED:
            element.attrib.clear()
            element.drop_tag()
            continue
        if name in REMOVED_ELEMENTS:
            _drop(element)
            continue
        _clean_attributes(element)
        if name == "style":
            _clean_style_element(element)
    body = doc.find("body")
    fragment = _inner_html(body) if body is not None else ""
    return "".join(head_styles) + fragment


def clean_css(css: str) -> str:
    """CSS with every way of fetching something or running code neutralised (see :func:`sanitize_html`).

    Args:
        css: a stylesheet or a ``style`` attribute's value. CSS escapes (``\\75 rl(``) are decoded first when
            present, so an escaped ``url(`` cannot slip past the patterns.
    """
    if "\\" in css:
        css = _CSS_ESCAPE.sub(_unescape_css, css)
    css = _CSS_IMPORT.sub("", css)
    css = _CSS_IMAGE_SET.sub("none", css)
    css = _CSS_URL.sub(lambda m: m.group(0) if _INLINE_IMAGE.match(m.group(2)) else "none", css)
    return _CSS_ACTIVE.sub(lambda m: "x-blocked" + m.group(0)[-1] if m.group(0)[-1] in "(:" else "x-blocked", css)


def _unescape_css(match: re.Match) -> str:
    token = match.group(1)
    if re.fullmatch(r"[0-9a-fA-F]{1,6}\s?", token):
        code = int(token.strip(), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return token if token not in "\r\n" else ""


def _clean_attributes(element: lxml.html.HtmlElement) -> None:
    tag = _local_name(element.tag)
    for name in list(element.attrib):
        value = element.attrib[name]
        key = name.lower()
        if key.startswith("on") or key == "http-equiv" or _SCRIPT_SCHEME.match(value):
            del element.attrib[name]
        elif key == "style" or "url" in value.lower() or "\\" in value:
            # SVG presentation attributes (fill, filter, mask, ...) take url() too.
            element.attrib[name] = clean_css(value)
        elif key in URL_ATTRIBUTES and not _allowed_url(tag, key, value):
            del element.attrib[name]


def _allowed_url(tag: str, attribute: str, value: str) -> bool:
    if value.strip().startswith("#"):
        return True
    if attribute == "href" and tag in ("a", "area"):
        return True
    return attribute == "src" and tag == "img" and bool(_INLINE_IMAGE.match(value))


def _clean_style_element(element: lxml.html.HtmlElement) -> str:
    element.text = clean_css(element.text or "")
    for child in list(element):
        _drop(child)
    element.attrib.clear()
    return lxml.html.tostring(element, encoding="unicode")


def _drop(node) -> None:
    # Keep the tail text (what follows the element) so removing an element never eats the next cell's text.
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def _inner_html(element: lxml.html.HtmlElement) -> str:
    text = lxml.html.tostring(element, encoding="unicode")
    start = text.find(">") + 1
    end = text.rfind("</")
    return text[start:end] if end >= start else ""


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
