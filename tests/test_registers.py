"""Register files (sanctions.yaml, people.yaml) are rewritten entry by entry, never re-parsed whole."""

from __future__ import annotations

from cocledger.store import yamlio, yamlwrite

REGISTER = """\
# the register
sanctions:
  - id: S-2026-0001  # first one
    kind: warning
    # a hand-written note
    votes: []
  - id: S-2026-0002
    kind: ban
"""


def test_a_changed_entry_is_rewritten_in_place_and_keeps_its_comments() -> None:
    changed = {
        "S-2026-0001": {"id": "S-2026-0001", "kind": "warning", "votes": [{"member": "bob"}]}
    }
    text = yamlwrite.dump_items(REGISTER, "sanctions", changed, {"S-2026-0001", "S-2026-0002"})
    assert text is not None
    assert "# first one" in text and "# a hand-written note" in text and "# the register" in text
    data = yamlio.load_fast(text, "sanctions.yaml")
    assert data["sanctions"][0]["votes"] == [{"member": "bob"}]
    assert data["sanctions"][1] == {"id": "S-2026-0002", "kind": "ban"}


def test_a_new_entry_is_appended_at_the_end() -> None:
    new = {"S-2026-0003": {"id": "S-2026-0003", "kind": "ban", "duration": "3 months"}}
    text = yamlwrite.dump_items(REGISTER, "sanctions", new, {"S-2026-0001", "S-2026-0002"})
    assert text is not None
    ids = [s["id"] for s in yamlio.load_fast(text, "sanctions.yaml")["sanctions"]]
    assert ids == ["S-2026-0001", "S-2026-0002", "S-2026-0003"]


def test_an_empty_flow_list_becomes_a_block_list() -> None:
    text = yamlwrite.dump_items(
        "sanctions: []\n", "sanctions", {"S-2026-0001": {"id": "S-2026-0001"}}, set()
    )
    assert yamlio.load_fast(text or "", "s")["sanctions"] == [{"id": "S-2026-0001"}]


def test_an_unfamiliar_layout_falls_back_to_a_whole_rewrite() -> None:
    flow = "sanctions: [{id: S-2026-0001, kind: ban}]\n"
    assert yamlwrite.dump_items(flow, "sanctions", {}, {"S-2026-0001"}) is None


def test_an_entry_the_layout_hides_is_never_appended_twice() -> None:
    # the file holds S-2026-0002 in a form the splice does not recognise: fall back, don't duplicate
    odd = "sanctions:\n  - kind: ban\n    id: S-2026-0002\n"
    change = {"S-2026-0002": {"id": "S-2026-0002", "kind": "warning"}}
    assert yamlwrite.dump_items(odd, "sanctions", change, {"S-2026-0002"}) is None
