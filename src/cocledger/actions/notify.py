"""Communications: draft the message to a party from the ledger's templates, and record that the
party was told (a `notified` event on the case's timeline)."""

from __future__ import annotations

from datetime import datetime

from ..core import case_deadlines, guards, messages, rules, sanction_deadlines
from ..core.change import Outcome
from ..core.gate import ask
from ..core.models import Case, Person
from ..core.snapshot import Snapshot
from ..errors import RefusedError
from . import change_of, gate, step_case


def draft(
    snap: Snapshot, at: datetime, case_id: str, party: str, sanction_id: str | None = None
) -> messages.Notice:
    """The message(s) to send `party` about the case's latest action, filled from its facts."""
    case = snap.case(case_id)
    if case.status == "expunged":
        raise RefusedError(f"{case_id} has been expunged: its details are gone")
    policy = snap.policy
    subject = messages.subject_sanction(snap.sanctions_of_case(case_id), sanction_id)
    day = rules.local_date(at, policy)
    theirs = snap.sanctions_of(subject.person) if subject and subject.person else ()
    told = subject is not None and sanction_deadlines.told_of_decision(case, party, subject, policy)
    name = messages.template_for(case, party, subject, day, told)
    if name == "reinstatement" and subject is not None:
        # A draft records nothing, so it asks the gate's own condition, not the whole gate (no
        # actor): no draft tells a person they are reinstated while a ban of theirs is in force.
        mine = {s.id: s for s in snap.sanctions_of_case(case_id)}
        question = ask(
            policy, "notify", "", at, case, None, mine, theirs,
            party=party, about=subject.id, note=name,
        )  # fmt: skip
        guards.reinstatement_when_free(question)
    steps = _due_steps(snap, case, at) if party == "council" else ()
    return messages.compose(
        policy, snap.people, case, party, subject, snap.template(name), name, day, theirs, steps
    )


def _due_steps(snap: Snapshot, case: Case, at: datetime) -> list[str]:
    """What is due on the case, as `coc due` lists it: the council's next steps."""
    policy, day = snap.policy, rules.local_date(at, snap.policy)
    items = case_deadlines.case_items(policy, case, at) if case.status == "open" else []
    for sanction in snap.sanctions_of_case(case.id):
        if sanction.status != "expunged" and sanction.person:
            theirs = snap.sanctions_of(sanction.person)
            items += sanction_deadlines.sanction_items(policy, case, sanction, day, theirs)
    return [f"{item.detail} ({item.command})" if item.command else item.detail for item in items]


def notify(
    snap: Snapshot,
    actor: Person,
    at: datetime,
    case_id: str,
    party: str,
    sanction_id: str | None = None,
    again: bool = False,
) -> Outcome:
    """Communications: record that `party` was told of the latest action, in one commit; once
    per step, unless `again` (SPEC §3 The same thing twice: the gate names the earlier notice)."""
    case = snap.case(case_id)
    notice = draft(snap, at, case_id, party, sanction_id)
    about, note = notice.sanction, notice.template
    step = gate(snap, "notify", actor, at, case, party=party, about=about, note=note, again=again)
    if notice.template == "report_shared" and not case.first("shared"):
        raise RefusedError(
            f"send the report, then record it with `coc report share {case_id}`: "
            "that starts the reported person's time to respond"
        )
    fields = {"party": party, "sanction": about, "note": note, "again": again or None}
    new = step_case(snap, step, case, actor, at, None, **fields)
    subject = f"notify {case_id} {party}"
    change = change_of(snap, step, actor, at, new, subject=subject, about=about)
    of = f" of {about}" if about else ""
    were = "were" if party == "witnesses" else "was"
    data = {
        "case": case_id,
        "party": party,
        "sanction": notice.sanction,
        "template": notice.template,
        "at": at.isoformat(),
    }
    return Outcome(change, data, f"Recorded that the {party} {were} notified{of} ({case_id}).")
