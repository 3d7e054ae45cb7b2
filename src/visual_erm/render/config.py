"""Rendering options: one dataclass, read once, passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from visual_erm.render.sandbox import SandboxConfig


@dataclass(frozen=True)
class RenderConfig:
    """How programs are rendered.

    Args:
        sandbox: isolation and limits for every job (memory 2 GiB, wall 20 s by default).
        dpi: chart resolution in dots per inch (figure size comes from the program).
        figures: ``"first"`` saves the program's first figure; ``"all"`` saves every figure side by side.
        max_pixels: a chart or SVG canvas larger than this is refused as ``too_large`` instead of rendered.
        svg_size: longest side of an SVG rendering in pixels.
        svg_keep_aspect: keep the SVG's aspect ratio; ``False`` renders a ``svg_size`` square (the release used 336).
        table_margin: pixels kept around a table's content when cropping.
        table_max_side: thumbnail tables to this longest side (the release used 768); ``None`` keeps full size.
        workers: worker processes in the warm pool; ``None`` means one per core.
        recycle_after: a worker is replaced after this many jobs so leaks cannot grow.
        strict: start a fresh sandboxed process for every job (slower, nothing shared between jobs).
    """

    sandbox: SandboxConfig = field(default_factory=SandboxConfig)
    dpi: int = 100
    figures: str = "first"
    max_pixels: int = 40_000_000
    svg_size: int = 512
    svg_keep_aspect: bool = True
    table_margin: int = 12
    table_max_side: int | None = None
    workers: int | None = None
    recycle_after: int = 200
    strict: bool = False

    def pool_size(self) -> int:
        return self.workers or max(1, len(os.sched_getaffinity(0)))


DEFAULT_CONFIG = RenderConfig()
