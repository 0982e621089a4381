"""SPEC §7 `coc sync`: an action another clone has not seen, replayed on a new base through the
gate, with its actor, its moment and its inputs (read back from the records its commit wrote).

Pure: a `Recorded` commit (the records it changed, on either side) comes in, and out comes the
step and the action to run (`actions.perform`), with the ids the new base gave renamed; once run,
`renamed` tells which ids changed and `decided_again` whether the council would have to decide
again (an offence number or a ladder step the new base makes different).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import date, datetime

from ..core import rules
from ..core.change import Change, Outcome
from ..core.ids import PEOPLE_FILE, SANCTIONS_FILE, case_path
from ..core.models import Case, Event, Person, Policy, Sanction
from ..core.recorded import Recorded
from ..core.snapshot import Snapshot
from ..errors import RefusedError
from . import appeals, cases, committee, expunge, notify, reports, sanctions, setup

Action = Callable[[Snapshot, Person, datetime], Outcome]
Ids = Mapping[str, str]
"""An id this clone gave (a case's or a sanction's) -> the one it has on the new base."""


class NotReplayable(RefusedError):
    """A commit sync does not rebuild: it stops, naming it (SPEC §7)."""


def _new(before: Mapping[str, object], after: Mapping[str, object]) -> list[str]:
    return [key for key in after if key not in before]


def _case(rec: Recorded) -> Case:
    if rec.case is None or rec.case not in rec.after.cases:
        raise NotReplayable(f"{rec.sha[:12]} names no case file it changed")
    return rec.after.cases[rec.case]


def _event(rec: Recorded) -> Event:
    """The event the commit added to its case's timeline."""
    after = _case(rec)
    before = rec.before.cases.get(after.id)
    added = Counter(after.timeline) - Counter(before.timeline if before else ())
    if len(added) != 1:
        raise NotReplayable(f"{rec.sha[:12]} did not add one event to {after.id}'s timeline")
    return next(iter(added))


def _sanction(rec: Recorded) -> Sanction:
    if rec.sanction is None or rec.sanction not in rec.after.sanctions:
        raise NotReplayable(f"{rec.sha[:12]} names no sanction it changed")
    return rec.after.sanctions[rec.sanction]


def _proposed(rec: Recorded) -> Sanction:
    """The sanction a `sanction propose` commit added."""
    new = _new(rec.before.sanctions, rec.after.sanctions)
    return rec.after.sanctions[_only(rec, new, "sanction")]


def _only(rec: Recorded, found: list[str], what: str) -> str:
    if len(found) != 1:
        raise NotReplayable(f"{rec.sha[:12]} did not add one {what}")
    return found[0]


def _report(rec: Recorded) -> reports.ReportInput:
    case = rec.after.cases[_only(rec, _new(rec.before.cases, rec.after.cases), "case")]
    assert case.respondent is not None and case.reporter is not None  # a case on record
    return reports.ReportInput(
        respondent=case.respondent,
        reporter=case.reporter,
        witnesses=case.witnesses,
        received_at=case.received_at,
        occurred_on=case.occurred_on,
        setting=case.setting,
        categories=case.categories,
        summary=case.summary,
        serious=case.serious,
        anonymous_reporter=case.anonymous_reporter,
        again=bool(case.timeline and case.timeline[0].again),
    )


def _handles(person: Person, before: Person | None = None) -> list[str]:
    """The `--handle CHANNEL:VALUE` flags that made `person` of `before`: only the channels the
    commit changed (another member may have changed another one meanwhile), `CHANNEL:` for
    one it removed."""
    old = before.handles if before else {}
    set_ = [f"{c}:{v}" for c, v in person.handles.items() if old.get(c) != v]
    return set_ + [f"{c}:" for c in old if c not in person.handles]


def _person(rec: Recorded) -> Person:
    changed = [p for p in rec.after.people.values() if rec.before.people.get(p.id) != p]
    return rec.after.people[_only(rec, [p.id for p in changed], "person")]


def _policy(rec: Recorded) -> tuple[Policy, Policy]:
    if rec.before.policy is None or rec.after.policy is None:
        raise NotReplayable(f"{rec.sha[:12]} did not change policy.yaml")
    return rec.before.policy, rec.after.policy


def _council_change(rec: Recorded, joined: bool) -> str:
    before, after = (set(p.roster.council) for p in _policy(rec))
    return _only(rec, sorted(after - before if joined else before - after), "council member")


