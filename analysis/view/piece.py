"""The commentary piece: what each cell of ``notebooks/commentary.ipynb`` shows.

:class:`Piece` ties a study, its summary and the narrative to display objects, one method
per notebook cell, so the notebook stays a list of one-line calls. Everything the piece
says is in :attr:`Piece.summary` (the JSON file), words included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis import fmt
from analysis.data import Market
from analysis.model.study import Study
from analysis.params import Request, checks
from analysis.summary import Summary
from analysis.summary import build as build_summary
from analysis.text import page_words, plain
from analysis.text import profile_words as pw
from analysis.view import ahead, front_charts, shared, tables
from analysis.view.display import FigureOutput, Html, JsonOutput, Page, bullets, esc, keep, paragraphs, section, table

#: The charts a forked child draws while the kernel draws the others (:mod:`analysis.view.ahead`),
#: in the child's order. Measured on the 2-core development machine (IWM 2024-07-08, one
#: process, CPU-s): the kernel draws page one's chart (0.57) and the growth of $1 (0.24), the
#: cells it needs first; the child meanwhile the scorecard (0.17), history (0.26) and the track
#: record (0.36), and reads the economy and family charts from the disk cache
#: (:mod:`analysis.view.shared`; 1.3 and 1.6 when a date's first piece draws them), so each is
#: ready by the time its cell runs.
AHEAD = ("chart_scenarios", "chart_history", "chart_track", "chart_economy", "chart_family")
#: The charts a first child draws, forked as soon as the study and its facts exist (a tenth of the
#: summary's time in): page one's chart (0.37 CPU-s) and the growth of $1 (0.24) need nothing more,
#: so they are drawn while the kernel computes the talking points, the history and since-last
#: (0.4 s), instead of after them on the single piece's critical path.
EARLY = ("brief_chart", "chart_performance")


def _signed(x: float | None) -> str:
    return fmt.MISSING if x is None else fmt.signed(x)


@dataclass
class Piece:
    """Everything one piece shows: a view of one :class:`~analysis.summary.Summary`. Build it with :meth:`build`."""

    model: Summary
    with_appendices: bool = False
    #: The charts of :data:`AHEAD` being drawn in a forked child, or ``None`` (draw them here).
    drawn_ahead: ahead.Ahead | None = field(default=None, repr=False, compare=False)
    #: The charts of :data:`EARLY` being drawn in the child forked mid-build, or ``None``.
    drawn_early: ahead.Ahead | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        ticker: str = "IWM",
        benchmark: str = "SPY",
        as_of: str = "",
        source: str = "snapshot",
        level: float = 0.0,
        confirm_n: int = 2,
        source_note: str = "",
        market: Market | None = None,
        appendices: bool = False,
        draw_ahead: bool = False,
        **knobs: object,
    ) -> Piece:
        """Validate the notebook's parameters and build the piece's summary (:func:`analysis.summary.build`).

        ``knobs`` are the other knobs of :data:`analysis.params.KNOBS` by name (``fast=20``); the
        notebook passes every one, so the piece is computed with what the runner injected, and
        says on its first page which differ from their defaults.

        ``appendices`` (set by the runner) says the research appendices are written beside
        the piece, so the piece links them; otherwise it names ``make research`` instead.
        ``draw_ahead`` (the commentary notebook sets it) has a forked child draw the charts of
        :data:`AHEAD` while the cells before them run (:mod:`analysis.view.ahead`); the
        output is the same either way.
        """
        request = Request.parse(ticker, benchmark, as_of, source, level or None, confirm_n, **knobs)
        source_note, appendices = checks.runner_values(source_note, appendices)
        early: list[ahead.Ahead | None] = []

        def draw_early(partial: Summary) -> None:  # the study and its facts exist: page one's charts can start
            early.append(ahead.start({name: cls(partial)._shown(name) for name in EARLY}))

        model = build_summary(request, market, source_note=source_note, early=draw_early if draw_ahead else None)
        piece = cls(model, with_appendices=appendices, drawn_early=early[0] if early else None)
        if draw_ahead:
            piece.drawn_ahead = ahead.start({name: piece._shown(name) for name in AHEAD})
        return piece

    def _shown(self, name: str):
        """A job for the child: the chart ``name`` as the page shows it (its PNG, without the
        matplotlib figure, which a researcher's own call keeps but a pipe need not carry)."""

        def job() -> FigureOutput | Html:
            made = getattr(self, "_" + name)()
            return made.shown() if isinstance(made, FigureOutput) else made

        return job

    def _ahead_or(self, name: str, draw):
        """The chart ``name`` as the forked child drew it, else ``draw()`` here (:mod:`analysis.view.ahead`)."""
        child = self.drawn_early if name in EARLY else self.drawn_ahead
        made = child.take(name) if child is not None else None
        return draw() if made is None else made

    @property
    def study(self) -> Study:
        return self.model.study

    @property
    def market(self) -> Market:
        return self.model.market

    @property
    def summary(self) -> dict:
        """Everything the piece says, as in the published JSON."""
        return self.model.data

    @property
    def words(self) -> dict[str, list[str]]:
        """The piece's sentences by section (the JSON ``narrative`` block)."""
        return self.summary["narrative"]

    # -- text -------------------------------------------------------------------------------
    def masthead(self) -> Html:
        """Kicker, headline and dateline."""
        s = self.summary
        dateline = pw.dateline(s)
        knobs = self.model.request.knob_note("piece")  # "" at the defaults: the default piece is unchanged
        return Html(
            f'<header class="masthead"><p class="kicker">Market momentum · {esc(s["ticker"])}</p>'
            f'<h1>{esc(s["headline"])}</h1><p class="dateline">{esc(dateline)}</p>'
            + (f'<p class="knobs">{esc(knobs)}</p>' if knobs else "")
            + "</header>"
        )

    # -- page one: the brief -------------------------------------------------------------------
    def front_page(self) -> Page:
        """Page one as one block: headline, the call, the combined chart, the brief's text and levels.

        Printed, the block is one page tall and the chart takes the height the text leaves (``piece.css``);
        a long brief is set compact (the brief's ``compact``, decided with its words), and text that still
        does not fit runs on to page two, before the evidence.
        """
        cls = "page-one compact" if self.summary["brief"].get("compact") else "page-one"
        return Page(self.masthead(), self.brief(), self.brief_chart(), self.brief_body(), cls=cls)

    def brief(self) -> Html:
        """The call in one sentence and what would change it, in prices, both ways."""
        b = self.summary["brief"]
        return (
            Html(
                f'<section class="brief-call call-{esc(b["call"])}"><p class="call"><strong>{esc(b["call_label"])}.</strong>'
                f" {esc(b['call_reason'])}</p>"
            )
            + bullets(b["change_sentences"], cls="changes")
            + paragraphs([b.get("track_line", "")], cls="track-line")
            + Html("</section>")
        )

    def brief_chart(self) -> FigureOutput:
        """The combined daily chart: candles, averages and volume; Real Motion; Leadership; one time axis
        (drawn early when it can be)."""
        return self._ahead_or("brief_chart", self._brief_chart)

    def _brief_chart(self) -> FigureOutput:
        return front_charts.brief(self.study, self.summary)

    def brief_body(self) -> Html:
        """Price, momentum and leadership in a few lines, the levels box, the talking points and what changed."""
        s = self.summary
        b = s["brief"]
        text = paragraphs(([b["lead"]] if b["lead"] else []) + b["paragraphs"])
        if b["scenario_line"]:
            text += paragraphs([b["scenario_line"]], cls="scenario-line")
        since = Html("")
        from analysis.text.brief import since_heading

        if b["since_last"]:
            since = (
                Html(f'<div class="since"><h2>{esc(since_heading(s))}</h2>') + bullets(b["since_last"]) + Html("</div>")
            )
        rows, classes = [], []
        for side in ("resistance", "support"):
            for r in b["levels"][side]:
                rows.append((r["text"], r["what"]))
                classes.append(side)
            if not b["levels"][side]:
                rows.append(("\u2014", page_words.EMPTY_BOX[side]))
                classes.append(side)
        box = table([pw.level_heading(self.summary), "What it is"], rows, row_classes=classes, cls="data levels-box")
        if b.get("session_line"):  # the day, when it is not the news the text leads with
            box = paragraphs([b["session_line"]], cls="session-line") + box
        return Html(f'<div class="brief-body"><div class="brief-text">{text}</div><aside>{box}{since}</aside></div>')

    def evidence_heading(self) -> Html:
        """The second part: the detail behind the brief, each thing said once."""
        return Html(
            '<header class="evidence"><h2>The evidence</h2><p class="data-note">The detail behind page one:'
            " the indicators, the levels, the long view, the economy and the talking points.</p></header>"
        )

    def price_section(self) -> Html:
        return section("Price and phase", self.words["price_and_phase"])

    def momentum_section(self) -> Html:
        return section("Momentum: Real Motion", self.words["momentum"])

    def leadership_section(self) -> Html:
        return section(f"Leadership against {self.summary['benchmark']}", self.words["leadership"])

    @property
    def leadership_shown(self) -> bool:
        return self.summary["profile"]["leadership"] != "hidden"

    def needs_section(self) -> Html:
        return section(f"What {self.summary['ticker']} needs", self.words["needs"])

    def since_section(self) -> Html:
        """Everything that changed since the last piece (or five sessions back), most important first."""
        from analysis.text.brief import since_heading, since_lines

        lines = since_lines(self.summary, top=None)
        return section(since_heading(self.summary), lines, as_list=len(lines) > 1) if lines else Html("")

    def performance_section(self) -> Html:
        return keep(section("The long view", self.words["performance"]), tables.performance(self.summary))

    def century_section(self) -> Html:
        """A century of small versus big: the size premium and valuations (small-cap pieces only)."""
        words = self.words.get("century") or []
        return keep(section("A century of small versus big", words), self.chart_century()) if words else Html("")

    def chart_century(self) -> FigureOutput | Html:
        """The size premium over every ten-year window since 1936 (small-cap pieces; shared: :mod:`analysis.view.shared`)."""
        return shared.century_chart(self.summary)

    def economy_section(self) -> Html:
        # its heading stays with its words, and the chart (a third of a page) may go on to the next page:
        # kept whole, the block left a yield's or a gauge's short "long view" alone on a page 29% full
        return keep(section("The economy", self.words.get("economy") or []), self.chart_economy(), whole=False)

    def chart_economy(self) -> FigureOutput | Html:
        """Curve, credit, claims and the Sahm rule (drawn ahead when it can be)."""
        return self._ahead_or("chart_economy", self._chart_economy)

    def _chart_economy(self) -> FigureOutput | Html:
        """Curve, credit, claims and the Sahm rule, as public at the as-of date (shared: :mod:`analysis.view.shared`)."""
        return shared.economy_chart(self.model.macro, self.summary["as_of"])

    def scenarios_section(self) -> Html:
        """The set's heading: why these talking points, and that scores are tallies (the chart and tables follow)."""
        from analysis.text.scenario_words import DISCLAIMER as TALLIES

        chosen = self.summary["scenario_set"]

        # each talking point is stated once: its score in the chart and its caption, its evidence in its table
        return keep(section(chosen["title"], [f"{chosen['why']}. {TALLIES}"]), self.chart_scenarios())

    def scenario_tables(self) -> Html:
        """Each talking point's evidence: direction, value, rule, reading, weight and date."""
        return tables.scenarios(self.summary)

    def chart_scenarios(self) -> FigureOutput:
        """The scorecard: each talking point's supporting, contradicting and missing weight (drawn ahead when it can be)."""
        return self._ahead_or("chart_scenarios", self._chart_scenarios)

    def _chart_scenarios(self) -> FigureOutput:
        from analysis.view.charts.scenarios import scorecard_chart

        return FigureOutput(
            scorecard_chart(self.summary["scenarios"]),
            alt="Scenario scorecard: supporting, contradicting and missing evidence weight per talking point",
        )

    def family_section(self) -> Html:
        """The Economic Modern Family dashboard: one row per member, stale members marked."""
        return keep(section("The Economic Modern Family", self.words["family"]) + tables.family(self.summary))

    def chart_family(self) -> FigureOutput:
        """The family's small multiples (drawn ahead when it can be)."""
        return self._ahead_or("chart_family", self._chart_family)

    def _chart_family(self) -> FigureOutput:
        """The family's small multiples (shared: :mod:`analysis.view.shared`)."""
        return shared.family_chart(self.summary["family"], self.model.family_series)

    def history_section(self) -> Html:
        """The event study at 20 sessions, its trigger rows, the current state and the baseline."""
        return keep(section("What history says", self.words["history"]), tables.history(self.summary), whole=False)

    def chart_history(self) -> FigureOutput:
        """The event study's edges (drawn ahead when it can be)."""
        return self._ahead_or("chart_history", self._chart_history)

    def _chart_history(self) -> FigureOutput:
        from analysis.view import charts

        s = self.summary
        return FigureOutput(
            charts.history_chart(
                s["history"],
                ticker=self.study.ticker,
                horizon="20",
                state=s.get("history_state"),
                returns=s["profile"]["returns"],
            ),
            alt=f"{self.study.ticker}: each trigger's edge over any session at 20 sessions, with its 90% interval",
        )

    def track_section(self) -> Html:
        """How this call has done: the call replayed on every past session, what followed each call, the verdict."""
        from analysis.view import track

        paras = self.words.get("track_record") or []
        if not paras:
            return Html("")
        body = paragraphs(paras)
        return keep(Html(f"<section><h2>How this call has done</h2>{body}</section>"), whole=False) + track.tables(
            self.summary
        )

    def chart_track(self) -> FigureOutput | Html:
        """The graded price shaded by the call over the years, and the moves after each call (drawn ahead when it can be)."""
        return self._ahead_or("chart_track", self._chart_track)

    def _chart_track(self) -> FigureOutput | Html:
        from analysis.view import track

        return track.chart(self.summary, self.study)

    def appendices(self) -> Html:
        """Links to the research notebooks behind the charts, only when they are written beside the piece."""
        from analysis.notebooks import appendix_links, stem

        if not self.with_appendices:
            return Html("")
        s = self.summary
        items = "".join(
            f'<li><a href="{esc(href)}">{esc(title)}</a>: behind {esc(behind)}</li>'
            for title, href, behind in appendix_links(stem(s["ticker"], s["benchmark"]))
        )
        return Html(
            '<section class="appendices"><h2>Research appendices</h2><p class="data-note">Each chart\'s'
            " full history, its signals and its knobs, as executed notebooks beside this piece; open them"
            f" in JupyterLab to change a window and run them again.</p><ul>{items}</ul></section>"
        )

    def method_note(self) -> Html:
        """Data provenance, fallbacks and how the indicators are defined."""
        from analysis.text.track_words import method_line

        lines = [*page_words.method_lines(self.summary, self.words["caveats"]), method_line(self.summary)]
        return (
            Html('<section class="method"><h2>Data and method</h2>')
            + paragraphs([plain.reader(x) for x in lines], cls="data-note")
            + Html("</section>")
        )

    def footer(self) -> Html:
        return Html(f'<footer class="footer"><p>{esc(page_words.DISCLAIMER)}</p></footer>')

    # -- charts -----------------------------------------------------------------------------
    def chart_performance(self) -> FigureOutput | Html:
        """The growth of $1 against the benchmark, and their ratio (drawn early when it can be)."""
        return self._ahead_or("chart_performance", self._chart_performance)

    def _chart_performance(self) -> FigureOutput | Html:
        return front_charts.growth(self.study, self.summary)

    # -- machine-readable -------------------------------------------------------------------
    def summary_output(self) -> JsonOutput:
        return JsonOutput(self.summary)
