"""The one model of a piece: everything it states, for one request, each part computed once.

:func:`build` is the single place the summary is assembled. The piece (``notebooks/
commentary.ipynb`` through :class:`analysis.view.piece.Piece`), ``python -m analysis
summary``, the research notebooks and the tests all call it::

    request  -> study (analysis.model.study: every indicator series, no look-ahead)
             -> facts (analysis.model.facts: the values at the as-of session)
             -> history (analysis.model.events: the event study of the triggers)
             -> scenarios, family (analysis.evidence: other tickers, at the same session)
             -> since (analysis.model.since: against the last piece, or five sessions back)
             -> headline, narrative (analysis.text: words from the numbers above)

The result's :attr:`Summary.data` is the JSON file (keys: :mod:`analysis.schema` and
``docs/summary.md``); the study, the market and the family's chart series ride along so
that the view draws from the same computation instead of repeating it.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config as config_files
from analysis import evidence, params
from analysis.data import Market, quote_types, snapshot
from analysis.data.fred import Macro
from analysis.data.pieces import previous_piece
from analysis.errors import DataError, InputError
from analysis.evidence.family import members as family_members
from analysis.model import century, macro, profile, track_record
from analysis.model import study as studies
from analysis.model.events import event_study, state_study
from analysis.model.facts import facts
from analysis.model.reading import freeze
from analysis.model.since import disagreement, since_last
from analysis.params import Request, Settings
from analysis.paths import file_stem
from analysis.text import words

#: The parts :func:`build` can compute; ``facts`` always is.
PARTS = ("facts", "history", "scenarios", "family", "since", "words")

#: Without an earlier piece, ``since_last`` compares with the state this many sessions back.
SINCE_SESSIONS = 5
#: An earlier piece older than this (calendar days) is not "the last piece" a reader remembers:
#: a cold read refused a 2023 piece reporting what changed since a 2020 one.
STALE_PIECE_DAYS = 92


@dataclass
class Summary:
    """One piece's model: the JSON-ready :attr:`data` and what it was computed from."""

    request: Request
    study: studies.Study
    market: Market
    data: Any  # the JSON summary: the frozen reading with its words (analysis.text.words)
    reading: Any = field(default=None, repr=False)  # the frozen reading, before any words
    family_series: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    macro: Macro | None = field(default=None, repr=False)  # the FRED loader the economy was read from


def build(
    request: Request,
    market: Market | None = None,
    *,
    settings: Settings | None = None,
    source_note: str = "",
    parts: Collection[str] = PARTS,
    reports_dir: Path | str | None = None,
    language: str = "en",
    early: Callable[[Summary], None] | None = None,
) -> Summary:
    """The summary of ``request``: one study, each part of :data:`PARTS` computed once.

    ``settings`` overrides the request's knobs (the research notebooks change windows);
    ``source_note`` is the runner's word on a data fallback; ``parts`` leaves out what a
    caller does not show (a research notebook needs the facts only). ``reports_dir`` is
    where ``since`` looks for the last piece (default :func:`analysis.paths.reports_dir`);
    ``language`` picks the phrasebook that words the reading (:mod:`analysis.text.words`).
    ``early`` is called with the :class:`Summary` once the study and its unworded facts exist: the
    piece forks the drawing of its page-one charts there (:data:`analysis.view.piece.EARLY`).
    """
    if set(parts) - set(PARTS):
        raise ValueError(f"unknown summary parts: {sorted(set(parts) - set(PARTS))}")
    words.phrasebook(language)  # an unknown language is refused before any work
    check_configuration(request, parts)
    market = market or Market(request.source)
    settings = settings or request.settings
    study = studies.build(market, request.ticker, request.benchmark, request.as_of, settings)
    kind = _profile(study, market)
    data = facts(study, kind)
    if kind.leadership == "hidden":  # no Leadership to flip where it means nothing
        data["what_would_change"] = [e for e in data["what_would_change"] if e["event"] != "leadership_vs_zero"]
    data["data"]["run_notes"] = [note for note in (request.benchmark_note, source_note) if note]
    if request.knobs.changed():  # a piece with knobs at their defaults keeps its JSON as it was
        data["knobs"] = request.knobs.changed()
    out = Summary(request=request, study=study, market=market, data=data)
    _ = early and early(out)  # the page-one charts can start: nothing below changes what they draw
    if "history" in parts:
        data.update(_history(study, kind, settings))
    if "scenarios" in parts:
        store = out.macro = _macro_store(market.source)
        data.update(_evidence(study, market, kind, store, request.knobs.scenarios_file))
        data["data"]["run_notes"] += store.notes()
    if "family" in parts:
        family = _family(market, study.as_of.session)
        data["family"] = family.data
        out.family_series = family.series
    if "since" in parts:
        data["since_last"] = _since_last(out, kind, parts, reports_dir)
    # the reading is finished: frozen, then worded (new objects; nothing edits it from here)
    out.reading = freeze(data)
    out.data = words.word(
        out.reading,
        parts,
        confirm_n=settings.confirm_n,
        level_window=settings.level_window,
        fast=settings.fast,
        language=language,
    )
    return out


