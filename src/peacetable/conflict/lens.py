"""The conflict-stability lens, registered with the core: would a deal hold?"""

from __future__ import annotations

from dataclasses import dataclass

from peacetable.conflict.scenario import DealStability, deal_stability
from peacetable.conflict.stability import CONCEPTS
from peacetable.core import Lens, PreparedScenario, Session


@dataclass(frozen=True)
class StabilitySettings:
    """Settings of the ``stability`` lens (``proposal``: ``None`` is the status quo)."""

    proposal: str | None = None
    concepts: tuple[str, ...] = CONCEPTS


def _stability(p: PreparedScenario, s: StabilitySettings, _: Session) -> DealStability:
    return deal_stability(p, s.proposal, s.concepts)


STABILITY = Lens("stability", "Would the deal hold?", StabilitySettings, _stability)
