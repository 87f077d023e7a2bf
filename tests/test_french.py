"""The bundled research files (French, Shiller), their manifest and validation, publication lags,
and French's live route: the zip parser on the exact shape of his CSV-in-zip files, the cache,
and the fallbacks. No test touches the network (tests/conftest.py guards it); the zips are built
here from the bundled real rows, laid out as French lays them out."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import tomllib
import urllib.error
import zipfile

import pandas as pd
import pytest

from analysis.data import french, french_files, monthly, shiller
from analysis.data.monthly import Lag, ResearchData, published_by
from analysis.errors import DataError, InputError, SourceUnavailable
from tests.conftest import PROJECT_DIR

RESEARCH = PROJECT_DIR / "analysis" / "data" / "research"
MANIFEST = tomllib.loads((RESEARCH / "manifest.toml").read_text())["files"]


def rows(name: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a bundled file, read with the csv module (not the code under test)."""
    with gzip.open(RESEARCH / f"{name}.csv.gz", "rt", newline="") as fh:
        table = list(csv.reader(fh))
    return table[0], table[1:]


# -- the bundle and its manifest ----------------------------------------------------------------


def test_every_bundled_file_is_in_the_manifest_with_its_checksum_rows_and_span():
    on_disk = sorted(p.name.removesuffix(".csv.gz") for p in RESEARCH.glob("*.csv.gz"))
    assert (
        on_disk
        == sorted(MANIFEST)
        == sorted(
            [
                "ff_factors_monthly",
                "me_portfolios_monthly",
                "six_portfolios_monthly",
                "six_portfolios_bm",
                "shiller_cape",
            ]
        )
    )
    sources = (RESEARCH / "SOURCES.md").read_text()
    for name, e in MANIFEST.items():
        data = gzip.decompress((RESEARCH / f"{name}.csv.gz").read_bytes())
        assert hashlib.sha256(data).hexdigest() == e["sha256"], name
        header, body = rows(name)
        assert (len(body), body[0][0], body[-1][0]) == (e["rows"], e["first"], e["last"]), name
        assert set(e["required"]) <= set(header) and f"{name}.csv" in sources
        assert e["frequency"] == "monthly" and e["units"] and e["title"] and e["lag"]
    lags = {name: (e["lag_months"], e["lag_day"]) for name, e in MANIFEST.items()}
    assert lags == {
        "ff_factors_monthly": (2, 15),
        "me_portfolios_monthly": (2, 15),
        "six_portfolios_monthly": (2, 15),
        "six_portfolios_bm": (2, 15),
        "shiller_cape": (1, 1),
    }


def test_pyproject_ships_the_research_files():
    pyproject = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
    assert "data/research/*" in pyproject["tool"]["setuptools"]["package-data"]["analysis"]


def test_loaders_return_monthly_frames_with_the_csv_values_and_provenance():
    """Spot values of SOURCES.md: SMB 1926-07 = -2.55, Mkt-RF 1987-10 = -23.19; the rest against the csv module."""
    f = french.factors()
    assert isinstance(f.index, pd.PeriodIndex) and f.index.freqstr == "M" and f.index.name == "month"
    assert f.loc[pd.Period("1926-07", "M"), "SMB"] == -2.55 and f.loc[pd.Period("1987-10", "M"), "Mkt-RF"] == -23.19
    assert f.attrs | {"notes": []} == f.attrs and f.attrs["source"] == "bundled" and f.attrs["vintage"] == "CRSP 202506"
    assert (f.attrs["first"], f.attrs["last"], f.attrs["lag"]) == ("1926-07", "2025-06", {"months": 2, "day": 15})
    for loader, name in [
        (french.factors, "ff_factors_monthly"),
        (french.size_portfolios, "me_portfolios_monthly"),
        (french.six_portfolios, "six_portfolios_monthly"),
        (french.six_book_to_market, "six_portfolios_bm"),
        (shiller.cape, "shiller_cape"),
    ]:
        frame = loader()
        header, body = rows(name)
        assert list(frame.columns) == header[1:] and len(frame) == len(body)
        last = body[-1]
        assert [str(m) for m in frame.index[[0, -1]]] == [body[0][0], last[0]]
        assert frame.iloc[-1].tolist() == pytest.approx(
            [float(v) if v else float("nan") for v in last[1:]], nan_ok=True
        )
    cape = shiller.cape()
    assert cape["CAPE"].first_valid_index() == pd.Period("1881-01", "M") and cape.attrs["lag"] == {
        "months": 1,
        "day": 1,
    }


