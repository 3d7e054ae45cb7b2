"""Real material for the benchmark builder, fetched once through the registries' own clients and cached.

Everything lands under ``~/.cache/visual-erm/sources/`` (``VISUAL_ERM_CACHE`` moves the root). A source is fetched
by ``pip download`` or ``npm pack`` the first time it is asked for; later calls read the cached archive only, so
builds are offline and reproducible once the cache is warm. Each source reports its name, version and archive
SHA-256 for the build manifest.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

MATPLOTLIB_SDIST = ("matplotlib", "3.8.4")
EMOJI_NPM = ("@twemoji/svg", "15.0.0")
TABLE_WHEEL = ("vega_datasets", "0.9.0")


@dataclass(frozen=True)
class Source:
    """A fetched archive: what it is, where it came from, and its checksum."""

    name: str
    version: str
    registry: str
    path: Path
    sha256: str

    def manifest(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "registry": self.registry,
                "archive": self.path.name, "sha256": self.sha256}


def cache_root() -> Path:
    """The cache folder (``$VISUAL_ERM_CACHE`` or ``~/.cache/visual-erm``)."""
    return Path(os.environ.get("VISUAL_ERM_CACHE") or Path.home() / ".cache" / "visual-erm")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _run(cmd: list[str], cwd: Path, timeout: float) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-800:]}")


def _fetch(folder: Path, pattern: str, cmd: list[str], timeout: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    hits = sorted(folder.glob(pattern))
    if not hits:
        _run(cmd, folder, timeout)
        hits = sorted(folder.glob(pattern))
    if not hits:
        raise RuntimeError(f"{' '.join(cmd)} produced no {pattern} in {folder}")
    return hits[0]


def matplotlib_sdist(*, timeout: float = 600.0) -> Source:
    """The matplotlib sdist (its ``galleries/examples`` are the chart references).

    ``--no-binary matplotlib`` (not ``:all:``) so pip may use wheels for the build tools it needs for metadata.
    """
    name, version = MATPLOTLIB_SDIST
    folder = cache_root() / "sources" / "pypi"
    path = _fetch(folder, f"matplotlib-{version}.tar.gz",
                  [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", name,
                   f"{name}=={version}", "-d", str(folder)], timeout)
    return Source(name, version, "pypi-sdist", path, _sha256(path))


def emoji_package(*, timeout: float = 300.0) -> Source:
    """Twemoji as plain SVG files (colourful, many shapes per icon) via ``npm pack``."""
    name, version = EMOJI_NPM
    folder = cache_root() / "sources" / "npm"
    path = _fetch(folder, "twemoji-svg-*.tgz", ["npm", "pack", "--silent", f"{name}@{version}"], timeout)
    return Source(name, version, "npm", path, _sha256(path))


def table_wheel(*, timeout: float = 300.0) -> Source:
    """The vega_datasets wheel, which ships real CSV/JSON data sets inside the package."""
    name, version = TABLE_WHEEL
    folder = cache_root() / "sources" / "pypi"
    path = _fetch(folder, f"vega_datasets-{version}-*.whl",
                  [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                   f"{name}=={version}", "-d", str(folder)], timeout)
    return Source(name, version, "pypi-wheel", path, _sha256(path))


def gallery_scripts(source: Source) -> dict[str, str]:
    """``{relative path: source text}`` of every ``galleries/examples/**.py`` in the sdist, sorted by path."""
    out: dict[str, str] = {}
    with tarfile.open(source.path, "r:gz") as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if member.isfile() and member.name.endswith(".py") and "galleries" in parts and "examples" in parts:
                rel = "/".join(parts[parts.index("examples") + 1:])
                f = tar.extractfile(member)
                if f is not None:
                    out[rel] = f.read().decode("utf-8", "replace")
    return dict(sorted(out.items()))


def emoji_svgs(source: Source) -> dict[str, str]:
    """``{codepoints: svg text}`` for every icon in the package, sorted by name."""
    out: dict[str, str] = {}
    with tarfile.open(source.path, "r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith(".svg"):
                f = tar.extractfile(member)
                if f is not None:
                    out[Path(member.name).stem] = f.read().decode("utf-8", "replace")
    return dict(sorted(out.items()))


def csv_tables(source: Source) -> dict[str, list[list[str]]]:
    """``{name: rows}`` of every CSV inside the wheel (first row is the header), sorted by name."""
    out: dict[str, list[list[str]]] = {}
    with zipfile.ZipFile(source.path) as zf:
        for name in sorted(zf.namelist()):
            if name.endswith(".csv"):
                text = zf.read(name).decode("utf-8", "replace")
                rows = [r for r in csv.reader(io.StringIO(text)) if r]
                if len(rows) >= 3 and len(rows[0]) >= 2:
                    out[Path(name).stem] = rows
    return out
