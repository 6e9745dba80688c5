"""The shop's returns policy: one YAML file, loaded and checked once, then applied as pure code.

Why one declarative file: a shop owner can read and change the rules (windows, fees,
exclusions) without touching Python, and every decision carries the file's ``version`` so a
return can always be traced back to the rules that decided it.

The engine (pure decisions) is :mod:`backend.domain.policy_engine`, the strict loader
:mod:`backend.domain.policy_loader`; this module is where the rest of the backend imports
both from, so either can change shape without touching its callers.
"""
from __future__ import annotations

from backend.domain.policy_engine import (
    ALL_RESOLUTIONS,
    CONFORMITY_REASONS,
    CUSTOMER_REASONS,
    JURISDICTIONS,
    LEGAL_BASES,
    OUTCOMES,
    REMEDIES,
    REASON_CODES,
    RESOLUTIONS,
    SUPPORTED_CURRENCIES,
    CategoryRule,
    LineDecision,
    LineEligibility,
    LineFacts,
    LineRequest,
    OrderFacts,
    Policy,
    ReasonRule,
    ReturnDecision,
)
from backend.domain.policy_loader import PolicyError, PolicyProblem, load_policy, policy_from_text

__all__ = [
    "ALL_RESOLUTIONS", "CONFORMITY_REASONS", "JURISDICTIONS", "LEGAL_BASES", "OrderFacts", "REMEDIES",
    "CUSTOMER_REASONS", "OUTCOMES", "REASON_CODES", "RESOLUTIONS", "SUPPORTED_CURRENCIES",
    "CategoryRule", "LineDecision", "LineEligibility", "LineFacts", "LineRequest", "Policy",
    "PolicyError", "PolicyProblem", "ReasonRule", "ReturnDecision", "load_policy",
    "policy_from_text",
]