def test_a_frame_is_a_copy_callers_may_modify():
    a = french.factors()
    a.iloc[0, 0] = 999.0
    a.attrs["notes"].append("mine")
    b = french.factors()
    assert b.iloc[0, 0] == 2.89 and b.attrs["notes"] == []


# -- validation: one line naming the file, the line and the fix ---------------------------------


def _table(name: str, n: int = 6) -> pd.DataFrame:
    header, body = rows(name)
    return pd.DataFrame(body[:n], columns=header, dtype=str)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda t: t.__setitem__("SMB", ["-2.55", "-1.14", "x", "", "", ""]),
            r"line 4 \(1926-09\): SMB is 'x', not a number",
        ),
        (lambda t: t.loc.__setitem__((3, "SMB"), ""), r"line 5 \(1926-10\): SMB is missing"),
        (lambda t: t.loc.__setitem__((2, "HML"), "-99.99"), r"line 4 \(1926-09\): HML is missing"),
        (lambda t: t.loc.__setitem__((4, "Date"), "1926-13"), r"line 6: date '1926-13' is not a month"),
        (
            lambda t: t.loc.__setitem__((4, "Date"), "1927-01"),
            r"line 6 \(1927-01\): the month skips 2 month\(s\) after 1926-10",
        ),
        (lambda t: t.loc.__setitem__((4, "Date"), "1926-10"), r"line 6 \(1926-10\): the month repeats or goes back"),
        (lambda t: t.__delitem__("RF"), r"columns RF are missing"),
    ],
)
def test_validation_names_the_line_the_month_and_the_fix(change, message):
    """Real rows of the factor file with one cell broken on purpose (said so)."""
    table = _table("ff_factors_monthly")
    change(table)
    with pytest.raises(DataError, match=message) as caught:
        monthly.from_table(table, name="ff_factors_monthly", where="x.csv", hint=monthly.RESTORE)
    text = str(caught.value)
    assert "\n" not in text and text.startswith("x.csv") and "git checkout -- analysis/data/research" in text


def test_an_edited_bundled_file_is_refused_by_its_checksum(tmp_path, monkeypatch):
    (tmp_path / "manifest.toml").write_bytes((RESEARCH / "manifest.toml").read_bytes())
    data = gzip.decompress((RESEARCH / "ff_factors_monthly.csv.gz").read_bytes()).replace(b"-2.55", b"-2.56", 1)
    (tmp_path / "ff_factors_monthly.csv.gz").write_bytes(gzip.compress(data))
    monkeypatch.setattr(monthly, "RESEARCH_DIR", tmp_path)
    monthly._bundled.cache_clear()
    try:
        with pytest.raises(DataError, match=r"ff_factors_monthly\.csv\.gz does not match its checksum.*git checkout"):
            monthly.bundled("ff_factors_monthly")
    finally:
        monthly._bundled.cache_clear()


def test_an_unknown_file_or_source_is_an_input_error():
    with pytest.raises(InputError, match="no research file is called 'smb'.*ff_factors_monthly"):
        monthly.entry("smb")
    with pytest.raises(InputError, match="research data source 'yahoo'"):
        ResearchData("yahoo")


# -- publication lags ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lag, as_of, through",
    [
        (Lag(2, 15), "2024-07-08", "2024-04"),  # May 2024 is not public until 2024-07-15
        (Lag(2, 15), "2024-07-14", "2024-04"),
        (Lag(2, 15), "2024-07-15", "2024-05"),
        (Lag(2, 15), "2000-03-10", "1999-12"),
        (Lag(2, 15), "1999-06-30", "1999-04"),
        (Lag(1, 1), "2024-07-08", "2024-06"),  # June has ended
        (Lag(1, 1), "2024-06-30", "2024-05"),  # June has not
        (Lag(1, 1), "2024-07-01", "2024-06"),
    ],
)
def test_the_horizon_is_the_last_month_public_at_as_of(lag, as_of, through):
    assert str(lag.horizon(as_of)) == through
    assert (
        lag.public_from(pd.Period(through, "M")) <= pd.Timestamp(as_of) < lag.public_from(pd.Period(through, "M") + 1)
    )


