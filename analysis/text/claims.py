"""Every figure traced: each figure the piece's text states, matched to a value of its summary.

The words (:mod:`analysis.text.words`) are written from the reading; this module reads them back.
:func:`places` lists every text the piece prints (page one, the evidence, the since-last changes,
the trigger names, the headings, captions and the method note), :func:`analysis.text.figures.figures`
finds each figure in it, :func:`index` holds the summary's values by the text they print as, and
:func:`trace` matches each figure to one of them *within its printed precision*:

* a number printed with ``d`` decimals matches a value that prints with the same ``d`` decimals
  (``0.2%`` is a fraction in [0.0015, 0.0025]): a value of the summary as stored, or times 100
  when printed as a percentage, in percentage points or in bp (a fraction; a yield's difference);
  a bare whole number under 1,000 only a whole value, which may also be a list's length
  (``four talking points``), a tally of its items (``2 bullish``), an item's position (``talking
  point 1``) or a key (the horizon ``20``); a ticker's return less its benchmark's; the distance
  between the close, the 50- or 200-DMA and a price of the summary, written the way
  :class:`analysis.model.units.Units` writes one (``x/line − 1`` in percent, ``x − line`` in
  points, ``100 (x − line)`` in bp). A figure printed with a sign (``+0.43``, ``−0.31``) matches
  only a value of that sign; one printed without (``0.2% below``) either;
* a date matches a date of the summary to the precision printed: the day (and year when printed),
  the month, the year (a bare four-digit number from 1900 to 2100);
* a figure inside a stretch of at least :data:`QUOTED` characters copied from a text of the
  summary (a talking point's title, the evidence's detail ``QQQ/IWM ratio 2.459 vs its 200-session
  average 2.167``, a ticker's plain name ``the Russell 2000 ETF``) is that text's;
* a figure in a phrase of the method (``50-DMA``, ``2 closes above the 50-DMA``, ``90%
  interval``, ``n under 10``) is the setting's or the constant's (:data:`CONSTANTS`, carried in
  the JSON as ``claims.constants``), and only if it prints that value.

When several values match (a small count often does), the one named sits nearest, in the summary,
to the sentence's other figures and its section (a history sentence's ``110`` is that trigger's
``n``): a path is the figure's likeliest source, not a proof of it.

Nothing is skipped: a figure no value matches is listed as untraced (``claims.untraced``), and
``tests/test_claims.py`` fails on one.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Sequence

from analysis.fmt import date
from analysis.model.types import Reading, SummaryDict
from analysis.text import brief, page_words, plain
from analysis.text.claims_index import (
    AVERAGES,
    CLOSE_DISTANCES,
    CONSTANT_PHRASES,
    CONSTANTS,
    DIGIT,
    DISTANCE_FROM,
    FROM_AVERAGE,
    FROM_CLOSE,
    LEVELS,
    NAMED,
    NAMES,
    ONLY,
    QUOTED,
    SCALES,
    SETTINGS,
    Index,
    index,
)
from analysis.text.figures import Figure, figures, sentences
from analysis.text.profile_words import plain_name

# -- tracing ---------------------------------------------------------------------------------------


def _quoted(f: Figure, sentence: str, text: str, *, whole: bool) -> bool:
    """Whether the figure ``f`` of ``sentence`` sits in a stretch copied from ``text``: :data:`QUOTED`
    characters or more with it, or all of ``text`` (of :data:`NAMED` characters or more, unless ``whole``)."""
    q = text.find(f.text)
    while q >= 0:
        if (
            f.start >= q
            and sentence[f.start - q : f.start - q + len(text)] == text
            and (whole or _letters(text) >= NAMED)
        ):
            return True
        room = QUOTED - len(f.text)
        left = 0
        while left < min(q, f.start, room) and sentence[f.start - 1 - left] == text[q - 1 - left]:
            left += 1
        right, after = 0, q + len(f.text)
        while (
            right < min(len(text) - after, len(sentence) - f.end, room - left)
            and sentence[f.end + right] == text[after + right]
        ):
            right += 1
        if left + right >= room:
            return True
        q = text.find(f.text, q + 1)
    return False


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _quotes(f: Figure, sentence: str, ix: Index, *, whole: bool) -> list[str]:
    return [path for path, text in ix.quotes.get(f.text, []) if _quoted(f, sentence, text, whole=whole)]


def _agrees(f: Figure, value: float) -> bool:
    """A signed figure (``+0.43``, ``−0.31``) matches a value of its sign, or one printing as zero."""
    return not f.signed or (value < 0) == (f.value < 0) or float(f"{abs(value):.{f.decimals}f}") == 0


def _numbers(f: Figure, ix: Index, *, cell: bool) -> list[str]:
    """The values ``f`` prints, at each scale its unit allows, then the distances it can be; a bound's
    (``less than 0.1%``), the nonzero ones that print as zero."""
    printed = f"{0 if f.bound else abs(f.value):,.{f.decimals}f}"
    scales = SCALES.get(f.unit, LEVELS) if not (cell and not f.unit) else (1.0, 100.0)
    found: list[str] = []
    for scale in scales:
        paths = [
            p
            for p in ix.matching(printed, f.decimals, scale)
            if _agrees(f, ix.values[p] * scale) and _past(f, ix.values[p])
        ]
        if f.unit in ONLY:  # a unit whose other scale is one kind of value's only
            paths = [p for p in paths if scale == SCALES.get(f.unit, LEVELS)[0] or ONLY[f.unit](p)]
        if _counted(f):
            paths = [p for p in paths if (ix.values[p] * scale).is_integer()]
        if f.unit or f.decimals or f.signed:  # a count (a whole number stored, a key, a length) has none
            paths = [p for p in paths if p not in ix.counts]
        found += paths
    if not (f.signed or _counted(f)) and f.kind == "number":  # a distance: unsigned, its side in words
        found += ix.distances({"%": "pct", "bp": "bp"}.get(f.unit, "diff"), printed, f.decimals)
    return found


def _past(f: Figure, value: float) -> bool:
    """A bound's value is not zero: zero is printed as zero."""
    return not f.bound or value != 0


