"""The strategist's brief: page one of a piece, written from the summary JSON only.

The brief is what a newsletter writer publishes: the call in one sentence (constructive,
cautious or defensive, with its reason), what would change it in both directions *in
prices*, three short paragraphs on price, momentum and leadership, the levels that matter,
one line on the talking points and what changed since the last piece. The pages after it
("The evidence") hold the detail; the brief says the same things in fewer, different words.
The call and what would change it are decided in :mod:`analysis.model.call`; this module words them.
"""

from __future__ import annotations

import re
from typing import cast

from analysis.fmt import count, date, day, join, markdown_text, signed
from analysis.model import call as calls
from analysis.model.levels_box import box
from analysis.model.types import Reading, SummaryDict
from analysis.params import Knobs, Request
from analysis.text import day_words, since_words, track_words, unusual_words
from analysis.text import level_words as lw
from analysis.text import profile_words as pw
from analysis.text.call_words import call_label, change_sentences, crossed_today, reason, since_when
from analysis.text.momentum_words import momentum_paragraph
from analysis.text.scenario_words import unmet_words, unscored


def price_sentences(s: Reading, *, close_said: bool = False) -> list[str]:
    """The close against both averages, then how long it has held its side of the 50-DMA.

    ``close_said``: the lead sentence just stated the close, so the first sentence says where it
    stands (``KRE is 26.3% below its 50-DMA …``) instead of repeating it."""
    t, q = s["ticker"], pw.quoter(s)
    if s["sma50"] is None or s["sma200"] is None:
        return [f"{t}{pw.close_words(s)} {q(s['close'])}; its {pw.slow_name(s)} needs more history."]
    # an average the quote would make the close gets the decimals that tell them apart (QQQ 2026-08-21:
    # "closed at 713.44, less than 0.1% below its 50-DMA (713.44)": the tenth cold read)
    close_fast, fast_q = pw.quote_apart(s, s["close"], s["sma50"])
    close_slow, slow_q = pw.quote_apart(s, s["close"], s["sma200"])
    close_q = max(close_fast, close_slow, key=len)
    where = (
        f"{pw.distance(s, s['close'], s['sma50'])} its {pw.fast_name(s)} ({fast_q})"
        f" and {pw.distance(s, s['close'], s['sma200'])} its {pw.slow_name(s)} ({slow_q})."
    )
    first = f"{t} is {where}" if close_said else f"{t}{pw.close_words(s)} {close_q}, {where}"
    run = _run_sentence(s)
    return [first, run] if run else [first]


def _run_sentence(s: Reading) -> str:
    """``It has closed above its 50-DMA for 12 sessions in a row.`` / how its last push above it went."""
    run = s.get("last_run_above_sma50") or {}
    if run.get("current_run"):
        n = run["current_run"]
        if n == 1:
            return f"It closed above its {pw.fast_name(s)} this session, after a close below it the session before."
        return f"It has closed above its {pw.fast_name(s)} for {n} sessions in a row."
    if not (run.get("last_close_above") and run.get("run_sessions")):
        return ""
    n, as_of = run["run_sessions"], s["as_of"]
    if n > 10:  # a trend that ended, not a push that failed
        return f"Its last run above the {pw.fast_name(s)} ended on {day(run['run_end'], as_of)} after {n} sessions."
    span = (
        f"on {day(run['run_start'], as_of)}"
        if n == 1
        else f"from {day(run['run_start'], as_of)} to {day(run['run_end'], as_of)}"
    )
    held = " and did not hold." if s["sma50"] > s["close"] else "."
    return f"Its last push above the {pw.fast_name(s)}, {span}, lasted {count(n)} session{'s' if n > 1 else ''}{held}"


def price_paragraph(s: Reading) -> str:
    return " ".join(price_sentences(s))


