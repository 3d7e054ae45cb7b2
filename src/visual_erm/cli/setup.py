"""`visual-erm setup`: one-time preparation (font cache) and a check of the system components."""

from __future__ import annotations

import shutil

import typer

from visual_erm.cli import app


@app.command("setup")
def setup_command() -> None:
    """Pre-seed matplotlib's font cache for the sandbox and report which renderers can run here."""
    from visual_erm.render.pool import mpl_seed_dir
    from visual_erm.render.sandbox import bwrap_works

    seed = mpl_seed_dir()
    checks = {
        "matplotlib font cache": str(seed),
        "bubblewrap sandbox": "ok" if bwrap_works() else "MISSING (install bubblewrap; rlimits-only fallback)",
        "chromium (tables)": shutil.which("chromium") or "MISSING (install chromium)",
        "pdflatex (LaTeX tables)": shutil.which("pdflatex") or "MISSING (install texlive-latex-base)",
        "pdftoppm (LaTeX tables)": shutil.which("pdftoppm") or "MISSING (install poppler-utils)",
    }
    for name, state in checks.items():
        typer.echo(f"{name:28s} {state}")
