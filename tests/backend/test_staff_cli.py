"""`python -m backend staff …` as a shop's admin runs it (real processes, password piped or
typed at a terminal), and the demo staff accounts `python -m backend setup` makes."""
from __future__ import annotations

import os
import pty
import select as io_select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.bootstrap import DEMO_STAFF, ensure_demo_staff
from backend.db.migrate import upgrade
from backend.db.models import StaffAccount
from backend.db.session import make_engine, make_session_factory
from backend.services import staff_accounts

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough passphrase"


def cli_env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BOOMERANG_DEMO_STAFF_PASSWORD"}
    env.update({"BOOMERANG_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT),
                "BOOMERANG_SECRETS_FILE": str(tmp_path / "secrets.env"), **extra})
    return env


def cli(database_url: str, tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "backend", *args], input=stdin, capture_output=True, text=True,
                          env=cli_env(database_url, tmp_path), cwd=ROOT, timeout=120)


def accounts(ctx) -> list[str]:
    with ctx.sessions() as s:
        return [a.email for a in staff_accounts.list_accounts(s)]


def opens(ctx, email: str, password: str) -> bool:
    with ctx.sessions() as s:
        return staff_accounts.check_password(s, email, password) is not None


def test_add_list_disable_enable_and_set_password_with_a_piped_password(database_url, ctx, tmp_path):
    r = cli(database_url, tmp_path, "staff", "add", "Ana@Shop.example", "--role", "agent", "--name", "Ana Lopez",
            "--lang", "fr", stdin=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr
    assert "staff account added: ana@shop.example (agent, fr)" in r.stdout
    assert opens(ctx, "ana@shop.example", PASSWORD)

    listed = cli(database_url, tmp_path, "staff", "list")
    assert listed.returncode == 0
    line = next(l for l in listed.stdout.splitlines() if l.startswith("ana@shop.example"))
    assert line.split()[:5] == ["ana@shop.example", "agent", "fr", "yes", "never"] and "Ana Lopez" in line
    with ctx.sessions() as s:
        stored = s.execute(select(StaffAccount.password_hash)).scalar_one()
    assert stored not in listed.stdout and "argon2" not in listed.stdout

    assert cli(database_url, tmp_path, "staff", "disable", "ana@shop.example").returncode == 0
    assert not opens(ctx, "ana@shop.example", PASSWORD)
    assert "ana@shop.example" in cli(database_url, tmp_path, "staff", "list").stdout.replace("  ", " ")
    assert cli(database_url, tmp_path, "staff", "enable", "ana@shop.example").returncode == 0
    assert opens(ctx, "ana@shop.example", PASSWORD)

    new = "another long passphrase"
    changed = cli(database_url, tmp_path, "staff", "set-password", "ana@shop.example", stdin=new + "\r\n")
    assert changed.returncode == 0, changed.stderr
    assert opens(ctx, "ana@shop.example", new) and not opens(ctx, "ana@shop.example", PASSWORD)
    for run in (r, listed, changed):  # never echoed, never logged
        assert PASSWORD not in run.stdout + run.stderr and new not in run.stdout + run.stderr


def test_refusals_say_why_and_change_nothing(database_url, ctx, tmp_path):
    short = cli(database_url, tmp_path, "staff", "add", "bo@shop.example", "--role", "agent", stdin="too short\n")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr and "too short" not in short.stderr
    assert not accounts(ctx)
    assert cli(database_url, tmp_path, "staff", "add", "bo@shop.example", "--role", "boss",
               stdin=PASSWORD).returncode == 2
    assert cli(database_url, tmp_path, "staff", "add", "bo@shop.example", "--role", "agent",
               stdin=PASSWORD).returncode == 0
    again = cli(database_url, tmp_path, "staff", "add", "BO@shop.example", "--role", "admin", stdin=PASSWORD)
    assert again.returncode == 2 and "already exists" in again.stderr
    missing = cli(database_url, tmp_path, "staff", "set-password", "nobody@shop.example", stdin=PASSWORD)
    assert missing.returncode == 2 and "no staff account" in missing.stderr


def _run_in_a_terminal(env: dict[str, str], args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as its controlling terminal, answering each
    password prompt once it is shown (getpass has turned the echo off by then)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI, its terminal the pty
        try:
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "backend", *args], env)
        finally:
            os._exit(127)
    output, deadline, answered = b"", time.monotonic() + 120, 0
    try:
        while time.monotonic() < deadline:
            ready, _, _ = io_select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if answered < len(answers) and output.endswith(b": ") and output.count(b"Password") > answered:
                os.write(fd, answers[answered].encode() + b"\n")
                answered += 1
    finally:
        if time.monotonic() >= deadline:
            os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_at_a_terminal_the_password_is_typed_twice_and_not_shown(database_url, ctx, tmp_path):
    env = cli_env(database_url, tmp_path)
    code, out = _run_in_a_terminal(env, ["staff", "add", "cy@shop.example", "--role", "warehouse"],
                                   [PASSWORD, PASSWORD + "x"])
    assert code == 2 and "differ" in out and PASSWORD not in out
    assert not accounts(ctx)
    code, out = _run_in_a_terminal(env, ["staff", "add", "cy@shop.example", "--role", "warehouse"],
                                   [PASSWORD, PASSWORD])
    assert code == 0 and "Password (again):" in out and PASSWORD not in out
    assert opens(ctx, "cy@shop.example", PASSWORD)


# --- the demo accounts --------------------------------------------------------------------------

def test_the_demo_shop_gets_one_demo_account_per_role_once(database_url, ctx):
    made = ensure_demo_staff(database_url, "demo password for tests")
    assert made == [d.email for d in DEMO_STAFF]
    with ctx.sessions() as s:
        before = {a.email: (a.role, a.password_hash) for a in staff_accounts.list_accounts(s)}
    assert {role for role, _ in before.values()} == {"admin", "agent", "supervisor", "warehouse"}
    assert ensure_demo_staff(database_url, "another password entirely") == []
    with ctx.sessions() as s:
        assert {a.email: (a.role, a.password_hash) for a in staff_accounts.list_accounts(s)} == before
    assert all(opens(ctx, email, "demo password for tests") for email in before)


def test_a_database_without_the_demo_shop_gets_no_demo_accounts(tmp_path):
    url = f"sqlite:///{tmp_path / 'real-shop.db'}"
    upgrade(url)
    assert ensure_demo_staff(url, "demo password for tests") == []
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        assert staff_accounts.list_accounts(s) == []
    engine.dispose()


def test_setup_makes_the_demo_accounts_with_the_installs_own_password(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = cli_env(url, tmp_path)
    first = subprocess.run([sys.executable, "-m", "backend", "setup"], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "demo staff accounts made: admin@boomerang.local" in first.stdout
    password = subprocess.run([sys.executable, "-m", "common.install_secrets", "--get",
                               "BOOMERANG_DEMO_STAFF_PASSWORD"], env=env, cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
    assert len(password) >= 32 and password not in first.stdout + first.stderr
    again = subprocess.run([sys.executable, "-m", "backend", "setup"], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0 and "demo staff accounts" not in again.stdout
    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        for demo in DEMO_STAFF:
            account = staff_accounts.check_password(s, demo.email, password)
            assert account is not None and account.role == demo.role
    engine.dispose()
