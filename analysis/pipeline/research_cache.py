"""Whether a published research appendix still stands: a digest of everything it was made from.

A research notebook's output is a function of

* the notebook itself (``notebooks/<name>.ipynb``, its bytes);
* its parameters (exactly what papermill injects: ticker, benchmark, resolved as-of, source...);
* the package that computes and draws it: ``analysis``'s version and a digest of its source
  (``*.py``, the configuration and the HTML template; a developer's edit counts), and the
  versions of the libraries that compute, draw and render (pandas, matplotlib, papermill...);
* the data up to the as-of session: for every series the piece reads, the rows up to and
  including as-of (later rows cannot change what it shows) and the frame's source; and the
  economy and century data the appendices read (FRED's series up to as-of, the monthly
  research files whole), from the notebooks' own source (:func:`context_inputs`).

:func:`digest` hashes these into one SHA-256 hex string, recorded in the executed notebook's
metadata (``metadata.momentum_report.inputs``) when it is published. :func:`published_digest`
reads it back; a notebook whose recorded digest equals the new one, and whose HTML is there
too, is not executed again (:func:`analysis.pipeline.research.run`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import metadata
from pathlib import Path

import pandas as pd

import analysis
from analysis.data import Market, until

#: Where the digest lives in the executed notebook's metadata.
METADATA_KEY = "momentum_report"
#: The libraries whose versions change what a notebook computes, draws or renders.
LIBRARIES = ("pandas", "numpy", "matplotlib", "mplfinance", "papermill", "nbconvert", "nbformat", "ipykernel", "jinja2")
#: The package's files that count (the bundled prices count through the data instead).
SOURCE_SUFFIXES = (".py", ".toml", ".j2", ".css", ".json", ".tpl")


@functools.cache
def package_fingerprint() -> str:
    """``analysis``'s version, a SHA-256 of its source files and the libraries' versions, as one string.

    Files: every file under the package with a suffix of :data:`SOURCE_SUFFIXES`, outside
    ``data/prices`` and ``__pycache__``, by relative path and content. Computed once per process.
    """
    root = Path(analysis.__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            path.suffix not in SOURCE_SUFFIXES
            or not path.is_file()
            or "__pycache__" in rel.parts
            or rel.parts[:2] == ("data", "prices")
        ):
            continue
        h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return f"analysis {analysis.__version__} {h.hexdigest()} " + " ".join(versions)


def data_digest(frame: pd.DataFrame, as_of: str) -> str:
    """SHA-256 of ``frame``'s rows up to and including ``as_of`` (index and values) and its source."""
    cut = until(frame, pd.Timestamp(as_of))
    rows = pd.util.hash_pandas_object(cut, index=True).to_numpy().tobytes()
    columns = ",".join(map(str, cut.columns)).encode()
    return hashlib.sha256(columns + b"\0" + rows + b"\0" + str(frame.attrs.get("source", "")).encode()).hexdigest()


def data_inputs(market: Market, tickers: list[str], as_of: str) -> str:
    """One SHA-256 hex digest of every series in ``tickers`` up to ``as_of``, loaded through
    ``market`` (the run's, so the data are the ones it runs on); a series that cannot be
    loaded counts as its reason."""
    h = hashlib.sha256()
    for ticker in tickers:
        frame, why = market.prices_or_reason(ticker)
        h.update(f"\0{ticker}\0".encode() + (data_digest(frame, as_of) if frame is not None else why).encode())
    return h.hexdigest()


def context_inputs(source: str, as_of: str) -> str:
    """SHA-256 of the FRED series (:data:`analysis.model.macro.EVIDENCE_IDS`, up to ``as_of``) and
    the monthly research files (French, Shiller: whole) as the notebooks load them with price
    ``source`` (the notebooks' parameter: ``local`` after ``prepare`` fetched, so no network);
    a file that cannot be loaded counts as its reason."""
    from analysis.data import monthly, monthly_frame
    from analysis.data.fred import Macro
    from analysis.errors import ReportError
    from analysis.model.macro import EVIDENCE_IDS

    h = hashlib.sha256()
    store = Macro.for_prices(source)
    for series_id in EVIDENCE_IDS:
        series, why = store.maybe(series_id)
        if series is not None:
            cut = series.loc[: pd.Timestamp(as_of)]
            why = pd.util.hash_pandas_object(cut, index=True).to_numpy().tobytes().hex()
        h.update(f"\0{series_id}\0{why}".encode())
    research = monthly.ResearchData(monthly.research_source(source))
    for name in monthly_frame.names():
        try:
            why = pd.util.hash_pandas_object(research.frame(name), index=True).to_numpy().tobytes().hex()
        except (ReportError, OSError) as exc:
            why = str(exc)
        h.update(f"\0{name}\0{why}".encode())
    return h.hexdigest()


def digest(notebook: Path, parameters: dict, data: str) -> str:
    """The SHA-256 hex digest of a research notebook's inputs (see the module docstring):
    its bytes, ``parameters``, :func:`package_fingerprint` and ``data`` (:func:`data_inputs`)."""
    h = hashlib.sha256()
    h.update(notebook.read_bytes())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(package_fingerprint().encode())
    h.update(data.encode())
    return h.hexdigest()


def published_digest(nb_path: Path) -> str | None:
    """The inputs digest recorded in a published executed notebook, or ``None`` (absent, unreadable, older)."""
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for key in ("metadata", METADATA_KEY, "inputs"):  # a hand-edited file may hold any JSON: "[]", a string
        nb = nb.get(key) if isinstance(nb, dict) else None
    return nb if isinstance(nb, str) else None


def record(nb_path: Path, inputs: str) -> None:
    """Write ``inputs`` into the executed notebook's metadata (before it is published)."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    nb.metadata[METADATA_KEY] = {"inputs": inputs}
    nbformat.write(nb, nb_path)
