"""The whole assistant on free ports, for the live tests (tests/e2e, tests/browser).

What `make run` starts: the backend on a fresh migrated and seeded SQLite database, the
action server, and Rasa with the trained model and the given channels. One place, so the
live tests differ only in what they really change (channels, environment, Rasa flags).
"""
from __future__ import annotations

import os
import secrets
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import pytest

from dev.stack import Service, Services, action_endpoint_yaml, free_port

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "boomerang.tar.gz"
# The REST channel as `make run` has it: conversations in the rest: namespace.
REST_CHANNEL = "bot.channels.rest.NamespacedRestInput:\n"


def require_model() -> None:
    """Skip the calling test module without a trained model, unless BOOMERANG_REQUIRE_MODEL=1
    (set by `make test`) makes that a failure."""
    if MODEL.exists():
        return
    if os.environ.get("BOOMERANG_REQUIRE_MODEL") == "1":
        raise RuntimeError(f"{MODEL} is missing: run `make model` first")
    pytest.skip("no trained model (run `make model`)", allow_module_level=True)


@dataclass
class LiveStack:
    backend_url: str
    rasa_url: str
    database: Path
    services: Services
    rasa: Service
    rasa_command: list[str]
    rasa_token: str      # Rasa's HTTP API (--auth-token)
    actions_url: str     # the action server's webhook
    actions_token: str   # the secret Rasa presents there
    backend: Service | None = None
    backend_command: Sequence[str] = ()

    def stop_backend(self) -> None:
        """An outage: the backend's process ends (the action server then cannot reach it)."""
        assert self.backend is not None
        self.services.stop(self.backend)

    def start_backend(self, timeout: float = 60) -> None:
        """The backend back, on the same port and database, as after the outage."""
        self.backend = self.services.start("backend-restarted", list(self.backend_command), ROOT)
        self.services.wait_ready(self.backend, f"{self.backend_url}/health", timeout=timeout)

    @contextmanager
    def backend_stopped(self, timeout: float = 60) -> Iterator[None]:
        """The backend down for the ``with`` block, then started again on the same port and
        database: what the bot and channels do when it is gone."""
        self.stop_backend()
        try:
            yield
        finally:
            self.start_backend(timeout)

    def restart_rasa(self, timeout: float = 240) -> None:
        """Stop the Rasa server and start it again on the same port and endpoints."""
        self.services.stop(self.rasa)
        self.rasa = self.services.start("rasa-restarted", self.rasa_command, ROOT)
        self.services.wait_ready(self.rasa, f"{self.rasa_url}/status?token={self.rasa_token}", timeout=timeout)


@contextmanager
def live_stack(work: Path, *, credentials: str, service_token: str,
               env: Mapping[str, str | None] | None = None,
               rasa_args: Sequence[str] = (), endpoints: Path | None = None) -> Iterator[LiveStack]:
    """Start the three processes in ``work`` (logs, database, media) and stop them after.

    ``credentials`` is Rasa's credentials.yml; ``env`` adds to the environment (``None``
    removes a variable); ``rasa_args`` are extra flags for `rasa run`; ``endpoints`` is an
    endpoints file to use instead of the in-memory one (its action endpoint is
    ``${BOOMERANG_ACTIONS_URL}``, set here). Like `make run`: Rasa's API needs a token,
    the action server a shared secret, both drawn here for this stack.
    """
    backend_port, actions_port, rasa_port = free_port(), free_port(), free_port()
    backend_url, rasa_url = f"http://127.0.0.1:{backend_port}", f"http://127.0.0.1:{rasa_port}"
    database = work / "live.db"
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "BOOMERANG_DATABASE_URL": f"sqlite:///{database}",
                "BOOMERANG_SERVICE_TOKEN": service_token, "BOOMERANG_MEDIA_DIR": str(work / "media"),
                "BOOMERANG_MAIL_DIR": str(work / "mail"),
                "BOOMERANG_PUBLIC_URL": backend_url, "BOOMERANG_BACKEND_URL": backend_url,
                "BOOMERANG_RASA_URL": rasa_url, "BOOMERANG_RASA_API_URL": rasa_url, "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                "RASA_TELEMETRY_ENABLED": "false",
                # The team always open unless a test says otherwise: a live test must not
                # depend on the time of day it runs at (test_live_after_hours sets its hours).
                "BOOMERANG_SUPPORT_HOURS": "always",
                "BOOMERANG_ACTIONS_URL": f"http://127.0.0.1:{actions_port}/webhook",
                "BOOMERANG_ACTIONS_TOKEN": secrets.token_urlsafe(24),
                "RASA_AUTH_TOKEN": secrets.token_urlsafe(24)}
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
        else:
            full_env[name] = value
    if endpoints is None:
        (work / "endpoints.yml").write_text(action_endpoint_yaml(full_env["BOOMERANG_ACTIONS_URL"]))
    else:
        (work / "endpoints.yml").write_text(endpoints.read_text(encoding="utf-8"), encoding="utf-8")
    (work / "credentials.yml").write_text(credentials)
    bindir = Path(sys.executable).parent
    services = Services(work, full_env)
    try:
        setup = services.start("setup", [sys.executable, "-m", "backend", "setup"], ROOT)
        assert setup.proc.wait(timeout=120) == 0, setup.log_tail()
        services.running.remove(setup)
        backend_command = [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1",
                           "--port", str(backend_port)]
        backend = services.start("backend", backend_command, ROOT)
        logging_config = str(ROOT / "config" / "logging.yml")  # masks emails and phones, as `make run`
        actions = services.start("actions", [sys.executable, "-m", "actions.server", "--actions",
                                             "actions.actions", "--port", str(actions_port),
                                             "--logging-config-file", logging_config], ROOT)
        rasa_command = [str(bindir / "rasa"), "run", "--model", str(MODEL), "--enable-api",
                        "--logging-config-file", logging_config,
                        f"--auth-token={full_env['RASA_AUTH_TOKEN']}", "--interface", "127.0.0.1",
                        *rasa_args, "--port", str(rasa_port),
                        "--endpoints", str(work / "endpoints.yml"),
                        "--credentials", str(work / "credentials.yml")]
        rasa = services.start("rasa", rasa_command, ROOT)
        services.wait_ready(backend, f"{backend_url}/health", timeout=60)
        services.wait_ready(actions, f"http://127.0.0.1:{actions_port}/health", timeout=90)
        services.wait_ready(rasa, f"{rasa_url}/status?token={full_env['RASA_AUTH_TOKEN']}", timeout=240)
        yield LiveStack(backend_url, rasa_url, database, services, rasa, rasa_command,
                        full_env["RASA_AUTH_TOKEN"], full_env["BOOMERANG_ACTIONS_URL"],
                        full_env["BOOMERANG_ACTIONS_TOKEN"], backend, backend_command)
    finally:
        services.stop_all()
