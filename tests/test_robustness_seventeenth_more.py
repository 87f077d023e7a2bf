"""Robustness, the seventeenth pass continued (sections 3 and 4; the pass's summary of sections 1 and 2 is at
the top of ``test_robustness_seventeenth.py``).

3. A kernel under stress that is not a signal, through the project's runner (``execute.execute``, as the
   piece and every appendix run): a cell printing 20 MB on stdout and on stderr, displaying a 50 MB image
   (the executed notebook is kept whole, 21 and 70 MB), raising an exception whose message is 5 MB (one
   line, cut at 300 characters), holds lone surrogates, is empty or holds a NUL, a class named across two
   lines, ``sys.exit(3)``, ``KeyboardInterrupt`` raised, stdout and stderr closed, ``os._exit(0)`` (the
   kernel died: one line, its hint says "may"), a cell hanging past ``MOMENTUM_CELL_TIMEOUT=3`` (one line,
   in 5 s). **Broke (G)**: an exception class whose name holds a newline printed two lines of error; an
   empty message ended the line in "raised RuntimeError:"; a NUL in a message was printed to the terminal
   as is. The class name and the message are now one line of printable characters ("Bad Name", "\\x00"),
   an empty message "(with no message)".
4. The research appendices in a reports folder a user touched (``research`` for real, one or two notebooks):
   the appendix's HTML hand-edited (the edit stands: the cache is by inputs, and says it did not re-execute),
   its folder a file (exit 5, one line), its notebook a folder (one line, nothing changed), two ``research``
   runs of IWM and one of QQQ for the same day at once (the lock serialises IWM's; all six files there).
   **Broke (H)**: an appendix's executed notebook hand-edited into JSON that is not a notebook (``[]``, a
   string where the metadata was) was an AttributeError traceback, exit 1, from ``research`` and from every
   ``report`` with RESEARCH=1: ``published_digest`` now reads any JSON, and such a file is not up to date
   (the appendix is executed again).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from analysis.errors import RenderError
from analysis.pipeline.research_cache import published_digest
from tests.hostile import one_line, run_cli

AS_OF = "2024-07-08"


# -- 3. a kernel under stress that is not a signal ---------------------------------------------------------


def _notebook(path: Path, code: str) -> Path:
    from analysis.paths import KERNEL_NAME

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(code)]
    )
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    nbformat.write(nb, path)
    return path


def _raised(tmp_path: Path, code: str) -> str:
    from analysis.render import execute

    with pytest.raises(RenderError) as info:
        execute.execute(_notebook(tmp_path / "stress.ipynb", code), tmp_path / "out.ipynb", {"x": 2})
    text = str(info.value)
    assert "\n" not in text and text.isprintable(), repr(text)
    return text


@pytest.mark.slow
@pytest.mark.parametrize(
    "code, expected",
    [
        ("E = type('Bad\\nName', (Exception,), {})\nraise E('x')", "raised Bad Name: x"),
        ("raise RuntimeError()", "cell 3 (`raise RuntimeError()`) raised RuntimeError (with no message)"),
        ("raise ValueError(b'\\xff\\x00'.decode('latin-1'))", "raised ValueError: ÿ\\x00"),
    ],
    ids=["a-class-named-across-two-lines", "an-empty-message", "a-nul-in-the-message"],
)
def test_a_cell_s_exception_is_one_printable_line(tmp_path, code, expected):
    """Broke (G): two lines; "raised RuntimeError:"; a NUL on the terminal."""
    text = _raised(tmp_path, code)
    assert text.endswith(expected), text


@pytest.mark.slow
@pytest.mark.parametrize(
    "code, expected",
    [
        ("raise ValueError('m' * (5 << 20))", "raised ValueError: " + "m" * 300 + "..."),
        ("raise ValueError('bad \\udcff bytes')", "raised ValueError: bad \ufffd bytes"),
        ("import sys\nsys.exit(3)", "cell 3 (`import sys`) raised SystemExit: 3"),
        ("raise KeyboardInterrupt", "raised KeyboardInterrupt (with no message)"),
    ],
    ids=["a-five-megabyte-message", "a-lone-surrogate", "sys-exit", "keyboard-interrupt-raised"],
)
def test_a_cell_raising_something_odd_is_one_line(tmp_path, code, expected):
    """Held (the last, once "raised KeyboardInterrupt:", with (G))."""
    assert _raised(tmp_path, code).endswith(expected)


@pytest.mark.slow
def test_a_kernel_ended_by_its_own_cell_is_one_line_that_says_may(tmp_path):
    """Held: os._exit(0) in a cell; the hint cannot know why and says "may"."""
    text = _raised(tmp_path, "import os\nos._exit(0)")
    assert "the kernel died while running" in text and "It may have run out of memory" in text


@pytest.mark.slow
def test_a_cell_that_hangs_meets_the_cell_timeout(tmp_path, monkeypatch):
    """Held: one line in about the timeout, not the sleep's 60 s."""
    import time

    monkeypatch.setenv("MOMENTUM_CELL_TIMEOUT", "3")
    began = time.monotonic()
    text = _raised(tmp_path, "import time\ntime.sleep(60)")
    assert "a cell ran longer than 3 s" in text and time.monotonic() - began < 40