def _meeting(rec: Recorded) -> tuple[date, bool]:
    before, after = _policy(rec)
    added = [m for m in after.meetings if m not in before.meetings]
    if len(added) != 1:
        raise NotReplayable(f"{rec.sha[:12]} did not add one meeting")
    return added[0].date, added[0].kind == "extraordinary"


def step_of(rec: Recorded) -> str:
    """The gate's step a commit's `Coc-Action` stands for (`transitions.STEPS`): one trailer
    names both ways an apology is recorded, and both ways an appeal is decided."""
    if rec.action == "apology record":
        delivered = _sanction(rec).apology == "delivered"
        return "apology delivered" if delivered else "apology refused"
    if rec.action == "appeal decide":
        appeal = _sanction(rec).appeal
        return "appeal overturn" if appeal and appeal.outcome == "overturned" else "appeal decide"
    return rec.action


def action_of(rec: Recorded, ids: Ids) -> Action:
    """The action `rec` recorded, with its inputs, and the ids it names as the new base has them.

    Raises NotReplayable for what `coc` never replays (`coc init`, or a commit whose records are
    not what its action writes)."""
    case_id = ids.get(rec.case, rec.case) if rec.case else ""
    sanction_id = ids.get(rec.sanction, rec.sanction) if rec.sanction else ""
    name = rec.action
    if name == "report new":
        report = _report(rec)
        return lambda s, a, w: reports.report_new(s, a, w, report)
    if name == "report notify-council":
        return lambda s, a, w: reports.notify_council(s, a, w, case_id)
    if name == "report share":
        before = rec.before.cases.get(rec.case or "")
        written = _case(rec).shared_summary
        summary = written if before is None or before.shared_summary != written else None
        return lambda s, a, w: reports.share(s, a, w, case_id, summary)
    if name == "report respond":
        response = _case(rec).response
        return lambda s, a, w: reports.respond(s, a, w, case_id, response)
    if name == "report review":
        meeting = _event(rec).meeting
        if meeting is None:
            raise NotReplayable(f"{rec.sha[:12]} names no meeting")
        return lambda s, a, w: reports.review(s, a, w, case_id, meeting)
    if name == "committee form":
        members = _event(rec).members or ()
        return lambda s, a, w: committee.form(s, a, w, case_id, members)
    if name == "committee recuse":
        event = _event(rec)
        member = (event.members or ("",))[0]
        return lambda s, a, w: committee.recuse(s, a, w, case_id, member, event.note)
    if name == "case close":
        note = _event(rec).note
        return lambda s, a, w: cases.close(s, a, w, case_id, note)
    if name == "notify":
        event = _event(rec)
        about = ids.get(event.sanction, event.sanction) if event.sanction else None
        party, again = event.party or "", bool(event.again)
        return lambda s, a, w: notify.notify(s, a, w, case_id, party, about, again)
    return _sanction_action(rec, name, case_id, sanction_id)


def _sanction_action(rec: Recorded, name: str, case_id: str, sanction_id: str) -> Action:
    if name == "sanction propose":
        new = _proposed(rec)
        kind = new.kind if new.deviation_reason else None
        length = new.duration if new.deviation_reason else None
        reason, conduct = new.deviation_reason, new.conduct
        return lambda s, a, w: sanctions.propose(s, a, w, case_id, kind, length, reason, conduct)
    if name == "sanction vote":
        sanction = _sanction(rec)
        before = rec.before.sanctions.get(sanction.id)
        added = Counter(sanction.votes) - Counter(before.votes if before else ())
        vote = _only(rec, [v.member for v in added], "vote")
        ballot = next(v for v in added if v.member == vote)
        yes, on_behalf = ballot.vote == "yes", ballot.recorded_by is not None
        return lambda s, a, w: sanctions.vote(s, a, w, sanction_id, vote, yes, on_behalf)
    if name == "sanction enact":
        starts = _sanction(rec).starts_on
        return lambda s, a, w: sanctions.enact(s, a, w, sanction_id, starts)
    if name == "sanction reject":
        return lambda s, a, w: sanctions.reject(s, a, w, sanction_id)
    if name == "apology record":
        delivered = _sanction(rec).apology == "delivered"
        escalated = [
            rec.after.sanctions[i] for i in _new(rec.before.sanctions, rec.after.sanctions)
        ]
        conduct = escalated[0].conduct if escalated else None
        return lambda s, a, w: sanctions.apology_record(s, a, w, sanction_id, delivered, conduct)
    if name == "appeal file":
        appeal = _sanction(rec).appeal
        reason = appeal.reason if appeal and appeal.reason else ""
        return lambda s, a, w: appeals.file(s, a, w, sanction_id, reason)
    if name == "appeal decide":
        sanction = _sanction(rec)
        decided = sanction.appeal
        if decided is None or decided.outcome is None:
            raise NotReplayable(f"{rec.sha[:12]} decided no appeal")
        outcome, members = decided.outcome, decided.decided_by
        reduced = sanction.duration if outcome == "reduced" else None
        return lambda s, a, w: appeals.decide(s, a, w, sanction_id, outcome, reduced, members)
    if name == "expunge":
        return expunge.expunge
    return _setup_action(rec, name)