def _history(study: studies.Study, kind: profile.Profile, settings: Settings) -> dict:
    """``history`` (the event study of the triggers) and ``history_state`` (of today's state)."""
    knobs = {"confirm_n": settings.confirm_n, "level_window": settings.level_window}
    history = event_study(study.series, **knobs, returns=kind.returns)
    # a profile whose Leadership means nothing (a fear gauge, a yield) has no Leadership triggers either
    return {
        "history": [h for h in history if kind.leadership != "hidden" or not h["id"].startswith("leadership")],
        "history_state": state_study(study.series, returns=kind.returns),
        "track_record": track_record.for_study(study, kind),
    }


def _evidence(study: studies.Study, market: Market, kind: profile.Profile, store: Macro, file: str = "") -> dict:
    """The evidence of the talking points: the economy as public then, the scenario set (``file``'s,
    else the profile's) and its scores, the economy's measures and the century of small versus big
    (small-cap pieces)."""
    card, measures, long_run, scores = _scores(study, market, kind, store, file)
    return {
        "macro": macro.readings(store, study.as_of.session),
        "scenario_set": evidence.set_json(card, study.ticker, study.benchmark),
        "scenarios": scores,
        "economy": measures,
        "century": long_run
        if card.set.id == "small_caps"
        else {"available": False, "reason": "the size premium and valuations are read for small-cap pieces only"},
    }


def _scores(
    study: studies.Study,
    market: Market,
    kind: profile.Profile,
    store: Macro,
    file: str = "",
    card: evidence.Scorecard | None = None,
):
    """The scenario card (``card``, else ``file``'s, else the profile's), the economy's measures, the
    long run and the scores of ``study`` at its as-of session."""
    measures = _measures(store, study.as_of.session)
    card = card or evidence.choose(study.ticker, kind.kind, file)
    long_run = _century(card.set.id, study.as_of.session)
    context = {**measures, **{k: v for k, v in long_run.items() if isinstance(v, dict)}}
    return card, measures, long_run, evidence.score(study, market, card=card, profile=kind.kind, macro=context)


def scenario_scores(study: studies.Study, market: Market, card: evidence.Scorecard) -> list[dict]:
    """The ``scenarios`` :func:`build` states for ``study`` on the scenario set ``card`` (the piece's:
    ``evidence.choose``), with the same economy and long run; the research scorecard re-runs it
    as of earlier sessions without the rest of the summary."""
    kind = profile.assign(study.ticker, study.benchmark, quote_type=_quote_type(market))
    return _scores(study, market, kind, _macro_store(market.source), card=card)[3]