def test_published_by_keeps_only_public_months_and_says_through_when():
    full = french.factors()
    kept = published_by(full, "2024-07-08")
    assert kept.index[-1] == pd.Period("2024-04", "M") and len(kept) == len(full) - 14
    assert (
        kept.attrs["through"] == "2024-04"
        and kept.attrs["as_of"] == "2024-07-08"
        and kept.attrs["name"] == full.attrs["name"]
    )
    assert len(full) == 1188  # the input is not cut
    cape = published_by(shiller.cape(), "2026-05-21")
    assert cape.attrs["through"] == "2026-04"  # the bundled 2026-05 row ("May price is May 5th close") is not used
    early = published_by(full, "1926-09-14")
    assert early.empty and early.attrs["through"] is None
    assert published_by(full, "1926-09-15").attrs["through"] == "1926-07"


# -- French's zip files -------------------------------------------------------------------------


def _block(title: list[str], header: list[str], body: list[list[str]], *, annual: bool = False) -> list[str]:
    """A section laid out as French does: title lines, ``,col,...``, rows ``YYYYMM,    v,...`` (padded to 8)."""
    date = (lambda d: f"  {d[:4]}") if annual else (lambda d: d.replace("-", ""))
    return (
        [f"  {t}" for t in title]
        + ["," + ",".join(header)]
        + [date(r[0]) + "," + ",".join(f"{v:>8}" for v in r[1:]) for r in body]
    )


def _zip(member: str, lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, "\r\n".join(lines) + "\r\n")
    return buffer.getvalue()


def factors_zip(n: int | None = None) -> bytes:
    """F-F_Research_Data_Factors_CSV.zip as French ships it: his preamble (the 202506 one, quoted in
    SOURCES.md), a blank line, the monthly block (the bundled real rows), a blank line, the annual
    block (here the first years compounded from those rows: the parser must skip it), copyright."""
    header, body = rows("ff_factors_monthly")
    body = body[:n] if n else body
    annual = []
    for year in ("1927", "1928"):
        months = [r for r in body if r[0].startswith(year)]
        annual.append(
            [year]
            + [f"{(pd.Series([float(r[i]) for r in months]) / 100 + 1).prod() * 100 - 100:.2f}" for i in range(1, 5)]
        )
    lines = [
        "This file was created using the 202506 CRSP database.",
        "The 1-month TBill rate data until 202405 are from Ibbotson Associates. Starting from 202406, the 1-month"
        " TBill rate is from ICE BofA US 1-Month Treasury Bill Index.",
        "",
    ]
    lines += _block([], header[1:], body) + ["", " Annual Factors: January-December "]
    lines += _block([], header[1:], annual, annual=True) + [
        "",
        "Copyright 2025 Eugene F. Fama and Kenneth R. French",
        "",
    ]
    return _zip("F-F_Research_Data_Factors.csv", lines)


def test_the_factor_zip_parses_to_the_bundled_frame():
    frame = french_files.from_zip(factors_zip(), "ff_factors_monthly", url="https://example.invalid/F-F.zip")
    pd.testing.assert_frame_equal(frame, french.factors(), check_exact=True)
    assert frame.attrs["source"] == "live" and frame.attrs["vintage"] == "CRSP 202506"
    assert "downloaded from https://example.invalid/F-F.zip" in frame.attrs["source_detail"]
    sections = french_files.parse(french_files.read_zip(factors_zip(), where="x"))
    assert [(s.title, s.monthly, len(s.rows)) for s in sections] == [
        ("", True, 1188),
        ("Annual Factors: January-December", False, 2),
    ]


