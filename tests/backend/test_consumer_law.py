"""French consumer law as the policy's floor (issue 13): the loader refusing every policy below
it, and the engine applying it to every decision, in both languages, at each rule's boundary.

Dates are fixed (no clock). Small policy texts go through ``policy_from_text`` so each test
shows the rule it is about; the demo policy (default.yml) is checked to pass its own floor.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import backend.domain.policy_engine as engine
from backend.domain import consumer_law as law
from backend.domain import policy_text as txt
from backend.domain.policy import (
    CONFORMITY_REASONS,
    REASON_CODES,
    LineFacts,
    LineRequest,
    OrderFacts,
    Policy,
    PolicyError,
    ReturnDecision,
    load_policy,
    policy_from_text,
)

REPO = Path(__file__).resolve().parents[2]
DEMO_YML = REPO / "backend" / "domain" / "policies" / "default.yml"
COMMERCIAL_YML = Path(__file__).resolve().parent / "policies" / "commercial.yml"

DELIVERED = dt.date(2026, 3, 1)
NAMES = {1: "Linen shirt", 2: "Headphones", 3: "Bra"}

FR_POLICY = """\
version: "law-test"
shop_name: Test shop
currency: EUR
jurisdiction: FR
withdrawal:
  customer_informed: true
  customer_pays_return_shipping: true
categories:
  apparel:
    names: {en: clothing, fr: vêtements}
    window_days: 30
  electronics:
    names: {en: electronics, fr: électronique}
    window_days: 30
    restocking_fee_percent: 10
    restocking_fee_from_day: 15
  underwear:
    names: {en: underwear, fr: sous-vêtements}
    window_days: 30
  default:
    window_days: 30
reasons:
  damaged:          {shop_fault: true,  photo_required: true}
  defective:        {shop_fault: true,  photo_required: false}
  wrong_item:       {shop_fault: true,  photo_required: false}
  not_as_described: {shop_fault: true,  photo_required: false}
  wrong_size:       {shop_fault: false, photo_required: false}
  changed_mind:     {shop_fault: false, photo_required: false}
  arrived_late:     {shop_fault: false, photo_required: false}
  other:            {shop_fault: false, photo_required: false}
exclusions:
  final_sale: true
  hygiene_categories: [underwear]
  hygiene_seal_condition: true
  faulty_items_go_to_review: true
return_shipping:
  customer_fee_minor: 500
label:
  valid_days: 14
refunds:
  days_min: 5
  days_max: 10
