"""The Jupyter kernel papermill runs: registered from this interpreter, never a user-wide one.

The kernelspec lives in ``<sys.prefix>/share/jupyter/kernels/<name>`` (in the project's
``.venv`` for ``make``, in the conda env for conda users) and that directory is put first on
``JUPYTER_PATH`` for this process, so a same-named kernel elsewhere cannot shadow it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from analysis.paths import KERNEL_NAME, PROJECT_DIR


def _data_dirs() -> list[Path]:
    return [Path(sys.prefix) / "share" / "jupyter", PROJECT_DIR / ".cache" / "jupyter"]


def _spec(name: str) -> dict:
    return {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python (momentum-report)", "language": "python",
            "metadata": {"debugger": True}, "env": {"PYTHONWARNINGS": "ignore::DeprecationWarning"}}


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Make sure kernelspec ``name`` runs *this* interpreter; returns ``name``.

    Writes the spec if it is missing or points elsewhere (first writable data dir of
    :func:`_data_dirs`), and prepends that data dir to ``JUPYTER_PATH``.
    """
    wanted = _spec(name)
    for base in _data_dirs():
        spec_file = base / "kernels" / name / "kernel.json"
        try:
            current = json.loads(spec_file.read_text()) if spec_file.is_file() else None
            if current != wanted:
                spec_file.parent.mkdir(parents=True, exist_ok=True)
                spec_file.write_text(json.dumps(wanted, indent=1))
        except OSError:
            continue
        paths = [str(base)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p and p != str(base)]
        os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
        return name
    raise OSError(f"cannot write a kernelspec for {name} under {', '.join(map(str, _data_dirs()))}")


def kernel_manager_class():
    """A kernel manager whose kernel talks over IPC (Unix sockets in a private temp dir).

    No TCP port is opened (nothing on the network, even on loopback) and ipykernel's
    "running over TCP without encryption" warning is not printed on every run. What the
    kernel process writes to stderr is discarded unless ``MOMENTUM_DEBUG_KERNEL`` is set:
    errors inside cells reach the notebook and the runner's message anyway.
    """
    import shutil
    import subprocess
    import tempfile

    from jupyter_client.manager import AsyncKernelManager

    if os.name != "posix":
        return AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self._ipc_dir = tempfile.mkdtemp(prefix="momentum-kernel-")
            self.transport = "ipc"
            self.ip = os.path.join(self._ipc_dir, "k")

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
            # The kernel's own log lines (start-up chatter, or noise while it is shut down
            # after Ctrl-C) stay off the user's terminal; MOMENTUM_DEBUG_KERNEL=1 shows them.
            if not os.environ.get("MOMENTUM_DEBUG_KERNEL"):
                kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_launch_kernel(kernel_cmd, **kw)

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart)
            if not restart:
                shutil.rmtree(self._ipc_dir, ignore_errors=True)

    return IPCKernelManager
