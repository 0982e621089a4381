"""Communications: the messages the council sends, filled from a case's facts.

Pure: templates, people and the case come in as data; nothing reads a file or the clock. The
templates are the ledger's editable `templates/<name>.txt` files (`coc init` writes them from the
package's defaults); they use `$name` placeholders (string.Template) from `placeholders.values()`.

SPEC §3 An anonymous reporter is never named to the reported person or to a witness: they read
the summary the council wrote for them (`shared_summary`), never the report's own words; the
placeholders never carry the reporter; and a draft to them that still holds a part of the
reporter's name, id, e-mail or handles (an edited template, a shared summary written before a
handle was added) is refused, never silently rewritten (`core.anonymity`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from string import Template

from ..errors import InputError, RefusedError, SealedError
from . import anonymity, council
from .ids import case_path
from .models import Case, Person, Policy, Sanction
from .placeholders import HIDDEN_FROM, values
from .sanction_deadlines import decision_day
from .sealing import PREFIX as SEALED_PREFIX
from .sealing import is_sealed
from .snapshot import Entries

TEMPLATE_NAMES = (
    "council_notice",
    "council_update",
    "report_shared",
    "decision_offender",
    "decision_offended",
    "witnesses",
    "reinstatement",
)
DECIDED = frozenset({"enacted", "escalated", "overturned"})


def template_path(name: str) -> str:
    """Where a ledger keeps its editable copy of a template."""
    return f"templates/{name}.txt"


@dataclass(frozen=True)
class Draft:
    """One message: who it goes to and its text (a `Subject:` line, a blank line, the body)."""

    to: tuple[Person, ...]
    text: str


@dataclass(frozen=True)
class Notice:
    """What `coc notify` sends to a party about a case, and about which sanction."""

    case: str
    party: str
    template: str
    sanction: str | None
    drafts: tuple[Draft, ...]
    withheld: int = 0
    """Always 0: a draft naming an anonymous reporter is refused, not rewritten. Kept because
    `notify --draft --json` has reported it."""


# --- which message ------------------------------------------------------------------------------


def subject_sanction(sanctions: Sequence[Sanction], chosen: str | None = None) -> Sanction | None:
    """The sanction a notice is about: `chosen`, else the case's most recently decided one."""
    if chosen is not None:
        match = [s for s in sanctions if s.id == chosen]
        if not match:
            raise RefusedError(f"--sanction {chosen} is not a sanction of this case")
        return match[0]
    decided = [s for s in sanctions if s.status in DECIDED and decision_day(s)]
    return max(decided, key=lambda s: (decision_day(s), s.id), default=None)


def template_for(
    case: Case, party: str, subject: Sanction | None, day: date, told: bool = False
) -> str:
    """Communications: the council hears of the report; the reported person first gets the report,
    then each decision, then the end of a ban; the offended and witnesses hear the outcome.
    `told`: whether the offender was already told of the subject's latest decision
    (`sanction_deadlines.told_of_decision`): until they are, the notice is of the decision, however
    late (the notice that they are reinstated comes after it). Whether a notice may be recorded
    (a reinstatement while a ban is in force) is the gate's (`guards.reinstatement_when_free`)."""
    if party == "council":  # first of the report, then of where it stands
        begun = {"received", "council_notified", "notified"}
        return (
            "council_update"
            if any(e.action not in begun for e in case.timeline)
            else "council_notice"
        )
    if party == "witnesses" and not case.witnesses:
        raise RefusedError(f"{case.id} names no witnesses")
    if party == "offender":
        if subject is None:
            return "report_shared"
        ended = subject.ends_on is not None and day >= subject.ends_on
        if subject.kind == "ban" and subject.status == "enacted" and ended and told:
            return "reinstatement"
        return "decision_offender"
    if subject is None:
        who = "the witnesses are" if party == "witnesses" else f"the {party} is"
        raise RefusedError(
            f"nothing has been decided on {case.id} yet: {who} told of the council's "
            "decisions (a sanction enacted, an appeal decided)"
        )
    return "decision_offended" if party == "offended" else "witnesses"


def recipients(
    policy: Policy, people: Entries[Person], case: Case, party: str
) -> list[tuple[Person, ...]]:
    """One tuple of people per message: the council together, each witness on their own."""
    if party == "council":
        members = council.eligible_council(policy, case)
        return [tuple(people[m] for m in members if m in people)]
    if party == "witnesses":
        return [(people[w],) for w in case.witnesses if w in people]
    person = case.respondent if party == "offender" else case.reporter
    return [(people[person],)] if person is not None and person in people else []


# --- filling and scrubbing ----------------------------------------------------------------------


