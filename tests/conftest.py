"""Session-wide test settings.

Why the exit hook: a full run holds about 4 GB of objects (trained Rasa models, TensorFlow,
hundreds of app instances and databases); after every test had run and been reported, the
interpreter's own teardown then spent many minutes in the garbage collector (seen in
fresh-clone runs of ``make test``: pytest at 100 % CPU in ``gc_collect_main`` long after
its summary), which a CI time limit would count as a hang. Once pytest has finished
everything (results printed, caches written: ``pytest_unconfigure`` runs last), the
process leaves at once with pytest's own exit status; nothing is left to clean up that the
operating system does not.
"""
from __future__ import annotations

import os
import sys

import pytest

_EXIT_STATUS: int | None = None


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _EXIT_STATUS
    _EXIT_STATUS = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # Only for a whole run in its own process: pytest.main() inside another program, or a
    # run that never reached its end, keeps the normal exit.
    if _EXIT_STATUS is None or os.environ.get("BOOMERANG_PYTEST_NORMAL_EXIT"):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS)
