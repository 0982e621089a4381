"""SPEC §8 Sealed records at the store's edge: what an action or a query reads is opened with the
user's identity where it may be, and what an action writes is sealed again, its case's data key
wrapped to the case's readers (`sealing.readers`) and kept in `refs/coc/keys` (`keyring`).

Nothing above `store/` sees a key. A value no key here opens stays sealed in the models (a query
shows `[sealed]`); an action that would have to seal new text, or re-key, without the key is
refused (exit 1) naming the identity.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..core import sealing
from ..core.change import Change
from ..core.models import Case, Person, Policy, Sanction, evolve
from ..core.recorded import Recorded, Records
from ..core.snapshot import EVERY_CASE, Entries, Snapshot
from ..errors import RefusedError
from . import crypto
from .keyring import Keyring, key_path, owner_dir

M = TypeVar("M", Case, Person)
KeyPath = tuple[str | int, ...]
Value = tuple[KeyPath, str, Any]
"""A sealable value: its key path, the place its ciphertext is bound to, the value."""
Found = tuple[KeyPath, Any]
DEFAULT_IDENTITY = "~/.config/coc/identity.txt"


def identity_path(given: str | None = None) -> Path:
    """SPEC §8 Keys: --identity, else COC_IDENTITY, else ~/.config/coc/identity.txt."""
    return Path(os.path.expanduser(given or os.environ.get("COC_IDENTITY") or DEFAULT_IDENTITY))


class Seals:
    """The data keys of one ledger as this user may use them: unwrapped with their identity (if
    they have one), made and wrapped for what an action writes."""

    def __init__(self, root: Path, identity: Path | None = None) -> None:
        self.root = root
        self.path = identity if identity is not None else identity_path()
        self.keyring = Keyring(root)
        self._identity: crypto.Identity | bool | None = False
        self._keys: dict[tuple[str, str], bytes | None] = {}
        self._new: dict[str, tuple[bytes, tuple[str, ...]]] = {}
        """Keys made or re-wrapped by the change being sealed: owner -> (key, readers)."""
        self._rekeyed: set[str] = set()
        self._readers: dict[str, tuple[str, ...]] = {}
        self._appeals: dict[str, list[Any]] = {}
        self._contact_readers: tuple[str, ...] = ()
        self._contact_rekey = self._contact_changed = False

    # --- opening -----------------------------------------------------------------------------

    def identity(self) -> crypto.Identity | None:
        if self._identity is False:
            self._identity = crypto.load_identity(self.path) if self.path.exists() else None
        return self._identity if isinstance(self._identity, crypto.Identity) else None

    def key(self, owner: str, key_id: str) -> bytes | None:
        """The data key `key_id` of a case (or people.yaml), None when this identity cannot
        unwrap it (not a reader, no identity, or the key is gone)."""
        if (owner, key_id) not in self._keys:
            found = None
            identity = self.identity()
            blob = self.keyring.blob(key_path(owner, key_id)) if identity else None
            if blob is not None and identity is not None:
                found = crypto.unwrap(blob, identity.identities)
            self._keys[(owner, key_id)] = found
        return self._keys[(owner, key_id)]

    def opened(self, owner: str, place: str, value: Any) -> Any:
        """A value as this user may read it: opened if sealed with a key they hold."""
        if not sealing.is_sealed(value) or not sealing.well_formed(value):
            return value
        key = self.key(owner, sealing.key_id(value))
        text = crypto.open_(key, place, value) if key else None
        return value if text is None else text

    def open_case(self, case: Case) -> Case:
        changes: dict[str, Any] = {}
        for path, place, value in sealing.case_values(case):
            if sealing.is_sealed(value):
                opened = self.opened(case.id, place, value)
                if opened is not value:
                    changes[str(path)] = (path, opened)
        if not changes:
            return case
        return _replaced(case, [v for v in changes.values()])

    def open_person(self, person: Person) -> Person:
        if not any(sealing.is_sealed(v) for _, _, v in sealing.person_values(person)):
            return person
        owner = sealing.contact_owner(person.id)
        found = [
            (path, self.opened(owner, place, value))
            for path, place, value in sealing.person_values(person)
        ]
        return _replaced(person, found)

    def open_sanction(self, sanction: Sanction) -> Sanction:
        appeal = sanction.appeal
        if appeal is None or not sealing.is_sealed(appeal.reason) or sanction.case is None:
            return sanction
        reason = self.opened(sanction.case, sealing.appeal_place(sanction), appeal.reason)
        return evolve(sanction, appeal=evolve(appeal, reason=reason))

    def open_recorded(self, rec: Recorded) -> Recorded:
        """A commit `coc sync` replays, its records opened on both sides: what the action was
        given, as its actor typed it (sealed again, with the upstream's keys, when replayed)."""
        return dataclasses.replace(
            rec, before=self._open_records(rec.before), after=self._open_records(rec.after)
        )

    def _open_records(self, records: Records) -> Records:
        return Records(
            {i: self.open_case(c) for i, c in records.cases.items()},
            {i: self.open_sanction(s) for i, s in records.sanctions.items()},
            {i: self.open_person(p) for i, p in records.people.items()},
            records.policy,
        )

    # --- sealing what an action writes ---------------------------------------------------------

    def sealed(self, change: Change, before: Snapshot, after: Snapshot) -> Change:
        """The change with every sealable field sealed and each case's `sealed_for` set, its key
        made (a new case, or a reader gone: re-keyed) or re-wrapped (a reader added) as needed.
        A change of who may read (the roster, a member's key) re-seals every case it concerns.
        `before`: the ledger as stored (sealed); `after`: once the change is made."""
        self._new, self._readers = {}, {}
        self._rekeyed = sealing.keys_replaced(before, after)
        old_readers = sealing.members_with_keys(before.policy, before.people)
        new_readers = sealing.members_with_keys(after.policy, after.people)
        moved = before.policy.roster != after.policy.roster  # a member joined or left
        stored = before.case_files
        cases = list(change.cases)
        if moved or self._rekeyed or old_readers != new_readers:  # who may read a case changes
            written = {c.id for c in cases}
            scanned = (
                self.open_case(c) if sealing.is_sealed(c.reporter) else c  # who is conflicted
                for c in stored.scan(EVERY_CASE) if c.id not in written and sealing.sealable(c)
            )  # fmt: skip
            cases += [
                c for c in scanned
                if c.sealed_for != sealing.readers(after.policy, after.people, c)
                or self._rekeyed & set(c.sealed_for or ())
            ]  # fmt: skip
        self._appeals = {  # the sealed grounds of each case's appeals: sealed with its key
            c.id: [
                s.appeal.reason
                for s in after.sanctions.where("case", c.id)
                if s.appeal is not None and sealing.is_sealed(s.appeal.reason)
            ]
            for c in cases
        }  # fmt: skip (by the register's lookup: reading 2,000 sanctions costs 30-40 ms)
        sealed_cases = tuple(
            self._seal_case(c, after.policy, after.people, stored.get(c.id)) for c in cases
        )
        by_id = {c.id: c for c in sealed_cases}
        rekeyed = set(self._new)
        changed = {s.id for s in change.sanctions}
        extra = [
            s for case_id in sorted(rekeyed) for s in before.sanctions.where("case", case_id)
            if s.id not in changed and s.appeal is not None and s.appeal.reason
        ]  # fmt: skip
        for s in (*change.sanctions, *extra):
            if s.case and s.case not in by_id and s.appeal is not None and s.appeal.reason:
                found = stored.get(s.case)
                if found is not None:
                    by_id[s.case] = found
        sanctions = tuple(self._seal_sanction(s, by_id) for s in (*change.sanctions, *extra))
        people = list(change.people)
        named = {p.id for p in people}
        self._contact_readers = new_readers
        self._contact_changed = old_readers != new_readers
        self._contact_rekey = bool(
            set(old_readers) - set(new_readers) or self._rekeyed & set(old_readers)
        )
        again = old_readers != new_readers or self._contact_rekey  # every sealed contact
        if again or moved:
            concerned: Sequence[Person] = after.people.all()
        else:  # whose ban was enacted, overturned or expunged: their name is published or not
            ids = {s.person for s in change.sanctions} | {
                before.sanctions[s.id].person for s in change.sanctions if s.id in before.sanctions
            }
            concerned = [after.people[i] for i in sorted(i for i in ids if i) if i in after.people]
        people += [
            p for p in concerned
            if p.id not in named and sealing.written_again(p, before, after, again)
        ]  # fmt: skip
        held = before.people
        sealed_people = tuple(
            self._seal_person(after, p, held[p.id] if p.id in held else None)  # noqa: SIM401
            for p in people
        )  # (Entries has no get)
        return dataclasses.replace(
            change, cases=sealed_cases, sanctions=sanctions, people=sealed_people
        )

    def _current(self, owner: str, values: Sequence[Any]) -> str | None:
        """The id of the key a record is sealed with: the one this change made, else the one
        its sealed values name (None: none, or more than one, as a merge may leave)."""
        if owner in self._new:
            return crypto.kid(self._new[owner][0])
        ids = {sealing.key_id(v) for v in values if sealing.is_sealed(v)}
        return ids.pop() if len(ids) == 1 else None

    def _seal_case(self, case: Case, policy: Policy, people: Entries[Person],
                   stored: Case | None) -> Case:  # fmt: skip
        """A case's sealable fields sealed with its key: the key its stored values name, made
        anew for a case with none yet or a reader gone (SPEC §8: re-keyed), re-wrapped when the
        readers change. A case with nothing to seal needs no key: only `sealed_for` is set."""
        if not sealing.sealable(case):
            return case
        readers = sealing.readers(policy, people, case)
        self._readers[case.id] = readers
        values = [v for _, _, v in sealing.case_values(case) if v is not None]
        kept = [v for _, _, v in sealing.case_values(stored)] if stored is not None else []
        kept += self._appeals.get(case.id, [])
        current = self._current(case.id, kept)
        old_for = stored.sealed_for if stored is not None else None
        gone = set(old_for or ()) - set(readers) or self._rekeyed & set(old_for or ())
        if not values and not self._appeals.get(case.id):
            return case if case.sealed_for == readers else evolve(case, sealed_for=readers)
        if current is None or old_for is None or gone:
            key = crypto.new_key()  # SPEC §8: a reader gone, the case is re-keyed
            self._new[case.id] = (key, readers)
        else:
            pending = [v for v in values if not (sealing.is_sealed(v) and
                                                 sealing.key_id(v) == current)]  # fmt: skip
            if not pending and tuple(old_for) == readers:
                return case if case.sealed_for == readers else evolve(case, sealed_for=readers)
            key = self._need(case.id, current)
            if tuple(old_for) != readers:
                self._new[case.id] = (key, readers)
        found = self._sealed_with(case.id, key, sealing.case_values(case))
        self._keys[(case.id, crypto.kid(key))] = key
        sealed = _replaced(case, found)
        return sealed if sealed.sealed_for == readers else evolve(sealed, sealed_for=readers)

    def _seal_sanction(self, sanction: Sanction, cases: dict[str, Case]) -> Sanction:
        """An appeal's grounds, sealed with its case's key (the one the case's values name, or
        one made for it now)."""
        appeal = sanction.appeal
        if appeal is None or not appeal.reason or sanction.case is None:
            return sanction
        case = cases.get(sanction.case)
        values = [v for _, _, v in sealing.case_values(case)] if case is not None else []
        current = self._current(sanction.case, values)
        if sealing.is_sealed(appeal.reason) and sealing.key_id(appeal.reason) == current:
            return sanction
        if current is None:
            if case is None or sanction.case not in self._readers:
                raise self._refused(sanction.case)
            key = crypto.new_key()
            self._new[sanction.case] = (key, self._readers[sanction.case])
        else:
            key = self._need(sanction.case, current)
        place = sealing.appeal_place(sanction)
        text = appeal.reason
        if sealing.is_sealed(text):
            text = self._plain(sanction.case, place, text)
        return evolve(sanction, appeal=evolve(appeal, reason=crypto.seal(key, place, text)))

    def _seal_person(self, after: Snapshot, person: Person, stored: Person | None) -> Person:
        """A person's name and contact details: clear for the council's own (and a banned
        person's name), else sealed with the person's own key, made, re-wrapped or re-keyed as
        the council's keys require (`sealing.sealed_person_fields`); `stored`: as people.yaml
        holds it, whose key is kept (a person opened and written again is not re-keyed)."""
        owner = sealing.contact_owner(person.id)
        fields = sealing.person_fields(after, person.id)
        values = [(p, place, v) for p, place, v in sealing.person_values(person) if v]
        found = [(p, self._plain(owner, place, v)) for p, place, v in values
                 if str(p[0]) not in fields and sealing.is_sealed(v)]  # fmt: skip
        values = [(p, place, v) for p, place, v in values if str(p[0]) in fields]
        if not values:
            return _replaced(person, found)
        kept = [v for _, _, v in sealing.person_values(stored)] if stored is not None else []
        current = self._current(owner, [v for _, _, v in values] + kept)
        if current is None or self._contact_rekey:
            key = crypto.new_key()
            self._new[owner] = (key, self._contact_readers)
        else:
            clear = [v for _, _, v in values if not sealing.is_sealed(v)]
            others = [v for _, _, v in values if sealing.is_sealed(v) and
                      sealing.key_id(v) != current]  # fmt: skip
            if not clear and not others and not self._contact_changed:
                return _replaced(person, found)  # as sealed, for the same readers: no key needed
            key = self._need(owner, current)
            if self._contact_changed:
                self._new[owner] = (key, self._contact_readers)  # re-wrapped to the council
        return _replaced(person, found + self._sealed_with(owner, key, values))

    def _sealed_with(self, owner: str, key: bytes, values: Iterable[Value]) -> list[Found]:
        """Each value (key path, place, value) not yet sealed with `key`, sealed with it: a clear
        one as it is, a sealed one opened first (re-keyed)."""
        found = []
        for path, place, value in values:
            if value is None or (sealing.is_sealed(value) and
                                 sealing.key_id(value) == crypto.kid(key)):  # fmt: skip
                continue
            text = self._plain(owner, place, value) if sealing.is_sealed(value) else value
            found.append((path, crypto.seal(key, place, text)))
        return found

    def _need(self, owner: str, key_id: str) -> bytes:
        key = self.key(owner, key_id)
        if key is None:
            raise self._refused(owner)
        return key

    def _plain(self, owner: str, place: str, value: str) -> str:
        opened = self.opened(owner, place, value)
        if sealing.is_sealed(opened):
            raise self._refused(owner)
        return str(opened)

    def _refused(self, owner: str) -> RefusedError:
        what = _what(owner)
        return refused(what, self.path, self.identity() is not None)

    def puts(self, people: Entries[Person]) -> dict[str, bytes]:
        """The key files to write for the change just sealed. A key a case was re-keyed from
        stays until the step is shared (the commits `coc sync` replays were sealed with it);
        `coc expunge` drops its records' keys at once, `after_sync` what the branch no longer
        uses."""
        puts: dict[str, bytes] = {}
        for owner, (key, readers) in self._new.items():
            recipients = [str(people[m].key) for m in readers if m in people and people[m].key]
            if not recipients:
                raise RefusedError(
                    f"no one could read {_what(owner)} once sealed: no council member who may read it "
                    "has a key on record (`coc key add ID RECIPIENT`)"
                )
            path = key_path(owner, crypto.kid(key))
            puts[path] = crypto.wrap(key, recipients)
        return puts


def refused(what: str, identity: Path, exists: bool) -> RefusedError:
    """SPEC §8 Without a key: refused (exit 1) naming the identity."""
    why = "is not one of its readers" if exists else "does not exist"
    verb = "are" if what.startswith("the contact details") else "is"
    return RefusedError(
        f"{what} {verb} sealed and your identity {identity} {why}, so its text cannot be read or "
        "sealed again here: a council member who may read it (its `sealed_for`) must do this, "
        "or point COC_IDENTITY at your identity"
    )


def expunged_keys(change: Change) -> list[str]:
    """The key folders of the cases a change makes tombstones of and of the people it removes
    (SPEC §8: `coc expunge` deletes the data keys of what left the record)."""
    cases = [owner_dir(c.id) for c in change.cases if not sealing.sealable(c)]
    return cases + [owner_dir(sealing.contact_owner(p)) for p in sorted(change.people_removed)]


def _what(owner: str) -> str:
    """A record's name in a message: a case id, or whose contact details in people.yaml."""
    if sealing.is_contact_owner(owner):
        return f"the contact details of {owner[len(sealing.PERSON) :]} in people.yaml"
    return owner


def _replaced(model: M, found: Sequence[Found]) -> M:
    """A model with the values at these key paths replaced (a field, a handle, an event's note)."""
    if not found:
        return model
    fields: dict[str, Any] = {}
    timeline = list(getattr(model, "timeline", ()))
    handles = dict(getattr(model, "handles", {}) or {})
    for path, value in found:
        if path[0] == "timeline":
            n = int(path[1])
            timeline[n] = evolve(timeline[n], note=value)
            fields["timeline"] = tuple(timeline)
        elif path[0] == "handles":
            handles[str(path[1])] = value
            fields["handles"] = handles
        else:
            fields[str(path[0])] = value
    return evolve(model, **fields)
