"""Tests of the disposition rules (issue 14): the demo shop's file rule by rule, every grade,
every legal guard (with the ESPR date boundary), the loader's file:line errors, both
languages of the explanation and ``check-dispositions``.

Pure domain: no database. Dates are fixed; amounts are asserted to the cent.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from backend.__main__ import main
from backend.domain import disposition_law, disposition_text
from backend.domain import disposition_rules as rules_module
from backend.domain.disposition import (
    DEFAULT_DISPOSITION_FILE,
    DISPOSITIONS,
    GUARD_CODES,
    CategoryFacts,
    Conditions,
    DispositionRules,
    DispositionRulesError,
    InspectedLine,
    Rule,
    decide,
    disposition_rules_from_text,
    load_disposition_rules,
)
from backend.domain.policy import PolicyError
from tests.common.test_french_typography import problems as typography_problems

TODAY = dt.date(2026, 12, 5)
ESPR_EVE = dt.date(2026, 7, 18)
ESPR_DAY = dt.date(2026, 7, 19)


@pytest.fixture(scope="module")
def default() -> DispositionRules:
    return load_disposition_rules(DEFAULT_DISPOSITION_FILE)


def line(grade: str = "A", category: str = "apparel", value: int = 4500,
         reason: str = "changed_mind", *flags: str, qty: int = 1) -> InspectedLine:
    return InspectedLine(grade=grade, category=category, unit_value_minor=value,
                         reason_code=reason, flags=frozenset(flags), quantity=qty)


def line_of(text: str, needle: str) -> int:
    [number] = [i for i, row in enumerate(text.splitlines(), start=1) if needle in row]
    return number


HEADER = """\
version: "t-1"
currency: EUR
categories:
  apparel: {apparel_or_footwear: true}
  shoes: {apparel_or_footwear: true}
  underwear: {apparel_or_footwear: true, hygiene: true}
  beauty: {hygiene: true}
  electronics: {electrical: true}
  home: {}
  default: {}
recovery_percent: {restock: 100, refurbish: 60, return_to_vendor: 80, resale_hold: 50,
                   donate: 0, recycle: 2, dispose: 0}
