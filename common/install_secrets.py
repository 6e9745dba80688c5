"""Development secrets made once per install, never shared, never committed.

A fresh clone has no tokens at all: the first `make run` (or the first process that needs
one) draws each secret at random into ``var/secrets.env`` (mode 0600; ``var/`` is
ignored by git), and every process of that install reads the same values from there.
A variable set in the environment always wins, which is how production supplies its own.

    python -m common.install_secrets --export     # "export NAME=value" for the unset tokens
    python -m common.install_secrets --get NAME   # one value
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import secrets
import shlex
import sys
from pathlib import Path
from typing import Iterator

REPO_ROOT = Path(__file__).resolve().parent.parent
NAMES = (
    "BOOMERANG_SERVICE_TOKEN",   # the action server and channels → backend
    "BOOMERANG_STAFF_TOKEN",     # staff tools → backend
    "BOOMERANG_SECRET_KEY",      # signs customer and upload tokens, keys the attempt hashes
    "BOOMERANG_ACTIONS_TOKEN",   # Rasa → action server
    "RASA_AUTH_TOKEN",           # Rasa's HTTP API (--auth-token)
    "BOOMERANG_DEMO_STAFF_PASSWORD",  # the demo staff accounts (admin@boomerang.local, ...)
)
# Read only by `python -m backend setup` (through get()): no running process needs it in
# its environment, so --export leaves it out.
NOT_EXPORTED = frozenset({"BOOMERANG_DEMO_STAFF_PASSWORD"})


def secrets_file() -> Path:
    return Path(os.environ.get("BOOMERANG_SECRETS_FILE") or REPO_ROOT / "var" / "secrets.env")


def _read(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, sep, value = line.partition("=")
            if sep and not name.startswith("#"):
                values[name.strip()] = value.strip()
    return values


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` for the block (a lock file, never deleted)."""
    fd = os.open(path.with_name(f"{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def ensure(path: Path | None = None) -> dict[str, str]:
    """Every development secret, drawing (and saving) the ones this install lacks.

    Processes starting together on a fresh install (the backend, the action server, Rasa's
    launcher) must agree: the draw happens under a lock, after reading the file again, so
    only the first draws and the others read what it saved. (Without the lock, a process
    that found no file could replace the file another had just written.)
    """
    path = path or secrets_file()
    values = _read(path)
    if all(values.get(name) for name in NAMES):
        return values
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        values = _read(path)
        missing = [name for name in NAMES if not values.get(name)]
        if not missing:
            return values
        for name in missing:
            values[name] = secrets.token_urlsafe(32)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("# Development secrets of this install (made by common/install_secrets.py).\n"
                      "# Keep out of git; production sets its own in the environment.\n")
            out.writelines(f"{name}={values[name]}\n" for name in NAMES)
        os.replace(tmp, path)  # an older file is completed: its values kept, new ones added
        return _read(path)


def get(name: str) -> str:
    """The environment's value, else this install's development secret."""
    value = os.environ.get(name)
    return value if value else ensure()[name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--export", action="store_true", help="shell exports for the unset variables")
    group.add_argument("--get", metavar="NAME", choices=NAMES)
    args = parser.parse_args(argv)
    if args.get:
        print(get(args.get))
        return 0
    values = ensure()
    for name in NAMES:
        if name not in NOT_EXPORTED and not os.environ.get(name):
            print(f"export {name}={shlex.quote(values[name])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
