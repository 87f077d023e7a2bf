"""The one table of parameters: name, type, default, help, validator, make variable, file tag.

Three kinds of row (:attr:`Parameter.scope`):

* ``identity``: what a piece is about (ticker, benchmark, as-of date, price source);
* ``knob``: how it is computed or shown (windows, band width, confirmation count, horizons,
  spans...). Every knob has one default, is taken by every notebook (commentary and research),
  by ``python -m analysis report|research|summary|reports`` (``--fast 20``) and by ``make``
  (``FAST=20``), and is injected by the runner into every notebook it executes; a knob that
  differs from its default is named in the file stem (:attr:`Parameter.tag`) and said on the
  first page (:attr:`Parameter.phrase`);
* ``runner``: set by the runner only (a data fallback's note, whether the appendices exist).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from analysis.params import checks
from analysis.params.checks import DEFAULT_BENCHMARK, SELF_BENCHMARK

#: The outputs a knob can change: the piece, and the research notebooks by name.
PIECE = "piece"
#: What the averages and the band change: every output drawn from the study's indicator series.
FAST = (PIECE, "phase", "real_motion", "leadership", "triggers", "history", "track_record")
SLOW = (
    PIECE,
    "phase",
    "real_motion",
    "leadership",
    "history",
    "scorecard",
    "track_record",
)  # a talking point may need a close above it
BAND = (PIECE, "real_motion", "leadership", "history", "track_record")
#: The research notebooks with tables of recent rows.
TABLES = ("phase", "real_motion", "leadership", "triggers", "scorecard", "history", "macro", "track_record")


def number(value: Any) -> str:
    """A knob's value as a file stem and a note write it: ``20``, ``2.5``, ``205`` (not ``205.0``)."""
    if isinstance(value, float):
        return format(value, "f").rstrip("0").rstrip(".")
    return str(value)


@dataclass(frozen=True)
class Parameter:
    """One parameter: how it is named, typed, defaulted, explained, validated and tagged, once.

    ``default`` is what a piece uses when the parameter is not given (the command line and
    ``make`` pass nothing for it); ``notebook_default`` the value a notebook's parameters cell
    shows when it differs (a notebook opened by hand reads the bundled data, so its ``source``
    is ``snapshot``; ``level`` 0 means none); ``env`` is the make variable. For a knob, ``tag``
    names it in a file stem (``fast`` -> ``IWM_fast20``), ``phrase`` says a value in words
    (``"fast average {} sessions"``) and ``used_by`` lists the outputs it changes (``piece``
    and research notebooks).
    """

    name: str
    type: type
    default: Any
    help: str
    validate: Callable[[Any], Any] | None = None
    env: str | None = None
    notebook_default: Any = None
    scope: str = "knob"
    tag: str = ""
    phrase: str = ""
    used_by: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def default_in(self, notebook: str = "") -> Any:
        """The default this parameter shows in a notebook's parameters cell (every notebook alike)."""
        return self.default if self.notebook_default is None else self.notebook_default

    def text(self, value: Any) -> str:
        """``value`` as a note writes it (horizons ``5, 20, 60``)."""
        return ", ".join(value.split()) if self.name.endswith("horizons") else number(value)

    def stem_part(self, value: Any) -> str:
        """This knob at ``value`` in a file stem: ``fast20``, ``band2.5``, ``horizons5-20``, ``scenarios-mine``."""
        if self.name == "scenarios_file":
            return checks.scenarios_tag(value)
        return self.tag + ("-".join(value.split()) if isinstance(value, str) else number(value))

    def says(self, value: Any) -> str:
        """``value`` in words: ``fast average 20 sessions``."""
        return self.phrase.format(self.text(value))


#: The most closes CONFIRM_N may ask for: the fast average's own window (as LEVEL must lie near
#: the prices traded, a run longer than the average it is measured against confirms nothing).
CONFIRM_MAX = 50
CONFIRM_WHY = f": a run of closes longer than the {CONFIRM_MAX}-DMA's own window confirms no turn"


def _whole(env: str, minimum: int = 1) -> Callable[[Any], int]:
    return lambda v: checks.positive_int(v, what=env, minimum=minimum, maximum=checks.WHOLE_MAX, why=checks.WHOLE_WHY)


