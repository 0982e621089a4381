"""Read-only answers over a Snapshot, as plain data: the CLI prints them as JSON or through
`output/`. Pure: the moment looked at is passed in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from .core import expiry, rules, sealing
from .core.bans import PublishedBan, active_bans
from .core.deadlines import due_items
from .core.due_item import DueItem
from .core.models import Sanction
from .core.snapshot import Snapshot
from .core.transparency import transparency_report
from .core.wording import expunged_note, stage


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def sanction_json(sanction: Sanction) -> dict[str, Any]:
    """SPEC §4: the keys scripts rely on for `sanction propose/show --json` (and more)."""
    return {
        "sanction": sanction.id,
        "case": sanction.case,
        "person": sanction.person,
        "offence": sanction.offence,
        "kind": sanction.kind,
        "duration": str(sanction.duration) if sanction.duration else None,
        "status": sanction.status,
        "starts_on": _day(sanction.starts_on),
        "ends_on": _day(sanction.ends_on),
        "expunges_on": _day(sanction.expunges_on),
        "apology_due": _day(sanction.apology_due),
        "decided_on": _day(sanction.decided_on),
        "escalated_from": sanction.escalated_from,
        "escalated_to": sanction.escalated_to,
        "conduct": sanction.conduct,
        "deviation_reason": sanction.deviation_reason,
        "votes": _votes(sanction),
        "apology": sanction.apology,
        "apology_recorded_on": _day(sanction.apology_recorded_on),
        "apology_late": bool(
            sanction.apology_recorded_on
            and sanction.apology_due
            and sanction.apology_recorded_on > sanction.apology_due
        ),
        "appeal": _appeal(sanction),
    }


def _appeal(sanction: Sanction) -> dict[str, Any] | None:
    if sanction.appeal is None:
        return None
    data = sanction.appeal.model_dump(mode="json", exclude_none=True)
    if "reason" in data:
        data["reason"] = sealing.shown(data["reason"])  # SPEC §8: unopened, `[sealed]`
    return data


def _votes(sanction: Sanction) -> list[dict[str, Any]]:
    """Each vote recorded, oldest first; a member's earlier vote is marked replaced (the
    latest counts, Proposed sanctions 5th offence)."""
    latest = {vote.member: n for n, vote in enumerate(sorted(sanction.votes, key=lambda v: v.at))}
    return [
        {
            "member": vote.member,
            "vote": vote.vote,
            "at": vote.at.isoformat(),
            "recorded_by": vote.recorded_by,
            "replaced": latest[vote.member] != n,
        }
        for n, vote in enumerate(sorted(sanction.votes, key=lambda v: v.at))
    ]


def person_view(snap: Snapshot, person_id: str, day: date) -> dict[str, Any]:
    """SPEC §4 `person show --json`: the record window and what the next offence would bring."""
    person = snap.person(person_id)
    policy = snap.policy
    mine = snap.sanctions_of(person.id)
    record = rules.record(policy, mine, person.id, day)
    ban = rules.active_ban(mine, person.id, day)
    return {
        "person": person.id,
        "name": sealing.shown(person.name),
        "offences_on_record": record.offences_on_record,
        "next_offence": record.offence,
        "next_sanction": {
            "kind": record.rung.kind,
            "duration": str(record.rung.duration) if record.rung.duration else None,
        },
        "active_ban": {"sanction": ban.id, "ends_on": _day(ban.ends_on)} if ban else None,
        "record_clears_on": _day(record.clears_on),
        "record": [sanction_json(s) for s in record.window],
        "expunged_since": _day(expiry.expunged_since(hidden(snap, day))),
    }


def hidden(
    snap: Snapshot, day: date, what: Literal["records", "bans"] = "records"
) -> list[Sanction]:
    """SPEC §3 Queries as of a moment: the tombstones of what an answer as of `day` would have
    shown (what was on the record then, or the bans in force) had an expunge since not taken its
    details (`expiry.hidden_on`)."""
    return expiry.hidden_on(snap.sanctions.all(), day, what)


def expunged_line(
    snap: Snapshot, day: date, what: Literal["records", "bans"] = "records"
) -> str | None:
    """The line an answer as of `day` adds when an expunge since took what it would have shown
    (None: the answer is whole)."""
    found = hidden(snap, day, what)
    since = expiry.expunged_since(found)
    if since is None:
        return None
    return expunged_note(since, len(found) if what == "bans" else 0, day)


def case_view(snap: Snapshot, case_id: str) -> dict[str, Any]:
    """Everything the council needs on one case: parties, deadlines, timeline and sanctions."""
    case = snap.case(case_id)
    data = case.model_dump(mode="json", exclude_none=True)
    for key in (*sealing.CASE_FIELDS, sealing.ANONYMOUS):  # SPEC §8: a field no key here opened
        if key in data:
            data[key] = sealing.shown(data[key])
    for event in data.get("timeline", []):
        if "note" in event:
            event["note"] = sealing.shown(event["note"])
    data["sanctions"] = [sanction_json(s) for s in snap.sanctions_of_case(case_id)]
    return data


def case_list(snap: Snapshot, open_only: bool) -> list[dict[str, Any]]:
    rows = []
    for case in snap.cases(status="open" if open_only else None):
        rows.append(
            {
                "case": case.id,
                "status": case.status,
                "received_at": case.model_dump(mode="json", include={"received_at"})["received_at"],
                "respondent": case.respondent,
                "stage": stage(case),
                "serious": case.serious,
            }
        )
    return rows


def due(snap: Snapshot, at: datetime) -> list[DueItem]:
    """`coc due`: only open cases have steps due; a closed case matters through its sanctions."""
    sanctions = snap.sanctions.all()
    cases = snap.cases(status="open", also={s.case for s in sanctions if s.case})
    return due_items(snap.policy, cases, sanctions, at)


def published(snap: Snapshot, day: date) -> list[PublishedBan]:
    """SPEC §3 Publication: the active bans, from the allow-list of `core.bans`."""
    return active_bans(snap.people.all(), snap.sanctions.all(), day)


def stats(snap: Snapshot, first: date, last: date, at: datetime) -> dict[str, Any]:
    """`coc stats`: the anonymised transparency report of the reports received in a period."""
    return transparency_report(snap.policy, snap.cases(), snap.sanctions.all(), first, last, at)


def trail_keys(snap: Snapshot, person_id: str) -> list[str]:
    """`coc log PERSON`: the actions a person took, and those on every case they are a party to
    (trailers never carry a party's id, so their cases are found in the records)."""
    person = snap.person(person_id, "PERSON")
    cases = {c.id for c in snap.cases() if person.id in sealing.with_reporter(snap, c).parties}
    cases |= {s.case for s in snap.sanctions_of(person.id) if s.case}
    return [f"actor:{person.id}", *(f"case:{c}" for c in sorted(cases))]