def leadership_paragraph(s: Reading) -> str:
    ld, t, b, mode = s["leadership"], s["ticker"], s["benchmark"], s["profile"]["leadership"]
    if mode == "hidden" or ld["value"] is None:
        return ""
    above = ld["value"] > 0
    last_other = ld["last_below_zero"] if above else ld["last_above_zero"]
    since = since_when(last_other, s["as_of"])
    other = "below" if above else "above"
    trend = "above" if ld["above_fast"] else "below"
    held = f"has not been {other} zero {since}" if since else f"is {'above' if above else 'below'} zero"
    today = ld.get("date", s["as_of"]) == s["as_of"] and crossed_today(s, last_other)
    if today:
        held = f"crossed {'above' if above else 'below'} zero today"
    end = ld.get("benchmark_end")  # the file ends early: not a day the benchmark did not trade (a weekend)
    ends = f" (its data end on {day(end, s['as_of'])})" if end else ""
    text = f"Against {b}{ends}, Leadership {held} and is {trend} its own {pw.fast_name(s)}"
    if mode == "risk_off":
        return text + (f": {pw.haven(s)}." if above else f": {t} is not acting as a safe haven.")
    small = s.get("scenario_set", {}).get("id") == "small_caps"
    week = _week_words(ld.get("week"), above, fresh=today)
    if above:
        who = "small caps are leading large caps" if small else f"{t} is leading"
        return text + f": {who}{week}."
    who = "small caps keep lagging large caps" if small else f"{t} keeps lagging"
    if today:  # SPY 2020-11-09 "crossed below zero today ...: SPY keeps lagging" (the tenth cold read)
        who = "small caps now lag large caps" if small else f"{t} now lags"
    return text + f": {who}{week}."


#: A week's relative return smaller than this says nothing about the lead: no clause.
FLAT_WEEK = 0.002


def _week_words(week: float | None, leading: bool, *, fresh: bool = False) -> str:
    """How the lead (the gap) moved over five sessions ("this week" was wrong on a Monday: the tenth cold read),
    from the relative return, not Leadership against its 50-DMA (IWM 2022-06-16: the seventh). A lead (lag) taken
    today (``fresh``) had none to narrow or widen (IWM, NVDA: the eleventh): the week only when it led there."""
    if week is None or abs(week) < FLAT_WEEK:
        return ""
    if fresh:
        if (week > 0) != leading:
            return ""
        return f", after {'gaining' if leading else 'losing'} ground over five sessions"
    if leading:
        return " and gained ground over five sessions" if week > 0 else ", though the lead narrowed over five sessions"
    return ", though the gap narrowed over five sessions" if week > 0 else ", and the gap widened over five sessions"


def _reading_words(e: Reading, as_of: str) -> str:
    """One evidence reading for page one: a relative trend in words (``HYG is lagging LQD (credit)``;
    its value, a Leadership-style oscillator, stays in the evidence), anything else with its value,
    dated when it is an earlier observation than the piece's session (a FRED series published late)."""
    name = re.sub(r" [(][^)]*[)]", "", e["name"])
    name = re.sub(r"^[^:?]*[?] ", "", name)  # a premise's question ("Is there a rally? SPY distance ...")
    topic, _, what = name.rpartition(": ")
    where = f" ({topic.lower()})" if topic else ""
    if e["function"] == "relative_trend" and len(e["series"]) == 2 and e["value"] is not None:
        return f"{e['series'][0]} is {'leading' if e['value'] > 0 else 'lagging'} {e['series'][1]}{where}"
    seen = e.get("as_of")
    when = f" {'in' if len(seen or '') == 7 else 'on'} {day(seen, as_of)}" if seen and seen < as_of else ""
    subject = f"the {topic}" if topic[:1].islower() or topic[:1].isdigit() else topic
    value = e["value_text"]
    if topic and what.startswith("change over ") and value[:1] in "+−-":  # "10-year yield: change over one month"
        moved = "rose" if value[0] == "+" else "fell"
        return f"{subject} {moved} {value[1:]} over {what.removeprefix('change over ')}{when}"
    if topic and what.startswith("percentile of "):  # "10-year yield: percentile of its last 10 years"
        return f"{subject} is higher than on {value} of the days in {what.removeprefix('percentile of ')}{when}"
    what = f"the {what}" if what[:1].islower() and not what.startswith("the ") else what  # not "the the last 10"
    return f"{what} read {e['value_text']}{when}{where}" if when else f"{what} reads {e['value_text']}{where}"


