"""What customers say, mapped to what the backend understands, in English and French.

Buttons carry exact codes; these tables cover the customers who type instead ("it arrived
cracked", "le pull ne me va pas", "swap for a large"). Matching is on accent-free lower
case, so "defectueux" and "défectueux" are the same word. The reasons' codes and their
names (buttons, the summary) are the one table in :mod:`common.reasons`.
"""
from __future__ import annotations

import re
import unicodedata

# Order matters: the first reason whose pattern matches wins ("broken, and too small" →
# damaged, the shop-fault reason, which is the kinder reading for the customer).
REASON_PATTERNS: list[tuple[str, str]] = [
    ("wrong_item", r"wrong (item|product|one|thing|article|colou?r)|not what i (ordered|bought)|"
                   r"sent (me )?the wrong|received (the )?wrong|pas (le bon|la bonne|ce que j)|"
                   r"mauvais (article|produit|modele)|erreur de (commande|produit|colis)|"
                   r"pas (celui|celle) que j"),
    ("damaged", r"broken|broke\b|crack|smash|shatter|dent|scratch|torn|ripped|damag|crush|"
                r"arriv\w* (in pieces|broken)|casse|brise|abim|fissur|ray[ee]|dechir|endommag|"
                r"en morceaux|ecras"),
    ("defective", r"defect|faulty|does ?n.?t work|doesnt work|not working|stopped working|won.?t "
                  r"(turn|switch|charge|work)|dead on arrival|\bdoa\b|malfunction|fault|"
                  r"ne (marche|fonctionne|s.allume|charge) (pas|plus)|marche pas|fonctionne pas|"
                  r"en panne|defectueu|deffectueu|hs\b|ne tient pas la charge"),
    ("not_as_described", r"not as (described|pictured|shown|advertised)|different (from|than) "
                         r"(the )?(picture|photo|description|website)|looks different|"
                         r"pas conforme|differen\w* (de|que) (la )?(photo|description)|"
                         r"ne correspond pas"),
    ("wrong_size", r"too (small|big|large|tight|loose|short|long|narrow|wide)|does ?n.?t fit|"
                   r"doesnt fit|did ?n.?t fit|wrong size|\bsize|\bfits?\b|trop (petit|grand|serr|large|"
                   r"court|long|etroit)|taille|\bva pas?\b|pointure"),
    ("arrived_late", r"(arrived|came|delivered) (too )?late|too late|arrive\w* (trop )?en retard|"
                     r"trop tard|livr\w* en retard"),
    ("changed_mind", r"changed? (my )?mind|do ?n.?t (want|need|like)|dont (want|need|like)|"
                     r"no longer (need|want)|not needed|don.?t love|change d.avis|plus besoin|"
                     r"(ne|n.) (me )?pla[iî]t pas|j.aime pas|veux plus|n.en veux plus|"
                     r"pas besoin"),
]

RESOLUTION_PATTERNS: list[tuple[str, str]] = [
    ("store_credit", r"store credit|credit|voucher|gift card|avoir|bon d.achat|carte cadeau"),
    ("exchange", r"exchange|swap|replace|another (size|colou?r|one)|different (size|colou?r)|"
                 r"echang|remplac|autre (taille|couleur)"),
    ("refund", r"refund|money back|reimburs|rembours|argent|repay"),
]

# The legal guarantee's remedies (issue 13), read only where they are offered (a faulty,
# damaged, wrong or not-as-described item under French law): there "a new one" or "replace
# it" is a replacement of the same item, not an exchange for another size.
REMEDY_PATTERNS: list[tuple[str, str]] = [
    ("repair", r"repair|fix (it|them)|mend|repar"),
    ("replacement", r"replac|a new one|new (one|pair)|same (one|item)|remplac|un neuf|une neuve|"
                    r"le meme|la meme|un autre identique"),
    ("price_reduction", r"price reduction|reduc|discount|partial refund|keep (it|them).*(discount|reduc)|"
                        r"baisse|remise|garde\w*.*(reduc|remise)"),
]

