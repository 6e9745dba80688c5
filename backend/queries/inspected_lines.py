"""A return line as the disposition rules read it: reads of a stored line, no change.

Why a query: the inspection service decides with it and the warehouse view explains a
stored decision with it, and a read must not depend on a command step.
"""
from __future__ import annotations

from backend.db.models import ReturnLine
from backend.domain.disposition import InspectedLine


def line_units(line: ReturnLine) -> int:
    """The units the warehouse holds for a line: counted at receipt, else as announced."""
    return line.quantity if line.received_quantity is None else line.received_quantity


def inspected_line(line: ReturnLine, grade: str, flags: list[str] | tuple[str, ...]) -> InspectedLine:
    """The domain's view of a line: a hygiene product carries the ``hygiene`` flag even in a
    category the rules file does not mark (pierced earrings among jewellery)."""
    product = line.order_line.variant.product
    facts = set(flags)
    if product.hygiene:
        facts.add("hygiene")
    return InspectedLine(grade=grade, category=product.category,
                         unit_value_minor=line.order_line.unit_price_minor,
                         reason_code=line.reason_code, flags=frozenset(facts),
                         quantity=max(1, line_units(line)))