def check_configuration(request: Request, parts: Collection[str] = PARTS) -> None:
    """Read the configuration files the build will use before any data is (a few milliseconds): a
    broken scenario set, family or names file is refused at once, not after the study (and, for a
    piece, before its kernel starts: :func:`analysis.pipeline.report.prepare`)."""
    required_tickers(request.ticker, request.benchmark, request.knobs.scenarios_file)  # profiles, scenario set
    if "family" in parts:
        family_members()
    if "words" in parts:
        from analysis.text.profile_words import plain_name

        plain_name(request.ticker)


def _since_last(out: Summary, kind: profile.Profile, parts: Collection[str], reports_dir) -> dict:
    """``since_last``: against the newest earlier piece in ``reports_dir``, else :data:`SINCE_SESSIONS` back.

    The earlier state is what a piece written then would have said: the facts of the study
    built at that session (no look-ahead: its series equals the current study's cut there),
    with the family when this build has it. Talking points' scores are compared only against a
    published piece: a score the reader never saw changing is the tool's news, not the market's
    (a cold read refused "the score of … rose from −0.33 to +1.00" in first pieces), and they were
    the dearest part of the comparison (210-230 ms of 0.3-0.4 s, 2-core development machine).
    Against a piece it is one JSON file read; the family is computed once per session
    (:func:`_family`).
    """
    study, market, data = out.study, out.market, out.data
    series = study.series
    skipped: list[str] = []
    previous = previous_piece(
        study.ticker,
        study.benchmark,
        study.as_of.iso,
        reports_dir,
        schema_version=data["schema_version"],
        skipped=skipped,
        knobs=out.request.knobs,
        check=lambda earlier: disagreement(earlier, study.full_prices["close"], study.ticker),
    )
    if previous is not None and (study.as_of.session - pd.Timestamp(previous["as_of"])).days > STALE_PIECE_DAYS:
        skipped.append(
            f"The last piece on {study.ticker} is of {previous['as_of']}, more than three months earlier:"
            f" what changed is measured against {SINCE_SESSIONS} sessions back instead."
        )
        previous = None
    data["data"]["run_notes"] += skipped
    against = "piece"
    if previous is None:
        against = "sessions"
        nothing = {"against": against, "previous_as_of": None, "sessions": 0, "changes": [], "none": True}
        if len(series) <= SINCE_SESSIONS:
            return nothing
        try:  # the study as a build then would return it, cut from this one (indicators are causal)
            then = studies.cut(study, series.index[-1 - SINCE_SESSIONS])
        except (InputError, DataError):  # LEVEL outside the prices of then, too little common history then:
            return nothing  # nothing to compare with (the piece itself was built from the same data)
        previous = facts(then, kind, earlier=True)
        if "family" in parts:
            previous["family"] = _family(market, then.as_of.session).data
    rows = series[series.index > pd.Timestamp(previous["as_of"])]
    return since_last(data, previous, rows, against=against)


_MACRO_STORES: dict[str, Macro] = {}


#: What is the same for every ticker at one session, computed once per market (or FRED store) and
#: session in a process: the Modern Family (keyed also on its configuration file) and the economy's
#: measures. A batch, the since-last comparison and the tests build many pieces at the same dates;
#: they share one frozen copy (:func:`analysis.model.reading.freeze`), so no piece can change another's.
_FAMILIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MEASURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


#: The family from the bundled snapshot, shared by every Market reading it (a command line run
#: makes its own): keyed on the member files' paths, sizes and modification times too.
_SNAPSHOT_FAMILIES: dict[tuple, evidence.Family] = {}


