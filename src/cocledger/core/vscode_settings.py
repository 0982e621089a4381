"""`.vscode/settings.json` as `coc init` leaves it: the ledger's JSON Schemas mapped onto its files
for VS Code's YAML extension (`yaml.schemas`), merged into the settings already there.

VS Code reads the file only at the top of the folder it opened, the work tree's top: a ledger in
a folder of a larger repository gets its entries there, every path given from the top. The
user's own settings are kept: a plain JSON file gets the entries added (its keys, their order and
its indentation kept: all that JSON holds besides the values); a file with comments or trailing
commas (JSONC, which VS Code allows) is left as it is, since rewriting it would lose them, and
the entries are shown to add by hand; a file VS Code could not read either is refused.

Pure: the file's text in, its new text (or none) and what to tell the user out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError

SCHEMAS_KEY = "yaml.schemas"


@dataclass(frozen=True)
class Settings:
    """What `coc init` does with the settings file: its new text (None: leave it as it is) and a
    line for the user ("" when there is nothing to say)."""

    text: str | None
    note: str = ""


def fresh(schemas: dict[str, str]) -> str:
    """A new settings file holding the mapping only."""
    return json.dumps({SCHEMAS_KEY: schemas}, indent=2) + "\n"


def merged(existing: str | None, schemas: dict[str, str], name: str) -> Settings:
    """The settings file with `schemas` added to its `yaml.schemas` (the user's own mappings and
    every other setting kept); `name` is the file as the user knows it, for messages."""
    if existing is None or not existing.strip():
        return Settings(fresh(schemas))
    try:
        data = json.loads(existing)
    except ValueError:
        return _not_plain_json(existing, schemas, name)
    if not isinstance(data, dict):
        raise UsageError(
            f"{name}: holds a JSON {type(data).__name__}, not an object of settings; fix or move "
            "it, then run `coc init` again"
        )
    theirs = data.get(SCHEMAS_KEY, {})
    if not isinstance(theirs, dict):
        return Settings(None, _by_hand(name, f'its "{SCHEMAS_KEY}" is not an object', schemas))
    if all(theirs.get(path) == files for path, files in schemas.items()):
        return Settings(None, f"{name} already maps the ledger's schemas.")
    data[SCHEMAS_KEY] = {**theirs, **schemas}
    text = json.dumps(data, indent=_indent(existing), ensure_ascii=False)
    ending = "\r\n" if "\r\n" in existing else "\n"
    if ending != "\n":
        text = text.replace("\n", ending)
    if existing.endswith("\n"):
        text += ending
    return Settings(text, f"Added the ledger's schemas to {SCHEMAS_KEY} in {name}.")


def _indent(text: str) -> str:
    """The file's own indentation (of its first indented key), else two spaces."""
    found = re.search(r'^([ \t]+)"', text, re.MULTILINE)
    return found.group(1) if found else "  "


# Strings (kept whole, so that `//` in a URL stays), comments, and commas before a closing
# bracket: what JSONC allows besides JSON.
_COMMENT = re.compile(r'"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = re.compile(r'"(?:\\.|[^"\\\n])*"|,(?=\s*[}\]])')


def _blank(match: re.Match[str]) -> str:
    """A comment or trailing comma as spaces (newlines kept), so that lines and columns stay."""
    found = match.group(0)
    return found if found.startswith('"') else re.sub(r"[^\n]", " ", found)


def _not_plain_json(existing: str, schemas: dict[str, str], name: str) -> Settings:
    """A file json refuses: JSONC is left as it is, anything else refused where it breaks."""
    stripped = _TRAILING_COMMA.sub(_blank, _COMMENT.sub(_blank, existing))
    try:
        json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}), so coc cannot add the "
            "ledger's schemas to it; fix it (or move it away), then run `coc init` again"
        ) from None
    return Settings(None, _by_hand(name, "it holds comments or trailing commas (JSONC)", schemas))


def _by_hand(name: str, why: str, schemas: dict[str, Any]) -> str:
    """The note for a file coc leaves as it is: why, and the entries to add."""
    entries = json.dumps({SCHEMAS_KEY: schemas}, indent=2)[1:-1].strip("\n")
    return (
        f"Left {name} as it is: {why}, which coc does not rewrite. For completion and checks of "
        f"the ledger's files in VS Code, add to it:\n{entries}"
    )
