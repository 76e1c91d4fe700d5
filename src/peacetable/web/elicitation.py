"""A party's confidential input: what it may say, how it is checked, and rank–rating contradictions.

A party describes its preferences the way decision analysts elicit them
(Keeney & Raiffa 1976, ch. 3; Raiffa 1982, ch. 10): for each issue it ranks
the options and rates them on a 0–100 scale (100 = its best option there),
shares points of importance across the issues (weights: any scale, only the
proportions count), states how good walking away is on the same 0–100 scale
as a whole package (0 = its worst option on every issue, 100 = its best on
every issue), gives its beliefs about uncertain events, and says how sure it
is (ranges). It may leave anything out: the mediator's own estimates stay
there (see :mod:`peacetable.web.merge`).

A *contradiction* is a pair of options where the ranking puts one above the
other but the ratings say the opposite. Contradictions are reported before
saving and stored with the submission when the party saves anyway (the
classical consistency check between ordinal and cardinal answers: von
Winterfeldt & Edwards 1986, ch. 7).

References
----------
.. [1] Keeney, R. L. & Raiffa, H. (1976). *Decisions with Multiple
   Objectives*, ch. 3 (additive value functions; eliciting weights).
.. [2] von Winterfeldt, D. & Edwards, W. (1986). *Decision Analysis and
   Behavioral Research*, ch. 7 (rating and ranking, consistency checks).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from peacetable.errors import Location, ScenarioError
from peacetable.model import Scenario
from peacetable.model.validate import PROBABILITY_EXCESS

Points = Annotated[float, Field(ge=0.0, le=100.0, allow_inf_nan=False)]
Weight = Annotated[float, Field(ge=0.0, le=1e6, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Key = Annotated[str, Field(min_length=1, max_length=64)]


class Sureness(BaseModel):
    """How sure the party is: ± ranges around its numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        None, description="relative ± on each weight (0.2 = ±20 %)"
    )
    ratings: Annotated[float, Field(ge=0.0, le=50.0)] | None = Field(
        None, description="± points on each rating (0–100 scale)"
    )
    beliefs: Annotated[float, Field(ge=0.0, le=0.5)] | None = Field(
        None, description="± on each probability"
    )
    no_deal: tuple[Points, Points] | None = Field(
        None, description="lowest and highest no-deal rating the party finds plausible"
    )


