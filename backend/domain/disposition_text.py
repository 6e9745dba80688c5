"""The words of a disposition decision, in English and French.

Why sentences and not just codes: the inspection page shows the warehouse team why an item
goes where it goes, in their language; when the law overrode the rules file, the sentence
says from what, to what and under which article, so nobody "fixes" it by hand.
"""
from __future__ import annotations

from typing import Mapping

from backend.domain.disposition_law import ARTICLE_TEXT
from backend.domain.disposition_rules import DispositionDecision
from common.formatting import format_money, format_percent
from common.languages import LANGUAGES, Localized

DISPOSITION_NAMES: Mapping[str, Localized] = {
    "restock": {"en": "back to stock", "fr": "remise en stock"},
    "refurbish": {"en": "refurbishing", "fr": "reconditionnement"},
    "return_to_vendor": {"en": "return to the vendor", "fr": "retour au fournisseur"},
    "resale_hold": {"en": "outlet (resale hold)", "fr": "déstockage (revente en attente)"},
    "donate": {"en": "donation", "fr": "don"},
    "recycle": {"en": "recycling", "fr": "recyclage"},
    "dispose": {"en": "disposal", "fr": "élimination"},
}
GUARD_REASONS: Mapping[str, Localized] = {
    "dispose_exception_missing": {
        "en": "disposal needs an exception (hazardous, recall, counterfeit, unsafe, "
              "unrecyclable) that the inspection confirms",
        "fr": "l'élimination exige une exception (dangereux, rappel, contrefaçon, risque pour "
              "la sécurité, non recyclable) constatée à l'inspection"},
    "resellable_not_destroyed": {
        "en": "an item that can still be sold is never destroyed nor recycled",
        "fr": "un article encore vendable n'est ni détruit ni recyclé"},
    "hygiene_donated": {
        "en": "a hygiene item that cannot be sold again is donated",
        "fr": "un produit d'hygiène qui ne peut plus être vendu est donné"},
    "apparel_footwear_not_destroyed": {
        "en": "apparel and footwear are not destroyed since 19 July 2026",
        "fr": "les vêtements et chaussures ne sont plus détruits depuis le 19 juillet 2026"},
    "e_waste_route": {
        "en": "electrical goods and batteries go to the e-waste route, with a disposal record",
        "fr": "les équipements électriques et les piles suivent la filière des déchets "
              "électriques (DEEE), avec un registre d'élimination"},
    "battery_hazard": {
        "en": "damaged lithium battery: dangerous goods, never with a standard postal label",
        "fr": "batterie au lithium endommagée : marchandise dangereuse, jamais avec une "
              "étiquette postale standard"},
}
TEMPLATES: Mapping[str, Localized] = {
    "rule": {"en": "Rule “{rule}” ({file}, line {line}): {disposition}.",
             "fr": "Règle « {rule} » ({file}, ligne {line}) : {disposition}."},
    "changed": {"en": "The law changed {before} to {after}: {why} ({article}).",
                "fr": "La loi a remplacé {before} par {after} : {why} ({article})."},
    "noted": {"en": "{Why} ({article}).", "fr": "{Why} ({article})."},
    "recovered": {"en": "Value recovered: {percent} of {value}, that is {amount}.",
                  "fr": "Valeur récupérée : {percent} de {value}, soit {amount}."},
}


def _sentences(decision: DispositionDecision, language: str, currency: str,
               value_minor: int) -> list[str]:
    t = {key: template[language] for key, template in TEMPLATES.items()}
    name = {key: names[language] for key, names in DISPOSITION_NAMES.items()}
    file = decision.rules_file.rsplit("/", 1)[-1]
    out = [t["rule"].format(rule=decision.rule_names[language], file=file, line=decision.rule_line,
                            disposition=name[decision.rule_disposition])]
    for guard in decision.guards:
        why = GUARD_REASONS[guard.code][language]
        if guard.changed_from is not None:
            out.append(t["changed"].format(before=name[guard.changed_from],
                                           after=name[guard.disposition], why=why,
                                           article=ARTICLE_TEXT[guard.code][language]))
        else:
            out.append(t["noted"].format(Why=why[:1].upper() + why[1:],
                                         article=ARTICLE_TEXT[guard.code][language]))
    out.append(t["recovered"].format(
        percent=format_percent(decision.recovery_percent, language),
        value=format_money(value_minor, currency, language),
        amount=format_money(decision.value_recovered_minor, currency, language)))
    return out


def explain(decision: DispositionDecision, currency: str, value_minor: int) -> Localized:
    """The decision in every language: the rule, each guard, the value recovered."""
    return {lang: " ".join(_sentences(decision, lang, currency, value_minor))
            for lang in LANGUAGES}
