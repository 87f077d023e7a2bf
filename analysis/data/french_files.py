"""Kenneth French's Data Library, live: his zip files downloaded, parsed and validated into monthly frames.

Why the zip files and not pandas-datareader's ``famafrench`` reader: the files are one
``<name>_CSV.zip`` each on French's site holding one CSV whose shape is simple (below), so a
parser of ~40 lines and :mod:`urllib` (standard library, with a hard timeout) do the job.
pandas-datareader is not a dependency, has had no release since 0.10.0 (2021), imports a
private pandas helper that pandas 3 removed (pydata/pandas-datareader#1005; this project runs
pandas 3), and was dropped by ffn for that reason (pmorissette/ffn#239). Its reader would also
hide the file's vintage line, which the provenance keeps.

The shape of French's CSV-in-zip files (``F-F_Research_Data_Factors.CSV``,
``Portfolios_Formed_on_ME.CSV``, ``6_Portfolios_2x3.CSV``)::

    This file was created by CMPT_ME_BEME_RETS using the 202412 CRSP database.   <- preamble
    The 1-month TBill return is from Ibbotson and Associates, Inc.
                                                                                 <- blank line
    ,Mkt-RF,SMB,HML,RF                                                           <- header (leading comma)
    192607,    2.96,   -2.56,   -2.43,    0.22                                   <- monthly block, YYYYMM
    ...
                                                                                 <- blank line(s)
     Annual Factors: January-December                                            <- a section title
    ,Mkt-RF,SMB,HML,RF
      1927,   29.47,   -2.46,   -3.75,    3.12                                   <- annual block, YYYY
    ...
    Copyright 2024 Kenneth R. French

A *section* is a header line and the data rows after it; its title is the non-blank lines
just before the header ("" for the factors' first block, several lines for the BE/ME ones).
Missing values are ``-99.99`` or ``-999`` (they become NaN; a column missing everywhere, like
the size file's ``<= 0`` firms, is dropped). :func:`parse` finds the sections,
:func:`section` picks the monthly one whose title contains the manifest's ``section``.
"""

from __future__ import annotations

import http.client
import io
import re
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from analysis.data.fred import network_words
from analysis.data.monthly_frame import entry, from_table
from analysis.errors import DataError, SourceUnavailable

#: Seconds a download may take (connect and each read).
TIMEOUT = 5.0
_VINTAGE = re.compile(r"using the (\d{6}) CRSP database")
_ROW = re.compile(r"^\s*(\d{4}|\d{6}|\d{8})\s*,")


@dataclass
class Section:
    """One block of a French CSV: its title, column names and rows of (date, cells) as text."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)

    @property
    def monthly(self) -> bool:
        """Rows dated ``YYYYMM`` (annual blocks are ``YYYY``, daily ones ``YYYYMMDD``)."""
        return bool(self.rows) and len(self.rows[0][0]) == 6


def parse(text: str) -> list[Section]:
    """Every section of a French CSV, in file order (see the module docstring for the shape)."""
    sections: list[Section] = []
    title: list[str] = []
    current: Section | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            title, current = [], None
        elif stripped.startswith(","):
            current = Section(" ".join(title), [c.strip() for c in stripped.split(",")[1:]])
            sections.append(current)
            title = []
        elif current is not None and _ROW.match(line):
            current.rows.append([c.strip() for c in stripped.split(",")])
        else:
            title.append(stripped)
            current = None
    return sections


def section(text: str, title: str, *, where: str) -> pd.DataFrame:
    """The first monthly section whose title contains ``title`` ("" = the first untitled one), as a
    table of strings: ``Date`` (``YYYY-MM``) then French's columns. :class:`DataError` if absent."""
    found = [s for s in parse(text) if s.monthly and (title in s.title if title else not s.title)]
    if not found:
        raise DataError(
            f"{where}: no monthly section titled {title or '(untitled)'!r}; French's file format may have changed.",
            "The bundled copy is used meanwhile.",
        )
    chosen = found[0]
    width = len(chosen.columns) + 1
    for row in chosen.rows:
        if len(row) != width:
            raise DataError(
                f"{where}: section {title or '(untitled)'!r} row {row[0]} has {len(row) - 1} values for"
                f" {width - 1} columns; French's file format may have changed.",
                "The bundled copy is used meanwhile.",
            )
    table = pd.DataFrame([r[1:] for r in chosen.rows], columns=chosen.columns, dtype=str)
    table.insert(0, "Date", [f"{r[0][:4]}-{r[0][4:]}" for r in chosen.rows])
    return table


def vintage(text: str) -> str:
    """``"CRSP 202506"`` from the preamble's "... using the 202506 CRSP database", else ``"unstated"``."""
    match = _VINTAGE.search(text)
    return f"CRSP {match.group(1)}" if match else "unstated"


def read_zip(data: bytes, *, where: str) -> str:
    """The text of the one CSV inside a French zip (latin-1: his files are ASCII, with the odd symbol)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise DataError(
                    f"{where}: expected one CSV in the zip, found {archive.namelist()}.",
                    "The bundled copy is used meanwhile.",
                )
            return archive.read(members[0]).decode("latin-1")
    except zipfile.BadZipFile as exc:
        raise DataError(f"{where}: not a zip file ({exc}).", "The bundled copy is used meanwhile.") from None


def from_zip(data: bytes, name: str, *, url: str = "") -> pd.DataFrame:
    """A monthly frame of ``name`` from the bytes of French's zip (the section the manifest names)."""
    e = entry(name)
    where = url or f"{name} zip"
    text = read_zip(data, where=where)
    frame = from_table(
        section(text, e["section"], where=where),
        name=name,
        where=where,
        hint="French's file format may have changed; the bundled copy is used meanwhile.",
    )
    frame.attrs.update(
        source="live",
        vintage=vintage(text),
        source_detail=f"{e['publisher']}, {vintage(text)}; downloaded from {url or 'a zip'}",
    )
    return frame


def download(url: str, *, timeout: float = TIMEOUT) -> bytes:
    """The bytes at ``url``; :class:`SourceUnavailable` (one line, the reason) on any network failure."""
    request = urllib.request.Request(url, headers={"User-Agent": "momentum-report (research data)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)  # HTTPException: an answer cut short (IncompleteRead) or garbled
        raise SourceUnavailable(
            f"could not download {url} ({network_words(reason)}).",
            "Check the connection; the bundled copy is used meanwhile.",
        ) from None


def fetch(name: str, *, timeout: float = TIMEOUT) -> pd.DataFrame:
    """``name`` downloaded live from French's library (``source='live'``), validated like the bundle."""
    url = entry(name).get("live")
    if not url:
        raise SourceUnavailable(f"{name} has no live route.", "Use the bundled copy.")
    return from_zip(download(url, timeout=timeout), name, url=url)
