"""End-to-end speed of the assistant: per-turn latency and messages per second over Rasa's
REST channel, with the action server and the returns backend in the loop, at 1 and 20
concurrent conversations, beside a stock ``rasa init`` assistant measured in the same run.

Run with ``make bench`` or directly::

    python bench/assistant_bench.py [--model models/x.tar.gz] [--conversations 40]
                                    [--skip-baseline] [--ports 5600]

It starts everything itself, on 127.0.0.1 only and on ports of its own (free ones picked
by the system unless ``--ports BASE`` is given: backend BASE, actions BASE+1, Rasa BASE+2,
stock Rasa BASE+3): the backend on a throw-away SQLite database (migrated and seeded with
``python -m backend setup``), the action server, the Rasa server, then the stock assistant.
Logs, generated endpoint/credential files and the cached stock project live in the work
directory (``--work-dir``, default /tmp/bench-work). Every process is stopped at the end,
whatever happens. Figures are printed, never asserted.

A turn is one message sent and the bot's answer received. A turn counts as an error when
the answer is not HTTP 200, carries no bot message, or times out; a turn whose answer does
not contain what the script expects (the customer's first name after verification, ...)
is counted as "off-script": the figures are only meaningful when both stay at 0.
"""
from __future__ import annotations

import argparse
import os
import secrets
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dev.stack import Services, StackError, action_endpoint_yaml, free_port, local_session  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SERVICE_TOKEN = os.environ.get("BOOMERANG_SERVICE_TOKEN") or secrets.token_urlsafe(24)
ACTIONS_TOKEN = secrets.token_urlsafe(24)  # Rasa → action server, as `make run` does
RASA_TOKEN = secrets.token_urlsafe(24)     # both Rasa servers' HTTP API (--auth-token)
CONCURRENCY_LEVELS = (1, 20)
TURN_TIMEOUT = 60.0          # seconds for one answer before the turn counts as an error
LEVEL_BUDGET = 150.0         # seconds per (assistant, concurrency): no new conversation after it

# --- conversation scripts ---------------------------------------------------------------------
# Each turn: (step label, message, substrings of which one must appear in the answer, or None).
Turn = tuple[str, str, Optional[tuple[str, ...]]]

BOOMERANG_SCRIPTS: list[list[Turn]] = [
    [  # a return, verified through the backend, a policy question (backend FAQ), then cancel
        ("greet", "hi", None),
        ("start return", "I want to return something", ("BM-",)),
        ("order number", "BM-100001", ("mail",)),
        ("verify (backend)", "alice.martin@example.com", ("Alice",)),
        ("policy faq (backend)", "what is your return policy?", None),
        ("cancel", "cancel", ("Nothing has been created", "Rien n'a été créé")),
    ],
    [  # where is my refund: verification, then the order's returns from the backend
        ("greet", "hello", None),
        ("ask status", "where is my refund?", ("BM-",)),
        ("order number", "BM-100002", ("mail",)),
        ("verify+status (backend)", "ben.carter@example.com", ("Ben",)),
    ],
]

STOCK_SCRIPTS: list[list[Turn]] = [
    [("greet", "hi", ("how are you",)), ("mood sad", "I am sad", ("cheer you up",)),
     ("affirm", "yes", ("carry on",)), ("bye", "bye", ("bye",))],
    [("greet", "hello there", ("how are you",)), ("mood great", "I am feeling great", ("carry on",)),
     ("bot challenge", "are you a bot?", ("bot",)), ("bye", "goodbye", ("bye",))],
]


# --- processes ----------------------------------------------------------------------------------

# Process handling is shared with the live end-to-end tests.
BenchError = StackError


def check_port_free(port: int) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            raise BenchError(f"port {port} on {HOST} is already in use; pick another --ports base") from None
    return port


def rasa_status_ok(response: requests.Response) -> bool:
    """``GET /status`` answers 200 once the model is loaded (409 or an empty model_file before)."""
    if response.status_code != 200:
        return False
    try:
        return bool(response.json().get("model_file"))
    except ValueError:
        return False


