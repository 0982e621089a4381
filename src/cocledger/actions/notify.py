"""Communications: draft the message to a party from the ledger's templates, and record that the
party was told (a `notified` event on the case's timeline)."""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from .. import notices, rules
from ..errors import RefusedError
from ..ledger import Ledger
from ..models import Event, Person
from . import Outcome, append_event, commit


def default_template(name: str) -> str:
    """The template shipped with the package (what `coc init` copies into a new ledger)."""
    return resources.files("cocledger").joinpath(f"templates/{name}.txt").read_text("utf-8")


def default_templates() -> dict[str, str]:
    """Ledger path -> text of every default template, for `coc init`."""
    return {notices.template_path(n): default_template(n) for n in notices.TEMPLATE_NAMES}


def template(ledger: Ledger, name: str) -> str:
    """The ledger's own copy if it has one (it is meant to be edited), else the default."""
    text = ledger.text(notices.template_path(name))
    return text if text is not None else default_template(name)


def draft(
    ledger: Ledger, at: datetime, case_id: str, party: str, sanction_id: str | None = None
) -> notices.Notice:
    """The message(s) to send `party` about the case's latest action, filled from its facts."""
    case = ledger.case(case_id)
    if case.status == "expunged":
        raise RefusedError(f"{case_id} has been expunged: its details are gone")
    policy = ledger.policy
    subject = notices.subject_sanction(ledger.sanctions_of_case(case_id), sanction_id)
    day = rules.local_date(at, policy)
    name = notices.template_for(case, party, subject, day)
    return notices.compose(
        policy, ledger.people_register, case, party, subject, template(ledger, name), name, day
    )


def notify(
    ledger: Ledger,
    actor: Person,
    at: datetime,
    case_id: str,
    party: str,
    sanction_id: str | None = None,
) -> Outcome:
    """Communications: record that `party` was told of the latest action, in one commit."""
    notice = draft(ledger, at, case_id, party, sanction_id)
    if notice.template == "report_shared" and not ledger.case(case_id).first("shared"):
        raise RefusedError(
            f"send the report, then record it with `coc report share {case_id}`: "
            "that starts the reported person's time to respond"
        )
    event = Event(
        at=at,
        action="notified",
        by=actor.id,
        party=party,  # type: ignore[arg-type]
        sanction=notice.sanction,
        note=notice.template,
    )
    _, files = append_event(ledger, case_id, event)
    change = commit(f"notify {case_id} {party}", "notify", actor, files, case_id, notice.sanction)
    about = f" of {notice.sanction}" if notice.sanction else ""
    data = {
        "case": case_id,
        "party": party,
        "sanction": notice.sanction,
        "template": notice.template,
        "at": at.isoformat(),
    }
    return Outcome(change, data, f"Recorded that the {party} was notified{about} ({case_id}).")
