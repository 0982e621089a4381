"""The anonymised transparency report (`coc stats`): pure computation over the ledger's models.

The population is the reports received in a period (dates in the policy time zone), followed up to
the report's day: their categories (CoC §4), outcomes, sanctions by rung, appeals, the days from
receipt to decision and how often the policy's deadlines were met.

Disclosure control, applied before anything leaves this module (`published`):
- a count from 1 to N-1 (N = policy.transparency.suppress_below, default 3) is shown as "<N";
  0 and counts of N or more are shown exactly;
- a total whose parts include a hidden count is shown as a lower bound, "K+" (K = the visible
  parts plus 1 for each hidden one), so no hidden count can be worked out by subtraction
  (outcomes add up to the reports received, the rungs to the sanctions enacted, the appeal
  outcomes to the appeals filed);
- a total below N is shown as "<N" and so is every part of it, zeros included (with "<3" and two
  parts shown as "<3" and the rest as 0, both parts would have to be 1);
- every group always lists the same rows (all categories of the policy, every rung of the
  ladder and one row for sanctions off the ladder), so a row's presence says nothing;
- categories are not a partition (a report may have several, or none) and carry no total;
- the median is hidden when fewer than N decisions are behind it; a share of deadlines met is
  hidden when fewer than N deadlines are behind it, or when the met or the missed count is
  from 1 to N-1 (90% of 10 would give away the one that was missed).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from . import rules
from .models import Case, Policy, Sanction
from .wording import ordinal

OUTCOMES = (
    ("awaiting_decision", "awaiting a decision"),
    ("no_sanction", "closed without a sanction"),
    ("warning", "warning"),
    ("ban", "timed ban"),
    ("lifetime_ban", "lifetime ban"),
    ("other", "other sanction"),
    ("overturned", "sanction overturned on appeal"),
)
SEVERITY = ("warning", "other", "ban", "lifetime_ban")
APPEAL_OUTCOMES = (
    ("upheld", "upheld"),
    ("overturned", "overturned"),
    ("reduced", "reduced"),
    ("pending", "not yet decided"),
)
DEADLINES = (
    ("council_notice", "council notified in time"),
    ("respondent_response", "response within the window"),
    ("apology", "apology delivered in time"),
)
NO_CATEGORY = "(none recorded)"
EXPUNGED = "(record expunged)"
OFF_LADDER = "other than the ladder's sanction for the offence"


@dataclass
class Tallies:
    """Exact counts for the period. Never printed: `published` suppresses them first."""

    reports: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    rungs: dict[tuple[int, str] | None, int] = field(default_factory=dict)  # None: off the ladder
    appeals: dict[str, int] = field(default_factory=dict)
    decision_days: list[int] = field(default_factory=list)
    deadlines: dict[str, tuple[int, int]] = field(default_factory=dict)  # (met, evaluated)


# --- counting -----------------------------------------------------------------------------------


def _case_sanctions(case: Case, sanctions: Sequence[Sanction]) -> list[Sanction]:
    """A case's sanctions, also when expunged tombstones keep only the ids in its timeline."""
    ids = {event.sanction for event in case.timeline if event.sanction}
    return [s for s in sanctions if s.case == case.id or s.id in ids]


def _enacted_by(sanction: Sanction, day: date) -> bool:
    return sanction.enacted_on is not None and sanction.enacted_on <= day


def _overturned_by(sanction: Sanction, day: date) -> bool:
    """Overturned on appeal by `day` (a tombstone keeps the appeal's outcome and its date)."""
    appeal = sanction.appeal
    if appeal is not None and appeal.outcome == "overturned" and appeal.decided_on:
        return appeal.decided_on <= day
    return sanction.status == "overturned" and sanction.status_on <= day


