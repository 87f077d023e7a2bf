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
from analysis.evidence import rules, scorecard
from analysis.evidence.family import Family, family, family_series, members
from analysis.evidence.family import evaluate as evaluate_family
from analysis.evidence.measures import KINDS
from analysis.model.study import Study

__all__ = ["KINDS", "Family", "evaluate_family", "family", "family_series", "load", "required_tickers", "score"]


def load(config: dict | None = None) -> rules.Scorecard:
    """The validated scorecard of ``config`` (a parsed ``scenarios.toml``), or of the file when ``None``."""
    if config is None:
        return rules.parse(config_files.load("scenarios"), str(config_files.path("scenarios")))
    return rules.parse(config)


def score(study: Study, market: Market, config: dict | None = None) -> list[dict]:
    """The ``scenarios`` list for ``study`` at its as-of session (see :mod:`.scorecard`).

    Each scenario: ``{id, title, score, verdict, available_weight, missing_weight,
    total_weight, supporting_weight, contradicting_weight, neutral_weight, note, evidence}``;
    each evidence item: ``{name, function, series, value, value_text, rule, reading, weight,
    as_of, detail, reason}``. Other tickers come from ``market`` and are cut at
    ``study.as_of.session``; the study's ticker and benchmark come from the study itself.
    """
    return scorecard.evaluate(load(config), study, market)


def required_tickers(config: dict | None = None, *, ticker: str | None = None, benchmark: str | None = None,
                     family_config: dict | None = None) -> list[str]:
    """Every series the scorecard (``config``) and the family (``family_config``) read, in order, once.

    ``{ticker}``/``{benchmark}`` placeholders are resolved when ``ticker``/``benchmark`` are
    given and skipped otherwise (the runner loads those anyway).
    """
    names: list[str] = []
    for scenario in load(config).scenarios:
        for item in scenario.items:
            for symbol in item.series:
                if symbol == "{ticker}":
                    symbol = ticker
                elif symbol == "{benchmark}":
                    symbol = benchmark
                if symbol:
                    names.append(symbol)
    listed, family_benchmark, _ = members(family_config)
    names += [m["ticker"] for m in listed] + [family_benchmark]
    return list(dict.fromkeys(names))