class PreferenceInput(BaseModel):
    """What a party submits (every part optional; what it leaves out stays the mediator's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: dict[Key, Weight] = Field(
        default_factory=dict, description="importance points per issue (proportions count)"
    )
    ranking: dict[Key, list[Key]] = Field(
        default_factory=dict, description="per issue, every option id, best first"
    )
    ratings: dict[Key, dict[Key, Points | dict[Key, Points]]] = Field(
        default_factory=dict,
        description="per issue, 0–100 per option; a contingent option may be rated per outcome",
    )
    no_deal: Points | None = Field(None, description="how good walking away is, 0–100")
    beliefs: dict[Key, dict[Key, Probability]] = Field(
        default_factory=dict, description="per event, the probability of each outcome"
    )
    sureness: Sureness | None = None
    note: Annotated[str, Field(max_length=4000)] = ""


def _problem(problems: list[ScenarioError], field: str, message: str) -> None:
    problems.append(ScenarioError(message, Location(field=field)))


def _check_ranking(
    scenario: Scenario, data: PreferenceInput, problems: list[ScenarioError]
) -> None:
    issues = set(scenario.issue_ids)
    for iid, order in data.ranking.items():
        if iid not in issues:
            _problem(problems, f"ranking.{iid}", f"unknown issue {iid!r}")
            continue
        options = scenario.issue(iid).option_ids
        if sorted(order) != sorted(options):
            _problem(
                problems,
                f"ranking.{iid}",
                f"rank every option of {iid!r} exactly once: {', '.join(options)}",
            )


def _check_ratings(
    scenario: Scenario, data: PreferenceInput, problems: list[ScenarioError]
) -> None:
    issues = set(scenario.issue_ids)
    for iid, rated in data.ratings.items():
        if iid not in issues:
            _problem(problems, f"ratings.{iid}", f"unknown issue {iid!r}")
            continue
        issue = scenario.issue(iid)
        missing = [o for o in issue.option_ids if o not in rated]
        if missing:
            _problem(problems, f"ratings.{iid}", f"rate every option: missing {', '.join(missing)}")
        for option in issue.options:
            given = rated.get(option.id)
            if isinstance(given, dict):
                if option.contingent is None:
                    _problem(
                        problems,
                        f"ratings.{iid}.{option.id}",
                        "only a contingent option is rated per outcome; give one number",
                    )
                elif sorted(given) != sorted(option.contingent.outcomes):
                    outcomes = ", ".join(option.contingent.outcomes)
                    _problem(
                        problems, f"ratings.{iid}.{option.id}", f"rate every outcome: {outcomes}"
                    )
        for oid in rated:
            if oid not in issue.option_ids:
                _problem(problems, f"ratings.{iid}.{oid}", f"unknown option {oid!r} of {iid!r}")


def check_input(scenario: Scenario, data: PreferenceInput) -> None:
    """Check a submission's ids and shapes against the scenario.

    Raises
    ------
    ScenarioError
        Every problem, each with its field path (``problems``).

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> check_input(load_builtin(), PreferenceInput(weights={"venue": 1}))
    >>> try:
    ...     check_input(load_builtin(), PreferenceInput(weights={"venu": 1}))
    ... except ScenarioError as e:
    ...     print(e)
    weights.venu: unknown issue 'venu'
    """
    problems: list[ScenarioError] = []
    issues = set(scenario.issue_ids)
    for iid in data.weights:
        if iid not in issues:
            _problem(problems, f"weights.{iid}", f"unknown issue {iid!r}")
    if data.weights and sum(data.weights.values()) <= 0:
        _problem(problems, "weights", "give at least one issue some importance")
    _check_ranking(scenario, data, problems)
    _check_ratings(scenario, data, problems)
    events = dict(scenario.iter_events())
    for eid, probs in data.beliefs.items():
        if eid not in events:
            _problem(problems, f"beliefs.{eid}", f"unknown event {eid!r}")
            continue
        for oid in probs:
            if oid not in events[eid]:
                _problem(problems, f"beliefs.{eid}.{oid}", f"unknown outcome {oid!r} of {eid!r}")
        if sum(probs.values()) > 1.0 + PROBABILITY_EXCESS:
            _problem(problems, f"beliefs.{eid}", "the probabilities add up to more than 1")
    sure = data.sureness
    if sure is not None and sure.no_deal is not None:
        low, high = sure.no_deal
        if not low <= high or (data.no_deal is not None and not low <= data.no_deal <= high):
            _problem(problems, "sureness.no_deal", "give [low, high] around the no-deal rating")
    if problems:
        raise ScenarioError(problems[0].message, problems[0].location, problems)


def expected_rating(
    scenario: Scenario, data: PreferenceInput, issue_id: str, option_id: str
) -> float:
    """An option's rating; a contingent one averaged by the party's beliefs (uniform if none)."""
    given = data.ratings[issue_id][option_id]
    if not isinstance(given, dict):
        return float(given)
    option = next(o for o in scenario.issue(issue_id).options if o.id == option_id)
    assert option.contingent is not None
    outcomes = tuple(option.contingent.outcomes)
    stated = data.beliefs.get(option.contingent.event, {})
    rest = [o for o in outcomes if o not in stated]
    left = max(0.0, 1.0 - sum(stated.values()))
    probs = {o: stated.get(o, left / len(rest) if rest else 0.0) for o in outcomes}
    return sum(probs[o] * given[o] for o in outcomes)


def contradictions(scenario: Scenario, data: PreferenceInput) -> list[dict[str, Any]]:
    """Pairs ranked one way and rated the other (ties in rating are no contradiction).

    Call after :func:`check_input`.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> s = load_builtin()
    >>> data = PreferenceInput(
    ...     ranking={"mediator": ["israel", "china", "none"]},
    ...     ratings={"mediator": {"israel": 90, "china": 20, "none": 40}},
    ... )
    >>> contradictions(s, data)
    [{'issue': 'mediator', 'ranked_higher': 'china', 'ranked_lower': 'none', 'ratings': [20.0, 40.0]}]
    """
    found = []
    for iid, order in data.ranking.items():
        if iid not in data.ratings:
            continue
        rating = {o: expected_rating(scenario, data, iid, o) for o in order}
        for i, higher in enumerate(order):
            for lower in order[i + 1 :]:
                if rating[higher] < rating[lower] - 1e-9:
                    found.append(
                        {
                            "issue": iid,
                            "ranked_higher": higher,
                            "ranked_lower": lower,
                            "ratings": [rating[higher], rating[lower]],
                        }
                    )
    return found


def issue_ratings(
    scenario: Scenario, data: PreferenceInput, issue_id: str
) -> dict[str, float | dict[str, float]]:
    """The ratings of one issue: as given, or evenly spaced 100 → 0 down the ranking."""
    if issue_id in data.ratings:
        return {
            o: (dict(v) if isinstance(v, dict) else float(v))
            for o, v in data.ratings[issue_id].items()
        }
    order = data.ranking[issue_id]
    step = 100.0 / (len(order) - 1) if len(order) > 1 else 0.0
    return {o: 100.0 - k * step for k, o in enumerate(order)}
