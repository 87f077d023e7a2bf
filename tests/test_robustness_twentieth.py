"""Robustness, a twentieth hostile pass: families the nineteen earlier passes left alone.

Cases tried by hand, then kept here where cheap; each section says what held and what broke, the defects
(A, B, ...) with the test that failed before the fix.

1. The clock (``faketime`` for the hand cases; the tests move it in-process): AS_OF written ``today``,
   ``yesterday``, ``TODAY``, ``tomorrow``, ``now``, ``latest``, ``-1``, ``20240708``, ``2024/07/08``,
   ``2024-7-8``, ``2024-W28-1``, ``2024-190``, ``8 July 2024``, with a time (``2024-07-08T00:00``), a zone
   (``2024-07-08T23:00-05:00``, ``+14:00``, ``Z``) or a line break: one line, exit 2; ``"2024-07-08 "`` is the
   day: held. The clock far ahead (2099) and on the day (2024-07-08): the same piece: held. The staging sweep
   with the clock moved: a live run's folder is kept by its lock whatever its age: held (by reading
   ``render/publish.py``; the thirteenth pass covers a folder dated ahead). **Broke (A)**: the clock set
   behind the data (2020-01-01, 1999-01-01; the bundled data ends 2026-08-21). ``summary`` with no AS_OF
   published a piece dated 2026-08-21 when the frame cache was warm, and said the bundled IWM file was
   corrupt ("1667 row(s) dated in the future ... fix or delete those rows", exit 3) when it was cold;
   ``report`` failed in the kernel (exit 4) saying "USREC.csv.gz line 1984: date 2020-02-01 is out of range
   ... Restore it with git checkout", even for AS_OF=2019-06-03, a day before the clock; and a piece
   published dated after the clock is one the index passes over as no piece of this project. Now the
   bundled files' dates are vouched for by git and their checksums, not the clock, and a latest session
   after tomorrow by the clock is one line naming the clock, exit 2, with the fix (set it, or an AS_OF).
2. Cross-format agreement: 42 pieces (the 23 bundled series on 2024-07-08, and IWM, NVDA, TLT, HYG, ^TNX,
   ^VIX, BTC-USD, SMH, KRE and XLY on 2020-03-16 and 2024-08-05), every sentence and level of page one in
   the JSON's brief looked for in the Markdown brief, the HTML's page one and the PDF's page one
   (``pdftotext``, hyphenation and line breaks undone): held for 41. **Broke (B)**: XLY on 2024-07-08, whose
   levels box and since-last list are long: the PDF's page one ended "In the Economic Modern Family, IWM"
   and the rest of the sentence was on no page: printed page one was a box one page tall that hid what did
   not fit (``overflow: hidden``). Now the chart takes the height the text leaves, down to 60mm, and text
   that needs more runs on to the next page, whole.
3. Batch composition (``test_robustness_twentieth_more.py``).
4. Set-up lifecycle and data changing under a run (``test_robustness_twentieth_more.py``).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import types

import pytest

from analysis.errors import DataError, InputError
from tests.conftest import PROJECT_DIR, chromium_or_skip, poppler_or_skip

# -- 1. the clock ----------------------------------------------------------------------------------------------

BEHIND = dt.date(2020, 1, 1)


def _clock_at(monkeypatch, module, day: dt.date) -> None:
    """``module``'s ``dt`` (``import datetime as dt``) reads ``day`` as today, in any zone."""

    class Date(dt.date):
        @classmethod
        def today(cls):
            return cls(day.year, day.month, day.day)

    class DateTime(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(day.year, day.month, day.day, 12, tzinfo=tz)

    fake = types.SimpleNamespace(**{k: getattr(dt, k) for k in dir(dt) if not k.startswith("__")})
    fake.date, fake.datetime = Date, DateTime
    monkeypatch.setattr(module, "dt", fake)


def test_the_bundled_prices_are_not_called_corrupt_by_a_clock_behind_them(monkeypatch):
    """(A) the bundled IWM file parsed afresh (a cold frame cache) with the clock at 2020-01-01: it was
    "1667 row(s) dated in the future ... The data is corrupt", exit 3; from a warm cache, a piece."""
    from analysis.data import contract, snapshot

    _clock_at(monkeypatch, contract, BEHIND)
    path = snapshot.SNAPSHOT_DIR / "IWM.csv.gz"
    frame = snapshot._parse(path.read_bytes(), "IWM", "bundled", False, True, origin=str(path))
    assert frame.index[-1].date() > BEHIND


def test_a_users_file_dated_after_the_clock_is_still_refused(monkeypatch):
    """(A) held: the check stays for data a user brings or fetched (``SOURCE=local``, ``cache``, ``yahoo``)."""
    import pandas as pd

    from analysis.data import contract

    _clock_at(monkeypatch, contract, BEHIND)
    days = pd.bdate_range("2019-01-01", periods=300)
    raw = pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), "Close": 100.0 + (days.day_of_year % 7)})
    with pytest.raises(DataError, match="dated in the future"):
        contract.normalize(raw.set_index("Date"), ticker="IWM", source="local", source_detail="a file")


def test_the_bundled_economy_is_not_called_corrupt_by_a_clock_behind_it(monkeypatch):
    """(A) USREC parsed afresh with the clock at 2020-01-01: "line 1984: date 2020-02-01 is out of range
    (1850-01-01 .. 2020-01-02). Restore it with `git checkout`", inside the kernel, exit 4."""
    from analysis.data import macro_snapshot, series

    _clock_at(monkeypatch, series, BEHIND)
    meta = macro_snapshot.manifest()["USREC"]
    packed = (macro_snapshot.PACKAGE_DIR / "data" / "macro" / "USREC.csv.gz").read_bytes()
    values = macro_snapshot._parse("USREC", packed, meta)
    assert values.index[-1].date() > BEHIND


