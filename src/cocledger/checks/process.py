"""Checks of the records the process leaves: publication, deviations, expiry, deadlines and
notifications, and the sanity of policy.yaml itself (who may take which step, and when, is the
gate's to judge: `checks.gate`).

Messages point at a key path, never at who is a party to a case.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from ..core import case_deadlines, rules, sanction_deadlines
from ..core.defaults import PLACEHOLDER
from ..core.ids import POLICY_FILE, SANCTIONS_FILE
from ..core.tombstones import (
    APPEAL_TOMBSTONE_KEYS,
    CASE_TOMBSTONE_KEYS,
    EVENT_TOMBSTONE_KEYS,
    SANCTION_TOMBSTONE_KEYS,
)
from .context import Context, Finding


def check_ban_conduct(ctx: Context) -> Iterator[Finding]:
    """Communications: a ban is published with a public summary of the conduct (`--conduct`)."""
    for path, s in ctx.live_entries():
        if s.kind in rules.BAN_KINDS and not (s.conduct or "").strip():
            yield Finding(
                SANCTIONS_FILE,
                (*path, "kind"),
                f"{s.id}: a {s.kind} needs `conduct`, the public summary published with it",
            )


def check_deviation_reason(ctx: Context) -> Iterator[Finding]:
    """Other sanctions: a sanction other than the ladder's recommendation says why."""
    if ctx.policy is None:
        return
    for path, s in ctx.live_entries():
        rung = rules.rung_for(ctx.policy, s.offence)
        duration = s.duration
        if s.appeal and s.appeal.outcome == "reduced" and s.appeal.reduced_from:
            duration = s.appeal.reduced_from  # an appeal's reduction is no deviation
        if rules.is_deviation(rung, s.kind, duration) and not (s.deviation_reason or "").strip():
            ladder = rung.kind + (f" {rung.duration}" if rung.duration else "")
            yield Finding(
                SANCTIONS_FILE,
                (*path, "kind"),
                f"{s.id}: the ladder gives {ladder} for offence {s.offence}; "
                "a deviation needs `deviation_reason`",
            )


def _held_keys(record: BaseModel, kept: frozenset[str]) -> list[str]:
    """Keys present in the file, holding something, that a tombstone does not keep (in order)."""
    return [
        k
        for k in type(record).model_fields
        if k in record.model_fields_set and k not in kept and _holds(getattr(record, k))
    ]


def _holds(value: Any) -> bool:
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list | dict) and not value)


def _still_holds(keys: list[str]) -> str:
    return "still holds " + ", ".join(keys) + ": run `coc expunge`, or remove them"


def check_tombstone(ctx: Context) -> Iterator[Finding]:
    """SPEC §3 Expiry of records: an expunged record keeps only its tombstone keys."""
    for path, s in ctx.entries():
        held = _held_keys(s, SANCTION_TOMBSTONE_KEYS) if s.status == "expunged" else []
        if s.status == "expunged" and s.appeal is not None:
            held += [f"appeal.{k}" for k in _held_keys(s.appeal, APPEAL_TOMBSTONE_KEYS)]
        if held:
            yield Finding(
                SANCTIONS_FILE, (*path, held[0]), f"{s.id} is expunged but {_still_holds(held)}"
            )
    for file, case in ctx.cases:
        if case.status != "expunged":
            continue
        held = _held_keys(case, CASE_TOMBSTONE_KEYS)
        if held:
            yield Finding(file, (held[0],), f"{case.id} is expunged but {_still_holds(held)}")
        for j, event in enumerate(case.timeline):
            held = _held_keys(event, EVENT_TOMBSTONE_KEYS)
            if held:
                yield Finding(
                    file,
                    ("timeline", j, held[0]),
                    f"{case.id} is expunged but its {event.action} event {_still_holds(held)}",
                )


# --- deadlines and notifications (warnings), as `coc due` sees them ----------------------------

LATE_STEPS = ("council_notice", "review", "apology", "record_expunges")
UNTOLD = ("notification", "ban_ends")


def _overdue(ctx: Context) -> list[Any]:
    """`coc due`'s overdue items, computed person by person (never the whole register at once)."""
    policy, day = ctx.policy, ctx.today
    assert policy is not None
    items = [
        i
        for _, c in ctx.live_cases()
        if c.status == "open"
        for i in case_deadlines.case_items(policy, c, ctx.at)
    ]
    for _, c in ctx.live_cases():
        closed = sanction_deadlines.closed_case_item(
            policy, c, ctx.sanctions_by_case.get(c.id, []), day
        )
        items += [closed] if closed is not None else []
    for person, mine in ctx.sanctions_by_person.items():
        gone = {s.id for s in rules.record(policy, mine, person, day).cleared}
        for s in mine:
            found = ctx.case_of(s.case)
            if s.status != "expunged" and s.id not in gone and found is not None:
                items.extend(sanction_deadlines.sanction_items(policy, found[1], s, day, mine))
        items.extend(sanction_deadlines.record_items(policy, mine, day))
    return [item for item in items if item.overdue]


