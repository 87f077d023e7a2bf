"""rebuild reports/index.html: every dated piece, newest first

The page is built from the pieces' JSON summaries (``<root>/<YYYY-MM-DD>/<STEM>.json``):
one row per piece with its date, ticker (and benchmark when it is not the default), phase
and headline, linking to the piece's HTML and PDF by relative paths, so the folder can be
moved or served as it is. The page is self-contained (inline CSS, no script, nothing
fetched), every text in it is escaped, and it is written atomically under a lock, so a
reader never sees half a page. ``make report`` and ``make reports`` regenerate it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from analysis.paths import listing, plain_mode
from analysis.schema import SCHEMA_VERSION

INDEX_NAME = "index.html"
#: A piece's summary is about 40 kB; a JSON file far larger is not one (and is not read).
MAX_SUMMARY_BYTES = 20_000_000
_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Entry:
    """One published piece, as the index shows it."""

    date: str  # the folder's date, ISO
    stem: str  # file name without extension: IWM, IWM_vs_QQQ
    ticker: str
    benchmark: str
    phase: str
    headline: str
    html: str | None  # href relative to the root, or None when the file is missing
    pdf: str | None
    call: str = ""  # constructive / cautious / defensive ("" for a piece written before the brief)
    since: tuple[str, ...] = ()  # the brief's changes since the last piece
    md: str | None = None
    grade: tuple[str, str] = ("", "")  # the call's mark and its class (make grade), ("", "") when not graded
    knobs: str = ""  # the knobs that differ from their defaults, e.g. "fast 20 · slow 100" ("" for a default piece)

    @property
    def vs(self) -> str:
        """``"vs QQQ"`` for a non-default benchmark (the file name carries it), else ``""``."""
        return f"vs {self.benchmark}" if "_vs_" in self.stem else ""


def _href(date: str, name: str) -> str:
    return f"{quote(date)}/{quote(name)}"


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _brief(summary: dict) -> dict:
    """The call and the since-last lines of a summary's brief (empty for older summaries or odd values)."""
    b = summary.get("brief")
    if not isinstance(b, dict):
        return {}
    call = b.get("call") if b.get("call") in ("constructive", "cautious", "defensive") else ""
    since = b.get("since_last") if isinstance(b.get("since_last"), list) else []
    lines = [x if len(x) <= 400 else x[:399] + "…" for x in since[:2] if isinstance(x, str)]  # never a repr
    return {"call": call, "since": tuple(lines)}


def _knobs(summary: dict) -> str:
    """A summary's ``knobs`` (absent for a default piece) as the index shows them: ``fast 20 · band_width 2.5``."""
    knobs = summary.get("knobs")
    if not isinstance(knobs, dict):
        return ""
    shown = [f"{k} {v}" for k, v in list(knobs.items())[:8] if isinstance(k, str) and isinstance(v, str | int | float)]
    return _clip(" · ".join(shown), 120)


def summaries(root: Path) -> tuple[list[tuple[str, Path, dict]], list[str]]:
    """Every piece's summary under ``root``: ``(date folder, path, summary)``; and those that could not be read.

    Only ``<root>/<YYYY-MM-DD>/*.json`` summaries (objects with ``ticker``, ``as_of`` and
    ``phase``) are pieces: staging, lock and failed-run folders, research outputs and other
    JSON files are ignored. The index and ``make grade`` (:mod:`analysis.pipeline.grade`) read them.
    """
    found: list[tuple[str, Path, dict]] = []
    problems: list[str] = []
    root = Path(root)
    if not root.is_dir():
        return found, problems
    real = root.resolve()
    for folder in listing(root):
        if not (folder.is_dir() and _DATE_DIR.match(folder.name)):
            continue
        try:
            dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        for path in folder.glob("*.json"):
            if not _utf8(path.name):  # undecodable bytes: no link, no page can hold the name
                problems.append(
                    f"{folder.name}/{os.fsencode(path.name).decode('utf-8', 'replace')}: its name is not UTF-8"
                )
                continue
            summary = _read(folder, path, problems)
            why = _foreign(real, folder, path, summary) if summary is not None else ""
            if why:
                problems.append(f"{folder.name}/{path.name}: {why}")
            elif summary is not None:
                found.append((folder.name, path, summary))
    return found, problems


