"""The check every generated sentence passes before anyone sees it.

A sentence is kept only if
1. it cites at least one paragraph, and only paragraphs the model was shown;
2. every fact in it occurs in a paragraph it cites: numbers (digits or words), time spans ("24 hrs" is
   "24 hours", "one working day" is "1 working day"), ages, phone numbers, roles ("social worker") and
   names (capitalised words and acronyms: "NSPCC", "Ofsted");
3. it does not contradict the sentence of the paragraph it rests on: "must" where that says "should" or
   "may", or a "not"/"never" dropped or added;
4. its content is supported: the share of its content words (stemmed) and of its two-word phrases found
   in the cited paragraphs reaches `Settings.llm_support` (fitted on the dev part of the labelled set).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from procqa.answer.urgent import PHONE
from procqa.facts import ages, numbers, roles, timescales
from procqa.facts.sentences import split_units
from procqa.index.tokens import tokenize
from procqa.records import Checked, Paragraph

# Short forms a model writes for the units the procedures spell out.
_SHORT_UNITS = [
    (re.compile(r"(\d)\s*(?:hrs?|hours?)\b", re.I), r"\1 hours"),
    (re.compile(r"(\d)\s*(?:mins?)\b", re.I), r"\1 minutes"),
    (re.compile(r"(\d)\s*(?:wks?)\b", re.I), r"\1 weeks"),
    (re.compile(r"(\d)\s*(?:yrs?)\b", re.I), r"\1 years"),
]
_NUMBER = re.compile(rf"\b(?:\d+(?:[.:]\d+)*|{numbers.PATTERN.split('|', 1)[1]})\b", re.I)
# "one" is as often a pronoun ("one of the staff") as a count; it counts inside a time span or an age.
_LOOSE_NUMBERS = {"one"}
_NAME = re.compile(r"(?<![\w'’])(?:[A-Z][a-z'’]+(?:-[A-Z][a-z]+)?|[A-Z]{2,}s?)\b")
# Capitalised words that are not names: sentence openers, the pronoun, days and months.
_NOT_NAMES = {"i", "if", "the", "a", "an", "you", "your", "when", "where", "do", "don't", "this", "that"}
STRONG = re.compile(
    r"\b(must|have to|has to|need to|needs to|are required|is required|required to|shall|will need to)\b",
    re.I,
)
# In the paragraph, only the duty words themselves: "where an agency has to act, a meeting should take
# place" puts a "should" on the meeting.
UNIT_STRONG = re.compile(r"\b(must|shall|required|need to|needs to)\b", re.I)
NEGATION_SCOPE = 5  # words after a negation that it governs
WEAK = re.compile(r"\b(should|may|might|can|could|consider|ought to|where possible|if possible)\b", re.I)
# "no later than 24 hours" limits a time; it negates nothing.
_NOT_NEGATION = re.compile(r"\bno\s+(later|more|less|longer|sooner|fewer)\s+than\b|\bno\s+one\s+else\b", re.I)
NEGATION = re.compile(r"\b(not|never|no|none|nor|cannot|without)\b|n['’]t\b", re.I)
_MARKERS = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEAD = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•]|step\s+\d+\s*[:.)-])\s*", re.I)
# Modal and filler words that carry the duty, not the content: they are judged by rule 3, not rule 4.
_FILLER = {
    "must", "may", "might", "need", "needs", "shall", "also", "make", "sure", "ensure", "alway", "always",
    "not", "never", "no", "immedi", "immediately", "first", "next", "then", "step", "person",
}  # fmt: skip


def expand_units(text: str) -> str:
    for pattern, repl in _SHORT_UNITS:
        text = pattern.sub(repl, text)
    return text


def _numbers(text: str) -> set[str]:
    found = set()
    for m in _NUMBER.finditer(text):
        word = m.group(0).lower()
        if word in _LOOSE_NUMBERS:
            continue
        v = numbers.value(word)
        found.add(word if v is None else (str(int(v)) if v == int(v) else str(v)))
    for t in timescales.find_timescales(text):  # "one working day": the one counts here
        found.add(str(int(t.amount)) if t.amount == int(t.amount) else str(t.amount))
    for a in ages.find_ages(text):
        found.add(str(a.years))
    return found


def _digits(text: str) -> set[str]:
    return {re.sub(r"\D", "", m.group(0)) for m in PHONE.finditer(text)}


def _negated(text: str) -> bool:
    return bool(NEGATION.search(_NOT_NEGATION.sub(" ", text)))


_NUMBER_WORD = re.compile(rf"\b(?:{numbers.PATTERN.split('|', 1)[1]})\b", re.I)


def content(text: str) -> list[str]:
    """Content-word stems, with "twenty-four hrs" read as "24 hours" so both spellings match."""
    text = _NUMBER_WORD.sub(lambda m: str(int(numbers.value(m.group(0)) or 0)), expand_units(text))
    return [w for w in tokenize(text) if w not in _FILLER]


def _bigrams(stems: list[str]) -> set[tuple[str, str]]:
    return set(zip(stems, stems[1:], strict=False))


@dataclass(frozen=True)
class Source:
    """The paragraphs a sentence cites, read once for every check."""

    text: str

    @cached_property
    def expanded(self) -> str:
        return expand_units(self.text)

    @cached_property
    def lower(self) -> str:
        return " ".join(tokenize(self.text))

    @cached_property
    def timescales(self) -> set[str]:
        return {t.normalised.removeprefix("every ") for t in timescales.find_timescales(self.expanded)}

    @cached_property
    def numbers(self) -> set[str]:
        return _numbers(self.expanded)

    @cached_property
    def phones(self) -> set[str]:
        return {re.sub(r"\D", "", self.text)} if self.text else set()

    @cached_property
    def words(self) -> set[str]:
        return {w.lower().strip("'’") for w in re.findall(r"[A-Za-z'’]+", self.text)}

    @cached_property
    def stems(self) -> set[str]:
        return set(content(self.text))

    @cached_property
    def bigrams(self) -> set[tuple[str, str]]:
        return set().union(*(_bigrams(content(u)) for u in split_units(self.text))) if self.text else set()

    @cached_property
    def units(self) -> list[tuple[str, set[str]]]:
        return [(u, set(content(u))) for u in split_units(self.text)]


def support(sentence: str, source: Source) -> float:
    """Mean of the share of the sentence's content stems and of its two-stem phrases in the source."""
    stems = content(sentence)
    if not stems:
        return 0.0
    uni = sum(s in source.stems for s in stems) / len(stems)
    pairs = _bigrams(stems)
    bi = sum(p in source.bigrams for p in pairs) / len(pairs) if pairs else uni
    return (uni + bi) / 2