def _outcome(case: Case, mine: Sequence[Sanction], at: datetime, day: date) -> str:
    """Terms of the policy's sanctions: a case's outcome is the most severe sanction standing."""
    enacted = [s for s in mine if _enacted_by(s, day)]
    standing = [s for s in enacted if not _overturned_by(s, day)]
    if standing:
        return max((s.kind for s in standing), key=SEVERITY.index)
    if enacted:
        return "overturned"
    closed = case.first("closed")
    if (closed and closed.at <= at) or (case.status != "open" and not closed):
        return "no_sanction"
    return "awaiting_decision"


def _decision_day(case: Case, at: datetime, policy: Policy) -> date | None:
    """The first sanction enacted, or the case closed: the council's decision."""
    moments = [e.at for e in case.timeline if e.action in ("sanction_enacted", "closed")]
    moments = [m for m in moments if m <= at]
    return rules.local_date(min(moments), policy) if moments else None


def _deadline_results(
    case: Case, mine: Sequence[Sanction], at: datetime, policy: Policy
) -> Iterable[tuple[str, bool]]:
    """(deadline, met) for each deadline of this case that has come or been kept by `at`."""
    day = rules.local_date(at, policy)
    notified = case.first("council_notified")
    notified = notified if notified and notified.at <= at else None
    due = case.deadlines.council_notice
    if notified or due <= at:
        yield "council_notice", bool(notified and notified.at <= due)
    shared = case.first("shared")
    if shared and shared.at <= at:
        response_due = rules.response_due(rules.local_date(shared.at, policy), policy)
        responded = case.first("response_received")
        answered = rules.local_date(responded.at, policy) if responded else None
        answered = answered if answered and answered <= day else None
        if answered or response_due < day:
            yield "respondent_response", bool(answered and answered <= response_due)
    for s in mine:
        if s.apology_due is None or not _enacted_by(s, day):
            continue
        recorded = (
            s.apology_recorded_on
            if s.apology_recorded_on and s.apology_recorded_on <= day
            else None
        )
        if recorded or s.apology_due < day:
            yield (
                "apology",
                bool(recorded and s.apology == "delivered" and recorded <= s.apology_due),
            )


def tally(
    policy: Policy,
    cases: Iterable[Case],
    sanctions: Sequence[Sanction],
    start: date,
    end: date,
    at: datetime,
) -> Tallies:
    """Exact counts for the reports received from `start` to `end` (inclusive), as of `at`."""
    day = rules.local_date(at, policy)
    t = Tallies()
    t.categories = dict.fromkeys([*policy.categories, NO_CATEGORY, EXPUNGED], 0)
    t.outcomes = dict.fromkeys((key for key, _ in OUTCOMES), 0)
    t.rungs = {(rung.offence, rung.kind): 0 for rung in policy.ladder}
    t.rungs[None] = 0
    t.appeals = dict.fromkeys((key for key, _ in APPEAL_OUTCOMES), 0)
    met = {key: [0, 0] for key, _ in DEADLINES}
    for case in cases:
        received = rules.local_date(case.received_at, policy)
        if not start <= received <= end or case.received_at > at:
            continue
        t.reports += 1
        mine = _case_sanctions(case, sanctions)
        _count_categories(t, case)
        t.outcomes[_outcome(case, mine, at, day)] += 1
        for s in mine:
            if _enacted_by(s, day):
                key = (s.offence, s.kind)
                t.rungs[key if key in t.rungs else None] += 1
            if s.appeal and s.appeal.filed_on <= day:
                decided = s.appeal.outcome and s.appeal.decided_on and s.appeal.decided_on <= day
                t.appeals[s.appeal.outcome if decided else "pending"] += 1  # type: ignore[index]
        decided_on = _decision_day(case, at, policy)
        if decided_on is not None:
            t.decision_days.append((decided_on - received).days)
        for deadline, kept in _deadline_results(case, mine, at, policy):
            met[deadline][0] += int(kept)
            met[deadline][1] += 1
    t.deadlines = {key: (m, n) for key, (m, n) in met.items()}
    return t


