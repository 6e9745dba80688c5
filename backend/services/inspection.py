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
        raise Invalid("lines_not_in_return", lines=sorted(unknown), rma=ret.rma)
    for line in ret.lines:
        if line.id in grades:
            if grades[line.id] not in GRADES:
                raise Invalid("invalid_grade", grades=", ".join(GRADES))
            line.grade = grades[line.id]
        if line.id in dispositions:
            if dispositions[line.id] not in DISPOSITIONS:
                raise Invalid("invalid_disposition", dispositions=", ".join(DISPOSITIONS))
            line.disposition = dispositions[line.id]
