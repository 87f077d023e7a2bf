"""Regenerate the figures in docs/img/ from the bundled data: `.venv/bin/python docs/figures.py`.

Each figure is drawn by the same chart function the piece uses, for IWM vs SPY as of
2024-07-08 (the model commentary's day), so the docs show exactly what a reader gets.
"""

from pathlib import Path

from analysis.view import charts
from analysis.view.display import FigureOutput
from analysis.view.piece import Piece

OUT = Path(__file__).resolve().parent / "img"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    piece = Piece.build("IWM", "SPY", "2024-07-08", "snapshot")
    st = piece.study
    lines = (st.prices, st.series["sma_fast"], st.series["sma_slow"], st.series["phase"])
    for name, output in {
        "price_phase": FigureOutput(charts.price_chart(*lines, ticker="IWM", level=205.06), alt="price"),
        "real_motion": FigureOutput(charts.real_motion_chart(st.series, ticker="IWM"), alt="Real Motion"),
        "leadership": FigureOutput(charts.leadership_chart(st.series, ticker="IWM", benchmark="SPY"), alt="Leadership"),
        "relative_performance": piece.chart_performance(),
        "brief": piece.brief_chart(),
    }.items():
        (OUT / f"{name}.png").write_bytes(output.data)
        print(f"wrote docs/img/{name}.png")


if __name__ == "__main__":
    main()
