"""What the warehouse found when it opened the parcel: a grade and a destination per line."""
from __future__ import annotations

from backend.db.models import ReturnRequest
from backend.services.errors import Invalid

GRADES = ("A", "B", "C", "D")
DISPOSITIONS = ("restock", "refurbish", "recycle", "dispose")


def record_inspection(ret: ReturnRequest, grades: dict[int, str], dispositions: dict[int, str]) -> None:
    """Set each named line's grade and disposition; Invalid for a line or value we don't know."""
    line_ids = {l.id for l in ret.lines}
    unknown = (set(grades) | set(dispositions)) - line_ids
    if unknown:
        raise Invalid(f"Lines {sorted(unknown)} are not part of return {ret.rma}.",
                      f"Les lignes {sorted(unknown)} ne font pas partie du retour {ret.rma}.")
    for line in ret.lines:
        if line.id in grades:
            if grades[line.id] not in GRADES:
                raise Invalid(f"Grade must be one of {', '.join(GRADES)}.",
                              f"La note doit être parmi {', '.join(GRADES)}.", code="invalid_grade")
            line.grade = grades[line.id]
        if line.id in dispositions:
            if dispositions[line.id] not in DISPOSITIONS:
                raise Invalid(f"Disposition must be one of {', '.join(DISPOSITIONS)}.",
                              f"La destination doit être parmi {', '.join(DISPOSITIONS)}.",
                              code="invalid_disposition")
            line.disposition = dispositions[line.id]