def _foreign(real_root: Path, folder: Path, path: Path, summary: dict) -> str:
    """Why a readable summary is not a piece of this project in this folder (``""`` when it is): dated
    after today in every time zone, of another ``schema_version``, a link to a file outside the folder,
    or a copy of a piece under another day's folder or another name (listed and graded twice otherwise)."""
    if folder.name > (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat():
        return f"dated {folder.name}, a day that has not come yet anywhere"
    version = summary.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        shown = "absent" if "schema_version" not in summary else repr(version)[:40]
        return f"its schema_version is {shown}, not {SCHEMA_VERSION} (not a summary this version wrote)"
    target = path.resolve()
    if not target.is_relative_to(real_root):
        return f"a symbolic link to {target}, outside the reports folder"
    as_of = summary["as_of"]  # a piece is filed under its session (one that is no date: make grade says so)
    if isinstance(as_of, str) and _DATE_DIR.fullmatch(as_of) and as_of != folder.name:
        return f"a piece of {as_of} in the folder of {folder.name} (a copy, or a folder renamed)"
    return _misnamed(path, summary)


def _misnamed(path: Path, summary: dict) -> str:
    """Why a summary's file name is not the one its piece was published under (``""`` when it is): a copy
    (``IWM (1).json``) or another piece's name would be listed and graded again as a piece of its own."""
    from analysis.errors import InputError
    from analysis.params import Knobs, stem

    benchmark, knobs = summary.get("benchmark"), summary.get("knobs") or {}
    try:
        named = stem(summary["ticker"], benchmark if isinstance(benchmark, str) and benchmark else None)
        named = stem(summary["ticker"], benchmark or None, Knobs.parse(**knobs).tag) if knobs else named
    except (InputError, TypeError):  # knobs this version cannot read (a scenarios file since removed...)
        return "" if path.stem.startswith(f"{named}_") else f"a summary of {named} under another name"
    return "" if path.stem == named else f"a summary of {named} under another name (its piece is {named}.json)"


def _utf8(name: str) -> bool:
    """Whether a file name read from the disk is text (bytes that are not UTF-8 come as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read(folder: Path, path: Path, problems: list[str]) -> dict | None:
    """The summary at ``path`` (in the dated ``folder``), or ``None``: a file that is not a summary is
    passed over, one that cannot be read (or holds values of the wrong type) is added to ``problems``."""
    if not path.is_file():  # a folder, or a named pipe that would block the read forever
        return None
    if path.stat().st_size > MAX_SUMMARY_BYTES:
        problems.append(f"{folder.name}/{path.name}: {path.stat().st_size:,} bytes, too large for a summary")
        return None
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:  # no permission to read it (chmod 000, another user's file), an I/O error
        problems.append(f"{folder.name}/{path.name}: it cannot be read ({exc.strerror or exc})")
        return None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # a 5,000-digit int, [[[[...
        problems.append(f"{folder.name}/{path.name}: {type(exc).__name__}: {str(exc)[:200]}")
        return None
    if not isinstance(summary, dict):
        return None
    missing = [key for key in ("ticker", "as_of", "phase") if key not in summary or summary[key] == ""]
    if missing:  # another file is passed over; a summary (it says its schema) with a key removed is named
        if "schema_version" in summary:
            problems.append(f"{folder.name}/{path.name}: a summary without its {' or its '.join(missing)}")
        return None
    if not isinstance(summary["ticker"], str) or not isinstance(summary.get("phase"), str | None):  # never a repr
        problems.append(f"{folder.name}/{path.name}: its ticker or phase is not text")
        return None
    return summary


def scan(root: Path) -> tuple[list[Entry], list[str]]:
    """Every piece under ``root`` (:func:`summaries`), newest date first then by ticker; and the
    summaries that could not be read. Each row carries its grade from ``<root>/grades.json``
    (``make grade``) when it has one."""
    root = Path(root)
    found, problems = summaries(root)
    marks = _marks(root)
    entries = [_entry(date, path, summary, marks) for date, path, summary in found]
    # IWM before IWM_fast20 before IWM_vs_QQQ: the default piece first, then its variants by knobs
    entries.sort(key=lambda e: (e.ticker, bool(e.vs), e.benchmark, bool(e.knobs), e.stem))
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries, sorted(problems)


def _entry(date: str, path: Path, summary: dict, marks: dict[tuple[str, str], tuple[str, str]]) -> Entry:
    """The index row of the piece whose summary (read by :func:`_read`) is ``path``."""
    folder, stem = path.parent, path.stem
    ticker, headline = summary["ticker"], summary.get("headline")
    return Entry(
        date=date,
        stem=stem,
        ticker=ticker,
        benchmark=str(summary.get("benchmark") or ""),
        phase=summary.get("phase") or "n/a",
        headline=_clip(headline if isinstance(headline, str) and headline else f"{ticker} momentum commentary"),
        html=_href(date, f"{stem}.html") if (folder / f"{stem}.html").is_file() else None,
        pdf=_href(date, f"{stem}.pdf") if (folder / f"{stem}.pdf").is_file() else None,
        md=_href(date, f"{stem}.md") if (folder / f"{stem}.md").is_file() else None,
        grade=marks.get((date, stem), ("", "")),
        knobs=_knobs(summary),
        **_brief(summary),
    )


def _marks(root: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """``(date, stem) -> (mark, class)`` from ``<root>/grades.json`` (empty when absent or unreadable)."""
    from analysis.pipeline.grade import read_marks

    return read_marks(root)


_CSS = """
body { font: 15px/1.45 'DejaVu Sans', system-ui, sans-serif; color: #1f2937; margin: 2rem auto; max-width: 62rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
p.meta { color: #6b7280; margin: 0 0 1.25rem; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; vertical-align: top; }
thead th { border-bottom: 2px solid #374151; font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; }
tbody { border-top: 1px solid #d1d5db; }
td.date { white-space: nowrap; color: #374151; font-variant-numeric: tabular-nums; }
td.ticker { font-weight: 600; white-space: nowrap; }
td.ticker .vs { font-weight: normal; color: #6b7280; }
td.ticker .knobs { display: block; font-weight: normal; font-size: .8rem; color: #92400e; }
td.links a { margin-right: .6rem; }
td.links .missing { color: #9ca3af; margin-right: .6rem; }
.phase { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .85rem; background: #e5e7eb; }
.phase-bullish { background: #bbf7d0; } .phase-recovery { background: #dcfce7; } .phase-accumulation { background: #d9f99d; }
.phase-warning { background: #fef08a; } .phase-distribution { background: #fed7aa; } .phase-bearish { background: #fecaca; }
p.problems { color: #92400e; font-size: .85rem; }
.call { display: inline-block; padding: 0 .45rem; border-radius: .25rem; font-size: .8rem; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; color: #fff; background: #6b7280; }
.call-constructive { background: #15803d; } .call-cautious { background: #b45309; } .call-defensive { background: #b91c1c; }
td.headline .since { display: block; color: #4b5563; font-size: .85rem; margin-top: .15rem; }
.grade { display: block; white-space: nowrap; font-size: .8rem; margin-top: .2rem; color: #4b5563; }
.grade-right { color: #15803d; } .grade-wrong { color: #b91c1c; } .grade-open, .grade-unavailable { color: #9ca3af; }
"""


def _phase_class(phase: str) -> str:
    return "phase phase-" + re.sub(r"[^a-z]", "", phase.lower())


def render(entries: list[Entry], problems: list[str] = (), *, generated: str = "") -> str:
    """The index page for ``entries`` (already sorted); every text escaped."""
    e = lambda text: html.escape(str(text), quote=True)  # noqa: E731
    dates = sorted({x.date for x in entries}, reverse=True)
    meta = (
        f"{len(entries)} piece{'s' * (len(entries) != 1)} on {len(dates)} date{'s' * (len(dates) != 1)}"
        + (f", newest {dates[0]}" if dates else "")
        + (f" · generated {generated}" if generated else "")
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Momentum commentary: all pieces</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Momentum commentary</h1>",
        f'<p class="meta">{e(meta)}</p>',
    ]
    if not entries:
        parts.append(
            '<p class="empty">No pieces yet. Write one with <code>make report TICKER=IWM</code>'
            " or several with <code>make reports</code>.</p>"
        )
    else:
        parts.append(
            "<table><thead><tr><th>Date</th><th>Ticker</th><th>Call</th><th>Phase</th><th>Headline and since last</th><th>Files</th></tr></thead>"
        )
        for date in dates:
            parts.append(f'<tbody data-date="{e(date)}">')
            for x in (x for x in entries if x.date == date):
                vs = f' <span class="vs">{e(x.vs)}</span>' if x.vs else ""
                vs += f' <span class="knobs">{e(x.knobs)}</span>' if x.knobs else ""
                links = "".join(
                    f'<a href="{e(href)}">{label}</a>' if href else f'<span class="missing">{label}</span>'
                    for label, href in (("HTML", x.html), ("PDF", x.pdf), ("Markdown", x.md))
                    if href or label != "Markdown"
                )
                headline = f'<a href="{e(x.html)}">{e(x.headline)}</a>' if x.html else e(x.headline)
                headline += "".join(f'<span class="since">{e(line)}</span>' for line in x.since)
                call = f'<span class="call call-{e(x.call)}">{e(x.call)}</span>' if x.call else ""
                if x.grade[0]:
                    call += f'<span class="grade grade-{e(x.grade[1])}">{e(x.grade[0])}</span>'
                parts.append(
                    f'<tr data-stem="{e(x.stem)}"><td class="date">{e(x.date)}</td>'
                    f'<td class="ticker">{e(x.ticker)}{vs}</td><td>{call}</td>'
                    f'<td><span class="{e(_phase_class(x.phase))}">{e(x.phase)}</span></td>'
                    f'<td class="headline">{headline}</td><td class="links">{links}</td></tr>'
                )
            parts.append("</tbody>")
        parts.append("</table>")
    if problems:
        parts.append(
            f'<p class="problems">{len(problems)} summar{"y" if len(problems) == 1 else "ies"} could not'
            f" be read and {'is' if len(problems) == 1 else 'are'} not listed: {e('; '.join(problems))}."
            " Run their pieces again to rewrite them.</p>"
        )
    parts.append('<p class="meta">Nothing here is investment advice.</p></body></html>')
    return "\n".join(parts) + "\n"


def write_index(root: Path | None = None) -> Path:
    """Scan ``root`` (default: the reports root) and write ``<root>/index.html`` atomically; returns its path."""
    from analysis.paths import reports_dir
    from analysis.render import publish

    root = Path(root) if root else reports_dir()
    target = root / INDEX_NAME
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise publish.explain(exc, root) from None
    with publish.piece_lock(root, "_index", what=str(target)):
        entries, problems = scan(root)
        page = render(entries, problems, generated=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"))
        write_whole(target, page)
    return target


def write_whole(target: Path, text: str) -> None:
    """``text`` into ``target`` atomically: a temporary file beside it (``.<stem>-*.tmp``), then one rename,
    so a reader never sees half a file; a failure is a :class:`~analysis.errors.PublishError` naming it."""
    from analysis import interrupts
    from analysis.render import publish

    tmp = None
    try:
        # a stop between making the file and knowing its name left it behind: it waits until the file is written
        with (
            interrupts.deferred(),
            tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=target.parent, prefix=f".{target.stem}-", suffix=".tmp", delete=False
            ) as fh,
        ):
            tmp = fh.name
            fh.write(text)
        plain_mode(tmp)
        os.replace(tmp, target)
        tmp = None
        interrupts.PUBLISHED.append(target)  # an interrupt from now on says it is published
    except OSError as exc:
        raise publish.explain(exc, target) from None  # a full disk, a folder named index.html...
    finally:
        if tmp:  # failed or interrupted: no half file left behind
            Path(tmp).unlink(missing_ok=True)


def index_after(write, published: str | None, *args):
    """``write(*args)`` (:func:`write_index`); its error says that what came before is published
    (only the index is not), or, with ``published`` None, that nothing was."""
    from analysis.errors import PublishError

    try:
        return write(*args)
    except PublishError as exc:
        said = f"{published} published, but" if published else "nothing was published, and"
        raise PublishError(
            f"{said} the index was not updated: {exc.message}",
            f"{exc.hint} Then run `make index`.".strip(),
        ) from None


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=None, help="reports folder to index (default: $MOMENTUM_REPORTS_DIR or reports/)")


def main(args: argparse.Namespace) -> int:
    path = write_index(Path(args.root) if args.root else None)
    entries, _ = scan(path.parent)
    from analysis.paths import relative

    rel = relative(path)
    print(f"wrote {path if rel.startswith('..') else rel} ({len(entries)} piece{'s' * (len(entries) != 1)})")
    return 0
