"""Checks of the files themselves and of what refers to what: syntax, schema, references, ids.

Messages name files, key paths, case and sanction ids and council members only: never a party's
id, name or email, nor a case's summary or categories (`--format github` puts them in CI logs).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core import sealing
from ..core.ids import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE, case_path
from .context import Context, Finding

Reference = tuple[str, tuple[str | int, ...], str]  # file, key path, the id referred to


def _parse_findings(ctx: Context, code: str) -> Iterator[Finding]:
    for problem in ctx.parse_problems:
        if problem.code == code:
            yield Finding(problem.file, (), problem.message, problem.line, problem.col)


def check_yaml_syntax(ctx: Context) -> Iterator[Finding]:
    """A file the YAML reader cannot read (or a repeated key)."""
    return _parse_findings(ctx, "CL001")


def check_schema(ctx: Context) -> Iterator[Finding]:
    """A value of the wrong type or shape, or a required key missing."""
    return _parse_findings(ctx, "CL002")


def check_unknown_key(ctx: Context) -> Iterator[Finding]:
    """A key the file kind does not have: most often a typo."""
    return _parse_findings(ctx, "CL003")


def check_yaml_features(ctx: Context) -> Iterator[Finding]:
    """SPEC §5: anchors, aliases and tags are refused (the ledger never needs them)."""
    return _parse_findings(ctx, "CL005")


def check_file_limits(ctx: Context) -> Iterator[Finding]:
    """SPEC §5: a file's size, number of values and nesting depth are capped."""
    return _parse_findings(ctx, "CL006")


def check_missing_file(ctx: Context) -> Iterator[Finding]:
    """SPEC §2: a ledger holds policy.yaml, people.yaml, sanctions.yaml and cases/."""
    if PEOPLE_FILE in ctx.missing:
        yield Finding(
            PEOPLE_FILE, (), "missing: every person the ledger names is listed here", 1, 1
        )


# --- references ---------------------------------------------------------------------------------


def _policy_people(ctx: Context) -> Iterator[Reference]:
    if ctx.policy is None:
        return
    yield POLICY_FILE, ("roster", "project_lead"), ctx.policy.roster.project_lead
    for i, member in enumerate(ctx.policy.roster.council):
        yield POLICY_FILE, ("roster", "council", i), member


def _sanction_people(ctx: Context) -> Iterator[Reference]:
    for path, s in ctx.entries():
        for key in ("person", "proposed_by", "enacted_by"):
            if getattr(s, key):
                yield SANCTIONS_FILE, (*path, key), getattr(s, key)
        for j, vote in enumerate(s.votes):
            yield SANCTIONS_FILE, (*path, "votes", j, "member"), vote.member
        if s.appeal is not None:
            if s.appeal.filed_by:
                yield SANCTIONS_FILE, (*path, "appeal", "filed_by"), s.appeal.filed_by
            for j, member in enumerate(s.appeal.decided_by):
                yield SANCTIONS_FILE, (*path, "appeal", "decided_by", j), member


def _case_people(ctx: Context) -> Iterator[Reference]:
    for file, case in ctx.cases:
        for key in ("received_by", "reporter", "respondent"):
            value = getattr(case, key)
            if value and not sealing.is_sealed(value):  # a sealed (anonymous) reporter: unknown
                yield file, (key,), value
        for key in ("witnesses", "conflicts", "committee"):
            for j, person in enumerate(getattr(case, key)):
                yield file, (key, j), person
        for j, event in enumerate(case.timeline):
            yield file, ("timeline", j, "by"), event.by
            for k, member in enumerate(event.members or []):
                yield file, ("timeline", j, "members", k), member


def council_ids(ctx: Context) -> set[str]:
    """The ids a message may name: the council's and the lead's (anyone else may be a party)."""
    if ctx.policy is None:
        return set()
    return set(ctx.policy.roster.members)


def where(ctx: Context, file: str, path: tuple[str | int, ...]) -> str:
    """A key path as a reader finds it: 'witnesses[1]', 'S-2026-0002: votes[0].member'."""
    prefix = ""
    if file == SANCTIONS_FILE and len(path) >= 2 and isinstance(path[1], int):
        ids = ctx.register.ids if ctx.register is not None else ()
        index = path[1]
        prefix = f"{ids[index]}: " if index < len(ids) else ""
        path = path[2:]
    dotted = ""
    for key in path:
        dotted += f"[{key}]" if isinstance(key, int) else (f".{key}" if dotted else str(key))
    return prefix + dotted


def check_unknown_person(ctx: Context) -> Iterator[Finding]:
    """SPEC §2: persons are referenced by id; every id is in people.yaml."""
    known = ctx.person_ids
    if known is None:
        return
    council = council_ids(ctx)
    hint = "is not in people.yaml (add them with `coc person add`)"
    for source in (_policy_people, _sanction_people, _case_people):
        for file, path, person in source(ctx):
            if person not in known:
                who = f"'{person}'" if person in council else where(ctx, file, path)
                yield Finding(file, path, f"{who} {hint}")