# A role's name, longest first: "the consultant paediatrician", not "the consultant".
_ROLE = re.compile(
    rf"\b(?:the|a|an|any|each|every)\s+(?P<role>{roles._MODIFIER.removesuffix('?')}(?:{roles.HEADS}))\b", re.I
)


def roles_named(sentence: str) -> list[str]:
    """The roles a sentence names, without descriptions ("a named health visitor" -> "health visitor")."""
    out = []
    for m in _ROLE.finditer(sentence):
        words = roles.role_name(m.group("role")).split()
        while words and words[0].lower() in roles.VAGUE:
            words.pop(0)
        name = " ".join(words)
        if name and name.lower() not in roles.GENERIC and not re.search(r"\b(or|and)\b", name):
            out.append(name)
    return out


def unsupported_fact(sentence: str, source: Source) -> str:
    """The first fact of the sentence its cited paragraphs do not state, as a reason; "" when none."""
    text = expand_units(sentence)
    for t in timescales.find_timescales(text):
        if t.normalised.removeprefix("every ") not in source.timescales:
            return f"time span '{t.text}'"
    for a in ages.find_ages(text):
        if str(a.years) not in source.numbers:
            return f"age '{a.text}'"
    for phone in _digits(text):
        if not any(phone in p for p in source.phones):
            return f"phone number '{phone}'"
    for n in sorted(_numbers(text) - source.numbers):
        return f"number '{n}'"
    for role in roles_named(sentence):
        if " ".join(tokenize(role)) not in source.lower:
            return f"role '{role}'"
    for m in _NAME.finditer(sentence):
        word = m.group(0)
        start = m.start() == len(sentence) - len(sentence.lstrip())
        # Every sentence opens with a capital: the first word is a name only when it looks like one
        # ("NSPCC", "Barnardo's", "Social Services").
        looks_named = (
            word.isupper() or word.endswith(("'s", "’s")) or _NAME.match(sentence[m.end() :].lstrip())
        )
        if word.lower() in _NOT_NAMES or (start and not looks_named):
            continue
        bare = word.lower().strip("'’")
        if bare not in source.words and bare.rstrip("s") not in source.words:
            return f"name '{word}'"
    return ""


