"""Speed figures for the returns backend: policy decisions per second, label generation time,
the end-to-end create-return request over HTTP (in-process, SQLite), and the warehouse (the
measures over the seeded quarter, a parcel through the dock and inspection).

Run with ``make bench``. Figures are printed, never asserted: speed targets are reported
here, not checked by timed tests.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.adapters.carriers.base import Address, LabelRequest  # noqa: E402
from backend.adapters.carriers.local import LocalCarrier  # noqa: E402
from backend.domain.policy import LineFacts, LineRequest, load_policy  # noqa: E402
from backend.settings import DEFAULT_POLICY_FILE, Settings  # noqa: E402

REASONS = ("damaged", "defective", "wrong_item", "wrong_size", "changed_mind", "not_as_described")
CATEGORIES = ("apparel", "shoes", "home", "electronics", "swimwear", "underwear", "jewellery")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench_policy(seconds: float = 3.0) -> None:
    policy = load_policy(DEFAULT_POLICY_FILE)
    today = dt.date.today()
    requests = []
    for i in range(500):
        facts = LineFacts(order_line_id=i, sku=f"SKU-{i}", category=CATEGORIES[i % len(CATEGORIES)],
                          final_sale=i % 17 == 0, hygiene=i % 11 == 0, unit_paid_minor=500 + (i * 37) % 20000,
                          quantity=1 + i % 2, delivered_on=today - dt.timedelta(days=i % 45))
        resolution = ("refund", "exchange", "store_credit")[i % 3]
        requests.append([LineRequest(facts=facts, reason_code=REASONS[i % len(REASONS)], resolution=resolution,
                                     photo_count=i % 2, exchange_in_stock=bool(i % 4))])
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for req in requests:
            policy.decide(req, customer_returns_90d=done % 8, today=today)
        done += len(requests)
    elapsed = time.perf_counter() - start
    print(f"policy decisions (one line each, with en+fr explanations): {done / elapsed:,.0f} per second "
          f"({done} in {elapsed:.1f} s)")


def bench_labels(count: int = 40) -> None:
    carrier = LocalCarrier()
    shop = Address(name="Maison Boomerang Returns", line1="12 rue des Entrepôts", city="Lyon",
                   postcode="69007", country="FR")
    customer = Address(name="Amélie Poulain", line1="15 rue des Trois Frères", city="Paris",
                       postcode="75018", country="FR")
    times, sizes = [], []
    tracemalloc.start()
    for i in range(count):
        start = time.perf_counter()
        result = carrier.create_return_label(LabelRequest(rma=f"R-{i:04d}-BNCH", from_address=customer,
                                                          to_address=shop, reference=f"BM-{100000 + i}"))
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(result.pdf))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"label generation (4x6 PDF, Code 128 + QR): p50 {statistics.median(times):.1f} ms, "
          f"p95 {_percentile(times, 95):.1f} ms, mean size {statistics.mean(sizes) / 1024:.1f} KiB, "
          f"peak traced memory {peak / 1024 / 1024:.1f} MiB")


def bench_create_return(count: int = 30) -> None:
    """Verify + create a return through the API, on a migrated and seeded SQLite database."""
    from fastapi.testclient import TestClient

    from backend.app import create_app
    from backend.context import build_context
    from backend.bootstrap import migrate_and_seed

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate_and_seed(url)
        settings = dataclasses.replace(Settings(), database_url=url, media_dir=Path(tmp) / "media",
                                       expiry_sweep_seconds=0, verify_max_failures_per_client=10**6)
        client = TestClient(create_app(build_context(settings)))
        client.headers["Authorization"] = f"Bearer {settings.service_token}"
        times = []
        for _ in range(count):
            start = time.perf_counter()
            # As the assistant does: the conversation is verified, the backend keeps the proof.
            conversation = f"rest:bench-{uuid.uuid4().hex[:8]}"
            client.post("/api/v1/verify", json={"reference": "BM-100001", "contact": "alice.martin@example.com",
                                                "conversation_id": conversation})
            headers = {"X-Conversation-Id": conversation}
            lines = client.get("/api/v1/orders/BM-100001/returnable-lines", headers=headers).json()["lines"]
            line = next(l for l in lines if l["category"] == "home")
            r = client.post("/api/v1/returns", headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                            json={"order_number": "BM-100001", "lines": [
                                {"order_line_id": line["order_line_id"], "reason_code": "changed_mind"}]})
            assert r.status_code == 201, r.text
            client.post(f"/api/v1/returns/{r.json()['rma']}/cancel", headers=headers)
            times.append((time.perf_counter() - start) * 1000)
        print(f"verify + list + create return with label + cancel over HTTP (SQLite): "
              f"p50 {statistics.median(times):.0f} ms, p95 {_percentile(times, 95):.0f} ms")


def bench_warehouse(count: int = 20) -> None:
    """The warehouse on the seeded quarter (about 580 orders, 170 returns): the dashboard's
    measures over 90 days (JSON and CSV), and a parcel through the dock and inspection
    (scan, receipt, inspection with its dispositions, stock movements and the refund)."""
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, text

    from backend.app import create_app
    from backend.bootstrap import migrate_and_seed
    from backend.context import build_context

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        migrate_and_seed(url, history=True)
        settings = dataclasses.replace(Settings(), database_url=url, media_dir=Path(tmp) / "media",
                                       expiry_sweep_seconds=0, notify_sweep_seconds=0)
        client = TestClient(create_app(build_context(settings)))
        client.headers["Authorization"] = f"Bearer {settings.staff_token}"
        for route in ("/api/v1/kpis", "/api/v1/kpis.csv"):
            times = []
            for _ in range(count):
                start = time.perf_counter()
                assert client.get(route).status_code == 200
                times.append((time.perf_counter() - start) * 1000)
            print(f"measures over 90 days of the seeded quarter, GET {route}: "
                  f"p50 {statistics.median(times):.0f} ms, p95 {_percentile(times, 95):.0f} ms")
        with create_engine(url).connect() as conn:
            on_the_way = list(conn.execute(text(
                "SELECT rma FROM return_requests WHERE status IN ('in_transit', 'label_issued')")).scalars())
        times = []
        for rma in on_the_way[:count]:
            start = time.perf_counter()
            ret = client.post("/api/v1/warehouse/scan", json={"code": rma}).json()
            lines = [{"line_id": l["id"], "received_quantity": l["quantity"]} for l in ret["lines"]]
            ret = client.post(f"/api/v1/warehouse/returns/{rma}/receipt", json={"lines": lines}).json()
            graded = [{"line_id": l["id"], "grade": "A"} for l in ret["lines"] if l["eligible"]]
            r = client.post(f"/api/v1/warehouse/returns/{rma}/inspection", json={"lines": graded})
            assert r.status_code == 200, r.text
            times.append((time.perf_counter() - start) * 1000)
        if times:
            print(f"a parcel through the dock and inspection (scan + receipt + inspection and refund, "
                  f"{len(times)} parcels): p50 {statistics.median(times):.0f} ms, p95 {_percentile(times, 95):.0f} ms")


if __name__ == "__main__":
    bench_policy()
    bench_labels()
    bench_create_return()
    bench_warehouse()