def _counted(f: Figure) -> bool:
    """A bare whole number under 1,000 (``22 sessions``, ``7 of 8``) states a whole value, not a rounded
    one: the piece prints a fraction with its decimals (only a price from 1,000 up loses its cents, and
    a signed change in bp its fraction of a bp)."""
    return not (f.unit or f.decimals or f.signed) and abs(f.value) < 1000


def _year(f: Figure) -> Figure | None:
    """A bare four-digit number from 1900 to 2100 (``since 2007``) is a year."""
    if f.kind == "number" and f.text.isdigit() and len(f.text) == 4 and 1900 <= f.value <= 2100:
        return dataclasses.replace(f, kind="date", date=(int(f.value), 0, 0))
    return None


def candidates(f: Figure, sentence: str, ix: Index, *, cell: bool = False) -> list[str]:
    """The paths of the values of the summary the figure ``f`` of ``sentence`` can state, likeliest first.

    ``cell``: the figure is a table cell's, whose unit is in its column's heading (a bare
    number may then be in percent)."""
    found = _quotes(f, sentence, ix, whole=False)
    if found:
        return found
    date = f if f.kind == "date" else _year(f)
    if date is not None:
        found = ix.dates.get(date.date, [])
    if not found and f.kind in ("number", "count"):
        found = _numbers(f, ix, cell=cell)
    return found or _quotes(f, sentence, ix, whole=True)


#: The parts of the summary a section's sentences speak of (else the section's own name).
_SECTIONS = {
    "dateline": ("as_of",),
    "since_heading": ("since_last",),
    "momentum": ("real_motion",),
    "performance": ("relative_performance",),
    "history": ("history", "history_state", "claims.constants"),
    "century": ("century", "claims.constants.century_years"),
    "scenario_line": ("scenarios",),
    "economy": ("economy", "macro"),
    "needs": ("level_to_clear", "support", "confirmation", "last_run_above_sma50"),
    "since_last": ("since_last",),
}
#: Parts of the summary about other things than the ticker's own state: the event study, the
#: family. Only the sentences of the sections that speak of them (and the tables) may take their values.
_OTHERS = ("history", "history_state", "family")
_ELSEWHERE = ("history", "trigger", "label", "family", "caption")
_SPLIT = re.compile(r"\.|\[|\]\.?|\(|, |\)")


@functools.lru_cache(maxsize=8192)
def _prefixes(path: str) -> tuple[tuple[str, ...], ...]:
    """The starts of a path, longest first: ``history[1].horizons.20`` -> ``(history, 1, horizons, 20)``,
    ``(history, 1, horizons)``, ...; a derived value's (``pct(sma50, close)``) those of its first
    path's parent, so that it never sits nearer than a stored value beside it."""
    parts = tuple(p for p in _SPLIT.split(path) if p)
    if parts and parts[0] in ("len", "pct", "diff", "bp", "count"):
        inner = tuple(p for p in _SPLIT.split(path[path.index("(") + 1 :].split(", ")[0]) if p)
        parts = inner if parts[0] in ("len", "count") else inner[:-1]
    return tuple(parts[:k] for k in range(len(parts), 0, -1))


#: Parts of the summary that repeat the ticker's own readings for other purposes (the family's
#: member row, a talking point's evidence): a figure is theirs only when its sentence speaks of them.
MIRRORS = ("family", "scenarios")


