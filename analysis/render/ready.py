"""A kernel client that is ready the moment its kernel has answered, not 0.2 s of silence later.

jupyter_client's ``wait_for_ready`` (8.x) asks the kernel for ``kernel_info``, checks that the
IOPub channel is connected (some message arrives on it within 0.2 s), and then reads IOPub until
it has been silent for 0.2 s. nbclient calls it before every notebook, on a kept kernel as on a
fresh one, so every piece waited 0.2 s with nothing to do: in a batch on two cores that is about
7% of a worker's time, its core idle (bench/README.md, issue 32).

:class:`ReadyClient` keeps the check and drops the silence: it reads IOPub until the kernel's
``idle`` status for that very ``kernel_info`` request, which ipykernel publishes after the
reply's ``busy``; every message the request caused has then been read, and a channel that was
not yet connected (nothing arrives within :data:`IOPUB_WAIT`) starts the request over, as
jupyter_client does. Messages of other requests are left to nbclient, which reads only those
whose parent is its own request.
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient

#: How long an IOPub message may take to arrive before the channel counts as not yet connected
#: (jupyter_client's own value).
IOPUB_WAIT = 0.2
#: How long the kernel may take to answer one ``kernel_info`` request before it is asked again.
SHELL_WAIT = 1.0


class ReadyClient(AsyncKernelClient):
    """jupyter_client's asynchronous client, ready when the kernel has answered ``kernel_info``
    and IOPub has delivered that request's ``idle`` status (see the module)."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            asked = self.kernel_info()
            reply = await self._reply_to(asked)
            if reply is not None and await self._idle_after(asked):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    wait_for_ready = _async_wait_for_ready

    async def _reply_to(self, msg_id: str) -> dict | None:
        """The ``kernel_info_reply`` to ``msg_id``, or ``None`` if none came within :data:`SHELL_WAIT`."""
        until = time.monotonic() + SHELL_WAIT
        while (left := until - time.monotonic()) > 0:
            try:
                msg = await self.shell_channel.get_msg(timeout=left)
            except Empty:
                return None
            if msg["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == msg_id:
                return msg
        return None

    async def _idle_after(self, msg_id: str) -> bool:
        """Whether IOPub delivers the kernel's ``idle`` status for ``msg_id``; each message may take
        :data:`IOPUB_WAIT` to come, and nothing coming means the channel is not connected yet."""
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=IOPUB_WAIT)
            except Empty:
                return False
            if (
                msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
                and msg["parent_header"].get("msg_id") == msg_id
            ):
                return True
