"""Development secrets are drawn per install, kept out of git, and the environment wins."""
from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from common import install_secrets

ROOT = Path(__file__).resolve().parents[2]


def test_each_install_draws_its_own_secrets_once(tmp_path, monkeypatch):
    for name in install_secrets.NAMES:
        monkeypatch.delenv(name, raising=False)
    first, second = tmp_path / "a" / "secrets.env", tmp_path / "b" / "secrets.env"
    a, b = install_secrets.ensure(first), install_secrets.ensure(second)
    assert set(a) == set(b) == set(install_secrets.NAMES)
    assert all(len(v) >= 32 for v in a.values())
    assert not set(a.values()) & set(b.values())           # never shared between installs
    assert install_secrets.ensure(first) == a               # stable for one install
    assert stat.S_IMODE(first.stat().st_mode) == 0o600      # readable by its owner only


def test_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOMERANG_SECRETS_FILE", str(tmp_path / "secrets.env"))
    monkeypatch.setenv("RASA_AUTH_TOKEN", "from-the-environment")
    assert install_secrets.get("RASA_AUTH_TOKEN") == "from-the-environment"
    assert install_secrets.get("BOOMERANG_STAFF_TOKEN") == install_secrets.ensure()["BOOMERANG_STAFF_TOKEN"]


def test_export_prints_only_the_unset_ones(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BOOMERANG_SECRETS_FILE": str(tmp_path / "s.env"),
           "RASA_AUTH_TOKEN": "set"}
    out = subprocess.run([sys.executable, "-m", "common.install_secrets", "--export"], env=env,
                         capture_output=True, text=True, check=True).stdout
    names = [line.split("=")[0].removeprefix("export ") for line in out.splitlines()]
    assert "RASA_AUTH_TOKEN" not in names and "BOOMERANG_ACTIONS_TOKEN" in names
    # The demo staff password is for the setup step only, not every process's environment.
    assert "BOOMERANG_DEMO_STAFF_PASSWORD" not in names


def test_the_secrets_file_is_not_tracked_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "var/secrets.env"], cwd=ROOT)
    assert ignored.returncode == 0
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "dev-service-token-change-me" not in (ROOT / "backend" / "settings.py").read_text()
    assert "secrets.env" not in tracked


def test_processes_starting_together_agree(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BOOMERANG_SECRETS_FILE": str(tmp_path / "s.env")}
    procs = [subprocess.Popen([sys.executable, "-m", "common.install_secrets", "--get", "BOOMERANG_SECRET_KEY"],
                              env=env, stdout=subprocess.PIPE, text=True) for _ in range(6)]
    values = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(values) == 1 and values != {""}