def _choose(
    figs: list[Figure], options: list[list[str]], roots: Sequence[tuple[str, ...]], counts: set[str]
) -> list[str | None]:
    """One path per figure, the most precise figures first (a date, ``202.28``, then ``0.2%``, then
    ``2``): each takes, among its options, one of the ticker's own values before a mirror's
    (:data:`MIRRORS`, unless ``roots`` name it), then the one sharing the longest start with the paths
    already chosen (or the section's ``roots``), the likeliest on a tie."""
    context = set(roots)
    spoken = {root[0] for root in roots}
    chosen: list[str | None] = [None] * len(options)
    for i in sorted(range(len(options)), key=lambda i: (-_precision(figs[i]), len(options[i]))):
        best: tuple[int, int] = (-1, -1)
        for option in options[i][:64]:
            prefixes = _prefixes(option)
            own = 0 if prefixes and prefixes[-1][0] in MIRRORS and prefixes[-1][0] not in spoken else 1
            near = next((len(p) for p in prefixes if p in context), 0)
            if (own, near) > best:
                best, chosen[i] = (own, near), option
        picked = chosen[i]
        if picked is not None and not (picked in counts or picked.startswith("claims.")):
            context.update(_prefixes(picked))  # a key, a tally or a constant says nothing of its sentence
    return chosen


def _precision(f: Figure) -> int:
    """How much a figure pins down: a full date most, then its digits (more with decimals or a unit)."""
    if f.kind == "date":
        return {3: 12, 2: 4}.get(sum(1 for x in f.date if x), 2)
    return sum(c.isdigit() for c in f.text) + 2 * bool(f.decimals) + bool(f.unit)


def _named(sentence: str, found: list[Figure], ix: Index) -> tuple[dict[int, list[str]], set[tuple[str, ...]]]:
    """The figures the method's phrases name (:data:`CONSTANTS`, a moving average's window), by
    position, each with its only possible value (none when it does not print as that value); and
    the averages the sentence speaks of."""
    at = {f.start: f for f in found}
    named: dict[int, list[str]] = {}
    spoken: set[tuple[str, ...]] = set()
    for phrase, name in CONSTANT_PHRASES:
        for m in phrase.finditer(sentence):
            if m.start(1) in at:
                named[m.start(1)] = [p for p in [f"claims.constants.{name}"] if _states(at[m.start(1)], p, ix)]
    for phrase, keys in SETTINGS:
        for m in phrase.finditer(sentence):
            start = m.start(m.lastindex or 0)
            if start in at:
                paths = [f"settings.{k}" for k in keys if _states(at[start], f"settings.{k}", ix)]
                named[start] = paths
                for average in (AVERAGES[p.rsplit(".", 1)[-1]] for p in paths if p.endswith(("fast", "slow"))):
                    spoken.update({(average,), (DISTANCE_FROM[average],)})
    return named, spoken


def _distances(sentence: str, found: list[Figure], ix: Index) -> dict[int, Sequence[str]]:
    """The figures that state a distance from a moving average or from the close, by index, each
    with what its value's path must name (``sma50``; ``distance`` or the close)."""
    at = {f.start: i for i, f in enumerate(found)}
    out: dict[int, Sequence[str]] = {}
    for m in FROM_AVERAGE.finditer(sentence):
        window = float(m.group(3))
        average = next((a for k, a in AVERAGES.items() if ix.values.get(f"settings.{k}") == window), None)
        out |= {at[m.start(g)]: (average,) for g in (1, 2) if average and m.start(g) in at}
    for m in FROM_CLOSE.finditer(sentence):
        out |= {at[m.start(g)]: CLOSE_DISTANCES for g in (1, 2) if m.start(g) in at}
    return out


def _states(f: Figure, path: str, ix: Index) -> bool:
    """Whether the figure ``f`` prints the value at ``path`` (times 100 for a percentage)."""
    value = ix.values.get(path)
    scale = 100.0 if f.unit == "%" else 1.0
    return value is not None and f"{abs(value * scale):,.{f.decimals}f}" == f"{abs(f.value):,.{f.decimals}f}"


def trace(sentence: str, ix: Index, *, where: str = "", cell: bool = False) -> tuple[list[SummaryDict], list[str]]:
    """``(traced, untraced)``: each figure of ``sentence`` with the path of the value it states
    (``{"value": "0.2%", "path": "pct_from_sma50"}``), and the figures no value matches.

    ``where`` is the sentence's place (``narrative.history[2]``): its section's part of the
    summary is preferred among equal matches. ``cell``: see :func:`candidates`."""
    found = figures(sentence)
    section = where.split("[")[0].rsplit(".", 1)[-1]
    named, spoken = _named(sentence, found, ix)
    options = [named[f.start] if f.start in named else candidates(f, sentence, ix, cell=cell) for f in found]
    for i, about in _distances(sentence, found, ix).items():
        options[i] = [p for p in options[i] if any(word in p for word in about)]
    if where and section not in _ELSEWHERE:
        options = [[p for p in opts if not _prefixes(p) or _prefixes(p)[-1][0] not in _OTHERS] for opts in options]
    traced: list[SummaryDict] = []
    untraced: list[str] = []
    roots = [tuple(r.split(".")) for r in _SECTIONS.get(section, (section,))] + sorted(spoken)
    for f, path in zip(found, _choose(found, options, roots, ix.counts)):
        if path is None:
            untraced.append(f.text)
        else:
            traced.append({"value": f.text, "path": path})
    return traced, untraced


