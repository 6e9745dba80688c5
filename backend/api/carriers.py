"""Carriers' webhooks: EasyPost's tracker updates (signed), the proof a parcel left.

(Routes land with the receiving slice of issue 14.)
"""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/carriers", tags=["carriers"])
