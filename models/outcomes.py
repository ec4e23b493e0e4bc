"""Portfolio outcomes for a service over a time range: how many plan-do-check-act cycles
changes take, what the service owners decided, how many outcome targets were met, and how
long it took from intent to outcome. Pure: it reads the changes' states.

What counts, precisely (``since`` inclusive, ``until`` exclusive, either may be open):

- **A decision counts** when it was made in the range. Each act decision (adopt, adapt,
  abandon) is a cycle summary in ``ChangeState.cycles``.
- **A change counts** when at least one of its decisions counts.
- **Cycles per change**: for each change that counts, how many of its cycles had been
  decided by the end of the range, earlier ones included; the mean and how many changes
  took one cycle, two cycles, and so on.
- **Decisions**: each decision that counts, by outcome. **Changes by latest decision**:
  each change that counts, by its latest decision in the range (adopt: adopted, abandon:
  abandoned, adapt: still adapting).
- **Targets met**: at each decision that counts, each success measure of the intake,
  against the measurement its cycle recorded for it (``SuccessMeasure.is_met_by``). A
  measure its cycle never measured counts as not met, and is reported as unmeasured.
- **Intent to outcome**: from the change's creation to its first decision, in days, for
  the changes whose first decision falls in the range: the median and the mean.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta

from pydantic import AwareDatetime, Field

from models.analytics import AnalyticsQuery
from models.base import Strict
from models.change import ChangeState, CycleSummary
from models.gate import ActOutcome
from models.intake import SuccessMeasure

DAY = timedelta(days=1)


class OutcomesQuery(AnalyticsQuery):
    """A service, or all, and a time range of decisions."""

    since: AwareDatetime | None = Field(
        default=None, description="Decisions made at or after this moment (with its UTC offset)."
    )
    until: AwareDatetime | None = Field(default=None, description="Decisions made before it.")

    def covers(self, moment: datetime) -> bool:
        after_start = self.since is None or moment >= self.since
        return after_start and (self.until is None or moment < self.until)


class CycleCount(Strict):
    cycles: int
    changes: int = Field(description="How many changes took this many cycles.")


class CyclesPerChange(Strict):
    mean: float | None = Field(description="None when no change counts.")
    distribution: list[CycleCount] = Field(description="Fewest cycles first.")


class OutcomeShare(Strict):
    outcome: ActOutcome
    count: int
    share: float | None = Field(description="0 to 1, of the total; None when there is none.")


class Shares(Strict):
    total: int
    by_outcome: list[OutcomeShare] = Field(description="Adopt, adapt and abandon, always all.")


class TargetsMet(Strict):
    targets: int = Field(description="Success measures checked at decisions in the range.")
    measured: int = Field(description="Of those, how many their cycle measured.")
    met: int
    share_met: float | None = Field(description="met / targets; an unmeasured one is unmet.")


class IntentToOutcome(Strict):
    changes: int = Field(description="Changes whose first decision falls in the range.")
    median_days: float | None
    mean_days: float | None


class PortfolioOutcomes(Strict):
    query: OutcomesQuery
    changes: int = Field(description="Changes with a decision in the range.")
    cycles_per_change: CyclesPerChange
    decisions: Shares = Field(description="Every decision made in the range.")
    changes_by_latest_decision: Shares
    targets: TargetsMet
    intent_to_outcome: IntentToOutcome


def outcomes(states: list[ChangeState], query: OutcomesQuery) -> PortfolioOutcomes:
    """The outcomes of the changes with a decision in the range, for the query's service."""
    counted = [
        (state, decided)
        for state in states
        if query.service in (None, state.intake.service)
        and (decided := [c for c in state.cycles if query.covers(c.decided_at)])
    ]
    decisions = [cycle for _, decided in counted for cycle in decided]
    return PortfolioOutcomes(
        query=query,
        changes=len(counted),
        cycles_per_change=_cycles_per_change([s for s, _ in counted], query),
        decisions=_shares([c.outcome for c in decisions]),
        changes_by_latest_decision=_shares([decided[-1].outcome for _, decided in counted]),
        targets=_targets([(s.intake.success_measures, c) for s, d in counted for c in d]),
        intent_to_outcome=_intent_to_outcome([s for s, _ in counted], query),
    )


def _cycles_per_change(states: list[ChangeState], query: OutcomesQuery) -> CyclesPerChange:
    until = query.until
    counts = [sum(1 for c in s.cycles if until is None or c.decided_at < until) for s in states]
    tally = Counter(counts)
    return CyclesPerChange(
        mean=round(statistics.fmean(counts), 2) if counts else None,
        distribution=[CycleCount(cycles=n, changes=tally[n]) for n in sorted(tally)],
    )


def _shares(outcomes_seen: list[ActOutcome]) -> Shares:
    tally = Counter(outcomes_seen)
    total = len(outcomes_seen)
    return Shares(
        total=total,
        by_outcome=[
            OutcomeShare(
                outcome=outcome,
                count=tally[outcome],
                share=round(tally[outcome] / total, 4) if total else None,
            )
            for outcome in ActOutcome
        ],
    )


def _targets(checked: list[tuple[list[SuccessMeasure], CycleSummary]]) -> TargetsMet:
    targets = measured = met = 0
    for measures, cycle in checked:
        values = {m.metric: m.value for m in cycle.measurements}
        for measure in measures:
            targets += 1
            if measure.metric in values:
                measured += 1
                met += measure.is_met_by(values[measure.metric])
    share = round(met / targets, 4) if targets else None
    return TargetsMet(targets=targets, measured=measured, met=met, share_met=share)


def _intent_to_outcome(states: list[ChangeState], query: OutcomesQuery) -> IntentToOutcome:
    days = [
        round((s.cycles[0].decided_at - s.created_at) / DAY, 2)
        for s in states
        if query.covers(s.cycles[0].decided_at)
    ]
    return IntentToOutcome(
        changes=len(days),
        median_days=round(statistics.median(days), 2) if days else None,
        mean_days=round(statistics.fmean(days), 2) if days else None,
    )
