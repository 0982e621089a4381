"""Actions that set up a ledger: init, people, the council roster and meetings."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from ..core import sealing
from ..core.change import Change, Outcome
from ..core.defaults import PLACEHOLDER, SANCTIONS_HEADER, policy_text
from ..core.fields import RECIPIENT_PATTERN
from ..core.ids import PERSON_ID_PATTERN, POLICY_FILE, SANCTIONS_FILE, check_id
from ..core.models import Case, Meeting, Person, Policy, evolve
from ..core.schemas import init_files
from ..core.snapshot import Snapshot
from ..errors import RefusedError, UsageError
from . import email as valid_email
from . import gate, text


def init(
    at: datetime,
    lead: str,
    name: str,
    email: str | None,
    community: str,
    templates: Mapping[str, str],
    contact: str = PLACEHOLDER,
    ci_install: str | None = None,
    in_folder: bool = False,
    vscode: str | None = None,
    sealed: bool = False,
) -> Outcome:
    """A new ledger with the Mautic policy's defaults; the lead is its first council member.
    `ci_install` is what its CI workflow installs (`pip install "…"`); `in_folder`, a ledger in a
    folder of a larger repository, gets no workflow (GitHub runs only those at the top).
    `templates` are the notice drafts (ledger path -> text) it starts with, editable there;
    `contact` is where reports and appeals go (CoC §7, §8), which every draft names; `vscode` is
    the ledger's `.vscode/settings.json` (`core.vscode_settings`; None: VS Code reads none in it);
    `sealed`: its confidential fields are sealed from the first report on (SPEC §8)."""
    check_id(lead, PERSON_ID_PATTERN, "person", "alice")
    person = Person(
        id=lead, name=text(name, "--name", "name") or lead, email=valid_email(email, "--email")
    )
    community = text(community, "--community", "name") or ""
    contact = valid_email(contact, "--contact") or PLACEHOLDER
    files = {
        POLICY_FILE: policy_text(community, lead, contact, sealed),
        SANCTIONS_FILE: SANCTIONS_HEADER + "sanctions: []\n",
        "cases/.gitkeep": "",
        **templates,
        **init_files(requirement(ci_install), not in_folder, vscode),  # schemas, CI, editor
    }
    change = Change(f"init ledger for {community}", "init", lead, at, people=(person,), files=files)
    return Outcome(
        change, {"ledger": community, "lead": lead}, f"Created a ledger for {community}."
    )


_REQUIREMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._+=<>!~@:/#?&%,;\[\]-]{0,299}")


def requirement(spec: str | None) -> str | None:
    """`--ci-install SPEC`: one pip requirement (`cocledger==0.2.0`, or `cocledger @ git+https://
    …@<sha>`), written into the workflow inside quotes: no quote, `$`, backslash or backtick that
    the shell or YAML would read, no leading `-` that pip would take for an option."""
    if spec is None:
        return None
    spec = spec.strip()
    if not _REQUIREMENT.fullmatch(spec):
        raise UsageError(
            f"--ci-install {spec!r}: write one pip requirement, e.g. cocledger==0.1.0 or "
            '"cocledger @ git+https://github.com/OWNER/cocledger@COMMIT" (no quotes or $)'
        )
    return spec


def _handles(channels: Sequence[str], handles: Sequence[str]) -> dict[str, str]:
    """CHANNEL:VALUE pairs, on the channels policy.yaml lists (what a ban covers)."""
    parsed: dict[str, str] = {}
    for handle in handles:
        channel, sep, value = (part.strip() for part in handle.partition(":"))
        if not sep or not channel or not value:
            raise UsageError(f"--handle '{handle}': write CHANNEL:VALUE, e.g. slack:@frank")
        if channel not in channels:
            known = ", ".join(channels) or "none are listed"
            raise UsageError(
                f"--handle '{handle}': {channel} is not a channel of policy.yaml ({known})"
            )
        parsed[channel] = text(value, "--handle", "name") or value
    return parsed


def person_add(
    snap: Snapshot,
    actor: Person,
    at: datetime,
    name: str,
    person_id: str,
    email: str | None,
    handles: Sequence[str],
) -> Outcome:
    """Parties and members are referenced by id; their details live in people.yaml only."""
    step = gate(snap, "person add", actor, at)
    check_id(person_id, PERSON_ID_PATTERN, "person", "frank.example")
    if person_id in snap.people:
        raise RefusedError(f"'{person_id}' is already in people.yaml")
    address = valid_email(email, "--email")
    if address and snap.people_with_email(address):
        raise RefusedError(f"another person already has the email {address}")
    person = Person(
        id=person_id,
        name=text(name, "--name", "name") or "",
        email=address,
        handles=_handles(snap.policy.channels, handles),
    )
    change = Change("person add", step.action, actor.id, at, people=(person,))
    return Outcome(change, {"person": person_id}, f"Added {person_id} to people.yaml.")


def person_edit(
    snap: Snapshot,
    actor: Person,
    at: datetime,
    person_id: str,
    name: str | None,
    email: str | None,
    handles: Sequence[str],
) -> Outcome:
    """A person's name, e-mail address or handles, changed without hand-editing people.yaml;
    `--handle CHANNEL:` (no value) removes a handle."""
    step = gate(snap, "person edit", actor, at)
    person = snap.person(person_id)
    if name is None and email is None and not handles:
        raise UsageError("give --name, --email or --handle: what is to change?")
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = text(name, "--name", "name")
    address = valid_email(email, "--email")
    if address is not None:
        others = [p for p in snap.people_with_email(address) if p.id != person.id]
        if others:
            raise RefusedError(f"another person already has the email {address}")
        changes["email"] = address
    kept = dict(person.handles)
    for handle in handles:
        channel, sep, value = (part.strip() for part in handle.partition(":"))
        if sep and not value and channel in kept:
            del kept[channel]
        else:
            kept.update(_handles(snap.policy.channels, [handle]))
    changes["handles"] = kept
    edited = evolve(person, **changes)
    if edited == person:
        raise RefusedError(f"{person_id} already has these details: nothing to change")
    change = Change("person edit", step.action, actor.id, at, people=(edited,))
    return Outcome(change, {"person": person_id}, f"Changed {person_id} in people.yaml.")


def council_add(snap: Snapshot, actor: Person, at: datetime, person_id: str) -> Outcome:
    policy = snap.policy
    step = gate(snap, "council add", actor, at)
    snap.person(person_id)
    if person_id in policy.roster.council:
        raise RefusedError(f"{person_id} is already on the council")
    council = (*policy.roster.council, person_id)
    new = evolve(policy, roster=evolve(policy.roster, council=council))
    cases = _anonymous_joined(snap, new)
    change = Change("council add", step.action, actor.id, at, policy=new, cases=cases)
    return Outcome(change, {"council": list(council)}, f"{person_id} joined the council.")


def council_remove(snap: Snapshot, actor: Person, at: datetime, person_id: str) -> Outcome:
    """The lead sits on the council while lead (docs/rules.md); the council is never left empty."""
    policy = snap.policy
    step = gate(snap, "council remove", actor, at)
    if person_id not in policy.roster.council:
        raise RefusedError(f"{person_id} is not on the council")
    if person_id == policy.roster.project_lead:
        raise RefusedError(f"{person_id} is the project lead, who sits on the council")
    council = tuple(m for m in policy.roster.council if m != person_id)
    new = evolve(policy, roster=evolve(policy.roster, council=council))
    change = Change("council remove", step.action, actor.id, at, policy=new)
    return Outcome(change, {"council": list(council)}, f"{person_id} left the council.")


def meeting_add(
    snap: Snapshot, actor: Person, at: datetime, day: date, extraordinary: bool
) -> Outcome:
    """Incident processing: reviews happen at council meetings, ordinary or extraordinary."""
    policy = snap.policy
    step = gate(snap, "meeting add", actor, at)
    kind = "extraordinary" if extraordinary else "ordinary"
    if any(m.date == day and m.kind == kind for m in policy.meetings):
        raise RefusedError(f"an {kind} meeting on {day} is already scheduled")
    meetings = sorted((*policy.meetings, Meeting(date=day, kind=kind)), key=lambda m: m.date)
    new = evolve(policy, meetings=tuple(meetings))
    change = Change(f"meeting add {day} ({kind})", step.action, actor.id, at, policy=new)
    return Outcome(
        change, {"meeting": day.isoformat(), "kind": kind}, f"Scheduled an {kind} meeting on {day}."
    )


def key_add(snap: Snapshot, actor: Person, at: datetime, person_id: str, key: str) -> Outcome:
    """SPEC §8 Keys: a council member's public recipient, so that the cases they may read are
    wrapped to them (the store re-wraps every one as it commits)."""
    policy = snap.policy
    step = gate(snap, "key add", actor, at)
    person = snap.person(person_id)
    if person_id not in policy.roster.members:
        raise RefusedError(
            f"{person_id} is not on the council: only council members (and the lead) read "
            "sealed records (`coc council add` first)"
        )
    key = " ".join(key.split()[:2]) if key.startswith("ssh-") else key.strip()
    if not re.fullmatch(RECIPIENT_PATTERN, key):
        raise UsageError(
            "RECIPIENT: not an age recipient (age1…, as `coc key new` prints it) or an SSH "
            "ed25519 public key (ssh-ed25519 AAAA…)"
        )
    if person.key == key:
        raise RefusedError(f"{person_id} already has this key: nothing to change")
    change = Change(
        f"key add {person_id}", step.action, actor.id, at, people=(evolve(person, key=key),)
    )
    replaced = " (it replaces their old key: what it opened is re-keyed)" if person.key else ""
    return Outcome(
        change, {"person": person_id, "key": key}, f"Recorded {person_id}'s key{replaced}."
    )


SEALED_ALREADY = "this ledger is sealed already, every field the rule seals with it"


def seal(snap: Snapshot, actor: Person, at: datetime) -> Outcome:
    """SPEC §8 `coc seal`: an existing ledger sealed in one commit, every confidential field of
    every case on record, appeal, name and contact detail with it (the store seals what it
    writes). On a sealed ledger it seals what a rule of a later version added to the sealed
    fields (an anonymous reporter, a name) and opens a name a ban publishes; nothing left: refused."""
    policy = snap.policy
    step = gate(snap, "seal", actor, at)
    if not actor.key:
        raise RefusedError(
            f"you ({actor.id}) have no key on record, so you could not read what you seal: "
            f"`coc key new`, then `coc key add {actor.id} RECIPIENT`"
        )
    new = evolve(policy, sealed=True)
    cases = tuple(
        _anonymous_listed(new, c) for c in snap.cases()
        if c.status != "expunged" and (not policy.sealed or _clear(c))
    )  # fmt: skip
    sanctions = tuple(
        s for s in snap.sanctions.all() if s.appeal is not None and s.appeal.reason
        and (not policy.sealed or not sealing.is_sealed(s.appeal.reason))
    )  # fmt: skip
    people = tuple(snap.people.all())  # (opened: the store seals what the rule seals)
    change = Change(
        "seal the ledger", step.action, actor.id, at, cases=cases, sanctions=sanctions,
        people=people, policy=None if policy.sealed else new, unchanged=SEALED_ALREADY,
    )  # fmt: skip
    return Outcome(
        change,
        {"sealed": True, "cases": len(cases)},
        f"Sealed the ledger: {len(cases)} case(s) on record, each readable by its readers only.",
    )


def _clear(case: Case) -> bool:
    """A case of a sealed ledger with a field the rule seals still clear: its anonymous reporter
    among them, whom `_anonymous_listed` also lists conflicted if they are on the council."""
    return any(v is not None and not sealing.is_sealed(v) for _, v in sealing.case_texts(case))


def _anonymous_listed(policy: Policy, case: Case) -> Case:
    """A case with its anonymous reporter on the council listed under `conflicts`
    (`sealing.anonymous_conflicts`); a sealed reporter was listed when sealed."""
    reporter = case.reporter
    if reporter is None or sealing.is_sealed(reporter):
        return case
    more = sealing.anonymous_conflicts(policy, reporter, case.anonymous_reporter)
    if not more or reporter in case.conflicts:
        return case
    return evolve(case, conflicts=(*case.conflicts, *more))


def _anonymous_joined(snap: Snapshot, policy: Policy) -> tuple[Case, ...]:
    """SPEC §8: a member who joins the council while the sealed (anonymous) reporter of a case on
    record is listed under its `conflicts` (`sealing.anonymous_conflicts`). A case this user
    cannot open is left as it is: its readers change, so the store refuses the step to them."""
    if not policy.sealed:
        return ()
    found = []
    for stored in snap.cases():
        if stored.status == "expunged" or not stored.anonymous_reporter:
            continue
        case = sealing.with_reporter(snap, stored)
        listed = _anonymous_listed(policy, case)
        if listed is not case:
            found.append(listed)
    return tuple(found)
