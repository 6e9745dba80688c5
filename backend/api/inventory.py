"""Stock of returned goods: on hand per location and state, and the movements behind it.

(Routes land with the inventory slice of issue 14.)
"""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["inventory"])