rules:
"""


def rules_text(body: str) -> str:
    return HEADER + body


def load(body: str) -> DispositionRules:
    return disposition_rules_from_text(rules_text(body), "test.yml")


def refused(body: str) -> DispositionRulesError:
    with pytest.raises(DispositionRulesError) as caught:
        load(body)
    return caught.value


# --- The demo shop's file, rule by rule -----------------------------------------------------
# (line facts, the rule that decides, the disposition, the guards that ruled)
DEFAULT_CASES = [
    (line("N", "electronics", 9900, "defective", "recalled"), "recalled product",
     "return_to_vendor", ()),
    (line("A", "apparel", 4500, "other", "counterfeit"), "counterfeit", "dispose", ()),
    (line("B", "home", 3000, "defective", "battery", "battery_damaged"),
     "damaged lithium battery", "recycle", ("battery_hazard", "e_waste_route")),
    (line("D", "home", 3000, "damaged", "hazardous"), "hazardous goods", "dispose", ()),
    (line("C", "jewellery", 3000, "defective", "unsafe"), "unsafe to use", "dispose", ()),
    (line("B", "underwear", 2500, "wrong_size", "seal_broken"), "opened hygiene item",
     "donate", ()),
    (line("A", "apparel"), "as-new apparel and shoes", "restock", ()),
    (line("N", "shoes", 8900), "as-new apparel and shoes", "restock", ()),
    (line("A", "shoes", 8900, "wrong_size"), "as-new apparel and shoes", "restock", ()),
    (line("N", "electronics", 12900), "new and sealed", "restock", ()),
    (line("A", "home", 3900), "as new", "restock", ()),
    (line("B", "electronics", 12900), "opened electronics", "refurbish", ()),
    (line("B", "apparel"), "opened, resellable", "resale_hold", ()),
    (line("C", "electronics", 12900, "defective"),
     "faulty electronics under the brand's warranty", "return_to_vendor", ()),
    (line("C", "home", 1999), "cheap damaged item", "donate", ()),
    (line("C", "home", 2000), "damaged, repairable", "refurbish", ()),
    (line("D", "jewellery", 3000, "damaged", "unrecyclable"), "unsellable and unrecyclable",
     "dispose", ()),
    (line("D", "apparel"), "unsellable (grade D) and anything else", "recycle", ()),
    (line("D", "electronics", 12900, "damaged"), "unsellable (grade D) and anything else",
     "recycle", ("e_waste_route",)),
]


def test_default_file_loads(default: DispositionRules) -> None:
    assert default.version == "2026.12-1" and default.currency == "EUR"
    assert set(default.recovery_percent) == set(DISPOSITIONS)
    assert default.category("apparel").apparel_or_footwear
    assert default.category("underwear").hygiene and default.category("electronics").electrical
    assert default.category("garden") == default.categories["default"]
    assert default.rules[-1].when.matches_everything


@pytest.mark.parametrize("facts, rule, disposition, guards", DEFAULT_CASES,
                         ids=[f"{c[0].grade}-{c[0].category}-{c[1]}" for c in DEFAULT_CASES])
def test_every_default_rule(default: DispositionRules, facts: InspectedLine, rule: str,
                            disposition: str, guards: tuple[str, ...]) -> None:
    decision = decide(default, facts, TODAY)
    assert (decision.rule, decision.disposition, decision.guard_codes) == (rule, disposition,
                                                                          guards)
    text = DEFAULT_DISPOSITION_FILE.read_text(encoding="utf-8")
    assert decision.rule_line == line_of(text, f"- name: {rule}")


def test_the_cases_reach_every_rule_of_the_default_file(default: DispositionRules) -> None:
    assert {case[1] for case in DEFAULT_CASES} == {r.name for r in default.rules}


@pytest.mark.parametrize("grade, disposition", [("N", "restock"), ("A", "restock"),
                                                 ("B", "resale_hold"), ("C", "refurbish"),
                                                 ("D", "recycle")])
def test_every_grade_of_an_apparel_item(default: DispositionRules, grade: str,
                                        disposition: str) -> None:
    assert decide(default, line(grade, "apparel", 4500), TODAY).disposition == disposition


def test_as_new_apparel_and_shoes_go_back_to_stock(default: DispositionRules) -> None:
    for category in ("apparel", "shoes"):
        for grade in ("N", "A"):
            decision = decide(default, line(grade, category, 6000, "wrong_size"), TODAY)
            assert decision.disposition == "restock" and not decision.guards
            assert (decision.recovery_percent, decision.value_recovered_minor) == (100, 6000)


def test_recovery_from_the_table_or_the_rule_rounded_half_up(default: DispositionRules) -> None:
    refurbished = decide(default, line("B", "electronics", 3333, qty=2), TODAY)
    assert refurbished.recovery_percent == Decimal(70)  # the rule's own figure
    assert refurbished.value_recovered_minor == 4666  # 6666 × 70 % = 4666.2
    recycled = decide(default, line("D", "home", 2525), TODAY)
    assert (recycled.recovery_percent, recycled.value_recovered_minor) == (2, 51)  # 50.5 → 51
    recall = decide(default, line("N", "home", 5000, "other", "recalled"), TODAY)
    assert recall.value_recovered_minor == 5000


def test_a_value_condition_is_strict_on_both_sides() -> None:
    rules = load("""\
  - {name: mid, when: {value_minor_above: 1000, value_minor_below: 2000}, then: donate}
  - {name: rest, then: refurbish}
""")
    assert [decide(rules, line("C", "home", v), TODAY).rule for v in (1000, 1001, 1999, 2000)] \
        == ["rest", "mid", "mid", "rest"]


def test_reason_and_not_flags_conditions() -> None:
    rules = load("""\
  - {name: faulty, when: {reason: [defective], not_flags: [battery]}, then: return_to_vendor}
  - {name: rest, then: refurbish}
