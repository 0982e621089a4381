"""Deterministic synthetic ledgers for the benchmarks: valid under `coc validate`, any size.

    python bench/generate.py OUT --cases 10000 --sanctions 2000 --commits 20000

Content is built with cocledger's own models and rules (so stored computed fields are right) and
written into git with one `git fast-import` stream: thousands of commits in seconds. The ledger is
kept as a council would keep it on AS_OF: responses before reviews, offender and offended told of
every sanction, reinstatement notices sent, and `coc expunge` run, so `coc validate --at AS_OF`
finds no problem.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cocledger.core import council, reinstatement, rules
from cocledger.core.defaults import policy_text
from cocledger.core.ids import case_path
from cocledger.core.models import Case, Event, Person, Policy, Sanction, Vote
from cocledger.store import yamlio, yamlwrite

COUNCIL = ["alice", "bob", "carol", "dan", "erin"]
START = date(2021, 1, 4)
END = date(2026, 9, 30)
AS_OF = date(2026, 10, 1)  # the ledger is up to date on this day (bench/run.py validates --at it)
_AS_OF = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC)
WORDS = [
    "spoke",
    "over",
    "others",
    "in",
    "a",
    "meeting",
    "and",
    "posted",
    "remarks",
    "in",
    "the",
    "forum",
    "thread",
    "about",
    "the",
    "release",
]


def _policy(first: date, last: date) -> tuple[str, Policy]:
    text = policy_text("Synthetic", "alice", "council@example.org")
    data = yamlio.load_fast(text, "policy.yaml")
    data["roster"]["council"] = COUNCIL
    data["meetings"] = []
    day = first
    while day <= last + timedelta(days=60):
        data["meetings"].append({"date": day.isoformat(), "kind": "ordinary"})
        day += timedelta(days=14)
    policy = Policy.model_validate(data)
    return yamlwrite.dump(data), policy


def _people(count: int) -> list[Person]:
    council = [Person(id=p, name=f"{p.title()} Council", email=f"{p}@example.org") for p in COUNCIL]
    members = [
        Person(id=f"m{i:05d}", name=f"Member {i:05d}", handles={"forum": f"@m{i:05d}"})
        for i in range(count)
    ]
    return council + members


def _case(
    rng: random.Random, policy: Policy, number: int, received: datetime, people: list[str]
) -> Case:
    respondent, reporter, *witnesses = rng.sample(people, 2 + rng.randint(0, 2))
    received_by = "alice"
    events = [Event(at=received, action="received", by=received_by)]
    events.append(
        Event(at=received + timedelta(hours=3), action="council_notified", by=received_by)
    )
    events.append(
        Event(
            at=received + timedelta(hours=5),
            action="committee_formed",
            by="bob",
            members=["bob", "carol", "dan"],
        )
    )
    shared = received + timedelta(days=1)
    events.append(Event(at=shared, action="shared", by=received_by))
    responded = shared + timedelta(days=rng.randint(1, 6)) if rng.random() < 0.6 else None
    if responded is not None and responded < _AS_OF:
        events.append(Event(at=responded, action="response_received", by=received_by))
    case = Case(
        id=f"COC-{received.year}-{number:04d}",
        received_at=received,
        received_by=received_by,
        reporter=reporter,
        respondent=respondent,
        witnesses=witnesses,
        setting=rng.choice(["public", "private"]),
        categories=[rng.choice(policy.categories)],
        summary=" ".join(rng.choice(WORDS) for _ in range(24))
        + "\n"
        + " ".join(rng.choice(WORDS) for _ in range(18)),
        committee=["bob", "carol", "dan"],
        deadlines={"council_notice": received},
        timeline=events,
    )
    case = case.model_copy(update={"deadlines": rules.case_deadlines(case, policy)})
    meeting = rules.review_meeting(policy, case.deadlines.review_from)
    assert meeting is not None
    at = datetime.combine(meeting.date, datetime.min.time(), tzinfo=UTC) + timedelta(hours=18)
    at = max(at, case.timeline[-1].at + timedelta(hours=1))  # a response that came in that day
    if responded is None:  # the review waits for the reported person's 7 days to run out
        at = max(at, shared + timedelta(days=7, minutes=30))
    if at >= _AS_OF:  # its meeting is still to come: the case is open
        return case
    reviewed = Event(at=at, action="reviewed", by="alice", meeting=meeting.date)
    return case.model_copy(
        update={"review_meeting": meeting.date, "timeline": (*case.timeline, reviewed)}
    )


def _closed(case: Case) -> Case:
    """The council closes a reviewed case once it has decided (after its sanction's notices)."""
    last = case.timeline[-1].at
    closed = Event(at=last + timedelta(minutes=5), action="closed", by="alice")
    return case.model_copy(update={"status": "closed", "timeline": (*case.timeline, closed)})


def _sanction(
    policy: Policy, sanctions: list[Sanction], case: Case, number: int
) -> tuple[Sanction, Case]:
    review = case.timeline[-1]
    day = review.meeting
    assert day is not None and case.respondent
    record = rules.record(policy, sanctions, case.respondent, day)
    rung = record.rung
    fields: dict[str, object] = dict(
        id=f"S-{day.year}-{number:04d}",
        case=case.id,
        person=case.respondent,
        kind=rung.kind,
        duration=rung.duration,
        offence=record.offence,
        status="enacted",
        status_on=day,
        decided_on=day,
        proposed_by="alice",
        enacted_by="alice",
        enacted_on=day,
        starts_on=day,
        conduct="Repeated disruption of community channels" if rung.kind != "warning" else None,
    )
    fields["ends_on"], fields["expunges_on"] = rules.sanction_dates(
        policy, rung.kind, rung.duration, day
    )
    if rung.kind == "warning" and rung.apology:
        fields["apology_due"] = rules.apology_due(day, policy)
        fields["apology"], fields["apology_recorded_on"] = "delivered", day
    voted = review.at + timedelta(minutes=15)
    voters = council.eligible_council(policy, case) if rung.vote else []
    fields["votes"] = [Vote(member=m, vote="yes", at=voted) for m in voters]
    sanction = Sanction.model_validate(fields)
    extra = [
        Event(
            at=review.at + timedelta(minutes=10),
            action="sanction_proposed",
            by="alice",
            sanction=sanction.id,
        ),
        *(Event(at=voted, action="vote_recorded", by=m, sanction=sanction.id) for m in voters),
        Event(
            at=review.at + timedelta(minutes=20),
            action="sanction_enacted",
            by="alice",
            sanction=sanction.id,
        ),
    ]
    told = review.at + timedelta(minutes=30)
    extra += [  # the notices `coc notify` records: its template is the event's note
        Event(
            at=told,
            action="notified",
            by="alice",
            sanction=sanction.id,
            party=party,
            note=f"decision_{party}",
        )
        for party in ("offender", "offended")
    ]
    if sanction.apology:
        extra.insert(
            2 + len(voters),  # after the enactment
            Event(
                at=review.at + timedelta(minutes=25),
                action="apology_recorded",
                by="alice",
                sanction=sanction.id,
                note=sanction.apology,
            ),
        )
    return sanction, case.model_copy(update={"timeline": (*case.timeline, *extra)})


def _reinstated(built: list[Case], register: list[Sanction]) -> None:
    """The reinstatement notices sent by AS_OF (`coc notify --party offender --sanction BAN`), as
    the gate allows them: about the last ban of a chain, on the first day no ban of the person is
    in force (SPEC §3 Reinstatement). Each goes before its case's `closed` event."""
    theirs = rules.by_person(register)
    where = {case.id: n for n, case in enumerate(built)}
    for ban in register:
        if ban.person is None or ban.case is None:
            continue
        on = reinstatement.due_on(theirs[ban.person], ban)
        if on is None or on >= AS_OF:
            continue
        case = built[where[ban.case]]
        at = datetime.combine(on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
        notice = Event(
            at=at, action="notified", by="alice", sanction=ban.id, party="offender",
            note="reinstatement",
        )  # fmt: skip
        kept = case.timeline[:-1] if case.timeline[-1].action == "closed" else case.timeline
        case = case.model_copy(update={"timeline": (*kept, notice)})
        built[where[ban.case]] = _closed(case) if case.status == "closed" else case


def build(cases: int, sanctions: int, members: int, seed: int = 7) -> dict[str, object]:
    """The ledger's final content: file texts by path, plus the cases in receipt order."""
    rng = random.Random(seed)
    policy_yaml, policy = _policy(START, END)
    people = _people(members)
    member_ids = [p.id for p in people if p.id not in COUNCIL]
    span = (END - START).days
    moments = sorted(
        datetime.combine(
            START + timedelta(days=rng.randrange(span)), datetime.min.time(), tzinfo=UTC
        )
        + timedelta(hours=rng.randint(8, 20))
        for _ in range(cases)
    )
    per_year: dict[int, int] = {}
    built: list[Case] = []
    register: list[Sanction] = []
    with_sanction = set(rng.sample(range(cases), min(sanctions, cases)))
    sanction_numbers: dict[int, int] = {}
    for index, received in enumerate(moments):
        per_year[received.year] = per_year.get(received.year, 0) + 1
        case = _case(rng, policy, per_year[received.year], received, member_ids)
        reviewed = case.first("reviewed") is not None
        if index in with_sanction and reviewed:
            year = case.timeline[-1].meeting.year  # type: ignore[union-attr]
            sanction_numbers[year] = sanction_numbers.get(year, 0) + 1
            sanction, case = _sanction(policy, register, case, sanction_numbers[year])
            register.append(sanction)
        built.append(_closed(case) if reviewed else case)
    _reinstated(built, register)
    files: dict[str, str] = {
        "policy.yaml": policy_yaml,
        "people.yaml": yamlwrite.dump(
            {"people": [p.model_dump(mode="json", exclude_none=True) for p in people]}
        ),
        "sanctions.yaml": yamlwrite.dump(
            {"sanctions": [s.model_dump(mode="json", exclude_none=True) for s in register]}
        ),
    }
    for case in built:
        files[case_path(case.id)] = yamlwrite.dump(case.model_dump(mode="json", exclude_none=True))
    return {"files": files, "cases": built}


def _blob(text: str) -> bytes:
    data = text.encode()
    return b"data %d\n" % len(data) + data + b"\n"


def write_repo(out: Path, files: dict[str, str], cases: list[Case], commits: int) -> None:
    """One fast-import stream: a setup commit, then per case a 'report new' commit and updates."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    stream: list[bytes] = []
    stamp = 1_600_000_000
    mark = 0

    def commit(subject: str, trailers: dict[str, str], changes: dict[str, str]) -> None:
        nonlocal stamp, mark
        stamp += 60
        mark += 1
        message = subject + "\n\n" + "".join(f"{k}: {v}\n" for k, v in trailers.items())
        stream.append(b"commit refs/heads/main\nmark :%d\n" % mark)
        stream.append(b"author Alice Council <alice@example.org> %d +0000\n" % stamp)
        stream.append(b"committer Alice Council <alice@example.org> %d +0000\n" % stamp)
        stream.append(_blob(message)[:-1])
        if mark == 1:
            pass
        else:
            stream.append(b"from :%d\n" % (mark - 1))
        for path, text in changes.items():
            stream.append(b"M 100644 inline " + path.encode() + b"\n" + _blob(text))
        stream.append(b"\n")

    setup = {k: v for k, v in files.items() if not k.startswith("cases/")}
    commit("init ledger for Synthetic", {"Coc-Action": "init", "Coc-Actor": "alice"}, setup)
    updates = max(0, commits - 2 - len(cases))  # and the setup and expunge commits
    for index, case in enumerate(cases):
        path = case_path(case.id)
        first = case.model_copy(update={"timeline": case.timeline[:1]})
        first_text = (
            yamlwrite.dump(first.model_dump(mode="json", exclude_none=True))
            if index < updates
            else files[path]
        )
        commit(
            f"report new {case.id}",
            {"Coc-Action": "report new", "Coc-Case": case.id, "Coc-Actor": "alice"},
            {path: first_text},
        )
        if index < updates:
            commit(
                f"report review {case.id}",
                {"Coc-Action": "report review", "Coc-Case": case.id, "Coc-Actor": "alice"},
                {path: files[path]},
            )
    subprocess.run(["git", "fast-import", "--quiet"], cwd=out, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True)
    subprocess.run(["git", "config", "user.email", "alice@example.org"], cwd=out, check=True)
    subprocess.run(["git", "config", "user.name", "Alice Council"], cwd=out, check=True)


def expunge(out: Path) -> None:
    """`coc expunge` as of AS_OF, as a council keeping its ledger would have run it."""
    cli = "from cocledger.cli.main import run; run()"
    at = ["--at", AS_OF.isoformat()]
    env = dict(os.environ)
    for role in ("AUTHOR", "COMMITTER"):  # the lead, whatever identity the caller has
        env[f"GIT_{role}_NAME"], env[f"GIT_{role}_EMAIL"] = "Alice Council", "alice@example.org"
    subprocess.run(
        [sys.executable, "-c", cli, "expunge", "-C", str(out), *at],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--sanctions", type=int, default=2_000)
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} exists and is not empty", file=sys.stderr)
        return 2
    ledger = build(args.cases, args.sanctions, args.members, args.seed)
    write_repo(args.out, ledger["files"], ledger["cases"], args.commits)  # type: ignore[arg-type]
    expunge(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
