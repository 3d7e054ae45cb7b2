"""Matplotlib programs → raw RGBA pixels. Runs inside the sandboxed child; imports nothing from the host side."""

from __future__ import annotations

import ast
import io
import sys
import traceback
from typing import Any

# Fonts models ask for, mapped to metric-compatible or script-compatible fonts Debian ships.
FONT_ALIASES = {
    "Arial": "Liberation Sans",
    "Helvetica": "Liberation Sans",
    "Helvetica Neue": "Liberation Sans",
    "Calibri": "Liberation Sans",
    "Verdana": "DejaVu Sans",
    "Times New Roman": "Liberation Serif",
    "Times": "Liberation Serif",
    "Georgia": "Liberation Serif",
    "Courier New": "Liberation Mono",
    "Courier": "Liberation Mono",
    "SimHei": "Noto Sans CJK SC",
    "Microsoft YaHei": "Noto Sans CJK SC",
    "SimSun": "Noto Serif CJK SC",
    "STSong": "Noto Serif CJK SC",
    "Heiti TC": "Noto Sans CJK TC",
    "PingFang SC": "Noto Sans CJK SC",
    "Arial Unicode MS": "Noto Sans CJK SC",
    "WenQuanYi Micro Hei": "Noto Sans CJK SC",
    "Noto Sans CJK": "Noto Sans CJK SC",
    "MS Gothic": "Noto Sans CJK JP",
    "Malgun Gothic": "Noto Sans CJK KR",
}
# Appended to every generic family so CJK text never comes out as boxes.
CJK_FALLBACK = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR"]

_DROPPED_METHODS = {"savefig", "show", "close", "clf", "cla", "ion", "ioff", "pause", "waitforbuttonpress", "ginput"}
_DROPPED_FUNCTIONS = {"use", "switch_backend"}  # matplotlib.use / plt.switch_backend: Agg is forced


def setup_matplotlib() -> None:
    """Import matplotlib once (Agg), register font aliases and CJK fallbacks. Called by the warm worker."""
    import dataclasses

    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt  # noqa: F401  (warm import)
    from matplotlib import font_manager as fm

    by_name: dict[str, list] = {}
    for entry in fm.fontManager.ttflist:
        by_name.setdefault(entry.name, []).append(entry)
    for alias, target in FONT_ALIASES.items():
        if alias not in by_name and target in by_name:
            for entry in by_name[target]:
                fm.fontManager.ttflist.append(dataclasses.replace(entry, name=alias))
    for key in ("font.sans-serif", "font.serif", "font.monospace"):
        families = list(matplotlib.rcParams[key])
        matplotlib.rcParams[key] = families + [f for f in CJK_FALLBACK if f not in families]
    matplotlib.rcParams["savefig.format"] = "png"
    fm._get_font.cache_clear()
    _warm_up()


def _warm_up() -> None:
    """Draw one throw-away figure so font loading, mathtext and the Agg backend are initialised before jobs fork."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2)
    ax1.plot([0, 1], [1, 0], "o-", label="line")
    ax1.bar([0, 1], [1, 2], label="bar")
    ax1.scatter([0.5], [0.5])
    ax1.set_title("Title $x^2$", fontweight="bold")
    ax1.set_xlabel("x")
    ax1.legend()
    ax1.annotate("note", (0.5, 0.5))
    ax2.imshow([[0, 1], [1, 0]])
    ax2.text(0.5, 0.5, "text", fontsize=14, style="italic")
    fig.suptitle("warm")
    fig.tight_layout()
    fig.savefig(io.BytesIO(), format="rgba", dpi=100)
    plt.close("all")


class _StripDisplayCalls(ast.NodeTransformer):
    """Remove the program's own savefig/show/close calls (any receiver or alias) so our save sees the figure."""

    def __init__(self, pyplot_names: set[str]) -> None:
        self.pyplot_names = pyplot_names

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Attribute) and (
            func.attr in _DROPPED_METHODS or func.attr in _DROPPED_FUNCTIONS
        ):
            if func.attr == "cla" and not _is_pyplot(func.value, self.pyplot_names):
                return node  # ax.cla() inside drawing code is real drawing logic
            return ast.copy_location(ast.Constant(value=None), node)
        if isinstance(func, ast.Name) and func.id in self.pyplot_names and func.id in _DROPPED_METHODS | {"use"}:
            return ast.copy_location(ast.Constant(value=None), node)
        return node


