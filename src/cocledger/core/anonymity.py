"""SPEC §3 An anonymous reporter: does a text meant for the reported person or a witness still
hold anything that names the reporter?

Scrubbing free text always misses something, so the council writes what those parties read
(`coc report share --summary-file`); this check is the second line of defence. It never rewrites
a text: it says which of the reporter's fields it found (never the value) and on which line, and
the action refuses.

Both sides are compared folded: Unicode normalisation (texts equal under NFC stay equal), case
folding, compatibility forms, combining marks dropped (and the strokes of ł, ø, đ...),
typographic apostrophes and dashes made plain. So "ZOË", "Zoe" followed by U+0308 and a plain
"Zoe" all hold the name part "Zoë". Every name part counts, whatever its length, as a whole
word: "Qi" is found in "Qi saw it", not in "Qiang".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import RefusedError
from .models import Person

FULL_NAME = "the reporter's name"
NAME_PART = "a part of the reporter's name"
_PLAIN = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u02bc\u2032`", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict(zip("ıłøđħŧ", "ilodht", strict=True)),  # letters no decomposition takes apart
    }
)
_SEPARATORS = re.compile(r"[\s-]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Term:
    """One thing that would name the reporter: the field it comes from, and its folded form."""

    field: str
    folded: str
    distinctive: bool = False
    """Never an ordinary word by chance (the whole name, an e-mail address, a handle as written),
    unlike a name part or an id ('May', 'will'): what a template's fixed wording is checked for."""


@dataclass(frozen=True)
class Mention:
    """A field of the reporter found in a text, and the first line (from 1) it is on."""

    field: str
    line: int


def fold(text: str) -> str:
    """The caseless, accent-blind form both sides are compared in: Unicode's compatibility
    caseless match, with the marks dropped so that a missing accent still matches. It stays
    decomposed, so that a term is found inside a longer text exactly as it is on its own."""
    step = unicodedata.normalize("NFD", text).casefold()
    step = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", step).casefold())
    bare = "".join(c for c in step if unicodedata.category(c) not in ("Mn", "Me"))
    return bare.translate(_PLAIN)


def _wordy(char: str) -> bool:
    """Part of a word: a letter, digit or underscore, or a mark that belongs to the one before."""
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def _trimmed(raw: str) -> str:
    """A name part without the punctuation around it; an initial keeps its dot ('A.' is not the
    word 'a')."""
    start, end = 0, len(raw)
    while start < end and not _wordy(raw[start]):
        start += 1
    while end > start and not _wordy(raw[end - 1]):
        end -= 1
    core = raw[start:end]
    return core + "." if len(core) == 1 and raw[end : end + 1] == "." else core


def name_parts(name: str) -> list[str]:
    """Each part of a name, folded, split at spaces and hyphens: 'Anne-Zoë Qi' has three."""
    return [part for part in map(_trimmed, _SEPARATORS.split(fold(name))) if part]


def terms_of(reporter_id: str, reporter: Person | None, exempt: Iterable[Person]) -> list[Term]:
    """What would name the reporter: their name and each part of it, their id, e-mail address
    and handles (with and without a leading '@'). A term one of `exempt` has in their own name
    (the recipient in the greeting, the respondent, a witness) is left out: it names them too."""
    own = {part for person in exempt for part in name_parts(person.name)}
    found = [Term("the reporter's id", fold(reporter_id))]
    if reporter is not None:
        parts = name_parts(reporter.name)
        if len(parts) > 1:
            found.append(Term(FULL_NAME, _SPACES.sub(" ", fold(reporter.name)).strip(), True))
        found += [Term(NAME_PART, part) for part in parts]
        if reporter.email:
            found.append(Term("the reporter's e-mail address", fold(reporter.email), True))
        for channel, handle in sorted(reporter.handles.items()):
            field = f"the reporter's {channel} handle"
            found += [Term(field, fold(handle), True), Term(field, fold(handle.lstrip("@")))]
    kept = [t for t in found if t.folded not in own and any(_wordy(c) for c in t.folded)]
    unique: dict[tuple[str, str], Term] = {}
    for term in kept:  # the first of equal terms is the distinctive one
        unique.setdefault((term.field, term.folded), term)
    return list(unique.values())


def _holds(line: str, term: str) -> bool:
    """Whether the folded line holds the folded term as a whole word."""
    start = line.find(term)
    while start != -1:
        end = start + len(term)
        before = start == 0 or not _wordy(line[start - 1])
        if before and (end == len(line) or not _wordy(line[end])):
            return True
        start = line.find(term, start + 1)
    return False


def mentions(text: str, terms: Sequence[Term]) -> list[Mention]:
    """Each field of the reporter the text holds, with the first line it is on."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        folded = _SPACES.sub(" ", fold(line))
        for term in terms:
            named = term.field == NAME_PART and found.get(FULL_NAME) == number
            if term.field not in found and not named and _holds(folded, term.folded):
                found[term.field] = number
    return [Mention(field, line) for field, line in sorted(found.items(), key=lambda f: f[1])]


def refuse_mentions(text: str, terms: Sequence[Term], where: str, fix: str) -> None:
    """Refuse a text that names the reporter, saying where and which field, never the value."""
    found = mentions(text, terms)
    if found:
        held = "; ".join(f"line {m.line} holds {m.field}" for m in found)
        raise RefusedError(f"{where}: {held}: {fix}")
