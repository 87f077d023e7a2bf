"""(j) Side by side with quantstats: its HTML tear sheet for the same ticker, benchmark and data.

quantstats is what a reader of this field runs for a tear sheet, so ``make bench`` times it in the
same run as ``make report`` (:func:`analysis.bench.user.report`) and prints the ratio. It is never
installed into the project's environment or the report's kernel: :func:`measure` builds a
throwaway venv under ``.cache/quantstats-<version>`` once (with ``uv`` when set-up found it, else
pip) and runs :data:`SCRIPT` in it on the bundled snapshot's daily total returns (``Adj Close``)
of the ticker and the benchmark up to the bench's as-of date. Without a package registry the row
says why it is missing instead of a number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from analysis.bench.common import AS_OF, TICKER
from analysis.paths import PROJECT_DIR

#: The quantstats release measured (pinned, so the comparison is the same from run to run).
VERSION = "0.0.86"
#: Where its throwaway environment lives.
VENV = PROJECT_DIR / ".cache" / f"quantstats-{VERSION}"

#: Run inside the throwaway venv: time the import and the HTML tear sheet, print JSON.
SCRIPT = """
import json, sys, time
t0 = time.perf_counter()
import pandas as pd
import quantstats as qs
t1 = time.perf_counter()
frame = pd.read_csv(sys.argv[1], index_col=0, parse_dates=True)
qs.reports.html(frame["ticker"], benchmark=frame["benchmark"], output=sys.argv[2], title="bench")
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "report_s": t2 - t1, "total_s": t2 - t0}))
"""


def returns(ticker: str = TICKER, benchmark: str = "SPY", as_of: str = AS_OF):
    """The daily total returns (``Adj Close``) of ``ticker`` and ``benchmark`` in the bundled snapshot,
    on their common sessions up to ``as_of``: what the tear sheet is given."""
    import pandas as pd

    from analysis.data import Market

    market = Market("snapshot")
    closes = {
        name: market.prices(t)["adj_close"].loc[:as_of] for name, t in (("ticker", ticker), ("benchmark", benchmark))
    }
    return pd.DataFrame(closes).dropna().pct_change().dropna()


def _python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> str | None:
    """Build the throwaway venv once; ``None`` when ready, else why it could not be built."""
    if _python().is_file():
        return None
    uv = PROJECT_DIR / ".cache" / "uv-0.13.9" / "bin" / "uv"
    steps = (
        [
            [str(uv), "venv", "-q", "--python", sys.executable, str(VENV)],
            [str(uv), "pip", "install", "-q", "--python", str(_python()), f"quantstats=={VERSION}"],
        ]
        if uv.is_file()
        else [
            [sys.executable, "-m", "venv", str(VENV)],
            [str(_python()), "-m", "pip", "install", "-q", f"quantstats=={VERSION}"],
        ]
    )
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            subprocess.run(["rm", "-rf", str(VENV)], check=False)
            return f"could not install quantstats=={VERSION}: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
    return None


def measure(runs: int = 2) -> dict:
    """quantstats' tear sheet for the bench's ticker against SPY, ``runs`` times (the best is kept:
    the first also compiles quantstats' bytecode); ``{"available": False, "reason"}`` without it."""
    why = ensure_venv()
    if why:
        return {"available": False, "reason": why}
    with tempfile.TemporaryDirectory(prefix="bench-quantstats-") as tmp:
        data, script = Path(tmp) / "returns.csv", Path(tmp) / "tearsheet.py"
        returns().to_csv(data)
        script.write_text(SCRIPT, encoding="utf-8")
        timings = []
        env = {**os.environ, "MPLBACKEND": "agg"}
        for i in range(runs):
            out = Path(tmp) / f"tearsheet{i}.html"
            done = subprocess.run(
                [str(_python()), str(script), str(data), str(out)], capture_output=True, text=True, env=env, check=False
            )
            if done.returncode != 0 or not out.is_file():
                return {"available": False, "reason": f"quantstats failed: {done.stderr.strip().splitlines()[-1:]}"}
            timings.append(json.loads(done.stdout.strip().splitlines()[-1]))
    best = min(timings, key=lambda t: t["total_s"])
    return {"available": True, "version": VERSION, "runs": timings, **best}


def row(report_s: float, qs: dict) -> tuple[str, str, str, str]:
    """The table row: quantstats' import + tear sheet against a warm ``make report`` in the same run."""
    if not qs.get("available"):
        return ("(j) quantstats HTML tear sheet, same data", "n/a", "", qs.get("reason", ""))
    ratio = report_s / qs["total_s"]
    verdict = "ok" if ratio <= 1.0 else f"MISSED ({ratio:.2f}x)"
    return (
        f"(j) quantstats {qs['version']} tear sheet (import {qs['import_s']:.1f} s + report {qs['report_s']:.1f} s)",
        f"{qs['total_s']:.2f} s",
        "make report (appendices standing) <= 1x (issue 32)",
        f"{verdict}: make report {report_s:.2f} s = {ratio:.2f}x",
    )
