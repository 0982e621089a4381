"""SPEC §8 Sealed records, as rules: which fields are sealed, who may read a case, and what a
sealed value looks like. Pure: `store.seals` does the cryptography and keeps the keys.

Ids, dates, steps, statuses, votes, kinds and durations stay clear so that the rules run and CI
validates without a key; the free text of a case, the id of a reporter who asked to stay
anonymous, its appeal grounds, and the names and contact details of everyone but the council are
sealed. A banned person's name is public by purpose (the published page) and stays clear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from .council import conflicted
from .fields import SEALED_PATTERN
from .models import Case, Event, Person, Policy, Sanction
from .rules import BAN_KINDS
from .snapshot import Entries, Snapshot

PREFIX = "coc-sealed:"
V1 = "coc-sealed:v1:"
SHOWN = "[sealed]"
"""What a query shows for a sealed field it holds no key to."""
CASE_FIELDS = ("summary", "shared_summary", "response")
"""A case's own sealed fields; the notes its council wrote in its own words (`NOTES`), its
anonymous reporter (`ANONYMOUS`) and its sanctions' appeal grounds are sealed with its key too."""
ANONYMOUS = "reporter"
"""SPEC §8: the reporter's identity when anonymous (`anonymous_reporter: true`)."""
CONTACT = frozenset({"email", "handles"})
NOTES = frozenset({"conflict_declared", "closed"})
"""The events whose note is free text: why a member declared a conflict (`committee recuse
--reason`), why a case was closed (`case close --reason`). Other notes are what the rules read
back (an apology delivered or refused, an appeal's outcome, a notice's template) and stay clear."""
PERSON = "person:"
"""The owner of a person's contact details' data key is `person:<id>` (`contact_owner`): one key
per person, so that `coc expunge` can drop the key of someone who left the ledger."""


def contact_owner(person_id: str) -> str:
    return PERSON + person_id


def is_contact_owner(owner: str) -> bool:
    return owner.startswith(PERSON)


_SEALED = re.compile(SEALED_PATTERN)


def is_sealed(value: Any) -> bool:
    """Whether a value is a sealed field (well-formed or not: it claims to be one)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def well_formed(value: str) -> bool:
    return _SEALED.match(value) is not None


def key_id(value: str) -> str:
    """The id of the data key a sealed value needs."""
    return value[len(V1) : len(V1) + 16]


def shown(value: Any) -> Any:
    """A value as a query shows it: `[sealed]` for one no key here opened."""
    return SHOWN if is_sealed(value) else value


def readers(policy: Policy, people: Entries[Person], case: Case) -> tuple[str, ...]:
    """SPEC §8 Who can read: the council members not conflicted in the case, plus the project
    lead unless conflicted, who have a key on record (`coc key add`). A party on the council is
    conflicted (`council.conflicted`), so never receives the key to their own case."""
    return tuple(m for m in members_with_keys(policy, people) if not conflicted(case, m))


def members_with_keys(policy: Policy, people: Entries[Person]) -> tuple[str, ...]:
    """The lead and council members, in roster order, who have a key on record: the readers of
    people.yaml's sealed contact details."""
    return tuple(m for m in policy.roster.members if m in people and people[m].key)


def keyless_members(policy: Policy, people: Entries[Person]) -> tuple[str, ...]:
    """The lead and council members with no key on record: they can read nothing sealed."""
    return tuple(m for m in policy.roster.members if m not in people or not people[m].key)


def contact_sealed(policy: Policy, person_id: str) -> bool:
    """SPEC §8: the contact details of everyone but the council (and the lead) are sealed."""
    return person_id not in policy.roster.members


def name_published(sanctions: Iterable[Sanction]) -> bool:
    """Whether one of a person's sanctions is an enacted ban: the page of active bans publishes
    their name (Communications), so it is public by purpose and stays clear until the ban leaves
    the register (overturned or expunged)."""
    return any(s.kind in BAN_KINDS and s.status == "enacted" for s in sanctions)


def sealed_person_fields(
    policy: Policy, person_id: str, sanctions: Iterable[Sanction]
) -> frozenset[str]:
    """The fields of a person's entry in people.yaml a sealed ledger seals (by the first part of
    their key path, `person_values`)."""
    if not contact_sealed(policy, person_id):
        return frozenset()
    if name_published(sanctions):
        return CONTACT
    return CONTACT | {"name"}


def person_fields(snap: Snapshot, person_id: str) -> frozenset[str]:
    """`sealed_person_fields` of a person in a ledger."""
    return sealed_person_fields(snap.policy, person_id, snap.sanctions.where("person", person_id))