CASE_KEYS: dict[str, tuple[str, ...]] = {
    "council_notice": ("deadlines", "council_notice"),
    "review": ("deadlines", "review_from"),
    "notification": ("timeline",),
}
SANCTION_KEYS = {"apology": "apology_due", "record_expunges": "expunges_on", "ban_ends": "ends_on"}


def _where(ctx: Context, item: Any, index: dict[str, int]) -> tuple[str, tuple[str | int, ...]]:
    if item.kind in SANCTION_KEYS and item.sanction in index:
        return SANCTIONS_FILE, ("sanctions", index[item.sanction], SANCTION_KEYS[item.kind])
    found = ctx.case_of(item.case)
    if found is None:
        return SANCTIONS_FILE, ()
    return found[0], CASE_KEYS.get(item.kind, ("timeline",))


def _due_findings(ctx: Context, kinds: tuple[str, ...]) -> Iterator[Finding]:
    if ctx.policy is None:
        return
    index = {s.id: i for i, s in enumerate(ctx.sanctions or [])}
    for item in ctx.shared("overdue", lambda: _overdue(ctx)):
        if item.kind in kinds:
            when = item.due.isoformat() if item.due else "?"
            file, path = _where(ctx, item, index)
            subject = item.sanction or item.case
            yield Finding(
                file,
                path,
                f"{subject}: {item.kind.replace('_', ' ')} overdue since {when}: {_detail(item)}",
            )


def _detail(item: Any) -> str:
    """`coc due`'s detail, but for the apology, whose names the witnesses: the command instead."""
    if item.kind == "apology":
        return f"none recorded; a refusal escalates (`{item.command}`)"
    return str(item.detail)


def check_missed_deadline(ctx: Context) -> Iterator[Finding]:
    """Incident processing and 1st offence: the council notice, the review, the apology, and
    records to expunge, still outstanding after their date (as `coc due` shows them)."""
    return _due_findings(ctx, LATE_STEPS)


def check_missing_notification(ctx: Context) -> Iterator[Finding]:
    """Communications: offender and offended are told of every action taken; a ban's end is
    followed by the reinstatement notice."""
    return _due_findings(ctx, UNTOLD)


# --- policy.yaml ----------------------------------------------------------------------------------


def check_lead_on_council(ctx: Context) -> Iterator[Finding]:
    """The lead sits on the council (docs/rules.md): the policy has the lead receive and propose."""
    if ctx.policy is None:
        return
    roster = ctx.policy.roster
    if roster.project_lead not in roster.council:
        yield Finding(
            POLICY_FILE,
            ("roster", "project_lead"),
            f"the project lead '{roster.project_lead}' is not on the council",
        )


PLACEHOLDER_CONTACTS = frozenset({PLACEHOLDER, ""})
"""What `coc init` writes until told the community's address (`--contact`)."""


def check_policy_gaps(ctx: Context) -> Iterator[Finding]:
    """Settings a community must choose for itself: the contact every draft tells people to
    write to (CoC §7, §8), and how long a case closed without a sanction stays on the record
    (a privacy duty: `null` keeps such cases on purpose)."""
    if ctx.policy is None:
        return
    if ctx.policy.contact.strip().lower() in PLACEHOLDER_CONTACTS:
        shown = ctx.policy.contact or "(empty)"
        yield Finding(
            POLICY_FILE,
            ("contact",),
            f"contact is {shown}, a placeholder: every draft tells people to write there; "
            "set the community's own address",
        )
    if "record_retention_after_close" not in ctx.policy.model_fields_set:
        yield Finding(
            POLICY_FILE,
            (),
            "record_retention_after_close is not set: a case closed without a sanction is kept "
            "for ever; set it (e.g. 18 months), or to null to keep such cases on purpose",
            1,
            1,
        )


def check_council_size(ctx: Context) -> Iterator[Finding]:
    """Incident processing: the council must be able to form a committee of `committee.min_size`
    (a warning: a new ledger starts with the lead alone)."""
    if ctx.policy is None:
        return
    council, size = set(ctx.policy.roster.council), ctx.policy.committee.min_size
    if len(council) < size:
        yield Finding(
            POLICY_FILE,
            ("roster", "council"),
            f"the council has {len(council)} member(s): too few for a committee of {size} "
            "(committee.min_size); add members with `coc council add`",
        )


def check_policy_duplicates(ctx: Context) -> Iterator[Finding]:
    """Lists of policy.yaml name each thing once (council, categories, channels, meetings)."""
    if ctx.policy is None:
        return
    lists: dict[tuple[str, ...], Sequence[Any]] = {
        ("roster", "council"): ctx.policy.roster.council,
        ("categories",): ctx.policy.categories,
        ("channels",): ctx.policy.channels,
        ("appeals", "allowed_for"): ctx.policy.appeals.allowed_for,
        ("meetings",): [(m.date, m.kind) for m in ctx.policy.meetings],
    }
    for path, values in lists.items():
        seen: set[Any] = set()
        for j, value in enumerate(values):
            if value in seen:
                shown = " ".join(str(v) for v in value) if isinstance(value, tuple) else value
                yield Finding(
                    POLICY_FILE, (*path, j), f"{'.'.join(path)}: '{shown}' is listed twice"
                )
            seen.add(value)
