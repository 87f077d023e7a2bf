"""``notebooks/scorecard.ipynb``: the scenario scorecard at as-of, how its scores moved, and the Modern Family.

The scores are the piece's own: :func:`analysis.summary.build`'s ``scenarios``, on the piece's
scenario set (the one its profile chooses, or the ``scenarios_file`` knob's), with the economy's
measures the piece reads. The history re-runs that same scorecard as of earlier sessions (every
``step`` sessions over the last ``score_years`` years), each time on data up to that session
only, so a change of verdict in the chart is what the piece would have said then.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from analysis import config as config_files
from analysis import evidence as scenarios
from analysis import fmt, params
from analysis.data import Market
from analysis.indicators.returns import years_before
from analysis.model import profile
from analysis.model.asof import MIN_SESSIONS
from analysis.model.study import Settings, build
from analysis.paths import PROJECT_DIR
from analysis.summary import scenario_scores
from analysis.text.scenario_words import family_summary
from analysis.view.display import FigureOutput, Html, esc, table
from analysis.view.research.common import Research


def sessions_every(index: pd.DatetimeIndex, step: int, years: int) -> pd.DatetimeIndex:
    """Every ``step``-th session counting back from the last one, within the last ``years`` years (0: all),
    from the first session with the history a piece needs (:data:`MIN_SESSIONS`): SCORE_YEARS=0 reaches
    back to the ticker's first sessions, where no piece could be written."""
    picked = index[::-1][::step][::-1]
    picked = picked[picked >= index[min(MIN_SESSIONS, len(index)) - 1]] if len(index) else picked
    if years:
        picked = picked[picked > years_before(index[-1], years)]
    return picked


def score_history(
    market: Market,
    ticker: str,
    benchmark: str,
    sessions: pd.DatetimeIndex,
    card: scenarios.Scorecard | None = None,
    settings: Settings = Settings(),
) -> pd.DataFrame:
    """The piece's scorecard as of each of ``sessions``: one row per (session, scenario).

    Columns ``session, id, title, score, verdict, available_weight``. Each session's rows are
    :func:`analysis.summary.scenario_scores` of the study built as of that session, on the
    scenario set ``card`` (default: the piece's, :func:`analysis.evidence.choose`) with the
    economy the piece reads, so they read data up to that session only and are what a piece
    written then would have scored.
    """
    rows = []
    for day in sessions:
        study = build(market, ticker, benchmark, day.date(), settings)
        if card is None:
            card = scenarios.choose(study.ticker, profile.assign(study.ticker, study.benchmark).kind)
        for sc in scenario_scores(study, market, card):
            rows.append(
                {
                    "session": day,
                    "id": sc["id"],
                    "title": sc["title"],
                    "score": sc["score"],
                    "verdict": sc["verdict"],
                    "available_weight": sc["available_weight"],
                }
            )
    return pd.DataFrame(rows, columns=["session", "id", "title", "score", "verdict", "available_weight"])


def verdict_changes(history: pd.DataFrame) -> dict[str, pd.DatetimeIndex]:
    """For each scenario ``id``, the sessions of :func:`score_history` whose verdict differs from the one before."""
    out = {}
    for sid, rows in history.groupby("id", sort=False):
        verdicts = rows["verdict"].to_numpy()
        changed = [i for i in range(1, len(verdicts)) if verdicts[i] != verdicts[i - 1]]
        out[sid] = pd.DatetimeIndex(rows["session"].to_numpy()[changed])
    return out


