"""Command line for the returns backend: ``python -m backend <command>``.

  migrate         apply database migrations (Alembic) up to the latest
  seed            load the demo shop's data into an empty database
  setup           migrate, then seed, with a quarter of history for the dashboard
                  (what `make run` and `make test` call)
  serve           run the API (uvicorn) on --host/--port
  expire-labels   expire returns whose label went unused past the policy's validity
  send-notifications  send the SMS still owed from the outbox (retries failed ones)
  pay-refunds-due  pay the withdrawal refunds whose legal deadline is tomorrow or past (also hourly in serve)
  check-policy    validate a policy file and print its FAQ
  check-dispositions  validate a disposition rules file and print its rules, in order
  erase-customer  erase one customer's personal data (backend and Rasa's tracker store)
  staff           staff accounts: add EMAIL --role ROLE [--name NAME] [--lang fr], list,
                  disable EMAIL, enable EMAIL, set-password EMAIL (passwords from stdin:
                  typed twice at a terminal, one line when piped; never echoed nor logged)
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from backend.domain.staff import LANGUAGES, ROLES
from backend.settings import get_settings
from common.log_masking import install_log_masking


def _migrate() -> None:
    from backend.db.migrate import upgrade

    upgrade(get_settings().database_url)
    print("database migrated")


def _report(summary) -> None:  # type: ignore[no-untyped-def]
    print("demo data already present, left as is" if summary.skipped else f"seeded: {summary}")


def _report_history(summary) -> None:  # type: ignore[no-untyped-def]
    if not summary.skipped:
        print(f"seeded a quarter of history for the dashboard: {summary}")


def _seed() -> None:
    from backend.db.session import make_engine, make_session_factory
    from backend.demo import seed

    from backend.bootstrap import seed_demo_history

    engine = make_engine(get_settings().database_url)
    with make_session_factory(engine)() as session:
        _report(seed(session))
    _report_history(seed_demo_history(engine))
    engine.dispose()


def _setup() -> None:
    from backend.bootstrap import DEMO_STAFF_PASSWORD, ensure_demo_staff, migrate_and_seed, seed_demo_history
    from backend.db.session import make_engine

    settings = get_settings()
    _report(migrate_and_seed(settings.database_url))
    engine = make_engine(settings.database_url)
    try:
        _report_history(seed_demo_history(engine))  # the dashboard's quarter, once
    finally:
        engine.dispose()
    made = ensure_demo_staff(settings.database_url, settings.demo_staff_password or None)
    if made:
        where = (f"${DEMO_STAFF_PASSWORD}" if settings.demo_staff_password else
                 f"python -m common.install_secrets --get {DEMO_STAFF_PASSWORD}")
        print(f"demo staff accounts made: {', '.join(made)} (password: {where}; sign in at /agent/login)")


def _serve(host: str, port: int) -> None:
    import uvicorn

    from backend.app import create_app

    # ws="none": the API serves no websockets, and uvicorn's websocket support needs a newer
    # `websockets` than the one Rasa pins.
    uvicorn.run(create_app(), host=host, port=port, log_level="info", ws="none")


def _expire() -> None:
    from backend.context import build_context
    from backend.workflows.expire import expire_unused_labels

    expired = expire_unused_labels(build_context(get_settings()))
    print(f"expired {len(expired)} returns")


def _pay_refunds_due() -> None:
    from backend.context import build_context
    from backend.workflows.legal_refunds import pay_refunds_due_by_law

    paid = pay_refunds_due_by_law(build_context(get_settings()))
    print(f"paid {len(paid)} refunds due by law")


def _send_notifications() -> None:
    from backend.context import build_context
    from backend.services.notifications import send_pending_notifications

    result = send_pending_notifications(build_context(get_settings()))
    print(f"notifications: {result.sent} sent, {result.failed} failed, {result.skipped} skipped")


def _check_policy(path: str | None) -> int:
    from backend.domain.policy import PolicyError, load_policy

    try:
        policy = load_policy(Path(path) if path else get_settings().policy_file)
    except PolicyError as exc:
        print(f"policy error: {exc}", file=sys.stderr)
        return 1
    print(f"policy version {policy.version}: OK")
    for entry in policy.faq("en"):
        print(f"- {entry['question']}\n  {entry['answer']}")
    return 0


def _check_dispositions(path: str | None) -> int:
    from backend.domain.disposition import (
        DispositionRulesError,
        describe_rules,
        load_disposition_rules,
    )

    try:
        rules = load_disposition_rules(Path(path) if path else get_settings().disposition_file)
    except DispositionRulesError as exc:
        print(f"disposition rules error: {exc}", file=sys.stderr)
        return 1
    print(f"disposition rules version {rules.version}: OK")
    print("\n".join(describe_rules(rules)))
    return 0


def _erase_customer(args: argparse.Namespace) -> int:
    import os

    from backend.context import build_context
    from backend.services.erasure import clear_rasa_memory, erase_customer, erase_tracker_conversations
    from backend.services.errors import ServiceError

    if not (args.email or args.phone or args.customer_id is not None):
        print("erase-customer: give --email, --phone or --customer-id", file=sys.stderr)
        return 2
    settings = get_settings()
    ctx = build_context(settings)
    try:
        report = erase_customer(ctx, email=args.email, phone=args.phone, customer_id=args.customer_id,
                                dry_run=args.dry_run)
    except ServiceError as exc:
        print(f"erase-customer: {exc.message}", file=sys.stderr)
        return 2
    finally:
        ctx.engine.dispose()
    ids = report.conversation_ids
    notes = []
    tracker_url = args.tracker_db_url or os.environ.get("RASA_TRACKER_DB_URL", "")
    if tracker_url:
        events = erase_tracker_conversations(tracker_url, ids, dry_run=args.dry_run)
        notes.append(f"{events} events of {len(ids)} conversations {'to delete' if args.dry_run else 'deleted'} "
                     "from the SQL tracker store")
    if not args.no_rasa_api:
        _, note = clear_rasa_memory(args.rasa_url or settings.rasa_url, os.environ.get("RASA_AUTH_TOKEN") or None,
                                    ids, dry_run=args.dry_run)
        notes.append(note)
    if not tracker_url:
        notes.append("no SQL tracker store given (RASA_TRACKER_DB_URL); an in-memory one forgets "
                     "every conversation when Rasa restarts")
    report.tracker_note = "; ".join(notes)
    print("erase-customer (dry run: nothing changed; what would be erased):" if args.dry_run
          else "erase-customer: erased")
    print("\n".join(report.lines()))
    return 0


def _read_password(prompt: str = "Password") -> str | None:
    """The new password from standard input: typed twice (hidden) at a terminal, else the
    first line (without its line ending). None, said on stderr, when the two differ."""
    import getpass

    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if getpass.getpass(f"{prompt} (again): ") != first:
            print("staff: the two passwords differ; nothing changed", file=sys.stderr)
            return None
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _staff(args: argparse.Namespace) -> int:
    from backend.db.models import utcnow
    from backend.db.session import make_engine, make_session_factory, session_scope
    from backend.services import staff_accounts
    from backend.services.errors import ServiceError

    engine = make_engine(get_settings().database_url)
    factory = make_session_factory(engine)
    try:
        if args.staff_command == "list":
            with factory() as session:
                accounts = staff_accounts.list_accounts(session)
                print(f"{'email':<36} {'role':<10} {'lang':<4} {'active':<6} {'last sign-in':<19}  name")
                for a in accounts:
                    last = a.last_login_at.strftime("%Y-%m-%d %H:%M:%S") if a.last_login_at else "never"
                    print(f"{a.email:<36} {a.role:<10} {a.preferred_language:<4} "
                          f"{'yes' if a.active else 'no':<6} {last:<19}  {a.display_name}")
                print(f"{len(accounts)} staff accounts")
            return 0
        if args.staff_command in ("add", "set-password"):
            password = _read_password()
            if password is None:
                return 2
            with session_scope(factory) as session:
                if args.staff_command == "add":
                    account = staff_accounts.create_account(
                        session, email=args.email, role=args.role, password=password, name=args.name,
                        language=args.lang, now=utcnow())
                    print(f"staff account added: {account.email} ({account.role}, {account.preferred_language})")
                else:
                    account = staff_accounts.set_password(session, args.email, password, utcnow())
                    print(f"password changed for {account.email}; their open sessions are ended")
            return 0
        with session_scope(factory) as session:
            active = args.staff_command == "enable"
            account = staff_accounts.set_active(session, args.email, active, utcnow())
            print(f"staff account {'enabled' if active else 'disabled'}: {account.email}"
                  + ("" if active else "; their open sessions are ended"))
        return 0
    except ServiceError as exc:
        print(f"staff: {exc.message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("migrate", "seed", "setup", "expire-labels", "send-notifications", "pay-refunds-due"):
        sub.add_parser(name)
    serve = sub.add_parser("serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    check = sub.add_parser("check-policy")
    check.add_argument("path", nargs="?")
    sub.add_parser("check-dispositions").add_argument("path", nargs="?")
    erase = sub.add_parser("erase-customer", help="erase one customer's personal data")
    erase.add_argument("--email")
    erase.add_argument("--phone", help="in international form, e.g. +33639981234")
    erase.add_argument("--customer-id", type=int)
    erase.add_argument("--dry-run", action="store_true", help="count what would be erased, change nothing")
    erase.add_argument("--tracker-db-url", help="Rasa's SQL tracker store (default: $RASA_TRACKER_DB_URL)")
    erase.add_argument("--rasa-url", help="a running Rasa to empty in-memory conversations in "
                                          "(default: $BOOMERANG_RASA_URL; token: $RASA_AUTH_TOKEN)")
    erase.add_argument("--no-rasa-api", action="store_true", help="do not call a running Rasa")
    staff = sub.add_parser("staff", help="staff accounts (the agent console, the staff API)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="add an account; the password is read from stdin")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", help="shown in the console (default: the email's local part)")
    add.add_argument("--lang", default="en", choices=LANGUAGES, help="the console's language")
    staff_sub.add_parser("list", help="every account (never a password nor a hash)")
    for name, text in (("disable", "disable an account and end its sessions"), ("enable", "enable it again"),
                       ("set-password", "set a new password (from stdin) and end its sessions")):
        staff_sub.add_parser(name, help=text).add_argument("email")
    args = parser.parse_args(argv)
    # No raw email or phone number in any log line of this process (uvicorn's included).
    install_log_masking()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "migrate":
        _migrate()
    if args.command == "seed":
        _seed()
    if args.command == "setup":
        _setup()
    if args.command == "serve":
        _serve(args.host, args.port)
    if args.command == "expire-labels":
        _expire()
    if args.command == "send-notifications":
        _send_notifications()
    if args.command == "pay-refunds-due":
        _pay_refunds_due()
    if args.command == "check-policy":
        return _check_policy(args.path)
    if args.command == "check-dispositions":
        return _check_dispositions(args.path)
    if args.command == "erase-customer":
        return _erase_customer(args)
    if args.command == "staff":
        return _staff(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
