"""Bring two images into one frame: background, content box, scale, and the maps between frames.

Pure functions on ``(H, W, 3)`` uint8 RGB arrays. The reference's content box, scaled so its longest side is the
work side, defines the work frame; the candidate's content box is stretched onto it. A different resolution,
figure scale or a few px of margin then vanish before anything is compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from visual_erm.judge.embedded.color import colour_codes

Box = tuple[float, float, float, float]


def mode_color(pixels: np.ndarray) -> np.ndarray:
    """The most common colour of ``(H, W, 3)`` or ``(N, 3)`` uint8 pixels, ``(3,)`` uint8: the median of the
    fullest 8-level bin. A large image is sampled at every other row and column."""
    a = np.asarray(pixels)
    if a.ndim == 3 and a.shape[0] * a.shape[1] > 4096:
        a = a[::2, ::2]
    codes = colour_codes(a)  # (on the sampled view itself: no copy of its pixels)
    top = np.argmax(np.bincount(codes.ravel(), minlength=32768))
    return np.median(a[codes == top], axis=0).astype(np.uint8)


def background_color(image: np.ndarray) -> np.ndarray:
    """The most common colour on the image border, ``(3,)`` uint8 (white for a typical chart)."""
    a = np.asarray(image)
    return mode_color(np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]]).reshape(-1, 3))


def far_from(image: np.ndarray, color) -> np.ndarray:
    """``(H, W)`` uint8: each pixel's largest channel difference from ``color`` (OpenCV, ~20x faster than numpy's
    int16 difference and ``max(axis=2)``)."""
    img = np.ascontiguousarray(image, dtype=np.uint8)
    c = np.asarray(color, np.uint8).reshape(-1)
    # (a scalar, not an image of the colour: filling one costs more than the difference itself)
    d = cv2.absdiff(img, (float(c[0]), float(c[1]), float(c[2]), 0.0))
    return cv2.max(cv2.max(d[:, :, 0], d[:, :, 1]), d[:, :, 2])


def ink_mask(image: np.ndarray, *, background: np.ndarray | None = None, tolerance: int = 24) -> np.ndarray:
    """``(H, W)`` bool: pixels farther than ``tolerance`` (max channel difference) from the background."""
    bg = background_color(image) if background is None else np.asarray(background)
    return far_from(image, bg) > tolerance


_FAINT = 6  # (channel difference of a tint from white that still reads as an area of its own)


def content_box(image: np.ndarray, *, background: np.ndarray | None = None, tolerance: int = 24) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)`` (exclusive ends) of the non-background content; the whole image if it is uniform.
    A large area of a faint tint (seaborn's grey plot background on white, nearer than ``tolerance``) is content
    too: otherwise the box ends at the last mark or label inside it, and a legend moved there widens it."""
    bg = background_color(image) if background is None else np.asarray(background)
    near = far_from(image, bg)
    mask = near > tolerance
    h, w = mask.shape
    faint = (near > _FAINT).astype(np.uint8)
    if faint.any():
        # White grid lines cut a tinted plot area into cells, the last of them narrow: joined first.
        faint = cv2.morphologyEx(faint, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        faint = cv2.morphologyEx(faint, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))  # no text, no noise
        n, _, stats, _ = cv2.connectedComponentsWithStats(faint, connectivity=4)
        for x, y, bw, bh, area in stats[1:]:
            edges = int(x <= 8) + int(y <= 8) + int(x + bw >= w - 8) + int(y + bh >= h - 8)
            if area >= 0.02 * h * w and edges < 4:  # (one reaching every edge is a figure inside a margin)
                mask[y, x] = mask[y + bh - 1, x + bw - 1] = True  # its corners stretch the box
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return 0, 0, w, h
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def resize(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize with area averaging when shrinking and bilinear when enlarging (no ringing either way)."""
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    interp = cv2.INTER_AREA if width * height < w * h else cv2.INTER_LINEAR
    return cv2.resize(image, (max(1, width), max(1, height)), interpolation=interp)


@dataclass(frozen=True)
class Frame:
    """An affine map (axis-aligned scale + offset) from an image's pixels to the work frame.

    ``work = (src - src_origin) * scale + work_origin`` per axis; ``scale`` is ``(sx, sy)``.
    """

    src_origin: tuple[float, float]
    scale: tuple[float, float]
    work_origin: tuple[float, float]

    def to_work(self, box: Box) -> Box:
        (ox, oy), (sx, sy), (wx, wy) = self.src_origin, self.scale, self.work_origin
        x0, y0, x1, y1 = box
        return ((x0 - ox) * sx + wx, (y0 - oy) * sy + wy, (x1 - ox) * sx + wx, (y1 - oy) * sy + wy)

    def to_source(self, box: Box) -> Box:
        (ox, oy), (sx, sy), (wx, wy) = self.src_origin, self.scale, self.work_origin
        x0, y0, x1, y1 = box
        return ((x0 - wx) / sx + ox, (y0 - wy) / sy + oy, (x1 - wx) / sx + ox, (y1 - wy) / sy + oy)


@dataclass(frozen=True)
class PanelFrame(Frame):
    """A subplot that tight layout moved and resized: its own map inside its plot area (``panel``, a work box), and
    outside it, along each axis, the figure's ``outer`` scale from the nearest edge, because tick labels, axis
    labels and titles keep their font size. A box beside the plot area (a tick label, a title) keeps that size
    along the plot's edge too; only its centre follows the plot's scale."""

    panel: Box = (0.0, 0.0, 0.0, 0.0)
    outer: tuple[float, float] = (1.0, 1.0)

    def _edges(self, k: int) -> tuple[float, float, float, float]:
        """Axis ``k``'s plot edges: (work lo, work hi, source lo, source hi)."""
        lo, hi = self.panel[k], self.panel[k + 2]
        s, o, w = self.scale[k], self.src_origin[k], self.work_origin[k]
        return lo, hi, (lo - w) / s + o, (hi - w) / s + o

    def axis_to_work(self, v, k: int):
        """Source coordinate(s) ``v`` on axis ``k`` (0: x, 1: y) in the work frame."""
        wlo, whi, slo, shi = self._edges(k)
        v = np.asarray(v, float)
        inside = (v - self.src_origin[k]) * self.scale[k] + self.work_origin[k]
        return np.where(v < slo, wlo + (v - slo) * self.outer[k],
                        np.where(v > shi, whi + (v - shi) * self.outer[k], inside))

    def axis_to_source(self, v, k: int):
        """Work coordinate(s) ``v`` on axis ``k`` in source pixels."""
        wlo, whi, slo, shi = self._edges(k)
        v = np.asarray(v, float)
        inside = (v - self.work_origin[k]) / self.scale[k] + self.src_origin[k]
        return np.where(v < wlo, slo + (v - wlo) / self.outer[k],
                        np.where(v > whi, shi + (v - whi) / self.outer[k], inside))

    def _map(self, box: Box, forward: bool) -> Box:
        f = self.axis_to_work if forward else self.axis_to_source
        lo_hi = (self._edges(0)[2:], self._edges(1)[2:]) if forward else (self.panel[0::2], self.panel[1::2])
        out = [0.0] * 4
        for k in (0, 1):
            a, b = box[k], box[k + 2]
            c = (box[1 - k] + box[3 - k]) / 2  # the other axis' centre: is the box beside the plot along axis k?
            beside = not lo_hi[1 - k][0] <= c <= lo_hi[1 - k][1]
            if beside and lo_hi[k][0] <= (a + b) / 2 <= lo_hi[k][1]:
                m, half = float(f((a + b) / 2, k)), (b - a) / 2
                half = half * self.outer[k] if forward else half / self.outer[k]
                out[k], out[k + 2] = m - half, m + half
            else:
                out[k], out[k + 2] = float(f(a, k)), float(f(b, k))
        return out[0], out[1], out[2], out[3]

    def to_work(self, box: Box) -> Box:
        return self._map(box, True)

    def to_source(self, box: Box) -> Box:
        return self._map(box, False)


@dataclass
class Normalized:
    """An image in the work frame.

    ``image``: ``(h, w, 3)`` uint8 work image (content plus ``pad`` px of background on each side);
    ``frame``: the map from source pixels; ``box``: content box in source pixels; ``background``: ``(3,)`` uint8.
    """

    image: np.ndarray
    frame: Frame
    box: tuple[int, int, int, int]
    background: np.ndarray
    regions: tuple = ()  # ((work box, Frame), ...): parts of the image drawn through their own frame

    def frame_at(self, box: Box) -> Frame:
        """The frame that drew the work box's centre: a region's own, else the image's."""
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        for (x0, y0, x1, y1), fr in self.regions:
            if x0 <= cx < x1 and y0 <= cy < y1:
                return fr
        return self.frame

    def to_source(self, box: Box, *, clip_to: tuple[int, int] | None = None) -> list[float]:
        """A work-frame box in source pixels, clipped to ``clip_to=(W, H)`` when given. A box that falls mostly
        outside (the place of something missing, beyond a content box that shrank without it) is slid inside
        with its size kept, so it never collapses to a line on the border."""
        x0, y0, x1, y1 = self.frame_at(box).to_source(box)
        if clip_to is not None:
            w, h = clip_to
            x0, x1 = _slid_in(x0, x1, w)
            y0, y1 = _slid_in(y0, y1, h)
        return [float(x0), float(y0), float(x1), float(y1)]


def _slid_in(a: float, b: float, size: float) -> tuple[float, float]:
    """``[a, b]`` clipped to ``[0, size]``; first moved inside when more than half of it lies out."""
    span = b - a
    if 0 < span < size:
        if a < 0 and -a > span / 2:
            a, b = 0.0, span
        elif b > size and b - size > span / 2:
            a, b = size - span, size
    return min(max(a, 0.0), size), min(max(b, 0.0), size)


def work_size(box: tuple[int, int, int, int], work_side: int) -> tuple[int, int]:
    """Content size in the work frame: the box scaled so its longest side is ``work_side``."""
    w, h = box[2] - box[0], box[3] - box[1]
    s = work_side / max(w, h, 1)
    return max(1, round(w * s)), max(1, round(h * s))


def _unwrapped(image: np.ndarray, box: tuple[int, int, int, int], bg: np.ndarray,
               tolerance: int) -> tuple[tuple[int, int, int, int], np.ndarray]:
    """(content box, background) of a tinted figure inside a margin of another colour (a white border around a
    beige figure): the content box's own edge is one uniform colour other than the margin's."""
    crop = image[box[1]:box[3], box[0]:box[2]]
    if min(crop.shape[:2]) < 16:
        return box, bg
    inner = background_color(crop)
    apart = int(np.abs(inner.astype(np.int16) - bg.astype(np.int16)).max())
    if apart <= _FAINT:
        return box, bg
    # A faint tint counts too (content_box crops a pale grey figure in a white margin at its edge, while the
    # reference, drawn on that grey, is cropped at its ink); its edge must then be nearer the tint than the
    # margin's colour is (a content box edged with white and plot areas of that grey is no figure).
    ring = np.concatenate([crop[0], crop[-1], crop[:, 0], crop[:, -1]]).astype(np.int16)
    near = tolerance if apart > tolerance else apart // 2
    if (np.abs(ring - inner.astype(np.int16)).max(axis=1) <= near).mean() < 0.9:
        return box, bg  # the content just reaches the edge: no second frame
    ib = content_box(crop, background=inner, tolerance=tolerance)
    return (box[0] + ib[0], box[1] + ib[1], box[0] + ib[2], box[1] + ib[3]), inner


def normalize(image: np.ndarray, *, size: tuple[int, int] | None = None, work_side: int = 640, pad: int = 8,
              tolerance: int = 24, unwrap: bool = False, box: Box | None = None) -> Normalized:
    """Crop ``image`` to its content box and scale the content to ``size=(w, h)`` (default: longest side ``work_side``).

    Args:
        image: ``(H, W, 3)`` uint8 RGB.
        size: content size in the work frame; pass the reference's so a candidate lands on the same frame
            (the aspect ratio may change: a candidate squeezed by a few % still compares).
        work_side: used when ``size`` is None.
        pad: background margin added around the content, so strokes on the edge keep their neighbourhood.
        tolerance: max channel difference from the background that still counts as background.
        unwrap: a tinted figure inside a margin of another colour is cropped to the figure, whose colour is then
            the background (a white margin added around a beige chart changes nothing).
        box: the source box to scale to ``size`` instead of the content box (another image's layout); with
            ``unwrap``, on the background an unwrapped content box has.
    """
    bg = background_color(image)
    if box is None:
        box = content_box(image, background=bg, tolerance=tolerance)
        if unwrap:
            box, bg = _unwrapped(image, box, bg, tolerance)
    elif unwrap:  # (the given box, on the unwrapped figure's colour)
        bg = _unwrapped(image, content_box(image, background=bg, tolerance=tolerance), bg, tolerance)[1]
    w, h = size or work_size(box, work_side)
    crop = image[box[1]:box[3], box[0]:box[2]]
    scaled = resize(np.ascontiguousarray(crop), w, h)
    out = np.empty((h + 2 * pad, w + 2 * pad, 3), np.uint8)
    out[:] = bg
    out[pad:pad + h, pad:pad + w] = scaled
    sx = w / max(box[2] - box[0], 1)
    sy = h / max(box[3] - box[1], 1)
    frame = Frame(src_origin=(box[0], box[1]), scale=(sx, sy), work_origin=(pad, pad))
    return Normalized(image=out, frame=frame, box=box, background=bg)


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two ``(x0, y0, x1, y1)`` boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def union_box(boxes: list[Box]) -> Box:
    """Smallest box holding all ``boxes``."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def warp(image: np.ndarray, frame: Frame, out_size: tuple[int, int], background: np.ndarray) -> np.ndarray:
    """``image`` resampled into a work frame of ``out_size=(w, h)`` through ``frame`` (outside filled with
    ``background``); area averaging when the frame shrinks the image."""
    if isinstance(frame, PanelFrame):
        return _warp_panel(image, frame, out_size, background)
    (ox, oy), (sx, sy), (wx, wy) = frame.src_origin, frame.scale, frame.work_origin
    src, (rx, ry) = _shrunk(image, max(sx, sy))
    sx, sy, ox, oy = sx / rx, sy / ry, ox * rx, oy * ry
    m = np.float32([[sx, 0, wx - ox * sx], [0, sy, wy - oy * sy]])
    bg = tuple(int(v) for v in background)
    return cv2.warpAffine(src, m, out_size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=bg)


def _shrunk(image: np.ndarray, f: float) -> tuple[np.ndarray, tuple[float, float]]:
    """``image`` shrunk first with area averaging when a warp's largest scale ``f`` is under 0.9 (a small
    interpolated step is left), with the factors it applied (x, y)."""
    if f >= 0.9:
        return image, (1.0, 1.0)
    src = resize(image, max(1, round(image.shape[1] * f)), max(1, round(image.shape[0] * f)))
    return src, (src.shape[1] / image.shape[1], src.shape[0] / image.shape[0])


def _warp_panel(image: np.ndarray, frame: PanelFrame, out_size: tuple[int, int], background: np.ndarray) -> np.ndarray:
    """``warp`` through a PanelFrame: each axis maps on its own (piecewise linear), so one remap does it."""
    src, r = _shrunk(image, max(*frame.scale, *frame.outer))
    w, h = out_size
    xs = (frame.axis_to_source(np.arange(w), 0) * r[0]).astype(np.float32)  # (warpAffine's pixel convention)
    ys = (frame.axis_to_source(np.arange(h), 1) * r[1]).astype(np.float32)
    map_x, map_y = np.broadcast_to(xs[None, :], (h, w)), np.broadcast_to(ys[:, None], (h, w))
    bg = tuple(int(v) for v in background)
    return cv2.remap(src, np.ascontiguousarray(map_x), np.ascontiguousarray(map_y), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=bg)


def fit_frame(src_boxes: list[Box], work_boxes: list[Box]) -> Frame | None:
    """The per-axis scale + offset that best maps ``src_boxes`` onto ``work_boxes`` (least squares over their
    edges; where leaving out a few edges, worst first, while over half remain, lets every other edge agree within
    3 px, without those: one resized plot must not pull the others off), as a Frame; None when there are no boxes
    or the fit is degenerate."""
    if not src_boxes or len(src_boxes) != len(work_boxes):
        return None
    fits = []
    for lo, hi in ((0, 2), (1, 3)):
        s = np.array([[b[lo], b[hi]] for b in src_boxes], float).ravel()
        w = np.array([[b[lo], b[hi]] for b in work_boxes], float).ravel()
        if np.ptp(s) < 4:
            return None
        a, c = fit = np.polyfit(s, w, 1)
        keep = np.ones(len(s), bool)
        while True:
            res = np.where(keep, np.abs(fit[0] * s + fit[1] - w), -1.0)
            if res.max() <= 3.0:
                a, c = fit  # the edges left agree: the ones left out moved on their own
                break
            if keep.sum() - 1 <= len(s) / 2:
                break
            keep[int(res.argmax())] = False
            if np.ptp(s[keep]) < 4:
                break
            fit = np.polyfit(s[keep], w[keep], 1)
        if a <= 0:
            return None
        fits.append((a, c))
    (sx, cx), (sy, cy) = fits
    return Frame(src_origin=(0.0, 0.0), scale=(float(sx), float(sy)), work_origin=(float(cx), float(cy)))
