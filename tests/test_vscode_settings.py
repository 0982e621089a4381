"""`coc init`'s `.vscode/settings.json` (core.vscode_settings): the ledger's schemas from the work
tree's top, where VS Code reads them, merged into the user's own settings. In memory; the CLI's
part (the file at the top of a larger repository) is in tests/test_subfolder.py."""

from __future__ import annotations

import json

import pytest

from cocledger.core.schemas import vscode_schemas
from cocledger.core.vscode_settings import merged
from cocledger.errors import UsageError

OURS = vscode_schemas("governance/conduct")
NAME = ".vscode/settings.json"


def test_the_paths_are_given_from_the_work_trees_top() -> None:
    assert OURS == {
        "governance/conduct/schemas/policy.schema.json": "governance/conduct/policy.yaml",
        "governance/conduct/schemas/people.schema.json": "governance/conduct/people.yaml",
        "governance/conduct/schemas/sanctions.schema.json": "governance/conduct/sanctions.yaml",
        "governance/conduct/schemas/case.schema.json": "governance/conduct/cases/**/*.yaml",
    }
    assert vscode_schemas()["schemas/case.schema.json"] == "cases/**/*.yaml"


@pytest.mark.parametrize("existing", [None, "", "\n"])
def test_a_missing_or_empty_file_gets_the_mapping_alone(existing: str | None) -> None:
    settings = merged(existing, OURS, NAME)
    assert settings.text is not None and json.loads(settings.text) == {"yaml.schemas": OURS}
    assert settings.note == ""


def test_the_users_settings_order_and_indentation_are_kept() -> None:
    theirs = (
        '{\n\t"editor.tabSize": 4,\n\t"yaml.schemas": {\n'
        '\t\t"https://json.schemastore.org/github-workflow.json": ".github/workflows/*"\n'
        '\t},\n\t"files.exclude": {\n\t\t"**/.cache": true\n\t}\n}\n'
    )
    settings = merged(theirs, OURS, NAME)
    ours = ",\n".join(f'\t\t"{path}": "{files}"' for path, files in OURS.items())
    assert settings.text == (
        '{\n\t"editor.tabSize": 4,\n\t"yaml.schemas": {\n'
        '\t\t"https://json.schemastore.org/github-workflow.json": ".github/workflows/*",\n'
        + ours
        + '\n\t},\n\t"files.exclude": {\n\t\t"**/.cache": true\n\t}\n}\n'
    )
    assert settings.note == f"Added the ledger's schemas to yaml.schemas in {NAME}."
    again = merged(settings.text, OURS, NAME)
    assert again.text is None and "already maps" in again.note


def test_crlf_and_a_missing_final_newline_are_kept() -> None:
    settings = merged('{\r\n  "a": "\u00e9"\r\n}', OURS, NAME)
    assert settings.text is not None
    assert settings.text.startswith('{\r\n  "a": "\u00e9",\r\n  "yaml.schemas": {\r\n')
    assert settings.text.endswith("}\r\n}")


@pytest.mark.parametrize(
    "jsonc",
    [
        '{\n  // my editor\n  "editor.tabSize": 4,\n}\n',
        '{\n  /* a\n  block */ "url": "https://example.org//x",\n  "b": [1, 2,],\n}',
        '{\n  "yaml.schemas": ["not", "an", "object"]\n}\n',
    ],
)
def test_a_file_json_cannot_rewrite_is_left_and_the_entries_shown(jsonc: str) -> None:
    settings = merged(jsonc, OURS, NAME)
    assert settings.text is None
    assert settings.note.startswith(f"Left {NAME} as it is: ")
    shown = settings.note.split("add to it:\n", 1)[1]
    assert json.loads("{" + shown + "}") == {"yaml.schemas": OURS}


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        ('{\n  "a": 1\n  "b": 2\n}\n', ":3:3: not valid JSON (Expecting ',' delimiter)"),
        ('{\n  // fine\n  "a": tru\n}\n', ":3:8: not valid JSON (Expecting value)"),
        ("[]\n", ": holds a JSON list, not an object of settings"),
    ],
)
def test_a_file_vscode_cannot_read_either_is_refused_naming_where(broken: str, where: str) -> None:
    with pytest.raises(UsageError) as refused:
        merged(broken, OURS, NAME)
    assert str(refused.value).startswith(NAME + where)
    assert "then run `coc init` again" in str(refused.value)