"""


def policy_text(*replacements: tuple[str, str], base: str = FR_POLICY) -> str:
    text = base
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def fr(*replacements: tuple[str, str]) -> Policy:
    return policy_from_text(policy_text(*replacements), "law.yml")


def refused(*replacements: tuple[str, str]) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        fr(*replacements)
    return info.value


def line_of(text: str, needle: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, needle
    return lines[0]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return fr()


def day(n: int) -> dt.date:
    return DELIVERED + dt.timedelta(days=n)


def facts(line_id: int = 1, *, category: str = "apparel", paid: int = 4500, qty: int = 1,
          delivered: dt.date | None = DELIVERED, **flags: object) -> LineFacts:
    return LineFacts(order_line_id=line_id, sku=f"SKU-{line_id}", category=category,
                     final_sale=bool(flags.pop("final_sale", False)),
                     hygiene=bool(flags.pop("hygiene", False)), unit_paid_minor=paid,
                     quantity=qty, delivered_on=delivered, **flags)  # type: ignore[arg-type]


def req(f: LineFacts, reason: str = "changed_mind", resolution: str = "refund",
        photos: int = 0, in_stock: bool | None = None) -> LineRequest:
    return LineRequest(facts=f, reason_code=reason, resolution=resolution, photo_count=photos,
                       exchange_in_stock=in_stock)


def decide(p: Policy, *lines: LineRequest, today: dt.date,
           order: OrderFacts | None = None) -> ReturnDecision:
    return p.decide(list(lines), customer_returns_90d=0, today=today, item_names=NAMES,
                    order=order)


# --- Legal periods -------------------------------------------------------------------------
def test_two_years_is_the_same_date_and_29_february_becomes_28() -> None:
    assert law.guarantee_ends_on(dt.date(2026, 3, 1)) == dt.date(2028, 3, 1)
    assert law.guarantee_ends_on(dt.date(2028, 2, 29)) == dt.date(2030, 2, 28)
    assert law.add_months(dt.date(2028, 2, 29), 12) == dt.date(2029, 2, 28)
    assert law.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert law.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert law.add_months(dt.date(2026, 3, 31), 1) == dt.date(2026, 4, 30)
    assert law.add_months(dt.date(2026, 1, 31), 2) == dt.date(2026, 3, 31)
    assert law.presumption_ends_on(DELIVERED, used_goods=False) == dt.date(2028, 3, 1)
    assert law.presumption_ends_on(DELIVERED, used_goods=True) == dt.date(2027, 3, 1)


def test_withdrawal_period_and_refund_deadline() -> None:
    assert law.withdrawal_ends_on(DELIVERED, customer_informed=True) == dt.date(2026, 3, 15)
    assert law.withdrawal_ends_on(DELIVERED, customer_informed=False) == dt.date(2027, 3, 15)
    assert law.refund_due_on(dt.date(2026, 3, 20)) == dt.date(2026, 4, 3)
    assert law.day_of_return(DELIVERED, day(15)) == 15


# --- The loader's floor --------------------------------------------------------------------
def test_demo_policy_declares_fr_and_passes_its_own_floor() -> None:
    p = load_policy(DEMO_YML)
    assert p.jurisdiction == "FR"
    assert p.version == "2026.12-1"
    assert p.window_days("electronics") == 30
    assert p.category("electronics").restocking_fee_percent == Decimal(15)
    assert p.category("electronics").restocking_fee_from_day == 15
    assert p.hygiene_seal_condition is True
    assert (p.withdrawal_customer_informed, p.withdrawal_customer_pays_return_shipping) == (
        True, True)
    assert all(rule.window_days >= 14 for rule in p.categories.values())


def test_a_window_below_14_days_is_refused_with_the_article() -> None:
    text = policy_text(("    window_days: 30\n  electronics", "    window_days: 10\n  electronics"))
    with pytest.raises(PolicyError) as info:
        policy_from_text(text, "law.yml")
    line = line_of(text, "window_days: 10")
    assert str(info.value) == (f"law.yml:{line}: categories.apparel.window_days: 10 days is "
                               "below the 14-day withdrawal right (Code de la consommation "
                               "L221-18)")
    assert refused(("    window_days: 30\n  electronics",
                    "    window_days: 13\n  electronics")).problem.startswith("13 days is below")
    # 14 days is the floor itself: accepted.
    assert fr(("    window_days: 30\n  electronics",
               "    window_days: 14\n  electronics")).window_days("apparel") == 14


def test_a_restocking_fee_that_could_apply_to_a_withdrawal_is_refused() -> None:
    text = policy_text(("    restocking_fee_from_day: 15", "    restocking_fee_from_day: 14"))
    with pytest.raises(PolicyError) as info:
        policy_from_text(text, "law.yml")
    err = info.value
    assert (err.line, err.path) == (line_of(text, "restocking_fee_from_day: 14"),
                                    "categories.electronics.restocking_fee_from_day")
    assert "a restocking fee from day 14 could apply to a withdrawal" in err.problem
    assert "(Code de la consommation L221-23)" in err.problem
    assert str(err).startswith(f"law.yml:{err.line}: categories.electronics.")


def test_a_restocking_fee_without_a_first_day_is_refused_on_its_line() -> None:
    text = policy_text(("    restocking_fee_from_day: 15\n", ""))
    with pytest.raises(PolicyError) as info:
        policy_from_text(text, "law.yml")
    err = info.value
    assert (err.line, err.path) == (line_of(text, "restocking_fee_percent: 10"),
                                    "categories.electronics.restocking_fee_percent")
    assert "a 10% restocking fee without restocking_fee_from_day would apply to withdrawals" \
        in err.problem
    assert "Code de la consommation L221-23" in err.problem
    assert "add restocking_fee_from_day: 15" in err.problem


@pytest.mark.parametrize(("old", "new", "needle", "path"), [
    ("  hygiene_seal_condition: true\n", "  hygiene_seal_condition: false\n",
     "hygiene_seal_condition: false", "exclusions.hygiene_seal_condition"),
    ("  hygiene_seal_condition: true\n", "", "hygiene_categories:",
     "exclusions.hygiene_categories"),
])
def test_hygiene_refused_without_the_seal_condition_is_refused(old: str, new: str, needle: str,
                                                               path: str) -> None:
    text = policy_text((old, new))
    with pytest.raises(PolicyError) as info:
        policy_from_text(text, "law.yml")
    err = info.value
    assert (err.line, err.path) == (line_of(text, needle), path)
    assert "hygiene items may be refused only once unsealed after delivery " \
           "(Code de la consommation L221-28 5°)" in err.problem
    assert str(err).startswith(f"law.yml:{err.line}: {path}: ")


def test_hygiene_products_alone_need_the_seal_condition_too() -> None:
    err = refused(("  hygiene_categories: [underwear]\n  hygiene_seal_condition: true\n",
                   "  hygiene_products_text: {en: pierced jewellery, fr: bijoux pour piercing}\n"))
    assert err.path == "exclusions.hygiene_products_text" and "L221-28" in err.problem


def test_every_floor_problem_is_reported_at_once_and_none_accepts_them() -> None:
    below = (("    window_days: 30\n  electronics", "    window_days: 7\n  electronics"),
             ("    restocking_fee_from_day: 15\n", ""),
             ("  hygiene_seal_condition: true\n", ""))
    err = refused(*below)
    assert [p.path for p in err.problems] == [
        "categories.apparel.window_days", "categories.electronics.restocking_fee_percent",
        "exclusions.hygiene_categories"]
    assert [a in str(err) for a in ("L221-18", "L221-23", "L221-28")] == [True] * 3
    assert len(str(err).splitlines()) == 3
    # The same rules are a shop's own choice outside France.
    p = policy_from_text(policy_text(*below, ("jurisdiction: FR\nwithdrawal:\n"
                                              "  customer_informed: true\n"
                                              "  customer_pays_return_shipping: true\n", "")))
    assert (p.jurisdiction, p.window_days("apparel")) == ("none", 7)


def test_the_withdrawal_section_goes_with_jurisdiction_fr() -> None:
    text = policy_text(("jurisdiction: FR\n", "jurisdiction: none\n"))
    with pytest.raises(PolicyError) as info:
        policy_from_text(text, "law.yml")
    assert (info.value.line, info.value.path) == (line_of(text, "withdrawal:"), "withdrawal")
    assert "only with jurisdiction: FR" in info.value.problem

    text = policy_text(("withdrawal:\n  customer_informed: true\n"
                        "  customer_pays_return_shipping: true\n", ""))
    with pytest.raises(PolicyError) as info:
        policy_from_text(text, "law.yml")
    assert (info.value.line, info.value.path) == (line_of(text, "jurisdiction:"), "withdrawal")
    assert "required with jurisdiction: FR" in info.value.problem
    assert "L221-20" in info.value.problem and "L221-23" in info.value.problem


def test_jurisdiction_values() -> None:
    assert fr(("jurisdiction: FR\n", "jurisdiction: fr\n")).jurisdiction == "FR"
    err = refused(("jurisdiction: FR\n", "jurisdiction: DE\n"))
    assert err.path == "jurisdiction" and "expected one of: none, FR" in err.problem
    err = refused(("  customer_informed: true\n", "  customer_informed: yes please\n"))
    assert err.path == "withdrawal.customer_informed" and "true or false" in err.problem
    assert load_policy(COMMERCIAL_YML).jurisdiction == "none"  # absent: none


# --- The withdrawal right: 14 days from delivery ---------------------------------------------
def test_any_reason_within_14_days_is_a_withdrawal_then_the_shops_window(policy: Policy) -> None:
    d14 = decide(policy, req(facts(), "arrived_late"), today=day(14))
    assert d14.outcome == "approved"
    assert d14.lines[0].legal_basis == "withdrawal"
    assert d14.lines[0].reason_codes == ("basis_withdrawal",)
    assert d14.explanation["en"].startswith(
        "Approved: under your 14-day right of withdrawal (Consumer Code, article L221-18), you "
        "can return the Linen shirt for any reason until 15 March 2026 (delivered on "
        "1 March 2026).")
    assert d14.explanation["fr"].startswith(
        "Accepté : au titre de votre droit de rétractation de 14 jours (article L221-18 du Code "
        "de la consommation), vous pouvez retourner l'article « Linen shirt » sans avoir à vous "
        "justifier jusqu'au 15 mars 2026")
    d15 = decide(policy, req(facts(), "arrived_late"), today=day(15))
    assert d15.lines[0].legal_basis == "commercial"
    assert d15.lines[0].reason_codes == ("basis_commercial", "within_window")
    assert "right of withdrawal" not in d15.explanation["en"]
    assert "30-day return window" in d15.explanation["en"]
    assert "délai de retour de 30 jours" in d15.explanation["fr"]


def test_final_sale_is_returnable_on_day_14_and_refused_on_day_15(policy: Policy) -> None:
    item = facts(final_sale=True)
    d14 = decide(policy, req(item), today=day(14))
    assert (d14.outcome, d14.refund_amount_minor) == ("approved", 4500 - 500)
    assert d14.lines[0].reason_codes == ("basis_withdrawal", "final_sale_overridden_by_law")
    assert "was sold as final sale, but that does not limit your legal right of withdrawal" \
        in d14.explanation["en"]
    assert "vendu en vente finale, mais cela ne limite pas votre droit légal de rétractation" \
        in d14.explanation["fr"]
    d15 = decide(policy, req(item), today=day(15))
    assert d15.outcome == "rejected"
    assert d15.reason_codes == ("basis_commercial", "final_sale")
    assert "final sale and cannot be returned" in d15.explanation["en"]
    assert "vente finale" in d15.explanation["fr"]

    e14, e15 = (policy.line_eligibility(item, day(n), item_names=NAMES) for n in (14, 15))
    assert (e14.eligible, e14.reason_codes, e14.window_ends_on) == (
        True, ("basis_withdrawal", "final_sale_overridden_by_law"), dt.date(2026, 3, 15))
    assert (e15.eligible, e15.reason_codes) == (False, ("final_sale", "guarantee_available"))
    assert e15.guarantee_ends_on == dt.date(2028, 3, 1)
    assert "legal guarantee of conformity (2 years) covers it until 1 March 2028" in \
        e15.explanation["en"]
    assert "garantie légale de conformité (2 ans) le couvre jusqu'au 1er mars 2028" in \
        e15.explanation["fr"]


def test_eligibility_gives_the_later_of_withdrawal_and_window(policy: Policy) -> None:
    e = policy.line_eligibility(facts(), day(3), item_names=NAMES)
    assert (e.eligible, e.reason_codes, e.window_ends_on) == (
        True, ("basis_withdrawal",), dt.date(2026, 3, 31))
    assert "After that, our 30-day return window lets you return it until 31 March 2026." in \
        e.explanation["en"]
    assert "Ensuite, notre délai de retour de 30 jours vous permet de le retourner jusqu'au " \
           "31 mars 2026." in e.explanation["fr"]
    late = policy.line_eligibility(facts(), day(20))
    assert (late.eligible, late.reason_codes) == (True, ("basis_commercial", "within_window"))
    gone = policy.line_eligibility(facts(), law.guarantee_ends_on(DELIVERED) + dt.timedelta(1))
    assert (gone.eligible, gone.reason_codes) == (False, ("window_expired",))


def test_not_informed_adds_12_months_to_the_withdrawal_period() -> None:
    p = fr(("  customer_informed: true", "  customer_informed: false"))
    last = dt.date(2027, 3, 15)
    d = decide(p, req(facts(final_sale=True)), today=last)
    assert d.outcome == "approved" and d.lines[0].legal_basis == "withdrawal"
    assert "extended by 12 months as you were not informed of it (Consumer Code, articles " \
           "L221-18 and L221-20)" in d.explanation["en"]
    assert "prolongé de 12 mois faute d'en avoir été informé" in d.explanation["fr"]
    after = decide(p, req(facts()), today=last + dt.timedelta(days=1))
    assert after.outcome == "rejected" and after.reason_codes == ("basis_commercial",
                                                                   "window_expired")
    e = p.line_eligibility(facts(), last + dt.timedelta(days=1), item_names=NAMES)
    assert "period to return it under your right of withdrawal ended on 15 March 2027" in \
        e.explanation["en"]
    assert "au titre de votre droit de rétractation a pris fin le 15 mars 2027" in \
        e.explanation["fr"]


def test_no_restocking_fee_on_a_withdrawal_then_from_day_15(policy: Policy) -> None:
    headphones = facts(2, category="electronics", paid=10000)
    d14 = decide(policy, req(headphones), today=day(14))
    assert (d14.restocking_fee_minor, d14.lines[0].refund_amount_minor) == (0, 10000)
    assert "restocking_fee" not in d14.reason_codes
    d15 = decide(policy, req(headphones), today=day(15))
    assert (d15.restocking_fee_minor, d15.lines[0].refund_amount_minor) == (1000, 9000)
    assert d15.lines[0].reason_codes == ("basis_commercial", "within_window", "restocking_fee")
    assert "A 10% restocking fee of €10.00 applies to the Headphones (electronics): it is " \
           "returned 15 days after delivery (the fee applies from day 15)" in d15.explanation["en"]
    assert "Des frais de remise en stock de 10 % (10,00 €) s'appliquent à l'article " \
           "« Headphones » (électronique) : il est retourné 15 jours après la livraison" in \
        d15.explanation["fr"]


def test_restocking_fee_from_day_applies_outside_france_too() -> None:
    text = COMMERCIAL_YML.read_text(encoding="utf-8").replace(
        "    restocking_fee_percent: 15 ", "    restocking_fee_from_day: 8\n"
                                          "    restocking_fee_percent: 15 ")
    p = policy_from_text(text)
    assert p.jurisdiction == "none"
    assert decide(p, req(facts(2, category="electronics", paid=10000)),
                  today=day(7)).restocking_fee_minor == 0
    assert decide(p, req(facts(2, category="electronics", paid=10000)),
                  today=day(8)).restocking_fee_minor == 1500


def test_return_shipping_on_a_withdrawal_only_if_the_customer_pays() -> None:
    pays = decide(fr(), req(facts()), today=day(5))
    assert (pays.return_shipping_fee_minor, pays.refund_amount_minor) == (500, 4000)
    assert "return_shipping_fee" in pays.reason_codes
    shop = fr(("  customer_pays_return_shipping: true", "  customer_pays_return_shipping: false"))
    free = decide(shop, req(facts()), today=day(5))
    assert (free.return_shipping_fee_minor, free.refund_amount_minor) == (0, 4500)
    assert free.reason_codes[-1] == "free_return_shipping"
    assert "Return shipping is on us." in free.explanation["en"]
    assert "Les frais de retour sont à notre charge." in free.explanation["fr"]
    # Past the 14 days the shop's own fee applies again.
    assert decide(shop, req(facts()), today=day(15)).return_shipping_fee_minor == 500


def test_whole_order_withdrawal_refunds_the_delivery_cost(policy: Policy) -> None:
    whole = OrderFacts(delivery_paid_minor=490, whole_order=True)
    d = decide(policy, req(facts(1)), req(facts(2, category="electronics", paid=10000)),
               today=day(5), order=whole)
    assert d.delivery_refund_minor == 490
    assert d.refund_amount_minor == 4500 + 10000 - 500 + 490  # includes the delivery cost
    assert d.reason_codes[-1] == "delivery_cost_refunded"
    assert "the delivery cost you paid (€4.90) is refunded too (Consumer Code, article " \
           "L221-24)" in d.explanation["en"]
    assert "les frais de livraison payés (4,90 €) vous sont aussi remboursés" in \
        d.explanation["fr"]
    assert "refund of €144.90" in d.explanation["en"]

    part = decide(policy, req(facts(1)), today=day(5), order=OrderFacts(490, whole_order=False))
    assert (part.delivery_refund_minor, part.refund_amount_minor) == (0, 4000)
    assert decide(policy, req(facts(1)), today=day(5)).delivery_refund_minor == 0
    # Not every line withdrawn (a guarantee claim) or past the 14 days: no delivery refund.
    mixed = decide(policy, req(facts(1)), req(facts(2), "defective"), today=day(5), order=whole)
    assert mixed.delivery_refund_minor == 0 and "delivery_cost_refunded" not in mixed.reason_codes
    assert decide(policy, req(facts(1)), today=day(15), order=whole).delivery_refund_minor == 0


def test_refund_due_14_days_after_a_withdrawal_request(policy: Policy) -> None:
    d = decide(policy, req(facts()), today=day(5))
    assert d.refund_due_on == dt.date(2026, 3, 20)
    assert "you will be refunded by 20 March 2026 at the latest (14 days from your request)" \
        in d.explanation["en"]
    assert "vous serez remboursé au plus tard le 20 mars 2026 (14 jours après votre demande)" \
        in d.explanation["fr"]
    assert decide(policy, req(facts()), today=day(15)).refund_due_on is None  # commercial
    assert decide(policy, req(facts(), "wrong_size", "exchange", in_stock=True),
                  today=day(5)).refund_due_on is None  # nothing to refund
    rejected = decide(policy, req(facts(1)), req(facts(2, personalised=True)), today=day(5))
    assert (rejected.outcome, rejected.refund_due_on) == ("rejected", None)


# --- Product exceptions (L221-28) ----------------------------------------------------------
@pytest.mark.parametrize(("flag", "en", "fr_text"), [
    ("personalised", "made to your specifications or personalised for you",
     "fabriqué selon vos spécifications ou personnalisé pour vous"),
    ("perishable", "is perishable, so it cannot be returned", "est périssable"),
])
def test_personalised_and_perishable_items_have_no_withdrawal(policy: Policy, flag: str,
                                                              en: str, fr_text: str) -> None:
    item = facts(**{flag: True})
    d = decide(policy, req(item), today=day(3))
    assert d.outcome == "rejected"
    assert d.lines[0].reason_codes == ("basis_withdrawal", flag)
    assert d.lines[0].legal_basis == "withdrawal"
    assert en in d.explanation["en"] and "article L221-28" in d.explanation["en"]
    assert fr_text in d.explanation["fr"] and "article L221-28 du Code de la consommation" in \
        d.explanation["fr"]
    e = policy.line_eligibility(item, day(3))
    assert (e.eligible, e.reason_codes) == (False, (flag, "guarantee_available"))
    # A lack of conformity is still the shop's to put right.
    claim = decide(policy, req(item, "defective", "replacement"), today=day(3))
    assert claim.outcome == "approved" and claim.lines[0].legal_basis == "guarantee"


def test_an_exception_falls_to_the_shops_policy_only_when_it_is_more_generous() -> None:
    # This shop treats "other" as its own fault and reviews excluded items claimed so.
    p = fr(("  other:            {shop_fault: false, photo_required: false}",
            "  other:            {shop_fault: true,  photo_required: false}"))
    d = decide(p, req(facts(personalised=True), "other"), today=day(3))
    assert d.outcome == "needs_review" and d.lines[0].legal_basis == "commercial"
    assert d.lines[0].reason_codes == ("basis_commercial", "within_window", "personalised",
                                       "excluded_item_fault_claim")
    refused_line = decide(p, req(facts(personalised=True), "wrong_size"), today=day(3))
    assert refused_line.reason_codes == ("basis_withdrawal", "personalised")


@pytest.mark.parametrize("item", [facts(3, category="underwear"), facts(3, hygiene=True),
                                  facts(3, sealed_media=True)],
                         ids=["hygiene category", "hygiene product", "sealed media"])
def test_sealed_items_depend_on_the_seal(policy: Policy, item: LineFacts) -> None:
    eligibility = policy.line_eligibility(item, day(3), item_names=NAMES)
    assert (eligibility.eligible, eligibility.needs_seal_answer) == (True, True)
    assert "it can be returned only if its seal (or hygiene protection) is still intact" in \
        eligibility.explanation["en"]
    assert "il ne peut être retourné que si son scellé" in eligibility.explanation["fr"]

    intact = decide(policy, req(_seal(item, True)), today=day(3))
    assert (intact.outcome, intact.lines[0].reason_codes) == ("approved", ("basis_withdrawal",))
    assert "As its seal is intact, the Bra can be returned." in intact.explanation["en"]
    assert "Comme son scellé est intact, l'article « Bra » peut être retourné." in \
        intact.explanation["fr"]
    broken = decide(policy, req(_seal(item, False)), today=day(3))
    assert broken.outcome == "rejected"
    assert broken.lines[0].reason_codes == ("basis_withdrawal", "seal_broken")
    assert "was sold sealed and has been unsealed since delivery, so it cannot be returned" in \
        broken.explanation["en"]
    assert "a été descellé depuis la livraison" in broken.explanation["fr"]
    unknown = decide(policy, req(item), today=day(3))
    assert unknown.outcome == "needs_review"
    assert unknown.lines[0].reason_codes == ("basis_withdrawal", "seal_unknown")
    assert "can be returned only if its seal is still intact; our team will check it" in \
        unknown.explanation["en"]
    assert "notre équipe va le vérifier" in unknown.explanation["fr"]
    assert not policy.line_eligibility(_seal(item, False), day(3)).eligible

    # Past the 14 days the shop's window keeps the seal condition.
    assert decide(policy, req(_seal(item, True)), today=day(20)).outcome == "approved"
    late_broken = decide(policy, req(_seal(item, False)), today=day(20))
    assert late_broken.reason_codes == ("basis_commercial", "seal_broken")
    assert decide(policy, req(item), today=day(20)).outcome == "needs_review"


def _seal(item: LineFacts, intact: bool) -> LineFacts:
    import dataclasses
    return dataclasses.replace(item, seal_intact=intact)


# --- The legal guarantee of conformity -----------------------------------------------------
def test_a_defect_past_the_window_gets_the_guarantee_remedies(policy: Policy) -> None:
    jeans = facts(final_sale=True)
    repair = decide(policy, req(jeans, "defective", "repair"), today=day(45))
    assert repair.outcome == "approved"
    assert repair.lines[0].reason_codes == ("basis_guarantee",)
    assert repair.lines[0].legal_basis == "guarantee"
    assert (repair.refund_amount_minor, repair.return_shipping_fee_minor,
            repair.restocking_fee_minor) == (0, 0, 0)
    assert repair.explanation["en"].startswith(
        "Approved: under the legal guarantee of conformity (2 years from delivery, Consumer "
        "Code, article L217-3), a problem with the Linen shirt (defective item) is ours to put "
        "right until 1 March 2028.")
    assert repair.explanation["fr"].startswith(
        "Accepté : au titre de la garantie légale de conformité (2 ans à compter de la "
        "livraison, article L217-3 du Code de la consommation), un problème sur l'article "
        "« Linen shirt » (article défectueux) est à notre charge jusqu'au 1er mars 2028.")
    assert "We will repair the Linen shirt free of charge" in repair.lines[0].explanation["en"]
    assert "Nous réparerons l'article « Linen shirt » gratuitement" in \
        repair.lines[0].explanation["fr"]
    assert "Nous remettrons l'article en état sous 30 jours" in repair.explanation["fr"]
    assert repair.refund_due_on is None

    replacement = decide(policy, req(jeans, "not_as_described", "replacement"), today=day(45))
    assert replacement.outcome == "approved" and replacement.refund_amount_minor == 0
    assert "We will replace the Linen shirt with the same item" in \
        replacement.lines[0].explanation["en"]
    assert "Nous remplacerons l'article « Linen shirt » par un article identique" in \
        replacement.lines[0].explanation["fr"]
    assert "We will send you the replacement within 30 days" in replacement.explanation["en"]
    exchange = decide(policy, req(jeans, "wrong_item", "exchange", in_stock=True), today=day(45))
    assert exchange.outcome == "approved"


def test_guarantee_refund_within_the_windows_beyond_them_reviewed(policy: Policy) -> None:
    shirt = facts(2, category="electronics", paid=10000)
    within = decide(policy, req(shirt, "defective"), today=day(30))
    assert (within.outcome, within.refund_amount_minor, within.restocking_fee_minor) == (
        "approved", 10000, 0)
    assert within.lines[0].reason_codes == ("basis_guarantee",)
    beyond = decide(policy, req(shirt, "defective"), today=day(31))
    assert beyond.outcome == "needs_review"
    assert beyond.lines[0].reason_codes == ("basis_guarantee", "guarantee_refund_review")
    assert "a refund is due when the Headphones can be neither repaired nor replaced " \
           "(Consumer Code, article L217-14)" in beyond.explanation["en"]
    assert "ne peut être ni réparé ni remplacé (article L217-14 du Code de la consommation)" \
        in beyond.explanation["fr"]
    assert "If it is approved, you will receive €100.00." in beyond.explanation["en"]
    credit = decide(policy, req(shirt, "defective", "store_credit"), today=day(31))
    assert "guarantee_refund_review" in credit.reason_codes

    cut = decide(policy, req(shirt, "defective", "price_reduction"), today=day(5))
    assert cut.outcome == "needs_review"
    assert cut.lines[0].reason_codes == ("basis_guarantee", "guarantee_refund_review")
    assert cut.refund_amount_minor == 0
    assert cut.explanation["en"].startswith(
        "Needs review: our team will propose the amount of the price reduction for the "
        "Headphones")
    assert "proposera le montant de la réduction de prix" in cut.explanation["fr"]
    assert "you will receive" not in cut.explanation["en"]


def test_guarantee_ends_two_years_after_delivery(policy: Policy) -> None:
    last = dt.date(2028, 3, 1)  # month 24: the same date two years later, included
    assert decide(policy, req(facts(), "defective", "repair"), today=last).outcome == "approved"
    for late in (last + dt.timedelta(days=1), law.add_months(DELIVERED, 25)):
        d = decide(policy, req(facts(), "defective", "repair"), today=late)
        assert d.outcome == "rejected"
        assert d.reason_codes == ("basis_guarantee", "guarantee_expired")
        assert d.explanation["en"] == (
            "Rejected: the Linen shirt was delivered on 1 March 2026: the legal guarantee of "
            "conformity (2 years) ended on 1 March 2028, so we cannot accept this claim.")
        assert d.explanation["fr"] == (
            "Refusé : l'article « Linen shirt » a été livré le 1er mars 2026 : la garantie "
            "légale de conformité (2 ans) a pris fin le 1er mars 2028, nous ne pouvons donc "
            "pas accepter cette demande.")
    assert policy.line_eligibility(facts(), last).reason_codes == (
        "window_expired", "guarantee_available")
    assert policy.line_eligibility(facts(), last + dt.timedelta(days=1)).reason_codes == (
        "window_expired",)


def test_presumption_12_months_for_used_goods(policy: Policy) -> None:
    used = facts(used_goods=True)
    month12 = dt.date(2027, 3, 1)
    assert decide(policy, req(used, "defective", "repair"), today=month12).outcome == "approved"
    d = decide(policy, req(used, "defective", "repair"), today=month12 + dt.timedelta(days=1))
    assert d.outcome == "needs_review"
    assert d.lines[0].reason_codes == ("basis_guarantee", "guarantee_proof_needed")
    assert d.explanation["en"].startswith(
        "Needs review: more than 12 months after delivery, a defect is no longer presumed to "
        "have existed on delivery (Consumer Code, article L217-7)")
    assert "À vérifier : plus de 12 mois après la livraison" in d.explanation["fr"]
    # New goods: presumed for the whole 24 months.
    assert decide(policy, req(facts(), "defective", "repair"),
                  today=law.add_months(DELIVERED, 13)).outcome == "approved"


def test_guarantee_ignores_exclusions_but_still_asks_for_photos(policy: Policy) -> None:
    item = facts(3, category="underwear", final_sale=True, personalised=True, seal_intact=False)
    d = decide(policy, req(item, "damaged", "replacement"), today=day(20))
    assert d.outcome == "needs_review"
    assert d.lines[0].reason_codes == ("basis_guarantee", "photo_required")
    assert (d.return_shipping_fee_minor, d.restocking_fee_minor) == (0, 0)
    with_photo = decide(policy, req(item, "damaged", "replacement", photos=1), today=day(20))
    assert with_photo.outcome == "approved"
    assert "Return shipping is free, as the return is due to a problem on our side." in \
        with_photo.explanation["en"]


def test_a_remedy_needs_a_conformity_reason() -> None:
    with pytest.raises(ValueError, match="remedy of the legal guarantee"):
        decide(fr(), req(facts(), "changed_mind", "repair"), today=day(3))
    with pytest.raises(ValueError, match="remedy of the legal guarantee"):
        decide(fr(), req(facts(), "wrong_size", "price_reduction"), today=day(3))
    with pytest.raises(ValueError, match="unknown resolution"):  # no guarantee outside FR
        decide(load_policy(COMMERCIAL_YML), req(facts(), "defective", "repair"), today=day(3))


# --- Every line, every code ----------------------------------------------------------------
def test_every_line_has_exactly_one_legal_basis_and_every_code_is_documented(
        policy: Policy) -> None:
    decisions = [
        decide(policy, req(facts()), today=day(3)),
        decide(policy, req(facts()), today=day(20)),
        decide(policy, req(facts()), today=day(40)),
        decide(policy, req(facts(delivered=None)), today=day(3)),
        decide(policy, req(facts(), "defective", "repair"), today=day(40)),
        decide(policy, req(facts(), "defective", "price_reduction"), today=day(3)),
        decide(policy, req(facts(), "defective"), today=dt.date(2029, 1, 1)),
        decide(policy, req(facts(used_goods=True), "defective"), today=dt.date(2027, 6, 1)),
        decide(policy, req(facts(final_sale=True)), req(facts(2, perishable=True)), today=day(3)),
        decide(policy, req(facts(3, category="underwear")), today=day(3)),
        decide(policy, req(facts(personalised=True)), today=day(3)),
        decide(policy, req(facts(3, sealed_media=True, seal_intact=False)), today=day(3)),
        decide(policy, req(facts(2, category="electronics")), today=day(16)),
        decide(policy, req(facts()), today=day(3), order=OrderFacts(490, True)),
    ]
    emitted: set[str] = set()
    for d in decisions:
        emitted |= set(d.reason_codes)
        for line in d.lines:
            bases = [c for c in line.reason_codes if c.startswith("basis_")]
            assert bases == [f"basis_{line.legal_basis}"], line.reason_codes
            assert line.reason_codes[0] == bases[0]
    emitted |= set(policy.line_eligibility(facts(final_sale=True), day(20)).reason_codes)
    assert emitted <= set(REASON_CODES)
    new_codes = {"basis_commercial", "basis_withdrawal", "basis_guarantee", "personalised",
                 "perishable", "seal_broken", "seal_unknown", "final_sale_overridden_by_law",
                 "guarantee_available", "guarantee_expired", "guarantee_proof_needed",
                 "guarantee_refund_review", "delivery_cost_refunded"}
    assert new_codes <= emitted
    doc = engine.__doc__ or ""
    for code in REASON_CODES:
        assert f"\n{code} " in doc, code  # every code has a row in the module's table


def test_outside_france_the_new_facts_change_nothing() -> None:
    p = load_policy(COMMERCIAL_YML)
    plain = decide(p, req(facts()), today=day(3))
    flagged = decide(p, req(facts(personalised=True, perishable=True, sealed_media=True,
                                  used_goods=True, seal_intact=False)), today=day(3),
                     order=OrderFacts(490, True))
    assert flagged == plain
    assert plain.reason_codes == ("within_window", "return_shipping_fee")
    assert (plain.refund_due_on, plain.delivery_refund_minor) == (None, 0)
    assert plain.lines[0].legal_basis == "commercial"
    e = p.line_eligibility(facts(sealed_media=True), day(3))
    assert (e.guarantee_ends_on, e.needs_seal_answer) == (None, False)
    assert [f["topic"] for f in p.faq("en")] == list(txt.FAQ_TOPICS)


# --- FAQ: the customer's rights ------------------------------------------------------------
def _faq(p: Policy, language: str) -> dict[str, str]:
    return {e["topic"]: e["answer"] for e in p.faq(language)}


def test_faq_states_the_customers_rights_in_english(policy: Policy) -> None:
    assert [e["topic"] for e in policy.faq("en")] == list(txt.FAQ_TOPICS + txt.LEGAL_FAQ_TOPICS)
    faq = _faq(policy, "en")
    assert faq["window"].startswith("You can return any item within 14 days of delivery, for "
                                    "any reason: that is your legal right of withdrawal.")
    assert "underwear" in faq["window"]  # returnable while sealed
    assert "Final-sale items can be returned only within the 14-day withdrawal period." in \
        faq["exclusions"]
    assert "can be returned only if their seal (or hygiene protection) is intact: underwear" \
        in faq["exclusions"]
    assert "personalised, perishable goods, and sealed audio, video or software" in \
        faq["exclusions"]
    assert "10% of the price paid for electronics, on returns from day 15 after delivery" in \
        faq["fees"]
    assert "never a restocking fee on a return within the 14-day withdrawal period" in \
        faq["fees"]
    assert "at the latest 14 days after your request" in faq["refund_time"]
    withdrawal = faq["withdrawal"]
    assert "14 days from the delivery of your order's last item" in withdrawal
    assert "start a return here in the chat" in withdrawal  # how to exercise it
    assert "The return shipping is at your cost: €5.00" in withdrawal
    assert "within 14 days of your request" in withdrawal
    assert "personalised or made-to-measure items, perishable goods" in withdrawal
    guarantee = faq["legal_guarantee"]
    assert "For 2 years after delivery" in guarantee
    assert "You choose between repair and replacement" in guarantee
    assert "price reduction or a refund" in guarantee and "1 year for second-hand" in guarantee


def test_faq_states_the_customers_rights_in_french() -> None:
    p = fr(("  customer_pays_return_shipping: true", "  customer_pays_return_shipping: false"))
    faq = _faq(p, "fr")
    assert faq["window"].startswith("Vous pouvez retourner tout article dans les 14 jours "
                                    "suivant la livraison")
    assert "pendant le délai de rétractation de 14 jours" in faq["exclusions"]
    assert "garantie légale de conformité de 2 ans" in faq["exclusions"]
    assert "à partir du jour 15 après la livraison" in faq["fees"]
    assert "Les frais de retour sont à notre charge pour un retour pendant le délai de " \
           "rétractation" in faq["fees"]
    assert "au plus tard 14 jours après votre demande" in faq["refund_time"]
    assert "Vous disposez de 14 jours à compter de la livraison" in faq["withdrawal"]
    assert "Les frais de retour sont à notre charge." in faq["withdrawal"]
    assert "Vous choisissez entre la réparation et le remplacement" in faq["legal_guarantee"]
    questions = {e["topic"]: e["question"] for e in p.faq("fr")}
    assert questions["withdrawal"] == "Quel est mon droit de rétractation ?"


def test_conformity_reasons_are_the_engines() -> None:
    assert txt.CONFORMITY_REASONS == CONFORMITY_REASONS == (
        "damaged", "defective", "wrong_item", "not_as_described")


# --- the floor at start-up and in check-policy ----------------------------------------------------

def below_floor_file(tmp_path) -> str:
    """The demo policy with electronics' window cut to 10 days: below the withdrawal right."""
    from backend.settings import DEFAULT_POLICY_FILE

    text = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")
    start = text.index("  electronics:")
    window = text.index("window_days: 30", start)
    path = tmp_path / "shop.yml"
    path.write_text(text[:window] + "window_days: 10" + text[window + len("window_days: 30"):], encoding="utf-8")
    return str(path)


def test_check_policy_refuses_a_policy_below_the_law_naming_the_article(tmp_path, capsys) -> None:
    from backend.__main__ import _check_policy

    assert _check_policy(below_floor_file(tmp_path)) == 1
    error = capsys.readouterr().err
    assert "shop.yml:" in error and "electronics.window_days" in error and "L221-18" in error, error


def test_the_backend_refuses_to_start_on_a_policy_below_the_law(tmp_path) -> None:
    import dataclasses
    from pathlib import Path

    from backend.context import build_context
    from backend.settings import Settings

    settings = dataclasses.replace(Settings(), database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
                                   policy_file=Path(below_floor_file(tmp_path)))
    with pytest.raises(PolicyError, match="L221-18"):
        build_context(settings)
