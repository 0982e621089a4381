"""SPEC §8 Sealed records, as `coc validate` judges them without a key: no clear text where a
sealed field belongs, nor a sealed value in a ledger that is not sealed (CL094); each case's
`sealed_for` the rule's list (`sealing.readers`): no one in it who must not read the case (CL097),
no one missing who may (CL098, with a council member who has no key at all). With `--identity`,
what that identity may read opens with it (CL099), as the store finds out (`sealing.Opener`).

Only a ledger as its files hold it is judged (`Ledger.as_stored`): an action's result in memory
holds its sealed fields opened, and the store seals them, and sets `sealed_for`, as it commits.
Each value costs a prefix test; the pattern is matched only where the schema does not check it
already (a handle; CL002 reports any other sealed value that is not well-formed). Messages name
files, key paths, case ids and council members: never a text, nor anyone else's id.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..core import council, sealing
from ..core.ids import PEOPLE_FILE, SANCTIONS_FILE
from ..core.models import Case, Person, Policy
from ..core.snapshot import Entries
from .context import Context, Finding

KeyPath = tuple[str | int, ...]
HISTORY = "history keeps what was committed (docs/privacy.md, What stays in git history)"
REKEY = (
    "the next `coc` step on {case} by one of its readers re-keys it (a new key, its fields sealed "
    "again, wrapped to the rule's readers only), and so does any change of the council or of a "
    "key; what could be read before stays readable in history"
)


def _judged(ctx: Context) -> Policy | None:
    """The policy, when the sealing is judged: the files as stored, policy.yaml parsed."""
    return ctx.policy if ctx.ledger.as_stored else None


def _sealed_ledger(ctx: Context) -> tuple[Policy, Entries[Person]] | None:
    """The policy and people of a sealed ledger as stored (None: not sealed, or not judged)."""
    policy, people = _judged(ctx), ctx.people
    if policy is None or not policy.sealed or people is None:
        return None
    return policy, people


def dotted(path: KeyPath) -> str:
    """A key path as messages show it: `timeline[3].note`, `handles.matrix`."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else f".{key}" if text else str(key)
    return text


# --- CL094: clear where sealed, sealed where clear -----------------------------------------------


def check_sealing(ctx: Context) -> Iterator[Finding]:
    """SPEC §8 What is sealed: in a sealed ledger, each sealable field of a case on record (its
    anonymous reporter among them), the appeal grounds of its sanctions and the names and contact
    details of everyone but the council (a name a ban publishes excepted) hold ciphertext; in a
    ledger that is not sealed, nothing does. A handle that claims to be sealed must be
    well-formed (the schema checks every other sealable field)."""
    policy = _judged(ctx)
    if policy is None:
        return
    sealed = policy.sealed
    for file, case in ctx.live_cases():
        for path, value in sealing.case_texts(case):
            if value is not None and sealing.is_sealed(value) != sealed:
                yield Finding(file, path, _misplaced(f"{case.id}: {dotted(path)}", sealed))
    for path, sanction in ctx.live_entries():
        reason = sanction.appeal.reason if sanction.appeal is not None else None
        if reason is None or (sealed and sanction.case is None):  # no case: no key to seal with
            continue
        if sealing.is_sealed(reason) != sealed:
            what = f"{sanction.id}: appeal.reason"
            yield Finding(SANCTIONS_FILE, (*path, "appeal", "reason"), _misplaced(what, sealed))
    yield from _people(ctx, policy)


