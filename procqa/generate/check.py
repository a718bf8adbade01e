"""The check every generated sentence passes before anyone sees it.

A sentence is kept only if
1. it cites at least one paragraph, and only paragraphs the model was shown;
2. every fact in it occurs in a paragraph it cites: numbers (digits or words), time spans ("24 hrs" is
   "24 hours", "one working day" is "1 working day"), ages, phone numbers, roles ("social worker") and
   names (capitalised words and acronyms: "NSPCC", "Ofsted"); and it occurs in a clause about what the
   sentence is about, not one about another step ("five working days" where the paragraph gives five
   days to a different step);
3. it does not contradict the sentence of the paragraph it rests on: "must" where that says "should" or
   "may", or a "not"/"never" dropped or added;
4. its content is supported: the share of its content words (stemmed) and of its two-word phrases found
   in the cited paragraphs reaches `Settings.llm_support`; or, for a paraphrase in words of its own, it
   reaches `llm_support_floor` and its meaning (the embedding model's cosine with the closest cited
   sentence) reaches `llm_meaning` (all three fitted together on the labelled set's fit half).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
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
NEGATION_SCOPE = 5  # content words after a negation that it governs, within its clause
# A fact is anchored when the clause stating it shares FACT_WORDS of the sentence's other words, or this
# share of what the closest clause shares: "within two working days" belongs to the written referral, not
# the core group; a sentence joining two steps ("call the police on 999, then the duty team on ...") has
# one clause close for each.
FACT_ANCHOR = 0.5
FACT_WORDS = 2
ROOT = 5  # letters of a stem that identify a word when negations are compared
# Bodies a duty is given to, beside the roles of `procqa.facts.roles` (lower case, so not names): "refer
# to the police" where the paragraph says "children's social care" is a wrong body, not a paraphrase.
BODIES = re.compile(
    r"\b(children['’]s social care|social care|social services|local authority|probation|youth offending"
    r"|courts?|schools?|hospitals?|parents?|carers?)\b",
    re.I,
)
# Words whose swap reverses a step: "before" for "after" keeps every word but the meaning (stems).
OPPOSITES = {
    "befor": {"after", "follow"}, "prior": {"after", "follow"}, "after": {"befor", "prior"},
    "earlier": {"later"}, "later": {"earlier"}, "minimum": {"maximum"}, "maximum": {"minimum"},
    "increas": {"decreas", "reduc"}, "decreas": {"increas"}, "reduc": {"increas"},
}  # fmt: skip
# What a time span runs from: "within 5 days OF the child going missing" (the words after these).
_EVENT_LEAD = re.compile(r"^[\s,]*(?:of|from|before|after|following|prior to|since|in advance of)\b", re.I)
_EVENT_END = re.compile(r"\b(?:to|and|so|in order)\b", re.I)  # "of their return | to arrange ..."
EVENT_WORDS = 2  # content words of a sentence's event that must be the paragraph's
PARAGRAPH_EVENT_WORDS = 4  # ... among this many of the paragraph's event
_PERSON = {"child", "children", "young", "person", "peopl", "them", "their"}
EVENT_CONTEXT = 12  # content words before a paragraph's time span that may name its event instead
# A condition or reason around the claim: "Suspension is an automatic requirement | whenever ...".
_CONDITION = re.compile(r"\b(?:whenever|where|if|when|unless|because|so that|once|while)\b", re.I)
# Who does what: the subject of a sentence and its verb ("the police will determine ...").
_SUBJECT_VERB = re.compile(
    r"^(?:(?:if|when|where|once|after|before|while|whenever)\b[^,]*,\s*)?(?P<subj>[^,;]{2,60}?)\s+"
    r"(?:must|should|will|shall|may|can|is|are|has|have)\s+(?:also\s+|then\s+|always\s+|not\s+)?"
    r"(?:be\s+)?(?P<verb>[a-z]{4,})",
    re.I,
)
_AGENT = re.compile(rf"\b(?:{roles.HEADS})\b|{BODIES.pattern}", re.I)
# A strong duty word and the verb it governs; and any modal before a verb in a paragraph.
_STRONG_VERB = re.compile(
    r"\b(?:must|have to|has to|need to|needs to|(?:are|is)?\s*required to|shall)\s+(?:also\s+|always\s+)?"
    r"(?:be\s+)?(?P<verb>[a-z]{4,})",
    re.I,
)
_MODAL_BEFORE = (
    r"\b(?P<modal>must|shall|required to|need to|needs to|should|may|might|can|could)"
    r"\s+(?:\S+\s+){{0,2}}?{verb}"
)
_CLAUSE_END = re.compile(r"(?<=[;:])\s+|\n+")
# Where a negation's reach ends: a clause mark, a contrast, or "and"/"or" starting a new verb phrase
# ("is not an automatic requirement | and should only be recommended ...").
_SCOPE_END = re.compile(
    r"[,;:.!?()]|\b(?:but|however|although|unless|except)\b"
    r"|\b(?:and|or)\s+(?=(?:should|must|may|will|can|is|are)\b)",
    re.I,
)
WEAK = re.compile(r"\b(should|may|might|can|could|consider|ought to|where possible|if possible)\b", re.I)
# "no later than 24 hours" limits a time; it negates nothing.
_NOT_NEGATION = re.compile(r"\bno\s+(later|more|less|longer|sooner|fewer)\s+than\b|\bno\s+one\s+else\b", re.I)
NEGATION = re.compile(r"\b(not|never|no|none|nor|cannot|without|unable)\b|n['’]t\b", re.I)
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
    def spans(self) -> list[timescales.Timescale]:
        return timescales.find_timescales(self.expanded)

    @cached_property
    def timescales(self) -> set[str]:
        return {_span(t) for t in self.spans}

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
    def tokens(self) -> list[str]:
        """Content-word stems in order (`content`)."""
        return content(self.text)

    @cached_property
    def stems(self) -> set[str]:
        return set(self.tokens)

    @cached_property
    def bigrams(self) -> set[tuple[str, str]]:
        return set().union(*(_bigrams(content(u)) for u in split_units(self.text))) if self.text else set()

    @cached_property
    def units(self) -> list[tuple[str, set[str]]]:
        return [(u, set(content(u))) for u in split_units(self.text)]

    @cached_property
    def passages(self) -> list[str]:
        """What a paraphrase may restate: each sentence, each part of a run-together sentence, and each
        two sentences in a row (a model merges them)."""
        units = [u for u, _ in self.units]
        pairs = [f"{a} {b}" for a, b in zip(units, units[1:], strict=False)]
        return list(dict.fromkeys([*units, *(c.text for c in self.clauses), *pairs]))

    @cached_property
    def clauses(self) -> list[Source]:
        """Sentences, and the parts of a sentence the document runs together with ";" (a list of steps
        each with its own timescale, as AWCPP 3.29)."""
        return [Source(c) for u in split_units(self.text) for c in _CLAUSE_END.split(u) if c.strip()]


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


Holds = Callable[[Source], bool]


def facts(sentence: str) -> Iterator[tuple[str, str, Holds]]:
    """Each fact the sentence states: (how a reason names it, its words, whether a source states it)."""
    text = expand_units(sentence)
    for t in timescales.find_timescales(text):
        norm = _span(t)
        yield f"time span '{t.text}'", t.text, lambda s, norm=norm: norm in s.timescales
    for a in ages.find_ages(text):
        yield f"age '{a.text}'", a.text, lambda s, y=str(a.years): y in s.numbers
    for phone in _digits(text):
        yield f"phone number '{phone}'", phone, lambda s, ph=phone: any(ph in p for p in s.phones)
    for n in sorted(_numbers(text)):
        yield f"number '{n}'", n, lambda s, n=n: n in s.numbers
    for role in roles_named(sentence):
        yield f"role '{role}'", role, lambda s, r=role: _role_in(r, s.lower)
    for m in BODIES.finditer(sentence):
        body = m.group(0)
        yield f"body '{body}'", body, lambda s, b=body: _role_in(b, s.lower)
    for word in _names(sentence):
        bare = word.lower().strip("'’")
        yield f"name '{word}'", word, lambda s, b=bare: b in s.words or b.rstrip("s") in s.words


def _role_in(role: str, lower: str) -> bool:
    """The role's words in order, two other words allowed between two of them: "designated safeguarding
    lead" is the paragraph's "designated safeguarding professional lead"."""
    words = tokenize(role)
    return bool(words) and bool(
        re.search(r"\b" + r"(?: \S+){0,2} ".join(map(re.escape, words)) + r"\b", lower)
    )


