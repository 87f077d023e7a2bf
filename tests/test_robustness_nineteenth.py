"""Robustness, a nineteenth hostile pass: families the eighteen earlier passes left alone.

Cases tried by hand, then kept here where cheap; each section says what held and what broke, the defects
(A, B, ...) with the test that failed before the fix.

1. make's own switches: ``make -j4 report``, ``-k``, ``--output-sync``, ``MAKEFLAGS=-j8`` in the environment,
   ``make -e`` with the parameters in the environment, ``make -j2 summary report``, ``make -C <project>``
   from /tmp and ``make -n report``: the same bytes (JSON, Markdown, HTML) as a plain ``make report``, and
   on a bad TICKER the program's one line plus make's own, exit 2, nothing written: held. **Broke (A)**:
   ``make -B report`` ("remake everything") deleted ``.venv`` and built it again from the lock (a minute;
   offline without uv's cache, no venv at all), and asked for Chromium again, saying "first run only": the
   venv's stamp is named after the lock's contents, so one that exists is up to date and its rule now does
   nothing (the browser's stamp too; ``make browser`` still looks again).
2. Permissions and ownership (root without its capabilities, ``setpriv``: the permission bits then bind
   root too): umask 000 and 077 (the same bytes; files 666 or 600 as the umask says, the index 644), a
   reports folder owned by another user (report, research, export, index and grade: exit 5, one line,
   nothing changed): held. **Broke (B)**: a batch in which every piece failed, and the index could not be
   written, ended "the pieces written are published, but the index was not updated": none was. **Broke
   (C)**: a piece another user owns, in a sticky folder (chmod +t, as /tmp), was "protected, e.g. immutable
   or append-only ... chattr -i -a": the owner and the sticky bit are named now. **Broke (D)**: an earlier
   piece's summary that cannot be read (chmod 000) was "PermissionError: [Errno 13] Permission denied:
   '/tmp/...'" in the index and in grade's note, and the next piece compared itself with five sessions
   earlier in silence, as if there were no earlier piece: now "it cannot be read (Permission denied)", and
   the piece's data notes say it was not compared with it. **Broke (G)**: a reports folder this user cannot
   list or enter (chmod 600, 300, 100) was a traceback from index, grade, report and research (``os.listdir``,
   a ``stat`` inside), and under 300 a piece was published before its index failed: now one line, exit 5,
   before anything is written ("cannot read the reports folder ...: chmod u+rx").
3. The economy at its release days (``test_robustness_nineteenth_more.py``).
4. Odd names in names.toml and profiles.toml (``test_robustness_nineteenth_more.py``).
5. A strategist's month (``test_robustness_nineteenth_more.py``).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess

import pytest

from tests import hostile
from tests.conftest import PROJECT_DIR

BAD = "error: TICKER '../x' is not a ticker symbol"

# -- 1. make's own switches ------------------------------------------------------------------------------------


def _make(root, *args: str, env: dict | None = None, cwd=PROJECT_DIR) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MOMENTUM_REPORTS_DIR": str(root), "MAKEFLAGS": "", **(env or {})}
    return subprocess.run(
        ["make", "-s", *args], capture_output=True, text=True, env=environment, cwd=cwd, timeout=300, check=False
    )


@pytest.mark.process
def test_make_B_does_not_delete_and_rebuild_an_up_to_date_venv(tmp_path):
    """(A) ``make -n -B``: what ``make -B`` would run. Before the fix: ``rm -rf .venv`` and the browser's install."""
    done = _make(tmp_path, "-n", "-B", "report")
    assert done.returncode == 0, done.stderr
    assert "rm -rf .venv" not in done.stdout and "browser --install" not in done.stdout, done.stdout
    assert "-m analysis report" in done.stdout


@pytest.mark.process
def test_a_venv_whose_stamp_is_missing_is_still_built(tmp_path):
    """(A) the guard looks for the stamp itself: a venv folder without one is (re)built."""
    done = _make(tmp_path, "-n", f"VENV={tmp_path / 'venv'}", "summary")
    assert f"mv {tmp_path / 'venv'} {tmp_path / 'venv'}.old" in done.stdout, done.stdout


SWITCHES = {
    "j4": (["-j4"], {}),
    "k": (["-k"], {}),
    "output-sync": (["--output-sync"], {}),
    "makeflags-j8": ([], {"MAKEFLAGS": "-j8"}),
    "e-environment": (["-e"], {"TICKER": "../x"}),
    "two-targets-j2": (["-j2", "-k", "summary"], {}),
}


