"""Robustness, a fourteenth hostile pass (issue 29, "Done when"): families the thirteen earlier passes left alone.

Cases tried (command; what the README promises; what happened), by family: 162, of which 125 held and 37
broke, from ten defects (A-J below), each fixed with a test here. Run by hand and kept as tests where cheap.

1. A stop the instant a temporary file is made (5): ``analysis.export``'s CSV, the price cache (and through
   its writer the FRED and monthly caches), the kept frames, the chart memo; the chart memo on a full disk.
   **Broke (A, B)**: ``fd, tmp = tempfile.mkstemp(...)`` made the file before its name was known, so a
   Ctrl-C there left ``.IWM.csv.*.tmp`` for ever (what the thirteenth pass noted), and the chart memo
   caught a full disk's OSError but left its ``.tmp``. Fixed: the name is drawn first and the file made
   with ``O_EXCL``, removed on any failure or stop.
2. Each of the 23 bundled tickers at its first row's date, at the first possible as-of that refusal names,
   and at its last row (69), and the day before the first possible for SPY, BTC-USD, ^GSPC and IWM (4):
   one line, exit 2, naming ``AS_OF=... or later``; pieces in strict, finite JSON with ISO dates.
   **Broke (C)** for the 18 whose first row leaves one session: "leaves only 1 sessions of history".
3. IWM against each other bundled ticker (22), and every ordered pair of the 23 in one sweep (506 pairs,
   1 case). **Broke (D, E)** for ^RUT: IWM's own index hides Leadership, page one then read the French
   factors' monthly ``2025-06`` as a day (a ValueError traceback, exit 1) and said "the the last 10
   years"; ^IRX as benchmark is one line, exit 2 (it touched zero). The sweep held after the fix.
4. Standard output a file on a full tmpfs (6): ``summary`` held (one line); ``index`` and ``grade``
   **broke (F)**: an OSError traceback (index.html written whole); ``--help``, ``summary --help`` and
   ``grade --help`` **broke (G)**: exit 0 having written nothing (argparse swallows the OSError). Now
   one line, exit 1, as the summary's.
5. The interpreter's switches (19): the summary under PYTHONOPTIMIZE=1 and 2, PYTHONHASHSEED=0 and
   4294967295, PYTHONDONTWRITEBYTECODE, PYTHONSAFEPATH, PYTHONNOUSERSITE, PYTHONINTMAXSTRDIGITS=640,
   PYTHONMALLOC=malloc, PYTHONFAULTHANDLER, PYTHONIOENCODING ascii, latin-1 and utf-16, PYTHONUNBUFFERED
   (held: the same UTF-8 JSON), ``report`` under PYTHONOPTIMIZE=2 and ``index`` under ``-X dev -W error``
   (held); the bench's summary stage under ``-O`` and ``-OO`` **broke (H)**: it measured
   ``assert cli.main(argv) == 0``, which -O strips (a JSONDecodeError); ``PYTHONOPTIMIZE=2 make docs``
   **broke (I)**: the API reference lost analysis.api's module docstring, its usage (exit 0).
6. PEP 597's check (6): ``python -X warn_default_encoding -W error -m analysis`` index, grade, export and
   summary **broke (J)**: an EncodingWarning traceback at the first line (the UTF-8 check's
   ``locale.getpreferredencoding``, papermill's entry points, the lock file's ``open``), and without
   ``-W error`` warnings on stderr; ``PYTHONWARNINGS=error PYTHONWARNDEFAULTENCODING=1 make report``
   held (the piece published; the kernel's matplotlib warning relayed as one warning line).
7. The pieces as other tools read them (16): IWM's, ^VIX's and BTC-USD's HTML and index.html through an
   HTML parser (tags balanced, one title, ``lang``, unique ids, alt texts), their Markdown tables (as many
   cells as the header), their JSON (strict, finite, dates ``YYYY-MM-DD`` or a month ``YYYY-MM``), their
   notebooks (nbformat) and PDFs (whole, A4, fonts embedded: ``pdffonts``). Held.
8. Where and how it is started (14): through a symlink to the project (``summary``, ``make -C <link>``),
   from another folder with a relative MOMENTUM_REPORTS_DIR, ``export`` (``make csv``) there for ^VIX,
   BTC-USD at its first possible as-of and the day before, IWM against ^RUT and ^IRX, ^IRX, FAST=199;
   ``setsid`` with stdin closed for index, grade and summary; ``index`` and ``grade`` four times each at
   once on one reports folder. Held.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import cache, kept
from analysis.paths import SNAPSHOT_DIR
from analysis.render import export
from analysis.view.charts import memo
from tests import hostile
from tests.conftest import PROJECT_DIR
from tests.test_robustness_fresh import SNAP, run_json

# -- 1. a stop the instant a temporary file is made, in the export and cache writers -------------------------


def _stopped_after_open(monkeypatch):
    """``os.open`` that makes the file and is then stopped (Ctrl-C's KeyboardInterrupt lands right after the
    system call, before the caller knows the temporary file's name)."""
    real = os.open

    def then_stopped(path, *args, **kwargs):
        fd = real(path, *args, **kwargs)
        if str(path).endswith(".tmp"):
            os.close(fd)
            raise KeyboardInterrupt
        return fd

    monkeypatch.setattr(os, "open", then_stopped)


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame({"close": [1.0, 2.0]}, index=pd.to_datetime(["2024-07-05", "2024-07-08"]))
    frame.index.name = "Date"
    return frame


def _through_export(folder: Path) -> None:
    export.write_csv(_frame(), folder / "iwm.csv")


def _through_cache(folder: Path) -> None:
    cache._atomic_write(folder / "IWM.csv", b"Date,Close\n")


def _through_kept(folder: Path) -> None:
    kept._keep(folder / "IWM.pickle", {"a": 1})


def _through_memo(folder: Path) -> None:
    from analysis.view.display import FigureOutput

    os.environ["MOMENTUM_CHART_CACHE_DIR"] = str(folder)
    try:
        memo._write("k" * 20, FigureOutput.from_png(b"\x89PNG", alt="a", caption="c"))
    finally:
        del os.environ["MOMENTUM_CHART_CACHE_DIR"]


WRITERS = {"export": _through_export, "cache": _through_cache, "kept": _through_kept, "memo": _through_memo}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_stop_the_instant_a_temporary_file_is_made_leaves_nothing(tmp_path, monkeypatch, writer):
    """Broke (step 1 of this pass, what the thirteenth noted): ``fd, tmp = tempfile.mkstemp(...)`` made the
    file before its name was known, so a stop there left ``.IWM.csv.*.tmp`` behind for ever."""
    folder = tmp_path / "out"
    folder.mkdir()
    _stopped_after_open(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        WRITERS[writer](folder)
    assert sorted(p.name for p in folder.rglob("*")) == []


def test_a_chart_kept_on_a_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Broke: the chart memo's ``_write`` caught the OSError of a full disk but left its ``.tmp`` file."""
    from analysis.view.display import FigureOutput

    real = os.fdopen

    class Full:
        def __init__(self, fd):
            self.out = real(fd, "wb")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.out.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(fd))
    monkeypatch.setenv("MOMENTUM_CHART_CACHE_DIR", str(tmp_path))
    memo._write("k" * 20, FigureOutput.from_png(b"\x89PNG", alt="a", caption="c"))
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


# -- 2. each bundled ticker at its first possible as-of and at its last; IWM against each other one ----------

BUNDLED = sorted(p.name.removesuffix(".csv.gz").replace("_", "^") for p in SNAPSHOT_DIR.glob("*.csv.gz"))


def _rows(ticker: str) -> list[str]:
    with gzip.open(SNAPSHOT_DIR / f"{ticker.replace('^', '_')}.csv.gz", "rt") as fh:
        return [line[:10] for line in fh.read().splitlines()[1:]]


def _finite(value: object, where: str = "") -> None:
    """Every number finite, as jq and other languages read JSON (no NaN or Infinity written)."""
    if isinstance(value, float):
        assert math.isfinite(value), where
    for key, item in value.items() if isinstance(value, dict) else enumerate(value if isinstance(value, list) else []):
        _finite(item, f"{where}.{key}")


def test_the_bundled_snapshot_holds_twenty_three_tickers():
    assert len(BUNDLED) == 23, BUNDLED


@pytest.mark.slow
@pytest.mark.parametrize("ticker", BUNDLED)
def test_each_bundled_ticker_at_its_first_row_then_its_first_possible_as_of_then_its_last(capsys, no_reports, ticker):
    """Held (but "leaves only 1 sessions of history", now "1 session"): the first row's date is one line,
    exit 2, naming the first possible as-of; that date and the last row's are pieces in strict, finite JSON."""
    rows = _rows(ticker)
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--ticker", ticker, "--as-of", rows[0])
    assert code == 2 and "1 sessions" not in line, line
    first = re.search(r"AS_OF=(\d{4}-\d\d-\d\d) or later", line)
    assert first, line
    for as_of in (first.group(1), rows[-1]):
        data = run_json(capsys, "--ticker", ticker, "--as-of", as_of)
        assert data["as_of"] == as_of and re.fullmatch(r"\d{4}-\d\d-\d\d", data["as_of"])
        _finite(data)


@pytest.mark.slow
@pytest.mark.parametrize("benchmark", [b for b in BUNDLED if b not in ("IWM", "^IRX")])
def test_iwm_against_each_other_bundled_ticker_is_a_piece(capsys, no_reports, benchmark):
    """Broke for ^RUT: IWM's own index hides leadership, page one then read the French factors' monthly
    date ``2025-06`` as a day (a ValueError traceback, exit 1), and said "the the last 10 years"."""
    data = run_json(capsys, "--ticker", "IWM", "--benchmark", benchmark)
    assert data["benchmark"] == benchmark
    _finite(data)
    text = json.dumps(data["brief"])
    assert "the the " not in text


def test_iwm_against_its_own_index_dates_a_monthly_reading_by_its_month(capsys, no_reports):
    text = json.dumps(run_json(capsys, "--ticker", "IWM", "--benchmark", "^RUT")["brief"])
    assert re.search(r"read [^\"]*? in [A-Z][a-z]+ \d{4}", text), text


def test_iwm_against_a_yield_that_touched_zero_is_one_line(capsys, no_reports):
    code, line = hostile.cli_line(capsys, "summary", *SNAP, "--ticker", "IWM", "--benchmark", "^IRX")
    assert code == 2 and "^IRX has zero or negative values" in line, line


# -- 3. standard output a file on a full disk ----------------------------------------------------------------


@pytest.mark.process
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["index"], "could not write to standard output: No space left on device"),
        (["grade"], "could not write to standard output: No space left on device"),
        (["summary", "--ticker", "QQQ"], "could not write the summary to standard output: No space left"),
        (["--help"], "could not write to standard output: No space left on device"),
        (["grade", "--help"], "could not write to standard output: No space left on device"),
    ],
)
def test_stdout_a_file_on_a_full_disk_is_one_line(tmp_path, args, says):
    """Broke for index and grade: ``make index > out.txt`` on a full disk was an OSError traceback, exit 1
    (index.html itself written whole); ``--help`` exited 0 having written nothing (argparse swallows the
    OSError). Now one line, exit 1 as the summary's."""
    root = tmp_path / "reports"
    with hostile.tmpfs(tmp_path / "full", "4k") as full:
        (full / "fill").write_bytes(b"\0" * 4096)
        with open(full / "out.txt", "w") as out:
            done = subprocess.run(
                [sys.executable, "-m", "analysis", *args],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "MOMENTUM_REPORTS_DIR": str(root)},
                cwd=PROJECT_DIR,
                timeout=120,
                check=False,
            )
    assert done.returncode == 1 and says in hostile.one_line(done.stderr), done.stderr
    assert "Traceback" not in done.stderr


