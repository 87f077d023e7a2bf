"""Yahoo's quote type of a symbol (``ETF``, ``EQUITY``, ``INDEX``, ``CRYPTOCURRENCY`` ...), cached.

The last step of a ticker's profile (:func:`analysis.model.profile.assign`) before the
default: asked only online (``SOURCE=auto`` or ``yahoo`` with Yahoo reachable), once per
symbol, and kept in ``<cache>/quote_types.json`` beside the price cache so a later offline
run reads the same answer. yfinance's ``Ticker(symbol).get_info()`` returns a dict whose
``"quoteType"`` key holds it (``{"quoteType": "ETF", "symbol": "IWM", ...}``); anything else
(no key, an error, no network) is "unknown", never a guess.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from analysis.paths import cache_dir

KNOWN = ("EQUITY", "ETF", "INDEX", "CRYPTOCURRENCY", "MUTUALFUND", "CURRENCY", "FUTURE")


def cache_file() -> Path:
    return cache_dir().parent / "quote_types.json"


def from_info(info: object) -> str | None:
    """The quote type in a yfinance ``info`` dict, or ``None`` when it is absent or unknown."""
    value = info.get("quoteType") if isinstance(info, dict) else None
    return value if value in KNOWN else None


def _read() -> dict[str, str]:
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and v in KNOWN} if isinstance(data, dict) else {}


def cached(symbol: str) -> str | None:
    """The cached quote type of ``symbol`` (no network)."""
    return _read().get(symbol)


def lookup(symbol: str, fetch_info: Callable[[str], object] | None = None) -> str | None:
    """The quote type of ``symbol``: from the cache, else from Yahoo (then cached); ``None`` if unknown."""
    known = cached(symbol)
    if known or fetch_info is None:
        return known
    try:
        found = from_info(fetch_info(symbol))
    except Exception:  # noqa: BLE001 - best effort: yfinance raises many kinds; unknown is the safe answer
        return None
    if found:
        data = _read() | {symbol: found}
        try:
            cache_file().parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file().with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
            tmp.replace(cache_file())
        except OSError:
            pass  # an unwritable cache only costs a lookup next time
    return found


def yahoo_info(symbol: str) -> object:
    """yfinance's ``info`` dict of ``symbol`` (network)."""
    import yfinance as yf

    from analysis.data.yahoo import quiet

    with quiet():  # offline, yfinance logs "Cookie/crumb fetch failed (DNSError)..." and raises
        return yf.Ticker(symbol).get_info()
