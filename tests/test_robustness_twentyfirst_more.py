"""Robustness, a twenty-first hostile pass (continued; families and findings: ``test_robustness_twentyfirst.py``).

2. Page one's layout (long names, long tickers of a user's own files, extreme dates; see below).
   **Broke (F)**, found on the way (a long ``^`` ticker of a user's own file, ``SOURCE=local``): every
   ``^`` symbol from Yahoo or the cache was screened as a yield, whose value may not lie more than 2 points
   outside its neighbours; so ^GSPC (6,344 rows), ^RUT (5,246) and ^VIX (440) fetched from Yahoo or kept
   in the cache were "impossible value(s) ... The data is corrupt" (SOURCE=yahoo or cache: exit 3;
   SOURCE=local or auto: the bundled snapshot instead, with that note), and so was any index a user brings.
   The snapshot's own files were read by their manifest's kind. Now a series is screened as a yield when the
   manifest or the profiles configuration says it is one (^TNX, ^IRX, ^FVX, a rule naming ``yield``; a symbol
   nothing names takes the default profile's).
   **Broke (G)**: TICKER=WWWWWWWWWWWWWWWW (16 characters, the most a ticker has, of its widest letter; a
   user's own file): the track record's table, whose rows name the ticker, was wider than the page, so Chromium
   shrank every printed page to fit it, and page one, shrunk, held "The evidence" at its foot; a plain name
   without spaces (79 characters in names.toml) did the same from page one's call. Now a word longer than
   its column breaks (``overflow-wrap``); the figures stay whole. Held: ADANIPORTS.NS, 0P0000XVAA.F and
   MMMMMMMMMMMM (page one whole, nothing wide; a long headline's running header takes two lines, its date
   whole). Held, about 160 printed pieces: the 23 bundled series on 2015-08-24 and 2023-03-13, on 2018-02-02
   and 2018-02-05 into one folder (since-last lines), eight on 2000-04-14 (the other fifteen: one line each,
   too early), eight on 2013-06-24 and 2021-01-27, XLY with FAST=13 SLOW=89 CONFIRM_N=5 LEVEL_WINDOW=63 against
   QQQ, KRE with LEVEL=99.99 against IWD, 22 against IWM on 2022-10-13, six on 2023-03-13 whose last piece was
   of 2015-08-24 (too old to compare with: five sessions back, and the note): page one whole, page two starting with "The evidence", no page but
   the last under a third full, nothing wider than the page. Noticed and left: with a 16-character ticker of
   W's and a 78-character name, page one can still run a line on to page two (whole): the compact setting
   counts words, not how wide they are; no real symbol is that wide.
3. Cold reads (^VIX and ^TNX on 2015-08-24 and 2018-02-05, HYG 2015-08-24, KRE and ^IRX 2023-03-13, ^TNX and
   TLT 2013-06-24, the since-last lines of five series on 2018-02-05): each close, move, average, distance,
   record and level checked against the CSVs: held, nothing new. Noticed and left: "leading SPY but with
   momentum down, momentum at an oversold extreme" repeats its noun (the golden pieces hold it as written).
"""

from __future__ import annotations

import pytest

from tests.conftest import PROJECT_DIR, laid_out_for_print

# -- 2. page one's layout, and the data on the way ------------------------------------------------------------


@pytest.mark.parametrize("ticker", ["^GSPC", "^RUT", "^VIX", "^WWWWWWWWWWWWWWW"])
def test_an_index_from_yahoo_or_the_cache_is_not_read_as_a_yield(price_cache, ticker):
    """(F) the snapshot's own rows, stored as a Yahoo fetch is and read back: it was "6344 impossible
    value(s) (more than 2 points ...)". ``^WWWWWWWWWWWWWWW``: an index of a user's own, ^GSPC's rows."""
    from analysis.data import cache, snapshot

    frame = snapshot.read("^GSPC" if ticker.startswith("^W") else ticker).copy()
    frame.attrs = {**frame.attrs, "ticker": ticker}
    cache.save(frame)
    again = cache.load(ticker)
    assert (again["close"] - frame["close"]).abs().max() < 1e-5 and len(again) == len(frame)


def test_a_yield_from_the_cache_is_still_screened_in_points(price_cache):
    """(F) held: ^TNX with a close 3 points off its neighbours is refused, as before."""
    from analysis.data import cache, snapshot
    from analysis.errors import DataError

    frame = snapshot.read("^TNX").copy()
    frame.iloc[-300, frame.columns.get_loc("close")] += 3.0
    cache.save(frame)
    with pytest.raises(DataError, match="impossible value.*more than 2 points"):
        cache.load("^TNX")


