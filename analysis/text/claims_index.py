"""The summary's values, by what they print as: the index :mod:`analysis.text.claims` traces
each figure of the piece's text against (:func:`index`), and the method's constants and names
the text may state (:data:`CONSTANTS`, :data:`NAMES`)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.model import century, facts
from analysis.model.events import event_study
from analysis.model.forward import LEVEL
from analysis.model.session import REACHABLE
from analysis.model.types import Reading
from analysis.text.figures import figures
from analysis.text.track_words import WHISKERS

_EVENT_STUDY: dict[str, Any] = event_study.__kwdefaults__ or {}

# -- the summary's values, by what they print as -------------------------------------------------

#: The method's figures the text states that are constants of the code, not values of the data:
#: each is imported from where it is defined, with the phrase the words state it in. A figure in
#: that phrase is that constant's, and traced only if it prints the constant's value; the JSON
#: carries them (``claims.constants``) as values of the summary like any other.
CONSTANTS: dict[str, tuple[float, str]] = {
    "interval": (LEVEL, r"\b(\d+)% (?:bootstrap )?intervals?\b"),  # every edge's bootstrap interval
    "min_n": (float(_EVENT_STUDY["min_n"]), r"\b(?:n under|under n) (\d+)\b"),  # the fewest occurrences read
    "century_years": (century.WINDOW / 12, r"\b([Tt]en)(?:-year windows| years to)\b"),  # the size premium's window
    "rising_sessions": (float(facts.RISING), r"\bover the last (\d+) sessions\b"),  # an average's slope
    # a year's lookback (the profile's ``year`` of sessions), as the words name it: "a 52-week high"
    "year_weeks": (52.0, r"\b(52)(?:-week\b| weeks\b)"),
    # a next-session trigger's reach: beyond the move 99% of sessions stayed within (model.session)
    "reachable": (
        REACHABLE,
        r"\b(?:a move larger|wider) than on (\d+)% of (?:its )?sessions, so several sessions away\b",
    ),
    # the track record's box plots: whiskers from the 5th to the 95th percentile
    "whisker_low": (float(WHISKERS[0]), r"\bfrom percentile (\d+)\b"),
    "whisker_high": (float(WHISKERS[1]), r"\bto percentile (\d+)\b"),
}
#: Names the words use that hold a digit and are no figure, by what they name (carried in the
#: JSON with the tickers' plain names: ``claims.names``).
NAMES = {"T10Y3M": "10-year minus 3-month Treasury"}
CONSTANT_PHRASES = [(re.compile(phrase), name) for name, (_, phrase) in CONSTANTS.items()]
#: The settings' phrases: a moving average's name (``50-DMA``, ``50- and 200-session moving
#: averages``; the sentence then speaks of that average, ``sma50``) and the confirmation's closes
#: (``2 closes above the 50-DMA``, ``two such closes in a row``), Real Motion's band (``±2σ bands``, ``|z| > 2``). A figure in
#: one is that setting's, and only if it prints it.
SETTINGS = (
    (re.compile(r"\b(\d+)-(?:DMA\b|session moving|(?= and \d+-session moving))"), ("fast", "slow")),
    (
        re.compile(r"\b(\d+) closes (?:above|below) (?:the|its) \d+-DMA\b|\b(\w+) such closes in a row\b"),
        ("confirm_n",),
    ),
    (re.compile(r"(±\d+(?:\.\d+)?)σ bands|\|z\| > (\d+(?:\.\d+)?)"), ("band_width",)),
)
AVERAGES = {"fast": "sma50", "slow": "sma200"}
#: A distance from a moving average (``0.2% below its 50-DMA``, ``58.52 points or 242.1% above the
#: 50-DMA``): the figure is that average's distance from the close, and no other value's; a move
#: from the close (``(0.3% up``, ``1.4% above the last close``) is a distance from the close.
FROM_AVERAGE = re.compile(r"([\d.,]+(?: bp| points|%))(?: or ([\d.,]+%))? (?:above|below) (?:its|the) (\d+)-DMA\b")
FROM_CLOSE = re.compile(
    r"([\d.,]+(?: bp| points|%))(?: or ([\d.,]+%))? (?:up|down\b|(?:above|below) the (?:last )?close\b)"
)
CLOSE_DISTANCES = ("distance", "session.close", "(close", "close)")
DISTANCE_FROM = {"sma50": "pct_from_sma50", "sma200": "pct_from_sma200"}
#: Where distances are measured from: the close and its averages (:class:`Units` ``gap``), by key.
ANCHORS = ("close", "sma50", "sma200")
#: Keys of the ticker's own prices and levels (a distance from an anchor to one is a figure).
PRICE_KEYS = frozenset({"close", "price", "previous_close", "high", "low", "extreme", "sma50", "sma200"})
#: Parts of the summary about other tickers or the economy: never an end of a distance.
_NOT_PRICES = ("family", "scenarios", "macro", "economy", "century", "history", "claims")
#: The texts the words write into the summary (:mod:`analysis.text.words`): never a source of
#: a figure (``tests/test_claims.py`` checks that these are all the texts the words add).
WORDED = re.compile(
    r"headline$|narrative\b|brief\.|since_last\.changes\[\d+\]\.text$|history\[\d+\]\.trigger$"
    r"|history_state\.label$|family\.summary$|claims\.(sentences|untraced)\b"
)
#: The scales a unit is tried at, in order: a fraction is printed in percent or percentage
#: points (times 100), a level's change in points or bp as stored, a yield's distance in bp
#: (its difference in percent, times 100).
SCALES: dict[str, tuple[float, ...]] = {"": (1.0,), "σ": (1.0,), "times": (1.0,), "%": (100.0, 1.0)}
SCALES |= {"pp": (100.0, 1.0), "percentage points": (100.0, 1.0)}
LEVELS = (1.0, 100.0)
#: A percentage as stored (not times 100) is only a yield's level, quoted in percent (``0.52%``);
#: points or bp times 100 only a return less its benchmark's (``−3.5 pts`` in the long view's table).
ONLY: dict[str, Callable[[str], bool]] = {
    "%": lambda path: _price(path),
    **{unit: (lambda path: path.startswith("diff(")) for unit in ("bp", "points", "pts")},
}
#: A figure is a text's when a stretch of at least this many characters around it (itself
#: included) is copied from the text, or the whole text is (a name: :data:`NAMED` letters or more).
QUOTED = 30
NAMED = 8
_ISO = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
DIGIT = re.compile(r"\d")


@dataclass
class Index:
    """The values of one summary, found by the text they print as (built once per summary)."""

    values: dict[str, float]  #: path -> value, likeliest first (:data:`_KINDS`)
    counts: set[str]  #: the whole numbers: stored (n, sessions, a window), keys, lengths, tallies, positions
    prices: list[tuple[str, float]]  #: the ticker's own prices, one path per value
    dates: dict[tuple[int, int, int], list[str]]  #: by (y, m, d), (y, m, 0), (y, 0, 0) and (0, m, d)
    quotes: dict[str, list[tuple[str, str]]]  #: a figure's text -> the texts of the summary holding it
    _sorted: dict[str, tuple[list[float], list[tuple[int, str]]]] = field(default_factory=dict)

    def matching(self, printed: str, decimals: int, scale: float) -> list[str]:
        """The paths of the values that, times ``scale``, print unsigned as ``printed`` with ``decimals``, likeliest first."""
        return self._search(f"x{scale:g}", printed, decimals, lambda: self._scaled(scale))

    def distances(self, how: str, printed: str, decimals: int) -> list[str]:
        """The distances between an anchor and a price (``how``: pct, diff or bp) that print as ``printed``."""
        return self._search(how, printed, decimals, lambda: self._distances(how))

    def _scaled(self, scale: float) -> Iterator[tuple[str, float]]:
        return ((path, v * scale) for path, v in self.values.items())

    def _distances(self, how: str) -> Iterator[tuple[str, float]]:
        for pa, a in self.prices:
            if pa.rsplit(".", 1)[-1] not in ANCHORS:
                continue
            for pb, b in self.prices:
                for x, px, line, pl in ((a, pa, b, pb), (b, pb, a, pa)):
                    if px != pl and line:
                        d = 100 * (x / line - 1) if how == "pct" else (100 if how == "bp" else 1) * (x - line)
                        yield (f"{how}({px}, {pl})", d)

    def _search(
        self, key: str, printed: str, decimals: int, make: Callable[[], Iterable[tuple[str, float]]]
    ) -> list[str]:
        """A binary search of the values sorted by size (made once per key), each hit checked by printing it."""
        if key not in self._sorted:
            made = sorted((abs(v), i, path) for i, (path, v) in enumerate(make()))
            self._sorted[key] = ([r[0] for r in made], [(r[1], r[2]) for r in made])
        sizes, rows = self._sorted[key]
        x, half = float(printed.replace(",", "")), 0.5 * 10**-decimals
        lo, hi = bisect.bisect_left(sizes, x - 1.01 * half), bisect.bisect_right(sizes, x + 1.01 * half)
        hits = [rows[i] for i in range(lo, hi) if f"{sizes[i]:,.{decimals}f}" == printed]
        return [path for _, path in sorted(hits)]


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every leaf of ``value`` with its path (the words' texts are left out by :func:`index`)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield (path, value)


def _shapes(value: Any, path: str) -> Iterator[tuple[str, float | int | str]]:
    """What the structure states: each key with a digit, each ticker's return less its benchmark's,
    each list's length, how many of its items share a word or a yes/no, each item's position (from 1)."""
    if isinstance(value, dict):
        if path:
            yield (f"len({path})", len(value))
        if isinstance(value.get("ticker"), float) and isinstance(value.get("benchmark"), float):
            yield (f"diff({path}.ticker, {path}.benchmark)", value["ticker"] - value["benchmark"])
        for k, v in value.items():
            here = f"{path}.{k}" if path else str(k)
            if not WORDED.match(here):
                if DIGIT.search(k):
                    yield (here, int(k) if k.isdigit() else k)
                yield from _shapes(v, here)
    elif isinstance(value, list | tuple):
        yield (f"len({path})", len(value))
        yield from _tally(value, path)
        for i, v in enumerate(value):
            if isinstance(v, dict):
                yield (f"{path}[{i}]", i + 1)
            yield from _shapes(v, f"{path}[{i}]")


def _tally(items: Sequence[Any], path: str) -> Iterator[tuple[str, int]]:
    """How many items of a list of objects share a word or a yes/no (``count(family.members, phase=warning)``);
    a field that differs on every item (a name, a date) is no category."""
    tally: dict[str, dict[str, int]] = {}
    for item in items:
        for k, v in item.items() if isinstance(item, dict) else ():
            if isinstance(v, bool) or (isinstance(v, str) and len(v) < 20 and not DIGIT.search(v)):
                word = str(v).lower()
                tally.setdefault(k, {})[word] = tally.setdefault(k, {}).get(word, 0) + 1
    for k, counts in tally.items():
        if len(counts) < len(items):
            yield from ((f"count({path}, {k}={word})", n) for word, n in counts.items())


def _price(path: str) -> bool:
    return not path.startswith(_NOT_PRICES) and path.rsplit(".", 1)[-1].split("[")[0] in PRICE_KEYS


#: The order in which values of one printed size are taken, likeliest first: a key (the horizon
#: ``20``), a value, a return less its benchmark's, a list's length, a tally of its items, an
#: item's position; then a shallow path before a deep one, a whole number before a fraction.
_KINDS = ("key", "value", "diff", "len", "count", "position")


def _kind(path: str) -> str:
    """The kind of a path :func:`_shapes` yields (:data:`_KINDS`)."""
    if "(" in path:
        return path[: path.index("(")]
    return "position" if path.endswith("]") else "key"


def _rank(kind: str, path: str, value: object, order: int) -> tuple[int, int, int, int]:
    return (_KINDS.index(kind), _depth(path), 0 if isinstance(value, int) else 1, order)


def _depth(path: str) -> int:
    return path.count(".") + path.count("[")


def index(summary: Reading) -> Index:
    """The :class:`Index` of ``summary``: its values, dates and texts, the words' own texts left out."""
    ranked: list[tuple[tuple[int, int, int, int], str, float]] = []
    counts: set[str] = set()
    prices: dict[float, str] = {}
    dates: dict[tuple[int, int, int], list[str]] = {}
    texts: list[tuple[str, str]] = []
    for path, v in _leaves(summary, ""):
        if isinstance(v, int | float) and not isinstance(v, bool) and path != "schema_version":
            ranked.append((_rank("value", path, v, len(ranked)), path, float(v)))
            if isinstance(v, int):
                counts.add(path)
            if _price(path):
                prices.setdefault(float(v), path)
        elif isinstance(v, str) and not WORDED.match(path):
            _text(path, v, dates, texts)
    for path, shape in _shapes(summary, ""):
        if isinstance(shape, str):
            texts.append((path, shape))
            continue
        kind = _kind(path)
        ranked.append((_rank(kind, path, shape, len(ranked)), path, float(shape)))
        if kind != "diff":
            counts.add(path)
    quotes: dict[str, list[tuple[str, str]]] = {}
    for path, text in texts:
        for f in figures(text):
            quotes.setdefault(f.text, []).append((path, text))
    return Index(
        values={path: v for _, path, v in sorted(ranked)},
        counts=counts,
        prices=[(p, v) for v, p in prices.items()],
        dates=_by_depth(dates),
        quotes=quotes,
    )


def _text(path: str, text: str, dates: dict[tuple[int, int, int], list[str]], texts: list[tuple[str, str]]) -> None:
    """A text of the summary: a date (found by its day, month, year and month-day), or a text with a digit."""
    if _ISO.fullmatch(text):
        y, m, d = ([int(x) for x in text.split("-")] + [0])[:3]
        for key in {(y, m, d), (y, m, 0), (y, 0, 0), (0, m, d)}:
            dates.setdefault(key, []).append(path)
    elif DIGIT.search(text):
        texts.append((path, text))


def _by_depth(dates: dict[tuple[int, int, int], list[str]]) -> dict[tuple[int, int, int], list[str]]:
    """Each date's paths, the shallow ones first (``phase_since`` before ``family.members[3].phase_since``)."""
    walked = list(dict.fromkeys(p for paths in dates.values() for p in paths))
    order = {path: (_depth(path), i) for i, path in enumerate(walked)}
    return {key: sorted(paths, key=order.__getitem__) for key, paths in dates.items()}
