"""The FRED adapter offline, on the exact shapes FRED returns, and the macro loader's sources.

FRED's fredgraph.csv answers (header ``observation_date,<ID>``, ``.`` for a missing value,
``404`` for an unknown id) are built here from the bundled real rows; no test touches the
network (the conftest guard refuses DNS, which is itself one of the failure cases).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import socket
import urllib.error

import pytest

from analysis.data import fred_cache, macro_snapshot
from analysis.data.fred import FredUnreachable, Macro, UnknownSeries, download, from_csv
from analysis.data.series import check
from analysis.errors import DataError, InputError


def fred_body(series_id: str, *, missing: tuple[str, ...] = ()) -> str:
    """The bundled file as FRED serves it: its own header, and ``.`` rows on ``missing`` dates."""
    text = gzip.decompress(macro_snapshot.path(series_id).read_bytes()).decode()
    lines = text.splitlines()[1:]
    for day in missing:
        at = next(i for i, line in enumerate(lines) if line > day)
        lines.insert(at, f"{day},.")
    return "\n".join([f"observation_date,{series_id}", *lines]) + "\n"


class Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Opener:
    """A stand-in for urllib.request.urlopen: answers ``bodies[id]`` or raises ``errors[id]``; counts calls."""

    def __init__(self, bodies: dict | None = None, errors: dict | None = None) -> None:
        self.bodies, self.errors, self.urls = bodies or {}, errors or {}, []

    def __call__(self, request, timeout):
        url = request.full_url
        self.urls.append(url)
        series_id = url.rsplit("=", 1)[1]
        if series_id in self.errors:
            raise self.errors[series_id]
        return Response(self.bodies[series_id].encode())


def http_error(code: int) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://fred.stlouisfed.org/graph/fredgraph.csv", code, "x", {}, None)


# -- the adapter ---------------------------------------------------------------------------------


def test_fred_csv_with_missing_values_reads_to_the_bundled_series():
    body = fred_body("T10Y3M", missing=("2024-07-04", "2024-12-25"))
    assert "observation_date,T10Y3M\n" in body and "2024-07-04,.\n" in body
    series = from_csv(body, "T10Y3M")
    check(series)
    bundled = macro_snapshot.read("T10Y3M")
    assert series.equals(bundled) and series.attrs["source"] == "fred"
    assert series.attrs["release"] == "next_business_day" and series.attrs["title"] == bundled.attrs["title"]


def test_old_header_blank_values_and_crlf_are_read():
    series = from_csv("DATE,SAHMREALTIME\r\n2024-06-01,0.43\r\n2024-07-01,\r\n2024-08-01,0.57\r\n", "SAHMREALTIME")
    assert list(series) == [0.43, 0.57]


def test_a_web_page_or_another_series_is_an_unknown_id():
    with pytest.raises(
        UnknownSeries, match=r"FRED has no series NOPE \(FRED sent a web page, not data\)\. Check the id"
    ):
        from_csv("<!DOCTYPE html>\n<html><head><title>Error</title></head></html>", "NOPE")
    with pytest.raises(UnknownSeries, match="the answer holds 'DGS10'"):
        from_csv("observation_date,DGS10\n2024-07-05,4.28\n", "T10Y3M")


def test_a_bad_row_in_the_download_names_the_line():
    with pytest.raises(DataError, match=r"^FRED's ICSA download line 3: value 'n/a' for 2024-06-29"):
        from_csv("observation_date,ICSA\n2024-06-22,233000\n2024-06-29,n/a\n", "ICSA")


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (http_error(404), UnknownSeries, "FRED has no series T10Y3M (HTTP 404)."),
        (http_error(400), UnknownSeries, "FRED has no series T10Y3M (HTTP 400)."),
        (http_error(503), FredUnreachable, "FRED answered HTTP 503 for T10Y3M."),
        (
            urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
            FredUnreachable,
            "FRED could not be reached (Name or service not known).",
        ),
        (urllib.error.URLError(TimeoutError("timed out")), FredUnreachable, "FRED could not be reached (timed out)."),
        (
            ConnectionResetError(104, "Connection reset by peer"),
            FredUnreachable,
            "FRED could not be reached ([Errno 104] Connection reset by peer).",
        ),
    ],
)
def test_a_network_failure_is_told_apart_from_an_unknown_id(error, kind, words):
    with pytest.raises(kind) as info:
        download("T10Y3M", opener=Opener(errors={"T10Y3M": error}))
    assert info.value.message == words
    other = UnknownSeries if kind is FredUnreachable else FredUnreachable
    assert not isinstance(info.value, other)


def test_the_real_opener_offline_is_a_network_failure():
    """The conftest refuses DNS, as a machine without network would: no request leaves."""
    with pytest.raises(FredUnreachable, match=r"^FRED could not be reached \(DNS lookup attempted in a test"):
        download("T10Y3M", timeout=1)


def test_an_id_that_is_not_a_fred_id_is_refused_before_any_request():
    opener = Opener()
    with pytest.raises(InputError, match="'t10y3m; rm' is not a FRED series id"):
        download("t10y3m; rm", opener=opener)
    assert opener.urls == []


# -- the loader --------------------------------------------------------------------------------


def test_fred_source_fetches_by_id_and_caches_apart_from_the_bundle(isolated_dirs):
    bundled_before = macro_snapshot.path("ICSA").read_bytes()
    opener = Opener({"ICSA": fred_body("ICSA")})
    series = Macro("fred", opener=opener).series("ICSA")
    assert opener.urls == ["https://fred.stlouisfed.org/graph/fredgraph.csv?id=ICSA"]
    assert series.attrs["source"] == "fred" and series.attrs["last_date"] == "2026-08-15"
    assert fred_cache.fred_cache_dir() == (isolated_dirs / "fred").resolve()  # beside the price cache
    cached = Macro("cache").series("ICSA")
    assert cached.equals(series) and cached.attrs["source"] == "cache" and "(cached)" in cached.attrs["source_detail"]
    assert (isolated_dirs / "fred" / "ICSA.csv").read_text() == fred_body("ICSA")  # the body as received
    assert macro_snapshot.path("ICSA").read_bytes() == bundled_before


def test_a_corrupt_cache_is_refused_and_local_falls_back_with_a_note(isolated_dirs):
    Macro("fred", opener=Opener({"NFCI": fred_body("NFCI")})).series("NFCI")
    path = isolated_dirs / "fred" / "NFCI.csv"
    path.write_text(path.read_text()[:-40])
    with pytest.raises(DataError, match=r"the FRED cache for NFCI .* is corrupt: checksum mismatch"):
        Macro("cache").series("NFCI")
    local = Macro("local").series("NFCI")
    assert local.attrs["source"] == "snapshot" and "is corrupt" in local.attrs["notes"][0]


def test_local_takes_the_newer_of_cache_and_bundle(isolated_dirs):
    newer = fred_body("SAHMREALTIME") + "2026-05-01,0.2\n"  # a later row than the bundle's last (test-only)
    Macro("fred", opener=Opener({"SAHMREALTIME": newer})).series("SAHMREALTIME")
    local = Macro("local").series("SAHMREALTIME")
    assert local.attrs["source"] == "cache" and local.attrs["last_date"] == "2026-05-01"
    assert Macro("local").series("UNRATE").attrs["source"] == "snapshot"  # nothing cached for it


def test_auto_offline_uses_the_bundle_and_says_so_in_plain_words():
    macro = Macro("auto", opener=Opener())
    series = macro.series("T10Y3M")
    assert series.attrs["source"] == "snapshot"
    assert series.attrs["notes"] == [
        "FRED was skipped (offline mode: MOMENTUM_OFFLINE is set), so this piece uses"
        " the bundled T10Y3M series ending 2026-07-31"
    ]
    assert macro.notes() == series.attrs["notes"]


def test_auto_waits_for_an_unreachable_fred_once_and_falls_back(monkeypatch):
    monkeypatch.delenv("MOMENTUM_OFFLINE")
    down = urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))
    opener = Opener(errors={"T10Y3M": down, "ICSA": down})
    macro = Macro("auto", opener=opener)
    assert macro.series("T10Y3M").attrs["notes"] == [
        "FRED could not be reached (Temporary failure in name resolution), so this piece uses the bundled T10Y3M"
        " series ending 2026-07-31"
    ]
    assert macro.series("ICSA").attrs["notes"][0].endswith("the bundled ICSA series ending 2026-08-15")
    assert len(opener.urls) == 1  # remembered: not asked again for ICSA


def test_auto_falls_back_per_series_on_an_unknown_id_and_keeps_asking_for_others(monkeypatch):
    monkeypatch.delenv("MOMENTUM_OFFLINE")
    opener = Opener({"UNRATE": fred_body("UNRATE")}, errors={"NFCI": http_error(404)})
    macro = Macro("auto", opener=opener)
    assert macro.series("NFCI").attrs["notes"] == [
        "FRED has no series NFCI (HTTP 404), so this piece uses the bundled NFCI series ending 2026-08-14"
    ]
    unrate = macro.series("UNRATE")
    assert unrate.attrs["source"] == "fred" and unrate.attrs["notes"] == [] and len(opener.urls) == 2


def test_sources_and_ids_are_checked():
    with pytest.raises(InputError, match="macro source 'yahoo' is not one of snapshot, fred, cache, local, auto"):
        Macro("yahoo")
    assert Macro.for_prices("yahoo").source == "fred" and Macro.for_prices("snapshot").source == "snapshot"
    with pytest.raises(InputError, match="GDP is not a series this project knows how to date"):
        Macro("snapshot").series("GDP")
    series, why = Macro("cache").maybe("T10Y3M")
    assert series is None and why.startswith("no cached FRED data for T10Y3M")


def test_the_cache_checksum_is_of_the_bytes_received(isolated_dirs):
    Macro("fred", opener=Opener({"DGS10": fred_body("DGS10")})).series("DGS10")
    meta = (isolated_dirs / "fred" / "DGS10.json").read_text()
    assert hashlib.sha256(fred_body("DGS10").encode()).hexdigest() in meta
