"""Communications: the messages the council sends, filled from a case's facts.

Pure: templates, people and the case come in as data; nothing reads a file or the clock. The
templates are the ledger's editable `templates/<name>.txt` files (`coc init` writes them from the
package's defaults); they use `$name` placeholders (string.Template) from `values()`.

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

from ..errors import InputError, RefusedError
from . import anonymity, rules
from .deadlines import decision_day
from .ids import case_path
from .models import Case, Person, Policy, Sanction
from .snapshot import Entries
from .wording import long_date, ordinal, sanction_text, stage

TEMPLATE_NAMES = (
    "council_notice",
    "council_update",
    "report_shared",
    "decision_offender",
    "decision_offended",
    "witnesses",
    "reinstatement",
)
ANONYMOUS = "a member of the community who asked not to be named"
HIDDEN_FROM = ("offender", "witnesses")
"""The parties an anonymous reporter is never named to: the reported person and the witnesses."""
ANONYMITY = (
    "The person who reported it asked not to be named, so what follows is the Council's summary "
    "of the report, written for you."
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


def template_for(case: Case, party: str, subject: Sanction | None, day: date) -> str:
    """Communications: the council hears of the report; the reported person first gets the report,
    then each decision, then the end of a ban; the offended and witnesses hear the outcome."""
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
        if subject.kind == "ban" and subject.status == "enacted" and ended:
            return "reinstatement"
        return "decision_offender"
    if subject is None:
        raise RefusedError(
            f"nothing has been decided on {case.id} yet: the {party} is told of the council's "
            "decisions (a sanction enacted, an appeal decided)"
        )
    return "decision_offended" if party == "offended" else "witnesses"


def recipients(
    policy: Policy, people: Entries[Person], case: Case, party: str
) -> list[tuple[Person, ...]]:
    """One tuple of people per message: the council together, each witness on their own."""
    if party == "council":
        members = [m for m in policy.roster.council if m not in case.parties]
        return [tuple(people[m] for m in members if m in people)]
    if party == "witnesses":
        return [(people[w],) for w in case.witnesses if w in people]
    person = case.respondent if party == "offender" else case.reporter
    return [(people[person],)] if person is not None and person in people else []


# --- the facts a template may use ---------------------------------------------------------------


def decision(sanction: Sanction) -> str:
    """One sentence on the action taken: an enactment, an escalation or an appeal's outcome."""
    text = sanction_text(sanction)
    appeal = sanction.appeal
    if sanction.status == "overturned":
        return (
            f"On appeal, the Council overturned its decision ({text}): it no longer applies, "
            "no longer counts on the record and is no longer published."
        )
    if appeal and appeal.outcome == "upheld":
        return f"On appeal, the Council upheld its decision: {text}."
    if appeal and appeal.outcome == "reduced":
        return (
            f"On appeal, the Council reduced the sanction from {appeal.reduced_from} to "
            f"{sanction.duration}: {text}."
        )
    if sanction.escalated_from:
        return (
            "Because the apology required after the warning was refused, the sanction was "
            f"escalated to the {ordinal(sanction.offence)} offence: {text}."
        )
    return f"The Council has decided, as the {ordinal(sanction.offence)} offence under the policy: {text}."


def apology_paragraph(
    policy: Policy, case: Case, sanction: Sanction, witness_names: str | None
) -> str:
    """Proposed sanctions, 1st offence: public if the offence was public, else to every witness."""
    if sanction.status != "enacted" or sanction.apology_due is None or sanction.apology:
        return ""
    text = (
        f"An apology to the offended is required within {policy.deadlines.apology}, "
        f"by {long_date(sanction.apology_due)}. "
    )
    if case.setting == "public":
        text += "Because the offence was committed in public, the apology must be public."
    elif case.witnesses:
        names = f": {witness_names}" if witness_names else ""
        text += (
            "Because the offence happened in a private setting, an apology to everyone who "
            f"witnessed it is sufficient{names}."
        )
    else:
        text += "The apology is made to the person offended."
    if rules.rung_for(policy, sanction.offence).refusal_escalates:
        text += " Should the apology be refused, the sanction is escalated to the next offence."
    return text


def ban_paragraph(policy: Policy, sanction: Sanction) -> str:
    """Terms of a ban, End of ban and Communications, with this ban's dates."""
    if sanction.status != "enacted" or sanction.kind not in rules.BAN_KINDS:
        return ""
    community = policy.community
    channels = ", ".join(policy.channels) or "every channel"
    text = (
        f"The ban is a full ban from the {community} project: it covers {channels}, and any and "
        "all channels, forums, websites, systems, events and activities, including speaking at "
        f"events, in blog posts and on social media on behalf of the {community} community or "
        "project. The name of the person banned and the dates of the ban are published on the "
        "community website while it is in force."
    )
    if sanction.ends_on:
        text += (
            f" When it ends on {long_date(sanction.ends_on)}, the person banned is reinstated as "
            "a registered user, without any administrative or leadership rights or privileges. "
            f"The ban stays on the record for {policy.record_retention_after_ban} after it ends"
            + (f", until {long_date(sanction.expunges_on)}." if sanction.expunges_on else ".")
        )
    return text