@dataclass
class ScorecardResearch(Research):
    """The scorecard notebook's cells.

    ``config``: a scenarios TOML file (path relative to the project folder, or absolute)
    instead of the project's; ``step``: sessions between two scorecards in the history.
    """

    NAME = "scorecard"
    KNOBS = ()
    KNOB_OF = {"years": "score_years", "config": "scenarios_file"}
    PARTS = ("facts", "scenarios")
    config: str = ""
    step: int = 21
    card: scenarios.Scorecard | None = field(default=None, init=False, repr=False)  # the piece's scenario set
    scenarios: list[dict] = field(default_factory=list, init=False, repr=False)
    history: pd.DataFrame = field(default_factory=pd.DataFrame, init=False, repr=False)

    def __post_init__(self) -> None:
        self.step = params.positive_int(self.step, what="step")
        self.market = self.market or Market("snapshot")
        self.card = scenarios.choose(self.study.ticker, self.summary["profile"]["kind"], self.config.strip())
        self.scenarios = self.summary["scenarios"]  # the piece's own scores, as its JSON states them
        st = self.study
        days = sessions_every(self.series.index, self.step, self.years)
        self.history = score_history(self.market, st.ticker, st.benchmark, days, self.card, st.settings)

    @property
    def _cuts(self) -> dict[str, float]:
        assert self.card is not None
        return self.card.verdict

    def _set_file(self) -> str:
        """The configuration file (``analysis/config/<name>.toml``) of the piece's scenario set."""
        assert self.card is not None
        return next(n for n in scenarios.SET_FILES if scenarios.load(name=n).set.id == self.card.set.id)

    def setup(self) -> Html:
        """Which scenario set is read (the piece's) and how a score becomes a verdict."""
        assert self.card is not None
        where = PROJECT_DIR / self.config if self.config.strip() else config_files.path(self._set_file())
        cuts = self._cuts
        shown = where.relative_to(PROJECT_DIR) if where.resolve().is_relative_to(PROJECT_DIR) else where
        rows = [
            (
                "Scenario set",
                f"{self.summary['scenario_set']['title']} (the piece's: {self.summary['scenario_set']['why']})",
            ),
            ("Configuration", str(shown)),
            ("Scenarios", len(self.scenarios)),
            (
                "Verdict cut-offs",
                f"supported ≥ {cuts['supported']:g} · leaning supported ≥ {cuts['leaning_supported']:g}"
                f" · contradicted ≤ {cuts['contradicted']:g} · leaning contradicted ≤"
                f" {cuts['leaning_contradicted']:g} · else mixed",
            ),
            ("Not enough evidence", f"less than {cuts['min_available_share']:.0%} of the weight measured"),
        ]
        return table(["Scorecard", ""], rows, cls="data glance")

    def scorecard(self) -> Html:
        """Every scenario at as-of: score, verdict and each evidence item with its value, rule and reading."""
        out = Html("")
        for sc in self.scenarios:
            head = "n/a" if sc["score"] is None else f"{sc['score']:+.2f}"
            rows = [
                (
                    e["name"],
                    ", ".join(e["series"]),
                    e["value_text"],
                    e["rule"],
                    e["reading"],
                    f"{e['weight']:g}",
                    e["reason"] or e["detail"] or "",
                )
                for e in sc["evidence"]
            ]
            out += Html(f"<h3>{esc(sc['title'])}</h3>") + table(
                ["Evidence", "Series", "Value", "Rule", "Reading", "Weight", "Detail"],
                rows,
                row_classes=[e["reading"] for e in sc["evidence"]],
                cls="data scenarios",
                caption=f"Score {head}, {sc['verdict']}; {sc['available_weight']:g} of {sc['total_weight']:g} weight"
                " measured" + (f". {sc['note']}" if sc["note"] else ""),
            )
        return out

    def chart(self) -> FigureOutput:
        """The piece's scorecard chart."""
        from analysis.view.charts.scenarios import scorecard_chart

        return FigureOutput(
            scorecard_chart(self.scenarios),
            alt="Scenario scorecard: supporting, contradicting and missing evidence weight per talking point",
        )

    def chart_history(self) -> FigureOutput:
        """Each scenario's score over the drawn span, the verdict cut-offs, and each change of verdict marked."""
        from analysis.view.charts.research import score_history_chart

        h = self.history
        scores = h.pivot(index="session", columns="id", values="score")[[sc["id"] for sc in self.scenarios]]
        titles = {sc["id"]: sc["title"] for sc in self.scenarios}
        fig = score_history_chart(
            scores.rename(columns=titles),
            {titles[k]: v for k, v in verdict_changes(h).items()},
            self._cuts,
            step=self.step,
        )
        return FigureOutput(
            fig,
            alt="Each scenario's score over time, with the verdict cut-offs and changes of verdict",
            caption=f"The scorecard re-run as of every {self.step}th session, each time on data up to"
            " that session only. Dots: the verdict changed.",
        )

    def history_table(self) -> Html:
        """The last :attr:`rows` scorecards of the history, newest first: each scenario's score and verdict."""
        h = self.history
        days = list(dict.fromkeys(h["session"]))[::-1][: self.rows]
        ids = [sc["id"] for sc in self.scenarios]
        lookup = {(r.session, r.id): r for r in h.itertuples()}
        body = [
            [f"{d:%Y-%m-%d}"] + [f"{fmt.cell(lookup[d, i].score, '{:+.2f}')} {lookup[d, i].verdict}" for i in ids]
            for d in days
        ]
        return table(
            ["Session", *(sc["title"] for sc in self.scenarios)],
            body,
            caption=f"The scorecard every {self.step} sessions, newest first",
        )

    # -- the Economic Modern Family -----------------------------------------------------------
    @functools.cached_property
    def _family(self) -> scenarios.Family:
        """The family at as-of, computed once for its table and its chart."""
        return scenarios.evaluate_family(self.market, self.study.as_of.session)

    def family(self) -> Html:
        """Each member of the family at as-of: phase, Real Motion against its 50-DMA, Leadership, 1-month return."""
        f = self._family.data
        rows = [
            (
                f"{m['ticker']} · {m['nickname']}",
                m["phase"] or "n/a",
                "n/a" if m["rm_above_fast"] is None else ("above" if m["rm_above_fast"] else "below"),
                fmt.cell(m["lead"], "{:+.2f}"),
                fmt.cell(m["return_1m"], "{:+.1%}"),
                m["reason"] or m["as_of"] or "",
            )
            for m in f["members"]
        ]
        return table(
            ["Member", "Phase", "Real Motion vs its 50-DMA", f"Leadership vs {f['benchmark']}", "1m", "Data"],
            rows,
            row_classes=[m["status"] for m in f["members"]],
            cls="data family",
            caption=family_summary(f),
        )

    def chart_family(self) -> FigureOutput:
        """The piece's small multiples of the family (last year of each member)."""
        from analysis.view.charts.scenarios import family_chart

        return FigureOutput(
            family_chart(self._family.data, self._family.series),
            alt="The Economic Modern Family: each member's last year of closes with its 50- and 200-DMA",
        )