@pytest.mark.process
@pytest.mark.parametrize("name", list(SWITCHES))
def test_make_switches_keep_one_line_and_exit_2(tmp_path, name):
    """Held: each run of the program says one line; make adds its own (one per failed target); nothing written."""
    args, env = SWITCHES[name]
    ticker = [] if "TICKER" in env else ["TICKER=../x"]
    done = _make(tmp_path / "r", *args, "report", *ticker, "RESEARCH=0", env=env)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    ours = [line for line in lines if not line.startswith("make")]
    targets = 2 if "summary" in args else 1
    assert done.returncode == 2 and len(ours) == targets and all(line.startswith(BAD) for line in ours), done.stderr
    assert len(lines) == 2 * targets and "Traceback" not in done.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.process
@pytest.mark.parametrize("name", ["j4", "makeflags-j8", "C-from-tmp"])
def test_make_switches_print_the_same_summary(tmp_path, name):
    """Held: the summary under ``-j4``, ``MAKEFLAGS=-j8`` and ``make -C <project>`` from /tmp is the program's, byte for byte."""
    given = ["TICKER=IWM", "AS_OF=2024-07-08", "SOURCE=snapshot"]
    plain = _make(tmp_path, "summary", *given)
    args, env, cwd = {
        "j4": (["-j4"], {}, PROJECT_DIR),
        "makeflags-j8": ([], {"MAKEFLAGS": "-j8"}, PROJECT_DIR),
        "C-from-tmp": (["-C", str(PROJECT_DIR)], {}, tmp_path),
    }[name]
    done = _make(tmp_path, *args, "summary", *given, env=env, cwd=cwd)
    assert plain.returncode == done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout == plain.stdout


# -- 2. permissions and ownership -----------------------------------------------------------------------------

NOCAP = (
    "setpriv",
    "--securebits=+noroot,+noroot_locked,+no_setuid_fixup,+no_setuid_fixup_locked",
    "--inh-caps=-all",
    "--ambient-caps=-all",
    "--bounding-set=-all",
)


def _nocap(root, *args: str) -> subprocess.CompletedProcess:
    """``python -m analysis <args>`` as root without capabilities: the permission bits bind it as any user."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to drop the capabilities")
    return hostile.run_cli(root, *args, timeout=300, prefix=NOCAP)


@pytest.mark.process
@pytest.mark.parametrize("command", ["index", "report", "export", "research"])
def test_a_reports_folder_of_another_user_is_exit_5_and_untouched(tmp_path, command):
    """Held: one line naming the folder, exit 5, nothing changed."""
    root = tmp_path / "reports"
    (root / "2024-07-08").mkdir(parents=True)
    (root / "2024-07-08" / "IWM.md").write_text("an earlier piece\n")
    for path in (root, root / "2024-07-08", root / "2024-07-08" / "IWM.md"):
        os.chown(path, 65534, 65534)
    before = hostile.tree(root)
    args = {"report": ["report", "--no-pdf"]}.get(command, [command])
    piece = ["--ticker", "IWM", "--as-of", "2024-07-09", "--source", "snapshot"] if command != "index" else []
    done = _nocap(root, *args, *piece)
    line = hostile.one_line(done.stderr)
    assert done.returncode == 5 and line.startswith("error: cannot write to ") and "Permission denied" in line, line
    assert hostile.tree(root) == before


@pytest.mark.process
def test_grade_in_a_folder_of_another_user_with_nothing_to_grade_says_so(tmp_path):
    """Held: no summary, nothing to write: exit 0, one line, the folder untouched."""
    root = tmp_path / "reports"
    root.mkdir()
    os.chown(root, 65534, 65534)
    done = _nocap(root, "grade")
    assert done.returncode == 0 and done.stdout.startswith("no published call to grade in"), done.stdout + done.stderr
    assert list(root.iterdir()) == []


@pytest.mark.process
def test_a_batch_that_wrote_nothing_does_not_say_its_pieces_are_published(tmp_path):
    """(B) every piece fails and the index cannot be written (a folder in its place)."""
    root = tmp_path / "reports"
    (root / "index.html").mkdir(parents=True)
    done = hostile.run_cli(root, "reports", "--tickers", "ZZZQ,ZZZR", "--as-of", "2024-07-08", "--source", "snapshot")
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 5 and len(errors) == 1, done.stderr
    assert errors[0].startswith("error: nothing was published, and the index was not updated:"), errors[0]


def test_a_sticky_folder_names_the_files_owner_not_chattr(tmp_path):
    """(C) EPERM replacing another user's file in a sticky folder of another user."""
    from analysis.render.publish import explain

    if os.geteuid() != 0:
        pytest.skip("needs root to give the file to another user")
    folder = tmp_path / "2024-07-08"
    folder.mkdir()
    target = folder / "IWM.json"
    target.write_text("{}")
    os.chown(target, 65534, 65534)
    os.chown(folder, 65534, 65534)
    folder.chmod(0o1777)
    real = os.geteuid
    try:
        os.geteuid = lambda: 1000  # the user the kernel refused (root is never refused here)
        said = str(
            explain(
                PermissionError(errno.EPERM, "Operation not permitted", str(tmp_path / ".t"), None, str(target)), folder
            )
        )
    finally:
        os.geteuid = real
    assert "chattr" not in said and "sticky bit" in said and "nobody" in said and "chmod -t" in said, said