def written_again(person: Person, before: Snapshot, after: Snapshot, again: bool) -> bool:
    """Whether a change writes a person's entry again: its sealed values when the council's keys
    changed (`again`), and anyone's whose sealed fields change (they joined or left the council,
    a ban naming them was enacted or left the register: clear, or sealed, from now on)."""
    if again and any(is_sealed(v) for _, _, v in person_values(person)):
        return True
    if person.id not in before.people:
        return False
    return person_fields(before, person.id) != person_fields(after, person.id)


def keys_replaced(before: Snapshot, after: Snapshot) -> set[str]:
    """The members whose key a change replaced: what their old identity opened is re-keyed, as
    for a reader gone (an identity lost or given away must open nothing new)."""
    found = set()
    for member in before.policy.roster.members:
        old = before.people[member].key if member in before.people else None
        new = after.people[member].key if member in after.people else None
        if old and new != old:
            found.add(member)
    return found


def anonymous_conflicts(policy: Policy, reporter: str, anonymous: bool) -> tuple[str, ...]:
    """SPEC §8: the id of an anonymous reporter is sealed, so a keyless `validate` cannot see that
    they are the reporter. One who sits on the council (or leads the project) is listed under
    `conflicts` from the start: CI still keeps them off the case and out of `sealed_for`, and
    their absence reads as a declared conflict, not as the reporter's."""
    listed = policy.sealed and anonymous and reporter in policy.roster.members
    return (reporter,) if listed else ()


def with_reporter(snap: Snapshot, case: Case) -> Case:
    """A case as a scan gives it, or opened (as far as this user may read it) where its reporter
    is sealed: who reported an anonymous case is known only to its readers (SPEC §8)."""
    return snap.case(case.id) if is_sealed(case.reporter) else case


def note_place(case_id: str, event: Event) -> str:
    """What an event's note is bound to: its case and its moment and step."""
    return f"{case_id}/timeline/{event.at.isoformat()}/{event.action}/note"


def case_texts(case: Case) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Each sealable field of a case: its key path and its value (None where not set). Cheap:
    `validate` looks at every case's, keyless (`case_values` adds the places)."""
    for name in CASE_FIELDS:
        yield (name,), getattr(case, name)
    if case.anonymous_reporter:
        yield (ANONYMOUS,), case.reporter
    for n, event in enumerate(case.timeline):
        if event.action in NOTES:
            yield ("timeline", n, "note"), event.note


def case_values(case: Case) -> Iterator[tuple[tuple[str | int, ...], str, Any]]:
    """Each sealable field of a case: its key path, the place its ciphertext is bound to, and
    its value (None where not set)."""
    for path, value in case_texts(case):
        if path[0] == "timeline":
            yield path, note_place(case.id, case.timeline[int(path[1])]), value
        else:
            yield path, f"{case.id}/{path[0]}", value


def appeal_place(sanction: Sanction) -> str:
    return f"{sanction.case}/appeal/{sanction.id}/reason"


def person_values(person: Person) -> Iterator[tuple[tuple[str | int, ...], str, Any]]:
    """Each sealable field of a person: name, e-mail address and handles (which of them a sealed
    ledger seals: `sealed_person_fields`)."""
    yield ("name",), f"people/{person.id}/name", person.name
    yield ("email",), f"people/{person.id}/email", person.email
    for channel, handle in sorted(person.handles.items()):
        yield ("handles", channel), f"people/{person.id}/handles/{channel}", handle


def sealable(case: Case) -> bool:
    """A case on record has fields to seal; a tombstone keeps none (SPEC §3 Expiry)."""
    return case.status != "expunged"


def either_sealed(old: Any, new: Any) -> bool:
    """Whether a text's change cannot be judged without its key: sealed before or after (sealed
    by `coc seal`, re-keyed, or altered: `validate --identity` tells which)."""
    return is_sealed(old) or is_sealed(new)


def same_event(a: Event, b: Event) -> bool:
    """The same step of a timeline, its note compared only where both are clear (an audit of
    history without keys, SPEC §8)."""
    if a == b:
        return True
    return either_sealed(a.note, b.note) and a.model_copy(update={"note": None}) == b.model_copy(
        update={"note": None}
    )


class Opener(Protocol):
    """SPEC §8 `validate --identity`: one identity, and why a sealed value it may read does not
    open with it, as the store finds out (`store.opening`); the checks stay pure (CL099)."""

    @property
    def recipients(self) -> Sequence[str]:
        """The public recipients the identity answers to (a member's `key` is one of them)."""

    def failure(self, owner: str, place: str, value: str) -> str | None:
        """Why a well-formed sealed value of a record (a case, or a person in people.yaml:
        `contact_owner`) does not open with the identity at its place; None when it opens."""
