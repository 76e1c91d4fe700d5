"""Negotiation strategies by name: what each negotiator does in the alternating-offers protocol.

Two conventions of time-dependent concession are used in the field and both
are offered, selectable by name:

* **NegMAS** (names ``boulware``, ``linear``, ``conceder``, ``hardheaded``,
  or ``aspiration:E``): the aspiration ``a(t) = 1 - t**e`` with ``e`` = 4, 1,
  0.25 and infinity, scaled to the party's utility range
  ``[max(worst, reservation), best]`` minus a tolerance (1e-4); the agent
  offers the *worst* outcome still at or above that level and accepts any
  offer at or above it. Relative time is ``(step + 1) / (n_steps + 1)``.
* **GENIUS** TimeDependentAgent (``genius-boulware``, ``genius-linear``,
  ``genius-conceder``, ``genius-hardheaded`` or ``genius:E``): the target
  ``P_min + (P_max - P_min) (1 - t**(1/e))`` with Boulware ``e = 0.2``,
  linear 1, Conceder 2 and Hardheaded ``e = 0`` (never concedes), where
  ``P_max`` is the best utility and ``P_min`` the larger of the worst utility
  and the reservation value; it offers the outcome *nearest* the target and
  accepts by AC_next (an offer at least as good as its own next offer;
  Baarslag et al. 2014). Same relative time as above.

Behaviour-dependent strategies: ``tit-for-tat`` (relative) and
``tit-for-tat-absolute`` (Faratin, Sierra & Jennings 1998, section 4.2, on
utilities: concede the same fraction, or the same amount, of one's own range
as the opponents' offers improved for oneself); ``micro`` (MiCRO, de Jonge
2022: offer the outcomes in one's preference order, conceding one step only
when one has made no more distinct offers than received, accept what is at
least as good as one's next offer); ``frequency`` (a Boulware aspiration whose
offers, among those above the aspiration, maximise the opponents' utility
estimated by a frequency model: Hindriks & Tykhonov 2008; Tunalı, Aydoğan &
Sanchez-Anguix 2017).

Every strategy also respects the core's acceptance rule: it never accepts an
outcome worth less to it than no deal.

References
----------
.. [1] Faratin, P., Sierra, C. & Jennings, N. R. (1998). Negotiation decision
   functions for autonomous agents. *Robotics and Autonomous Systems* 24(3-4),
   159-182.
.. [2] Baarslag, T., Hindriks, K. & Jonker, C. (2014). Effective acceptance
   conditions in automated negotiation. *Decision Support Systems* 60, 68-77.
.. [3] de Jonge, D. (2022). An analysis of the linear bilateral ANAC domains
   using the MiCRO benchmark strategy. *IJCAI 2022*, 223-229.
.. [4] Hindriks, K. & Tykhonov, D. (2008). Opponent modelling in automated
   multi-issue negotiation using Bayesian learning. *AAMAS 2008*, 331-338.
.. [5] Tunalı, O., Aydoğan, R. & Sanchez-Anguix, V. (2017). Rethinking
   frequency opponent modeling in automated negotiation. *PRIMA 2017*, 263-279.
.. [6] Mohammad, Y., Nakadai, S. & Greenwald, A. (2021). NegMAS: a platform for
   automated negotiations. *PRIMA 2020*, LNCS 12568, 343-351.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from peacetable.errors import InputError, Location

__all__ = [
    "FAMILIES",
    "STRATEGIES",
    "Strategy",
    "parse_strategy",
    "relative_time",
]

#: Tolerance below the aspiration level of the NegMAS convention (its ``eps``).
NEGMAS_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Strategy:
    """A negotiation strategy, by family and parameters.

    Attributes
    ----------
    name:
        The name it was selected by (e.g. ``boulware``, ``genius:0.5``).
    family:
        ``aspiration`` (NegMAS convention), ``genius`` (GENIUS
        TimeDependentAgent), ``tit-for-tat``, ``micro`` or ``frequency``.
    exponent:
        ``e`` of the time-dependent families (aspiration, genius, frequency).
    tolerance:
        Tolerance below the aspiration level (aspiration and frequency).
    absolute:
        Tit-for-tat: concede the same amount (True) or the same fraction.
    """

    name: str
    family: str
    exponent: float = 1.0
    tolerance: float = NEGMAS_TOLERANCE
    absolute: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "name": self.name,
            "family": self.family,
            "exponent": None if math.isinf(self.exponent) else self.exponent,
            "tolerance": self.tolerance,
            "absolute": self.absolute,
        }


FAMILIES: tuple[str, ...] = ("aspiration", "genius", "tit-for-tat", "micro", "frequency")

#: Every named strategy.
STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy("boulware", "aspiration", 4.0),
        Strategy("linear", "aspiration", 1.0),
        Strategy("conceder", "aspiration", 0.25),
        Strategy("hardheaded", "aspiration", math.inf),
        Strategy("genius-boulware", "genius", 0.2),
        Strategy("genius-linear", "genius", 1.0),
        Strategy("genius-conceder", "genius", 2.0),
        Strategy("genius-hardheaded", "genius", 0.0),
        Strategy("tit-for-tat", "tit-for-tat"),
        Strategy("tit-for-tat-absolute", "tit-for-tat", absolute=True),
        Strategy("micro", "micro"),
        Strategy("frequency", "frequency", 4.0),
    )
}


def parse_strategy(text: str, field: str = "strategy") -> Strategy:
    """A strategy from its name, or ``aspiration:E`` / ``genius:E`` with an exponent.

    Raises
    ------
    InputError
        Unknown name (with a suggestion) or a bad exponent.

    Examples
    --------
    >>> parse_strategy("boulware").exponent
    4.0
    >>> parse_strategy("genius:0.5").family
    'genius'
    """
    from peacetable.errors import suggest

    key = text.strip().lower()
    if key in STRATEGIES:
        return STRATEGIES[key]
    family, sep, value = key.partition(":")
    if sep and family in ("aspiration", "genius", "frequency"):
        try:
            e = float(value)
        except ValueError:
            raise InputError(f"bad exponent {value!r} in {text!r}", Location(field=field)) from None
        if not (e >= 0 and not math.isnan(e)) or (family != "genius" and e == 0):
            raise InputError(f"exponent of {text!r} must be positive", Location(field=field))
        return Strategy(key, family, e)
    names = [*STRATEGIES, "aspiration:E", "genius:E", "frequency:E"]
    raise InputError(
        f"unknown strategy {text!r}{suggest(key, list(STRATEGIES))}; known: {', '.join(names)}",
        Location(field=field),
    )


def relative_time(step: int, n_steps: int) -> float:
    """Relative time ``(step + 1) / (n_steps + 1)`` seen by every negotiator at *step*.

    The convention of NegMAS's mechanisms (Mohammad et al. 2021): it never
    reaches 1 before the deadline.

    Examples
    --------
    >>> relative_time(0, 3), relative_time(2, 3)
    (0.25, 0.75)
    """
    return (step + 1) / (n_steps + 1)


def aspiration_level(strategy: Strategy, t: float) -> float:
    """The NegMAS aspiration ``1 - t**e`` (``e`` infinite: 1 before the deadline).

    References
    ----------
    Mohammad, Nakadai & Greenwald (2021), NegMAS's ``PolyAspiration``.

    Examples
    --------
    >>> aspiration_level(STRATEGIES["boulware"], 0.5), aspiration_level(STRATEGIES["linear"], 0.5)
    (0.9375, 0.5)
    >>> aspiration_level(STRATEGIES["hardheaded"], 0.99)
    1.0
    """
    return 1.0 - math.pow(t, strategy.exponent)


def genius_fraction(strategy: Strategy, t: float) -> float:
    """GENIUS's ``1 - f(t)`` with ``f(t) = t**(1/e)`` (``e = 0``: never concede).

    The TimeDependentAgent's target is ``P_min + (P_max - P_min)`` times this
    (Faratin, Sierra & Jennings 1998, section 4.1, with ``k = 0``).

    Examples
    --------
    >>> genius_fraction(STRATEGIES["genius-conceder"], 0.25)
    0.5
    >>> genius_fraction(STRATEGIES["genius-hardheaded"], 0.9)
    1.0
    """
    if strategy.exponent == 0.0:
        return 1.0
    return 1.0 - math.pow(t, 1.0 / strategy.exponent)
