"""Actions that set up a ledger: init, people, the council roster and meetings."""

from __future__ import annotations

from datetime import date, datetime

from .. import yamlio
from ..defaults import PEOPLE_HEADER, SANCTIONS_HEADER, policy_text
from ..errors import RefusedError, UsageError
from ..gitstore import ChangeSet
from ..ledger import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE, Ledger, check_id
from ..models import PERSON_ID_PATTERN, Meeting, Person
from ..tooling import init_files
from . import Outcome, commit, people_file, policy_file
from .notify import default_templates


def init(lead: str, name: str, email: str | None, community: str) -> Outcome:
    """A new ledger with the Mautic policy's defaults; the lead is its first council member."""
    check_id(lead, PERSON_ID_PATTERN, "person", "alice")
    person = Person(id=lead, name=name, email=email)
    files: dict[str, str | None] = {
        POLICY_FILE: policy_text(community, lead, "info@example.org"),
        PEOPLE_FILE: PEOPLE_HEADER
        + yamlio.dump({"people": [person.model_dump(exclude_none=True)]}),
        SANCTIONS_FILE: SANCTIONS_HEADER + "sanctions: []\n",
        "cases/.gitkeep": "",
        **default_templates(),  # the Communications drafts, editable in the ledger
        **init_files(),  # JSON schemas, the CI workflow, editor settings
    }
    change = ChangeSet(
        files=files,
        subject=f"init ledger for {community}",
        trailers={"Coc-Action": "init", "Coc-Actor": lead},
    )
    return Outcome(
        change, {"ledger": community, "lead": lead}, f"Created a ledger for {community}."
    )


def person_add(
    ledger: Ledger, actor: Person, name: str, person_id: str, email: str | None, handles: list[str]
) -> Outcome:
    """Parties and members are referenced by id; their details live in people.yaml only."""
    check_id(person_id, PERSON_ID_PATTERN, "person", "frank.example")
    people = ledger.people_register
    if person_id in people:
        raise RefusedError(f"'{person_id}' is already in people.yaml")
    if email and people.where("email", email):
        raise RefusedError(f"another person already has the email {email}")
    parsed: dict[str, str] = {}
    for handle in handles:
        channel, sep, value = handle.partition(":")
        if not sep or not channel or not value:
            raise UsageError(f"--handle '{handle}': write CHANNEL:VALUE, e.g. slack:@frank")
        parsed[channel.strip()] = value.strip()
    person = Person(id=person_id, name=name, email=email, handles=parsed)
    change = commit("person add", "person add", actor, people_file(ledger, [person]))
    return Outcome(change, {"person": person_id}, f"Added {person_id} to people.yaml.")


def council_add(ledger: Ledger, actor: Person, person_id: str) -> Outcome:
    ledger.person(person_id)
    policy = ledger.policy.model_copy(deep=True)
    if person_id in policy.roster.council:
        raise RefusedError(f"{person_id} is already on the council")
    policy.roster.council = [*policy.roster.council, person_id]
    change = commit("council add", "council add", actor, policy_file(ledger, policy))
    return Outcome(change, {"council": policy.roster.council}, f"{person_id} joined the council.")


def council_remove(ledger: Ledger, actor: Person, person_id: str) -> Outcome:
    """The lead sits on the council while lead (docs/rules.md); the council is never left empty."""
    policy = ledger.policy.model_copy(deep=True)
    if person_id not in policy.roster.council:
        raise RefusedError(f"{person_id} is not on the council")
    if person_id == policy.roster.project_lead:
        raise RefusedError(f"{person_id} is the project lead, who sits on the council")
    policy.roster.council = [m for m in policy.roster.council if m != person_id]
    change = commit("council remove", "council remove", actor, policy_file(ledger, policy))
    return Outcome(change, {"council": policy.roster.council}, f"{person_id} left the council.")


def meeting_add(
    ledger: Ledger, actor: Person, at: datetime, day: date, extraordinary: bool
) -> Outcome:
    """Incident processing: reviews happen at council meetings, ordinary or extraordinary."""
    kind = "extraordinary" if extraordinary else "ordinary"
    policy = ledger.policy.model_copy(deep=True)
    if any(m.date == day and m.kind == kind for m in policy.meetings):
        raise RefusedError(f"an {kind} meeting on {day} is already scheduled")
    policy.meetings = sorted([*policy.meetings, Meeting(date=day, kind=kind)], key=lambda m: m.date)
    change = commit(
        f"meeting add {day} ({kind})", "meeting add", actor, policy_file(ledger, policy)
    )
    return Outcome(
        change, {"meeting": day.isoformat(), "kind": kind}, f"Scheduled an {kind} meeting on {day}."
    )