def bin_path(name: str) -> str:
    """A console script of the running interpreter's environment (the venv's rasa)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BenchError(f"`{name}` not found next to {sys.executable} nor on the PATH")
    return found


def run_step(title: str, cmd: list[str], cwd: Path, env: dict[str, str], log_path: Path,
             timeout: float) -> None:
    """Run one preparation command to completion (setup, training), its output in a log."""
    print(f"  {title} ... (log: {log_path})", flush=True)
    start = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=str(cwd), env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise BenchError(f"{title} took more than {timeout:.0f} s; see {log_path}") from None
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    if code != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
        raise BenchError(f"{title} failed (exit {code}); last lines of {log_path}:\n{tail}")
    print(f"  {title}: done in {time.monotonic() - start:.0f} s", flush=True)


def train_quick_model(rasa: str, env: dict[str, str], work: Path, run_dir: Path, epochs: int) -> Path:
    """A model of the repo's config with epochs capped: what inference costs does not depend
    on how long the model was trained. Rasa's fingerprint skips training when nothing changed."""
    config = (ROOT / "config.yml").read_text()
    capped = re.sub(r"^(\s*epochs:\s*)(\d+)", lambda m: m.group(1) + str(min(int(m.group(2)), epochs)),
                    config, flags=re.MULTILINE)
    out = work / "quick-models"
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / f"config-epochs-{epochs}.yml"
    config_path.write_text(capped)
    run_step(f"training a bench-only model (epochs capped to {epochs}) into {out}",
             [rasa, "train", "--skip-validation", "--domain", str(ROOT / "domain"), "--config", str(config_path),
              "--data", str(ROOT / "data"), "--out", str(out)], out, env, run_dir / "train-quick.log",
             timeout=3600)
    model = newest_model(out)
    if model is None:
        raise BenchError(f"training finished but {out} holds no .tar.gz")
    return model