def _setup_action(rec: Recorded, name: str) -> Action:
    if name == "person add":
        p = _person(rec)
        return lambda s, a, w: setup.person_add(s, a, w, p.name, p.id, p.email, _handles(p))
    if name == "person edit":
        p = _person(rec)
        old = rec.before.people.get(p.id)
        named = p.name if old is None or old.name != p.name else None
        mail = p.email if old is None or old.email != p.email else None
        handles = _handles(p, old) if old is None or old.handles != p.handles else []
        return lambda s, a, w: setup.person_edit(s, a, w, p.id, named, mail, handles)
    if name in ("council add", "council remove"):
        joined = name == "council add"
        person = _council_change(rec, joined)
        act = setup.council_add if joined else setup.council_remove
        return lambda s, a, w: act(s, a, w, person)
    if name == "meeting add":
        day, extraordinary = _meeting(rec)
        return lambda s, a, w: setup.meeting_add(s, a, w, day, extraordinary)
    if name == "key add":
        keyed = [p for p in rec.after.people.values() if p.key and (
            rec.before.people.get(p.id) is None or rec.before.people[p.id].key != p.key)]  # fmt: skip
        member = rec.after.people[_only(rec, [p.id for p in keyed], "person")]
        return lambda s, a, w: setup.key_add(s, a, w, member.id, str(member.key))
    if name == "seal":
        return setup.seal
    raise NotReplayable(
        f"{rec.sha[:12]} ({rec.subject}) is a `coc {name}` commit, which sync does not rebuild"
    )


def renamed(rec: Recorded, change: Change, base: Snapshot) -> dict[str, str]:
    """The ids the replay gave where this clone's commit had others: old -> new."""
    old_cases = _new(rec.before.cases, rec.after.cases)
    old_sanctions = _new(rec.before.sanctions, rec.after.sanctions)
    new_cases, new_sanctions = base.given(change)
    pairs = list(zip(old_cases, new_cases, strict=False))
    pairs += list(zip(old_sanctions, new_sanctions, strict=False))
    return {old: new for old, new in pairs if old != new}


def proposal_changes(rec: Recorded, snap: Snapshot, ids: Ids) -> str | None:
    """For a proposal: why the new base would make it another decision (the respondent's offence
    number, or the ladder's step for it, is not the one the council proposed), or None."""
    if rec.action != "sanction propose" or not rec.case:
        return None
    was = _proposed(rec)
    case = snap.case_files.get(ids.get(rec.case, rec.case))
    if case is None or case.respondent is None:
        return None
    day = rules.local_date(rec.at, snap.policy)
    record = rules.record(snap.policy, snap.sanctions_of(case.respondent), case.respondent, day)
    if record.offence != was.offence:
        return (
            f"its offence would be {record.offence}, where the council proposed one for offence "
            f"{was.offence}"
        )
    if not was.deviation_reason and (record.rung.kind, record.rung.duration) != (
        was.kind,
        was.duration,
    ):
        return f"the ladder's step for offence {was.offence} is no longer {was.kind}"
    return None


DECIDED = ("offence", "kind", "duration")
"""What a council decides of a sanction: a replay that changes one stops (SPEC §7)."""