def unsupported_fact(sentence: str, source: Source) -> str:
    """The first fact of the sentence its cited paragraphs do not state, or state only about another
    step, as a reason; "" when none."""
    stems = set(content(sentence))
    shared = [len(stems & c.stems) for c in source.clauses]
    best = max(shared, default=0)
    for reason, words, holds in facts(sentence):
        if not holds(source):
            return f"{reason} is not in"
        own = set(content(words))
        homes = [c for c in source.clauses if holds(c)]
        need = max(1.0, min(FACT_WORDS, FACT_ANCHOR * (best - len(own))))
        if homes and not any(len((stems - own) & c.stems) >= need for c in homes):
            return f"{reason} is stated about something else in"
    return misplaced_span(sentence, source)


def _span(t: timescales.Timescale) -> str:
    """A time span as compared: "every 6 months" states the same span as "6 months"."""
    return t.normalised.removeprefix("every ")


def _event(after: str, words: int = EVENT_WORDS) -> set[str]:
    """The event a time span runs from, from the text right after it ("of the child going missing"),
    without the words for the child, which every event has ("of their return" = "of the child returning")."""
    m = _EVENT_LEAD.match(after)
    if not m:
        return set()
    said = content(_EVENT_END.split(_SCOPE_END.split(after[m.end() :], maxsplit=1)[0], maxsplit=1)[0])
    return _roots([w for w in said if w not in _PERSON][:words])


