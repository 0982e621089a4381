"""`coc validate`'s checks: one small function per stable code, registered in one table.

Each check reads the `Context` (the ledger parsed once) and yields `Finding`s; `run` stamps them
with the code and severity of the table and turns key paths into lines. Codes never change
meaning; docs/checks.md documents each one with an example and its fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..core.ids import PEOPLE_FILE, POLICY_FILE, SANCTIONS_FILE
from ..core.problems import Problem
from . import characters, computed, decisions, expunges, gate, history, process, records, sealed
from .context import Context, Finding

ERROR = "error"
WARNING = "warning"
Check = Callable[[Context], Iterable[Finding]]

CHECKS: dict[str, tuple[Check, str, str]] = {
    "CL001": (records.check_yaml_syntax, ERROR, "YAML syntax"),
    "CL002": (records.check_schema, ERROR, "Schema"),
    "CL003": (records.check_unknown_key, ERROR, "Unknown key"),
    "CL004": (records.check_missing_file, ERROR, "Missing ledger file"),
    "CL005": (records.check_yaml_features, ERROR, "YAML anchor, alias or tag"),
    "CL006": (records.check_file_limits, ERROR, "File too large or nested too deep"),
    "CL010": (records.check_unknown_person, ERROR, "Unknown person"),
    "CL011": (records.check_unknown_case, ERROR, "Unknown case"),
    "CL012": (records.check_unknown_sanction, ERROR, "Unknown sanction"),
    "CL013": (records.check_unknown_meeting, ERROR, "Unknown meeting"),
    "CL014": (records.check_unknown_category, ERROR, "Unknown category"),
    "CL015": (records.check_sanction_case_mismatch, ERROR, "Sanction not on its case's respondent"),
    "CL020": (records.check_duplicate_id, ERROR, "Duplicate id"),
    "CL021": (records.check_case_file_name, ERROR, "Case file name does not match its id"),
    "CL030": (computed.check_case_deadlines, ERROR, "Stored case deadline differs from the rules"),
    "CL031": (computed.check_offence, ERROR, "Stored offence number differs from the rules"),
    "CL032": (
        computed.check_sanction_dates,
        ERROR,
        "Stored ends_on/expunges_on differ from the rules",
    ),
    "CL033": (computed.check_apology_due, ERROR, "Stored apology_due differs from the rules"),
    "CL034": (computed.check_stale_proposal, WARNING, "Stale proposal"),
    "CL040": (computed.check_timeline_order, ERROR, "Timeline out of order"),
    "CL041": (computed.check_future, ERROR, "Recorded in the future"),
    "CL050": (gate.check_committee, ERROR, "Committee conflict or size"),
    "CL051": (gate.check_lifetime_vote, ERROR, "Lifetime ban without the full council vote"),
    "CL052": (gate.check_appeal_allowed, ERROR, "Appeal of a sanction that cannot be appealed"),
    "CL053": (process.check_ban_conduct, ERROR, "Ban without a public conduct summary"),
    "CL054": (process.check_deviation_reason, ERROR, "Deviation from the ladder without a reason"),
    "CL055": (process.check_tombstone, ERROR, "Tombstone still holds personal details"),
    "CL056": (gate.check_vote_by_party, ERROR, "Vote by someone conflicted in the case"),
    "CL057": (gate.check_conflicted_actor, ERROR, "Recorded by someone conflicted in the case"),
    "CL058": (gate.check_status_steps, ERROR, "A step or status the process does not allow"),
    "CL059": (
        gate.check_anonymous_share,
        WARNING,
        "Anonymous report shared without the council's summary",
    ),
    "CL060": (process.check_missed_deadline, WARNING, "Deadline missed"),
    "CL061": (process.check_missing_notification, WARNING, "Notification missing"),
    "CL070": (process.check_lead_on_council, ERROR, "Project lead not on the council"),
    "CL071": (process.check_policy_duplicates, ERROR, "Policy list names something twice"),
    "CL072": (process.check_council_size, WARNING, "Council too small for a committee"),
    "CL073": (process.check_policy_gaps, WARNING, "A setting left to its placeholder"),
    "CL080": (history.check_sanction_history, ERROR, "Sanction removed or rewritten"),
    "CL081": (history.check_vote_history, ERROR, "Vote removed or rewritten"),
    "CL082": (history.check_case_history, ERROR, "Case or timeline event removed or rewritten"),
    "CL083": (history.check_people_history, ERROR, "Person removed"),
    "CL084": (history.check_tombstone_history, ERROR, "Tombstone made outside `coc expunge`"),
    "CL085": (decisions.check_decision_author, ERROR, "Decision committed by a non-member"),
    "CL086": (
        decisions.check_decision_signature,
        ERROR,
        "Decision commit without a good signature",
    ),
    "CL087": (decisions.check_fact_author, ERROR, "Case facts changed by a non-member"),
    "CL088": (decisions.check_conflicted_commit, ERROR, "Commit by someone conflicted in the case"),
    "CL089": (history.check_status_history, ERROR, "Status changed without its recorded step"),
    "CL090": (expunges.check_expunge_due, ERROR, "Tombstone made before it was due"),
    "CL091": (history.check_rewritten_history, ERROR, "History since the base rewritten"),
    "CL092": (characters.check_bidi_controls, ERROR, "Bidirectional control character"),
    "CL093": (
        gate.check_reinstatement_notice,
        WARNING,
        "Told of reinstatement while a ban is in force",
    ),
    "CL094": (sealed.check_sealing, ERROR, "Clear text where a sealed field belongs"),
    "CL095": (gate.check_report_twice, WARNING, "A report recorded twice"),
    "CL096": (gate.check_notice_twice, WARNING, "A party notified twice of one step"),
    "CL097": (sealed.check_sealed_for, ERROR, "sealed_for is not the rule's list"),
    "CL098": (sealed.check_readers_missing, WARNING, "A council member cannot read what they may"),
    "CL099": (sealed.check_opening, ERROR, "A sealed value does not open with --identity"),
}


_POLICY, _PEOPLE, _REGISTER = (
    frozenset({POLICY_FILE}),
    frozenset({PEOPLE_FILE}),
    frozenset({SANCTIONS_FILE}),
)
BETWEEN: dict[str, frozenset[str]] = {
    "CL010": _PEOPLE,
    "CL012": _REGISTER,
    "CL013": _POLICY,
    "CL014": _POLICY,
    "CL015": _REGISTER,
    "CL030": _POLICY,
    "CL031": _POLICY,
    "CL032": _POLICY,
    "CL033": _POLICY,
    "CL050": _POLICY,
    "CL051": _POLICY,
    "CL052": _POLICY | _REGISTER,
    "CL054": _POLICY,
    "CL056": _POLICY,
    "CL058": _POLICY | _REGISTER,
}
"""The files a problem lies between besides its own: a case naming a person people.yaml lacks
(CL010), a category or meeting policy.yaml lacks (CL014, CL013), a stored value that policy.yaml's
numbers no longer give (CL030-CL033), a step the gate refuses by the policy or a sanction's record
(CL050-CL058). An action that reads one of them is refused by it (SPEC §3 One engine)."""


MENDED_BY_WRITING = frozenset({"CL097"})
"""Problems the store mends as it next writes their file, which an action therefore is not refused
for (`actions.perform`): a case's `sealed_for` and the wrapping of its key are the store's, set to
the rule's readers (re-keyed when one is gone) on every commit of the case (SPEC §8)."""