def test_the_size_zip_drops_the_all_missing_column_and_picks_the_value_weighted_section():
    """Portfolios_Formed_on_ME: French's "<= 0" column is -99.99 in every row; an equal-weight section
    (a stand-in: the same real rows) follows the value-weight one and must not be taken."""
    header, body = rows("me_portfolios_monthly")
    with_zero = [r[:1] + ["-99.99"] + r[1:] for r in body]
    lines = [
        "This file was created by CMPT_ME_RETS using the 202412 CRSP database.",
        "It contains value- and equal-weighted returns for size portfolios.",
        "Missing data are indicated by -99.99 or -999.",
        "",
        "",
    ]
    lines += _block(["Value Weight Returns -- Monthly"], ["<= 0"] + header[1:], with_zero) + ["", ""]
    lines += _block(["Equal Weight Returns -- Monthly"], ["<= 0"] + header[1:], with_zero[:12])
    frame = french_files.from_zip(_zip("Portfolios_Formed_on_ME.csv", lines), "me_portfolios_monthly")
    assert "<= 0" not in frame.columns
    pd.testing.assert_frame_equal(frame, french.size_portfolios(), check_exact=True)
    assert frame.attrs["vintage"] == "CRSP 202412"


def six_zip() -> bytes:
    """6_Portfolios_2x3 with French's titles, the December BE/ME section among its neighbours:
    the returns (real rows), the BE/ME (real rows) and, as a decoy, a June BE/ME section that
    carries the returns' rows (a stand-in; the parser must tell the two BE/ME titles apart)."""
    header, returns = rows("six_portfolios_monthly")
    _, bm = rows("six_portfolios_bm")
    lines = [
        "This file was created by CMPT_ME_BEME_OP_INV_RETS using the 202412 CRSP database.",
        "It contains value- and equal-weighted returns for portfolios formed on ME and BEME.",
        "",
        "",
    ]
    lines += _block(["Average Value Weighted Returns -- Monthly"], header[1:], returns) + ["", ""]
    lines += _block(
        [
            "For portfolios formed in June of year t",
            "Value Weight Average of BE/ME Calculated for June of t to June of t+1 as: ",
            "Sum[ME(Mth) * BE(Fiscal Year t-1) / ME(Dec t-1)] / Sum[ME(Mth)]",
            "Where Mth is a month from June of t to June of t+1",
            "and BE(Fiscal Year t-1) is adjusted for net stock issuance to Dec t-1",
        ],
        header[1:],
        bm,
    ) + ["", ""]
    lines += _block(
        [
            "For portfolios formed in June of year t",
            "Value Weight Average of BE_FYt-1/ME_June t Calculated for June of t to June of t+1 as: ",
            "Sum[ME(Mth) * BE(Fiscal Year t-1) / ME(Jun t)] / Sum[ME(Mth)]",
        ],
        header[1:],
        returns,
    )
    return _zip("6_Portfolios_2x3.CSV", lines)


def test_the_six_portfolio_zip_gives_each_section_its_file():
    data = six_zip()
    pd.testing.assert_frame_equal(
        french_files.from_zip(data, "six_portfolios_bm"), french.six_book_to_market(), check_exact=True
    )
    pd.testing.assert_frame_equal(
        french_files.from_zip(data, "six_portfolios_monthly"), french.six_portfolios(), check_exact=True
    )


def test_a_missing_value_or_a_changed_format_is_a_one_line_error():
    text = french_files.read_zip(factors_zip(24), where="x").replace("192611,    2.54", "192611,  -99.99")
    table = french_files.section(text, "", where="F-F.zip")
    with pytest.raises(DataError, match=r"^F-F\.zip line 6 \(1926-11\): Mkt-RF is missing\."):
        monthly.from_table(table, name="ff_factors_monthly", where="F-F.zip", hint="h")
    with pytest.raises(DataError, match="no monthly section titled 'Value Weight Returns"):
        french_files.section(text, "Value Weight Returns -- Monthly", where="F-F.zip")
    with pytest.raises(DataError, match="not a zip file"):
        french_files.read_zip(b"<html>moved</html>", where="F-F.zip")
    short = text.replace("192612,    2.62,", "192612,")
    assert short != text
    with pytest.raises(DataError, match="row 192612 has 3 values for 4 columns"):
        french_files.section(short, "", where="F-F.zip")


# -- the live route, the cache and the fallbacks ------------------------------------------------


