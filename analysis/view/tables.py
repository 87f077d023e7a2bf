"""The piece's tables, from the summary: the long view, the talking points' evidence, the family and
what history says. Cells are written with the piece's :class:`~analysis.model.units.Units`;
captions and notes come from :mod:`analysis.text.page_words`. Nothing is computed here.
"""

from __future__ import annotations

from analysis import fmt
from analysis.text import page_words
from analysis.text import profile_words as pw
from analysis.view.display import Html, paragraphs, table

DASH = "\u2014"

#: Row class of each verdict in the history table.
VERDICT_CLASS = {"positive edge": "edge-up", "negative edge": "edge-down", "no edge": "", "too few": "unavailable"}


def performance(s: dict) -> Html:
    """The long view: each span's return against the benchmark's (or a level's change)."""
    rp, caption = s["relative_performance"], page_words.performance_caption(s)
    if pw.is_level(s):
        rows = [
            (span, pw.level_change(s, r["ticker"]), fmt.date(r["start"]))
            for span, r in rp.items()
            if r["ticker"] is not None
        ]
        return table(["Span", f"{s['ticker']} change", "From"], rows, caption=caption)
    rows = [
        (
            span,
            fmt.pct(r["ticker"]),
            fmt.pct(r["benchmark"]),
            fmt.signed(100 * (r["ticker"] - r["benchmark"]), 1) + " pts",
            fmt.date(r["start"]),
        )
        for span, r in rp.items()
        if r["ticker"] is not None and r["benchmark"] is not None
    ]
    return table(["Span", s["ticker"], s["benchmark"], "Difference", "From"], rows, caption=caption)


def scenarios(s: dict) -> Html:
    """Each talking point's evidence: direction, value, rule, reading, weight and date."""
    out = Html("")
    for number, sc in enumerate(s["scenarios"], 1):
        rows = [
            (
                e["name"] + (f" ({e['direction']})" if e["direction"] else ""),
                e["value_text"],
                e["rule"],
                e["reading"] + (f": {e['reason']}" if e["reason"] else ""),
                f"{e['weight']:g}",
                e["as_of"] or DASH,
            )
            for e in sc["evidence"]
        ]
        out += table(
            ["Evidence", "Value", "Rule", "Reading", "Weight", "As of"],
            rows,
            caption=page_words.scenario_caption(number, sc),
            row_classes=[e["reading"] for e in sc["evidence"]],
            cls="data scenarios",
        )
    return out


def _family_row(m: dict) -> tuple[str, ...]:
    def pct(x: float | None) -> str:
        return "n/a" if x is None else fmt.pct(x)

    phase = (m["phase"] or "n/a") + (f" since {fmt.date(m['phase_since'])}" if m["phase_since"] else "")
    rm = "n/a" if m["rm_above_fast"] is None else ("above" if m["rm_above_fast"] else "below")
    data = (
        f"stale: data ends {m['last_date']}"
        if m["stale"] and m["last_date"]
        else (m["reason"] or f"to {m['as_of'] or m['last_date']}")
    )
    lead = "n/a" if m["lead"] is None else fmt.signed(m["lead"])
    return (f"{m['ticker']} \u00b7 {m['nickname']}", phase, rm, lead, pct(m["return_1m"]), pct(m["return_3m"]), data)


def family(s: dict) -> Html:
    """The Economic Modern Family dashboard: one row per member, stale members marked, and the note on
    dividend-adjusted files."""
    f = s["family"]
    note = page_words.family_note([m["ticker"] for m in f["members"] if m["fully_adjusted"]])
    return table(
        ["Member", "Phase", "Real Motion vs its 50-DMA", f"Leadership vs {f['benchmark']}", "1m", "3m", "Data"],
        [_family_row(m) for m in f["members"]],
        row_classes=[m["status"] for m in f["members"]],
        cls="data family",
    ) + (paragraphs([note], cls="data-note") if note else Html(""))


def _history_cells(s: dict, h: dict) -> tuple[str, ...]:
    if not h["n"] or h["edge"] is None:
        return (str(h["n"]), DASH, DASH, DASH, "none complete" if not h["n"] else DASH)
    u = pw.units_of(s)
    return (
        str(h["n"]),
        u.move(h["median"], short=True),
        u.signed_edge(h["edge"]),
        u.interval(h["edge_low"], h["edge_high"], unit=False),
        page_words.READINGS[h["verdict"]],
    )


def history(s: dict, k: str = "20") -> Html:
    """The event study at ``k`` sessions: each trigger's n, median, edge over any session and its 90%
    interval, one column each; the current state and the baseline as the last rows."""
    rows, classes = [], []
    for item in s["history"]:
        h = item["horizons"][k]
        last = fmt.date(item["last_occurrence"]) if item["last_occurrence"] else "never"
        rows.append((item["trigger"], last, *_history_cells(s, h)))
        classes.append(VERDICT_CLASS[h["verdict"]])
    state = s.get("history_state")
    if state:
        h = state["horizons"][k]
        rows.append((state["label"], f"{state['sessions']:,} sessions", *_history_cells(s, h)))
        classes.append(" ".join(c for c in ("state", VERDICT_CLASS[h["verdict"]]) if c))
    base = s["history"][0]["horizons"][k]
    median = DASH if base["baseline_median"] is None else pw.units_of(s).move(base["baseline_median"], short=True)
    rows.append(("Any session (baseline)", "", f"{base['baseline_n']:,}", median, "", "", ""))
    classes.append("baseline")
    return table(
        ["Trigger", "Last fired", "n", "Median", "Edge", "90% interval", "Reading"],
        rows,
        row_classes=classes,
        caption=page_words.history_caption(s),
        cls="data history",
    )
