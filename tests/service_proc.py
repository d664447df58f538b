"""Run `vanthu serve` as a clerk would, on free ports with a temporary VANTHU_HOME, for tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Service:
    base: str
    password: str
    token: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the service did not answer at {url}")


@contextmanager
def running_service(tmp_path: Path) -> Iterator[Service]:
    """`vanthu serve` on free ports (its own embedded Redis); stops everything after."""
    port, redis_port = _free_port(), _free_port()
    env = dict(os.environ, VANTHU_HOME=str(tmp_path / "home"), REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
               DATABASE_URL="", VANTHU_COOKIE_SECURE="0")
    env.pop("DATABASE_URL")
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + "/login", time.monotonic() + 90)
        log.seek(0)
        printed = log.read()
        password = re.search(r"admin / (\S+)", printed)
        token = re.search(r"API token: (\S+)", printed)
        assert password and token, "vanthu serve did not print the first admin's password and token"
        yield Service(base, password.group(1), token.group(1), env)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        subprocess.run(["redis-cli", "-p", str(redis_port), "shutdown", "nosave"], capture_output=True, timeout=10)
        log.close()