def misplaced_span(sentence: str, source: Source) -> str:
    """A time span the paragraph gives, run from another event: "within 5 days of the child returning"
    where it says "of the child going missing", "before an initial conference" where it says "before
    review conferences". Where the paragraph names no event after its span, the words before it may."""
    text = expand_units(sentence)
    for t in timescales.find_timescales(text):
        event = _event(text[t.end :])
        if not event:
            continue
        theirs = []
        for st in source.spans:
            if _span(st) != _span(t):
                continue
            said = _event(source.expanded[st.end :], PARAGRAPH_EVENT_WORDS)
            before = content(_CLAUSE_END.split(source.expanded[: st.start])[-1])[-EVENT_CONTEXT:]
            theirs.append(said or _roots(before) | _roots(content(source.expanded[st.end : st.end + 80])))
        if theirs and not any(event <= words for words in theirs):
            return f"time span '{t.text}' runs from another event in"
    return ""


def _names(sentence: str) -> Iterator[str]:
    """Capitalised words and acronyms that are names ("NSPCC", "Barnardo's", "Social Services")."""
    for m in _NAME.finditer(sentence):
        word = m.group(0)
        start = m.start() == len(sentence) - len(sentence.lstrip())
        # Every sentence opens with a capital: the first word is a name only when it looks like one
        # ("NSPCC", "Barnardo's"), not when a name follows it ("Tell Ofsted"; in "Social Services" the
        # next word is checked).
        looks_named = word.isupper() or word.endswith(("'s", "’s"))
        if word.lower() in _NOT_NAMES or (start and not looks_named):
            continue
        yield word


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
    # A negation is judged against the one sentence closest in words and phrases to the claim (not the
    # condition around it): another sentence as close in words alone ("an early help assessment ... may
    # have been carried out") says nothing of it.
    claim = content(_main_clause(sentence))
    pairs = _bigrams(claim)
    nearest = {
        u: len(set(claim) & u_stems) + len(pairs & _bigrams(content(u))) for u, u_stems in source.units
    }
    closest = [u for u, n in nearest.items() if n == max(nearest.values())]
    if all(_dropped(u, sentence) for u in closest):
        return "drops a negation ('not', 'never')"
    # A negation the paragraph states in any of its sentences is not added ("ensure that no further
    # placements are made" in a list far from the sentence's closest words).
    if all(_dropped(sentence, u) for u in closest) and not _negated_anywhere(sentence, source):
        return "adds a negation"
    if swap := _reversed(stems, closest):
        return swap
    strong = bool(STRONG.search(sentence))
    if strong and not any(UNIT_STRONG.search(u) for u in close) and any(WEAK.search(u) for u in close):
        return "says 'must' where the paragraph says 'should' or 'may'"
    if (d := roles.duty(sentence)) and not any(_has(d.role, u) for u in close):
        return f"gives the duty to '{d.role}', which the paragraph does not"
    return wrong_agent(sentence, source) or weaker_verb(sentence, source)


