"""The dashboard (/warehouse/dashboard) in a real headless Chromium against the backend alone,
on the demo shop with its seeded quarter of history: a supervisor signs in and is brought
back to it; the tiles show figures, the four Chart.js charts (bundled, no CDN) are drawn on
their canvases, the CSV link downloads the same period; a narrower range is applied; the
page switches to French keeping the range; a reversed range is refused."""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.warehouse_backend import csp_violations, sign_in, warehouse_backend
from tests.live_backend import ThreadedBackend

CHARTS = ("returns_per_week", "recovery_per_week", "disposition_mix", "top_reasons")
PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted += 1;
  return painted;
}"""


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> Iterator[ThreadedBackend]:
    from backend.demo.history import seed_history  # the measures' seeded quarter (issue 14)

    for live in warehouse_backend(tmp_path_factory, "warehouse-dashboard"):
        with live.ctx.sessions() as session:
            assert seed_history(session, today=live.ctx.today()).returns > 0
        yield live


def painted(page: Page, chart: str) -> int:
    return page.evaluate(PAINTED, f"chart-{chart}")


def test_a_supervisor_reads_the_quarter_downloads_it_and_reads_it_in_french(open_browser, backend):
    today = backend.ctx.today()
    start = today - dt.timedelta(days=89)
    _, page = open_browser("en-GB")
    complaints = csp_violations(page)
    sign_in(page, backend, "/warehouse/dashboard", "dana@shop.example", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns dashboard")
    loaded = page.locator(f"body[data-loaded='{start.isoformat()}/{today.isoformat()}']")
    expect(loaded).to_have_count(1)  # the API's default period: the last 90 days
    expect(page.locator("#from")).to_have_value(start.isoformat())
    expect(page.locator("#to")).to_have_value(today.isoformat())

    percent = re.compile(r"^\d+(\.\d)?%$")
    for kpi in ("return_rate_units", "return_rate_orders", "return_rate_value", "recovery_rate", "refund_on_time"):
        expect(page.locator(f"[data-kpi='{kpi}'] .tile-value")).to_have_text(percent)
    expect(page.locator("[data-kpi='return_rate_units'] .tile-name")).to_have_text("Return rate (units)")
    expect(page.locator("[data-kpi='cost_per_return'] .tile-value")).to_have_text(re.compile(r"^€\d+\.\d\d$"))
    expect(page.locator("[data-kpi='returns'] .tile-value")).to_have_text(re.compile(r"^[1-9][\d,]*$"))
    expect(page.locator("[data-kpi='received_to_inspected'] .tile-value")).to_have_text(re.compile(r"^[\d.]+ [hd]$"))

    names = page.locator(".tile-name").all_inner_texts()
    assert len(names) == 12 and all(name.strip() for name in names)  # every tile says what it is
    weeks = int(page.locator("#chart-returns_per_week").get_attribute("data-points"))
    assert 13 <= weeks <= 14  # one bar a week of the 90 days
    for chart in CHARTS:
        assert painted(page, chart) > 500, f"{chart} is not drawn"
    assert int(page.locator("#chart-disposition_mix").get_attribute("data-points")) >= 3  # restock, refurbish…

    csv = page.get_by_role("link", name="Download CSV")
    href = f"/api/v1/kpis.csv?from={start.isoformat()}&to={today.isoformat()}"
    expect(csv).to_have_attribute("href", href)
    download = page.request.get(f"{backend.url}{href}")  # with the page's session cookie
    assert download.ok and download.headers["content-type"].startswith("text/csv")
    text = download.body().decode("utf-8")
    assert text.startswith("\ufeffmetric,dimension,key,name,value")
    assert "return_rate_units" in text and f"period_from,,,,{start.isoformat()}" in text
    # The disposal register of the same period: the seeded quarter recycled and donated units.
    register = page.get_by_role("link", name="Disposal register (CSV)")
    register_href = f"/api/v1/warehouse/disposal-register.csv?from={start.isoformat()}&to={today.isoformat()}"
    expect(register).to_have_attribute("href", register_href)
    rows = page.request.get(f"{backend.url}{register_href}").body().decode("utf-8").splitlines()
    assert rows[0].startswith("\ufeffinspected_at,rma,line_id,sku") and len(rows) > 1

    narrow = today - dt.timedelta(days=29)
    page.locator("#from").fill(narrow.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator(f"body[data-loaded='{narrow.isoformat()}/{today.isoformat()}']")).to_have_count(1)
    expect(csv).to_have_attribute("href", f"/api/v1/kpis.csv?from={narrow.isoformat()}&to={today.isoformat()}")
    assert int(page.locator("#chart-returns_per_week").get_attribute("data-points")) in (5, 6)
    assert painted(page, "returns_per_week") > 500

    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(rf"/warehouse/dashboard\?lang=fr&from={narrow.isoformat()}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord des retours")
    expect(page.locator(f"body[data-loaded='{narrow.isoformat()}/{today.isoformat()}']")).to_have_count(1)
    expect(page.locator("[data-kpi='return_rate_units'] .tile-name")).to_have_text("Taux de retour (unités)")
    expect(page.locator("[data-kpi='recovery_rate'] .tile-value")).to_have_text(re.compile(r"^\d+(,\d)?\s%$"))
    assert all(name.strip() for name in page.locator(".tile-name").all_inner_texts())
    expect(page.get_by_role("link", name="Télécharger le CSV")).to_have_count(1)
    expect(page.get_by_role("link", name="Registre des sorties (CSV)")).to_have_count(1)
    for chart in CHARTS:
        assert painted(page, chart) > 500, f"{chart} is not drawn in French"

    page.locator("#from").fill(today.isoformat())
    page.locator("#to").fill(narrow.isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("#errors .error")).to_contain_text("La date de début doit précéder la date de fin.")
    assert complaints == []


def test_the_warehouse_team_reads_the_dashboard_too(open_browser, backend):
    _, page = open_browser("en-GB")
    sign_in(page, backend, "/warehouse/dashboard", "wes@shop.example", "en")
    expect(page.locator("[data-kpi='recovery_rate'] .tile-value")).to_have_text(re.compile(r"^\d+(\.\d)?%$"))
    expect(page.locator("#nav-console")).to_have_count(0)
    page.get_by_role("link", name="Dock").click()
    expect(page.locator("#scan")).to_be_focused()