def decided_again(rec: Recorded, change: Change, ids: Ids) -> str | None:
    """Why the council would have to decide again (an offence number or a ladder step the new base
    makes different), or None."""
    theirs = {ids.get(s.id, s.id): s for s in rec.after.sanctions.values()}
    for mine in change.sanctions:
        was = theirs.get(mine.id)
        if was is None or was.status == "expunged" or mine.status == "expunged":
            continue
        for key in DECIDED:
            old, new = getattr(was, key), getattr(mine, key)
            if old != new:
                return (
                    f"{mine.id}'s {key} would be {new or 'none'}, where the council decided "
                    f"{old or 'none'}"
                )
    return None


DATES = ("starts_on", "ends_on", "expunges_on", "apology_due")
"""A sanction's dates the rules work out (`rules`), which a new base may move."""


def dates_changed(rec: Recorded, change: Change, ids: Ids) -> list[str]:
    """The dates the replay worked out other than this clone's commit had them (SPEC §7: every
    number that changed is said): a case's deadlines, a sanction's dates."""
    said = []
    old_of = {new: old for old, new in ids.items()}
    for case in change.cases:
        was = rec.after.cases.get(old_of.get(case.id, case.id))
        if was is not None and was.deadlines != case.deadlines and case.status != "expunged":
            for key, value in case.deadlines.model_dump().items():
                before = getattr(was.deadlines, key)
                if before != value:
                    said.append(f"{case.id} deadlines.{key} {value} (was {before})")
    for sanction in change.sanctions:
        was_s = rec.after.sanctions.get(old_of.get(sanction.id, sanction.id))
        if was_s is None or sanction.status == "expunged":
            continue
        for key in DATES:
            before, now = getattr(was_s, key), getattr(sanction, key)
            if before != now:
                said.append(f"{sanction.id} {key} {now} (was {before})")
    return said


def as_recorded(rec: Recorded, change: Change | None) -> str | None:
    """What the commit holds that its action, run again on the commit's own parent, does not
    write (a hand edit folded into a `coc` commit, which sync never replays blindly); None when
    the commit is exactly what `coc` wrote."""
    from .perform import written

    if change is None:
        return "its action changes nothing there"
    files = written(change)
    resealed = _resealed(rec)
    paths = set(rec.paths)
    if files - paths or paths - files - resealed:
        extra = sorted(paths - files - resealed) or sorted(files - paths)
        return f"it changes {extra[0]}, which `coc {rec.action}` does not write"
    pairs: list[tuple[object, object, str]] = [
        (rec.after.cases.get(c.id), c, c.id) for c in change.cases
    ]
    pairs += [(rec.after.sanctions.get(s.id), s, s.id) for s in change.sanctions]
    pairs += [(rec.after.people.get(p.id), p, p.id) for p in change.people]
    if change.policy is not None:
        pairs.append((rec.after.policy, change.policy, "policy.yaml"))
    changed = {
        i for i, s in rec.after.sanctions.items() if _dump(rec.before.sanctions.get(i)) != _dump(s)
    }
    changed |= {
        i for i, p in rec.after.people.items() if _dump(rec.before.people.get(i)) != _dump(p)
    }
    written_ids = {s.id for s in change.sanctions} | {p.id for p in change.people}
    if changed - written_ids:
        return f"it changes {sorted(changed - written_ids)[0]}, which `coc {rec.action}` does not"
    for held, made, name in pairs:
        if _dump(held) != _dump(made):
            return f"{name} is not what `coc {rec.action}` writes (edited by hand?)"
    return None


def _resealed(rec: Recorded) -> set[str]:
    """SPEC §8: the case files a commit of a sealed ledger rewrote only to seal them for other
    readers (its records opened: `store.seals`), which the store, not the action, writes."""
    found = {
        case_path(i)
        for i, case in rec.after.cases.items()
        if i in rec.before.cases and _dump(rec.before.cases[i]) == _dump(case)
        and case.sealed_for != rec.before.cases[i].sealed_for
    }  # fmt: skip
    for path, before, after in (
        (PEOPLE_FILE, rec.before.people, rec.after.people),
        (SANCTIONS_FILE, rec.before.sanctions, rec.after.sanctions),
    ):
        same = before.keys() == after.keys() and all(
            _dump(before[i]) == _dump(after[i]) for i in after
        )
        if path in rec.paths and after and same:
            found.add(path)  # entries sealed again (a data key re-keyed), none changed
    return found


def _dump(record: object) -> object:
    """A record as compared: who it is sealed for is the store's to write (SPEC §8)."""
    dump = getattr(record, "model_dump", None)
    return dump(mode="json", exclude={"sealed_for"}) if dump is not None else record
