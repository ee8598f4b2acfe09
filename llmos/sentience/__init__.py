"""The sentience layer: a valence vector with homeostasis, a latent mode, and the policy derived
from them (the cognitive kernel), plus improvement opportunities found in the traces.

    from llmos.sentience import Sentience
    s = Sentience(db, config.sentience)
"""

from __future__ import annotations

from llmos.sentience.dynamics import DEFAULT_TRIGGERS, TRIGGERS, repetition_magnitude
from llmos.sentience.hook import SentienceHook, destructive_reason
from llmos.sentience.modes import LatentMode, derive_mode
from llmos.sentience.opportunities import Opportunity, TraceLike, TraceSource, goal_pattern
from llmos.sentience.policy import NEUTRAL_POLICY, ModeSuggestion, Policy, derive_policy, suggest_mode
from llmos.sentience.service import Sentience
from llmos.sentience.store import HistoryEntry
from llmos.sentience.valence import DIMENSIONS, Valence, ValenceParams, homeostatic_cost

__all__ = [
    "DEFAULT_TRIGGERS",
    "DIMENSIONS",
    "NEUTRAL_POLICY",
    "TRIGGERS",
    "HistoryEntry",
    "LatentMode",
    "ModeSuggestion",
    "Opportunity",
    "Policy",
    "Sentience",
    "SentienceHook",
    "TraceLike",
    "TraceSource",
    "Valence",
    "ValenceParams",
    "derive_mode",
    "derive_policy",
    "destructive_reason",
    "goal_pattern",
    "homeostatic_cost",
    "repetition_magnitude",
    "suggest_mode",
]
