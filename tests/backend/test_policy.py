"""Tests of the returns policy: loading/validation, every decision rule, both languages, FAQ.

The shop's own (commercial) rules, on a jurisdiction-none policy: French consumer law as a
floor is tested in test_consumer_law.py.

Dates are fixed (no clock) and amounts are asserted to the cent, so a wrong rule fails.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from backend.domain import policy_text as txt
from backend.domain.policy import (
    CUSTOMER_REASONS,
    REASON_CODES,
    LineFacts,
    LineRequest,
    Policy,
    PolicyError,
    load_policy,
)
from common import formatting, reasons
from common.languages import LANGUAGES

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "policies"
# The shop's own rules without a legal floor (jurisdiction none): the demo policy before
# issue 13. The demo policy itself (jurisdiction FR) is tested in test_consumer_law.py.
DEFAULT_YML = FIXTURES / "commercial.yml"

DELIVERED = dt.date(2026, 3, 1)
IN_WINDOW = dt.date(2026, 3, 10)
NAMES = {1: "Linen shirt", 2: "Headphones", 3: "Swimsuit", 4: "Sneakers"}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(DEFAULT_YML)


def facts(line_id: int = 1, *, category: str = "apparel", paid: int = 4500, qty: int = 1,
          delivered: dt.date | None = DELIVERED, final_sale: bool = False,
          hygiene: bool = False) -> LineFacts:
    return LineFacts(order_line_id=line_id, sku=f"SKU-{line_id}", category=category,
                     final_sale=final_sale, hygiene=hygiene, unit_paid_minor=paid,
                     quantity=qty, delivered_on=delivered)


def req(f: LineFacts, reason: str = "changed_mind", resolution: str = "refund",
        photos: int = 0, in_stock: bool | None = None) -> LineRequest:
    return LineRequest(facts=f, reason_code=reason, resolution=resolution, photo_count=photos,
                       exchange_in_stock=in_stock)


def decide(policy: Policy, *lines: LineRequest, returns_90d: int = 0,
           today: dt.date = IN_WINDOW, names: dict[int, str] | None = NAMES):
    return policy.decide(list(lines), customer_returns_90d=returns_90d, today=today,
                         item_names=names)


def variant(tmp_path: Path, *replacements: tuple[str, str], name: str = "variant.yml") -> Path:
    """A temp copy of default.yml with exact text replacements (each must match once)."""
    text = DEFAULT_YML.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write(tmp_path: Path, text: str, name: str = "bad.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- Loading the demo policy ---------------------------------------------------------------
def test_default_policy_values(policy: Policy) -> None:
    assert policy.version == "2026.03-1"
    assert policy.currency == "EUR"
    assert policy.shop_name == "Maison Boomerang"
    assert policy.label_valid_days == 14
    assert (policy.refund_days_min, policy.refund_days_max) == (5, 10)
    assert {c: policy.window_days(c) for c in
            ("apparel", "shoes", "home", "electronics", "beauty", "jewellery", "underwear",
             "swimwear")} == {"apparel": 30, "shoes": 30, "home": 30, "electronics": 14,
                              "beauty": 30, "jewellery": 30, "underwear": 30, "swimwear": 30}
    assert policy.window_days("garden") == 30  # unlisted category: the "default" rule
    assert policy.window_days("Electronics") == 14  # catalogue case does not matter
    assert policy.category("electronics").restocking_fee_percent == Decimal(15)
    assert policy.hygiene_categories == ("underwear", "swimwear")
    assert policy.return_shipping_fee_minor == 495
    assert policy.exchanges_free_shipping is True
    assert policy.returnless_max_value_minor == 1500
    assert policy.returnless_reasons == ("damaged", "defective", "wrong_item")
    assert policy.max_returns_90d == 5
    assert policy.store_credit_bonus_percent == 0
    assert policy.shop_fault_reasons == ("damaged", "defective", "wrong_item",
                                         "not_as_described")
    assert [c for c in CUSTOMER_REASONS if policy.reasons[c].photo_required] == [
        "damaged", "defective", "wrong_item"]


def test_minimal_fixture_loads_with_defaults() -> None:
    p = load_policy(FIXTURES / "minimal.yml")
    assert p.version == "test-minimal"
    assert p.final_sale_excluded is True
    assert p.hygiene_categories == ()
    assert p.returnless_enabled is False
    assert p.max_returns_90d is None
    assert p.exchanges_free_shipping is False


# --- Load errors: file, line, path ---------------------------------------------------------
def _line_of(path: Path, line: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_typo_key_names_file_and_line() -> None:
    path = FIXTURES / "typo_key.yml"
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    err = info.value
    assert "windw_days" in _line_of(path, 9)  # the fixture really has the typo there
    assert str(err).startswith(f"{path}:9: categories.electronics.windw_days: unknown key")
    assert "typo_key.yml:9:" in str(err)
    assert "did you mean 'window_days'" in str(err)
    assert (err.file, err.line, err.path) == (str(path), 9, "categories.electronics.windw_days")
    assert len(err.problems) == 1  # no second "window_days missing" for the same typo


def test_wrong_type_names_file_and_line() -> None:
    path = FIXTURES / "wrong_type.yml"
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert "fourteen" in _line_of(path, 9)
    assert str(info.value) == (f"{path}:9: categories.electronics.window_days: "
                               "must be a positive integer (got 'fourteen')")
    assert info.value.line == 9


def test_bad_yaml_syntax_names_file_and_line() -> None:
    path = FIXTURES / "bad_syntax.yml"
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert "14: 15" in _line_of(path, 24)
    assert str(info.value).startswith(f"{path}:24: invalid YAML:")
    assert "bad_syntax.yml:24:" in str(info.value)
    assert info.value.line == 24


def test_unclosed_brace_points_to_where_it_opened(tmp_path: Path) -> None:
    path = variant(tmp_path, ("  damaged:          {shop_fault: true,  photo_required: true}",
                              "  damaged:          {shop_fault: true,  photo_required: true"))
    line = DEFAULT_YML.read_text(encoding="utf-8").splitlines().index(
        "  damaged:          {shop_fault: true,  photo_required: true}") + 1
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert f"started on line {line}" in str(info.value)
    assert str(info.value).startswith(f"{path}:{line + 1}: invalid YAML")


@pytest.mark.parametrize(
    ("old", "new", "path", "problem"),
    [
        ("  valid_days: 14\n", "  valid_days: 0\n", "label.valid_days",
         "must be a positive integer"),
        ("  customer_fee_minor: 495 ", "  customer_fee_minor: 4.95 ",
         "return_shipping.customer_fee_minor", "must be a whole number"),
        ("  final_sale: true\n", "  final_sale: maybe\n", "exclusions.final_sale",
         "must be true or false"),
        ("currency: EUR ", "currency: JPY ", "currency", "unsupported currency"),
        ("  reasons: [damaged, defective, wrong_item]",
         "  reasons: [damaged, defective, wrong_itme]", "returnless.reasons[2]",
         "unknown reason code 'wrong_itme' (did you mean 'wrong_item'?)"),
        ("  hygiene_categories: [underwear, swimwear]",
         "  hygiene_categories: [underwear, swimwaer]", "exclusions.hygiene_categories[1]",
         "'swimwaer' is not listed under categories"),
        ("    restocking_fee_percent: 15 ", "    restocking_fee_percent: 150 ",
         "categories.electronics.restocking_fee_percent", "between 0 and 100"),
        ("  days_max: 10\n", "  days_max: 3\n", "refunds.days_max",
         "must not be less than refunds.days_min (5)"),
        ("  max_returns_90d: 5\n", "  max_returns_90d: [5]\n", "review.max_returns_90d",
         "must be a single value, not a list"),
        ("  arrived_late:     {shop_fault: false, photo_required: false}\n",
         "  arived_late:     {shop_fault: false, photo_required: false}\n",
         "reasons.arived_late", "unknown key (did you mean 'arrived_late'?)"),
    ],
)
def test_invalid_values_are_reported_on_their_line(tmp_path: Path, old: str, new: str,
                                                   path: str, problem: str) -> None:
    file = variant(tmp_path, (old, new))
    expected_line = next(i for i, text in enumerate(
        file.read_text(encoding="utf-8").splitlines(), 1) if new.strip() in text)
    with pytest.raises(PolicyError) as info:
        load_policy(file)
    err = info.value
    assert (err.line, err.path) == (expected_line, path), str(err)
    assert problem in err.problem
    assert f"variant.yml:{expected_line}: {path}: " in str(err)


def test_missing_required_key_and_missing_reason(tmp_path: Path) -> None:
    file = variant(tmp_path, ("shop_name: Maison Boomerang\n", ""),
                   ("  other:            {shop_fault: false, photo_required: false}\n", ""))
    with pytest.raises(PolicyError) as info:
        load_policy(file)
    paths = {p.path for p in info.value.problems}
    assert paths == {"shop_name", "reasons.other"}
    assert all(f"{file}:" in line for line in str(info.value).splitlines())


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    file = variant(tmp_path, ("  max_returns_90d: 5\n", "  max_returns_90d: 5\n  max_returns_90d: 9\n"))
    with pytest.raises(PolicyError) as info:
        load_policy(file)
    assert info.value.path == "review.max_returns_90d"
    assert "duplicate key (first given on line" in info.value.problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    file = variant(tmp_path, ("  valid_days: 14\n", "  valid_days: -1\n"),
                   ("  days_min: 5\n", "  dayz_min: 5\n"))
    with pytest.raises(PolicyError) as info:
        load_policy(file)
    assert [p.path for p in info.value.problems] == ["label.valid_days", "refunds.dayz_min"]
    assert len(str(info.value).splitlines()) == 2


def test_empty_missing_and_non_mapping_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"empty\.yml:1: the policy file is empty"):
        load_policy(write(tmp_path, "# nothing\n", "empty.yml"))
    with pytest.raises(PolicyError, match=r"nope\.yml: cannot read the policy file"):
        load_policy(tmp_path / "nope.yml")
    with pytest.raises(PolicyError, match=r"list\.yml:1: \(top level\): must be a mapping"):
        load_policy(write(tmp_path, "- a\n- b\n", "list.yml"))


def test_yaml_merge_keys_are_allowed(tmp_path: Path) -> None:
    file = variant(tmp_path, ("  apparel:\n    names: {en: clothing, fr: vêtements}\n"
                              "    window_days: 30\n",
                              "  apparel: &thirty\n    names: {en: clothing, fr: vêtements}\n"
                              "    window_days: 30\n"),
                   ("  shoes:\n    names: {en: shoes, fr: chaussures}\n    window_days: 30\n",
                    "  shoes:\n    <<: *thirty\n    names: {en: shoes, fr: chaussures}\n"))
    p = load_policy(file)
    assert p.window_days("shoes") == 30
    assert p.category("shoes").names == {"en": "shoes", "fr": "chaussures"}


def test_version_is_kept_as_written_and_returned_with_decisions(tmp_path: Path) -> None:
    p = load_policy(variant(tmp_path, ('version: "2026.03-1"', "version: 2026-04-01")))
    assert p.version == "2026-04-01"  # not turned into a date
    decision = decide(p, req(facts()))
    assert decision.policy_version == "2026-04-01"
    assert decision.currency == "EUR"


# --- Eligibility and the window ------------------------------------------------------------
def test_eligible_line_explains_window_in_both_languages(policy: Policy) -> None:
    e = policy.line_eligibility(facts(), IN_WINDOW, item_names=NAMES)
    assert e.eligible is True
    assert e.reason_codes == ("within_window",)
    assert e.window_ends_on == dt.date(2026, 3, 31)
    assert e.explanation["en"] == ("The Linen shirt can be returned until 31 March 2026 "
                                   "(30-day return window from delivery on 1 March 2026).")
    assert e.explanation["fr"] == ("L'article « Linen shirt » peut être retourné jusqu'au "
                                   "31 mars 2026 (délai de retour de 30 jours à compter de la "
                                   "livraison le 1er mars 2026).")


def test_window_boundary_day_30_included_day_31_rejected(policy: Policy) -> None:
    day30 = DELIVERED + dt.timedelta(days=30)
    day31 = DELIVERED + dt.timedelta(days=31)
    assert policy.line_eligibility(facts(), day30).eligible is True
    late = policy.line_eligibility(facts(), day31)
    assert late.eligible is False
    assert late.reason_codes == ("window_expired",)
    assert "30-day return window ended on 31 March 2026" in late.explanation["en"]
    assert "délai de retour de 30 jours a pris fin le 31 mars 2026" in late.explanation["fr"]

    assert decide(policy, req(facts()), today=day30).outcome == "approved"
    d = decide(policy, req(facts()), today=day31)
    assert (d.outcome, d.eligible) == ("rejected", False)
    assert d.reason_codes == ("window_expired",)
    assert d.refund_amount_minor == 0
    assert d.explanation["en"].startswith("Rejected: the Linen shirt was delivered on "
                                          "1 March 2026 and its 30-day return window ended")
    assert d.explanation["fr"].startswith("Refusé : l'article « Linen shirt » a été livré le "
                                          "1er mars 2026")


def test_electronics_window_is_14_days(policy: Policy) -> None:
    f = facts(2, category="electronics")
    assert policy.line_eligibility(f, DELIVERED + dt.timedelta(days=14)).eligible is True
    late = policy.line_eligibility(f, DELIVERED + dt.timedelta(days=15), item_names=NAMES)
    assert late.eligible is False
    assert "14-day" in late.explanation["en"] and "Headphones" in late.explanation["en"]
    assert "14 jours" in late.explanation["fr"] and "15 mars 2026" in late.explanation["fr"]


def test_not_delivered_is_not_returnable_yet(policy: Policy) -> None:
    f = facts(delivered=None)
    e = policy.line_eligibility(f, IN_WINDOW)
    assert (e.eligible, e.reason_codes, e.window_ends_on) == (False, ("not_delivered",), None)
    assert e.explanation["en"].startswith("This item has not been delivered yet")
    assert e.explanation["fr"].startswith("Cet article n'a pas encore été livré")
    d = decide(policy, req(f))
    assert d.outcome == "rejected" and d.reason_codes == ("not_delivered",)


def test_final_sale_is_excluded_but_fault_route_is_signalled(policy: Policy) -> None:
    e = policy.line_eligibility(facts(final_sale=True), IN_WINDOW, item_names=NAMES)
    assert e.eligible is False
    assert e.reason_codes == ("final_sale", "review_if_faulty")
    assert "was sold as final sale and cannot be returned" in e.explanation["en"]
    assert "damaged item, defective item, wrong item or item not as described" in \
        e.explanation["en"]
    assert "vente finale" in e.explanation["fr"]
    assert "notre équipe examinera votre demande" in e.explanation["fr"]


def test_hygiene_by_category_and_by_product_flag(policy: Policy) -> None:
    swim = policy.line_eligibility(facts(3, category="swimwear"), IN_WINDOW, item_names=NAMES)
    assert swim.eligible is False and swim.reason_codes[0] == "hygiene"
    assert swim.explanation["en"].startswith("For hygiene reasons, the Swimsuit cannot be")
    assert swim.explanation["fr"].startswith(
        "Pour des raisons d'hygiène, l'article « Swimsuit » ne peut pas être retourné.")
    # Pierced jewellery: the jewellery category is returnable, the flagged product is not.
    assert policy.line_eligibility(facts(category="jewellery"), IN_WINDOW).eligible is True
    pierced = policy.line_eligibility(facts(category="jewellery", hygiene=True), IN_WINDOW)
    assert pierced.eligible is False and "hygiene" in pierced.reason_codes
    d = decide(policy, req(facts(category="underwear"), "wrong_size"))
    assert d.outcome == "rejected" and d.reason_codes == ("hygiene",)
    assert "hygiene reasons" in d.explanation["en"] and "hygiène" in d.explanation["fr"]


def test_excluded_item_with_shop_fault_goes_to_review(policy: Policy) -> None:
    d = decide(policy, req(facts(3, category="swimwear"), "defective", photos=1))
    assert d.outcome == "needs_review" and d.eligible is True
    assert d.lines[0].reason_codes == ("within_window", "hygiene", "excluded_item_fault_claim")
    assert "cannot normally be returned, but as you report a problem on our side " \
           "(defective item)" in d.explanation["en"]
    assert "problème de notre côté (article défectueux)" in d.explanation["fr"]
    # Final sale + change of mind: still refused.
    d2 = decide(policy, req(facts(final_sale=True), "changed_mind"))
    assert d2.outcome == "rejected" and d2.reason_codes == ("final_sale",)


def test_excluded_faulty_item_rejected_when_policy_says_so(tmp_path: Path) -> None:
    p = load_policy(variant(tmp_path, ("  faulty_items_go_to_review: true",
                                       "  faulty_items_go_to_review: false")))
    d = decide(p, req(facts(final_sale=True), "damaged", photos=1))
    assert d.outcome == "rejected" and d.reason_codes == ("final_sale",)
    e = p.line_eligibility(facts(final_sale=True), IN_WINDOW)
    assert e.reason_codes == ("final_sale",)  # no fault route offered


def test_final_sale_allowed_when_not_excluded(tmp_path: Path) -> None:
    p = load_policy(variant(tmp_path, ("  final_sale: true\n", "  final_sale: false\n")))
    assert decide(p, req(facts(final_sale=True))).outcome == "approved"


# --- Money: restocking, shipping, refund ---------------------------------------------------
def test_refund_minus_shipping_fee(policy: Policy) -> None:
    d = decide(policy, req(facts(paid=4500, qty=2), "wrong_size"))
    assert d.outcome == "approved"
    assert (d.restocking_fee_minor, d.return_shipping_fee_minor, d.refund_amount_minor) == (
        0, 495, 9000 - 495)
    assert d.lines[0].refund_amount_minor == 9000
    assert d.reason_codes == ("within_window", "return_shipping_fee")
    assert d.returnless is False
    en, fr = d.explanation["en"], d.explanation["fr"]
    assert en.startswith("Approved: the Linen shirt is within the 30-day return window "
                         "(until 31 March 2026).")
    assert "A return shipping fee of €4.95 will be deducted from your refund." in en
    assert "refund of €85.05" in en and "within 5–10 days" in en
    assert "valid for 14 days" in en
    assert fr.startswith("Accepté : l'article « Linen shirt » est dans le délai de retour de "
                         "30 jours (jusqu'au 31 mars 2026).")
    assert "Des frais de retour de 4,95 € seront déduits de votre remboursement." in fr
    assert "remboursement de 85,05 €" in fr and "sous 5 à 10 jours" in fr
    assert "valable 14 jours" in fr


def test_restocking_fee_rounds_half_up_and_applies_to_customer_reasons(policy: Policy) -> None:
    # 15 % of 49.90 = 7.485 -> 7.49 (half up); refund 49.90 - 7.49 - 4.95 shipping.
    d = decide(policy, req(facts(2, category="electronics", paid=4990), "changed_mind"))
    line = d.lines[0]
    assert (line.restocking_fee_minor, line.refund_amount_minor) == (749, 4990 - 749)
    assert (d.restocking_fee_minor, d.return_shipping_fee_minor, d.refund_amount_minor) == (
        749, 495, 4990 - 749 - 495)
    assert line.reason_codes == ("within_window", "restocking_fee")
    assert "A 15% restocking fee of €7.49 applies to the Headphones (electronics)" in \
        d.explanation["en"]
    assert "Des frais de remise en stock de 15 % (7,49 €) s'appliquent à l'article " \
           "« Headphones » (électronique)" in d.explanation["fr"]
    # 15 % of 2 x 33.30 = 9.99 exactly; and 15 % of 0.03 = 0.0045 -> 0.
    assert decide(policy, req(facts(category="electronics", paid=3330, qty=2),
                              "wrong_size")).restocking_fee_minor == 999
    assert decide(policy, req(facts(category="electronics", paid=3),
                              "wrong_size")).restocking_fee_minor == 0


def test_no_restocking_or_shipping_fee_for_shop_fault(policy: Policy) -> None:
    d = decide(policy, req(facts(2, category="electronics", paid=8000), "defective", photos=2))
    assert d.outcome == "approved"
    assert (d.restocking_fee_minor, d.return_shipping_fee_minor, d.refund_amount_minor) == (
        0, 0, 8000)
    assert d.reason_codes == ("within_window", "free_return_shipping")
    assert "Return shipping is free, as the return is due to a problem on our side." in \
        d.explanation["en"]
    assert "Le retour est gratuit, car il est dû à un problème de notre côté." in \
        d.explanation["fr"]


def test_one_shop_fault_line_waives_the_fee_for_the_whole_return(policy: Policy) -> None:
    d = decide(policy, req(facts(1, paid=4500), "changed_mind"),
               req(facts(4, category="shoes", paid=6000), "not_as_described"))
    assert d.outcome == "approved"
    assert (d.return_shipping_fee_minor, d.refund_amount_minor) == (0, 10500)


def test_one_fee_per_return_not_per_line(policy: Policy) -> None:
    d = decide(policy, req(facts(1, paid=4500), "changed_mind"),
               req(facts(4, category="shoes", paid=6000), "wrong_size"))
    assert (d.return_shipping_fee_minor, d.refund_amount_minor) == (495, 10500 - 495)
    assert d.explanation["en"].count("€4.95") == 1


def test_shipping_fee_never_exceeds_the_refund(policy: Policy) -> None:
    d = decide(policy, req(facts(paid=300), "changed_mind"))
    assert (d.return_shipping_fee_minor, d.refund_amount_minor) == (300, 0)
    assert "€3.00 will be deducted" in d.explanation["en"]
    assert "3,00 € seront déduits" in d.explanation["fr"]


def test_exchanges_ship_free_when_policy_says_so(policy: Policy, tmp_path: Path) -> None:
    lines = (req(facts(1, paid=4500), "wrong_size", "exchange", in_stock=True),
             req(facts(4, category="shoes", paid=6000), "changed_mind"))
    d = decide(policy, *lines)
    assert d.outcome == "approved"
    assert d.lines[0].refund_amount_minor == 0  # exchange lines refund nothing
    assert (d.return_shipping_fee_minor, d.refund_amount_minor) == (0, 6000)
    assert "Return shipping is free for exchanges." in d.explanation["en"]
    assert "Le retour est gratuit pour les échanges." in d.explanation["fr"]
    assert "We will send your replacement once we receive your return." in d.explanation["en"]

    strict = load_policy(variant(tmp_path, ("  free_for_exchanges: true\n",
                                            "  free_for_exchanges: false\n")))
    d2 = decide(strict, *lines)
    assert (d2.return_shipping_fee_minor, d2.refund_amount_minor) == (495, 6000 - 495)


def test_store_credit_amount_like_refund_and_bonus(policy: Policy, tmp_path: Path) -> None:
    d = decide(policy, req(facts(paid=4500), "changed_mind", "store_credit"))
    assert (d.lines[0].refund_amount_minor, d.refund_amount_minor) == (4500, 4005)
    assert "You will receive €40.05 in store credit" in d.explanation["en"]
    assert "Vous recevrez un avoir de 40,05 €" in d.explanation["fr"]

    bonus = load_policy(variant(tmp_path, ("  bonus_percent: 0", "  bonus_percent: 10")))
    d2 = decide(bonus, req(facts(paid=4500), "changed_mind", "store_credit"))
    assert d2.lines[0].refund_amount_minor == 4950
    assert d2.refund_amount_minor == 4950 - 495
    assert "store_credit_bonus" in d2.reason_codes
    assert "10% store credit bonus of €4.50" in d2.lines[0].explanation["en"]
    assert "bonus d'avoir de 10 % (4,50 €)" in d2.lines[0].explanation["fr"]
    # A refund line gets no bonus.
    assert decide(bonus, req(facts(paid=4500))).lines[0].refund_amount_minor == 4500


def test_mixed_refund_and_store_credit_sentence(policy: Policy) -> None:
    d = decide(policy, req(facts(1, paid=2000), "defective", photos=1),
               req(facts(4, category="shoes", paid=6000), "defective", "store_credit", photos=1))
    assert d.refund_amount_minor == 8000
    assert "You will receive €80.00 in total, as a refund" in d.explanation["en"]
    assert "Vous recevrez 80,00 € au total" in d.explanation["fr"]


# --- Returnless ----------------------------------------------------------------------------
def test_returnless_at_threshold(policy: Policy) -> None:
    d = decide(policy, req(facts(paid=1500), "damaged", photos=1))
    assert d.outcome == "approved" and d.returnless is True
    assert (d.return_shipping_fee_minor, d.refund_amount_minor) == (0, 1500)
    assert d.reason_codes == ("within_window", "returnless")
    assert "(€15.00) is at or below €15.00" in d.explanation["en"]
    assert "keep the item, no return label is needed" in d.explanation["en"]
    assert "label will be valid" not in d.explanation["en"]
    assert "(15,00 €) ne dépasse pas 15,00 €" in d.explanation["fr"]
    assert "gardez l'article" in d.explanation["fr"]
    assert "sous 5 à 10 jours." in d.explanation["fr"]  # no "after receiving your return"


def test_returnless_counts_the_whole_request(policy: Policy) -> None:
    assert decide(policy, req(facts(paid=1501), "damaged", photos=1)).returnless is False
    two = decide(policy, req(facts(1, paid=800), "damaged", photos=1),
                 req(facts(4, category="shoes", paid=800), "wrong_item", photos=1))
    assert two.returnless is False  # 16.00 in total
    two_ok = decide(policy, req(facts(1, paid=700), "damaged", photos=1),
                    req(facts(4, category="shoes", paid=800), "wrong_item", photos=1))
    assert two_ok.returnless is True
    assert "keep the items" in two_ok.explanation["en"]
    assert "gardez les articles" in two_ok.explanation["fr"]


def test_returnless_needs_every_reason_in_the_list(policy: Policy) -> None:
    cheap_changed_mind = decide(policy, req(facts(paid=1000), "changed_mind"))
    assert cheap_changed_mind.returnless is False
    assert cheap_changed_mind.return_shipping_fee_minor == 495
    mixed = decide(policy, req(facts(1, paid=500), "damaged", photos=1),
                   req(facts(4, category="shoes", paid=500), "not_as_described"))
    assert mixed.returnless is False


def test_returnless_disabled(tmp_path: Path) -> None:
    p = load_policy(variant(tmp_path, ("  enabled: true", "  enabled: false")))
    assert decide(p, req(facts(paid=500), "damaged", photos=1)).returnless is False


# --- Photos --------------------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["damaged", "defective", "wrong_item"])
def test_photo_required_then_approved_with_photo(policy: Policy, reason: str) -> None:
    without = decide(policy, req(facts(paid=4500), reason))
    assert without.outcome == "needs_review" and without.eligible is True
    assert without.reason_codes == ("within_window", "photo_required", "free_return_shipping")
    label = reasons.reason(reason).phrase
    assert f'returns with the reason "{label["en"]}" need at least one photo' in \
        without.explanation["en"]
    assert without.explanation["en"].startswith("Needs review: returns with the reason")
    assert f"motif « {label['fr']} » nécessitent au moins une photo" in \
        without.explanation["fr"]
    assert without.explanation["fr"].startswith("À vérifier : les retours pour le motif")
    assert "If it is approved, you will receive €45.00." in without.explanation["en"]
    assert "Si elle est acceptée, vous recevrez 45,00 €." in without.explanation["fr"]

    with_photo = decide(policy, req(facts(paid=4500), reason, photos=1))
    assert with_photo.outcome == "approved"
    assert "photo_required" not in with_photo.reason_codes


def test_not_as_described_needs_no_photo(policy: Policy) -> None:
    d = decide(policy, req(facts(paid=4500), "not_as_described"))
    assert d.outcome == "approved"
    assert (d.return_shipping_fee_minor, d.refund_amount_minor) == (0, 4500)


# --- Too many returns ----------------------------------------------------------------------
def test_sixth_return_in_90_days_goes_to_review(policy: Policy) -> None:
    assert decide(policy, req(facts()), returns_90d=4).outcome == "approved"
    d = decide(policy, req(facts()), returns_90d=5)
    assert d.outcome == "needs_review"
    assert "too_many_returns" in d.reason_codes and "too_many_returns" in d.lines[0].reason_codes
    assert "review: you have already made 5 returns in the last 90 days" in d.explanation["en"]
    assert "5 retours au cours des 90 derniers jours" in d.explanation["fr"]
    assert "Our team will review your request" in d.explanation["en"]
    assert "Notre équipe va examiner votre demande" in d.explanation["fr"]


def test_too_many_returns_sentence_appears_once_for_several_lines(policy: Policy) -> None:
    d = decide(policy, req(facts(1)), req(facts(4, category="shoes")), returns_90d=7)
    assert d.explanation["en"].count("returns in the last 90 days") == 1
    assert d.explanation["fr"].count("90 derniers jours") == 1


# --- Exchanges -----------------------------------------------------------------------------
def test_exchange_out_of_stock_is_rejected(policy: Policy) -> None:
    d = decide(policy, req(facts(), "wrong_size", "exchange", in_stock=False))
    assert d.outcome == "rejected"
    assert d.reason_codes == ("exchange_out_of_stock",)
    assert (d.refund_amount_minor, d.return_shipping_fee_minor) == (0, 0)
    assert "Rejected: the replacement you chose for the Linen shirt is out of stock" in \
        d.explanation["en"]
    assert "you can choose a refund or store credit instead" in d.explanation["en"]
    assert "en rupture de stock" in d.explanation["fr"]
    assert "un remboursement ou un avoir à la place" in d.explanation["fr"]


def test_exchange_in_stock_is_approved_and_refunds_nothing(policy: Policy) -> None:
    d = decide(policy, req(facts(), "wrong_size", "exchange", in_stock=True))
    assert d.outcome == "approved"
    assert (d.refund_amount_minor, d.return_shipping_fee_minor,
            d.restocking_fee_minor) == (0, 0, 0)
    assert "The replacement you chose for the Linen shirt is in stock." in d.explanation["en"]
    assert "Le remplacement choisi pour l'article « Linen shirt » est en stock." in \
        d.explanation["fr"]
    assert "Nous vous enverrons le remplacement dès réception de votre retour." in \
        d.explanation["fr"]


def test_exchange_without_stock_information_goes_to_review(policy: Policy) -> None:
    d = decide(policy, req(facts(), "wrong_size", "exchange", in_stock=None))
    assert d.outcome == "needs_review" and "exchange_stock_unknown" in d.reason_codes


# --- Combining lines -----------------------------------------------------------------------
def test_worst_line_wins_and_rejected_request_pays_nothing(policy: Policy) -> None:
    d = decide(policy, req(facts(1, paid=4500)),
               req(facts(3, category="swimwear", paid=3000), "wrong_size"))
    assert (d.outcome, d.eligible) == ("rejected", False)
    assert [ln.outcome for ln in d.lines] == ["approved", "rejected"]
    assert d.reason_codes == ("within_window", "hygiene")
    assert (d.refund_amount_minor, d.restocking_fee_minor, d.return_shipping_fee_minor) == (
        0, 0, 0)
    assert all(ln.refund_amount_minor == 0 for ln in d.lines)
    assert d.explanation["en"].startswith("Rejected: for hygiene reasons, the Swimsuit")
    assert "You can still return the other items in a new request" in d.explanation["en"]
    assert "Vous pouvez toujours retourner les autres articles" in d.explanation["fr"]


def test_review_line_makes_the_request_need_review(policy: Policy) -> None:
    d = decide(policy, req(facts(1, paid=4500)), req(facts(4, category="shoes", paid=6000),
                                                     "damaged"))
    assert d.outcome == "needs_review"
    assert [ln.outcome for ln in d.lines] == ["approved", "needs_review"]
    assert d.reason_codes == ("within_window", "photo_required", "free_return_shipping")
    assert d.refund_amount_minor == 10500


def test_line_explanations_use_headline_in_both_languages(policy: Policy) -> None:
    d = decide(policy, req(facts(2, category="electronics", paid=10000), "changed_mind"))
    line = d.lines[0]
    assert line.explanation["en"].startswith("Approved: the Headphones is within the 14-day")
    assert "Refund for the Headphones: €85.00." in line.explanation["en"]
    assert line.explanation["fr"].startswith("Accepté : l'article « Headphones » est dans le "
                                             "délai de retour de 14 jours")
    assert "Remboursement pour l'article « Headphones » : 85,00 €." in line.explanation["fr"]


def test_missing_item_name_reads_this_item(policy: Policy) -> None:
    d = decide(policy, req(facts()), names=None)
    assert d.explanation["en"].startswith("Approved: this item is within the 30-day")
    assert d.explanation["fr"].startswith("Accepté : cet article est dans le délai de retour "
                                          "de 30 jours")


def test_all_emitted_codes_are_documented(policy: Policy) -> None:
    cases = [
        decide(policy, req(facts(), "damaged")),
        decide(policy, req(facts(final_sale=True), "damaged")),
        decide(policy, req(facts(paid=100), "damaged", photos=1)),
        decide(policy, req(facts(category="electronics"))),
        decide(policy, req(facts(), "wrong_size", "exchange")),
        decide(policy, req(facts(), "wrong_size", "exchange", in_stock=False)),
        decide(policy, req(facts(delivered=None))),
        decide(policy, req(facts()), returns_90d=9),
    ]
    emitted = {c for d in cases for c in d.reason_codes}
    emitted |= set(policy.line_eligibility(facts(hygiene=True), IN_WINDOW).reason_codes)
    assert emitted <= set(REASON_CODES)
    assert {"photo_required", "excluded_item_fault_claim", "returnless", "restocking_fee",
            "exchange_stock_unknown", "exchange_out_of_stock", "not_delivered",
            "too_many_returns", "review_if_faulty", "hygiene"} <= emitted


def test_invalid_input_is_a_caller_error(policy: Policy) -> None:
    with pytest.raises(ValueError, match="unknown reason code"):
        decide(policy, req(facts(), "too_big"))
    with pytest.raises(ValueError, match="unknown resolution"):
        decide(policy, req(facts(), "other", "repair"))
    with pytest.raises(ValueError, match="quantity"):
        decide(policy, req(facts(qty=0)))
    with pytest.raises(ValueError, match="at least one line"):
        policy.decide([], customer_returns_90d=0, today=IN_WINDOW)


# --- Formatting ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "currency", "en", "fr"),
    [
        (495, "EUR", "€4.95", "4,95 €"),
        (123450, "EUR", "€1,234.50", "1 234,50 €"),
        (5, "USD", "$0.05", "0,05 $ US"),
        (1000, "GBP", "£10.00", "10,00 £"),
        (2599, "CAD", "CA$25.99", "25,99 $ CA"),
    ],
)
def test_format_money(amount: int, currency: str, en: str, fr: str) -> None:
    assert formatting.format_money(amount, currency, "en") == en
    assert formatting.format_money(amount, currency, "fr") == fr


def test_format_date() -> None:
    assert formatting.format_date(dt.date(2026, 3, 12), "en") == "12 March 2026"
    assert formatting.format_date(dt.date(2026, 3, 12), "fr") == "12 mars 2026"
    assert formatting.format_date(dt.date(2026, 8, 1), "fr") == "1er août 2026"
    assert formatting.format_date(dt.date(2026, 12, 25), "fr") == "25 décembre 2026"


def test_every_template_exists_in_both_languages() -> None:
    phrases = {r.code: r.phrase for r in reasons.REASONS}
    for table in (txt.TEMPLATES, txt.FAQ_TEMPLATES, txt.FAQ_QUESTIONS, phrases, txt.HEADLINES):
        for key, text in table.items():
            assert set(text) == set(LANGUAGES), key
            assert all(v.strip() for v in text.values()), key
            fields = {lang: set(re.findall(r"{(\w+)}", v.lower())) for lang, v in text.items()}
            assert fields["en"] == fields["fr"], key  # same placeholders in both
    assert set(phrases) == set(CUSTOMER_REASONS)


def test_non_euro_policy_formats_its_currency(tmp_path: Path) -> None:
    p = load_policy(variant(tmp_path, ("currency: EUR ", "currency: GBP ")))
    d = decide(p, req(facts()))
    assert d.currency == "GBP"
    assert "£4.95" in d.explanation["en"] and "4,95 £" in d.explanation["fr"]


# --- FAQ -----------------------------------------------------------------------------------
def _faq(policy: Policy, language: str) -> dict[str, str]:
    entries = policy.faq(language)
    assert [e["topic"] for e in entries] == list(txt.FAQ_TOPICS)
    assert all(e["question"] and e["answer"] for e in entries)
    return {e["topic"]: e["answer"] for e in entries}


def test_faq_topics_and_values_in_english(policy: Policy) -> None:
    assert txt.FAQ_TOPICS == ("window", "exclusions", "fees", "returnless", "exchanges",
                              "refund_time", "label_validity", "photos")
    faq = _faq(policy, "en")
    assert "30 days for clothing, shoes, homeware, beauty, jewellery and all other items" \
        in faq["window"]
    assert "14 days for electronics" in faq["window"]
    assert "underwear" not in faq["window"]  # hygiene categories are never returnable
    assert "Final-sale items cannot be returned" in faq["exclusions"]
    assert "underwear, swimwear and pierced jewellery" in faq["exclusions"]
    assert "15% of the price paid for electronics" in faq["fees"]
    assert "€4.95 per return" in faq["fees"] and "and for exchanges" in faq["fees"]
    assert "€15.00 or less" in faq["returnless"]
    assert "damaged item, defective item or wrong item" in faq["returnless"]
    assert "in stock" in faq["exchanges"] and "free for exchanges" in faq["exchanges"]
    assert "within 5–10 days" in faq["refund_time"]
    assert "valid for 14 days" in faq["label_validity"]
    assert "damaged item, defective item and wrong item" in faq["photos"]


def test_faq_topics_and_values_in_french(policy: Policy) -> None:
    faq = _faq(policy, "fr")
    assert "30 jours pour : vêtements, chaussures, maison, beauté, bijoux et tous les " \
           "autres articles ; 14 jours pour : électronique" in faq["window"]
    assert "sous-vêtements, maillots de bain et bijoux pour piercing" in faq["exclusions"]
    assert "15 % du prix payé pour : électronique" in faq["fees"]
    assert "4,95 € par demande" in faq["fees"]
    assert "15,00 € ou moins" in faq["returnless"]
    assert "gratuit pour les échanges" in faq["exchanges"]
    assert "sous 5 à 10 jours" in faq["refund_time"]
    assert "valable 14 jours" in faq["label_validity"]
    assert "article endommagé, article défectueux et mauvais article" in faq["photos"]
    with pytest.raises(ValueError):
        policy.faq("de")


def test_faq_follows_the_file(tmp_path: Path) -> None:
    p = load_policy(variant(
        tmp_path,
        ("    window_days: 14\n    restocking_fee_percent: 15 ",
         "    window_days: 21\n    restocking_fee_percent: 12.5 "),
        ("  customer_fee_minor: 495 ", "  customer_fee_minor: 650 "),
        ("  max_value_minor: 1500 ", "  max_value_minor: 2000 "),
        ("  valid_days: 14\n", "  valid_days: 20\n"),
        ("  days_min: 5\n  days_max: 10\n", "  days_min: 3\n  days_max: 7\n"),
        ("  bonus_percent: 0", "  bonus_percent: 10"),
        ("  enabled: true", "  enabled: true"),
    ))
    en, fr = _faq(p, "en"), _faq(p, "fr")
    assert "21 days for electronics" in en["window"]
    assert "21 jours pour : électronique" in fr["window"]
    assert "12.5% of the price paid" in en["fees"] and "12,5 % du prix payé" in fr["fees"]
    assert "€6.50 per return" in en["fees"] and "6,50 € par demande" in fr["fees"]
    assert "€20.00 or less" in en["returnless"] and "20,00 € ou moins" in fr["returnless"]
    assert "valid for 20 days" in en["label_validity"]
    assert "valable 20 jours" in fr["label_validity"]
    assert "within 3–7 days" in en["refund_time"] and "sous 3 à 7 jours" in fr["refund_time"]
    assert "10% bonus" in en["exchanges"] and "bonus de 10 %" in fr["exchanges"]
    # and the decision engine follows too
    d = decide(p, req(facts(2, category="electronics", paid=10000)))
    assert d.lines[0].restocking_fee_minor == 1250
    assert d.return_shipping_fee_minor == 650


def test_faq_without_fees_or_returnless(tmp_path: Path) -> None:
    p = load_policy(variant(tmp_path, ("  customer_fee_minor: 495 ", "  customer_fee_minor: 0 "),
                            ("  enabled: true", "  enabled: false"),
                            ("    restocking_fee_percent: 15 ", "    restocking_fee_percent: 0 ")))
    en, fr = _faq(p, "en"), _faq(p, "fr")
    assert "There is no restocking fee." in en["fees"]
    assert "Return shipping is always free." in en["fees"]
    assert "Le retour est toujours gratuit." in fr["fees"]
    assert en["returnless"].startswith("Yes: every returned item has to be sent back")
    assert fr["returnless"].startswith("Oui : chaque article retourné")
    d = decide(p, req(facts()))
    assert (d.return_shipping_fee_minor, d.refund_amount_minor) == (0, 4500)
    assert "Return shipping is free." in d.explanation["en"]
