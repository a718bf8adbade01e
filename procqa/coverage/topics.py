"""The topics a policy lead expects procedures to cover, and how a text is judged to name one.

A topics file is a CSV with columns `topic,description` and an optional `also` column: other names for
the topic separated by ";" ("CSE; sexual exploitation"). The shipped list is topics.csv beside this
module; a lead may pass their own.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "topics.csv"

# Words that carry no topic: "Children missing education" is about "missing education".
_GENERIC = {
    "a",
    "an",
    "and",
    "or",
    "of",
    "the",
    "in",
    "from",
    "to",
    "for",
    "with",
    "on",
    "by",
    "child",
    "children",
    "childs",
}
# Words too common to name a topic on their own.
_WEAK = {"abuse", "harm", "risk", "safeguarding", "protection", "care"}
_WORD = re.compile(r"[A-Za-z0-9]+")
_ACRONYM = re.compile(r"^[A-Z0-9]{2,6}$")
SLACK = 4  # words allowed between a name's key words ("missing from care, home and education")


class TopicsError(ValueError):
    """A topics file that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Topic:
    topic: str
    description: str
    names: tuple[tuple[str, ...], ...]  # each name's key words (lower case) or one acronym (as printed)

    @property
    def question(self) -> str:
        """What the checklist asks the engine: the topic and its plain description."""
        return f"{self.topic}: {self.description}" if self.description else self.topic


def key_words(phrase: str) -> tuple[str, ...]:
    """'Children missing education' -> ('missing', 'education'): generic words go, the rest stay in
    order; but 'Child-on-child abuse' keeps every word, since 'abuse' alone would name everything."""
    phrase = re.sub(r"\(.*?\)", " ", phrase)
    if _ACRONYM.match(phrase.strip()):
        return (phrase.strip(),)  # an acronym is matched as printed: "FGM", not "fgm" inside a word
    words = tuple(m.lower() for m in _WORD.findall(phrase))
    kept = tuple(w for w in words if w not in _GENERIC)
    return kept if set(kept) - _WEAK else words


def _names(topic: str, also: str) -> tuple[tuple[str, ...], ...]:
    phrases = [topic, *re.findall(r"\((.*?)\)", topic), *(a for a in also.split(";"))]
    out = []
    for phrase in phrases:
        words = key_words(phrase)
        if words and words not in out:
            out.append(words)
    return tuple(out)


def load_topics(path: Path | None = None) -> list[Topic]:
    """The topics of a CSV file (the shipped list by default); raises TopicsError with one line."""
    path = Path(path) if path else SHIPPED
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TopicsError(f"cannot read topics file {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    rows = list(csv.DictReader(text.splitlines()))
    header = [h.strip().lower() for h in (csv.DictReader(text.splitlines()).fieldnames or [])]
    if "topic" not in header:
        raise TopicsError(f"topics file {path} needs a header line with a 'topic' column (topic,description)")
    topics = []
    for n, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        name = row.get("topic", "")
        if not name:
            raise TopicsError(f"topics file {path}, line {n}: the topic is empty")
        names = _names(name, row.get("also", ""))
        if not names:
            raise TopicsError(f"topics file {path}, line {n}: '{name}' has no words to look for")
        topics.append(Topic(name, row.get("description", ""), names))
    if not topics:
        raise TopicsError(f"topics file {path} lists no topics")
    return topics


def _stem(word: str) -> str:
    # A crude prefix stem: the word less its last two letters, at least five ("suicide" -> "suici" finds
    # "suicidal"); shorter stems let "extremism" find "extreme" and "Prevent" find "prevention".
    return word[: max(5, len(word) - 2)]


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.replace("’", "").replace("'", ""))


def names_in(text: str, name: tuple[str, ...]) -> bool:
    """Does `text` name this (key words in order, at most SLACK words apart, or the acronym as a word)?"""
    tokens = _tokens(text)
    if len(name) == 1 and _ACRONYM.match(name[0]):
        return name[0] in tokens
    lower = [t.lower() for t in tokens]
    stems = [_stem(w) for w in name]
    for i, word in enumerate(lower):
        if not word.startswith(stems[0]):
            continue
        j, ok = i, True
        for stem in stems[1:]:
            nxt = next(
                (k for k in range(j + 1, min(len(lower), j + 2 + SLACK)) if lower[k].startswith(stem)), None
            )
            if nxt is None:
                ok = False
                break
            j = nxt
        if ok:
            return True
    return False


def names_topic(text: str, topic: Topic) -> bool:
    return any(names_in(text, name) for name in topic.names)
