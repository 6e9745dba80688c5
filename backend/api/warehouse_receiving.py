"""The dock: scan a parcel's label, confirm what arrived, record a carrier scan.

(Routes land with the receiving slice of issue 14.)
"""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/warehouse", tags=["warehouse"])
