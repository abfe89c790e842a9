"""The DejaVu Sans TTFs embedded in every PDF, so titles in any script DejaVu covers render.

They come from matplotlib's package data (a dependency installed with the API, see
pyproject.toml): nothing is downloaded at run time and nothing depends on the system's
fonts. matplotlib itself is never imported; only its data folder is located.
"""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path

FAMILY = "DejaVu"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
         "BI": "DejaVuSans-BoldOblique.ttf"}


@cache
def font_dir() -> Path:
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib (which ships the DejaVu fonts) is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    missing = [f for f in FILES.values() if not (folder / f).is_file()]
    if missing:
        raise RuntimeError(f"DejaVu fonts missing from {folder}: {', '.join(missing)}")
    return folder


def font_files() -> dict[str, Path]:
    """fpdf2 style ("", "B", "I", "BI") -> TTF path."""
    return {style: font_dir() / name for style, name in FILES.items()}
