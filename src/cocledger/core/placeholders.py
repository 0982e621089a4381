"""The facts a message template may use: every `$placeholder` of `values()`, filled from a case,
its sanction and the policy (Communications: the parties are told of every action taken, in the
policy's own words on apologies, bans and appeals).

SPEC §3 An anonymous reporter: to the reported person and the witnesses (HIDDEN_FROM) no
placeholder carries the reporter, and `$summary` is the one the council wrote for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from . import council, reinstatement, rules
from .models import Case, Person, Policy, Sanction
from .snapshot import Entries
from .wording import long_date, ordinal, sanction_text, stage

ANONYMOUS = "a member of the community who asked not to be named"
HIDDEN_FROM = ("offender", "witnesses")
"""The parties an anonymous reporter is never named to: the reported person and the witnesses."""
OFFENDED_THROUGH_COUNCIL = "through the Council, as they asked not to be named"
ANONYMITY = (
    "The person who reported it asked not to be named, so what follows is the Council's summary "
    "of the report, written for you."
)


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
    policy: Policy,
    case: Case,
    sanction: Sanction,
    offended: str | None = None,
    witness_names: str | None = None,
) -> str:
    """Proposed sanctions, 1st offence: "Apology to offended within 7 days required": public if
    the offence was committed in public, otherwise to the offended and all who witnessed it.
    `offended` and `witness_names` (the offender's message only) say who they are."""
    if sanction.status != "enacted" or sanction.apology_due is None or sanction.apology:
        return ""
    text = (
        f"An apology to the offended is required within {policy.deadlines.apology}, "
        f"by {long_date(sanction.apology_due)}. "
    )
    who = f" ({offended})" if offended else ""
    if case.setting == "public":
        text += "Because the offence was committed in public, the apology must be public."
    elif case.witnesses:
        names = f": {witness_names}" if witness_names else ""
        text += (
            f"Because the offence happened in a private setting, an apology to the person "
            f"offended{who} and to everyone who witnessed it is sufficient{names}."
        )
    else:
        text += f"The apology is made to the person offended{who}."
    if rules.rung_for(policy, sanction.offence).refusal_escalates:
        text += " Should the apology be refused, the sanction is escalated to the next offence."
    return text


def _apology_to(case: Case, party: str, facts: dict[str, str]) -> tuple[str | None, str | None]:
    """Whom the offender apologises to, named in their message only: the offended (the
    reporter; of an anonymous report, through the Council) and the witnesses."""
    if party != "offender":
        return None, None
    offended = OFFENDED_THROUGH_COUNCIL if case.anonymous_reporter else facts["reporter_name"]
    return offended or None, facts["witness_names"] or None


def ban_paragraph(policy: Policy, sanction: Sanction, theirs: Sequence[Sanction], day: date) -> str:
    """Terms of a ban, End of ban and Communications, with this ban's dates: reinstatement once no
    ban of the person is in force (SPEC §3 Reinstatement), and the day it leaves the record by
    the rule `person show` uses (`rules.leaves_record_on`)."""
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
    if sanction.ends_on and sanction.person:
        text += " " + _end_of_ban(policy, sanction, theirs, day)
    return text


def _end_of_ban(policy: Policy, sanction: Sanction, theirs: Sequence[Sanction], day: date) -> str:
    assert sanction.ends_on is not None and sanction.person is not None
    ends = long_date(sanction.ends_on)
    back = reinstatement.free_from(theirs, sanction.person, sanction.ends_on)
    rights = "as a registered user, without any administrative or leadership rights or privileges"
    if back == sanction.ends_on:
        text = f"When it ends on {ends}, the person banned is reinstated {rights}."
    elif back is None:
        text = f"It ends on {ends}, but a lifetime ban is in force then: no reinstatement follows."
    else:
        text = (
            f"It ends on {ends}, but another ban is in force then: the person banned is "
            f"reinstated once no ban is in force, on {long_date(back)}, {rights}."
        )
    leaves = rules.leaves_record_on(policy, theirs, sanction, day)
    if leaves is None:
        return text + " The ban stays on the record."
    return text + (
        f" The ban stays on the record until {long_date(leaves)}: "
        f"{policy.record_retention_after_ban} after the end of the last ban on the record."
    )


def record_until(policy: Policy, theirs: Sequence[Sanction], sanction: Sanction, day: date) -> str:
    """`$expunges_on`: the day the sanction leaves its person's record (`rules.leaves_record_on`,
    as `person show` says), or, where no day can be given, why: a letter never says "until" and
    then nothing (issue 20: a pending proposal left the reinstatement letter's date blank)."""
    leaves = rules.leaves_record_on(policy, theirs, sanction, day)
    if (
        leaves is not None
        or sanction.person is None
        or not rules.retention(policy, sanction.kind, sanction.duration)
    ):
        return long_date(leaves)
    now = rules.record(policy, theirs, sanction.person, day)
    if all(s.id != sanction.id for s in now.window):
        return f"{long_date(day)} (it is no longer on the record)"
    if any(s.kind == "lifetime_ban" and s.status != "proposed" for s in now.window):
        return "the end of the lifetime ban on the record, which does not end"
    return "a day not known yet: it depends on a decision about another sanction, still pending"


def appeal_paragraph(policy: Policy, sanction: Sanction) -> str:
    """CoC §8: only permanent resolutions (such as bans) may be appealed, through the contact."""
    appeal = sanction.appeal
    if appeal and appeal.outcome:
        return ""
    if appeal:
        return f"Your appeal of {long_date(appeal.filed_on)} is with the Council, which will decide it."
    if sanction.status != "enacted":
        return ""
    if not council.appealable(policy, sanction):
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
    theirs: Sequence[Sanction],
    steps: Sequence[str] = (),
) -> dict[str, str]:
    """Every placeholder a template may use; the ones that do not apply are empty. Before the
    report is shared, its response date is counted as if it were shared on `day`. `steps` are
    what is due on the case (`coc due`'s items), for the council. `theirs`, the sanction's
    person's sanctions: `$expunges_on` is the day it leaves their record, as `person show`
    says (one rule, `rules.leaves_record_on`), not the ban's own stored `expunges_on`."""

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
            "expunges_on": record_until(policy, theirs, sanction, day),
            "apology_due": long_date(sanction.apology_due),
            "decision": decision(sanction),
            "apology": apology_paragraph(policy, case, sanction, *_apology_to(case, party, facts)),
            "ban_terms": ban_paragraph(policy, sanction, theirs, day),
            "appeal": appeal_paragraph(policy, sanction) if party == "offender" else "",
        }
    )
    return facts