RESOLUTION_NAMES = {
    "en": {"refund": "refund", "exchange": "exchange for {exchange}", "store_credit": "store credit",
           "repair": "free repair", "replacement": "free replacement (the same item)",
           "price_reduction": "price reduction, keeping the item"},
    "fr": {"refund": "remboursement", "exchange": "échange contre {exchange}",
           "store_credit": "avoir en boutique", "repair": "réparation gratuite",
           "replacement": "remplacement gratuit (le même article)",
           "price_reduction": "réduction du prix, en gardant l'article"},
}

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "all": -1, "both": -1, "tous": -1, "toutes": -1,
    "les deux": -1,
}


def fold(text: str) -> str:
    """Lower case without accents: what the patterns are written against."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def reason_from_text(text: str) -> str | None:
    folded = fold(text)
    for code, pattern in REASON_PATTERNS:
        if re.search(pattern, folded):
            return code
    return None


def remedy_from_text(text: str) -> str | None:
    """A remedy of the legal guarantee said in words, or None (see REMEDY_PATTERNS)."""
    folded = fold(text)
    for code, pattern in REMEDY_PATTERNS:
        if re.search(pattern, folded):
            return code
    return None


def resolution_from_text(text: str) -> str | None:
    folded = fold(text)
    for code, pattern in RESOLUTION_PATTERNS:
        if re.search(pattern, folded):
            return code
    return None


def number_from_text(text: str) -> int | None:
    """"2", "two", "deux", "x2" → 2; "all"/"les deux" → -1 (everything); else None."""
    folded = fold(text).strip()
    digits = re.findall(r"\d+", folded)
    if len(digits) == 1:
        return int(digits[0])
    for word, value in sorted(NUMBER_WORDS.items(), key=lambda kv: -len(kv[0])):
        if re.search(rf"\b{word}\b", folded):
            return value
    return None


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) > 1}


# --- sizes relative to the one bought ("one size up", « une taille au-dessus ») -------------------

_UP = (r"(one |a |1 |une |two |2 |deux )?(sizes?|tailles?) (up|above|bigger|larger|au[- ]dessus|superieures?|"
       r"plus grandes?|d.apres|suivantes?)|(bigger|larger|next) sizes?|up (a|one|two|2) sizes?|"
       r"(one|a|two|2) sizes? (up|bigger|larger)|en plus grand|plus grand(e|s)?\b")
_DOWN = (r"(one |a |1 |une |two |2 |deux )?(sizes?|tailles?) (down|below|smaller|en[- ]dessous|inferieures?|"
         r"plus petites?|d.avant|precedentes?)|(smaller|previous) sizes?|down (a|one|two|2) sizes?|"
         r"(one|a|two|2) sizes? (down|smaller)|en plus petit|plus petit(e|s)?\b")
_TWO = r"\b(two|2|deux) (sizes?|tailles?)\b"
LETTER_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")


def size_step_from_text(text: str) -> int | None:
    """+1 for "one size up", -2 for "deux tailles en dessous", None when no relative size is said."""
    folded = fold(text)
    up, down = re.search(_UP, folded), re.search(_DOWN, folded)
    if bool(up) == bool(down):
        return None
    steps = 2 if re.search(_TWO, folded) else 1
    return steps if up else -steps


def size_after(current: str | None, step: int, available: list[str]) -> str | None:
    """The size ``step`` sizes away from ``current`` among ``available``, or None.

    Letter sizes move along XXS…XXXL exactly (one size up from M is L, never XL because L
    is missing); numeric sizes (shoes, EU apparel) take the ``abs(step)``-th nearest
    available one in that direction.
    """
    if not current:
        return None
    key = current.strip().upper()
    if key in LETTER_SIZES:
        index = LETTER_SIZES.index(key) + step
        if not 0 <= index < len(LETTER_SIZES):
            return None
        wanted = LETTER_SIZES[index]
        return next((s for s in available if s.strip().upper() == wanted), None)
    try:
        value = float(key.replace(",", "."))
    except ValueError:
        return None
    numeric = []
    for size in available:
        try:
            numeric.append((float(size.replace(",", ".")), size))
        except ValueError:
            continue
    side = sorted((n for n in numeric if (n[0] > value if step > 0 else n[0] < value)),
                  key=lambda n: abs(n[0] - value))
    return side[abs(step) - 1][1] if len(side) >= abs(step) else None
