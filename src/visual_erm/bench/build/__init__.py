"""Benchmark builder: real references (matplotlib gallery, twemoji, data tables) with errors injected through the
code, artists, DOM or data, exact ground truth (category, severity, location, renderer bbox), controls and rank pairs.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from visual_erm.bench.build.common import BuildConfig

_BUILDERS = {"chart": ("visual_erm.bench.build.chart", "build_charts"),
             "svg": ("visual_erm.bench.build.svg", "build_svgs"),
             "table": ("visual_erm.bench.build.table", "build_tables")}


def build(task: str, out: str | Path, *, progress: bool = False, **options: Any) -> dict[str, Any]:
    """Build a ``task`` benchmark under ``out`` and return its manifest.

    Args:
        task: ``chart``, ``svg`` or ``table``.
        out: output folder (created).
        progress: print a line per reference to stderr.
        **options: fields of :class:`BuildConfig` (``n``, ``seed``, ``singles``, ``workers``, ``timeout``).
    """
    if task not in _BUILDERS:
        raise ValueError(f"unknown task {task!r}; expected chart, svg or table")
    module, name = _BUILDERS[task]
    fn = getattr(importlib.import_module(module), name)
    return fn(Path(out), BuildConfig(**options), progress=progress)


__all__ = ["BuildConfig", "build"]