def test_live_downloads_with_a_timeout_and_keeps_the_download_in_the_cache(monkeypatch):
    asked = {}

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout):
        asked.update(url=request.full_url, timeout=timeout)
        return Response(factors_zip())

    monkeypatch.setattr(french_files.urllib.request, "urlopen", urlopen)
    store = ResearchData("live", timeout=3.0)
    frame = store.frame("ff_factors_monthly")
    assert asked == {"url": MANIFEST["ff_factors_monthly"]["live"], "timeout": 3.0}
    assert frame.attrs["source"] == "live" and monthly.has_cache("ff_factors_monthly")
    again = monthly.cached("ff_factors_monthly")
    pd.testing.assert_frame_equal(again, french.factors(), check_exact=True)
    assert again.attrs["source"] == "cache" and "(cached)" in again.attrs["source_detail"]
    assert monthly.research_cache_dir().parent == monthly.cache_dir()  # apart from the bundle


def test_auto_offline_uses_the_bundled_copy_and_says_so():
    store = ResearchData("auto")  # MOMENTUM_OFFLINE=1 here (conftest)
    frame = store.frame("ff_factors_monthly")
    assert frame.attrs["source"] == "bundled"
    assert store.notes == [
        "French's library could not be used (the network was skipped (offline mode: MOMENTUM_OFFLINE"
        " is set)), so ff_factors_monthly is the bundled copy, which ends 2025-06"
    ]
    assert shiller.cape(store).attrs["source"] == "bundled"
    assert store.notes[-1] == (
        "shiller_cape has no live route (only French's files are downloaded), so shiller_cape is"
        " the bundled copy, which ends 2026-05"
    )


def test_auto_falls_back_once_when_the_download_fails(monkeypatch):
    monkeypatch.delenv("MOMENTUM_OFFLINE")
    calls = []

    def urlopen(request, timeout):
        calls.append(request.full_url)
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(french_files.urllib.request, "urlopen", urlopen)
    store = ResearchData("auto")
    assert store.frame("ff_factors_monthly").attrs["source"] == "bundled"
    assert store.frame("six_portfolios_bm").attrs["source"] == "bundled"
    assert len(calls) == 1  # the second file does not wait for the network again
    assert (
        "could not download https://mba.tuck.dartmouth.edu" in store.notes[0]
        and "Name or service not known" in store.notes[0]
    )
    with pytest.raises(SourceUnavailable, match="could not download"):
        ResearchData("live").frame("ff_factors_monthly")


def test_local_skips_a_corrupt_cache_with_a_note(monkeypatch):
    monthly.save(french.factors())
    csv_path, _ = monthly._cache_paths("ff_factors_monthly")
    csv_path.write_bytes(csv_path.read_bytes()[:-40])
    frame = ResearchData("local").frame("ff_factors_monthly")
    assert frame.attrs["source"] == "bundled"
    assert any("is corrupt: checksum mismatch" in n for n in frame.attrs["notes"])
    with pytest.raises(DataError, match="is corrupt"):
        ResearchData("cache").frame("ff_factors_monthly")


def test_price_sources_map_to_research_sources():
    assert [monthly.research_source(s) for s in ("snapshot", "yahoo", "cache", "local", "auto")] == [
        "bundled",
        "live",
        "local",
        "local",
        "auto",
    ]


def test_auto_falls_back_for_one_file_whose_format_changed_and_still_downloads_the_others(monkeypatch):
    """French's factor zip answers with a page that is not a zip; the 6-portfolio zip is fine (built above)."""
    monkeypatch.delenv("MOMENTUM_OFFLINE")
    answers = {
        MANIFEST["ff_factors_monthly"]["live"]: b"<html>the library has moved</html>",
        MANIFEST["six_portfolios_bm"]["live"]: six_zip(),
    }
    monkeypatch.setattr(french_files, "download", lambda url, timeout: answers[url])
    store = ResearchData("auto")
    assert store.frame("ff_factors_monthly").attrs["source"] == "bundled"
    assert store.frame("six_portfolios_bm").attrs["source"] == "live"
    assert store.notes == [
        "French's ff_factors_monthly could not be read (https://mba.tuck.dartmouth.edu/pages/faculty/"
        "ken.french/ftp/F-F_Research_Data_Factors_CSV.zip: not a zip file (File is not a zip file)),"
        " so ff_factors_monthly is the bundled copy, which ends 2025-06"
    ]
