"""LaTeX tables: a ``tabular`` snippet becomes a standalone document, compiled by pdflatex and rasterised by pdftoppm.

Both programs run inside :func:`visual_erm.render.sandbox.run_command` (no network, a scratch folder as the only
writable place, rlimits, wall timeout). pdflatex runs with ``-no-shell-escape`` and kpathsea's paranoid modes
(``openin_any=p``, ``openout_any=p``: no absolute paths, no ``..``, no dot files), and may not spawn font makers.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
import time

from visual_erm.images import load_image
from visual_erm.render.sandbox import SandboxConfig, run_command, tail
from visual_erm.types import FailureKind, Rendering

# Packages models commonly use in table code; loaded for every document so a snippet needs no preamble.
PACKAGES = (
    "amsmath",
    "amssymb",
    "array",
    "booktabs",
    "multirow",
    "makecell",
    "tabularx",
    "longtable",
    "threeparttable",
    "graphicx",
    "colortbl",
    "siunitx",
    "diagbox",
    "arydshln",
)
# Packages a model's preamble may ask for that would fight the standalone page or need missing fonts.
_DROPPED_PACKAGES = {"geometry", "hyperref", "fontenc", "inputenc", "fullpage", "caption", "subcaption", "xcolor"}

DPI = 150
TEXT_WIDTH = "16cm"  # line width for \textwidth-relative code (tabularx, \resizebox); about a paper's text block
MAX_SIDE = 6000  # pixels per side of the rasterised page; a page this large is refused as too_large
MAX_SOURCE_BYTES = 1 << 20

# Compile; when a line overflows the text width (a wide tabular), widen the page by the overflow and compile again,
# since varwidth clips what does not fit. Then rasterise page 1, capped at max_side pixels per side.
_COMPILE_SCRIPT = r"""
latex() {{ pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error table.tex >pdflatex.out 2>&1 || exit 3; }}
latex
over=$(sed -n 's/^Overfull \\hbox (\([0-9.]*\)pt too wide).*/\1/p' table.log | sort -n | tail -n 1)
if [ -n "$over" ]; then
  sed -i "1s/varwidth={width}/varwidth=\\\\dimexpr{width}+${{over}}pt+2pt\\\\relax/" table.tex
  latex