def newest_model(directory: Path) -> Path | None:
    models = sorted(directory.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


# --- load ---------------------------------------------------------------------------------------

@dataclass
class TurnResult:
    step: str
    latency_ms: float
    error: str | None = None
    off_script: str | None = None


@dataclass
class LevelResult:
    assistant: str
    concurrency: int
    conversations: int = 0
    wall_s: float = 0.0
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def ok_latencies(self) -> list[float]:
        return [t.latency_ms for t in self.turns if t.error is None]

    @property
    def errors(self) -> list[TurnResult]:
        return [t for t in self.turns if t.error is not None]

    @property
    def off_script(self) -> list[TurnResult]:
        return [t for t in self.turns if t.error is None and t.off_script is not None]

    def p(self, q: float) -> float:
        return percentile(self.ok_latencies, q)

    @property
    def msgs_per_s(self) -> float:
        return len(self.turns) / self.wall_s if self.wall_s > 0 else float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    # linear interpolation between closest ranks
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def send_turn(session: requests.Session, url: str, sender: str, turn: Turn) -> TurnResult:
    step, text, expected = turn
    start = time.perf_counter()
    try:
        response = session.post(url, json={"sender": sender, "message": text}, timeout=TURN_TIMEOUT)
        latency = (time.perf_counter() - start) * 1000
    except requests.RequestException as exc:
        return TurnResult(step, (time.perf_counter() - start) * 1000, error=f"{type(exc).__name__}: {exc}")
    if response.status_code != 200:
        return TurnResult(step, latency, error=f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        messages = response.json()
    except ValueError:
        return TurnResult(step, latency, error=f"not JSON: {response.text[:200]}")
    if not isinstance(messages, list) or not messages:
        return TurnResult(step, latency, error=f"no bot message for {text!r}")
    said = "\n".join(str(m.get("text") or m.get("custom") or m.get("image") or "") for m in messages
                     if isinstance(m, dict))
    if expected and not any(e.lower() in said.lower() for e in expected):
        return TurnResult(step, latency, off_script=f"{step}: {text!r} -> {said[:160]!r}")
    return TurnResult(step, latency)


def run_level(assistant: str, url: str, scripts: list[list[Turn]], conversations: int,
              concurrency: int, run_id: str, budget_s: float = LEVEL_BUDGET) -> LevelResult:
    """``conversations`` conversations, ``concurrency`` at a time, each one's turns in sequence."""
    result = LevelResult(assistant, concurrency)
    todo: queue.Queue[int] = queue.Queue()
    for i in range(conversations):
        todo.put(i)
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + budget_s

    def worker() -> None:
        with local_session() as session:
            while time.perf_counter() < deadline:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                sender = f"bench-{run_id}-{assistant}-c{concurrency}-{i}"
                turns = [send_turn(session, url, sender, turn) for turn in scripts[i % len(scripts)]]
                with lock:
                    result.turns.extend(turns)
                    result.conversations += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(budget_s + TURN_TIMEOUT * 10)
    result.wall_s = time.perf_counter() - start
    if result.conversations < conversations:
        print(f"  note: {assistant} c={concurrency}: time budget ({budget_s:.0f} s) reached after "
              f"{result.conversations}/{conversations} conversations", flush=True)
    return result


def measure(assistant: str, rasa_port: int, scripts: list[list[Turn]], conversations: int,
            services: Services, run_id: str) -> list[LevelResult]:
    url = f"http://{HOST}:{rasa_port}/webhooks/rest/webhook"
    # Warm-up (first predictions build TensorFlow graphs, first action calls open connections):
    # one pass of every script, not measured.
    warm = run_level(assistant, url, scripts, len(scripts), 1, f"{run_id}-warmup", budget_s=120)
    if warm.errors:
        raise BenchError(f"{assistant}: warm-up failed: {warm.errors[0].step}: {warm.errors[0].error}")
    results = []
    for concurrency in CONCURRENCY_LEVELS:
        n = max(conversations, concurrency)
        print(f"  {assistant}: {n} conversations at concurrency {concurrency} ...", flush=True)
        level = run_level(assistant, url, scripts, n, concurrency, run_id)
        services.check_alive()
        print(f"    {len(level.turns)} turns in {level.wall_s:.1f} s, p50 {level.p(50):.0f} ms, "
              f"p95 {level.p(95):.0f} ms, {level.msgs_per_s:.1f} msgs/s, {len(level.errors)} errors, "
              f"{len(level.off_script)} off-script", flush=True)
        results.append(level)
    return results


# --- report -------------------------------------------------------------------------------------

def report(results: list[LevelResult], boomerang_model: Path, stock_model: Path | None) -> None:
    print()
    print(f"Boomerang model: {boomerang_model}")
    if stock_model:
        print(f"stock model:     {stock_model}")
    header = f"{'assistant':<10} | {'concurrency':>11} | {'turns':>5} | {'p50 ms':>7} | {'p95 ms':>7} | " \
             f"{'msgs/s':>7} | {'errors':>6} | {'off-script':>10}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.assistant:<10} | {r.concurrency:>11} | {len(r.turns):>5} | {r.p(50):>7.0f} | {r.p(95):>7.0f} | "
              f"{r.msgs_per_s:>7.1f} | {len(r.errors):>6} | {len(r.off_script):>10}")

    by_key = {(r.assistant, r.concurrency): r for r in results}
    if any(a == "stock" for a, _ in by_key):
        print()
        print("ratio Boomerang / stock (latency: higher is slower; msgs/s: lower is slower)")
        for c in CONCURRENCY_LEVELS:
            b, s = by_key.get(("boomerang", c)), by_key.get(("stock", c))
            if b and s:
                print(f"  concurrency {c:>2}: p50 x{ratio(b.p(50), s.p(50))}, p95 x{ratio(b.p(95), s.p(95))}, "
                      f"msgs/s x{ratio(b.msgs_per_s, s.msgs_per_s)}")

    single = by_key.get(("boomerang", 1))
    if single and single.ok_latencies:
        print()
        print("Boomerang per step at concurrency 1 (p50 / p95 ms):")
        steps: dict[str, list[float]] = {}
        for t in single.turns:
            if t.error is None:
                steps.setdefault(t.step, []).append(t.latency_ms)
        for step, values in steps.items():
            print(f"  {step:<26} {percentile(values, 50):>6.0f} / {percentile(values, 95):>6.0f}  (n={len(values)})")

    for r in results:
        for t in r.errors[:3]:
            print(f"error   {r.assistant} c={r.concurrency}: {t.step}: {t.error}")
        for t in r.off_script[:3]:
            print(f"off-script {r.assistant} c={r.concurrency}: {t.off_script}")


def ratio(a: float, b: float) -> str:
    if not b or b != b or a != a:
        return "n/a"
    return f"{a / b:.2f}"


# --- main -----------------------------------------------------------------------------------------

def _raise_interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="Boomerang model (default: newest models/*.tar.gz; "
                                                    "trained into models/ when there is none)")
    parser.add_argument("--conversations", type=int, default=40,
                        help="conversations per concurrency level (at least the concurrency; default 40)")
    parser.add_argument("--skip-baseline", action="store_true", help="do not measure the stock rasa init bot")
    parser.add_argument("--ports", type=int, default=0, metavar="BASE",
                        help="backend BASE, actions BASE+1, Rasa BASE+2, stock Rasa BASE+3 "
                             "(default: free ports picked by the system)")
    parser.add_argument("--train-epochs", type=int, metavar="N",
                        help="when there is no model: train a bench-only model, with every `epochs:` of "
                             "config.yml capped to N, into WORK_DIR/quick-models (not models/). Same "
                             "pipeline and policies, so the same inference cost; predictions may be "
                             "rougher (the off-script column says whether the conversations still hold)")
    parser.add_argument("--work-dir", type=Path, default=Path(os.environ.get("BENCH_WORK_DIR", "/tmp/bench-work")),
                        help="logs, generated files and the cached stock project (default /tmp/bench-work)")
    args = parser.parse_args(argv)
    if args.conversations < 1:
        parser.error("--conversations must be at least 1")

    work = args.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:4]
    run_dir = Path(tempfile.mkdtemp(prefix=f"run-{run_id}-", dir=work))
    print(f"assistant bench: run directory {run_dir}", flush=True)

    rasa = bin_path("rasa")
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        "RASA_TELEMETRY_ENABLED": "false",       # no traffic but to 127.0.0.1
        "SANIC_HOST": HOST,                      # the action server binds here, not 0.0.0.0
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONUNBUFFERED": "1",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "NO_PROXY": f"{HOST},localhost",         # the actions' backend client uses requests too
        "no_proxy": f"{HOST},localhost",
        "BOOMERANG_SERVICE_TOKEN": SERVICE_TOKEN,
        "BOOMERANG_ACTIONS_TOKEN": ACTIONS_TOKEN,
        "BOOMERANG_DATABASE_URL": f"sqlite:///{run_dir / 'boomerang.db'}",
        "BOOMERANG_MEDIA_DIR": str(run_dir / "media"),
    })

    if args.ports:
        ports = [check_port_free(args.ports + i) for i in range(4)]
    else:
        ports = [free_port() for _ in range(4)]
    backend_port, actions_port, rasa_port, stock_port = ports
    env["BOOMERANG_BACKEND_URL"] = f"http://{HOST}:{backend_port}"
    env["BOOMERANG_PUBLIC_URL"] = f"http://{HOST}:{backend_port}"

    # The REST channel only (other channels of a credentials file could reach out elsewhere),
    # and the action server on its own port.
    # Boomerang's REST channel is its namespaced one (conversations rest:<sender>), and the
    # action server asks for its shared secret, exactly as `make run` has them.
    credentials = run_dir / "credentials.yml"
    credentials.write_text("bot.channels.rest.NamespacedRestInput:\n")
    stock_credentials = run_dir / "stock-credentials.yml"
    stock_credentials.write_text("rest:\n")
    endpoints = run_dir / "endpoints.yml"
    endpoints.write_text(action_endpoint_yaml(f"http://{HOST}:{actions_port}/webhook"))
    stock_endpoints = run_dir / "stock-endpoints.yml"
    stock_endpoints.write_text("{}\n")

    # `make` interrupted or killed: still stop every process (the finally below).
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)

    services = Services(run_dir, env)
    results: list[LevelResult] = []
    stock_model: Path | None = None
    started = time.monotonic()
    try:
        # 1. models
        print("preparing models", flush=True)
        model = args.model
        if model is None:
            model = newest_model(ROOT / "models")
            if model is None and args.train_epochs:
                model = train_quick_model(rasa, env, work, run_dir, args.train_epochs)
            if model is None:
                # --skip-validation: `rasa train` exits on any validation error (even one that
                # does not change what the model costs to run); checking the data is the job
                # of `make validate`, measuring speed is this script's.
                run_step("training the Boomerang model into models/ (no models/*.tar.gz; full epochs can take "
                         "long on a small machine: --train-epochs N trains a bench-only model instead)",
                         [rasa, "train", "--skip-validation", "--domain", "domain", "--config", "config.yml",
                          "--data", "data", "--out", "models"], ROOT, env, run_dir / "train-boomerang.log",
                         timeout=3600)
                model = newest_model(ROOT / "models")
                if model is None:
                    raise BenchError("training finished but models/ holds no .tar.gz")
        model = model.resolve()
        if not model.exists():
            raise BenchError(f"model {model} not found")
        print(f"  Boomerang model: {model}", flush=True)

        if not args.skip_baseline:
            stock_dir = work / "stock"
            stock_model = newest_model(stock_dir / "models") if (stock_dir / "models").is_dir() else None
            if stock_model is None:
                if stock_dir.exists() and any(stock_dir.iterdir()):
                    # A half-made project from an interrupted run: start it over.
                    shutil.rmtree(stock_dir)
                stock_dir.mkdir(parents=True, exist_ok=True)
                run_step("rasa init (stock assistant, trains its own model, cached in "
                         f"{stock_dir})", [rasa, "init", "--no-prompt", "--init-dir", str(stock_dir)],
                         work, env, run_dir / "stock-init.log", timeout=1800)
                stock_model = newest_model(stock_dir / "models")
                if stock_model is None:
                    raise BenchError(f"rasa init finished but {stock_dir / 'models'} holds no .tar.gz")
            print(f"  stock model: {stock_model}", flush=True)

        # 2. processes. Both Rasa servers load their models at the same time (the longest
        # wait); the stock one stays idle while Boomerang is measured, and Boomerang's
        # processes are stopped before the stock assistant is measured.
        print("starting services", flush=True)
        boomerang = services.start("rasa", [rasa, "run", "--model", str(model), "--enable-api",
                                            f"--auth-token={RASA_TOKEN}", "--interface", HOST, "--port", str(rasa_port),
                                            "--endpoints", str(endpoints), "--credentials", str(credentials)],
                                   ROOT)
        stock = None
        if stock_model is not None:
            stock = services.start("rasa-stock", [rasa, "run", "--model", str(stock_model), "--enable-api",
                                                  f"--auth-token={RASA_TOKEN}",
                                                  "--interface", HOST, "--port", str(stock_port),
                                                  "--endpoints", str(stock_endpoints),
                                                  "--credentials", str(stock_credentials)], work / "stock")
        run_step("backend setup (migrate + seed a fresh SQLite)", [sys.executable, "-m", "backend", "setup"],
                 ROOT, env, run_dir / "backend-setup.log", timeout=300)
        backend = services.start("backend", [sys.executable, "-m", "backend", "serve", "--host", HOST,
                                             "--port", str(backend_port)], ROOT)
        actions = services.start("actions", [sys.executable, "-m", "actions.server", "--actions",
                                             "actions.actions", "--port", str(actions_port)], ROOT)
        services.wait_ready(backend, f"http://{HOST}:{backend_port}/health", timeout=60)
        print(f"  backend ready on :{backend_port} ({backend.uptime():.0f} s)", flush=True)
        services.wait_ready(actions, f"http://{HOST}:{actions_port}/health", timeout=120)
        print(f"  action server ready on :{actions_port} ({actions.uptime():.0f} s)", flush=True)
        services.wait_ready(boomerang, f"http://{HOST}:{rasa_port}/status?token={RASA_TOKEN}", timeout=420,
                            ok=rasa_status_ok)
        print(f"  Rasa (Boomerang) ready on :{rasa_port}: model loaded in {boomerang.uptime():.0f} s", flush=True)
        if stock is not None:
            services.wait_ready(stock, f"http://{HOST}:{stock_port}/status?token={RASA_TOKEN}", timeout=420,
                                ok=rasa_status_ok)
            print(f"  Rasa (stock) ready on :{stock_port}: model loaded in {stock.uptime():.0f} s", flush=True)

        # 3. Boomerang under load, then the stock assistant with the CPU to itself
        print(f"measuring (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: "
              "figures from a busy machine are noisy)", flush=True)
        results += measure("boomerang", rasa_port, BOOMERANG_SCRIPTS, args.conversations, services, run_id)
        for service in (boomerang, actions, backend):
            services.stop(service)
        if stock is not None:
            results += measure("stock", stock_port, STOCK_SCRIPTS, args.conversations, services, run_id)
    except BenchError as exc:
        print(f"\nassistant bench failed: {exc}", file=sys.stderr, flush=True)
        if results:
            report(results, args.model or Path("?"), stock_model)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        services.stop_all()

    report(results, model, stock_model)
    print(f"\n(total {time.monotonic() - started:.0f} s; logs in {run_dir})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
