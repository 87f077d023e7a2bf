"""Reproducible outputs (issue 16): two runs with the same inputs write byte-identical JSON,
executed notebook and HTML, and a PDF that differs at most in its creation date.

Before, papermill's injected-parameters cell got a random id each run (in the notebook and in
the HTML's cell anchors), and the notebook carried the clock: papermill's start/end times and
durations, nbclient's per-message times and the random staging path it was written to.
The piece is the real IWM piece of 2024-07-08, written twice into the same reports folder
(the first time by conftest's shared ``iwm_piece``, into a folder the second run gets a copy of).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from analysis.pipeline.report import Request, run
from analysis.render import execute
from tests.conftest import AS_OF

NAMES = ("IWM.json", "IWM.ipynb", "IWM.html", "IWM.pdf")
#: The only bytes of a Chromium PDF that depend on the clock (same length every run).
PDF_DATES = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")


@pytest.fixture(scope="module")
def two_runs(iwm_piece, tmp_path_factory):
    """The same piece written twice into one folder (the second replaces the first): both sets of bytes.

    The first run is conftest's ``iwm_piece`` (made once per test run, maybe by another
    worker process); the second runs here, in this process, into a copy of its reports folder.
    """
    shared_root, first = iwm_piece
    root = tmp_path_factory.mktemp("twice") / "reports"
    shutil.copytree(shared_root, root)
    runs = [{p.name: p.read_bytes() for p in first.files}]
    result = run(Request.parse("IWM", "SPY", AS_OF, "snapshot"), root=root, log=lambda *_: None)
    assert [p.relative_to(root) for p in result.files] == [p.relative_to(shared_root) for p in first.files]
    runs.append({p.name: p.read_bytes() for p in result.files})
    return runs


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES[:3])
def test_json_notebook_and_html_are_byte_identical(two_runs, name):
    first, second = two_runs
    assert name in first and first[name] == second[name]


@pytest.mark.slow
def test_the_pdf_differs_at_most_in_its_dates(two_runs):
    first, second = two_runs
    if "IWM.pdf" not in first:
        pytest.skip("no Chromium here: no PDF was printed")
    assert len(PDF_DATES.findall(first["IWM.pdf"])) >= 1
    assert PDF_DATES.sub(b"", first["IWM.pdf"]) == PDF_DATES.sub(b"", second["IWM.pdf"])


@pytest.mark.slow
def test_the_notebook_has_a_fixed_injected_cell_id_and_no_clock(two_runs):
    nb = json.loads(two_runs[0]["IWM.ipynb"])
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert [c["id"] for c in injected] == [execute.INJECTED_ID]
    assert f'id="cell-id={execute.INJECTED_ID}"' in two_runs[0]["IWM.html"].decode()
    meta = nb["metadata"]["papermill"]
    assert not {"start_time", "end_time", "duration"} & set(meta) and meta["output_path"] == "IWM.ipynb"
    for cell in nb["cells"]:
        assert "execution" not in cell["metadata"]
        assert not {"start_time", "end_time", "duration"} & set(cell["metadata"].get("papermill", {}))
    assert meta["parameters"]["ticker"] == "IWM" and meta["exception"] is None
