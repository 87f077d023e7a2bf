"""The kernel client that is ready without waiting for 0.2 s of IOPub silence (analysis.render.ready).

The first tests give :class:`ReadyClient` stand-in channels (no kernel: they say what arrives and
when nothing does), the last runs real kernels: a kept kernel and fresh ones, every notebook's
output there."""

from __future__ import annotations

import asyncio
import itertools
from queue import Empty

import nbformat
import pytest

from analysis.paths import KERNEL_NAME
from analysis.render import execute
from analysis.render.kernel import Kernel, kernel_manager_class
from analysis.render.ready import ReadyClient


class _Channel:
    """A stand-in channel: hands out ``script``'s messages in order; ``None`` in it (or its end) is a
    wait that ran out (Empty), counted in ``empties``."""

    def __init__(self, script: list) -> None:
        self.script, self.empties = list(script), 0

    async def get_msg(self, timeout=None):
        if not self.script or self.script[0] is None:
            if self.script:
                self.script.pop(0)
            self.empties += 1
            raise Empty
        return self.script.pop(0)


def _status(state: str, parent: str) -> dict:
    return {"msg_type": "status", "content": {"execution_state": state}, "parent_header": {"msg_id": parent}}


def _reply(parent: str) -> dict:
    return {"msg_type": "kernel_info_reply", "content": {}, "parent_header": {"msg_id": parent}}


def _client(shell: list, iopub: list) -> ReadyClient:
    """A :class:`ReadyClient` on stand-in channels, asking ``ask-1``, ``ask-2``, ... of a kernel that is alive."""
    shell_channel, iopub_channel = _Channel(shell), _Channel(iopub)

    class StandIn(ReadyClient):
        shell_channel = property(lambda self: shell_channel)  # type: ignore[assignment]
        iopub_channel = property(lambda self: iopub_channel)  # type: ignore[assignment]

    client = StandIn()
    asked = (f"ask-{n}" for n in itertools.count(1))
    client.kernel_info = lambda: next(asked)  # type: ignore[method-assign]
    client.handled = []
    client._handle_kernel_info_reply = client.handled.append  # type: ignore[method-assign]

    async def alive():
        return True

    client._async_is_alive = alive  # type: ignore[method-assign]
    return client


def test_ready_at_the_idle_of_its_own_request_without_waiting_for_silence():
    iopub = [_status("idle", "someone-else"), _status("busy", "ask-1"), _status("idle", "ask-1")]
    client = _client([_reply("ask-1")], iopub)
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.handled == [_reply("ask-1")]
    assert client.iopub_channel.empties == 0  # jupyter_client's would wait for one more message that never comes


def test_an_iopub_channel_not_yet_connected_asks_again_and_an_old_reply_is_not_taken():
    shell = [_reply("ask-1"), _reply("ask-1"), _reply("ask-2")]  # ask-1 answered late, twice
    iopub = [None, _status("busy", "ask-2"), _status("idle", "ask-2")]  # nothing of ask-1's arrived
    client = _client(shell, iopub)
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.handled == [_reply("ask-2")]
    assert client.iopub_channel.empties == 1


def test_a_kernel_that_never_answers_times_out(monkeypatch):
    monkeypatch.setattr("analysis.render.ready.SHELL_WAIT", 0.01)
    client = _client([], [])
    with pytest.raises(RuntimeError, match="didn't respond in 0.05 seconds"):
        asyncio.run(client.wait_for_ready(timeout=0.05))


def test_the_project_s_kernels_are_given_this_client():
    assert kernel_manager_class()(kernel_name=KERNEL_NAME).client_factory is ReadyClient


@pytest.mark.slow
def test_no_output_is_lost_on_a_kept_kernel_or_a_fresh_one(tmp_path):
    """The first message of a notebook's first cell is what a client that starts reading too early loses."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('first'); 6 * 7")])
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": KERNEL_NAME, "language": "python"}
    source = tmp_path / "one.ipynb"
    nbformat.write(nb, source)
    with Kernel() as kernel:
        runs = [execute.execute(source, tmp_path / f"kept-{i}.ipynb", {}, kernel=kernel) for i in range(15)]
        assert kernel.started == 1
    runs += [execute.execute(source, tmp_path / f"fresh-{i}.ipynb", {}) for i in range(2)]
    for run in runs:
        outputs = run.cells[-1].outputs
        assert [o.get("text") for o in outputs if o["output_type"] == "stream"] == ["first\n"]
        assert outputs[-1]["data"]["text/plain"] == "42"
