"""A full or read-only disk, for real (issue 16, case 3): the reports folder on a small tmpfs.

The previous test only mocked ``os.replace``; a real full disk fails earlier, while papermill
saves the executed notebook or report.py writes the HTML, and used to end in a traceback
(``OSError: [Errno 28]``). Now: one line, exit 5, nothing new published, the staging folder
gone, the previous piece (the real IWM piece of 2024-07-08, copied onto the tmpfs) byte for
byte intact. Mounting needs root; elsewhere these tests skip and say so.
"""

from __future__ import annotations

import shutil

import pytest

from tests import hostile
from tests.conftest import AS_OF

#: Each file of a staged piece, in the order it is written (the print copy of the HTML too).
ORDER = ("IWM.ipynb", "IWM.json", "IWM.md", "IWM.png", "IWM.html", "IWM.print.html", "IWM.pdf")


@pytest.fixture(scope="module")
def good_piece(iwm_piece):
    """The IWM piece of 2024-07-08 (conftest's ``iwm_piece``, made once per test run): tests copy it before they write."""
    return iwm_piece[0]


def _size(folder) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _staged_sizes(good_piece) -> dict[str, int]:
    day = good_piece / AS_OF
    sizes = {p.name: p.stat().st_size for p in day.iterdir()}
    sizes["IWM.print.html"] = sizes["IWM.html"]
    return sizes


@pytest.mark.slow
@pytest.mark.parametrize("fits", [0, 2, 3], ids=["notebook-does-not-fit", "html-does-not-fit", "pdf-does-not-fit"])
def test_3_a_full_disk_is_one_line_and_leaves_the_old_piece(good_piece, tmp_path, fits):
    """Room for the first ``fits`` staged files and half of the next: the write that fills the
    disk is papermill's notebook save, report.py's HTML, or the PDF's source."""
    sizes = _staged_sizes(good_piece)
    room = sum(sizes.get(name, 0) for name in ORDER[:fits]) + sizes.get(ORDER[fits], 0) // 2
    kib = (_size(good_piece) + room) // 1024 + 300  # tmpfs sizes are whole units
    with hostile.tmpfs(tmp_path / "disk", f"{kib}k") as disk:
        root = disk / "reports"
        shutil.copytree(good_piece, root)
        before = hostile.tree(root)
        done = hostile.run_cli(root, "report", "--as-of", AS_OF, "--source", "snapshot")
        line = hostile.one_line(done.stderr)
        assert done.returncode == 5
        assert line.startswith(f"error: no space left on the device holding {root}")
        assert line.endswith("Free some disk space (a piece needs about 10 MB while it is written) and run again.")
        assert hostile.tree(root) == before
        assert hostile.hidden(root) == [] and hostile.no_leftovers(root) == []


@pytest.mark.slow
def test_a_read_only_disk_is_one_line_and_leaves_the_old_piece(good_piece, tmp_path):
    """Own case: the existing read-only test mocks os.replace; here the file system is
    remounted read-only for real (as root, permissions alone would not stop a write)."""
    with hostile.tmpfs(tmp_path / "disk", "32m") as disk:
        root = disk / "reports"
        shutil.copytree(good_piece, root)
        before = hostile.tree(root)
        hostile.remount(disk, "ro")
        done = hostile.run_cli(root, "report", "--as-of", AS_OF, "--source", "snapshot", "--no-pdf")
        assert done.returncode == 5
        assert hostile.one_line(done.stderr) == (
            f"error: cannot write to {root / '.locks' / (AS_OF + '_IWM.lock')}: Read-only file system. Make the reports directory writable"
            " (or set MOMENTUM_REPORTS_DIR to one that is)."
        )
        assert hostile.tree(root) == before and hostile.no_leftovers(root) == []
        hostile.remount(disk, "rw")
