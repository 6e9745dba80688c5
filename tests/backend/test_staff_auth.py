"""Staff accounts and sign-in (issue 11, first slice): Argon2 hashes, server-side sessions
that end (idle, absolute, sign-out), throttled guessing, roles on every staff route, CSRF
for the pages' cookie sessions, and no password or token in any log line.

Every test runs on a freshly migrated database, SQLite and PostgreSQL (conftest), and
moves the context's clock by hand instead of sleeping.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.app import create_app
from backend.context import BackendContext
from backend.db.models import ReturnStatusChange, StaffAccount, StaffLoginAttempt, StaffSession
from backend.db.session import session_scope
from backend.domain.staff import ROLES
from backend.services import passwords, staff_accounts
from backend.services.errors import Invalid, RateLimited, Unauthorized
from backend.workflows import staff_sign_in
from tests.backend.conftest import STAFF_TOKEN
from tests.backend.test_api_returns import ALICE, create, line_by_category, returnable
from tests.backend.conftest import customer_headers

PASSWORD = "correct horse battery staple"


def iso(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.timezone.utc).isoformat()


@pytest.fixture
def clock(ctx: BackendContext):
    """A clock the test moves by hand (starting now: customer tokens are checked on real time)."""
    state = {"now": dt.datetime.utcnow().replace(microsecond=0)}
    ctx.clock = lambda: state["now"]

    def advance(seconds: float = 0, **delta: float) -> dt.datetime:
        state["now"] += dt.timedelta(seconds=seconds, **delta)
        return state["now"]
    return advance


@pytest.fixture
def anon(ctx: BackendContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx)) as c:
        yield c


def add_account(ctx: BackendContext, email: str, role: str = "agent", password: str = PASSWORD,
                language: str = "en", name: str | None = None) -> int:
    with session_scope(ctx.sessions) as session:
        return staff_accounts.create_account(session, email=email, role=role, password=password, now=ctx.now(),
                                             name=name, language=language).id


def login(c: TestClient, email: str, password: str = PASSWORD):
    return c.post("/api/v1/auth/login", json={"email": email, "password": password})


def bearer(c: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    r = login(c, email, password)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def error_code(r) -> str:
    body = r.json()["error"]
    assert body["message"] and body["message_fr"] and body["message"] != body["message_fr"]
    return body["code"]


def page_sign_in(c: TestClient, email: str, password: str = PASSWORD, lang: str = "en"):
    """As the sign-in page does: load it (which hands out the CSRF cookie), post with the header."""
    assert c.get(f"/agent/login?lang={lang}").status_code == 200
    return c.post("/agent/login", json={"email": email, "password": password},
                  headers={"X-CSRF-Token": c.cookies.get("boomerang_csrf")})


# --- hashing -------------------------------------------------------------------------------

def test_the_stored_password_is_an_argon2id_hash_and_only_the_right_one_opens(ctx, clock):
    add_account(ctx, "Ana.Lopez@Shop.Example", name="Ana")
    with ctx.sessions() as s:
        account = s.execute(select(StaffAccount)).scalar_one()
        assert account.email == "ana.lopez@shop.example"  # stored lower-cased
        assert account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
        assert staff_accounts.check_password(s, "ANA.LOPEZ@shop.example", PASSWORD).id == account.id
        assert staff_accounts.check_password(s, "ana.lopez@shop.example", PASSWORD + "!") is None
        assert staff_accounts.check_password(s, "nobody@shop.example", PASSWORD) is None


def test_unknown_emails_and_disabled_accounts_cost_a_full_verification(ctx, clock, monkeypatch):
    add_account(ctx, "gone@shop.example")
    with session_scope(ctx.sessions) as s:
        staff_accounts.set_active(s, "gone@shop.example", False, ctx.now())
    spent = []
    real = passwords.spend_verification_time
    monkeypatch.setattr(passwords, "spend_verification_time", lambda p: (spent.append(1), real(p)))
    with ctx.sessions() as s:
        assert staff_accounts.check_password(s, "nobody@shop.example", PASSWORD) is None
        assert staff_accounts.check_password(s, "gone@shop.example", PASSWORD) is None
    assert len(spent) == 2
    # The dummy hash is a real Argon2 hash with today's parameters.
    assert passwords._dummy().startswith("$argon2id$") and not passwords.needs_rehash(passwords._dummy())


def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(ctx, clock, monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    add_account(ctx, "old@shop.example")
    monkeypatch.undo()
    with ctx.sessions() as s:
        old = s.execute(select(StaffAccount.password_hash)).scalar_one()
    assert "m=1024,t=1,p=1" in old and passwords.needs_rehash(old)
    staff_sign_in.sign_in(ctx, email="old@shop.example", password=PASSWORD, client_key="ip:1")
    with ctx.sessions() as s:
        new = s.execute(select(StaffAccount.password_hash)).scalar_one()
    assert new != old and not passwords.needs_rehash(new) and passwords.verify_password(new, PASSWORD)


def test_account_rules(ctx, clock):
    with session_scope(ctx.sessions) as s:
        for kwargs, code in (({"password": "eleven-char"}, "staff_password_too_weak"),
                             ({"password": " " * 12}, "staff_password_too_weak"),
                             ({"role": "boss"}, "staff_role_invalid"),
                             ({"language": "de"}, "staff_language_invalid"),
                             ({"email": "not-an-email"}, "staff_email_invalid")):
            args = {"email": "x@shop.example", "role": "agent", "password": PASSWORD, **kwargs}
            with pytest.raises(Invalid) as err:
                staff_accounts.create_account(s, now=ctx.now(), **args)
            assert err.value.code == code and err.value.text["fr"] != err.value.text["en"]
    add_account(ctx, "dup@shop.example")
    with pytest.raises(Exception) as dup:
        add_account(ctx, "DUP@shop.example")
    assert getattr(dup.value, "code", None) == "staff_account_exists"


# --- the API: login, me, logout -----------------------------------------------------------------

def test_login_gives_a_bearer_session_and_me_says_who(anon, ctx, clock):
    add_account(ctx, "ana@shop.example", role="supervisor", language="fr", name="Ana Lopez")
    t0 = ctx.now()
    r = login(anon, "  ANA@shop.example ", PASSWORD)
    assert r.status_code == 200
    body = r.json()
    assert body["role"] == "supervisor" and body["name"] == "Ana Lopez" and body["language"] == "fr"
    assert body["token_type"] == "bearer" and len(body["access_token"]) >= 40
    assert body["expires_at"] == iso(t0 + dt.timedelta(hours=12))  # the absolute lifetime
    assert body["idle_timeout_seconds"] == 8 * 3600
    assert "set-cookie" not in r.headers  # the script login sets no cookie
    me = anon.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {"kind": "account", "email": "ana@shop.example", "name": "Ana Lopez",
                         "role": "supervisor", "language": "fr", "expires_at": iso(t0 + dt.timedelta(hours=12))}
    with ctx.sessions() as s:
        row = s.execute(select(StaffSession)).scalar_one()
        assert body["access_token"] not in (row.token_hash,) and len(row.token_hash) == 64
        assert s.execute(select(StaffAccount.last_login_at)).scalar_one() == t0


def test_wrong_password_and_unknown_email_get_the_same_401(anon, ctx, clock):
    add_account(ctx, "ana@shop.example")
    wrong, unknown = login(anon, "ana@shop.example", "wrong password!"), login(anon, "who@shop.example")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() and error_code(wrong) == "staff_login_failed"


def test_the_install_staff_token_is_an_admin_named_staff_token(anon, staff_headers):
    me = anon.get("/api/v1/auth/me", headers=staff_headers).json()
    assert me == {"kind": "staff_token", "email": "", "name": "staff token", "role": "admin", "language": "en",
                  "expires_at": None}
    assert anon.post("/api/v1/auth/logout", headers=staff_headers).status_code == 204
    assert anon.get("/api/v1/auth/me", headers=staff_headers).status_code == 200  # no session to end


def test_logout_revokes_the_session(anon, ctx, clock):
    add_account(ctx, "ana@shop.example")
    headers = bearer(anon, "ana@shop.example")
    other = bearer(anon, "ana@shop.example")  # a second session of the same person
    assert anon.post("/api/v1/auth/logout", headers=headers).status_code == 204
    r = anon.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401 and error_code(r) == "staff_session_expired"
    assert anon.post("/api/v1/auth/logout", headers=headers).status_code == 401
    assert anon.get("/api/v1/auth/me", headers=other).status_code == 200  # only that one ended
    with ctx.sessions() as s:
        assert s.execute(select(func.count()).where(StaffSession.revoked_at == ctx.now())).scalar_one() == 1


@pytest.mark.parametrize("method,path", [("GET", "/api/v1/auth/me"), ("POST", "/api/v1/auth/logout"),
                                         ("GET", "/api/v1/staff/handoffs"),
                                         ("GET", "/api/v1/staff/returns/R-AAAA-AAAA"),
                                         ("POST", "/api/v1/staff/maintenance/expire-labels"),
                                         ("POST", "/api/v1/staff/refunds/1/retry")])
def test_anonymous_and_unknown_tokens_get_401(anon, method, path):
    anon.get("/agent/login")  # a CSRF token, so that a made-up session cookie gets as far as its check
    csrf = anon.cookies.get("boomerang_csrf")
    for headers in ({}, {"Authorization": "Bearer not-a-session"}, {"Authorization": "Bearer "},
                    {"Authorization": "Basic YTpi", "X-CSRF-Token": csrf},
                    {"Cookie": f"boomerang_staff=not-a-session; boomerang_csrf={csrf}", "X-CSRF-Token": csrf}):
        r = anon.request(method, path, headers=headers)
        assert r.status_code == 401, (headers, r.text)
        assert error_code(r) == "staff_token_invalid"


def test_sessions_end_when_idle(anon, ctx, clock):
    add_account(ctx, "ana@shop.example")
    used = bearer(anon, "ana@shop.example")
    clock(hours=6)
    assert anon.get("/api/v1/auth/me", headers=used).status_code == 200  # use keeps it alive...
    clock(hours=5)
    assert anon.get("/api/v1/auth/me", headers=used).status_code == 200  # ...11 h after sign-in
    idle = bearer(anon, "ana@shop.example")
    clock(hours=7, minutes=59)
    assert anon.get("/api/v1/staff/handoffs", headers=idle).status_code == 200
    clock(hours=8)  # 8 h without use
    for headers in (idle, used):
        r = anon.get("/api/v1/auth/me", headers=headers)
        assert r.status_code == 401 and error_code(r) == "staff_session_expired"
        assert anon.get("/api/v1/staff/handoffs", headers=headers).status_code == 401


def test_sessions_end_after_their_absolute_lifetime_however_used(anon, ctx, clock):
    add_account(ctx, "ana@shop.example")
    headers = bearer(anon, "ana@shop.example")
    for _ in range(5):
        clock(hours=2, minutes=23)
        assert anon.get("/api/v1/auth/me", headers=headers).status_code == 200
    clock(minutes=5)  # 12 h after sign-in
    r = anon.get("/api/v1/auth/me", headers=headers)
    assert r.status_code == 401 and error_code(r) == "staff_session_expired"


def test_disabling_an_account_or_changing_its_password_ends_its_sessions(anon, ctx, clock):
    add_account(ctx, "ana@shop.example")
    add_account(ctx, "ben@shop.example")
    ana, ben = bearer(anon, "ana@shop.example"), bearer(anon, "ben@shop.example")
    with session_scope(ctx.sessions) as s:
        staff_accounts.set_active(s, "ana@shop.example", False, ctx.now())
        staff_accounts.set_password(s, "ben@shop.example", "a brand new passphrase", ctx.now())
    assert anon.get("/api/v1/auth/me", headers=ana).status_code == 401
    assert anon.get("/api/v1/auth/me", headers=ben).status_code == 401
    assert login(anon, "ana@shop.example").status_code == 401  # disabled
    assert login(anon, "ben@shop.example").status_code == 401  # old password
    assert login(anon, "ben@shop.example", "a brand new passphrase").status_code == 200


# --- throttling ------------------------------------------------------------------------------

def test_failed_sign_ins_are_paused_per_client_with_retry_after(anon, ctx, clock):
    add_account(ctx, "ana@shop.example")
    for _ in range(5):  # five free failures per email
        assert login(anon, "ana@shop.example", "wrong password!").status_code == 401
    r = login(anon, "ana@shop.example", PASSWORD)  # then a pause, for the right password too
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    assert error_code(r) == "rate_limited" and r.json()["error"]["retry_after"] == 2
    clock(2)
    assert login(anon, "ana@shop.example", "wrong password!").status_code == 401
    r = login(anon, "ana@shop.example", PASSWORD)  # it doubles with each failure
    assert r.status_code == 429 and r.headers["Retry-After"] == "4"
    clock(3)
    assert login(anon, "ana@shop.example", PASSWORD).status_code == 429
    clock(1)
    assert login(anon, "ana@shop.example", PASSWORD).status_code == 200
    with ctx.sessions() as s:  # a refused attempt is not recorded
        assert s.execute(select(func.count(StaffLoginAttempt.id))).scalar_one() == 7


def test_a_guesser_elsewhere_does_not_lock_the_colleague_out(ctx, clock):
    add_account(ctx, "ana@shop.example")
    for _ in range(5):
        with pytest.raises(Unauthorized):
            staff_sign_in.sign_in(ctx, email="ana@shop.example", password="guess guess guess", client_key="ip:evil")
    with pytest.raises(RateLimited):
        staff_sign_in.sign_in(ctx, email="ana@shop.example", password="guess guess guess", client_key="ip:evil")
    assert staff_sign_in.sign_in(ctx, email="ana@shop.example", password=PASSWORD,
                                 client_key="ip:ana").principal.email == "ana@shop.example"


def test_one_client_trying_many_emails_is_paused_too(ctx, clock):
    for i in range(10):  # ten free failures per client, whatever the emails
        with pytest.raises(Unauthorized):
            staff_sign_in.sign_in(ctx, email=f"u{i}@shop.example", password="guess guess guess", client_key="ip:x")
    with pytest.raises(RateLimited) as paused:
        staff_sign_in.sign_in(ctx, email="u11@shop.example", password="guess guess guess", client_key="ip:x")
    assert paused.value.retry_after == 2


# --- roles ---------------------------------------------------------------------------------------

@pytest.fixture
def role_headers(anon, ctx, clock) -> dict[str, dict[str, str]]:
    for role in ROLES:
        add_account(ctx, f"{role}@shop.example", role=role)
    return {role: bearer(anon, f"{role}@shop.example") for role in ROLES}


def _new_return(client) -> str:
    headers = customer_headers(client, *ALICE)
    shirt = line_by_category(returnable(client, headers, "BM-100001"), "apparel")
    return create(client, headers, "BM-100001", [{"order_line_id": shirt["order_line_id"],
                                                  "reason_code": "changed_mind", "resolution": "refund"}]).json()["rma"]


# (method, path, roles allowed); {rma} is a real return in label_issued.
ROUTE_ROLES = [
    ("GET", "/api/v1/staff/returns/{rma}", set(ROLES)),
    ("GET", "/api/v1/staff/handoffs", {"agent", "supervisor", "admin"}),
    ("POST", "/api/v1/staff/maintenance/expire-labels", {"supervisor", "admin"}),
    ("GET", "/api/v1/staff/partner-feed/undelivered", {"supervisor", "admin"}),
    ("POST", "/api/v1/staff/refunds/999999/retry", {"warehouse", "supervisor", "admin"}),
    ("GET", "/api/v1/auth/me", set(ROLES)),
]


def test_every_staff_route_refuses_the_wrong_roles_with_403(client, anon, role_headers):
    rma = _new_return(client)
    for method, path, allowed in ROUTE_ROLES:
        for role, headers in role_headers.items():
            r = anon.request(method, path.format(rma=rma), headers=headers)
            if role in allowed:
                assert r.status_code in (200, 404), (method, path, role, r.text)
            else:
                assert r.status_code == 403, (method, path, role, r.text)
                assert error_code(r) == "staff_role_forbidden"


@pytest.mark.parametrize("to_status,allowed", [
    ("approved", {"agent", "supervisor", "admin"}),
    ("rejected", {"agent", "warehouse", "supervisor", "admin"}),
    ("in_transit", {"warehouse", "supervisor", "admin"}),
    ("received", {"warehouse", "supervisor", "admin"}),
    ("refunded", {"warehouse", "supervisor", "admin"}),
    ("cancelled", {"agent", "supervisor", "admin"}),
    ("expired", {"supervisor", "admin"}),
])
def test_moves_are_checked_against_the_role_before_anything_changes(client, anon, ctx, role_headers,
                                                                   to_status, allowed):
    rma = _new_return(client)
    for role in ROLES:
        r = anon.post(f"/api/v1/staff/returns/{rma}/transitions", headers=role_headers[role],
                      json={"to_status": to_status, "actor": "someone else"})
        if role in allowed:
            assert r.status_code in (200, 409), (role, r.text)  # 409: illegal from label_issued
        else:
            assert r.status_code == 403 and error_code(r) == "staff_role_forbidden", (role, r.text)
        if r.status_code == 200:
            break  # the return moved; the rest of the roles were checked on the way


def test_a_signed_in_account_is_recorded_as_itself_in_the_history(client, anon, ctx, role_headers):
    rma = _new_return(client)
    r = anon.post(f"/api/v1/staff/returns/{rma}/transitions", headers=role_headers["warehouse"],
                  json={"to_status": "in_transit", "actor": "somebody else"})
    assert r.status_code == 200 and r.json()["status"] == "in_transit"
    with ctx.sessions() as s:
        actor = s.execute(select(ReturnStatusChange.actor).order_by(ReturnStatusChange.id.desc())).scalars().first()
        account_id = s.execute(select(StaffAccount.id).where(StaffAccount.email == "warehouse@shop.example")
                               ).scalar_one()
    assert actor == f"staff:{account_id}:warehouse@shop.example"


# --- the pages' cookie session and CSRF --------------------------------------------------------------

def test_the_page_sign_in_sets_a_strict_httponly_cookie_and_needs_the_csrf_header(anon, ctx, clock):
    add_account(ctx, "ana@shop.example", name="Ana")
    page = anon.get("/agent/login")
    assert "boomerang_csrf=" in page.headers["set-cookie"] and "samesite=strict" in page.headers["set-cookie"].lower()
    no_header = anon.post("/agent/login", json={"email": "ana@shop.example", "password": PASSWORD})
    assert no_header.status_code == 403 and error_code(no_header) == "csrf_failed"  # login CSRF
    wrong = anon.post("/agent/login", json={"email": "ana@shop.example", "password": PASSWORD},
                      headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    r = anon.post("/agent/login", json={"email": "ana@shop.example", "password": PASSWORD},
                  headers={"X-CSRF-Token": anon.cookies.get("boomerang_csrf")})
    assert r.status_code == 200 and "access_token" not in r.json() and r.json()["name"] == "Ana"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("boomerang_staff=") and "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert "Path=/" in cookie and "Max-Age=43200" in cookie and "Secure" not in cookie  # http here
    assert anon.get("/api/v1/auth/me").json()["email"] == "ana@shop.example"  # safe: no header needed


def test_cookie_sessions_need_the_csrf_token_for_unsafe_requests(client, anon, ctx, clock):
    add_account(ctx, "wh@shop.example", role="warehouse")
    rma = _new_return(client)
    assert page_sign_in(anon, "wh@shop.example").status_code == 200
    token = anon.cookies.get("boomerang_csrf")
    move = {"to_status": "in_transit", "actor": "x"}
    for headers in ({}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": token + "x"}):
        r = anon.post(f"/api/v1/staff/returns/{rma}/transitions", json=move, headers=headers)
        assert r.status_code == 403 and error_code(r) == "csrf_failed"
        assert anon.post("/api/v1/auth/logout", headers=headers).status_code == 403
    assert client.get(f"/api/v1/staff/returns/{rma}", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}
                      ).json()["status"] == "label_issued"  # nothing moved
    r = anon.post(f"/api/v1/staff/returns/{rma}/transitions", json=move, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["status"] == "in_transit"
    out = anon.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token})
    assert out.status_code == 204 and 'boomerang_staff=""' in out.headers["set-cookie"]
    assert anon.get("/api/v1/auth/me").status_code == 401


def test_bearer_callers_need_no_csrf_token_even_with_a_cookie_around(anon, ctx, clock, staff_headers):
    add_account(ctx, "ana@shop.example")
    assert page_sign_in(anon, "ana@shop.example").status_code == 200  # the browser's cookie session
    headers = bearer(anon, "ana@shop.example")
    assert anon.post("/api/v1/staff/maintenance/expire-labels", headers=staff_headers).status_code == 200
    assert anon.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert anon.get("/api/v1/auth/me", headers=headers).status_code == 401  # the bearer session ended
    assert anon.get("/api/v1/auth/me").status_code == 200  # the cookie session did not


def test_a_page_replaces_a_csrf_cookie_it_cannot_read(anon, ctx, clock):
    from itsdangerous import URLSafeSerializer

    add_account(ctx, "ana@shop.example")
    stale = URLSafeSerializer("an older secret key", "csrftoken").dumps("token")
    anon.cookies.set("boomerang_csrf", stale, domain="testserver.local")
    r = anon.post("/agent/login", json={"email": "ana@shop.example", "password": PASSWORD},
                  headers={"X-CSRF-Token": stale})
    assert r.status_code == 403 and error_code(r) == "csrf_failed"
    page = anon.get("/agent/login")  # "reload the page"
    assert "boomerang_csrf=" in page.headers["set-cookie"]
    assert anon.cookies.get("boomerang_csrf") != stale
    assert page_sign_in(anon, "ana@shop.example").status_code == 200
    assert "set-cookie" not in anon.get("/agent").headers  # a readable one is kept


def test_cookies_are_secure_when_the_public_url_is_https(settings, ctx, clock):
    import dataclasses

    ctx.settings = dataclasses.replace(settings, public_base_url="https://returns.shop.example")
    add_account(ctx, "ana@shop.example")
    with TestClient(create_app(ctx), base_url="https://testserver") as c:
        page = c.get("/agent/login")
        assert "Secure" in page.headers["set-cookie"]
        r = c.post("/agent/login", json={"email": "ana@shop.example", "password": PASSWORD},
                   headers={"X-CSRF-Token": c.cookies.get("boomerang_csrf")})
        assert r.status_code == 200 and "Secure" in r.headers["set-cookie"]


# --- the pages ---------------------------------------------------------------------------------------

def test_the_console_sends_strangers_to_the_sign_in_page_in_their_language(anon):
    r = anon.get("/agent?lang=fr", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/agent/login?lang=fr"
    fr = anon.get("/agent/login", headers={"Accept-Language": "de-DE,fr;q=0.8,en;q=0.5"})
    assert '<html lang="fr">' in fr.text and "Mot de passe" in fr.text
    en = anon.get("/agent/login?lang=en", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in en.text and "Password" in en.text
    assert "frame-ancestors 'none'" in en.headers["content-security-policy"]
    assert en.headers["cache-control"] == "no-store"


def test_the_console_shows_who_is_signed_in_and_signs_out(anon, ctx, clock):
    add_account(ctx, "ana@shop.example", role="agent", language="fr", name="Ana <Lopez>")
    assert page_sign_in(anon, "ana@shop.example").status_code == 200
    page = anon.get("/agent")
    assert '<html lang="fr">' in page.text  # the account's language
    assert "Ana &lt;Lopez&gt;" in page.text and "Rôle : Conseiller" in page.text and "Se déconnecter" in page.text
    assert "Role: Agent" in anon.get("/agent?lang=en").text
    assert anon.get("/agent/login", follow_redirects=False).headers["location"] == "/agent"
    token = anon.cookies.get("boomerang_csrf")
    assert anon.post("/api/v1/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert anon.get("/agent", follow_redirects=False).status_code == 303


def test_the_auth_routes_are_documented_under_their_tag(anon):
    spec = anon.get("/openapi.json").json()
    for path, method in (("/api/v1/auth/login", "post"), ("/api/v1/auth/logout", "post"),
                         ("/api/v1/auth/me", "get")):
        operation = spec["paths"][path][method]
        assert operation["tags"] == ["auth"] and "401" in operation["responses"]
    assert "429" in spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "403" in spec["paths"]["/api/v1/staff/handoffs"]["get"]["responses"]
    assert not any(p.startswith("/agent") for p in spec["paths"])


# --- logs ------------------------------------------------------------------------------------------

def test_no_password_nor_token_reaches_the_logs(anon, ctx, clock, caplog):
    caplog.set_level(logging.DEBUG)
    add_account(ctx, "ana@shop.example")
    login(anon, "ana@shop.example", "a wrong password that is long")
    r = login(anon, "ana@shop.example")
    token = r.json()["access_token"]
    anon.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    anon.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    refused = anon.post("/api/v1/auth/login", json={"email": "x" * 300, "password": PASSWORD})
    assert refused.status_code == 422 and PASSWORD not in refused.text  # not echoed back
    page_sign_in(anon, "ana@shop.example")
    cookie = anon.cookies.get("boomerang_staff")
    anon.get("/agent")
    text = caplog.text
    for secret in (PASSWORD, "a wrong password that is long", token, cookie):
        assert secret and secret not in text
