"""The files `coc init` writes: the Mautic breaches policy as data, with comments for editors."""

from __future__ import annotations

import json

POLICY_TEMPLATE = """\
# yaml-language-server: $schema=schemas/policy.schema.json
# The Code of Conduct enforcement process as data. Every number the tool uses comes from here:
# edit it to run another community's ladder. `coc validate` checks this file.
community: {community}
timezone: UTC                         # turns instants into dates (IANA name)
roster:
  project_lead: {lead}                # receives reports (Policy: Submitting a report)
  council: [{lead}]                   # the lead also sits on the council; `coc council add ID`
committee:
  min_size: 3                         # "a small committee ... from available Council members"
deadlines:
  council_notice: 24 hours            # after receipt
  respondent_response: 7 days         # after the report is shared with the reported person
  apology: 7 days                     # after the warning takes effect
record_retention_after_ban: 18 months # End of ban: then the levels reset to the 1st offence
record_retention_after_close: 18 months # a case closed with no sanction on record leaves it then
ladder:                               # offence number -> recommended sanction
  - {{offence: 1, kind: warning, apology: required, refusal_escalates: true}}
  - {{offence: 2, kind: ban, duration: 3 months}}
  - {{offence: 3, kind: ban, duration: 6 months}}
  - {{offence: 4, kind: ban, duration: 12 months}}
  - {{offence: 5, kind: lifetime_ban, vote: full_council_majority}}
appeals:
  allowed_for: [ban, lifetime_ban]    # CoC §8: only permanent resolutions (such as bans)
meetings: []                          # council meetings; `coc meeting add DATE`
channels: [slack, forum, github, events]   # what a ban covers; the reinstatement checklist
contact: {contact}                    # where reports and appeals go (CoC §7, §8)
categories:                           # CoC §4, unacceptable behaviour; `--category` slugs
  - violence-or-threats
  - discriminatory-jokes-or-language
  - doxing
  - personal-insults
  - intimidation-stalking-or-following
  - advocating-the-above
  - spam-solicitation
  - sustained-disruption
transparency:
  suppress_below: 3                   # `coc stats` hides counts smaller than this
"""


PLACEHOLDER = "info@example.org"
"""The contact `coc init` writes when not told one; `coc validate` warns while it is there."""


SEALED_LINE = (
    "sealed: true                          # confidential fields sealed to their readers "
    "(SPEC §8, docs/privacy.md)\n"
)


def policy_text(community: str, lead: str, contact: str, sealed: bool = False) -> str:
    """policy.yaml for a new ledger; values are JSON-quoted so any name stays valid YAML."""
    text = POLICY_TEMPLATE.format(
        community=json.dumps(community), lead=lead, contact=json.dumps(contact)
    )
    return text + SEALED_LINE if sealed else text


PEOPLE_HEADER = "# yaml-language-server: $schema=schemas/people.schema.json\n"
SANCTIONS_HEADER = "# yaml-language-server: $schema=schemas/sanctions.schema.json\n"
CASE_HEADER = "# yaml-language-server: $schema=../../schemas/case.schema.json\n"