def check_unknown_case(ctx: Context) -> Iterator[Finding]:
    """A sanction belongs to a case that has a file under cases/."""
    for path, s in ctx.entries():
        if s.case and not ctx.known_case(s.case):
            yield Finding(
                SANCTIONS_FILE, (*path, "case"), f"{s.id}: no case {s.case} ({case_path(s.case)})"
            )


def check_unknown_sanction(ctx: Context) -> Iterator[Finding]:
    """Timeline events and escalations name sanctions that are in sanctions.yaml, of that case."""
    if ctx.register is None:
        return
    known = ctx.sanctions_by_id
    for path, s in ctx.entries():
        for key in ("escalated_from", "escalated_to"):
            linked = getattr(s, key)
            if linked and linked not in known:
                yield Finding(SANCTIONS_FILE, (*path, key), f"{s.id}: no sanction {linked}")
    for file, case in ctx.cases:
        for j, event in enumerate(case.timeline):
            named = known.get(event.sanction or "")
            if event.sanction and named is None:
                yield Finding(
                    file,
                    ("timeline", j, "sanction"),
                    f"no sanction {event.sanction} in sanctions.yaml",
                )
            elif named is not None and named.case and named.case != case.id:
                yield Finding(
                    file,
                    ("timeline", j, "sanction"),
                    f"{event.sanction} belongs to {named.case}, not to {case.id}",
                )


def check_unknown_meeting(ctx: Context) -> Iterator[Finding]:
    """Incident processing: a case is reviewed at a council meeting listed in policy.yaml."""
    if ctx.policy is None:
        return
    dates = {m.date for m in ctx.policy.meetings}
    hint = "not a meeting in policy.yaml (add it with `coc meeting add`)"
    for file, case in ctx.cases:
        if case.review_meeting and case.review_meeting not in dates:
            yield Finding(file, ("review_meeting",), f"{case.review_meeting} is {hint}")
        for j, event in enumerate(case.timeline):
            if event.meeting and event.meeting not in dates:
                yield Finding(file, ("timeline", j, "meeting"), f"{event.meeting} is {hint}")


def check_unknown_category(ctx: Context) -> Iterator[Finding]:
    """CoC §4: a case's categories are the slugs listed under `categories` in policy.yaml."""
    if ctx.policy is None:
        return
    for file, case in ctx.cases:
        for j, category in enumerate(case.categories):
            if category not in ctx.policy.categories:
                yield Finding(
                    file, ("categories", j), f"categories[{j}] is not a category in policy.yaml"
                )


def check_sanction_case_mismatch(ctx: Context) -> Iterator[Finding]:
    """A sanction is imposed on the respondent of its case."""
    for path, s in ctx.looked_into():
        file_case = ctx.case_of(s.case)
        if file_case is None or file_case[1].status == "expunged":
            continue
        respondent = file_case[1].respondent
        if respondent and s.person != respondent:
            yield Finding(
                SANCTIONS_FILE,
                (*path, "person"),
                f"{s.id}: person is not the respondent of {s.case}",
            )


# --- ids ------------------------------------------------------------------------------------------


def check_duplicate_id(ctx: Context) -> Iterator[Finding]:
    """SPEC §2: ids are unique (two branches each creating one must not merge into one record);
    emails too, since the git author's email says who acted."""
    seen: set[tuple[str, str]] = set()
    council = council_ids(ctx)
    people = ctx.people
    emails = people.values_of("email") if people is not None else ()
    for j, (person, email) in enumerate(zip(people.ids if people else (), emails, strict=True)):
        named = person in council
        if ("id", person) in seen:
            message = (
                f"person id '{person}' is listed twice"
                if named
                else f"people[{j}]: this person id is listed twice"
            )
            yield Finding(PEOPLE_FILE, ("people", j, "id"), message)
        if email and ("email", email) in seen:
            who = person if named else f"people[{j}]"
            yield Finding(
                PEOPLE_FILE, ("people", j, "email"), f"{who}: another person has this email"
            )
        seen |= {("id", person), ("email", email or "")}
    ids: set[str] = set()
    judged = ctx.entries_only
    for j, sanction_id in enumerate(ctx.register.ids if ctx.register is not None else ()):
        if sanction_id in ids and (judged is None or sanction_id in judged):
            yield Finding(
                SANCTIONS_FILE, ("sanctions", j, "id"), f"sanction id {sanction_id} is listed twice"
            )
        ids.add(sanction_id)
    first: dict[str, str] = {}
    for file, case in ctx.cases:
        if case.id in first:
            yield Finding(file, ("id",), f"case id {case.id} is also the id in {first[case.id]}")
        first.setdefault(case.id, file)


def check_case_file_name(ctx: Context) -> Iterator[Finding]:
    """SPEC §2: a case lives in cases/<year>/<id>.yaml, the year being its id's."""
    for file, case in ctx.cases:
        expected = case_path(case.id)
        if file != expected:
            yield Finding(file, ("id",), f"the case {case.id} belongs in {expected}")
