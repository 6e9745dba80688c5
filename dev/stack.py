"""Starting and stopping the assistant's processes for benchmarks and live tests.

Each process runs in its own session with its output in a log file; waiting for one
watches every process started so far, so a crash shows up at once with the last lines of
its log instead of as a time-out. ``stop_all`` ends every process group, children too.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import requests


class StackError(RuntimeError):
    pass


def action_endpoint_yaml(url: str) -> str:
    """Rasa's endpoints file for an action server at ``url``, with the shared secret the
    action server asks for (taken by Rasa from BOOMERANG_ACTIONS_TOKEN), as in endpoints.yml."""
    return (f'action_endpoint:\n  url: "{url}"\n'
            "  headers:\n    X-Boomerang-Actions-Token: ${BOOMERANG_ACTIONS_TOKEN}\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def local_session() -> requests.Session:
    """A session that ignores proxy settings: everything here is on 127.0.0.1."""
    session = requests.Session()
    session.trust_env = False
    return session


@dataclass
class Service:
    name: str
    proc: subprocess.Popen
    log_path: Path
    started: float = field(default_factory=time.monotonic)

    def uptime(self) -> float:
        return time.monotonic() - self.started

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:])


class Services:
    """Every process started; ``stop_all`` ends them (and their children)."""

    def __init__(self, log_dir: Path, env: dict[str, str]) -> None:
        self.log_dir = log_dir
        self.env = env
        self.running: list[Service] = []

    def start(self, name: str, cmd: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> Service:
        log_path = self.log_dir / f"{name}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(cmd, cwd=str(cwd), env={**self.env, **(extra_env or {})}, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        service = Service(name, proc, log_path)
        self.running.append(service)
        return service

    def wait_ready(self, service: Service, url: str, timeout: float,
                   ok: Callable[[requests.Response], bool] = lambda r: r.status_code == 200) -> float:
        """Poll ``url`` until ``ok``; fail with the log's tail if a process dies or time runs out."""
        session = local_session()
        while True:
            self.check_alive()
            try:
                if ok(session.get(url, timeout=2)):
                    return service.uptime()
            except requests.RequestException:
                pass
            if service.uptime() > timeout:
                raise StackError(f"{service.name} not ready at {url} after {timeout:.0f} s; "
                                 f"last lines of {service.log_path}:\n{service.log_tail()}")
            time.sleep(0.5)

    def check_alive(self) -> None:
        for service in self.running:
            if not service.alive():
                raise StackError(f"{service.name} exited with code {service.proc.returncode}; last lines of "
                                 f"{service.log_path}:\n{service.log_tail()}")

    def stop(self, service: Service) -> None:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(service.proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                service.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        if service in self.running:
            self.running.remove(service)

    def stop_all(self) -> None:
        for service in reversed(list(self.running)):
            self.stop(service)