def context_paragraph(s: Reading) -> str:
    """For a gauge (a fear index, a yield, where Leadership means nothing): the two weightiest measured
    readings behind the talking points, so page one says what the level means for other markets."""
    if s["profile"]["leadership"] != "hidden":
        return ""
    seen, picked = set(), []
    scored = sorted(
        (sc for sc in s.get("scenarios") or [] if sc["score"] is not None), key=lambda sc: -abs(sc["score"])
    )
    for sc in scored:
        for e in sorted(sc["evidence"], key=lambda e: -e["weight"]):
            if e["reading"] == "unavailable" or e["name"] in seen or e["series"][:1] == [s["ticker"]]:
                continue
            if e["function"] == "phase_balance":  # a tally, not a reading a reader can place
                continue
            topic = re.sub(r" [(][^)]*[)]", "", e["name"]).rpartition(": ")[0]
            if topic and topic in seen:  # one reading a topic: not the 10-year yield over three months and one
                continue
            seen.update({e["name"], topic} - {""})
            picked.append(_reading_words(e, s["as_of"]))
            if len(picked) == 2:
                return f"Behind the talking points, {picked[0]} and {picked[1]}."
    return f"Behind the talking points, {picked[0]}." if picked else ""


#: Which group of the talking-points line a verdict falls in.
_GROUPS = {
    "supported": "pro",
    "leaning supported": "pro",
    "contradicted": "con",
    "leaning contradicted": "con",
    "mixed": "mid",
    "not enough evidence": "none",
    "split": "split",
    "outweighed": "outweighed",
    "does not apply": "na",
}


def scenario_line(s: Reading) -> str:
    """One line on the talking points, by their verdicts (numbered as in the evidence pages): which the
    evidence leans to, which against, which it splits on; then opposites it cannot tell apart or that
    one outweighs, talking points that do not apply now, and those with too little current data."""
    scs = s.get("scenarios") or []
    if not scs:
        return ""
    numbered = {sc["id"]: i + 1 for i, sc in enumerate(scs)}
    groups: dict[str, list[SummaryDict]] = {g: [] for g in _GROUPS.values()}
    for sc in scs:
        groups[
            _GROUPS.get(sc["verdict"], "none")
            if sc["score"] is not None or sc["verdict"] == "does not apply"
            else "none"
        ].append(sc)

    def name(sc: Reading, score: bool = True) -> str:
        return f"{numbered[sc['id']]} ({_short(sc['title'])}" + (f", {signed(sc['score'])})" if score else ")")

    def names(group: list[SummaryDict], score: bool = True) -> str:
        return join([name(sc, score) for sc in group])

    def points(group: list[SummaryDict]) -> str:
        return f"talking point{'s' if len(group) > 1 else ''}"

    parts = []
    if groups["pro"]:
        parts.append(f"leans to {points(groups['pro'])} {names(groups['pro'])}")
    if groups["con"]:
        parts.append(("against " if parts else f"leans against {points(groups['con'])} ") + names(groups["con"]))
    if groups["mid"]:
        parts.append(("is split on " if parts else f"is split on {points(groups['mid'])} ") + names(groups["mid"]))
    line = f"Of the {count(len(scs))} talking points, the evidence " + "; ".join(parts) + "." if parts else ""
    if groups["split"]:
        line += f" It supports {names(groups['split'])} equally, and they cannot both hold: the evidence does not decide between them."
    by_id = {sc["id"]: sc for sc in scs}
    for sc in groups["outweighed"]:
        line += f" Talking point {name(sc)} is outweighed by its opposite, {name(by_id[sc['weighed_against']])}."
    whys = {sc["id"]: unmet_words(sc, pw.slow_name(s), first=True) for sc in groups["na"]}
    for why in dict.fromkeys(whys.values()):
        same = [sc for sc in groups["na"] if whys[sc["id"]] == why]
        verb = "does" if len(same) == 1 else "do"
        line += f" {points(same).capitalize()} {names(same, score=False)} {verb} not apply now: {why}."
    return (line + unscored(groups["none"], name)).strip()


