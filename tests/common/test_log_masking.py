"""Log lines come out masked: the filter itself, then the three real processes.

The backend (``python -m backend serve``) installs the masking itself; Rasa and the
action server get it from ``--logging-config-file config/logging.yml``. Each process is
started for real and its output searched for the raw email and phone number.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from dev.stack import Services, free_port
from common.log_masking import MaskingFilter, install_log_masking, mask_record

ROOT = Path(__file__).resolve().parents[2]
LOGGING_CONFIG = ROOT / "config" / "logging.yml"
MODEL = ROOT / "models" / "boomerang.tar.gz"
BIN = Path(sys.executable).parent
EMAIL, PHONE = "alice.martin@example.com", "+33639981234"
RAW = (EMAIL, PHONE, "39 98 12 34", "alice.martin")


def _record(msg, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args or None, exc_info)


def test_filter_masks_message_and_arguments_and_keeps_the_rest():
    record = _record("customer %s (%s) asked about %s for %d cents", EMAIL, PHONE, "BM-100001", 4990)
    assert MaskingFilter().filter(record) is True
    assert record.getMessage() == "customer a***@example.com (***34) asked about BM-100001 for 4990 cents"


def test_filter_keeps_argument_tuples_whole_and_masks_objects_and_tracebacks():
    # uvicorn's access formatter unpacks exactly five arguments, the last one an int.
    record = _record('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                     f"/api/v1/sms/opt-outs/{quote(PHONE)}", "1.1", 401)
    mask_record(record)
    assert record.args == ("127.0.0.1:5000", "GET", "/api/v1/sms/opt-outs/***34", "1.1", 401)
    try:
        raise ValueError(f"unknown contact {EMAIL}")
    except ValueError as exc:
        record = _record("failed: %s", exc, exc_info=sys.exc_info())
    mask_record(record)
    line = logging.Formatter().format(record)
    assert "a***@example.com" in line and EMAIL not in line
    assert "Traceback" in line


def test_installed_masking_holds_for_handlers_added_later(capsys):
    install_log_masking()
    install_log_masking()  # idempotent: one wrapping only
    logger = logging.getLogger("tests.common.later")
    handler = logging.StreamHandler(sys.stderr)  # no filter of its own
    logger.addHandler(handler)
    try:
        logger.warning("text me on %s", "06 39 98 12 34")
    finally:
        logger.removeHandler(handler)
    assert "text me on ***34" in capsys.readouterr().err


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "RASA_TELEMETRY_ENABLED": "false", "BOOMERANG_DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}",
            "BOOMERANG_MEDIA_DIR": str(tmp_path / "media"), "BOOMERANG_EXPIRY_SWEEP_SECONDS": "0",
            "BOOMERANG_NOTIFY_SWEEP_SECONDS": "0"}


def _no_raw_contact(log: str) -> None:
    for raw in RAW:
        assert raw not in log, f"{raw!r} is in the log:\n{log}"


def test_backend_process_masks_its_access_log(tmp_path):
    services = Services(tmp_path, _env(tmp_path))
    port = free_port()
    try:
        backend = services.start("backend", [sys.executable, "-m", "backend", "serve", "--port", str(port)], ROOT)
        services.wait_ready(backend, f"http://127.0.0.1:{port}/health", timeout=60,
                            ok=lambda r: r.status_code < 500)
        r = requests.get(f"http://127.0.0.1:{port}/api/v1/sms/opt-outs/{quote(PHONE)}", timeout=10)
        assert r.status_code == 401
    finally:
        services.stop_all()
    log = backend.log_path.read_text(errors="replace")
    assert '"GET /api/v1/sms/opt-outs/***34 HTTP/1.1" 401' in log
    _no_raw_contact(log)


def _action_server_log(tmp_path: Path, name: str, *flags: str) -> str:
    services = Services(tmp_path, _env(tmp_path))
    port = free_port()
    try:
        # The action server as `make run` starts it (same flags as `rasa run actions`).
        server = services.start(name, [sys.executable, "-m", "actions.server", "--actions",
                                       "tests.common.pii_logging_actions", "--port", str(port), *flags], ROOT)
        services.wait_ready(server, f"http://127.0.0.1:{port}/health", timeout=90)
    finally:
        services.stop_all()
    return server.log_path.read_text(errors="replace")


def test_action_server_masks_with_the_logging_config(tmp_path):
    # Without the config the line is there in clear: the check below can fail.
    assert EMAIL in _action_server_log(tmp_path, "actions-plain")
    log = _action_server_log(tmp_path, "actions", "--logging-config-file", str(LOGGING_CONFIG))
    assert "customer a***@example.com on ***34 asked about BM-100001" in log
    _no_raw_contact(log)


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model (run `make model`)")
def test_rasa_server_masks_user_messages_at_debug_level(tmp_path):
    (tmp_path / "credentials.yml").write_text("rest:\n")
    (tmp_path / "endpoints.yml").write_text('action_endpoint:\n  url: "http://127.0.0.1:9/webhook"\n')
    services = Services(tmp_path, _env(tmp_path))
    port = free_port()
    try:
        rasa = services.start("rasa", [str(BIN / "rasa"), "run", "--model", str(MODEL), "--enable-api", "--debug",
                                       "--logging-config-file", str(LOGGING_CONFIG), "--port", str(port),
                                       "--endpoints", str(tmp_path / "endpoints.yml"),
                                       "--credentials", str(tmp_path / "credentials.yml")], ROOT)
        services.wait_ready(rasa, f"http://127.0.0.1:{port}/status", timeout=240)
        r = requests.post(f"http://127.0.0.1:{port}/webhooks/rest/webhook", timeout=60, json={
            "sender": f"sms:{PHONE}", "message": f"mon email est {EMAIL} et mon numéro 06 39 98 12 34"})
        assert r.status_code == 200
    finally:
        services.stop_all()
    log = rasa.log_path.read_text(errors="replace")
    assert "conversation 'sms:***34'" in log  # the SMS conversation id carries the number
    assert "mon email est a***@example.com et mon num" in log  # the user's words, at DEBUG
    _no_raw_contact(log)
