"""Inspection: grade each line, the disposition the rules decide, a person's override.

(Routes land with the inspection slice of issue 14.)
"""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/warehouse", tags=["warehouse"])