def _short(title: str) -> str:
    """A talking point's title up to its first clause (``IWM has underperformed for 10 years``)."""
    for cut in (";", ", so ", " and will ", ", and "):
        title = title.split(cut)[0]
    return title.strip()


def since_lines(s: Reading, top: int | None = 2) -> list[str]:
    """The changes since the last piece, most important first (the brief shows the top two)."""
    if not s.get("since_last"):
        return []
    found = since_words.lines(s)
    return found[:top] if top else found


def since_heading(s: Reading) -> str:
    """``Since the last piece (June 28, 2024)`` or ``In the five sessions since June 28, 2024``."""
    sl = s.get("since_last") or {}
    if not sl.get("previous_as_of"):
        return "Since last time"
    if sl.get("against") == "piece":
        return f"Since the last piece ({date(sl['previous_as_of'])})"
    return f"In the {count(sl.get('sessions', 5))} sessions since {date(sl['previous_as_of'])}"


def levels_box(s: Reading) -> dict[str, list[SummaryDict]]:
    """The levels page one lists (:func:`analysis.model.levels_box.box`: real closes, nearest first),
    each with its kind and date in a few words."""
    out: dict[str, list[SummaryDict]] = {}
    for side, rungs in box(s).items():
        out[side] = [
            {
                "price": r["price"],
                "text": pw.quote_near(s, r["price"]),
                "what": lw.box_words(r, side, s["as_of"]),
                "date": None if r["kind"] in ("sma_fast", "sma_slow") else r["date"],
            }
            for r in rungs
        ]
    return out


#: Words page one holds beside its chart and levels box (the printed page also carries the
#: headline, the levels and the chart's own labels): over it, the least needed lines go first.
BUDGET = 300
#: Past :data:`COMPACT_WORDS` (the words of the call, the changes and the text), or past
#: :data:`COMPACT_SIDE` characters beside the text with over :data:`COMPACT_WORDS_BESIDE` words, page one is
#: set compact (``piece.css``: the text a half point smaller, the chart down to 50mm, not 60mm). Measured
#: on 91 printed pieces (the 23 bundled series on four dates, 2008 and 2020 among them): the 13 that ran
#: past page one had 355-391 words, or 333-338 characters beside 314-364 words; a full column beside a
#: short text (up to 398 characters beside 290 words) fitted. The limits keep a margin.
COMPACT_WORDS = 340
COMPACT_SIDE = 320
COMPACT_WORDS_BESIDE = 300
#: The column beside page one's text (the session line, the levels box's words and the since-last
#: lines) holds about this many characters: past it the since-last lines keep the top one (all of them
#: are in the evidence's "since" section). Measured on 46 printed pieces (the 23 bundled series on
#: 2024-07-08 and 2020-03-16): XLY's 439 ran past page one, 372 and less fitted.
SIDE_CHARS = 400


def _compact(words: int, side: int) -> bool:
    """Whether page one is set compact: :data:`COMPACT_WORDS`, :data:`COMPACT_SIDE`."""
    return words > COMPACT_WORDS or (side > COMPACT_SIDE and words > COMPACT_WORDS_BESIDE)


def _words(parts: list[str]) -> int:
    return sum(len(p.split()) for p in parts if p)


#: Facts whose sentence states the close itself (the price paragraph then starts "That is").
_STATES_CLOSE = ("all_time_high", "all_time_low", "new_52w_high", "new_52w_low", "vix_level")