def _stamp(path: Path) -> tuple:
    return (str(path), path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else (str(path),)


def _family(market: Market, session: pd.Timestamp) -> evidence.Family:
    stamp = _stamp(config_files.path("family"))
    if market.source == "snapshot":
        members, benchmark, _ = family_members()
        tickers = [m["ticker"] for m in members] + [benchmark]
        files = tuple(_stamp(snapshot.SNAPSHOT_DIR / f"{file_stem(t)}.csv.gz") for t in tickers)
        key = (session, stamp, files)
        if key not in _SNAPSHOT_FAMILIES:
            _SNAPSHOT_FAMILIES[key] = _frozen(evidence.evaluate_family(market, session))
        return _SNAPSHOT_FAMILIES[key]
    memo = _FAMILIES.setdefault(market, {})
    if (session, stamp) not in memo:
        memo[(session, stamp)] = _frozen(evidence.evaluate_family(market, session))
    return memo[(session, stamp)]


def _frozen(family: evidence.Family) -> evidence.Family:
    """``family`` with its JSON frozen, so every piece can share it (its series are only read)."""
    return evidence.Family(data=freeze(family.data), series=family.series)


def _measures(store: Macro, session: pd.Timestamp) -> dict:
    memo = _MEASURES.setdefault(store, {})
    if session not in memo:
        memo[session] = freeze(macro.measures(store, session))
    return memo[session]


def _macro_store(price_source: str) -> Macro:
    """The FRED loader for a piece's price source, one per source and process (the series load once)."""
    if price_source not in _MACRO_STORES:
        _MACRO_STORES[price_source] = Macro.for_prices(price_source)
    return _MACRO_STORES[price_source]


def _century(set_id: str, as_of) -> dict:
    """The century of small versus big (French, Shiller) for the sets that weigh it; else absent, with the reason."""
    if set_id not in ("small_caps", "large_caps"):  # large caps weigh CAPE; only small caps show the section
        return {"available": False, "reason": "the size premium and valuations are read for small-cap pieces only"}
    try:
        return {"available": True, **century.century(as_of)}
    except DataError as exc:
        return {"available": False, "reason": str(exc)}


def _profile(study: studies.Study, market: Market) -> profile.Profile:
    """The study's profile, its year counted on the data's calendar (a coin's is 365 sessions, whatever its symbol)."""
    kind = profile.assign(study.ticker, study.benchmark, quote_type=_quote_type(market))
    return profile.on_calendar(kind, study.series.index)


def _quote_type(market: Market):
    """Yahoo's quote type of a symbol when this run may ask Yahoo (cached either way), else the cache only."""
    online = market.source in ("auto", "yahoo") and not params.offline() and not market.yahoo_down
    return lambda symbol: quote_types.lookup(symbol, quote_types.yahoo_info if online else None)


def required_tickers(ticker: str, benchmark: str, scenarios_file: str = "") -> list[str]:
    """Every series a piece for ``ticker`` vs ``benchmark`` reads (prefetched under SOURCE=auto)."""
    kind = profile.assign(ticker, benchmark, quote_type=quote_types.cached).kind
    card = evidence.choose(ticker, kind, scenarios_file)
    return list(
        dict.fromkeys([ticker, benchmark, *evidence.required_tickers(ticker=ticker, benchmark=benchmark, card=card)])
    )


def _not_finite(value: Any, path: str = "") -> str | None:
    """The key path (``real_motion.value``) of the first infinite or NaN number in ``value``, if any."""
    if isinstance(value, float) and not math.isfinite(value):
        return path or "(top)"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _not_finite(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def to_json(summary: dict) -> str:
    """Stable, pretty JSON text; a number that is not finite is a :class:`~analysis.errors.DataError`
    naming its key (JSON has no infinity, and the piece must not state one)."""
    try:
        return json.dumps(summary, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    except ValueError:
        from analysis.errors import DataError

        where = _not_finite(summary) or "a value"
        raise DataError(
            f"the summary of {summary.get('ticker', 'the piece')} has a number that is not finite at"
            f" {where}: the price data behind it is corrupt (an infinite or absurd price?).",
            "Check the data, or use SOURCE=snapshot for the bundled data.",
        ) from None
