"""grade every published call on what followed it: reports/grades.{json,md}, a table, the index's marks

``make grade`` (``python -m analysis grade``) reads every published piece's summary
(``<root>/<YYYY-MM-DD>/<STEM>.json``, as the index does), grades its call at 20 and 60 sessions
on the data as it now reaches (:mod:`analysis.model.published`: the ticker's own return, the
benchmark's for a volatility index, the yield's change in bp for a yield; ``open`` where the
data does not reach the horizon yet), prints a table and the running record per call, writes
``<root>/grades.json`` and ``<root>/grades.md`` atomically, and rebuilds the index, whose rows
then carry each call's mark. A piece written before the brief (no ``brief.call``) is not
graded; a series that cannot be loaded is named in ``problems`` and its pieces are left out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
from pathlib import Path

from analysis import fmt
from analysis.params import shown

GRADES_JSON = "grades.json"
GRADES_MD = "grades.md"
#: A grades file far larger than any real one is not read by the index.
MAX_GRADES_BYTES = 50_000_000
CALL_NAMES = ("constructive", "cautious", "defensive")


def _forged(s: dict, profile: dict) -> str:
    """Why a published summary with a call cannot be graded (a file edited by hand), or ``""``."""
    from analysis.model.units import RETURNS

    try:
        dt.date.fromisoformat(s["as_of"])
    except (TypeError, ValueError):
        return f"its as_of {shown(s['as_of'])} is not a date"
    if profile["returns"] not in RETURNS:
        return f"its profile's returns {shown(profile['returns'])} are not known"
    return ""


def _revised(s: dict, frame) -> str:
    """Why the data's close on the piece's day is not the close the piece published (a history revised or
    edited since: a call graded from another close is another call), or ``""``; a day the data lacks is
    graded as such ("no data on the piece's date")."""
    import math

    import pandas as pd

    from analysis.model.since import CLOSE_TOLERANCE

    day, said = pd.Timestamp(s["as_of"]), s.get("close")
    if day not in frame.index or isinstance(said, bool) or not isinstance(said, int | float):
        return ""
    actual = float(frame.loc[day, "close"])
    if not math.isfinite(float(said)) or math.isclose(float(said), actual, rel_tol=CLOSE_TOLERANCE):
        return ""
    shown = next(  # as many decimals as tell the two apart (a currency pair's 1.2245 and 1.2312)
        ((a, b) for extra in range(5) if (a := fmt.price(float(said), extra)) != (b := fmt.price(actual, extra))),
        (repr(float(said)), repr(actual)),
    )
    return f"its close {shown[0]} is not the data's close on that day, {shown[1]}: other data, or an edit"


def _piece(market, date: str, path: Path, s: dict) -> tuple[dict | None, str]:
    """One summary graded (:func:`analysis.model.published.outcome`), or ``(None, why not)``."""
    from analysis.model import published, track_replay
    from analysis.text import grade_words

    call = (s.get("brief") or {}).get("call") if isinstance(s.get("brief"), dict) else None
    profile = s.get("profile") if isinstance(s.get("profile"), dict) else {}
    if call not in CALL_NAMES or not profile.get("kind") or not profile.get("returns"):
        return None, ""  # written before the brief: no call to grade
    forged = _forged(s, profile)
    if forged:
        return None, f"{date}/{path.name}: {forged}"
    ticker, benchmark = str(s["ticker"]), str(s.get("benchmark") or "")
    g = track_replay.grading(str(profile["kind"]), str(profile["returns"]))
    symbol = benchmark if g.on == "benchmark" else ticker
    frame, reason = market.prices_or_reason(symbol)
    if frame is None:
        return None, f"{date}/{path.name}: {reason}"
    revised = _revised(s, frame) if symbol == ticker else ""
    if revised:
        return None, f"{date}/{path.name}: {revised}"
    bench = market.prices_or_reason(benchmark)[0] if g.relative and benchmark else None
    piece = {
        "date": date,
        "stem": path.stem,
        "ticker": ticker,
        "benchmark": benchmark,
        "as_of": str(s["as_of"]),
        "call": call,
        "graded_symbol": symbol,
        "measure": g.measure,
        "holder_gains": "rises" if g.sign > 0 else "falls",
        "data_to": frame.index[-1].date().isoformat(),
        "horizons": published.outcome(frame, bench, as_of=str(s["as_of"]), call=call, g=g),
    }
    piece["mark"], piece["mark_class"] = grade_words.mark(piece)
    return piece, ""


def grade(root: Path, market) -> dict:
    """Every published call under ``root`` graded on ``market``'s data: the content of ``grades.json``.

    ``{"data_to", "horizons", "pieces" (newest first), "record" (per horizon and call:
    :func:`analysis.model.published.running`), "problems"}``.
    """
    from analysis.model import published
    from analysis.model.track_record import HORIZONS
    from analysis.pipeline.index import summaries

    found, problems = summaries(root)
    pieces = []
    for date, path, s in found:
        piece, problem = _piece(market, date, path, s)
        if piece is not None:
            pieces.append(piece)
        if problem:
            problems.append(problem)
    pieces.sort(key=lambda p: (p["ticker"], p["stem"]))
    pieces.sort(key=lambda p: p["date"], reverse=True)
    return {
        "data_to": max((p["data_to"] for p in pieces), default=None),
        "horizons": list(HORIZONS),
        "pieces": pieces,
        "record": published.running(pieces),
        "problems": sorted(problems),
    }


def write(root: Path, grades: dict) -> list[Path]:
    """``grades.json`` and ``grades.md`` in ``root``, each written whole, under the grades' lock."""
    from analysis.errors import PublishError
    from analysis.pipeline.index import write_whole
    from analysis.render import publish
    from analysis.text import grade_words

    paths = [root / GRADES_JSON, root / GRADES_MD]
    with publish.piece_lock(root, "_grades"):
        write_whole(paths[0], json.dumps(grades, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
        try:
            write_whole(paths[1], grade_words.markdown(grades))
        except PublishError as exc:  # grades.json is the new one already: say so, not "nothing"
            raise PublishError(f"{GRADES_JSON} is published, but {GRADES_MD} is not: {exc.message}", exc.hint) from None
    return paths


def read_marks(root: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """``(date, stem) -> (mark, class)`` of every piece in ``<root>/grades.json``; empty when the file
    is absent, too large or not a grades file (the index then shows no marks). Light: no pandas."""
    path = Path(root) / GRADES_JSON
    try:
        if not path.is_file() or path.stat().st_size > MAX_GRADES_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    pieces = data.get("pieces") if isinstance(data, dict) else None
    out = {}
    for p in pieces if isinstance(pieces, list) else []:
        if isinstance(p, dict) and all(isinstance(p.get(k), str) for k in ("date", "stem", "mark", "mark_class")):
            out[(p["date"], p["stem"])] = (p["mark"][:200], p["mark_class"][:40])
    return out


def add_arguments(p: argparse.ArgumentParser) -> None:
    from analysis import params

    p.add_argument("--root", default=None, help="reports folder to grade (default: $MOMENTUM_REPORTS_DIR or reports/)")
    params.add_arguments(p, skip=tuple(x.name for x in params.PIECE_PARAMETERS if x.name != "source"))


def main(args: argparse.Namespace) -> int:
    from analysis import params
    from analysis.data import Market
    from analysis.paths import nameable, reports_dir
    from analysis.pipeline.index import index_after, write_index
    from analysis.render import publish
    from analysis.text import grade_words

    root = nameable(Path(args.root) if args.root else reports_dir())
    if not root.is_dir() and any(p.exists() and not p.is_dir() for p in (root, *root.parents)):
        # a file, /dev/null or a socket as the reports folder: "no published call" would hide it
        raise publish.explain(OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(root)), root)
    market = Market(params.source(args.source))
    grades = grade(root, market)
    notes = [f"note: not graded: {problem}" for problem in grades["problems"]]
    if not grades["pieces"]:  # the notes say why what is there was passed over
        print(*notes, f"no published call to grade in {root} (write one with make report)", sep="\n")
        if not (root / GRADES_JSON).is_file():
            return 0  # else the last grades, marks in the index, would stand for calls no longer graded
    else:
        print(grade_words.text_table(grades))
        print()
        for h, record in grades["record"].items():
            print(grade_words.record_line(h, record))
        for note in notes:
            print(note)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise publish.explain(exc, root) from None
    written = write(root, grades)
    for path in [*written, index_after(write_index, f"{GRADES_JSON} and {GRADES_MD} are", root)]:
        rel = os.path.relpath(path)
        print(f"  wrote {path if rel.startswith('..') else rel}")
    return 0