def contradiction(sentence: str, source: Source) -> str:
    """'must' where the paragraph's sentence says 'should'/'may', or a negation dropped or added: the
    sentence is compared with the cited sentences closest to it in content words."""
    stems = set(content(sentence))
    if not stems or not source.units:
        return ""
    overlaps = [(len(stems & u_stems), u) for u, u_stems in source.units]
    best = max(o for o, _ in overlaps)
    if best == 0:
        return ""
    close = [u for o, u in overlaps if o >= max(1, 0.8 * best)]
    if all(_dropped(u, sentence) for u in close):
        return "drops a negation ('not', 'never')"
    if all(_dropped(sentence, u) for u in close):
        return "adds a negation"
    strong = bool(STRONG.search(sentence))
    if strong and not any(UNIT_STRONG.search(u) for u in close) and any(WEAK.search(u) for u in close):
        return "says 'must' where the paragraph says 'should' or 'may'"
    if (d := roles.duty(sentence)) and not any(_has(d.role, u) for u in close):
        return f"gives the duty to '{d.role}', which the paragraph does not"
    return ""


def _has(phrase: str, text: str) -> bool:
    return " ".join(tokenize(phrase)) in " ".join(tokenize(text))


def _scopes(text: str) -> list[set[str]]:
    """The content words each negation governs: the few words after "not", "never", "no" ..."""
    text = _NOT_NEGATION.sub(" ", text)
    return [set(content(" ".join(text[m.end() :].split()[:NEGATION_SCOPE]))) for m in NEGATION.finditer(text)]


def _dropped(negated: str, other: str) -> bool:
    """`other` says what a negation in `negated` governs (at least half of its words), without a negation
    of its own over those words."""
    words = set(content(other))
    theirs = _scopes(other)
    for scope in _scopes(negated):
        if scope and len(scope & words) * 2 >= len(scope) and not any(scope & t for t in theirs):
            return True
    return False


def check(
    sentence: str,
    cited: tuple[int, ...],
    shown: dict[int, Paragraph],
    threshold: float,
    doc_id: str = "",
) -> Checked:
    """The verdict on one generated sentence (its [n] markers already taken off into `cited`)."""

    def verdict(kept: bool, reason: str = "", score: float = 0.0) -> Checked:
        return Checked(sentence, cited, kept, reason, score, doc_id)

    if not cited:
        return verdict(False, "cites no paragraph")
    missing = [n for n in cited if n not in shown]
    if missing:
        return verdict(False, f"cites [{missing[0]}], which is not one of the paragraphs shown")
    source = Source("\n".join(shown[n].text for n in cited))
    score = support(sentence, source)
    markers = "".join(f"[{n}]" for n in cited)
    if fact := unsupported_fact(sentence, source):
        return verdict(False, f"{fact} is not in {markers}", score)
    if clash := contradiction(sentence, source):
        return verdict(False, f"{clash} ({markers})", score)
    if score < threshold:
        return verdict(False, f"not supported by {markers} (support {score:.2f} < {threshold:.2f})", score)
    return verdict(True, "", score)


def sentences(reply: str) -> list[tuple[str, tuple[int, ...]]]:
    """The model's reply as (sentence, cited numbers): markers after a full stop belong to the sentence
    before it; list bullets, headings ("Steps:") and bold marks are dropped."""
    out: list[tuple[str, tuple[int, ...]]] = []
    text = reply.replace("**", "").replace("\r", "")
    # "Do this. [1]" -> "Do this [1].", so splitting at full stops keeps markers with their sentence.
    text = re.sub(r"([.!?])((?:[ \t]*\[\d+(?:\s*[,;]\s*\d+)*\])+)", r"\2\1", text)
    for line in text.splitlines():
        line = _LEAD.sub("", line).strip()
        for part in re.split(r"(?<=[.!?])\s+", line):
            cited = tuple(
                dict.fromkeys(int(n) for group in _MARKERS.findall(part) for n in re.split(r"[,;]", group))
            )
            words = " ".join(_MARKERS.sub(" ", part).split()).strip()
            words = re.sub(r"\s+([.!?,;:])", r"\1", words)
            if not re.search(r"[A-Za-z]", words):
                if cited and out and not out[-1][1]:  # a marker on a line of its own
                    out[-1] = (out[-1][0], cited)
                continue
            if words.endswith(":") and not cited:  # a heading the model wrote, not a claim
                continue
            out.append((words, cited))
    return out