@pytest.mark.slow
@pytest.mark.parametrize(
    "code, at_least",
    [
        ("import sys\nfor _ in range(20): sys.stdout.write('x' * (1 << 20))\nprint('done')", 20 << 20),
        ("import sys\nfor _ in range(20): sys.stderr.write('y' * (1 << 20))", 20 << 20),
        (
            "from IPython.display import Image, display\ndisplay(Image(data=b'\\x89PNG\\r\\n\\x1a\\n' + bytes(50 << 20)))",
            50 << 20,
        ),
    ],
    ids=["20-mb-on-stdout", "20-mb-on-stderr", "a-50-mb-image"],
)
def test_a_cell_writing_megabytes_is_kept_whole(tmp_path, code, at_least):
    """Held: the run ends, and the executed notebook holds every byte (base64 for the image)."""
    from analysis.render import execute

    out = tmp_path / "out.ipynb"
    execute.execute(_notebook(tmp_path / "loud.ipynb", code), out, {"x": 2})
    assert out.stat().st_size >= at_least


# -- 4. the research appendices in a reports folder a user touched ------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["[]", '"a string"', '{"metadata": "x"}', '{"metadata": {"momentum_report": "abc"}}', "5", "null"],
    ids=["a-list", "a-string", "metadata-a-string", "the-record-a-string", "a-number", "null"],
)
def test_a_hand_edited_appendix_notebook_has_no_digest(tmp_path, text):
    """Broke (H): AttributeError 'list' object has no attribute 'get'."""
    path = tmp_path / "IWM_phase.ipynb"
    path.write_text(text, encoding="utf-8")
    assert published_digest(path) is None


def test_a_digest_recorded_as_a_number_is_no_digest(tmp_path):
    """Held, then tightened with (H): an ``inputs`` of 5 never equals a digest; now it is None, as typed."""
    path = tmp_path / "IWM_phase.ipynb"
    path.write_text(json.dumps({"metadata": {"momentum_report": {"inputs": 5}}}), encoding="utf-8")
    assert published_digest(path) is None


RESEARCH = (
    "research",
    "--source",
    "snapshot",
    "--ticker",
    "IWM",
    "--as-of",
    AS_OF,
    "--notebooks",
    "phase",
    "--jobs",
    "1",
)


@pytest.mark.slow
@pytest.mark.process
def test_research_over_a_hand_edited_appendix_executes_it_again_and_keeps_an_edited_html(tmp_path):
    """Broke (H) for real (exit 1, a traceback); held: an edited HTML with the notebook untouched stands."""
    first = run_cli(tmp_path, *RESEARCH)
    assert first.returncode == 0, first.stderr
    folder = tmp_path / AS_OF / "research"
    (folder / "IWM_phase.ipynb").write_text("[]", encoding="utf-8")
    again = run_cli(tmp_path, *RESEARCH)
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert "wrote" in again.stdout and published_digest(folder / "IWM_phase.ipynb")
    with (folder / "IWM_phase.html").open("a", encoding="utf-8") as page:
        page.write("<!-- a reader's note -->")
    kept = run_cli(tmp_path, *RESEARCH)
    assert kept.returncode == 0 and "unchanged" in kept.stdout and "not re-executed" in kept.stdout
    assert (folder / "IWM_phase.html").read_text(encoding="utf-8").endswith("<!-- a reader's note -->")


@pytest.mark.process
def test_research_whose_folder_is_a_file_is_one_line(tmp_path):
    """Held: exit 5, nothing executed."""
    (tmp_path / AS_OF).mkdir()
    (tmp_path / AS_OF / "research").write_text("file", encoding="utf-8")
    done = run_cli(tmp_path, *RESEARCH)
    assert done.returncode == 5 and "is a file, not a folder" in one_line(done.stderr)
