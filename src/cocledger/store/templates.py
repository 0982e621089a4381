"""The notice templates shipped with the package: what `coc init` copies into a new ledger and
what a ledger without its own copy of a template uses."""

from __future__ import annotations

from functools import cache
from importlib import resources

from ..core.messages import TEMPLATE_NAMES, template_path


@cache
def default(name: str) -> str:
    """The package's text of one template."""
    return resources.files("cocledger").joinpath(f"templates/{name}.txt").read_text("utf-8")


def defaults() -> dict[str, str]:
    """Ledger path -> text of every default template, for `coc init`."""
    return {template_path(name): default(name) for name in TEMPLATE_NAMES}