""")
    assert decide(rules, line("C", "home", 100, "defective"), TODAY).rule == "faulty"
    assert decide(rules, line("C", "home", 100, "defective", "battery"), TODAY).rule == "rest"
    assert decide(rules, line("C", "home", 100, "damaged"), TODAY).rule == "rest"


# --- The law as a guard: a rule cannot get around it ----------------------------------------
def test_resellable_goods_are_never_recycled_nor_destroyed() -> None:
    rules = load("  - {name: everything, then: recycle}\n")
    for grade in ("N", "A", "B"):
        decision = decide(rules, line(grade, "home", 4000), TODAY)
        assert decision.disposition == "resale_hold"
        [guard] = decision.guards
        assert (guard.code, guard.changed_from, guard.disposition) == (
            "resellable_not_destroyed", "recycle", "resale_hold")
        assert "L541-15-8" in guard.article
        assert decision.recovery_percent == 50  # the table's figure for where it went
    assert decide(rules, line("D", "home", 4000), TODAY).disposition == "recycle"


def test_a_safety_reason_lets_a_resellable_item_leave_the_market(default) -> None:
    decision = decide(default, line("N", "apparel", 4500, "other", "counterfeit"), ESPR_DAY)
    assert (decision.disposition, decision.exception, decision.guards) == (
        "dispose", "counterfeit", ())


def test_dispose_needs_an_exception_the_inspection_supports() -> None:
    # Built in code (the loader refuses such rules): the runtime guard still holds.
    cats = {"default": CategoryFacts("default"), "home": CategoryFacts("home")}
    recovery = {d: Decimal(0) for d in DISPOSITIONS}
    bare = DispositionRules("x", cats, recovery, (Rule("bin it", 0, Conditions(), "dispose"),))
    decision = decide(bare, line("D", "home", 100), TODAY)
    assert decision.guards[0].code == "dispose_exception_missing"
    assert (decision.disposition, decision.guards[0].changed_from) == ("recycle", "dispose")
    assert decide(bare, line("C", "home", 100), TODAY).disposition == "refurbish"
    unsupported = DispositionRules("x", cats, recovery, (
        Rule("bin it", 0, Conditions(), "dispose", exception="hazardous"),))
    assert decide(unsupported, line("D", "home", 100), TODAY).disposition == "recycle"
    assert decide(unsupported, line("D", "home", 100, "other", "hazardous"),
                  TODAY).disposition == "dispose"


def test_unsellable_hygiene_goods_are_donated_not_destroyed_nor_restocked() -> None:
    rules = load("  - {name: everything, then: recycle}\n")
    for facts in (line("B", "underwear", 2000, "other", "seal_broken"),
                  line("D", "beauty", 2000), line("C", "home", 900, "other", "hygiene")):
        decision = decide(rules, facts, TODAY)
        assert (decision.disposition, decision.guard_codes) == ("donate", ("hygiene_donated",))
        assert decision.guards[0].changed_from == "recycle"
    restock = load("  - {name: everything, then: restock}\n")
    decision = decide(restock, line("A", "beauty", 2000, "other", "seal_broken"), TODAY)
    assert (decision.disposition, decision.guards[0].changed_from) == ("donate", "restock")
    assert decide(restock, line("A", "beauty", 2000), TODAY).disposition == "restock"


@pytest.mark.parametrize("day, disposition, guards", [
    (ESPR_EVE, "dispose", ()),
    (ESPR_DAY, "recycle", ("apparel_footwear_not_destroyed",)),
    (TODAY, "recycle", ("apparel_footwear_not_destroyed",)),
])
@pytest.mark.parametrize("category", ["apparel", "shoes"])
def test_apparel_and_footwear_are_not_destroyed_from_19_july_2026(
        default, category: str, day: dt.date, disposition: str, guards: tuple) -> None:
    decision = decide(default, line("D", category, 4500, "damaged", "unrecyclable"), day)
    assert decision.rule == "unsellable and unrecyclable"
    assert (decision.disposition, decision.guard_codes) == (disposition, guards)
    if guards:
        assert decision.guards[0].changed_from == "dispose"
        assert decision.guards[0].article == "Regulation (EU) 2024/1781 (ESPR) art. 25"
        assert decision.exception is None
    else:
        assert decision.exception == "unrecyclable"


def test_espr_spares_other_categories_and_keeps_its_derogations(default) -> None:
    assert decide(default, line("D", "home", 4500, "damaged", "unrecyclable"),
                  ESPR_DAY).disposition == "dispose"
    assert decide(default, line("D", "shoes", 4500, "damaged", "hazardous"),
                  ESPR_DAY).disposition == "dispose"
    rules = load("  - {name: c, when: {grade: [C], flags: [unrecyclable]}, then: dispose, "
                 "exception: unrecyclable}\n  - {name: rest, then: refurbish}\n")
    assert decide(rules, line("C", "apparel", 4500, "damaged", "unrecyclable"),
                  ESPR_DAY).disposition == "refurbish"


def test_electrical_goods_and_batteries_take_the_e_waste_route(default) -> None:
    hazardous = decide(default, line("D", "electronics", 9900, "defective", "hazardous"), TODAY)
    assert (hazardous.disposition, hazardous.e_waste_record_required) == ("recycle", True)
    [guard] = hazardous.guards
    assert (guard.code, guard.changed_from) == ("e_waste_route", "dispose")
    assert "2012/19/EU" in guard.article
    battery = decide(default, line("D", "home", 2000, "damaged", "battery"), TODAY)
    assert (battery.disposition, battery.flags) == ("recycle", ("e_waste_record_required",))
    assert battery.guards[0].changed_from is None  # recorded, not changed
    restocked = decide(default, line("A", "electronics", 9900), TODAY)
    assert not restocked.e_waste_record_required and restocked.flags == ()


def test_a_damaged_lithium_battery_is_flagged_and_never_resold() -> None:
    rules = load("""\
  - {name: recall, when: {flags: [recalled]}, then: return_to_vendor}
  - {name: everything, then: restock}
