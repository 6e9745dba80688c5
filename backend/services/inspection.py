"""What the warehouse found when it opened the parcel: per line a grade, flags, notes, the
claim-versus-parcel mismatches, a refund reduction with its reason, and the disposition the
rules (and the law) decide, with the units put away accordingly.

Why the mismatches are computed here and not left to the inspector: "claimed damage not
found" and "undeclared damage" follow from the customer's reason and the grade; computing
them makes the flag the same for every inspector. The inspector adds what only a person
sees (a wrong item in the box).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from backend.db.models import DispositionOverride, ReturnLine, ReturnRequest
from backend.domain.commands import LineInspection
from backend.domain.disposition import DISPOSITIONS, FLAGS, GRADES, DispositionRules
from backend.queries.inspected_lines import line_units
from backend.services import dispositions, inventory
from backend.services.errors import Conflict, Invalid

# The claim and the parcel disagree (see the module docstring).
MISMATCHES: tuple[str, ...] = ("claimed_damage_not_found", "undeclared_damage", "wrong_item",
                               "seal_broken_hygiene")
# Reasons a customer gives that say the item is damaged or faulty.
DAMAGE_REASONS: tuple[str, ...] = ("damaged", "defective")
# Reasons that put the fault on our side: damage found with them was declared.
FAULT_REASONS: tuple[str, ...] = ("damaged", "defective", "wrong_item", "not_as_described")
# Why inspection may take money off a refund (receipt's "missing_items" is the dock's).
REDUCTION_REASONS: tuple[str, ...] = ("missing_parts", "undeclared_damage",
                                      "handling_beyond_trial")
NOTES_MAX = 2000


@dataclass
class InspectionOutcome:
    """What the workflow needs after the commit: refuse the parcel, or resolve it."""

    refused: bool = False
    refuse_note: str = ""
    line_ids: list[int] = field(default_factory=list)


def to_grade(line: ReturnLine) -> bool:
    """Whether a line must be graded: it is part of the return and some units arrived."""
    return line.eligible and line_units(line) > 0


def computed_mismatches(line: ReturnLine, grade: str, flags: set[str],
                        added: tuple[str, ...] = ()) -> list[str]:
    """The mismatches found for a line, in :data:`MISMATCHES` order."""
    found = set(added)
    if line.reason_code in DAMAGE_REASONS and grade in ("N", "A"):
        found.add("claimed_damage_not_found")
    if line.reason_code not in FAULT_REASONS and grade in ("C", "D"):
        found.add("undeclared_damage")
    if line.order_line.variant.product.hygiene and "seal_broken" in flags:
        found.add("seal_broken_hygiene")
    return [m for m in MISMATCHES if m in found]


def _validate(ret: ReturnRequest, inspections: list[LineInspection]) -> dict[int, LineInspection]:
    by_line: dict[int, LineInspection] = {}
    lines = {l.id: l for l in ret.lines}
    for item in inspections:
        if item.line_id not in lines:
            raise Invalid("lines_not_in_return", lines=[item.line_id], rma=ret.rma)
        if item.line_id in by_line:
            raise Invalid("inspection_line_twice", line=item.line_id)
        if not to_grade(lines[item.line_id]):
            raise Invalid("inspection_line_not_received", line=item.line_id)
        if item.grade not in GRADES:
            raise Invalid("invalid_grade", grades=", ".join(GRADES))
        unknown = sorted(set(item.flags) - set(FLAGS))
        if unknown:
            raise Invalid("unknown_inspection_flags", flags=", ".join(unknown), known=", ".join(FLAGS))
        unknown = sorted(set(item.mismatches) - set(MISMATCHES))
        if unknown:
            raise Invalid("unknown_mismatches", mismatches=", ".join(unknown),
                          known=", ".join(MISMATCHES))
        if item.reduction_minor and item.reduction_reason not in REDUCTION_REASONS:
            raise Invalid("reduction_reason_required", line=item.line_id,
                          reasons=", ".join(REDUCTION_REASONS))
        by_line[item.line_id] = item
    for line in ret.lines:
        if to_grade(line) and line.id not in by_line:
            raise Invalid("inspection_line_ungraded", line=line.id)
    return by_line


def _reduce(ret: ReturnRequest, line: ReturnLine, item: LineInspection) -> None:
    """Take money off a line's refund, with its reason (added to what the dock took off)."""
    if not item.reduction_minor:
        return
    if any(r.status == "issued" for r in ret.refunds):
        raise Conflict("refund_already_issued")
    total = (line.refund_reduction_minor or 0) + item.reduction_minor
    if item.reduction_minor < 0 or total > line.refund_amount_minor:
        raise Invalid("reduction_too_large", line=line.id, amount=item.reduction_minor)
    reasons = [r for r in (line.refund_reduction_reason or "").split(",") if r]
    line.refund_reduction_minor = total
    line.refund_reduction_reason = ",".join(reasons + [item.reduction_reason])[:40]