def test_a_latest_session_after_the_clock_is_one_line_naming_the_clock(monkeypatch, market):
    """(A) no AS_OF and the clock behind the data: the piece would be dated after today, which the index
    passes over as no piece of this project. Now the clock is named, with the fix, exit 2."""
    from analysis.model import asof, study

    monkeypatch.setattr(asof, "clock_today", lambda: BEHIND)
    with pytest.raises(InputError) as caught:
        study.resolve_session(market, "IWM", "SPY")
    said = str(caught.value)
    assert said.startswith("the latest session in the IWM data, 2026-08-21, is after today by the system clock")
    assert "(2020-01-01)" in said and "AS_OF=2020-01-01 or earlier" in said
    assert study.resolve_session(market, "IWM", "SPY", "2019-06-03").iso == "2019-06-03"


def test_a_clock_a_day_behind_a_coins_utc_session_is_no_error(monkeypatch, market):
    """(A) held: a UTC-dated session may be tomorrow's by the clock (the index allows that day too)."""
    from analysis.model import asof, study

    last = market.prices("BTC-USD").index[-1].date()
    monkeypatch.setattr(asof, "clock_today", lambda: last - dt.timedelta(days=1))
    assert study.resolve_session(market, "BTC-USD", "SPY").iso <= last.isoformat()


@pytest.mark.parametrize(
    "given",
    ["today", "yesterday", "20240708", "2024-07-08T23:00-05:00", "2024-07-08T00:00", "2024-07-08Z", "2024/07/08"],
)
def test_as_of_in_words_or_with_a_time_is_one_line(given):
    """Held: each is "AS_OF '...' is not a date. Write it as YYYY-MM-DD ..."."""
    from analysis import params

    with pytest.raises(InputError, match=r"is not a date\. Write it as YYYY-MM-DD"):
        params.as_of(given)


# -- 2. cross-format agreement: page one printed whole ---------------------------------------------------------

LAST = "and this is the last sentence of page one, which must be printed whole"


def _page_one_html(items: int) -> str:
    """A piece's page one through the real template and stylesheet: a chart, a text and an aside of ``items``
    since-last bullets, the last one :data:`LAST`; then "The evidence"."""
    import base64
    import io

    import nbformat
    from PIL import Image

    from analysis.render.html import to_html

    png = io.BytesIO()
    Image.new("RGB", (1600, 1100), "steelblue").save(png, format="PNG")
    img = base64.b64encode(png.getvalue()).decode()
    text = "".join(f"<p>Paragraph {i} of the brief says what the close did and why it matters.</p>" for i in range(6))
    bullets = "".join(
        f"<li>Change {i}: a family member moved from a bullish to a warning phase.</li>" for i in range(items)
    )
    page = (
        '<div class="page-one"><header class="masthead"><h1>A headline</h1></header>'
        '<section class="brief-call"><p class="call"><strong>Cautious.</strong> A reason.</p></section>'
        f'<figure class="chart"><img alt="chart" src="data:image/png;base64,{img}"></figure>'
        f'<div class="brief-body"><div class="brief-text">{text}</div><aside><div class="since"><ul>{bullets}'
        f"<li>{LAST}.</li></ul></div></aside></div></div>"
        '<header class="evidence"><h2>The evidence</h2></header><p>Page two.</p>'
    )
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "page", outputs=[nbformat.v4.new_output("execute_result", {"text/html": page}, execution_count=1)]
        )
    )
    return to_html(nb, title="page one")


def _printed(tmp_path, items: int) -> list[str]:
    from analysis.render.browser import Printer

    chromium_or_skip()
    poppler_or_skip()
    html, pdf = tmp_path / f"p{items}.html", tmp_path / f"p{items}.pdf"
    html.write_text(_page_one_html(items), encoding="utf-8")
    with Printer() as printer:
        printer.print_pdf(html, pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.mark.slow
def test_a_page_one_too_long_for_a_page_runs_on_and_is_never_cut(tmp_path):
    """(B) XLY on 2024-07-08 printed "In the Economic Modern Family, IWM" and hid the rest of the sentence
    (page one was a one-page box with ``overflow: hidden``); here an aside of 40 bullets."""
    pages = _printed(tmp_path, 40)
    whole = " ".join(pages)
    assert LAST in whole and "Change 39:" in whole, pages[0][-300:]
    evidence = next(i for i, page in enumerate(pages) if "The evidence" in page)
    # what ran on is followed by the evidence on its page, not by a page break (page two held only a bullet)
    assert evidence >= 1 and pages[evidence].index(LAST) < pages[evidence].index("The evidence"), pages


@pytest.mark.slow
def test_a_page_one_that_fits_is_still_one_page_with_the_chart_filling_it(tmp_path):
    """(B) held: page one of a usual length is one page, "The evidence" starts page two."""
    pages = _printed(tmp_path, 3)
    assert LAST in pages[0] and "The evidence" not in pages[0] and pages[1].startswith("The evidence"), pages


def test_the_stylesheet_hides_nothing_on_page_one():
    """(B) no clipping box on page one (the print rules)."""
    css = (PROJECT_DIR / "analysis" / "render" / "templates" / "momentum" / "piece.css").read_text()
    rules = css[css.index("@media print") :]
    rules = rules[: rules.index("\n}\n")]
    assert "overflow: hidden" not in rules and "min-height: 262mm" in rules