def _people(ctx: Context, policy: Policy) -> Iterator[Finding]:
    """people.yaml: the names and contact details `sealing.sealed_person_fields` seals."""
    people = ctx.people
    if people is None or not ctx.wants(PEOPLE_FILE):
        return
    theirs = ctx.sanctions_by_person if policy.sealed else {}
    for index, person in enumerate(people.all()):
        belongs = sealing.sealed_person_fields(policy, person.id, theirs.get(person.id, ()))
        for key, _, value in sealing.person_values(person):
            path = ("people", index, *key)
            if not isinstance(value, str) or not value:
                continue
            if key[0] == "handles" and sealing.is_sealed(value) and not sealing.well_formed(value):
                yield Finding(PEOPLE_FILE, path, f"{dotted(path)}: {MALFORMED}")
            elif sealing.is_sealed(value) and not policy.sealed:
                yield Finding(PEOPLE_FILE, path, _misplaced(dotted(path), sealed=False))
            elif policy.sealed and str(key[0]) in belongs and not sealing.is_sealed(value):
                yield Finding(PEOPLE_FILE, path, _misplaced(dotted(path), sealed=True))
            elif key[0] == "name" and sealing.is_sealed(value) and str(key[0]) not in belongs:
                yield Finding(PEOPLE_FILE, path, f"{dotted(path)}: {PUBLIC_NAME}")


PUBLIC_NAME = (
    "sealed, but this name is clear by purpose (a council member's, or one an enacted ban "
    "publishes): `coc seal`, by a council member with a key, opens it"
)


MALFORMED = (
    "not a well-formed sealed value (coc-sealed:v1:<key id>:<ciphertext>): it was altered; "
    "restore it from git history"
)


def _misplaced(what: str, sealed: bool) -> str:
    if sealed:
        return (
            f"{what} is clear text in a sealed ledger, where only the readers of its record may "
            "read it: restore the sealed value (revert the edit) and make the change with `coc`, "
            "which seals what it writes (`coc seal` seals what an earlier version left clear); "
            f"once committed, {HISTORY}"
        )
    return (
        f"{what} is sealed, but policy.yaml does not say `sealed: true`, so `coc` neither opens "
        "it nor seals what it writes: restore `sealed: true` (a sealed ledger stays sealed), or "
        "the clear value from git history"
    )


# --- CL097, CL098: who can read each case --------------------------------------------------------


def check_sealed_for(ctx: Context) -> Iterator[Finding]:
    """SPEC §8 Who can read: no one is in a case's `sealed_for` whom the rule leaves out
    (conflicted, off the council, no key): its key may be wrapped to them. A case on record
    without `sealed_for` does not say who can read it."""
    for policy, people, file, case in _sealed_cases(ctx):
        if case.sealed_for is None:
            yield Finding(
                file,
                (),
                f"{case.id} has no sealed_for, so who can read it is not on record: "
                + REKEY.format(case=case.id),
            )
            continue
        readers = set(sealing.readers(policy, people, case))
        for n, member in enumerate(case.sealed_for):
            if member not in readers:
                yield Finding(
                    file,
                    ("sealed_for", n),
                    f"{case.id}: sealed_for[{n}] {_why_not(policy, people, case, member)}, yet "
                    "its key may be wrapped to them: " + REKEY.format(case=case.id),
                )


def _sealed_cases(ctx: Context) -> Iterator[tuple[Policy, Entries[Person], str, Case]]:
    """Each case on record of a sealed ledger, with the policy and people its readers come from."""
    found = _sealed_ledger(ctx)
    if found is None:
        return
    policy, people = found
    for file, case in ctx.live_cases():
        yield policy, people, file, case


def _why_not(policy: Policy, people: Entries[Person], case: Case, member: str) -> str:
    """Why the rule leaves someone out of a case's readers (naming only council members)."""
    if member not in policy.roster.members:
        return "names someone who is not on the council"
    if council.conflicted(case, member):  # who is a party is not said (CI logs: CL057)
        return "names someone conflicted in the case"
    return f"names {member}, who has no key on record"