def _count_categories(t: Tallies, case: Case) -> None:
    """A tombstone keeps its category slugs; one made before they were kept counts apart."""
    if case.status == "expunged" and "categories" not in case.model_fields_set:
        t.categories[EXPUNGED] = t.categories.get(EXPUNGED, 0) + 1
    elif not case.categories:
        t.categories[NO_CATEGORY] = t.categories.get(NO_CATEGORY, 0) + 1
    for category in set(case.categories):
        t.categories[category] = t.categories.get(category, 0) + 1


# --- disclosure control -------------------------------------------------------------------------

Shown = int | str


def shown(count: int, threshold: int) -> Shown:
    """A count as published: 1 to N-1 become "<N"."""
    return f"<{threshold}" if 0 < count < threshold else count


def shown_group(counts: dict[Any, int], threshold: int) -> tuple[dict[Any, Shown], Shown]:
    """A group of counts and their total as published (the rule in the module docstring)."""
    total = sum(counts.values())
    if 0 < total < threshold:
        small = f"<{threshold}"
        return dict.fromkeys(counts, small), small
    cells = {key: shown(n, threshold) for key, n in counts.items()}
    hidden = [n for n in counts.values() if 0 < n < threshold]
    if not hidden:
        return cells, total
    return cells, f"{total - sum(hidden) + len(hidden)}+"


def _share(met: int, evaluated: int, threshold: int) -> Shown:
    missed = evaluated - met
    if evaluated < threshold or 0 < met < threshold or 0 < missed < threshold:
        return "suppressed"
    return round(100 * met / evaluated)


def _median(days: list[int], threshold: int) -> float | int | str:
    if len(days) < threshold:
        return "suppressed"
    middle = statistics.median(days)
    return int(middle) if float(middle).is_integer() else round(middle, 1)


def rung_label(rung: tuple[int, str] | None) -> str:
    if rung is None:
        return OFF_LADDER
    offence, kind = rung
    return f"{ordinal(offence)} offence: {kind.replace('_', ' ')}"


def published(
    t: Tallies, threshold: int, community: str, start: date, end: date, as_of: date
) -> dict[str, Any]:
    """The report as it may be shown: every count passed through the suppression rule."""
    outcome_labels = dict(OUTCOMES)
    appeal_labels = dict(APPEAL_OUTCOMES)
    outcomes, reports = shown_group(t.outcomes, threshold)
    rungs, enacted = shown_group(t.rungs, threshold)
    appeals, filed = shown_group(t.appeals, threshold)
    return {
        "community": community,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "suppress_below": threshold,
        "reports_received": reports,
        "by_category": [
            {"category": name, "reports": shown(n, threshold)} for name, n in t.categories.items()
        ],
        "outcomes": [
            {"outcome": key, "label": outcome_labels[key], "reports": value}
            for key, value in outcomes.items()
        ],
        "sanctions_enacted": enacted,
        "sanctions_by_rung": [
            {
                "offence": rung[0] if rung else None,
                "kind": rung[1] if rung else None,
                "label": rung_label(rung),
                "sanctions": value,
            }
            for rung, value in rungs.items()
        ],
        "appeals_filed": filed,
        "appeal_outcomes": [
            {"outcome": key, "label": appeal_labels[key], "appeals": value}
            for key, value in appeals.items()
        ],
        "median_days_to_decision": _median(t.decision_days, threshold),
        "deadlines_met": [
            {"deadline": key, "label": label, "percent": _share(*t.deadlines[key], threshold)}
            for key, label in DEADLINES
        ],
    }


def transparency_report(
    policy: Policy,
    cases: Iterable[Case],
    sanctions: Sequence[Sanction],
    start: date,
    end: date,
    at: datetime,
) -> dict[str, Any]:
    """`coc stats`: the suppressed report for the reports received from `start` to `end`."""
    counts = tally(policy, cases, sanctions, start, end, at)
    return published(
        counts,
        policy.transparency.suppress_below,
        policy.community,
        start,
        end,
        rules.local_date(at, policy),
    )