def _main_clause(sentence: str) -> str:
    """The claim without the condition around it: "If X, do Y" -> "do Y"; "Y whenever X" -> "Y"."""
    m = re.match(r"^\s*(?:if|when|where|once|whenever|unless|while)\b[^,]*,\s*(?P<rest>.+)$", sentence, re.I)
    main = m.group("rest") if m else sentence
    return _CONDITION.split(main, maxsplit=1)[0] or main


def wrong_agent(sentence: str, source: Source) -> str:
    """The sentence's subject (a role or body) does what the paragraph gives someone else to do: "social
    services will determine the process" where it says "the police will determine the process"."""
    m = _SUBJECT_VERB.match(sentence.strip())
    if not m or not re.search(rf"(?:{_AGENT.pattern})\s*$", m.group("subj"), re.I):
        return ""  # the subject must be a role or body ("early contact with the police" is not)
    head = _roots(content(m.group("subj"))[-2:])  # "social services", not the prison service
    verb = content(m.group("verb"))[:1]  # the whole stem: "respons" is not "respond"
    if not head or not verb:
        return ""
    # Who does it in the paragraph: the words before each use of the verb in each clause.
    doers = [_roots(c.tokens[:i]) for c in source.clauses for i, w in enumerate(c.tokens) if w == verb[0]]
    if doers and not any(head <= before for before in doers):
        return f"gives '{m.group('verb')}' to '{m.group('subj').strip()}', which the paragraph does not"
    return ""


def weaker_verb(sentence: str, source: Source) -> str:
    """'must' on a verb the paragraph only ever puts 'should'/'may' on: "you must offer help" where it
    says "help should be offered" (another "must" elsewhere in the sentence does not excuse it)."""
    for m in _STRONG_VERB.finditer(sentence):
        root = m.group("verb").lower()[:ROOT]
        modals = [
            g.group("modal").lower()
            for g in re.finditer(_MODAL_BEFORE.format(verb=re.escape(root)), source.text, re.I)
        ]
        if modals and not any(UNIT_STRONG.search(x) for x in modals):
            return f"says 'must {m.group('verb')}' where the paragraph says '{modals[0]}'"
    return ""


def _has(phrase: str, text: str) -> bool:
    return " ".join(tokenize(phrase)) in " ".join(tokenize(text))


def _scopes(text: str) -> list[set[str]]:
    """The content words each negation governs: the first few after "not", "never", "no" ... up to the
    end of its clause ("does not have to have been an incident" governs "incident")."""
    text = _NOT_NEGATION.sub(" ", text)
    out = []
    for m in NEGATION.finditer(text):
        rest = _SCOPE_END.split(text[m.end() :], maxsplit=1)[0]
        out.append(set(content(rest)[:NEGATION_SCOPE]))
    return out


