"""The shapes of person, case and sanction ids, the case file an id names, and new ids.

Kept free of pydantic and YAML so that `coc log CASE` can check an id without the schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import UsageError

PERSON_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
CASE_ID_PATTERN = r"^COC-[0-9]{4}-[0-9]{4,6}$"
SANCTION_ID_PATTERN = r"^S-[0-9]{4}-[0-9]{4,6}$"
CASES_DIR = "cases"
POLICY_FILE = "policy.yaml"
PEOPLE_FILE = "people.yaml"
SANCTIONS_FILE = "sanctions.yaml"


def check_id(value: str, pattern: str, what: str, example: str) -> str:
    """SPEC §2: ids become file names and commit trailers; refuse anything but their shape."""
    if not re.fullmatch(pattern, value or ""):
        raise UsageError(f"'{value}' is not a valid {what} id (expected something like {example})")
    return value


def is_case_id(value: str) -> bool:
    return re.fullmatch(CASE_ID_PATTERN, value) is not None


def no_case(case_id: str) -> UsageError:
    """The error for a case id whose file is not there."""
    return UsageError(f"no case '{case_id}' (expected {case_path(case_id)}; see `coc case list`)")


def case_path(case_id: str) -> str:
    """cases/<year>/<id>.yaml: per-year folders keep git's per-path history fast."""
    check_id(case_id, CASE_ID_PATTERN, "case", "COC-2026-0007")
    return f"{CASES_DIR}/{case_id[4:8]}/{case_id}.yaml"


def next_id(prefix: str, year: int, existing: Iterable[str]) -> str:
    """SPEC §2: sortable, file-name-safe ids, PREFIX-YEAR-NNNN, one more than that year's highest."""
    stem = f"{prefix}-{year:04d}-"
    numbers = [
        int(i[len(stem) :]) for i in existing if i.startswith(stem) and i[len(stem) :].isdigit()
    ]
    return f"{stem}{max(numbers, default=0) + 1:04d}"
