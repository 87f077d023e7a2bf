"""Scenario scorecard and Economic Modern Family dashboard: evidence from other tickers, at as-of.

Public API (the piece and ``python -m analysis summary`` call these):

* :func:`score` - the summary's ``scenarios`` list: each talking point's evidence measured,
  read against the configured thresholds and tallied into a score and a verdict;
* :func:`family` / :func:`family_series` - the ``family`` JSON and the chart's series;
* :func:`required_tickers` - every series the two need (the runner prefetches them).

Configuration is data: ``analysis/config/scenarios.toml`` and ``family.toml`` (or copies in
``$MOMENTUM_CONFIG_DIR``). Modules: :mod:`.evidence` (one pure function per measurement),
:mod:`.rules` (configuration and thresholds), :mod:`.scorecard` (data, staleness, tally),
:mod:`.family`, :mod:`.words` (sentences from the JSON). Formulas, thresholds and weights:
``docs/scenarios.md``. Scores are evidence tallies, not forecasts.
"""

from __future__ import annotations

from analysis import config as config_files
from analysis.data import Market
from analysis.errors import InputError
from analysis.evidence import rules, scorecard
from analysis.evidence.card import Scorecard
from analysis.evidence.family import Family, family, family_series, members
from analysis.evidence.family import evaluate as evaluate_family
from analysis.evidence.measures import KINDS
from analysis.model.study import Study

__all__ = ["KINDS", "Family", "evaluate_family", "family", "family_series", "load", "required_tickers", "score"]


#: The scenario sets, one configuration file each (``analysis/config/<name>.toml``), in the
#: order a ticker is looked up: the first set listing the ticker, else the first whose
#: profiles include the piece's, else the default set.
SET_FILES = (
    "scenarios",
    "scenarios_large_caps",
    "scenarios_sectors",
    "scenarios_bonds",
    "scenarios_yields",
    "scenarios_volatility",
    "scenarios_crypto",
)


#: Validated scorecards by their file and its bytes: a summary looks up the seven sets twice, and
#: validating them was a twentieth of its time. The file is still read each time, so an edit shows at once.
_CARDS: dict[tuple[str, bytes], Scorecard] = {}


def load(config: dict | None = None, name: str = "scenarios") -> Scorecard:
    """The validated scorecard of ``config`` (a parsed scenarios TOML), or of the file ``name`` when ``None``."""
    if config is not None:
        return rules.parse(config)
    target = config_files.path(name)
    try:  # only a regular file's bytes: a pipe in its place would block (config_files.load refuses it)
        key = (str(target), target.read_bytes()) if target.is_file() else None
    except (OSError, ValueError):
        key = None  # config_files.load says what is wrong with it
    if key not in _CARDS:
        card = rules.parse(config_files.load(name), str(target))
        if key is None:
            return card
        if len(_CARDS) >= 64:  # many files in one process (a test run): forget the older ones
            _CARDS.clear()
        _CARDS[key] = card
    return _CARDS[key]


def choose(ticker: str, profile: str, file: str = "") -> Scorecard:
    """The scenario set for a piece about ``ticker`` of asset profile ``profile`` (see :data:`SET_FILES`);
    with ``file`` (the ``scenarios_file`` knob: a TOML file, relative to the project folder), that file's."""
    if file:
        from analysis.paths import PROJECT_DIR

        target = PROJECT_DIR / file
        return rules.parse(config_files.load("scenarios", target), str(target))
    cards = [load(name=name) for name in SET_FILES]
    for card in cards:
        if ticker in card.set.tickers:
            return card
    for card in cards:
        if profile in card.set.profiles:
            return card
    defaults = [card for card in cards if card.set.default]
    if len(defaults) != 1:
        raise InputError(
            f"{len(defaults)} scenario sets are marked default = true; exactly one must be.",
            "Set default = true in the [set] table of one scenarios file only.",
        )
    return defaults[0]


def set_json(card: Scorecard, ticker: str, benchmark: str) -> dict:
    """The JSON ``scenario_set``: ``{id, title, why}`` with the piece's symbols."""
    s = card.set
    return {
        "id": s.id,
        "title": s.title.format(ticker=ticker, benchmark=benchmark),
        "why": s.why.format(ticker=ticker, benchmark=benchmark),
    }


def score(
    study: Study,
    market: Market,
    config: dict | None = None,
    *,
    card: Scorecard | None = None,
    profile: str = "equity",
    macro: dict | None = None,
) -> list[dict]:
    """The ``scenarios`` list for ``study`` at its as-of session (see :mod:`.scorecard`).

    Each scenario: ``{id, title, score, verdict, available_weight, missing_weight,
    total_weight, supporting_weight, contradicting_weight, neutral_weight, note, evidence}``;
    each evidence item: ``{name, function, series, value, value_text, rule, reading, weight,
    as_of, detail, reason}``. Other tickers come from ``market`` and are cut at
    ``study.as_of.session``; the study's ticker and benchmark come from the study itself.
    """
    return scorecard.evaluate(card or load(config), study, market, profile, macro)


def required_tickers(
    config: dict | None = None,
    *,
    ticker: str | None = None,
    benchmark: str | None = None,
    family_config: dict | None = None,
    card: Scorecard | None = None,
) -> list[str]:
    """Every series the scorecard (``config``) and the family (``family_config``) read, in order, once.

    ``{ticker}``/``{benchmark}`` placeholders are resolved when ``ticker``/``benchmark`` are
    given and skipped otherwise (the runner loads those anyway).
    """
    names: list[str] = []
    for scenario in (card or load(config)).scenarios:
        read = [item.series for item in scenario.items if item.spec.series != "macro"]  # not a FRED series
        read += [premise.series for premise in scenario.requires]  # and the closes its premises read
        for symbol in (s for series in read for s in series):
            if symbol == "{ticker}":
                symbol = ticker
            elif symbol == "{benchmark}":
                symbol = benchmark
            if symbol:
                names.append(symbol)
    listed, family_benchmark, _ = members(family_config)
    names += [m["ticker"] for m in listed] + [family_benchmark]
    return list(dict.fromkeys(names))