""")
    decision = decide(rules, line("A", "home", 5000, "other", "battery", "battery_damaged"), TODAY)
    assert decision.disposition == "recycle"
    assert decision.flags == ("battery_hazard", "e_waste_record_required")
    assert [(g.code, g.changed_from) for g in decision.guards] == [
        ("battery_hazard", "restock"), ("e_waste_route", None)]
    assert decision.guards[0].article == "ADR special provision 376"
    # Sent back to the brand, it keeps the flag the label code reads (no standard postal label).
    recalled = decide(rules, line("A", "home", 5000, "other", "battery_damaged", "recalled"),
                      TODAY)
    assert (recalled.disposition, recalled.battery_hazard) == ("return_to_vendor", True)
    assert recalled.flags == ("battery_hazard",)


def test_every_guard_code_is_documented_cited_and_worded() -> None:
    assert set(GUARD_CODES) == set(disposition_law.ARTICLES) == set(disposition_text.GUARD_REASONS)
    for code in GUARD_CODES:
        assert f"\n{code} " in rules_module.__doc__


# --- Explanations in both languages ---------------------------------------------------------
def test_explanation_of_a_kept_rule(default) -> None:
    decision = decide(default, line("A", "apparel", 4500), TODAY)
    rule_line = decision.rule_line
    assert decision.explanation["en"] == (
        f"Rule “as-new apparel and shoes” (default.yml, line {rule_line}): back to stock. "
        "Value recovered: 100% of €45.00, that is €45.00.")
    assert decision.explanation["fr"] == (
        f"Règle « vêtements et chaussures comme neufs » (default.yml, ligne {rule_line}) : "
        "remise en stock. Valeur récupérée : 100 % de 45,00 €, soit 45,00 €.")
    assert decision.rule == "as-new apparel and shoes"  # the stable name, stored


def test_a_rule_without_names_reads_as_its_name_and_names_need_both_languages() -> None:
    rules = load("  - {name: everything, then: refurbish}\n")
    decision = decide(rules, line("C", "home", 1000), TODAY)
    assert decision.explanation["fr"].startswith("Règle « everything » (test.yml, ligne 14) : ")
    body = "  - {name: x, names: {en: x}, then: refurbish}\n"
    error = refused(body)
    assert (error.path, error.problem) == ("rules[0].names.fr", "required key is missing")


def test_explanation_says_what_the_law_changed_and_why(default) -> None:
    decision = decide(default, line("D", "shoes", 8000, "damaged", "unrecyclable"), ESPR_DAY)
    en, fr = decision.explanation["en"], decision.explanation["fr"]
    assert "The law changed disposal to recycling: apparel and footwear are not destroyed " \
           "since 19 July 2026 (Regulation (EU) 2024/1781 (ESPR) art. 25)." in en
    assert "La loi a remplacé élimination par recyclage : les vêtements et chaussures ne " \
           "sont plus détruits depuis le 19 juillet 2026 (Règlement (UE) 2024/1781 (ESPR) " \
           "art. 25)." in fr
    assert "2% of €80.00, that is €1.60" in en and "2 % de 80,00 €, soit 1,60 €" in fr


def test_every_explanation_follows_french_typography(default) -> None:
    seen = set()
    for facts, *_ in DEFAULT_CASES:
        for day in (ESPR_EVE, ESPR_DAY):
            decision = decide(default, facts, day)
            assert not typography_problems(decision.explanation["fr"]), decision.explanation
            assert decision.explanation["en"] != decision.explanation["fr"]
            seen.update(decision.guard_codes)
    assert seen == {"battery_hazard", "e_waste_route"}


def test_invalid_input_is_a_caller_error(default) -> None:
    for bad in (line("E"), line("A", "apparel", 100, "bored"), line("A", "apparel", 100, "other",
                                                                     "sticky"),
                line("A", "apparel", -1), line(qty=0)):
        with pytest.raises(ValueError):
            decide(default, bad, TODAY)


# --- The loader: every problem with file:line -----------------------------------------------
def test_a_misspelt_key_is_refused_with_a_suggestion() -> None:
    body = ("  - name: sealed\n    when: {grade: [N]}\n    thne: restock\n"
            "  - {name: rest, then: refurbish}\n")
    error = refused(body)
    assert error.line == line_of(rules_text(body), "thne:")
    assert "rules[0].thne: unknown key (did you mean 'then'?)" in str(error)
    assert f"test.yml:{error.line}:" in str(error)
    assert isinstance(error, PolicyError)  # caught where a policy error is


def test_an_unknown_disposition_is_refused() -> None:
    body = "  - {name: rest, then: landfil}\n"
    error = refused(body)
    assert str(error) == (f"test.yml:{line_of(rules_text(body), 'landfil')}: rules[0].then: "
                          "unknown disposition 'landfil'; expected one of: restock, refurbish, "
                          "return_to_vendor, resale_hold, donate, recycle, dispose")


def test_dispose_without_an_exception_is_refused_with_the_article() -> None:
    body = ("  - name: broken\n    when: {grade: [D]}\n    then: dispose\n"
            "  - {name: rest, then: recycle}\n")
    error = refused(body)
    assert error.line == line_of(rules_text(body), "then: dispose")
    assert "rules[0].then: dispose needs an exception code" in str(error)
    assert "Code de l'environnement L541-15-8" in str(error)


def test_a_rule_disposing_of_apparel_without_exception_is_refused_naming_espr() -> None:
    body = ("  - name: worn out\n    when: {grade: [D], category: [apparel, home]}\n"
            "    then: dispose\n  - {name: rest, then: recycle}\n")
    error = refused(body)
    assert error.line == line_of(rules_text(body), "then: dispose")
    assert "apparel: apparel and footwear may not be destroyed from 19 July 2026 " \
           "(Regulation (EU) 2024/1781 (ESPR) art. 25)" in str(error)


def test_apparel_disposal_as_unrecyclable_is_refused_a_derogation_is_not() -> None:
    body = ("  - name: worn out\n"
            "    when: {grade: [D], category: [shoes], flags: [unrecyclable]}\n"
            "    then: dispose\n    exception: unrecyclable\n  - {name: rest, then: recycle}\n")
    error = refused(body)
    assert error.line == line_of(rules_text(body), "exception: unrecyclable")
    assert "ESPR" in str(error) and "rules[0].exception" in str(error)
    load(body.replace("unrecyclable", "counterfeit"))  # a derogation: accepted


@pytest.mark.parametrize("body, where, needle, message", [
    ("  - {name: x, when: {flags: [hazardous]}, then: recycle, exception: hazardous}\n",
     "rules[0].exception", "exception:", "an exception code goes only with then: dispose"),
    ("  - {name: x, when: {grade: [D]}, then: dispose, exception: recall}\n",
     "rules[0].exception", "recall", "holds only for items flagged 'recalled'"),
    ("  - {name: x, when: {grade: [A, B]}, then: recycle}\n",
     "rules[0].then", "then: recycle", "grades A, B are resellable"),
    ("  - {name: x, when: {category: [electronics], flags: [hazardous]}, then: dispose, "
     "exception: hazardous}\n", "rules[0].then", "[electronics]", "e-waste route"),
    ("  - {name: x, when: {category: [underwear, beauty], flags: [seal_broken]}, "
     "then: resale_hold}\n", "rules[0].then", "[underwear", "is donated, not restocked"),
    ("  - {name: x, when: {flags: [hygiene, seal_broken]}, then: recycle}\n",
     "rules[0].then", "seal_broken", "use donate (Code de l'environnement L541-15-8)"),
    ("  - {name: x, when: {grade: [F]}, then: recycle}\n",
     "rules[0].when.grade[0]", "[F]", "unknown grade 'F'"),
    ("  - {name: x, when: {category: [aparel]}, then: restock}\n",
     "rules[0].when.category[0]", "aparel", "(did you mean 'apparel'?)"),
    ("  - {name: x, when: {flags: [batery]}, then: recycle}\n",
     "rules[0].when.flags[0]", "batery", "(did you mean 'battery'?)"),
    ("  - {name: x, when: {reason: [broken]}, then: recycle}\n",
     "rules[0].when.reason[0]", "broken", "unknown reason code 'broken'"),
    ("  - {name: x, when: {value_minor_below: 100, value_minor_above: 99}, then: donate}\n",
     "rules[0].when.value_minor_below", "value_minor_below", "never matches"),
    ("  - {name: x, when: {grade: [D]}, then: recycle, recovery_percent: 120}\n",
     "rules[0].recovery_percent", "120", "percentage between 0 and 100"),
])
def test_bad_rules_are_refused_on_their_line(body: str, where: str, needle: str,
                                             message: str) -> None:
    error = refused(body + "  - {name: rest, then: recycle}\n")
    [problem] = [p for p in error.problems if p.path == where]
    assert problem.line == line_of(rules_text(body), needle)
    assert message in problem.problem


def test_the_last_rule_must_match_everything_and_none_may_follow_it() -> None:
    body = "  - {name: d, when: {grade: [D]}, then: recycle}\n"
    error = refused(body)
    assert (error.line, error.path) == (line_of(rules_text(body), "name: d"), "rules[0]")
    assert "the last rule must match everything" in error.problem
    body = "  - {name: all, then: recycle}\n  - {name: late, then: donate}\n"
    error = refused(body)
    assert error.line == line_of(rules_text(body), "name: late")
    assert "never reached: rule 'all' on line" in error.problem


def test_duplicate_names_and_every_problem_at_once() -> None:
    body = ("  - {name: a, when: {grade: [A]}, then: restock}\n"
            "  - {name: a, when: {grade: [Q]}, then: restock}\n"
            "  - {name: rest, then: burn}\n")
    error = refused(body)
    assert [p.line for p in error.problems] == [line_of(rules_text(body), "[Q]")] * 2 + [
        line_of(rules_text(body), "burn")]
    assert "duplicate rule name (first given on line" in str(error)


def test_file_level_problems(tmp_path: Path) -> None:
    text = rules_text("  - {name: rest, then: recycle}\n")
    no_default = text.replace("  default: {}\n", "")
    with pytest.raises(DispositionRulesError, match="categories.default: required"):
        disposition_rules_from_text(no_default, "t.yml")
    missing = text.replace(" dispose: 0", "")
    with pytest.raises(DispositionRulesError, match=r"recovery_percent.dispose: required key"):
        disposition_rules_from_text(missing, "t.yml")
    with pytest.raises(DispositionRulesError, match=r"t.yml:1: the rules file is empty"):
        disposition_rules_from_text("", "t.yml")
    with pytest.raises(DispositionRulesError, match=r"t.yml:\d+: invalid YAML"):
        disposition_rules_from_text(text + "  - {name: [\n", "t.yml")
    with pytest.raises(DispositionRulesError, match="cannot read the rules file"):
        load_disposition_rules(tmp_path / "missing.yml")
    with pytest.raises(DispositionRulesError, match=r"categories.home.hygene: unknown key "
                                                    r"\(did you mean 'hygiene'\?\)"):
        disposition_rules_from_text(text.replace("home: {}", "home: {hygene: true}"), "t.yml")


# --- check-dispositions ---------------------------------------------------------------------
def test_check_dispositions_prints_the_default_rules(capsys) -> None:
    assert main(["check-dispositions"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("disposition rules version 2026.12-1: OK\n")
    assert re.search(r" 7\. line \d+: as-new apparel and shoes: grade N, A; category apparel, "
                     r"shoes -> restock, recovers 100%", out)
    assert "everything else -> recycle, recovers 2%" in out


def test_check_dispositions_refuses_a_bad_file_naming_file_and_line(tmp_path: Path,
                                                                    capsys) -> None:
    path = tmp_path / "bad.yml"
    body = "  - name: burn\n    when: {category: [apparel]}\n    then: dispose\n" \
           "  - {name: rest, then: recycle}\n"
    path.write_text(rules_text(body), encoding="utf-8")
    assert main(["check-dispositions", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:{line_of(rules_text(body), 'then: dispose')}: rules[0].then:" in err
    assert "ESPR" in err


def test_a_misread_rule_is_not_judged_on_a_guess() -> None:
    # An unknown exception code is the one mistake reported (not "dispose needs an exception").
    body = "  - {name: x, when: {grade: [D]}, then: dispose, exception: burnt}\n"
    error = refused(body + "  - {name: rest, then: recycle}\n")
    assert [(p.path, p.problem.split(";")[0]) for p in error.problems] == [
        ("rules[0].exception", "unknown exception code 'burnt'")]
