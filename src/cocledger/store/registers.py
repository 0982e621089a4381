"""people.yaml and sanctions.yaml as registers whose entries are validated when first used.

An action on a ledger of thousands of people and sanctions needs a handful of them: the actor, the
parties, one person's sanctions. A register kept in the parse cache holds each entry as its own
JSON text with the few fields it is looked up by, so an action validates only the entries it
touches, and the register it writes back reuses the texts of every entry it left alone.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel

from ..core.snapshot import LOOKUPS

M = TypeVar("M", bound=BaseModel)
FORMAT = 1  # of `to_bytes`: an entry of another format is not read


def _row(entry: BaseModel) -> tuple[str | None, ...]:
    """An entry's values of the fields its register is looked up by, as LOOKUPS compares them."""
    lookups = LOOKUPS.get(type(entry).__name__, {})
    return tuple(compare(getattr(entry, name)) for name, compare in lookups.items())


class Register(Mapping[str, M], Generic[M]):
    """Entries by id, in file order; each validated from its JSON text on first use."""

    def __init__(
        self,
        model: type[M],
        ids: list[str],
        texts: list[bytes | None],
        models: list[M | None],
        keys: list[tuple[str | None, ...]],
    ) -> None:
        self.model = model
        self.ids = ids
        self._texts = texts
        self._models = models
        self._keys = keys
        self._fields = list(LOOKUPS.get(model.__name__, {}))
        self._position: dict[str, int] = {}
        for n, entry_id in enumerate(ids):  # a duplicate id (validate reports it): the first
            self._position.setdefault(entry_id, n)
        self._all: list[M] | None = None

    @classmethod
    def of(cls, model: type[M], entries: Sequence[M]) -> Register[M]:
        ids = [e.id for e in entries]  # type: ignore[attr-defined]
        return cls(model, ids, [None] * len(entries), list(entries), [_row(e) for e in entries])

    @classmethod
    def from_bytes(cls, model: type[M], data: bytes) -> Register[M] | None:
        """A register as `to_bytes` wrote it; None for anything else."""
        try:
            version, name, ids, texts, keys = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if version != FORMAT or name != model.__name__ or not len(ids) == len(texts) == len(keys):
            return None
        return cls(model, ids, texts, [None] * len(ids), keys)

    def to_bytes(self) -> bytes:
        texts = [
            text if text is not None else self._entry(n).model_dump_json(exclude_none=True).encode()
            for n, text in enumerate(self._texts)
        ]
        return marshal.dumps((FORMAT, self.model.__name__, self.ids, texts, self._keys))

    def _entry(self, n: int) -> M:
        entry = self._models[n]
        if entry is None:
            text = self._texts[n]
            assert text is not None
            entry = self._models[n] = self.model.model_validate_json(text)
        return entry

    def __getitem__(self, entry_id: str) -> M:
        return self._entry(self._position[entry_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._position

    def all(self) -> list[M]:
        """Every entry, in file order (validates those not used yet)."""
        if self._all is None:
            self._all = [self._entry(n) for n in range(len(self.ids))]
        return self._all

    def repeated(self, unique: Sequence[str] = ()) -> list[tuple[str, str, int, int]]:
        """(field, value, first index, later index) of each id, and each value of the `unique`
        lookup fields, held by two entries: an ambiguous register."""
        found: list[tuple[str, str, int, int]] = []
        columns = [("id", None), *((name, self._fields.index(name)) for name in unique)]
        for name, column in columns:
            seen: dict[str, int] = {}
            for n, entry_id in enumerate(self.ids):
                value = entry_id if column is None else self._keys[n][column]
                if value is None:
                    continue
                if value in seen:
                    found.append((name, value, seen[value], n))
                else:
                    seen[value] = n
        return found

    def values_of(self, field: str) -> list[str | None]:
        """Every entry's value of a lookup field, in file order (no entry validated)."""
        column = self._fields.index(field)
        return [keys[column] for keys in self._keys]

    def where(self, field: str, value: str | None) -> list[M]:
        """The entries whose `field` (one of LOOKUPS) has this value, in file order."""
        column = self._fields.index(field)
        wanted = LOOKUPS[self.model.__name__][field](value)
        return [self._entry(n) for n, keys in enumerate(self._keys) if keys[column] == wanted]

    def changed(self, entries: Iterable[M]) -> Register[M]:
        """A new register with these entries in place of every one of their id (a duplicate id
        is validate's to report), new ones appended."""
        ids, texts, models = list(self.ids), list(self._texts), list(self._models)
        keys = list(self._keys)
        places: dict[str, list[int]] = {}
        for n, entry_id in enumerate(ids):
            places.setdefault(entry_id, []).append(n)
        for entry in entries:
            entry_id = entry.id  # type: ignore[attr-defined]
            row = _row(entry)
            if entry_id not in places:
                places[entry_id] = [len(ids)]
                ids.append(entry_id)
                texts.append(None)
                models.append(entry)
                keys.append(row)
                continue
            for n in places[entry_id]:
                texts[n], models[n], keys[n] = None, entry, row
        return Register(self.model, ids, texts, models, keys)

    def without(self, removed: Iterable[str]) -> Register[M]:
        """A new register without the entries of these ids."""
        gone = set(removed)
        keep = [n for n, entry_id in enumerate(self.ids) if entry_id not in gone]
        return Register(
            self.model,
            [self.ids[n] for n in keep],
            [self._texts[n] for n in keep],
            [self._models[n] for n in keep],
            [self._keys[n] for n in keep],
        )