def _reversed(stems: set[str], closest: list[str]) -> str:
    """'before' where every closest sentence says 'after' (and never 'before'), and the like; a sentence
    saying both ("after the action, within one day") reverses nothing."""
    theirs = [set(tokenize(u)) for u in closest]
    for word in sorted(stems):
        flipped = OPPOSITES.get(word, set())
        if flipped and theirs and not flipped & stems and all(word not in t and t & flipped for t in theirs):
            return f"reverses the paragraph ('{word}…' where it says '{sorted(theirs[0] & flipped)[0]}…')"
    return ""


def _negated_anywhere(sentence: str, source: Source) -> bool:
    """Some sentence of the paragraph negates half the words a negation of `sentence` governs."""
    theirs = [_roots(c) for u, _ in source.units for c in _negated_clauses(u)]
    return any(
        scope and any(len(scope & t) * 2 >= len(scope) for t in theirs)
        for scope in map(_roots, _scopes(sentence))
    )


def _negated_clauses(text: str) -> list[set[str]]:
    """The content words of each clause holding a negation, before and after it: "no conference is
    needed" and "a conference is not required" negate the same thing."""
    text = _NOT_NEGATION.sub(" ", text)
    return [set(content(c)) for c in _SCOPE_END.split(text) if NEGATION.search(c)]


def _dropped(negated: str, other: str) -> bool:
    """`other` says what a negation in `negated` governs (at least half of its words, and two of them when
    it governs more than one), without a negation in a clause of `other` that says any of them. Words
    are compared by their first letters: the stemmer leaves "referr" (referral) beside "refer"."""
    words = _roots(content(other))
    theirs = [_roots(c) for c in _negated_clauses(other)]
    for scope in map(_roots, _scopes(negated)):
        said = len(scope & words)
        # Any word in common: a paraphrase moves the negation ("no conference is needed" for "a
        # conference is not required"); asking for half removed faithful ones.
        negated_too = any(scope & t for t in theirs)
        if scope and said * 2 >= len(scope) and said >= min(2, len(scope)) and not negated_too:
            return True
    return False


def _roots(stems) -> set[str]:
    return {s[:ROOT] for s in stems}


Similar = Callable[[str, list[str]], float]


def check(
    sentence: str,
    cited: tuple[int, ...],
    shown: dict[int, Paragraph],
    threshold: float,
    doc_id: str = "",
    *,
    similar: Similar | None = None,
    floor: float = 0.0,
    meaning: float = 1.01,
) -> Checked:
    """The verdict on one generated sentence (its [n] markers already taken off into `cited`).
    `similar` (sentence, cited sentences -> cosine) is asked only when the words alone fall short."""

    def verdict(kept: bool, reason: str = "", score: float = 0.0, near: float = 0.0) -> Checked:
        return Checked(sentence, cited, kept, reason, score, doc_id, near)

    if not cited:
        return verdict(False, "cites no paragraph")
    missing = [n for n in cited if n not in shown]
    if missing:
        return verdict(False, f"cites [{missing[0]}], which is not one of the paragraphs shown")
    source = Source("\n".join(shown[n].text for n in cited))
    score = support(sentence, source)
    markers = "".join(f"[{n}]" for n in cited)
    if fact := unsupported_fact(sentence, source):
        return verdict(False, f"{fact} {markers}", score)
    if clash := contradiction(sentence, source):
        return verdict(False, f"{clash} ({markers})", score)
    if score >= threshold:
        return verdict(True, "", score)
    near = similar(sentence, source.passages) if similar and score >= floor else 0.0
    if near >= meaning:
        return verdict(True, "", score, near)
    why = f"support {score:.2f} < {threshold:.2f}" + (f", meaning {near:.2f} < {meaning:.2f}" if near else "")
    return verdict(False, f"not supported by {markers} ({why})", score, near)


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
