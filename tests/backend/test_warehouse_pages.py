"""The warehouse pages' routes (issue 14): /warehouse (dock), /warehouse/returns/{rma}
(inspection), /warehouse/refurbish (the refurbishing queue), /warehouse/dashboard. Strangers go to the sign-in page, which brings them
back; agents get a 403 page; warehouse staff and managers get the page shell in English or
French, under the console's Content-Security-Policy, with the CSRF cookie. A warehouse
account lands on the dock after signing in. (What the pages do is in tests/browser.)"""
from __future__ import annotations

import json
import re
from html import unescape

import pytest

from tests.backend.test_staff_auth import add_account, anon, clock, page_sign_in  # noqa: F401 (fixtures)

PAGES = ("/warehouse", "/warehouse/returns/R-ABCD-EFGH", "/warehouse/refurbish", "/warehouse/dashboard")


def words_of(page_text: str) -> dict:
    found = re.search(r'data-words="([^"]*)"', page_text)
    assert found, "the page hands its words to the script"
    return json.loads(unescape(found.group(1)))


@pytest.mark.parametrize("path", PAGES)
def test_strangers_are_sent_to_sign_in_and_back(anon, path):
    r = anon.get(f"{path}?lang=fr", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/agent/login?lang=fr&next={path}"
    login = anon.get(r.headers["location"])
    assert login.status_code == 200 and "Mot de passe" in login.text
    assert f'data-next="{path}"' in login.text  # where the form sends the browser once signed in
    assert f"/agent/login?lang=en&amp;next={path}" in login.text  # the language switch keeps it


@pytest.mark.parametrize("path", PAGES)
def test_an_agent_gets_a_403_page_in_their_language(anon, ctx, clock, path):
    add_account(ctx, "ana@shop.example", role="agent", language="fr")
    assert page_sign_in(anon, "ana@shop.example").status_code == 200
    r = anon.get(path, follow_redirects=False)
    assert r.status_code == 403
    assert '<html lang="fr">' in r.text and "Pas pour votre rôle" in r.text and 'href="/agent?lang=fr"' in r.text
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    en = anon.get(f"{path}?lang=en", follow_redirects=False)
    assert en.status_code == 403 and "Not for your role" in en.text
    assert "boomerang-warehouse.js" not in en.text and "boomerang-dashboard.js" not in en.text


def test_the_dock_in_english_and_french_for_the_warehouse(anon, ctx, clock):
    add_account(ctx, "wh@shop.example", role="warehouse", name="Wes <Dock>", language="en")
    assert page_sign_in(anon, "wh@shop.example").status_code == 200
    en = anon.get("/warehouse")
    assert en.status_code == 200 and '<html lang="en">' in en.text
    assert "<title>Dock: receiving · Boomerang</title>" in en.text
    assert "Wes &lt;Dock&gt;" in en.text and "Role: Warehouse" in en.text and "Sign out" in en.text
    assert 'src="/static/boomerang-warehouse.js"' in en.text and 'data-page="dock"' in en.text
    assert 'href="/warehouse?lang=fr"' in en.text  # the language switch stays on the page
    assert 'id="nav-console"' not in en.text  # the console's queue is not the warehouse's
    csp = en.headers["content-security-policy"]
    nonce = re.search(r"script-src 'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in en.text and "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert "cdn" not in en.text.lower() and "https://" not in en.text  # everything from this origin
    assert en.headers["cache-control"] == "no-store"
    assert words_of(en.text)["reasons"]["damaged"] == "arrived damaged"

    fr = anon.get("/warehouse?lang=fr")
    assert '<html lang="fr">' in fr.text and "Quai : réception" in fr.text and "Rôle : Entrepôt" in fr.text
    words = words_of(fr.text)
    assert words["dispositions"]["restock"] == "remise en stock" and words["reasons"]["wrong_size"] == "mauvaise taille"
    assert words["grades"] == ["N", "A", "B", "C", "D"] and "seal_broken" in words["flags"]


def test_the_pages_hand_out_the_csrf_cookie_their_scripts_send_back(anon, ctx, clock):
    add_account(ctx, "wh@shop.example", role="warehouse")
    assert page_sign_in(anon, "wh@shop.example").status_code == 200
    anon.cookies.delete("boomerang_csrf")
    page = anon.get("/warehouse/dashboard")
    assert "boomerang_csrf=" in page.headers["set-cookie"]
    assert 'data-csrf-header="x-csrf-token"' in page.text


def test_inspection_and_dashboard_pages_name_their_return_and_bundle(anon, ctx, clock):
    add_account(ctx, "sup@shop.example", role="supervisor", language="fr")
    assert page_sign_in(anon, "sup@shop.example").status_code == 200
    page = anon.get("/warehouse/returns/R-ABCD-EFGH")
    assert page.status_code == 200 and 'data-rma="R-ABCD-EFGH"' in page.text and 'data-page="inspection"' in page.text
    assert "<title>Inspection · Boomerang</title>" in page.text
    assert 'href="/warehouse/returns/R-ABCD-EFGH?lang=en"' in page.text
    assert 'id="nav-console"' in page.text  # a supervisor also works the console
    odd = anon.get("/warehouse/returns/<script>", follow_redirects=False)
    assert odd.status_code == 303 and odd.headers["location"] == "/warehouse"
    queue = anon.get("/warehouse/refurbish?lang=en")
    assert "<title>Refurbishing queue · Boomerang</title>" in queue.text and 'data-page="refurbish"' in queue.text
    assert "File de reconditionnement" in anon.get("/warehouse/refurbish").text
    board = anon.get("/warehouse/dashboard?lang=en")
    assert "Returns dashboard" in board.text and 'src="/static/boomerang-dashboard.js"' in board.text
    assert "Tableau de bord des retours" in anon.get("/warehouse/dashboard").text  # the account's language


def test_a_warehouse_account_lands_on_the_dock(anon, ctx, clock):
    add_account(ctx, "wh@shop.example", role="warehouse", language="fr")
    assert page_sign_in(anon, "wh@shop.example").json()["role"] == "warehouse"  # what the form reads
    console = anon.get("/agent", follow_redirects=False)
    assert console.status_code == 303 and console.headers["location"] == "/warehouse"
    assert anon.get("/agent?lang=en", follow_redirects=False).headers["location"] == "/warehouse?lang=en"
    again = anon.get("/agent/login", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/warehouse"
    back = anon.get("/agent/login?lang=fr&next=/warehouse/returns/R-ABCD-EFGH", follow_redirects=False)
    assert back.headers["location"] == "/warehouse/returns/R-ABCD-EFGH?lang=fr"


def test_an_agent_still_lands_on_the_console(anon, ctx, clock):
    add_account(ctx, "ana@shop.example", role="agent")
    assert page_sign_in(anon, "ana@shop.example").status_code == 200
    assert anon.get("/agent").status_code == 200
    assert anon.get("/agent/login", follow_redirects=False).headers["location"] == "/agent"


@pytest.mark.parametrize("target", ["//evil.example/warehouse", "https://evil.example/", "/warehouse/../agent",
                                    "/warehouse?x=1", "/elsewhere", "/warehouse\\evil", "/agent/x%2F%2Fevil"])
def test_the_sign_in_page_only_sends_back_to_our_staff_pages(anon, target):
    page = anon.get("/agent/login", params={"next": target})
    assert page.status_code == 200 and 'data-next=""' in page.text and "evil" not in page.text