def brief(s: Reading) -> SummaryDict:
    """The brief's parts, as the JSON ``brief`` block: call, reason sentence, changes, paragraphs, lines.

    Page one must hold it: when the text is over :data:`BUDGET` words, the price paragraph keeps
    its first sentence only; the since-last lines keep the top one when the column beside the text is full (:data:`SIDE_CHARS`).
    When the lead fact is Real Motion's band, the momentum paragraph opens with it instead.
    """
    call = calls.read(s)
    lead = unusual_words.lead_sentence(s) or ""
    lead_id = ((s.get("unusual") or [{}])[0] or {}).get("id") if lead else None
    volume = unusual_words.volume_sentence(s)  # volume gets a sentence when it is unusual
    momentum = momentum_paragraph(s)
    lead = "" if lead_id == "real_motion_z" else lead  # the momentum paragraph says it, in words
    day = day_words.day_sentence(s)
    lead = " ".join(x for x in (day if day_words.notable(s) else "", lead, volume) if x)
    price = price_sentences(s, close_said=lead_id in _STATES_CLOSE)
    leadership = leadership_paragraph(s) or context_paragraph(s)
    changes = change_sentences(s, call)
    line = scenario_line(s)
    label, why = call_label(s), reason(s)
    sentence = f"{label}: {why}."  # call_words.call_sentence, from the parts already written
    track = track_words.brief_line(s)
    fixed = [sentence, *changes, track, lead, momentum, leadership, line]
    if _words([*fixed, *price]) > BUDGET:
        price = price[:1]
    since, box = since_lines(s), levels_box(s)
    session = "" if day_words.notable(s) else day
    side = len(session) + sum(len(r["what"]) for rows in box.values() for r in rows) + len(" ".join(since))
    kept = since if side <= SIDE_CHARS else since[:1]
    return {
        "call": call.call,
        "call_label": label,
        "call_reason": _capital(why) + ".",
        "call_sentence": sentence,
        "would_change": [tr.to_json() for tr in (call.up, call.down) if tr],
        "change_sentences": changes,
        "track_line": track,
        "lead": lead,
        "session_line": session,
        "paragraphs": [p for p in (" ".join(price), momentum, leadership) if p],
        "scenario_line": line,
        "since_last": kept,
        "compact": _compact(_words([*fixed, *price]), side - len(" ".join(since[len(kept) :]))),
        "levels": box,
    }


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def knob_note(s: Reading) -> str:
    """What page one says of the summary's ``knobs`` (those that differ from their defaults; "" for none)."""
    knobs = Knobs.parse(**s.get("knobs", {}))
    return Request(s["ticker"], s["benchmark"], knobs=knobs).knob_note("piece")


def markdown(s: Reading, chart: str | None = None) -> str:
    """The brief as Markdown for a blog or newsletter, with its chart file (beside it) when given."""
    s = cast(
        Reading, markdown_text(s)
    )  # text from configuration files (<script>, [x](javascript:...)) is shown, not rendered
    b = s["brief"]
    lines = [f"# {s['headline']}", "", f"*{pw.dateline(s)}*", ""]
    lines += [f"> {knob_note(s)}", ""] if s.get("knobs") else []
    lines += [f"**{b['call_sentence']}**", ""]
    lines += [f"- {c}" for c in b["change_sentences"]] + [""]
    lines += [f"*{b['track_line']}*", ""] if b.get("track_line") else []
    if chart:
        lines += [f"![{s['ticker']}: price, Real Motion and Leadership]({chart})", ""]
    for p in ([b["lead"]] if b["lead"] else []) + b["paragraphs"]:  # as page one: the lead, then the paragraphs
        lines += [p, ""]
    if b["session_line"]:  # beside the levels on page one when the day is not the news
        lines += [f"*{b['session_line']}*", ""]
    rows = []
    for side, label in (("resistance", "Resistance"), ("support", "Support")):
        for r in b["levels"][side]:
            rows.append(f"| {label} | {r['text']} | {r['what']} |")
    if rows:
        lines += [f"| | {pw.level_heading(s)} | What it is |", "|---|---:|---|", *rows, ""]
    if b["scenario_line"]:
        lines += [b["scenario_line"], ""]
    if b["since_last"]:
        lines += [f"**{since_heading(s)}:** " + " ".join(b["since_last"]), ""]
    lines += ["*Generated from public daily prices; not investment advice.*", ""]
    return "\n".join(lines)