def test_a_protected_file_in_a_plain_folder_still_says_chattr(tmp_path):
    """(C) held: the immutable file's message is unchanged where no sticky bit is involved."""
    from analysis.render.publish import explain

    target = tmp_path / "IWM.json"
    target.write_text("{}")
    said = str(
        explain(
            PermissionError(errno.EPERM, "Operation not permitted", str(tmp_path / ".t"), None, str(target)), tmp_path
        )
    )
    assert "chattr -i -a" in said, said


def _unreadable_earlier(tmp_path):
    root = tmp_path / "reports"
    (root / "2024-07-08").mkdir(parents=True)
    done = hostile.run_cli(root, "summary", "--ticker", "IWM", "--as-of", "2024-07-08", "--source", "snapshot")
    assert done.returncode == 0, done.stderr
    path = root / "2024-07-08" / "IWM.json"
    path.write_text(done.stdout, encoding="utf-8")
    path.chmod(0)
    return root


@pytest.mark.process
@pytest.mark.parametrize("command", ["index", "grade"])
def test_an_unreadable_earlier_piece_is_named_in_words(tmp_path, command):
    """(D) the index and grade name the summary that cannot be read, not a Python exception."""
    root = _unreadable_earlier(tmp_path)
    done = _nocap(root, command)
    said = (root / "index.html").read_text() if command == "index" else done.stdout  # grade's notes
    assert done.returncode == 0, done.stderr
    assert "2024-07-08/IWM.json: it cannot be read (Permission denied)" in said, said
    assert "PermissionError" not in said and "Errno" not in said


@pytest.mark.process
def test_an_unreadable_earlier_piece_is_said_in_the_next_pieces_notes(tmp_path):
    """(D) the next piece compares itself with five sessions earlier, and says why it did not with the piece."""
    import json

    root = _unreadable_earlier(tmp_path)
    done = _nocap(root, "summary", "--ticker", "IWM", "--as-of", "2024-07-09", "--source", "snapshot")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["since_last"]["against"] == "sessions"
    assert (
        "The earlier piece of 2024-07-08 was not compared with (its summary cannot be read)."
        in data["data"]["run_notes"]
    )


@pytest.mark.process
@pytest.mark.parametrize("mode", [0o600, 0o300, 0o100], ids=["rw-", "-wx", "--x"])
@pytest.mark.parametrize("command", ["index", "grade", "report", "research"])
def test_a_reports_folder_that_cannot_be_listed_or_entered_is_one_line_and_untouched(tmp_path, command, mode):
    """(G) chmod 600, 300 or 100 on the reports folder: tracebacks from index, grade, report and research
    (``os.listdir``, ``stat`` on a file inside), and under 300 the piece published before its index failed;
    now each writer refuses a folder it cannot list or enter before it writes (research too)."""
    root = tmp_path / "reports"
    (root / "2024-07-08").mkdir(parents=True)
    (root / "2024-07-08" / "IWM.md").write_text("an earlier piece\n")
    before = hostile.tree(root)
    piece = (
        ["--ticker", "IWM", "--as-of", "2024-07-09", "--source", "snapshot"]
        if command in ("report", "research")
        else []
    )
    root.chmod(mode)
    try:
        done = _nocap(root, command, *piece, *(["--no-pdf"] if command == "report" else []))
    finally:
        root.chmod(0o755)
    line = hostile.one_line(done.stderr)
    assert done.returncode == 5 and line.startswith("error: "), line
    assert hostile.tree(root) == before


@pytest.mark.process
@pytest.mark.parametrize("research, runs", [("", 0), ("0", 1)])
def test_make_report_research_executes_the_appendices_once(tmp_path, research, runs):
    """Noticed by this pass, fixed later: ``make -j2 report research`` executed the appendices twice (39 s), once
    in each recipe. The research recipe now leaves them to report, unless RESEARCH=0 tells report to skip them."""
    done = _make(tmp_path, "-n", "-j2", "report", "research", f"RESEARCH={research}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("-m analysis research") == runs, done.stdout
    assert done.stdout.count("-m analysis report --research") == 1 - runs, done.stdout
