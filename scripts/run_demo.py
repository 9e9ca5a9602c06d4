"""`make run`: Django's development server and a background worker, started and stopped together.

    python scripts/run_demo.py [ADDRESS:PORT]

Each runs in a process group of its own, so that stopping them stops everything they started
(runserver's autoreloader runs the server in a child process that would otherwise be left
behind). Ctrl-C, a SIGTERM or a closed terminal stops both; so does either of them ending on
its own (a port already in use), and this script then exits with its status.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The worker finishes the job it is running when asked to stop; it gets this long before a
# second request makes it give the job up (its transaction rolled back, the job marked failed).
GRACE_SECONDS = 10


class Stop(Exception):
    pass


def on_signal(signum: int, frame: object) -> None:
    raise Stop(signum)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass  # gone already


def group_alive(process: subprocess.Popen) -> bool:
    """Whether the process or anything it started (runserver's reloaded child) still runs."""
    process.poll()
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_all(processes: list[subprocess.Popen]) -> None:
    """SIGINT (as Ctrl-C would), then again after the grace period, then SIGKILL."""
    for signum, wait in ((signal.SIGINT, GRACE_SECONDS), (signal.SIGINT, 5), (signal.SIGKILL, 5)):
        running = [p for p in processes if group_alive(p)]
        if not running:
            return
        for process in running:
            signal_group(process, signum)
        deadline = time.monotonic() + wait
        try:
            while time.monotonic() < deadline and any(group_alive(p) for p in running):
                time.sleep(0.1)
        except Stop:
            continue  # asked again: on to the next, firmer step


def main(argv: list[str]) -> int:
    address = argv[1] if len(argv) > 1 else "127.0.0.1:8000"
    worker_command = os.getenv("WORKER_COMMAND", "worker")
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    processes: list[subprocess.Popen] = []
    status = 0
    try:
        processes.append(start(worker_command))
        processes.append(start("runserver", address))
        while True:
            for process in processes:
                if process.poll() is not None:
                    name = "the background worker" if process is processes[0] else "the server"
                    print(f"run_demo: {name} stopped (status {process.returncode}); stopping.")
                    status = process.returncode or 1
                    raise Stop(0)
            time.sleep(0.5)
    except Stop:
        pass
    finally:
        # No interruption while stopping: a second Ctrl-C only hurries it (stop_all).
        stop_all(processes)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
