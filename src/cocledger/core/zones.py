"""The time zones a policy may name: one list, which the model checks and the JSON Schema lists.

`zoneinfo.ZoneInfo(name)` opens a file named by the policy's text: `America` (a directory),
`../../etc/passwd` or a 5,000-character name reach the file system before anything says no. A
name is only ever opened once it is in this list, read from the IANA database that ships with
the `tzdata` package (a dependency of python-dateutil and icalendar), so that `coc schema`
writes the same enum on every machine with the same tzdata.
"""

from __future__ import annotations

import functools


@functools.cache
def names() -> frozenset[str]:
    """Every IANA zone name tzdata knows (`UTC`, `Europe/Berlin`, ...): data, like a zone file."""
    try:
        from importlib import resources

        listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
        found = frozenset(line.strip() for line in listed.splitlines() if line.strip())
    except (ImportError, OSError):  # pragma: no cover - no tzdata: the system's database
        import zoneinfo

        found = frozenset(zoneinfo.available_timezones() - {"localtime"})
    return found


def is_known(name: str) -> bool:
    """Whether `name` is a zone of the list (and so safe to give to ZoneInfo)."""
    return name in names()