def _knob(name: str, kind: type, default: Any, help: str, phrase: str, used_by: tuple[str, ...], **more: Any):
    """A knob's row: its make variable is its name in capitals, its tag its name without underscores."""
    env = name.upper()
    more.setdefault("validate", _whole(env) if kind is int else None)
    more.setdefault("tag", name.replace("_", ""))
    return Parameter(name, kind, default, help, env=env, phrase=phrase, used_by=used_by, **more)


_IDENTITY = (
    Parameter(
        "ticker",
        str,
        "IWM",
        "symbol to write about, in Yahoo's spelling (IWM, QQQ, ^RUT, BTC-USD)",
        checks.ticker,
        env="TICKER",
        scope="identity",
    ),
    Parameter(
        "benchmark",
        str,
        "",
        f"leadership and relative returns are measured against it; empty for {DEFAULT_BENCHMARK}"
        f" ({SELF_BENCHMARK}, the equal-weight S&P 500, in a piece about {DEFAULT_BENCHMARK})",
        None,
        env="BENCHMARK",
        notebook_default=DEFAULT_BENCHMARK,
        scope="identity",
    ),
    Parameter(
        "as_of",
        str,
        "",
        "ISO date (YYYY-MM-DD) the piece is written as of; empty for the latest session",
        checks.as_of,
        env="AS_OF",
        scope="identity",
    ),
    Parameter(
        "source",
        str,
        "auto",
        "price data: auto (Yahoo, else local), snapshot (bundled), local, cache or yahoo",
        checks.source,
        env="SOURCE",
        notebook_default="snapshot",
        scope="identity",
    ),
)

_STUDY_KNOBS = (
    _knob(
        "level",
        float,
        "",
        "price the ticker needs to clear; empty (0 in a notebook) for the computed level",
        "level to clear {} (given)",
        (PIECE, "triggers"),
        validate=checks.level,
        notebook_default=0.0,
    ),
    _knob(
        "confirm_n",
        int,
        2,
        "consecutive closes above the fast average (the 50-DMA) that confirm a turn",
        "confirmation {} closes",
        (PIECE, "triggers", "history"),
        validate=lambda v: checks.positive_int(v, what="CONFIRM_N", maximum=CONFIRM_MAX, why=CONFIRM_WHY),
        tag="confirm",
    ),
    _knob(
        "fast",
        int,
        50,
        "sessions in the fast moving average (the 50-DMA)",
        "fast average {} sessions",
        FAST,
        validate=_whole("FAST", 2),  # a one-session average is the close itself: no band, no turn to solve for
    ),
    _knob("slow", int, 200, "sessions in the slow moving average (the 200-DMA)", "slow average {} sessions", SLOW),
    _knob(
        "band_width",
        float,
        2.0,
        "band half-width in standard deviations (Real Motion and Leadership)",
        "bands ±{}σ",
        BAND,
        validate=lambda v: checks.positive_float(v, what="BAND_WIDTH", least=0.01, most=100),
        tag="band",
    ),
    _knob(
        "level_window",
        int,
        22,
        "sessions looked back for the level a close must clear",
        "level window {} sessions",
        (PIECE, "triggers", "history"),
        tag="window",
    ),
)

