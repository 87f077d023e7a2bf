"""Regenerate the figures in docs/img/ from the bundled data: `.venv/bin/python docs/figures.py`.

Each figure is drawn by the same chart function the piece uses, for IWM vs SPY as of
2024-07-08 (the model commentary's day), so the docs show exactly what a reader gets.
"""

from pathlib import Path

from analysis.view.piece import Piece

OUT = Path(__file__).resolve().parent / "img"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    piece = Piece.build("IWM", "SPY", "2024-07-08", "snapshot")
    for name, output in {
        "price_phase": piece.chart_price(),
        "real_motion": piece.chart_momentum(),
        "leadership": piece.chart_leadership(),
        "relative_performance": piece.chart_performance(),
    }.items():
        (OUT / f"{name}.png").write_bytes(output.data)
        print(f"wrote docs/img/{name}.png")


if __name__ == "__main__":
    main()
