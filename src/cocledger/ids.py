"""The shapes of person, case and sanction ids, and the case file an id names.

Kept free of pydantic and YAML so that a query such as `coc log CASE` can check an id and find
its file without importing the schema.
"""

from __future__ import annotations

import re

from .errors import UsageError

PERSON_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
CASE_ID_PATTERN = r"^COC-[0-9]{4}-[0-9]{4,6}$"
SANCTION_ID_PATTERN = r"^S-[0-9]{4}-[0-9]{4,6}$"
CASES_DIR = "cases"


def check_id(value: str, pattern: str, what: str, example: str) -> str:
    """Ids become file names and commit trailers: refuse anything but the documented shape."""
    if not re.fullmatch(pattern, value or ""):
        raise UsageError(f"'{value}' is not a valid {what} id (expected something like {example})")
    return value


def no_case(case_id: str) -> UsageError:
    """The error for a case id whose file is not there."""
    return UsageError(f"no case '{case_id}' (expected {case_path(case_id)}; see `coc case list`)")


def case_path(case_id: str) -> str:
    """cases/<year>/<id>.yaml: per-year folders keep git's per-path history fast."""
    check_id(case_id, CASE_ID_PATTERN, "case", "COC-2026-0007")
    return f"{CASES_DIR}/{case_id[4:8]}/{case_id}.yaml"