_RESEARCH_KNOBS = (
    _knob(
        "horizon",
        int,
        20,
        "sessions ahead for the forward return a research chart shows",
        "horizon {} sessions",
        ("phase", "history"),
    ),
    _knob(
        "horizons",
        str,
        "5 20 60",
        "sessions ahead at which the event study measures returns, separated by spaces",
        "horizons {} sessions",
        ("history",),
        validate=checks.horizons,
    ),
    _knob(
        "macro_horizons",
        str,
        "20 60 120",
        "sessions ahead at which the curve's un-inversions are measured, separated by spaces",
        "un-inversion horizons {} sessions",
        ("macro",),
        validate=lambda v: checks.horizons(v, what="MACRO_HORIZONS"),
    ),
    _knob(
        "track_horizons",
        str,
        "20 60",
        "sessions ahead at which what followed each call is measured, separated by spaces",
        "calls graded at {} sessions",
        ("track_record",),
        validate=lambda v: checks.horizons(v, what="TRACK_HORIZONS"),
    ),
    _knob(
        "min_months",
        int,
        3,
        "inverted months (monthly average below 0) before an un-inversion counts",
        "un-inversion after {} inverted months",
        ("macro",),
    ),
    _knob(
        "months",
        int,
        120,
        "months in a window of the size premium (120 months: ten years)",
        "size-premium window {} months",
        ("size",),
        validate=_whole("MONTHS", 12),
    ),
    _knob(
        "ahead",
        int,
        60,
        "months after a similar window whose SMB is compounded (60: five years)",
        "{} months after similar windows",
        ("size",),
    ),
    _knob(
        "min_n",
        int,
        10,
        "fewer counted occurrences than this are marked too few to read",
        "too few below {} occurrences",
        ("history", "macro", "track_record"),
    ),
    _knob(
        "years",
        int,
        10,
        "years of history the phase, Leadership, event-study and economy charts draw; 0 for all",
        "charts draw {} years",
        ("phase", "leadership", "history", "macro"),
        validate=_whole("YEARS", 0),
    ),
    _knob(
        "rm_years",
        int,
        5,
        "years of history the Real Motion chart draws; 0 for all",
        "the Real Motion chart draws {} years",
        ("real_motion",),
        validate=_whole("RM_YEARS", 0),
    ),
    _knob(
        "trigger_years",
        int,
        2,
        "years of history the triggers chart draws; 0 for all",
        "the triggers chart draws {} years",
        ("triggers",),
        validate=_whole("TRIGGER_YEARS", 0),
    ),
    _knob(
        "score_years",
        int,
        3,
        "years of scorecard history the scorecard appendix computes and draws; 0 for all",
        "scorecard history over {} years",
        ("scorecard",),
        validate=_whole("SCORE_YEARS", 0),
    ),
    _knob(
        "track_years",
        int,
        0,
        "years of history the track-record chart draws; 0 for the whole record",
        "the track-record chart draws {} years",
        ("track_record",),
        validate=_whole("TRACK_YEARS", 0),
    ),
    _knob(
        "growth_years",
        int,
        10,
        "years of the growth-of-one-dollar chart; 0 for all",
        "growth of $1 over {} years",
        ("triggers",),
        validate=_whole("GROWTH_YEARS", 0),
    ),
    _knob("rows", int, 10, "rows in the research appendices' recent tables", "{} rows in the recent tables", TABLES),
    _knob(
        "step",
        int,
        21,
        "sessions between two scorecards of the scorecard history (21 is about a month)",
        "a scorecard every {} sessions",
        ("scorecard",),
    ),
    _knob(
        "scenarios_file",
        str,
        "",
        "a scenarios TOML file of your own, relative to the project folder; empty for the piece's own set",
        "talking points from {}",
        (PIECE, "scorecard"),
        validate=checks.scenarios_file,
    ),
)

_RUNNER = (
    Parameter(
        "source_note", str, "", "set by the runner: why the auto source fell back to local data", None, scope="runner"
    ),
    Parameter(
        "appendices",
        bool,
        False,
        "set by the runner: the research appendices are written beside this piece (links shown)",
        None,
        scope="runner",
    ),
)

PARAMETERS: tuple[Parameter, ...] = _IDENTITY + _STUDY_KNOBS + _RESEARCH_KNOBS + _RUNNER
BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
#: What a piece is about, and every knob: the command line's options and ``make``'s variables.
COMMAND_LINE = tuple(p for p in PARAMETERS if p.scope != "runner")
KNOBS = tuple(p for p in PARAMETERS if p.scope == "knob")
#: Kept for callers of the first table: the parameters a user sets.
PIECE_PARAMETERS = COMMAND_LINE


def notebook_cell(notebook: str) -> list[tuple[str, type, Any, str]]:
    """``(name, type, default, help)`` of each line of ``notebooks/<notebook>.ipynb``'s parameters
    cell, in table order: the identity parameters, every knob that changes this notebook's output
    (:attr:`Parameter.used_by`; the piece's for ``commentary``), and for the piece the runner's.

    A notebook takes the other knobs too (the runner injects every one, and :func:`parameters`
    hands them on): they change nothing in it but its file stem and the note that names them."""
    output = PIECE if notebook == "commentary" else notebook
    rows = [
        p
        for p in PARAMETERS
        if p.scope == "identity" or output in p.used_by or (p.scope == "runner" and output == PIECE)
    ]
    return [(p.name, p.type, p.default_in(notebook), p.help) for p in rows]


def parameters(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The table's parameters found in a notebook's namespace, by name: those its parameters cell
    declares and any other knob the runner (or ``papermill -p``) injected. A notebook hands them on
    whole, ``PhaseResearch.build(**parameters(globals()))``, so every knob it is given reaches the
    build, and one it does not declare is still named in its file stem and header."""
    return {p.name: namespace[p.name] for p in PARAMETERS if p.name in namespace}
