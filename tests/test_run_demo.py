"""`make run`'s launcher: the development server and a worker, and Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_serve import database_for_a_server, free_port

ROOT = Path(settings.BASE_DIR)


def descendants(pid: int) -> set[int]:
    """Every process started by `pid`, and by those, and so on (Linux's /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.django_db(transaction=True)
def test_ctrl_c_stops_the_server_and_the_worker(tmp_path):
    port = free_port()
    environ = {**os.environ, "DB_NAME": database_for_a_server(tmp_path), "DEBUG": "True"}
    launcher = subprocess.Popen(
        [sys.executable, "scripts/run_demo.py", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert launcher.poll() is None, launcher.stdout.read()
            assert time.monotonic() < deadline, "the development server never answered"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=10) as page:
                    assert page.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        started = descendants(launcher.pid)
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in started]
        assert any(b"runserver" in command for command in commands)
        assert any(b"worker" in command for command in commands)

        launcher.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends it
        output, _ = launcher.communicate(timeout=60)
        left = [pid for pid in started if alive(pid)]
        assert left == [], f"still running after Ctrl-C: {left}\n{output}"
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
