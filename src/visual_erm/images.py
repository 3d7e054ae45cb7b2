"""Image I/O shared by every stage: everything becomes an ``(H, W, 3)`` uint8 RGB array."""

from __future__ import annotations

import base64
import io
import os
from typing import Union

import numpy as np
from PIL import Image

ImageLike = Union[str, os.PathLike, bytes, np.ndarray, Image.Image]

# Decompression bombs in PNGs coming back from a sandbox or a user are refused, not decoded.
MAX_PIXELS = 64_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def load_image(source: ImageLike) -> np.ndarray:
    """Return ``source`` as an ``(H, W, 3)`` uint8 RGB array.

    ``source`` may be a path, encoded bytes (PNG/JPEG/...), a ``data:`` URL string, a PIL image or an array
    (``(H, W)``, ``(H, W, 3)`` or ``(H, W, 4)``; alpha is composited on white).
    """
    if isinstance(source, np.ndarray):
        return as_rgb(source)
    if isinstance(source, Image.Image):
        return pil_to_rgb(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        with Image.open(io.BytesIO(bytes(source))) as im:
            return pil_to_rgb(im)
    if isinstance(source, str) and source.startswith("data:"):
        _, _, payload = source.partition(",")
        return load_image(base64.b64decode(payload))
    with Image.open(os.fspath(source)) as im:
        return pil_to_rgb(im)


def pil_to_rgb(im: Image.Image) -> np.ndarray:
    """Composite any mode on white and return an RGB uint8 array."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        canvas.alpha_composite(rgba)
        im = canvas
    return np.asarray(im.convert("RGB"), dtype=np.uint8).copy()


def as_rgb(arr: np.ndarray) -> np.ndarray:
    """Coerce a grey, RGB or RGBA array (uint8 or float in [0, 1]) to ``(H, W, 3)`` uint8."""
    a = np.asarray(arr)
    if a.dtype != np.uint8:
        a = np.clip(a * 255.0 if a.dtype.kind == "f" and a.max(initial=0) <= 1.0 else a, 0, 255).astype(np.uint8)
    if a.ndim == 2:
        return np.repeat(a[:, :, None], 3, axis=2)
    if a.ndim == 3 and a.shape[2] == 4:
        alpha = a[:, :, 3:4].astype(np.float32) / 255.0
        rgb = a[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
        return np.round(rgb).astype(np.uint8)
    if a.ndim == 3 and a.shape[2] == 3:
        return a
    raise ValueError(f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got shape {a.shape}")


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB array (no metadata, so equal pixels give equal bytes)."""
    buf = io.BytesIO()
    Image.fromarray(as_rgb(image)).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def encode_jpeg_data_url(image: np.ndarray, *, max_side: int = 1024, quality: int = 90) -> str:
    """A ``data:image/jpeg;base64,...`` URL with the longest side at most ``max_side`` (aspect kept)."""
    im = Image.fromarray(as_rgb(image))
    scale = max_side / max(im.size)
    if scale < 1.0:
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def is_uniform(image: np.ndarray, *, tolerance: int = 6) -> bool:
    """True when every pixel is within ``tolerance`` of the first one (a blank canvas)."""
    a = as_rgb(image)
    if a.size == 0:
        return True
    first = a[0, 0].astype(np.int16)
    # Every 8th pixel first: a drawn image shows a differing one there at a fraction of the full pass's cost.
    for view in (a[::8, ::8], a):
        if np.abs(view.astype(np.int16) - first).max() > tolerance:
            return False
    return True
