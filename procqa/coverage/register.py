"""The timescales register: every time-bound duty in a document, and how two documents' timescales for
the same event compare.

One row per timescale found (facts.timescales.find_timescales) in a sentence (facts.sentences.split_units):

    "The date of the first core group meeting must be within ten working days of the initial child
     protection conference."
    -> action "The date of the first core group meeting must be", runs from "the initial child protection
       conference", timescale "10 working days", event "core group" (from "initial conference").

Timescales that are not about time allowed for something are left out by plain word tests (`_not_a_duty`):
ages ("aged 14 to 16 years", "18 months old"), gestation, "24-hour" services, "daily life", look-backs
("in the last 12 months") and periods in conditions or definitions ("missing for more than 7 days",
"for 28 days or more", "in a 12-month period").
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from procqa.engine import Engine
from procqa.facts import roles
from procqa.facts.sentences import split_units
from procqa.facts.timescales import Timescale, find_timescales
from procqa.records import Paragraph

EVENTS = Path(__file__).resolve().parent / "events.csv"
ACTION_WORDS = 14  # an action longer than this is shortened from the left (the end is what binds)
EVENT_WORDS = 8

# The event a timescale runs from: "... within 15 working days OF the strategy discussion".
_FROM = re.compile(r"^[\s,’']*(?:of|from|following|after)\s+(?P<event>[^,.;:()\n]+)", re.IGNORECASE)
# Where an event's noun phrase ends: "the strategy meeting at which it was decided" -> "the strategy meeting".
_EVENT_END = re.compile(
    r"\s+(?:and|or|to|so|which|that|where|when|if|unless|at which|in which|by|for|with|being|is|are|was|"
    r"has|have|had|should|must|will|would|can|may|as)\b.*$",
    re.IGNORECASE,
)
# Words between the action and the timescale: "must be held WITHIN", "at intervals of NO MORE THAN".
_LEAD_IN = re.compile(
    r"(?:\b(?:within|no|not|later|longer|more|less|than|up|to|a|an|the|maximum|minimum|of|at|least|every|"
    r"each|for|in|by|intervals?|but|and|or|period|ideally|certainly|any|event|normally|usually|exceed|"
    r"over|under|after|before|between|only)\b[\s,]*|[\s,(–-]+)+$",
    re.IGNORECASE,
)
_AGE = re.compile(r"\b(?:aged?|old|olds|years? of age|gestation|gestational|born|birthday)\b", re.I)
_SERVICE = re.compile(
    r"^[\s-]*(?:hours?\s+)?(?:helpline|service|services|access|facility|cover|line|a day)\b", re.I
)
_ADJECTIVE = re.compile(
    r"^\s*(?:activities|life|lives|living|functioning|routines?|tasks|care|needs)\b", re.I
)
_AGE_YEARS = re.compile(r"\b(?:is|are|was|under|over|and|between|to|reached)\s+$", re.IGNORECASE)
# A period in a condition or a definition, not a time allowed: "missing for more than 7 days", "for 28 days
# or more", "in a 12-month period", "if the move is within the next 14 days".
_CONDITION_BEFORE = re.compile(
    r"\b(?:more than|longer than|over|under|exceeds?|exceed\)|in excess of|the next|in a|in any)\s+$", re.I
)
_BOUND = re.compile(
    r"\b(?:no|not)\s+(?:(?:more|longer)\s+than|exceed)\s+$", re.IGNORECASE
)  # a limit after all
_CONDITION_AFTER = re.compile(r"^[\s-]*(?:or more|or longer|period|placement)\b", re.IGNORECASE)
_LOOK_BACK = re.compile(r"\b(?:last|past|previous|preceding)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Event:
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class RegisterRow:
    """One time-bound duty."""

    doc_id: str
    label: str
    paragraph: Paragraph
    sentence: str
    printed: str  # the timescale as printed, "ten working days"
    timescale: str  # normalised, "10 working days" or "every 6 weeks"
    action: str  # what the timescale binds, shortened: "The date of the first core group meeting must be"
    runs_from: str  # the event it runs from, "" when the sentence names none
    role: str  # who must act, when the sentence names a role
    event: str  # the register's name for what is timed ("core group"), "" when none matches
    from_event: str  # the register's name for runs_from ("initial conference"), "" when none matches
    limit: bool  # "within", "no later than": a deadline
    recurring: bool  # "every six weeks", "monthly"

    @property
    def ref(self) -> str:
        return f"{self.label} {self.paragraph.cite_ref}"


def load_events(path: Path = EVENTS) -> list[Event]:
    """The events the register recognises, most specific first (the first whose keyword matches wins)."""
    with path.open(encoding="utf-8") as fh:
        return [
            Event(
                row["event"].strip(),
                tuple(k.strip().lower() for k in row["keywords"].split(";") if k.strip()),
            )
            for row in csv.DictReader(fh)
        ]


def event_of(text: str, events: Sequence[Event]) -> str:
    """The first event whose keyword is in `text` (as whole words), else ""."""
    lower = " ".join(text.lower().replace("-", " ").split())
    for event in events:
        for keyword in event.keywords:
            if re.search(rf"(?<![\w]){re.escape(keyword.replace('-', ' '))}(?![\w])", lower):
                return event.name
    return ""


def runs_from(sentence: str, t: Timescale) -> str:
    """The event the timescale runs from: the words after "of/from/following/after" just after it."""
    m = _FROM.match(sentence[t.end :])
    if not m:
        return ""
    event = _EVENT_END.sub("", m.group("event").strip())
    words = event.split()
    return " ".join(words[:EVENT_WORDS]).strip(" ’'\"")


def action_of(sentence: str, t: Timescale) -> str:
    """What the timescale binds: the words before it back to the clause start, without the lead-in
    ("within", "at least"); when the sentence opens with the timescale, the words after it."""
    before = sentence[: t.start]
    before = re.split(r"[;:]\s+|\.\s+", before)[-1]
    before = _LEAD_IN.sub("", before).strip(" -,")
    if before.startswith("- "):
        before = before[2:]
    if not before:
        after = sentence[t.end :]
        if (m := _FROM.match(after)) is not None:
            after = after[m.end() :]
        after = after.lstrip(" ,)").rstrip(" .;")
        return " ".join(after.split()[:ACTION_WORDS])
    parts = before.rsplit(", ", 1)
    if len(parts) == 2 and len(parts[1].split()) >= 4:
        before = parts[1]
    words = before.lstrip("- ").split()
    return ("… " if len(words) > ACTION_WORDS else "") + " ".join(words[-ACTION_WORDS:])


def _not_a_duty(sentence: str, t: Timescale) -> bool:
    before, after = sentence[: t.start], sentence[t.end :]
    if t.unit in ("years", "months", "weeks") and (_AGE.search(after[:25]) or _AGE.search(before[-20:])):
        return True  # an age or a stage of pregnancy, not time allowed
    if t.unit == "years" and not t.recurring and _AGE_YEARS.search(before[-12:]):
        return True  # "someone who is 18 years or over", "between 14 and 16 years"
    if t.unit == "hours" and _SERVICE.match(after):
        return True  # "24-hour helpline", "24 hours a day": when a service is open
    if t.recurring and t.text.lower() in ("daily", "weekly", "monthly", "yearly") and _ADJECTIVE.match(after):
        return True  # "daily life"
    if (
        not t.limit
        and not t.recurring
        and not _BOUND.search(before[-30:])
        and (_CONDITION_BEFORE.search(before[-30:]) or _CONDITION_AFTER.match(after))
    ):
        return True  # a condition or a definition
    return bool(_LOOK_BACK.search(before[-12:]))


def who(sentence: str) -> str:
    if (d := roles.duty(sentence.lstrip("- "))) is not None:
        return d.role
    named = roles.roles_in(sentence)
    return named[0] if named else ""


def register_rows(engine: Engine, doc_id: str, events: Sequence[Event] | None = None) -> list[RegisterRow]:
    """Every time-bound duty in one document, in document order."""
    events = load_events() if events is None else events
    label = engine.docs[doc_id].label
    rows = []
    for p in engine.paragraphs(doc_id):
        for sentence in split_units(p.text):
            for t in find_timescales(sentence):
                if _not_a_duty(sentence, t):
                    continue
                start = runs_from(sentence, t)
                action = action_of(sentence, t)
                rows.append(
                    RegisterRow(
                        doc_id=doc_id,
                        label=label,
                        paragraph=p,
                        sentence=sentence,
                        printed=t.text,
                        timescale=t.normalised,
                        action=action,
                        runs_from=start,
                        role=who(sentence),
                        event=event_of(action, events) or event_of(sentence, events),
                        from_event=event_of(start, events) if start else "",
                        limit=t.limit,
                        recurring=t.recurring,
                    )
                )
    return rows


@dataclass(frozen=True)
class Comparison:
    """One event (and the event it runs from) timed in two documents."""

    event: str
    from_event: str
    a: tuple[RegisterRow, ...]
    b: tuple[RegisterRow, ...]

    @property
    def timescales_a(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.timescale for r in self.a))

    @property
    def timescales_b(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.timescale for r in self.b))

    @property
    def differs(self) -> bool:
        """Both documents time this event and no timescale is shared: worth a lead's look."""
        return bool(self.a and self.b) and not set(self.timescales_a) & set(self.timescales_b)


def compare(rows_a: Sequence[RegisterRow], rows_b: Sequence[RegisterRow]) -> list[Comparison]:
    """Pair the two registers by (event, the event it runs from); only rows with a named event count.
    Events timed in both documents come first, differing ones before agreeing ones."""
    groups: dict[tuple[str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
    for side, rows in enumerate((rows_a, rows_b)):
        for r in rows:
            if r.event:
                groups[(r.event, r.from_event)][side].append(r)
    out = [Comparison(e, f, tuple(a), tuple(b)) for (e, f), (a, b) in groups.items()]
    return sorted(out, key=lambda c: (not (c.a and c.b), not c.differs, c.event, c.from_event))