def record_inspection(rules: DispositionRules, session: Session, ret: ReturnRequest,
                      inspections: list[LineInspection], *, actor: str, at: dt.datetime,
                      location: str) -> InspectionOutcome:
    """Grade, flag, reduce and dispose of every line that arrived, in the caller's
    transaction (an invalid line leaves nothing recorded). The disposition is the rules'
    (after the law); the units go where it says, one inventory movement each."""
    by_line = _validate(ret, inspections)
    outcome = InspectionOutcome()
    # Every line refused: the parcel is the customer's, not ours to stock or write off; it
    # gets no disposition and moves no stock (it waits to be sent back).
    refused = bool(by_line) and all(item.refuse for item in by_line.values())
    refusing = []
    for line in ret.lines:
        item = by_line.get(line.id)
        if item is None:
            continue
        flags = set(item.flags)
        line.grade = item.grade
        line.inspection_flags = sorted(flags)
        line.inspection_notes = (item.notes or "").strip()[:NOTES_MAX] or None
        line.mismatches = computed_mismatches(line, item.grade, flags, item.mismatches)
        if item.refuse and not (item.grade == "D" and line.mismatches):
            raise Invalid("refuse_needs_grade_d_mismatch", line=line.id)
        _reduce(ret, line, item)
        line.inspected_at = at
        outcome.line_ids.append(line.id)
        if not refused:
            decision = dispositions.decide_line(rules, line, item.grade, sorted(flags), at.date())
            dispositions.store_decision(line, decision)
            inventory.put_away(session, line, decision.disposition, location=location,
                               actor=actor, at=at)
        if item.refuse:
            refusing.append(f"{line.id}: {', '.join(line.mismatches)}"
                            + (f" ({line.inspection_notes})" if line.inspection_notes else ""))
    outcome.refused = refused
    outcome.refuse_note = "refused at inspection: " + "; ".join(refusing)
    return outcome


def record_staff_move_inspection(rules: DispositionRules, session: Session, ret: ReturnRequest,
                                 grades: dict[int, str], chosen: dict[int, str], *, actor: str,
                                 at: dt.datetime, location: str) -> None:
    """The generic transitions route (``to_status: inspected`` with ``grades`` and
    ``dispositions``): a line with a grade and no disposition gets the rules' decision; a
    disposition a person chose is checked by the law's guards like an override. Units are
    put away the same way as on the warehouse route."""
    line_ids = {l.id for l in ret.lines}
    unknown = (set(grades) | set(chosen)) - line_ids
    if unknown:
        raise Invalid("lines_not_in_return", lines=sorted(unknown), rma=ret.rma)
    if any(g not in GRADES for g in grades.values()):
        raise Invalid("invalid_grade", grades=", ".join(GRADES))
    if any(d not in DISPOSITIONS for d in chosen.values()):
        raise Invalid("invalid_disposition", dispositions=", ".join(DISPOSITIONS))
    for line in ret.lines:
        if line.id in grades:
            line.grade = grades[line.id]
            line.inspected_at = at
            line.inspection_flags = line.inspection_flags or []
            line.mismatches = computed_mismatches(line, line.grade, set(line.inspection_flags))
        if line.grade is None or not (line.id in grades or line.id in chosen):
            if line.id in chosen:  # a disposition without any grade: stored as said (no law to check without a grade)
                line.disposition = chosen[line.id]
            continue
        decision = dispositions.decide_line(rules, line, line.grade,
                                            list(line.inspection_flags or []), at.date())
        dispositions.store_decision(line, decision)
        if line.id in chosen:
            guards = dispositions.check_override(rules, line, chosen[line.id], None, at.date())
            if decision.disposition != chosen[line.id]:
                dispositions.store_override(rules, line, chosen[line.id], guards)
                session.add(DispositionOverride(  # the audit trail, as for an override
                    return_line_id=line.id, from_disposition=decision.disposition,
                    to_disposition=chosen[line.id], actor=actor[:80], created_at=at,
                    reason="chosen at inspection on the transitions route"))
        if line.eligible:
            inventory.put_away(session, line, line.disposition, location=location, actor=actor, at=at)