@pytest.mark.parametrize(
    "ticker, signed",
    [
        ("^TNX", True),
        ("^IRX", True),
        ("^FVX", True),
        ("^TYX", True),
        ("^GSPC", False),
        ("^VIX", False),
        ("^N225", False),
        ("IWM", False),
        ("BTC-USD", False),
    ],
)
def test_a_series_is_signed_when_the_manifest_or_the_profiles_say_it_is_a_yield(ticker, signed):
    from analysis.data.snapshot import signed as is_signed

    assert is_signed(ticker) is signed


WIDE_WORD = "W" * 16


@pytest.mark.slow
@pytest.mark.parametrize("where", ["a-table-head", "page-ones-call"])
def test_a_word_longer_than_its_column_does_not_widen_the_printed_page(tmp_path, where):
    """(G) the track table headed by a 16-character ticker of its widest letter, and a name of 79 letters
    without a space in page one's call: wider than the page, every printed page was shrunk to fit."""
    import nbformat

    from analysis.render.html import to_html

    if where == "a-table-head":
        body = (  # the track record of WWWWWWWWWWWWWWWW on 2008-09-29, as printed
            '<table class="data track"><caption>20-session total return after each call since December 16, 1'
            "999, windows without overlap. Gained: share of windows the holder gained in; worst dip: median "
            "of each window's worst move against the holder; edge: the median's difference from any session'"
            "s</caption><thead><tr><th>Call</th><th>Sessions</th><th>n</th><th>Median</th><th>Middle half</t"
            "h><th>Gained</th><th>Worst dip</th><th>Edge</th><th>90% interval</th><th>Reading</th></tr></the"
            'ad><tbody><tr class="bullish"><td>Constructive</td><td>664</td><td>51</td><td>+0.0%</td><td>−3.'
            "1% to +2.4%</td><td>51%</td><td>−2.6%</td><td>−0.5 pp</td><td>−1.29 to +0.05</td><td>no edge</t"
            "d></tr><tr><td>Cautious</td><td>946</td><td>76</td><td>+0.5%</td><td>−2.9% to +2.1%</td><td>53%"
            '</td><td>−2.7%</td><td>−0.03 pp</td><td>−1.4 to +0.3</td><td>no edge</td></tr><tr class="bearis'
            'h"><td>Defensive</td><td>599</td><td>44</td><td>+0.2%</td><td>−3.2% to +5.2%</td><td>50%</td><t'
            'd>−3.2%</td><td>−0.4 pp</td><td>−2.1 to +1.9</td><td>no edge</td></tr><tr class="baseline"><td>'
            "Any session</td><td>2,209</td><td>2,189</td><td>+0.6%</td><td>−3.0% to +3.5%</td><td>55%</td><t"
            'd>−2.6%</td><td></td><td></td><td></td></tr><tr class="rule"><td>WWWWWWWWWWWWWWWW above its 200'
            "-day</td><td>1,291</td><td>75</td><td>+0.3%</td><td>−2.3% to +2.7%</td><td>56%</td><td>−2.3%</t"
            "d><td>−0.3 pp</td><td>−1.0 to +0.7</td><td>no edge</td></tr><tr><td>WWWWWWWWWWWWWWWW below its "
            "200-day</td><td>918</td><td>55</td><td>+0.4%</td><td>−3.2% to +4.9%</td><td>51%</td><td>−3.0%</"
            "td><td>−0.2 pp</td><td>−2.9 to +1.6</td><td>no edge</td></tr></tbody></table>"
        )
    else:
        body = f'<section class="brief-call"><p class="call"><strong>Defensive.</strong> {WIDE_WORD} ({"W" * 79}) fell.</p></section>'
    nb = nbformat.v4.new_notebook()
    out = nbformat.v4.new_output(
        "execute_result", {"text/html": f'<div class="page-one">{body}</div>'}, execution_count=1
    )
    nb.cells.append(nbformat.v4.new_code_cell("page", outputs=[out]))
    page = tmp_path / "page.html"
    page.write_text(to_html(nb, title="wide"), encoding="utf-8")
    expression = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    scroll, client = laid_out_for_print(page, expression)
    assert scroll <= client, (scroll, client)


def test_an_index_no_rule_names_takes_the_default_profile_not_a_yields_screen(tmp_path, monkeypatch):
    """(F) a profiles.toml of a user's without the ``^`` rule: ^N225 is read as the default profile, so it is no
    yield either."""
    from analysis.data.snapshot import signed

    (tmp_path / "profiles.toml").write_text(
        (PROJECT_DIR / "analysis" / "config" / "profiles.toml")
        .read_text()
        .replace("pattern = '^\\^'\n", "pattern = '^\\^ZZZ'\n")
    )
    monkeypatch.setenv("MOMENTUM_CONFIG_DIR", str(tmp_path))
    assert signed("^N225") is False and signed("^TNX") is True