def fill(template: str, facts: dict[str, str], file: str) -> str:
    """string.Template substitution; an unknown placeholder is the template file's error, with
    its line. Paragraphs left empty are dropped."""
    try:
        text = Template(template).substitute(facts)
    except KeyError as exc:
        key = str(exc.args[0])
        line = next(
            (
                n
                for n, row in enumerate(template.splitlines(), 1)
                if f"${key}" in row or f"${{{key}}}" in row
            ),
            None,
        )
        known = ", ".join(f"${k}" for k in sorted(facts))
        raise InputError(f"unknown placeholder ${key}; use one of {known}", file, line) from None
    except ValueError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise InputError(
            "a '$' that starts no placeholder: write $$ for a dollar sign",
            file,
            int(found.group(1)) if found else None,
        ) from None
    lines = [row.rstrip() for row in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def reporter_terms(
    people: Entries[Person], case: Case, to: Sequence[Person] = ()
) -> list[anonymity.Term]:
    """What would name the case's reporter. Name parts that the recipients, the respondent, a
    witness or the committee share are left out: those people's own names are in the drafts."""
    reporter = people[case.reporter] if case.reporter and case.reporter in people else None
    named = {case.respondent, *case.witnesses, *case.committee} - {case.reporter, None}
    exempt = [*to, *(people[i] for i in named if i and i in people)]
    return anonymity.terms_of(case.reporter or "", reporter, exempt)


def _refuse_naming(
    people: Entries[Person],
    case: Case,
    party: str,
    to: Sequence[Person],
    shared: str | None,
    template: tuple[str, str],
    draft: str,
) -> None:
    """SPEC §3 An anonymous reporter: refuse a draft to the reported person or a witness that
    still names the reporter, saying where to fix it: the shared summary (people.yaml may have
    changed since it was written), the template (its file, its text), or what is left, the
    draft. The template's fixed wording and the draft are checked for distinctive terms only:
    "You may appeal" must not refuse every notice of a case whose reporter is called May."""
    terms = reporter_terms(people, case, to)
    distinctive = [term for term in terms if term.distinctive]
    refuse = anonymity.refuse_mentions
    if shared:
        where = f"the shared_summary of {case_path(case.id)}"
        refuse(shared, terms, where, "edit it there, so that it no longer names the reporter")
    refuse(template[1], distinctive, template[0], "edit it: the reporter is never named to them")
    refuse(draft, distinctive, f"the draft to the {party}", "check its template and people.yaml")


def compose(
    policy: Policy,
    people: Entries[Person],
    case: Case,
    party: str,
    subject: Sanction | None,
    template: str,
    name: str,
    day: date,
    theirs: Sequence[Sanction],
    steps: Sequence[str] = (),
) -> Notice:
    """The drafts of one notice: the template filled once per message. If the reporter asked
    not to be named and the message goes to the reported person or a witness, it needs the
    summary the council wrote for them, and is refused while it still names the reporter.
    `theirs`: the subject's person's sanctions (their record and their bans in force)."""
    hidden = case.anonymous_reporter and party in HIDDEN_FROM
    uses_summary = "summary" in Template(template).get_identifiers()
    if hidden and uses_summary and not case.shared_summary:
        raise RefusedError(_no_shared_summary(case, party, name))
    drafts = []
    for to in recipients(policy, people, case, party):
        text = fill(
            template,
            values(policy, people, case, subject, party, to, day, theirs, steps),
            template_path(name),
        )
        _refuse_sealed(case, to, text)
        if hidden and all(p.id != case.reporter for p in to):
            shared = case.shared_summary if uses_summary else None
            source = (template_path(name), template)
            _refuse_naming(people, case, party, to, shared, source, text)
        drafts.append(Draft(to, text))
    return Notice(case.id, party, name, subject.id if subject else None, tuple(drafts))


def _refuse_sealed(case: Case, to: Sequence[Person], text: str) -> None:
    """SPEC §8 Without a key: a draft never carries a sealed value in place of its text."""
    if is_sealed(text) or SEALED_PREFIX in text:
        raise SealedError(f"a field of {case.id} this draft uses")
    sealed = [p.id for p in to if is_sealed(p.email)]
    if sealed:
        raise SealedError(f"the e-mail address of {', '.join(sealed)} (people.yaml)")


def _no_shared_summary(case: Case, party: str, name: str) -> str:
    """Why an anonymous report's draft waits for the council's summary, and what to do."""
    reader = "reported person reads" if party == "offender" else "witnesses read"
    why = (
        f"the reporter of {case.id} asked not to be named, so the {reader} a summary the "
        "council writes for them, never the report"
    )
    if case.first("shared") is None:
        return f"{why}: write it and give it with `coc report share {case.id} --summary-file F`"
    return f"{why}, and {case.id} has none: leave $summary out of {template_path(name)}"
