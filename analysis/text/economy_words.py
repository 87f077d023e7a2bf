"""Sentences for "The economy" (FRED series as public at the as-of date) and for the century of
small versus big (Kenneth French's and Robert Shiller's data), from the summary's ``economy``
and ``century`` blocks only. Every reading names its observation date.
"""

from __future__ import annotations

from analysis.fmt import date, pct, plain_pct, signed
from analysis.model.types import Reading


def economy(s: Reading) -> list[str]:
    """The curve, credit and labour, each with the date of its observation and when it became public."""
    e = s.get("economy") or {}
    out = []
    c = e.get("curve")
    if c and c.get("value") is not None:
        text = f"The 10-year minus 3-month Treasury spread was {signed(c['value'])} points on {date(c['date'])}" + (
            f", inverted in {c['months_inverted']} of the last {c['window_months']} months"
            if c["inverted"]
            else ", not inverted"
        )
        if c.get("last_uninversion") and c.get("months_since_uninversion") is not None:
            text += (
                f"; it last turned positive after an inversion on {date(c['last_uninversion']['date'])},"
                f" {c['months_since_uninversion']} months ago"
            )
        out.append(text + ".")
    cr = e.get("credit")
    if cr and cr.get("value") is not None:
        change = f", {signed(cr['change'])} over three months" if cr.get("change") is not None else ""
        out.append(f"The high-yield spread stood at {cr['value']:.2f} points on {date(cr['date'])}{change}.")
    cl, sa = e.get("claims"), e.get("sahm")
    labour = []
    if cl and cl.get("avg") is not None:
        where = (
            f"{plain_pct(cl['pct_above_low'])} above their 52-week low"
            if cl["pct_above_low"] >= 0.0005
            else "at their 52-week low"
        )
        labour.append(f"initial claims averaged {cl['avg']:,.0f} over the four weeks to {date(cl['date'])}, {where}")
    if sa and sa.get("value") is not None:
        side = "at or above" if sa["triggered"] else "below"
        labour.append(
            f"the real-time Sahm rule read {sa['value']:.2f} for {_month(sa['date'])}"
            f" (published {date(sa['known_since'])}), {side} its 0.5 trigger"
        )
    if labour:
        text = "; ".join(labour)
        out.append(text[0].upper() + text[1:] + ".")
    return out + _not_weighed(e)


def _not_weighed(e: Reading) -> list[str]:
    """The series left out: those not yet published at all (before a series' first release) apart
    from those whose newest value is stale."""
    left = [m for m in e.values() if isinstance(m, dict) and m.get("stale")]
    unstarted = [m["id"] for m in left if m.get("started") is False]
    stale = [m["id"] for m in left if m.get("started") is not False]
    out = [f"Stale, so not weighed: {', '.join(stale)}."] if stale else []
    if unstarted:
        out.append(f"Not published yet at this date, so not weighed: {', '.join(unstarted)}.")
    return out


def _month(iso: str) -> str:
    """``2024-06-01`` -> ``June 2024`` (a monthly observation is dated the first of its month)."""
    full = date(iso)
    month, _, year = full.partition(" ")
    return f"{month} {year.split(', ')[-1]}"


def century(s: Reading) -> list[str]:
    """The size premium over the last decade against all decades since 1926, valuations, what followed."""
    c = s.get("century") or {}
    if not c.get("available"):
        return []
    sp, val, after = c["size_premium_10y"], c["valuation_small_vs_big"], c["after_similar"]
    out = [
        f"Over the ten years to {sp['through']}, Kenneth French's small-minus-big factor compounded to"
        f" {pct(sp['value'])}: {sp['percentile']:.1%} of the {sp['windows']:,} ten-year windows ending since 1936"
        f" (French's data begin in 1926) were as bad or worse for small caps."
    ]
    cheap = val["percentile"] >= 0.8
    out.append(
        f"Small caps' book-to-market against big caps' is {val['value']:.2f}, higher than {val['percentile']:.0%}"
        f" of its monthly readings since 1926 (through {val['through']}): "
        + ("cheap by that measure." if cheap else "not cheap by that measure.")
    )
    if after.get("median") is None:
        out.append(
            f"Only {after['n']} earlier decade{'s' if after['n'] != 1 else ''} ranked as low:"
            " too few to say what usually follows."
        )
    else:
        out.append(
            f"After the {after['n']} earlier decades that ranked as low, SMB over the next five years had a"
            f" median of {pct(after['median'])} (from {pct(after['min'])} to {pct(after['max'])})."
        )
    return out


#: The FRED series of the economy items (French's and Shiller's are the long view, not the economy).
FRED_IDS = ("T10Y3M", "T10Y2Y", "DGS10", "BAMLH0A0HYM2", "ICSA", "UNRATE", "SAHMREALTIME", "NFCI")


def lean(s: Reading) -> str:
    """One line when the economy's readings lean one way on the talking point that weighs most of them."""
    best: Reading | None = None
    items: list[Reading] = []
    for sc in s.get("scenarios") or []:
        found = [e for e in sc["evidence"] if e["function"].startswith("economy_") and e["series"][0] in FRED_IDS]
        if len(found) > len(items):
            best, items = sc, found
    measured = [e for e in items if e["reading"] != "unavailable"]
    pro = [e for e in measured if e["reading"] == "supports"]
    con = [e for e in measured if e["reading"] == "contradicts"]
    if best is None or abs(len(pro) - len(con)) < 2:
        return ""
    side, other = ("for", con) if len(pro) > len(con) else ("against", pro)
    but = (
        f"; {' and '.join(e['name'].split(':')[0].lower() for e in other)} {'points' if len(other) == 1 else 'point'} the other way"
        if other
        else ""
    )
    return (
        f"The economy's readings lean {side} “{best['title']}”: {len(pro)} of {len(measured)} support it and"
        f" {len(con)} contradict it{but}."
    )