def check_readers_missing(ctx: Context) -> Iterator[Finding]:
    """SPEC §8 Who can read: a reader the rule gives a case but its `sealed_for` lacks cannot
    read it yet; a council member (or the lead) with no key on record can read nothing sealed."""
    for policy, people, file, case in _sealed_cases(ctx):
        if case.sealed_for is None:
            continue  # CL097
        for member in sealing.readers(policy, people, case):
            if member not in case.sealed_for:
                yield Finding(
                    file,
                    ("sealed_for",),
                    f"{member} cannot read {case.id} yet (sealed_for does not name them): the "
                    f"next `coc` step on {case.id} by one of its readers wraps its key to them",
                )
    found = _sealed_ledger(ctx)
    if found is None or not ctx.wants(PEOPLE_FILE):
        return
    policy, people = found
    index = {person_id: n for n, person_id in reversed(list(enumerate(people.ids)))}
    for member in sealing.keyless_members(policy, people):
        if member in index:  # one not in people.yaml at all is CL010
            yield Finding(
                PEOPLE_FILE,
                ("people", index[member]),
                f"{member} is on the council but has no key on record, so cannot read any sealed "
                f"record: `coc key new`, then `coc key add {member} RECIPIENT`",
            )


# --- CL099: with --identity, what it may read opens ----------------------------------------------


def check_opening(ctx: Context) -> Iterator[Finding]:
    """SPEC §8 `validate --identity`: each sealed value the identity's owner may read (a case
    whose `sealed_for` names them, its sanctions' appeal grounds, and people.yaml's contact details
    when they read those) opens with it: its key is in refs/coc/keys, wrapped to them, and the
    text opens at its place. An identity that is no one's key on record opens nothing."""
    found, opener = _sealed_ledger(ctx), ctx.opener
    if found is None or opener is None:
        return
    policy, people = found
    recipients = set(opener.recipients)
    owners = [p.id for p in people.all() if p.key is not None and p.key in recipients]
    if not owners:
        yield Finding(
            PEOPLE_FILE,
            (),
            "the identity given (--identity) is no one's key on record, so it opens nothing: "
            "give a council member's identity, or record its recipient (`coc key add ID "
            "RECIPIENT`)",
        )
        return
    who = f"{owners[0]}'s identity"
    readable: set[str] = set()
    for file, case in ctx.live_cases():
        if case.sealed_for is None or not set(owners) & set(case.sealed_for):
            continue
        readable.add(case.id)
        for path, place, value in sealing.case_values(case):
            failed = _failure(opener, case.id, place, value)
            if failed:
                yield Finding(file, path, f"{case.id}: {dotted(path)} does not open with {who}: "
                              + failed)  # fmt: skip
    for path, sanction in ctx.live_entries():
        reason = sanction.appeal.reason if sanction.appeal is not None else None
        if sanction.case in readable and sanction.case is not None:
            failed = _failure(opener, sanction.case, sealing.appeal_place(sanction), reason)
            if failed:
                yield Finding(
                    SANCTIONS_FILE,
                    (*path, "appeal", "reason"),
                    f"{sanction.id}: appeal.reason does not open with {who}: {failed}",
                )
    if set(owners) & set(sealing.members_with_keys(policy, people)) and ctx.wants(PEOPLE_FILE):
        yield from _contacts_open(opener, people.all(), who)


def _contacts_open(opener: sealing.Opener, people: Sequence[Person], who: str) -> Iterator[Finding]:
    for index, person in enumerate(people):
        for key, place, value in sealing.person_values(person):
            failed = _failure(opener, sealing.contact_owner(person.id), place, value)
            if failed:
                path = ("people", index, *key)
                yield Finding(
                    PEOPLE_FILE, path, f"{dotted(path)} does not open with {who}: {failed}"
                )


def _failure(opener: sealing.Opener, owner: str, place: str, value: object) -> str | None:
    """Why a sealed value does not open (None: it opens, or it is not a well-formed sealed value,
    which CL002 and CL094 report)."""
    if not isinstance(value, str) or not sealing.is_sealed(value) or not sealing.well_formed(value):
        return None
    return opener.failure(owner, place, value)