def _is_pyplot(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Name) and (node.id in names or node.id in ("plt", "pyplot"))


def rewrite_program(source: str) -> ast.Module:
    """Parse ``source`` and drop calls that save, show, close or switch backends. Raises SyntaxError."""
    tree = ast.parse(source, filename="<chart>")
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("matplotlib.pyplot", "pylab", "matplotlib"):
            for alias in node.names:
                if alias.name in _DROPPED_METHODS | {"use"}:
                    imported.add(alias.asname or alias.name)
    tree = _StripDisplayCalls(imported).visit(tree)
    ast.fix_missing_locations(tree)
    return tree


def run_job(code: str, options: dict[str, Any], out_path: str) -> dict[str, Any]:
    """Run a chart program and write its figure(s) to ``out_path`` as raw RGBA. Returns ``{"status", "message"}``
    plus ``encoding``, ``width`` and ``height`` when ok.

    Statuses: ok, syntax, runtime, memory, too_large, blank (no figure drawn).
    """
    import matplotlib.pyplot as plt

    try:
        tree = rewrite_program(code)
        compiled = compile(tree, "<chart>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return {"status": "syntax", "message": f"{type(exc).__name__}: {exc}"}

    namespace = {"__name__": "__main__", "__file__": "chart.py", "__builtins__": __builtins__}
    exited = ""
    try:
        exec(compiled, namespace)
    except SystemExit as exc:
        exited = f"program called sys.exit({exc.code!r})"
    except MemoryError:
        return {"status": "memory", "message": "MemoryError: the program exceeded the memory limit"}
    except RecursionError as exc:
        return {"status": "runtime", "message": f"RecursionError: {exc}"}
    except BaseException as exc:  # the program's own failure, reported as a value
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        sys.stderr.write("".join(tb))
        return {"status": "runtime", "message": "".join(tb[-1:]).strip()}

    nums = plt.get_fignums()
    if not nums:
        return {"status": "blank", "message": exited or "the program drew no figure"}
    dpi = float(options.get("dpi", 100))
    max_pixels = int(options.get("max_pixels", 40_000_000))
    figures = [plt.figure(n) for n in (nums if options.get("figures") == "all" else nums[:1])]
    for fig in figures:
        w, h = fig.get_size_inches() * dpi
        if not (w >= 1 and h >= 1) or w * h > max_pixels or max(w, h) > 32768:
            return {"status": "too_large", "message": f"figure of {w:.0f}x{h:.0f} px exceeds the limit of {max_pixels} px"}
    try:
        # Raw RGBA, not PNG: encoding here and decoding on the host cost more than copying the pixels.
        arrays = [_figure_rgba(fig, dpi) for fig in figures]
        image = arrays[0] if len(arrays) == 1 else _side_by_side(arrays)
    except MemoryError:
        return {"status": "memory", "message": "MemoryError while drawing the figure"}
    except BaseException as exc:
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        sys.stderr.write("".join(tb))
        return {"status": "runtime", "message": "while saving the figure: " + "".join(tb[-1:]).strip()}
    with open(out_path, "wb") as fh:
        fh.write(image.tobytes())
    return {"status": "ok", "message": exited, "encoding": "rgba", "width": image.shape[1], "height": image.shape[0]}


def _figure_rgba(fig, dpi: float):
    """The figure as savefig would draw it (its own facecolor, fixed dpi), as an (H, W, 4) uint8 array."""
    import numpy as np

    buf = io.BytesIO()
    fig.savefig(buf, format="rgba", dpi=dpi, facecolor="auto", transparent=False)
    w, h = (int(v) for v in fig.get_size_inches() * dpi)
    data = buf.getvalue()
    if len(data) != w * h * 4:  # Agg's canvas size is the truncated bbox; trust the buffer if rounding differs
        h = len(data) // (4 * w)
    return np.frombuffer(data, dtype=np.uint8).reshape(h, w, 4)


def _side_by_side(arrays: list) -> "Any":
    """Figures left to right on white, top-aligned."""
    import numpy as np

    height = max(a.shape[0] for a in arrays)
    canvas = np.full((height, sum(a.shape[1] for a in arrays), 4), 255, dtype=np.uint8)
    x = 0
    for a in arrays:
        canvas[: a.shape[0], x : x + a.shape[1]] = a
        x += a.shape[1]
    return canvas