# -- 4. the interpreter's own switches: PYTHONOPTIMIZE, hash seeds, I/O encodings ----------------------------


@pytest.mark.process
@pytest.mark.parametrize("flag", ["-O", "-OO"])
def test_the_bench_s_summary_stage_measures_the_call_under_python_o(flag):
    """Broke: its script ran ``assert cli.main(argv) == 0``, which -O strips: nothing was measured and
    ``make bench`` with PYTHONOPTIMIZE=1 ended in a JSONDecodeError traceback."""
    from analysis.bench import measure

    done = subprocess.run(
        [sys.executable, flag, "-c", measure._SUMMARY_SCRIPT, "IWM", "2024-07-08", "0"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["first_call_s"] > 0.01


@pytest.mark.process
@pytest.mark.parametrize(
    "variable",
    [
        "PYTHONOPTIMIZE=2",
        "PYTHONOPTIMIZE=1",
        "PYTHONHASHSEED=4294967295",
        "PYTHONSAFEPATH=1",
        "PYTHONINTMAXSTRDIGITS=640",
        "PYTHONMALLOC=malloc",
        "PYTHONIOENCODING=ascii",
        "PYTHONIOENCODING=latin-1",
        "PYTHONIOENCODING=utf-16",
    ],
)
def test_the_summary_under_odd_interpreter_settings_is_the_same_utf8_json(tmp_path, variable):
    """Held: the summary of ^VIX is the same UTF-8 JSON (its "−" and "—" intact) whatever the switch."""
    name, _, value = variable.partition("=")
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "summary", "--ticker", "^VIX", "--as-of", "2024-07-08"],
        capture_output=True,
        env={**os.environ, name: value, "MOMENTUM_REPORTS_DIR": str(tmp_path / "r")},
        cwd=PROJECT_DIR,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    _finite(json.loads(done.stdout.decode("utf-8"), parse_constant=float))


@pytest.mark.slow
@pytest.mark.process
def test_make_docs_under_pythonoptimize_2_keeps_the_docstrings():
    """Broke: ``PYTHONOPTIMIZE=2 make docs`` (exported for another tool) wrote an API reference without
    analysis.api's module docstring, its usage (pdoc reads docstrings from the imported modules), exit 0."""
    done = subprocess.run(
        ["make", "-s", "docs"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONOPTIMIZE": "2"},
        cwd=PROJECT_DIR,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = (PROJECT_DIR / "docs" / "api" / "analysis" / "api.html").read_text(encoding="utf-8")
    assert "The research API: the project" in page


# -- 5. the pieces as other tools read them: an HTML parser, a Markdown table's columns, JSON, nbformat, PDF --

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Balance(HTMLParser):
    """Tags opened and closed in order (``p``, ``li`` and table cells may close implicitly), ids, alts."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.wrong: list[tuple] = []
        self.ids: list[str] = []
        self.seen: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))
        self.ids += [v for k, v in attrs if k == "id"]
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        while self.open and self.open[-1] != tag and self.open[-1] in ("p", "li", "td", "th", "tr"):
            self.open.pop()
        if self.open and self.open[-1] == tag:
            self.open.pop()
        elif tag not in VOID:
            self.wrong.append((tag, self.getpos()))


def _pieces(iwm_piece) -> list[Path]:
    root, _ = iwm_piece
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.parts))


@pytest.mark.slow
def test_the_piece_s_html_is_balanced_with_one_title_a_language_unique_ids_and_alt_texts(iwm_piece):
    """Held (by hand also for ^VIX's _VIX.html, BTC-USD.html and index.html): every tag closed in order."""
    pages = [p for p in _pieces(iwm_piece) if p.suffix == ".html"]
    assert pages  # the piece (index.html by hand)
    for page in pages:
        parsed = _Balance()
        parsed.feed(page.read_text(encoding="utf-8"))
        parsed.close()
        assert parsed.wrong == [] and parsed.open == [], (page.name, parsed.wrong, parsed.open)
        assert [t for t, _ in parsed.seen].count("title") == 1
        assert next(a for t, a in parsed.seen if t == "html").get("lang") == "en"
        assert len(parsed.ids) == len(set(parsed.ids)), page.name
        assert all(a.get("alt") for t, a in parsed.seen if t == "img"), page.name


@pytest.mark.slow
def test_the_piece_s_markdown_tables_have_as_many_cells_as_their_header(iwm_piece):
    """Held: a Markdown linter's view (a '|' inside a cell escaped, or the row would gain a column)."""
    for brief in [p for p in _pieces(iwm_piece) if p.suffix == ".md"]:
        lines, start = brief.read_text(encoding="utf-8").splitlines(), None
        for i, line in enumerate([*lines, ""]):
            if line.startswith("|") and start is None:
                start = i
            elif not line.startswith("|") and start is not None:
                cells = {len(re.split(r"(?<!\\)\|", row.strip().strip("|"))) for row in lines[start:i]}
                assert len(cells) == 1, (brief.name, start + 1, cells)
                start = None
        assert not re.search(r"\b(nan|NaN|inf)\b", brief.read_text(encoding="utf-8")), brief.name


@pytest.mark.slow
def test_the_piece_s_json_is_strict_finite_with_iso_dates(iwm_piece):
    """Held: no NaN or Infinity (jq refuses them), every as_of or date ``YYYY-MM-DD`` (or ``YYYY-MM``, a
    month of monthly data, ISO 8601 too)."""
    for summary in [p for p in _pieces(iwm_piece) if p.suffix == ".json"]:
        data = json.loads(summary.read_text(encoding="utf-8"), parse_constant=float)
        _finite(data)
        dates = re.findall(r'"(?:as_of|date|\w+_date)": "([^"]*)"', json.dumps(data))
        assert dates and all(re.fullmatch(r"\d{4}-\d\d(-\d\d)?", d) for d in dates), summary.name


@pytest.mark.slow
def test_the_piece_s_notebook_is_valid_nbformat_and_its_pdf_whole(iwm_piece):
    import nbformat

    for notebook in [p for p in _pieces(iwm_piece) if p.suffix == ".ipynb"]:
        nbformat.validate(nbformat.read(notebook, as_version=4))
    for pdf in [p for p in _pieces(iwm_piece) if p.suffix == ".pdf"]:
        body = pdf.read_bytes()
        assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF"), pdf.name


# -- 6. where and how it is started: a symlinked project, another folder, no terminal, two at once ----------


@pytest.mark.process
@pytest.mark.parametrize("how", ["symlinked-project", "another-folder", "setsid-stdin-closed", "make-C-symlink"])
def test_started_from_elsewhere_it_writes_where_it_is_told(tmp_path, how):
    """Held: through a symlink to the project, from another working folder with a relative reports folder,
    without a controlling terminal and with stdin closed (``setsid ... <&-``), ``make -C <symlink>``."""
    link = tmp_path / "proj"
    link.symlink_to(PROJECT_DIR)
    python = str(link / ".venv" / "bin" / "python") if (PROJECT_DIR / ".venv").exists() else sys.executable
    argv = {
        "symlinked-project": ([python, "-m", "analysis", "export", "--ticker", "^VIX"], link),
        "another-folder": ([python, "-m", "analysis", "export", "--ticker", "^VIX"], tmp_path),
        "setsid-stdin-closed": (["setsid", "-w", python, "-m", "analysis", "export", "--ticker", "^VIX"], tmp_path),
        "make-C-symlink": (["make", "-s", "-C", str(link), "csv", "TICKER=^VIX"], tmp_path),
    }[how]
    done = subprocess.run(
        argv[0],
        capture_output=True,
        text=True,
        cwd=argv[1],
        env={**os.environ, "MOMENTUM_REPORTS_DIR": "rel" if how == "another-folder" else str(tmp_path / "rel")},
        stdin=subprocess.DEVNULL if how != "setsid-stdin-closed" else None,
        preexec_fn=(lambda: os.close(0)) if how == "setsid-stdin-closed" else None,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    written = sorted(p.name for p in (tmp_path / "rel").rglob("*.csv"))
    assert written == ["_VIX_returns.csv", "_VIX_series.csv"], written


@pytest.mark.slow
@pytest.mark.process
def test_index_and_grade_four_times_each_at_once_on_one_reports_folder(iwm_piece, tmp_path):
    """Held: eight runs at once (two make targets in one folder), each exit 0, the files whole."""
    root = tmp_path / "reports"
    shutil.copytree(iwm_piece[0], root)
    runs = [hostile.start(root, command) for command in ("index", "grade") * 4]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0 and err == "", err
    assert json.loads((root / "grades.json").read_text(encoding="utf-8"))
    assert (root / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert hostile.no_leftovers(root) == []


@pytest.mark.process
@pytest.mark.parametrize("command", [["index"], ["grade"], ["export", "--ticker", "^VIX"], ["summary"]])
def test_warnings_of_a_default_encoding_made_errors_are_not_a_traceback(tmp_path, command):
    """Broke: ``python -X warn_default_encoding -W error -m analysis ...`` (PEP 597's check) was an
    EncodingWarning traceback from the first line (``locale.getpreferredencoding`` in the UTF-8 check,
    then papermill's entry points, the lock file's ``open``). The program runs in UTF-8 mode, so they
    say nothing: now ignored, and its own files name their encoding."""
    done = subprocess.run(
        [sys.executable, "-X", "warn_default_encoding", "-W", "error", "-m", "analysis", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "MOMENTUM_REPORTS_DIR": str(tmp_path / "r")},
        cwd=PROJECT_DIR,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
