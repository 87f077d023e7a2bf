"""How full each printed page is: the check behind "no page less than a third full except the last".

:func:`page_fill` rasterises a PDF at low resolution with poppler's ``pdftoppm`` and measures,
per page, the share of the printable height between the running header and the page number
that holds anything but white. A page whose content ends a quarter of the way down reads 0.25.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from analysis.errors import RenderError

#: Top and bottom bands of a page that hold the running header and the page number.
MARGIN = 0.075


def page_fill(pdf: Path, dpi: int = 30) -> list[float]:
    """For each page of ``pdf``, the fraction of its body height down to the last non-white row."""
    import numpy as np
    from PIL import Image

    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RenderError("pdftoppm (poppler-utils) is not installed, so page fill cannot be measured.")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([tool, "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"], check=True, capture_output=True)
        fills = []
        for page in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
            pixels = np.asarray(Image.open(page).convert("L"), dtype=float)
            h = pixels.shape[0]
            top, bottom = int(h * MARGIN), int(h * (1 - MARGIN))
            inked = np.flatnonzero((pixels[top:bottom] < 235).any(axis=1))
            fills.append(0.0 if inked.size == 0 else float((inked[-1] + 1) / (bottom - top)))
        return fills
