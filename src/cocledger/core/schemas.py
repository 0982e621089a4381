"""What `coc init` adds so that machines check the ledger too: JSON Schemas of the four file kinds
(for editors, from the models), a CI workflow running `coc validate --base` on pull requests, and
VS Code settings mapping the schemas onto the files. `coc schema` writes the same schemas.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from .. import __version__
from .models import Case, PeopleFile, Policy, SanctionsFile

SCHEMA_DIR = "schemas"
SCHEMA_KINDS: dict[str, type[BaseModel]] = {
    "policy": Policy,
    "people": PeopleFile,
    "sanctions": SanctionsFile,
    "case": Case,
}
FILES_OF_KIND = {
    "policy": "policy.yaml",
    "people": "people.yaml",
    "sanctions": "sanctions.yaml",
    "case": "cases/**/*.yaml",
}
WORKFLOW_FILE = ".github/workflows/coc-validate.yml"
VSCODE_FILE = ".vscode/settings.json"

# The actions this workflow uses, pinned to the commits of their releases (a tag can be moved to
# other code; a commit cannot): actions/checkout v4.2.2 and actions/setup-python v5.6.0.
CHECKOUT_ACTION = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"  # v4.2.2
SETUP_PYTHON_ACTION = "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065"  # v5.6.0

WORKFLOW = """\
# Written by `coc init`: every pull request to this ledger, and every push to its default branch,
# is checked by `coc validate` with its history since the base (append-only; decisions committed
# by council members).
# Problems show as annotations on the changed lines. With `require_signed_commits: true` in
# policy.yaml, import the council's public keys first (gpg --import, or gpg.ssh.allowedSignersFile)
# so that git can verify the signatures.
name: coc validate
on:
  pull_request:
  push:
permissions:
  contents: read
jobs:
  validate:
    # Pull requests, and every push to the default branch: a change pushed without a pull
    # request is judged too (SPEC §6).
    if: github.event_name == 'pull_request' || github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    steps:
      # Actions pinned to commits, not tags: a tag can be moved to other code, a commit cannot.
      - uses: {checkout}  # v4.2.2
        with:
          fetch-depth: 0
          persist-credentials: false
      - uses: {setup_python}  # v5.6.0
        with:
          python-version: "3.12"
      # This job reads the whole confidential ledger: install exactly the version you vetted
      # (`coc init --ci-install SPEC` wrote this line; e.g. a git URL at a commit hash:
      # "cocledger @ git+https://github.com/<owner>/cocledger@<sha>").
      - run: 'pip install "{install}"'
      # Expressions reach the script through env, never inside it (a branch name is input).
      - name: coc validate --base
        env:
          EVENT: ${{{{ github.event_name }}}}
          BASE_REF: ${{{{ github.base_ref }}}}
          BEFORE: ${{{{ github.event.before }}}}
          DEFAULT_BRANCH: ${{{{ github.event.repository.default_branch }}}}
        run: |
          if [ "$EVENT" = pull_request ]; then
            base="origin/$BASE_REF"
          elif [ -n "$BEFORE" ] && [ "$BEFORE" != 0000000000000000000000000000000000000000 ]; then
            base="$BEFORE"
          else
            # a new branch: judged from where it left the default branch
            base="$(git merge-base HEAD "origin/$DEFAULT_BRANCH")"
          fi
          coc validate --base "$base" --format github
"""


def default_install() -> str:
    """What the workflow installs unless `coc init --ci-install` says otherwise: this release."""
    return f"cocledger=={__version__}"


def workflow(install: str) -> str:
    """The CI workflow; `install` is a pip requirement the caller checked (`ci_install`)."""
    return WORKFLOW.format(
        checkout=CHECKOUT_ACTION, setup_python=SETUP_PYTHON_ACTION, install=install
    )


def schema_of(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind, as the models validate it."""
    schema = SCHEMA_KINDS[kind].model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"cocledger {FILES_OF_KIND[kind]}",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_texts() -> dict[str, str]:
    """`<kind>.schema.json` -> its text, stable from run to run (a test compares init's copy)."""
    return {
        f"{kind}.schema.json": json.dumps(schema_of(kind), indent=2, ensure_ascii=False) + "\n"
        for kind in SCHEMA_KINDS
    }


def vscode_schemas(folder: str = "") -> dict[str, str]:
    """yaml.schemas for the YAML extension (yaml-language-server): completion and red squiggles.
    Paths are from the folder VS Code opened, the work tree's top (`folder`: the ledger's folder
    there, "" for a ledger at the top)."""
    prefix = f"{folder}/" if folder else ""
    return {
        f"{prefix}{SCHEMA_DIR}/{kind}.schema.json": prefix + FILES_OF_KIND[kind]
        for kind in SCHEMA_KINDS
    }


def init_files(
    install: str | None = None, with_workflow: bool = True, vscode: str | None = None
) -> dict[str, str]:
    """Files `coc init` writes besides the ledger itself. A ledger in a folder of a larger
    repository gets no workflow: GitHub runs only those at the repository's top, outside the
    ledger's folder (docs/checks.md shows the one to add there). `vscode`: the text of the
    ledger's `.vscode/settings.json` (None: none in the ledger: VS Code reads it only at the work
    tree's top, which `coc init` writes outside the ledger's commit)."""
    files = {f"{SCHEMA_DIR}/{name}": text for name, text in schema_texts().items()}
    if with_workflow:
        files[WORKFLOW_FILE] = workflow(install or default_install())
    if vscode is not None:
        files[VSCODE_FILE] = vscode
    return files