def appeal_paragraph(policy: Policy, sanction: Sanction) -> str:
    """CoC §8: only permanent resolutions (such as bans) may be appealed, through the contact."""
    appeal = sanction.appeal
    if appeal and appeal.outcome:
        return ""
    if appeal:
        return f"Your appeal of {long_date(appeal.filed_on)} is with the Council, which will decide it."
    if sanction.status != "enacted":
        return ""
    if not rules.appealable(policy, sanction):
        return "Under the Code of Conduct (§8), only permanent resolutions such as bans may be appealed."
    return f"You may appeal this decision by writing to {policy.contact} (Code of Conduct §8)."


def summary_for(case: Case, party: str) -> str | None:
    """SPEC §3 An anonymous reporter: the reported person and witnesses read the summary the
    council wrote for them when there is one, and of an anonymous report only that (None until
    it is written); everyone else reads the report's own summary."""
    if party in HIDDEN_FROM and (case.shared_summary or case.anonymous_reporter):
        return case.shared_summary
    return case.summary


def values(
    policy: Policy,
    people: Entries[Person],
    case: Case,
    sanction: Sanction | None,
    party: str,
    to: Sequence[Person],
    day: date,
    steps: Sequence[str] = (),
) -> dict[str, str]:
    """Every placeholder a template may use; the ones that do not apply are empty. Before the
    report is shared, its response date is counted as if it were shared on `day`. `steps` are
    what is due on the case (`coc due`'s items), for the council."""

    def name(person_id: str | None) -> str:
        if person_id is not None and person_id in people:
            return people[person_id].name
        return person_id or ""

    hide_reporter = case.anonymous_reporter and party in HIDDEN_FROM
    witnesses = [w for w in case.witnesses if not (hide_reporter and w == case.reporter)]
    summary = summary_for(case, party)
    unwritten = "" if hide_reporter else "(the report is attached)"  # never the report, then
    deadlines = rules.case_deadlines(case, policy)
    facts = {
        "community": policy.community,
        "contact": policy.contact,
        "case": case.id,
        "received_on": long_date(rules.local_date(case.received_at, policy)),
        "occurred_on": long_date(case.occurred_on),
        "setting": case.setting,
        "summary": summary.strip() if summary else unwritten,
        "anonymity": ANONYMITY if hide_reporter else "",
        "council_notice_period": str(policy.deadlines.council_notice),
        "response_period": str(policy.deadlines.respondent_response),
        "response_due": long_date(deadlines.respondent_response or rules.response_due(day, policy)),
        "committee": ", ".join(name(m) for m in case.committee) or "not formed yet",
        "respondent_name": name(case.respondent),
        "reporter_name": ANONYMOUS if hide_reporter else name(case.reporter),
        "recipient_name": ", ".join(p.name for p in to),
        "witness_names": ", ".join(name(w) for w in witnesses),
        "channels": ", ".join(policy.channels),
        "stage": stage(case),
        "next_steps": "\n".join(f"- {step}" for step in steps) or "- nothing is due on this case",
        "retention": str(policy.record_retention_after_ban),
    }
    blank = ("sanction", "sanction_text", "offence", "kind", "duration", "starts_on", "ends_on")
    facts.update(dict.fromkeys((*blank, "expunges_on", "apology_due"), ""))
    facts.update(dict.fromkeys(("decision", "apology", "ban_terms", "appeal"), ""))
    if sanction is None:
        return facts
    facts.update(
        {
            "sanction": sanction.id,
            "sanction_text": sanction_text(sanction),
            "offence": f"{ordinal(sanction.offence)} offence",
            "kind": sanction.kind.replace("_", " "),
            "duration": str(sanction.duration or ""),
            "starts_on": long_date(sanction.starts_on),
            "ends_on": long_date(sanction.ends_on),
            "expunges_on": long_date(sanction.expunges_on),
            "apology_due": long_date(sanction.apology_due),
            "decision": decision(sanction),
            "apology": apology_paragraph(
                policy, case, sanction, facts["witness_names"] if party == "offender" else None
            ),
            "ban_terms": ban_paragraph(policy, sanction),
            "appeal": appeal_paragraph(policy, sanction) if party == "offender" else "",
        }
    )
    return facts


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
    steps: Sequence[str] = (),
) -> Notice:
    """The drafts of one notice: the template filled once per message. If the reporter asked
    not to be named and the message goes to the reported person or a witness, it needs the
    summary the council wrote for them, and is refused while it still names the reporter."""
    hidden = case.anonymous_reporter and party in HIDDEN_FROM
    uses_summary = "summary" in Template(template).get_identifiers()
    if hidden and uses_summary and not case.shared_summary:
        raise RefusedError(_no_shared_summary(case, party, name))
    drafts = []
    for to in recipients(policy, people, case, party):
        text = fill(
            template,
            values(policy, people, case, subject, party, to, day, steps),
            template_path(name),
        )
        if hidden and all(p.id != case.reporter for p in to):
            shared = case.shared_summary if uses_summary else None
            source = (template_path(name), template)
            _refuse_naming(people, case, party, to, shared, source, text)
        drafts.append(Draft(to, text))
    return Notice(case.id, party, name, subject.id if subject else None, tuple(drafts))


def _no_shared_summary(case: Case, party: str, name: str) -> str:
    """Why an anonymous report's draft waits for the council's summary, and what to do."""
    reader = "reported person" if party == "offender" else "witnesses"
    why = (
        f"the reporter of {case.id} asked not to be named, so the {reader} read a summary the "
        "council writes for them, never the report"
    )
    if case.first("shared") is None:
        return f"{why}: write it and give it with `coc report share {case.id} --summary-file F`"
    return f"{why}, and {case.id} has none: leave $summary out of {template_path(name)}"