fi
exec pdftoppm -png -r {dpi} -singlefile -f 1 -l 1 -x 0 -y 0 -W {side} -H {side} table.pdf page
"""

_KPSE_ENV = {
    "openin_any": "p",
    "openout_any": "p",
    "shell_escape": "f",
    "MKTEXPK": "0",
    "MKTEXTFM": "0",
    "MKTEXMF": "0",
    "MKTEXFMT": "0",
    "TEXMFOUTPUT": "/scratch",
}


@functools.lru_cache(maxsize=1)
def available_packages() -> tuple[str, ...]:
    """The subset of :data:`PACKAGES` installed on this machine (siunitx, for one, is often missing)."""
    kpsewhich = shutil.which("kpsewhich")
    if not kpsewhich:
        return ()
    names = [f"{p}.sty" for p in PACKAGES]
    try:
        found = subprocess.run([kpsewhich, *names], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    present = {os.path.basename(line.strip())[: -len(".sty")] for line in found.splitlines() if line.strip()}
    return tuple(p for p in PACKAGES if p in present)


def latex_document(code: str, *, packages: tuple[str, ...] | None = None) -> str:
    """A complete standalone document around a model's table code.

    Args:
        code: a ``tabular``-family snippet, a ``table`` float, or a whole document; for a whole document the body is
            kept and the preamble too, minus ``\\documentclass`` and packages that clash with the standalone page.
        packages: packages to load; defaults to those of :data:`PACKAGES` installed here.

    Floats become plain centred blocks (a standalone page has no float placement) and ``\\caption`` is typeset
    in place, so "Table 1: ..." appears above or below as the model wrote it. ``\\textwidth`` is
    :data:`TEXT_WIDTH`; narrower content keeps its natural width.
    """
    packages = available_packages() if packages is None else packages
    preamble, body = _split_document(code)
    lines = [
        rf"\documentclass[border=2pt,varwidth={TEXT_WIDTH}]{{standalone}}",
        r"\usepackage[table]{xcolor}",
        *(rf"\usepackage{{{p}}}" for p in packages),
        rf"\setlength{{\textwidth}}{{{TEXT_WIDTH}}}\setlength{{\columnwidth}}{{{TEXT_WIDTH}}}",
        # A standalone page has no float placement: floats become centred blocks and \caption works anywhere.
        r"\makeatletter\def\@captype{table}\makeatother",
        r"\renewenvironment{table}[1][]{\par\centering}{\par}",
        r"\renewenvironment{table*}[1][]{\par\centering}{\par}",
    ]
    lines += [_filter_preamble(preamble, set(packages)), r"\begin{document}", body, r"\end{document}", ""]
    return "\n".join(lines)


def _split_document(code: str) -> tuple[str, str]:
    begin = re.search(r"\\begin\s*\{document\}", code)
    if not begin:
        return "", code
    end = re.search(r"\\end\s*\{document\}", code[begin.end():])
    body = code[begin.end(): begin.end() + end.start()] if end else code[begin.end():]
    return code[: begin.start()], body


_USEPACKAGE = re.compile(r"\\usepackage\s*(\[[^\]]*\])?\s*\{([^}]*)\}")


def _filter_preamble(preamble: str, loaded: set[str]) -> str:
    preamble = re.sub(r"\\documentclass\s*(\[[^\]]*\])?\s*\{[^}]*\}", "", preamble)

    def keep(match: re.Match) -> str:
        names = [n.strip() for n in match.group(2).split(",") if n.strip()]
        kept = [n for n in names if n not in loaded and n not in _DROPPED_PACKAGES]
        return rf"\usepackage{match.group(1) or ''}{{{','.join(kept)}}}" if kept else ""

    return _USEPACKAGE.sub(keep, preamble)


def render_latex(code: str, *, config: SandboxConfig, dpi: int = DPI, max_side: int = MAX_SIDE) -> Rendering:
    """Compile table code with pdflatex and rasterise page 1; the image is the whole page (not yet cropped).

    Args:
        code: the model's LaTeX (see :func:`latex_document`).
        config: sandbox limits; ``wall_seconds`` bounds compile plus rasterisation together.
        dpi: rasterisation resolution (150 dpi makes 10 pt text about 21 px high).
        max_side: a page wider or taller than this many pixels is refused as ``too_large``.

    Failures are values: ``syntax`` for LaTeX errors, ``forbidden`` for a file the paranoid modes refused,
    ``memory`` for "TeX capacity exceeded", ``timeout``, ``too_large``, ``crash`` when no PDF/PNG came out.
    """
    start = time.monotonic()
    if len(code.encode("utf-8", "replace")) > MAX_SOURCE_BYTES:
        return Rendering.failed(FailureKind.TOO_LARGE, f"LaTeX source over {MAX_SOURCE_BYTES} bytes", task="table", language="latex")
    with tempfile.TemporaryDirectory(prefix="visual-erm-latex-") as scratch:
        with open(os.path.join(scratch, "table.tex"), "w", encoding="utf-8") as fh:
            fh.write(latex_document(code))
        script = _COMPILE_SCRIPT.format(dpi=int(dpi), side=int(max_side), width=TEXT_WIDTH)
        result = run_command(["/bin/sh", "-c", script], config=config, scratch=scratch, env=_KPSE_ENV)
        seconds = time.monotonic() - start
        meta = {"task": "table", "language": "latex", "seconds": seconds}
        if result.timed_out:
            return Rendering.failed(FailureKind.TIMEOUT, f"pdflatex ran past {config.wall_seconds:g} s and was killed", **meta)
        # The terminal transcript has what the log lacks: kpathsea's "Not reading from ..." refusals.
        log = _read(os.path.join(scratch, "pdflatex.out")) + _read(os.path.join(scratch, "table.log"))
        if result.returncode != 0:
            return Rendering.failed(*_classify_failure(result.returncode, log, result.stderr), **meta)
        png = os.path.join(scratch, "page.png")
        if not os.path.exists(png):
            return Rendering.failed(FailureKind.CRASH, "pdftoppm wrote no image: " + tail(result.stderr), **meta)
        image = load_image(png)
    if image.shape[0] >= max_side or image.shape[1] >= max_side:
        return Rendering.failed(FailureKind.TOO_LARGE, f"page larger than {max_side} px at {dpi} dpi", **meta)
    return Rendering(ok=True, image=image, **meta)


def _classify_failure(returncode: int, log: str, stderr: bytes) -> tuple[FailureKind, str]:
    errors = [ln for ln in log.splitlines() if ln.startswith("! ")]
    first = errors[0][2:].strip() if errors else ""
    refused = [m for m in re.findall(r"Not (?:reading from|writing to) (\S+)", log) if m != "/dev/null"]
    if refused or "I can't write on file" in first:
        return FailureKind.FORBIDDEN, f"file access refused: {refused[0] if refused else first}"
    if "capacity exceeded" in first:
        return FailureKind.MEMORY, first
    if returncode == 3:
        context = _error_context(log)
        return FailureKind.SYNTAX, (first or "pdflatex failed") + (f"\n{context}" if context else "")
    if returncode < 0:
        return FailureKind.CRASH, f"killed by signal {-returncode}"
    return FailureKind.CRASH, tail(stderr) or f"pdftoppm exited with {returncode}"


def _error_context(log: str) -> str:
    # The "l.<n> ..." line TeX prints after an error names the offending input.
    match = re.search(r"^l\.\d+ .*$", log, flags=re.MULTILINE)
    return match.group(0)[:200] if match else ""


def _read(path: str, limit: int = 200_000) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - limit))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
