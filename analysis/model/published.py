"""Published calls graded on what followed them (``make grade``).

A published piece states a call at its as-of session. :func:`outcome` grades it, per horizon
``h``, on the series the call is for (:func:`analysis.model.track_replay.grading`: the ticker's
own return; the benchmark's total return for a volatility index; the yield's change in bp for a
yield), from the piece's as-of close to the close ``h`` of that series' own sessions later:

* ``open`` while the data does not reach that session yet (``sessions_left`` say how far);
* otherwise ``graded``: the ``move`` (as :func:`analysis.model.forward.forward_change` measures
  it), the ``relative`` move against the benchmark's total return (a price only), and ``hit``:
  a constructive call is right when the holder gained, a defensive one when the holder lost; a
  cautious call names no direction, so its ``hit`` is ``None``.

:func:`running` sums the graded pieces per call and horizon: how many, how many right, the hit
rate, and the median return of those graded on a return (moves in bp are not pooled with
returns). Nothing here reads files or writes English.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.model.call import CALLS
from analysis.model.forward import forward_change
from analysis.model.track_record import HORIZONS
from analysis.model.track_replay import Grading
from analysis.model.types import SummaryDict
from analysis.model.units import units


def _hit(call: str, move: float, sign: int) -> bool | None:
    """Whether the move went the way ``call`` said for the holder (``None`` for a cautious call)."""
    if call == "constructive":
        return bool(sign * move > 0)
    if call == "defensive":
        return bool(sign * move < 0)
    return None


def at_horizon(
    graded: pd.DataFrame, bench: pd.DataFrame | None, as_of: str, call: str, g: Grading, h: int
) -> SummaryDict:
    """One published call at one horizon: ``status`` (``graded``, ``open``, or ``unavailable`` when the
    graded series has no close on the as-of session), ``end`` (the session ``h`` later), ``move``,
    ``relative``, ``hit`` and ``sessions_left`` (0 once graded)."""
    out: SummaryDict = {"status": "unavailable", "end": None, "move": None, "relative": None, "hit": None}
    day = pd.Timestamp(as_of)
    if day not in graded.index:
        return {**out, "sessions_left": None}
    pos = int(graded.index.searchsorted(day))
    last = len(graded) - 1
    if pos + h > last:
        return {**out, "status": "open", "sessions_left": pos + h - last}
    window = graded.iloc[pos : pos + h + 1]
    move = float(forward_change(window, h, g.measure).iloc[0])
    end = window.index[-1]
    relative = None
    if g.relative and bench is not None:
        b = bench["adj_close"].reindex(bench.index.union([day, end])).ffill()
        relative = move - float(b.loc[end] / b.loc[day] - 1.0)
    return {
        "status": "graded",
        "end": end.date().isoformat(),
        "move": move,
        "relative": relative,
        "hit": _hit(call, move, g.sign),
        "sessions_left": 0,
    }


def outcome(
    graded: pd.DataFrame,
    bench: pd.DataFrame | None,
    *,
    as_of: str,
    call: str,
    g: Grading,
    horizons: tuple[int, ...] = HORIZONS,
) -> SummaryDict:
    """A published call graded at each horizon (:func:`at_horizon`), keyed by ``str(h)``.

    ``graded`` is the frame of the series the call is graded on (``close``, ``adj_close``, its own
    sessions, as far as the data now reaches); ``bench`` the benchmark's, for the relative move.
    """
    return {str(h): at_horizon(graded, bench, as_of, call, g, h) for h in horizons}


def running(pieces: list[SummaryDict], horizons: tuple[int, ...] = HORIZONS) -> dict[str, dict[str, SummaryDict]]:
    """The running record: per horizon and call, ``graded``, ``open``, ``right``, ``wrong``, ``hit_rate``
    (``None`` for cautious calls and before any is graded) and ``median_return`` (of the pieces graded
    on a return; ``None`` without one). ``pieces`` are dicts with ``call``, ``measure`` and
    ``horizons`` (:func:`outcome`)."""
    out: dict[str, dict[str, SummaryDict]] = {}
    for h in map(str, horizons):
        out[h] = {}
        for call in reversed(CALLS):
            mine = [p for p in pieces if p["call"] == call and h in p["horizons"]]
            done = [p for p in mine if p["horizons"][h]["status"] == "graded"]
            hits = [p["horizons"][h]["hit"] for p in done if p["horizons"][h]["hit"] is not None]
            returns = [p["horizons"][h]["move"] for p in done if units(p["measure"]).is_return]
            out[h][call] = {
                "graded": len(done),
                "open": sum(p["horizons"][h]["status"] == "open" for p in mine),
                "right": sum(hits),
                "wrong": len(hits) - sum(hits),
                "hit_rate": float(np.mean(hits)) if hits else None,
                "median_return": float(np.median(returns)) if returns else None,
            }
    return out
