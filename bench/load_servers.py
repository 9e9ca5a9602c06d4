"""The two servers bench/load.py puts under load: started in their own process groups on a
free loopback port, waited for, measured (CPU time) and stopped with everything they started.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from common import ROOT
from locust.contrib.fasthttp import FastHttpSession
from locust.event import Events

# --- The servers ---------------------------------------------------------------------------


@dataclass
class Server:
    label: str
    process: subprocess.Popen
    url: str
    log: Path

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (gunicorn's master and workers)."""
        total = 0.0
        try:
            parent = psutil.Process(self.process.pid)
            for process in [parent, *parent.children(recursive=True)]:
                times = process.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:  # a worker replaced meanwhile: its time is lost
            pass
        return total

    def stop(self) -> None:
        """Stop the server and whatever it started (its own process group)."""
        if self.process.poll() is not None:
            return
        for sign, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sign)
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(port: int, *, debug: bool) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        HOST="127.0.0.1",
        PORT=str(port),
        DEBUG="True" if debug else "False",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # A key of this run's own: the production server refuses the published demo key.
        SECRET_KEY=secrets.token_urlsafe(50),
        PYTHONUNBUFFERED="1",
    )
    environment.pop("STATIC_COLLECTED", None)
    return environment


def start(label: str, command: list[str], environment: dict[str, str], logs: Path) -> Server:
    """Start a server in its own process group and wait (at most 120 s) until it answers."""
    port = int(environment["PORT"])
    log = logs / f"{label.split()[0]}-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(label, process, f"http://127.0.0.1:{port}", log)
    client = FastHttpSession(server.url, Events().request, None, network_timeout=30)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        # Status 0 while nothing listens yet (connection refused).
        if client.get("/login/").status_code == 200:
            print(f"{label} at {server.url}, log {log}", flush=True)
            return server
        time.sleep(0.5)
    server.stop()
    tail = log.read_text(errors="replace")[-1500:]
    raise RuntimeError(f"{label} did not answer on port {port}:\n{tail}")


def production_server(logs: Path, workers: int | None) -> Server:
    """`make serve`'s server: `manage.py serve` (gunicorn with deploy/gunicorn.conf.py)."""
    environment = server_environment(free_port(), debug=False)
    if workers:
        environment["WEB_WORKERS"] = str(workers)
    command = [sys.executable, str(ROOT / "manage.py"), "serve"]
    return start("production server (manage.py serve)", command, environment, logs)


def development_server(logs: Path) -> Server:
    """`make run`'s server: runserver with DEBUG on, on the same database."""
    environment = server_environment(free_port(), debug=True)
    command = [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload"]
    command.append(f"127.0.0.1:{environment['PORT']}")
    return start("development server (runserver)", command, environment, logs)