# -- the piece's sentences, and its claims ---------------------------------------------------------


#: The narrative's sections that only the JSON carries (the printed piece says the same on page
#: one and in the talking points' captions and tables): traced like the rest.
JSON_ONLY = ("narrative.bottom_line", "narrative.scenarios")


def places(s: Reading) -> Iterator[tuple[str, str]]:
    """Every text of the piece with its place in the summary: page one (as the Markdown prints it), the
    evidence (and :data:`JSON_ONLY`), the since-last changes, the trigger names, the talking points'
    heading, the captions and the method note."""
    b = s["brief"]
    yield ("headline", s["headline"])
    yield ("dateline", f"{date(s['as_of'])} · {s['ticker']} vs {s['benchmark']}")
    yield ("brief.call_sentence", b["call_sentence"])
    for key in ("change_sentences", "lead", "paragraphs", "session_line", "scenario_line", "since_last"):
        items = b[key] if isinstance(b[key], list) else [b[key]]
        yield from ((f"brief.{key}[{i}]", x) for i, x in enumerate(items) if x)
    for side, rows in b["levels"].items():
        yield from ((f"brief.levels.{side}[{i}]", f"{r['text']}: {r['what']}") for i, r in enumerate(rows))
    yield ("since_heading", brief.since_heading(s))
    if s.get("scenario_set"):
        yield from ((f"scenario_set.{k}", s["scenario_set"][k]) for k in ("title", "why"))
    for section, lines in s["narrative"].items():
        yield from ((f"narrative.{section}[{i}]", x) for i, x in enumerate(lines))
    yield from ((f"since_last[{i}]", x) for i, x in enumerate(brief.since_lines(s, top=None)))
    yield from ((f"history[{i}].trigger", h["trigger"]) for i, h in enumerate(s.get("history") or []))
    if s.get("history_state"):
        yield ("history_state.label", s["history_state"]["label"])
    yield from _captions(s)


def _captions(s: Reading) -> Iterator[tuple[str, str]]:
    """The captions and notes the printed piece puts around its tables (:mod:`analysis.text.page_words`)."""
    yield ("caption.performance", page_words.performance_caption(s))
    if s.get("history"):
        yield ("caption.history", page_words.history_caption(s))
    yield from (
        (f"caption.scenarios[{i}]", page_words.scenario_caption(i + 1, sc))
        for i, sc in enumerate(s.get("scenarios") or [])
    )
    family = s.get("family") or {}
    note = page_words.family_note([m["ticker"] for m in family.get("members", []) if m["fully_adjusted"]])
    if note:
        yield ("caption.family", note)
    caveats = s["narrative"].get("caveats", [])
    lines = page_words.method_lines(s, caveats)
    yield from ((f"method[{i}]", plain.reader(x)) for i, x in enumerate(lines))  # as the piece prints them


def names(s: Reading) -> dict[str, str]:
    """The names with a digit the text uses: the ticker's and its benchmark's plain names
    (``names.toml``), by ticker, and :data:`NAMES`."""
    named = {t: n for t in (s["ticker"], s["benchmark"]) if (n := plain_name(t))}
    return {t: n for t, n in {**named, **NAMES}.items() if DIGIT.search(n)}


def claims(s: Reading) -> SummaryDict:
    """The JSON ``claims`` block of the worded summary ``s``: every sentence with a figure, each figure
    with the path of the value it states; the figures nothing matched; the constants and names used."""
    constants = {name: value for name, (value, _) in CONSTANTS.items()}
    block: SummaryDict = {"figures": 0, "traced": 0, "constants": constants, "names": names(s)}
    ix = index({**s, "claims": block})
    said: list[SummaryDict] = []
    untraced: list[SummaryDict] = []
    for where, text in places(s):
        for sentence in sentences(text):
            traced, missed = trace(sentence, ix, where=where)
            if traced:
                said.append({"where": where, "sentence": sentence, "figures": traced})
            untraced += [{"where": where, "sentence": sentence, "value": v} for v in missed]
    n = sum(len(x["figures"]) for x in said)
    return {**block, "figures": n + len(untraced), "traced": n, "sentences": said, "untraced": untraced}