MENDED_BY_STEP = {"seal": frozenset({"CL094"})}
"""Problems a step exists to mend, which it is therefore not refused for: `coc seal` seals what
a sealed ledger holds clear (written by an earlier version, or by hand) and opens a public name."""


def involves(problem: Problem) -> frozenset[str]:
    """The files a problem lies in or between."""
    return BETWEEN.get(problem.code, frozenset()) | {problem.file}


def selected(code: str, select: Iterable[str]) -> bool:
    """`--select CL05` runs CL050-CL059, as ruff's prefixes do; nothing selected runs all."""
    prefixes = [s.strip().upper() for s in select if s.strip()]
    return not prefixes or any(code.startswith(p) for p in prefixes)


def unknown_codes(select: Iterable[str]) -> list[str]:
    return [s for s in select if not any(selected(code, [s]) for code in CHECKS)]


def run(ctx: Context, select: Iterable[str] = (), errors_only: bool = False) -> list[Problem]:
    """Every finding of the selected checks (with `errors_only`, of those of error severity) in
    the files the context wants, as located Problems sorted by file and line."""
    chosen = list(select)
    problems = [
        _problem(ctx, code, severity, finding)
        for code, (check, severity, _) in CHECKS.items()
        if selected(code, chosen) and not (errors_only and severity != ERROR)
        for finding in check(ctx)
        if ctx.wants(finding.file)
    ]
    return sorted(problems, key=lambda p: (p.file, p.line, p.col, p.code, p.message))


def _problem(ctx: Context, code: str, severity: str, finding: Finding) -> Problem:
    line, col = finding.line, finding.col
    if not line:
        line, col = ctx.locate(finding.file, finding.path)
    return Problem(code, severity, finding.file, line, col or 1, finding.message)


__all__ = ["CHECKS", "Context", "Finding", "Problem", "run"]
