"""The returns manager's measures (JSON and CSV), computed by SQL over the history.

(Routes land with the measures slice of issue 14.)
"""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["kpis"])
