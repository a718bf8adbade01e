"""The facts of one document a quiz can test, each tied to the sentence and paragraph that state it.

A fact is a value (a timescale, an age, a role, a term, the "not" of a prohibition) at a known place in a
sentence the procedures print, so an item can gap it, swap it for a distractor or ask for it, and its
checks can find it again in the paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from procqa.facts import acronyms, ages, definitions, roles, statutes, timescales
from procqa.facts.sentences import ANAPHORA, split_units
from procqa.records import Paragraph

# A sentence an item can quote: long enough to say something, short enough to read in a quiz.
MIN_WORDS, MAX_WORDS = 8, 45
# Only a duty's "not" makes a fair false statement when dropped ("should not ask" -> "should ask");
# "do not wish" in a condition does not.
PROHIBITION = re.compile(r"\b(?:must|should|shall|will)\s+(?P<not>not|never)\b", re.IGNORECASE)
# A duty stated positively; denying it ("must" -> "must not") makes a false statement.
# Not before a negative word ("should have no other role" denied reads "should not have no ...").
OBLIGATION = re.compile(
    r"\b(?P<modal>must|should)\b(?!\s+(?:not|never|also|only|always|still)\b)(?!(?:\s+\w+){0,3}\s+(?:no|not|never|nothing|neither|nor)\b)"
)
# "Where this is because of ...": the sentence leans on the one before as much as "This ..." does.
LEANING_CLAUSE = re.compile(
    # "If so, then local authority children's social care should notify ...": if what?
    r"^(?:where|when|if|as|because|although|while|unless)\s+(?:this|these|that|those|they|it|such|so|not)\b|"
    # "Alternatively, a strategy discussion should be convened ...": instead of what the one before says
    r"^(?:alternatively|instead|similarly|likewise|furthermore|moreover|again|conversely|nevertheless|"
    r"nonetheless|thus|hence|but)\b|"
    # "The second ('Right to Know') is triggered ...", "The first and second photographs will be sent ...":
    # the one before introduced the series
    r"^the\s+(?:second|third(?!\s+sector)|fourth|fifth|latter|former|first\s+and\s+second)\b",
    re.IGNORECASE,
)
# "When the process carried out at section 4.10.6 is followed", "in line with Part A, chapter 4": the
# sentence points at another part of the document for what it means.
# "... falling within paragraph (a) (iii) above" likewise.
POINTS_ELSEWHERE = re.compile(
    r"\bat section \d|\bin line with Part [A-Z]\b|\bparagraph\s+\(|\)\s+(?:above|below)\b", re.IGNORECASE
)
# "Reports The LSCB should ensure ...": a one-word heading the source ran into its first sentence.
# "THE ROLE OF EDUCATION Schools have ...": a heading in capitals likewise.
FUSED_HEADING = re.compile(r"^[A-Z][a-z]+\s+(?:The|A|An|All|Each|Any)\s|^(?:[A-Z]{2,}\s+){2,}[A-Z][a-z]")
# Two sentences the source ran together: "... immediately The key worker should", or a sentence ending
# in the next heading's number ("... 5.4.4."). Not "; Do not confront ...": the AWCPP boxes' checklists
# join their steps with semicolons (refusing those cost the boxes a 20-item quiz).
RUN_TOGETHER = re.compile(r"[a-z,] The [a-z]|\s\d+(?:\.\d+)+\.$")
# "... check that this has occurred", "In their absence the ...": a pronoun standing for something
# said before ("this" or "these" as a subject, or a pronoun in the sentence's first words). Not
# "that": "a child that is at risk" is a relative clause.
LEANING_PRONOUN = re.compile(
    r"\b(?:this|these)\s+(?:has|have|is|are|was|were|should|must|will|may|can|would|could|"
    r"occurs|happens|means|includes)\b|^\W*(?:\w+\s+){0,2}(?:their|they|them|its|his|her)\b",
    re.IGNORECASE,
)
# "Requests for these checks should ...", "... assist parents to do so", "this consultation": a
# determiner or "so" pointing back at the sentence before. Not "these procedures" (the document itself).
LEANING_DETERMINER = re.compile(
    r"\b(?:this|these|those)\s+(?!procedures?\b|guidance\b|document\b|chapter\b|protocol\b|policy\b)"
    r"[a-z]|\b(?:do|doing|did|done)\s+so\b|\b(?:described|mentioned|set out|outlined)\s+(?:above|below)\b|"
    r"\bthe above\b|\bsuch\s+(?:a|an)\s|"
    # "The team manager will then discuss the matter ...": after what?
    r"\b(?:will|should|must|can|may|would)\s+then\b",
    re.IGNORECASE,
)
RANGE_END = re.compile(r"\s*(?:and|to|-|–)\s*\d")
RANGE_START = re.compile(r"\b\d+(?:\s+[a-z]+)?\s*(?:and|to|-|–)\s*$")  # "8 and", "13 years to"
FIRST_PERSON = re.compile(r"\b(?:I|we|our|us)\b")
SECTION = re.compile(r"^((?:[A-Z]\d? )?\d+(?:\.\d+)?)")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "by", "be", "is", "are", "was",
    "were", "with", "as", "at", "that", "this", "it", "its", "from", "their", "they", "there", "which",
    "who", "whom", "what", "when", "where", "must", "should", "will", "shall", "can", "may", "not",
    "no", "any", "all", "each", "every",
})  # fmt: skip


@dataclass(frozen=True)
class Fact:
    fact: str  # timescale | age | role | definition | dont | duty | listed | law | acronym | statement
    # | sequence
    paragraph: Paragraph
    sentence: str  # the unit as printed (the quote)
    value: str  # the answer as printed
    norm: str  # the value normalised, to tell two answers apart
    start: int = -1  # where `value` sits in `sentence`; -1 when it is not gapped (definitions)
    end: int = -1
    # definitions: the defining words; roles: what the role does; listed: the lead-in; acronym: the
    # acronym; statement: what replaces `value` to make the statement false
    prompt: str = ""
    table: bool = False  # acronym: a row of the document's acronym table, not spelt out in a sentence

    @property
    def gapped(self) -> str:
        return f"{self.sentence[: self.start]}_____{self.sentence[self.end :]}" if self.start >= 0 else ""

    @cached_property  # compared against every fact of its kind by the ambiguity check: work it out once
    def context(self) -> frozenset[str]:
        """The sentence's content words without the value: two facts with the same context and
        different values make a stem ambiguous."""
        rest = (
            self.sentence[: self.start] + " " + self.sentence[self.end :] if self.start >= 0 else self.prompt
        )
        return content_words(rest)

    @property
    def key(self) -> str:
        """What the fact tests: one item per key in a quiz."""
        return f"{self.fact}:{self.norm}:{' '.join(sorted(self.context))[:200]}"


def content_words(text: str) -> frozenset[str]:
    """A text's words without function words (nor "cannot", whose "not" is a polarity, not content)."""
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP and w != "cannot")


def section_of(p: Paragraph) -> str:
    """The section a paragraph belongs to, as a ref: "A 1.6", "3.8", "Glossary"."""
    m = SECTION.match(p.ref)
    return m.group(1) if m else p.ref.split(":")[0].split()[0]


# A heading's own number ("40.1 ", "3.21 ", "Box 14: ") and the titles that say nothing of the topic.
HEADING_NUMBER = re.compile(r"^(?:Box \d+:\s*|\d+(?:\.\d+)*\.?\s+)")
# "Safeguarding and Promoting the Welfare of Sexually" (the PDF ran "Active Young People" into the text):
# a heading ending in a word no title ends in was cut; the chapter's title is named instead.
# (A capitalised adverb ends no Title Case heading; "Sharing Information safely" is whole.)
_CUT = re.compile(
    r"\b(?:[Oo]f|[Aa]nd|[Oo]r|[Tt]he|[Tt]o|[Ff]or|[Ii]n|[Aa]n?|[Ww]ith|[Oo]n|[Bb]y|[A-Z]\w+ly)$"
)
_GENERIC_TITLES = frozenset({"introduction", "overview", "purpose", "background", "scope", "summary"})


def section_title(p: Paragraph) -> str:
    """What the paragraph's section is about, as its heading says: "Parents who Misuse Substances" for
    SET B 40.1.5; the chapter's title when the section's is "Introduction"; "" when there is none."""
    for title in (p.heading[2:3] + p.heading[1:2])[:2]:
        title = HEADING_NUMBER.sub("", title).strip().rstrip(":.").strip()
        if re.search(r"[A-Za-z]", title) and title.lower() not in _GENERIC_TITLES and not _CUT.search(title):
            return title  # not "33.1" alone, nor a heading the PDF cut mid-line
    return ""


# "If a child has communication difficulties, these should be considered ...": a bare pronoun opening
# the main clause stands for the opening clause's subject, in the sentence itself.
_OWN_ANTECEDENT = re.compile(
    r"^((?:if|when|where|whenever|once)\b[^,]+,\s*)(?:this|these|it|they)\s+(?=(?:should|must|will|may|can|"
    r"is|are|needs?)\b)",
    re.IGNORECASE,
)


def leans(text: str) -> bool:
    """The text needs what came before it ("This ...", "If so, ...", "these checks", "in line with Part
    A, chapter 4"), runs two sentences together, or speaks in the first person (a preface's "I am pleased
    ..." states no procedure). A pronoun whose antecedent is in the text itself does not lean."""
    own = _OWN_ANTECEDENT.sub(r"\1", text)
    return bool(
        ANAPHORA.match(text)
        or LEANING_CLAUSE.match(text)
        or LEANING_PRONOUN.search(own)
        or LEANING_DETERMINER.search(own)
        or RUN_TOGETHER.search(text)
        or POINTS_ELSEWHERE.search(text)
        or FIRST_PERSON.search(text)
    )


# A paragraph's last sentence whose full stop the PDF lost ("No child may be kept in police protection
# for more than 72 hours"): a verb, and a last word no fragment, title or citation ends in.
_FINITE = re.compile(
    r"\b(?:must|should|may|will|shall|can|cannot|is|are|has|have)\s+(?:not\s+|be\s+)?[a-z]+", re.IGNORECASE
)
_LAST_WORD = re.compile(
    r"\s(?!(?:the|an?|of|to|in|on|for|and|or|by|with|at|from|as|that|which|is|are|be)$)[a-z][a-z'’-]*[a-z]$"
)


def _lost_stop(sentence: str) -> bool:
    return ":" not in sentence and bool(_FINITE.search(sentence)) and bool(_LAST_WORD.search(sentence))


def quotable(sentence: str, last: bool = False) -> bool:
    """A whole sentence that stands on its own: capitalised, ended (or a paragraph's `last`, whose full
    stop the PDF lost), not a list item, no "This ..."."""
    return (
        MIN_WORDS <= len(sentence.split()) <= MAX_WORDS
        and sentence[0].isupper()
        and (sentence.endswith(".") or (last and _lost_stop(sentence)))
        and not sentence.startswith("- ")
        and not leans(sentence)
        and not FUSED_HEADING.match(sentence)
        and sentence.count("(") == sentence.count(")")
        and sentence.count("“") == sentence.count("”")
        and "•" not in sentence
    )


# A list's lead-in and its items: "Community circumstances which can foster gangs include:" then
# "- Family members involved in gang activity". Each item is a fact the list states.
QUOTE_JOIN = " … "  # a list item's quote: its lead-in … the item
LIST_MIN_ITEMS = 3  # two bullets are a sentence broken in two, not a list a trainer can quiz
LIST_ITEM_WORDS = (2, 20)  # an option a learner reads at a glance; longer items are paragraphs
LEAD_WORDS = (2, 40)
# Connectives a list item ends with or a pointer it holds ("See Part A ..."): not a statement of its own.
_ITEM_TAIL = re.compile(r"(?:[;,.]|\s+(?:and|or))+\s*$", re.IGNORECASE)
# A lead-in that is half a clause ("If the referring staff member:", "... are presented and:") cannot
# be quoted as the list's subject; "If a professional is concerned ..., the professional should:" can.
# A lead-in ending "to:" or "by:" announces verb phrases ("The tasks for all conferences are to:",
# "Immediate protection may be achieved by:"); one whose "to" takes a noun ("a co-ordinated approach
# to:", "restricting access to:") is half a phrase.
_DANGLING = re.compile(
    # (not "an appropriate professional, such as a:": its items name the professional)
    # ("The custodian will provide the registration status of the child and if registered:")
    r"^(?:if|unless|where|when)\b[^,]*:$|\b(?:and|or)\s+(?:if|unless)\b[^,]*:$|"
    r"\b(?:and|or|but|the|of|with)\s*:$|(?<!such as )\ban?\s*:$|"
    r"\b(?:approach|respond|relate|relating|access|risks?|consideration|attention|as|according|due|"
    r"regard|respect|addition|limited|contribution|up|e\.g\.|i\.e\.)\s+(?:to|by)\s*:$",
    re.IGNORECASE,
)
_POINTING = frozenset({
    "following", "include", "includes", "including", "below", "these", "are", "always", "applied",
    "example", "examples",
})  # fmt: skip
# Content words a lead-in needs to say what its list is: three; two where the stem names the list's
# section too ("In “Unallocated Child Protection Cases”, ... under “Unallocated cases must be”"); one in a
# lead-in of SHORT_LEAD words or fewer, which names whose duty the list is ("In “Keeping professionals
# safe”, ... under “Professionals should not”", "Managers should:", "Do not:").
LEAD_CONTENT = 3
SHORT_LEAD = 3
# "The Home Office guidance Achieving Best Evidence in Criminal Proceedings:": a lead-in ending in a
# title names a document, not what its list is.
_ENDS_IN_TITLE = re.compile(r"(?:\b[A-Z][\w’'-]*(?:\s+(?:in|of|and|for|on|the|to))*\s+){3,}[A-Z][\w’'-]*$")
_PREPOSITION = re.compile(
    r"^(?:for|in|on|with|at|by|from|to|under|after|before)\b", re.IGNORECASE
)  # "For other children:"
_READING = re.compile(r"\b(?:links?|publications?|websites?|further reading|resources)\b", re.IGNORECASE)
_POINTER = re.compile(
    r"^(?:see|refer to|for more|as (?:above|below))\b|\bappendix\b|https?:|www\.|@|:$", re.IGNORECASE
)
_PROSE = re.compile(
    r"\b(?:must|should|shall|will|needs?\s+to|(?:is|are)\s+required\s+to)\b|^[\w ]{1,20}:\s|^such\b",
    re.IGNORECASE,
)
_CITES_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _cites(item: str) -> bool:
    """A publication's year ("..., Welsh Assembly Government 2006"), not an Act's ("Human Rights Act
    1998": a list of the Acts that apply is procedure)."""
    return bool(_CITES_YEAR.search(statutes.ACT.sub("", item)))


# "If that threshold is not yet met, then ...": an item pointing back at the one before.
_ITEM_LEANS = re.compile(
    r"^(?:if|where|when|unless)\s+(?:that|this|these|those|such)\b|"
    r"\bthe\s+(?:first|last|other)\s+(?:two|three|four|options?)\b",  # "In the case of the first two options"
    re.IGNORECASE,
)
# Two bullets the source ran together: "... development; and The adequacy ...", "... 18 years Has died".
_MERGED = re.compile(r";\s*(?:and|or)\s+[A-Z]|\s(?:Has|Have|Is|Are|Was|Were)\s")
# A sub-bullet the PDF printed as "o" ("o Significant learning difficulties"), or a bullet's own label
# ("(ii) Training of persons ..."): an option carrying its label gives the list's order away.
_GLYPH = re.compile(r"^(?:o|\((?:[ivx]+|[a-h])\))\s+(?=[A-Z])")
_PHONE = re.compile(r"(?:Tel\.?:?\s*)?[\d\s()+-]{7,}")
_OWN_PART = re.compile(r"(?:Part|Chapter|Appendix)\s+\d", re.IGNORECASE)  # (an Act's are "Section 12")
# "4.3.1 Allegations of child abuse by staff in residential homes": a contents list of headings.
_HEADING_ITEM = re.compile(r"^\d+(?:\.\d+)+\s")


def list_item(unit: str) -> str:
    """A bullet without its "- " and the "; and" that joins it to the next, or "" when it cannot
    stand as an option.

    A member of a list is a phrase ("Parents deliberately frustrate the enquiries"). A bullet of
    several sentences, or one that states a duty of its own ("Reasons for exclusion must be noted"), a
    leaning "Such requests ..." or a labelled "Very High: ..." is prose the source set as a bullet,
    often after the list proper, and is not what the lead-in announces."""
    text = _GLYPH.sub("", unit.removeprefix("- ").strip())
    if len(re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)) > 1 or _PROSE.search(text) or ANAPHORA.match(text):
        return ""
    if _ITEM_LEANS.search(text) or LEANING_DETERMINER.search(text) or _HEADING_ITEM.match(text):
        return ""
    if _MERGED.search(text) or re.match(r"(?:and|or|but)\s", text, re.IGNORECASE):
        return ""  # "And other forms of slavery": the tail of the bullet before
    value = _ITEM_TAIL.sub("", text).strip()
    words = len(value.split())
    if not LIST_ITEM_WORDS[0] <= words <= LIST_ITEM_WORDS[1] or _POINTER.search(value):
        return ""
    if value.count("(") != value.count(")") or value.count("“") != value.count("”") or "•" in value:
        return ""
    return value


def list_facts(p: Paragraph) -> list[Fact]:
    """The items of each list the paragraph prints under a lead-in that says what the list is."""
    units = split_units(p.text)
    found: list[Fact] = []
    for i, lead in enumerate(units):
        if lead.startswith("- ") or not lead.endswith(":"):
            continue
        items = []
        for unit in units[i + 1 :]:
            if not unit.startswith("- "):
                break
            items.append(unit)
        words = len(lead.split())
        if (
            len(items) < LIST_MIN_ITEMS
            or not LEAD_WORDS[0] <= words <= LEAD_WORDS[1]
            or not lead[0].isupper()
            # "Where this occurs, ...:", "The social worker must facilitate this by:", "Their main roles
            # are:", "... in line with Part B, chapter 3, ..., to:"
            or leans(lead)
            or _DANGLING.search(lead)
        ):
            continue
        prompt = lead.rstrip(":").strip()
        # A reading list ("The links relate to publications about ...:") holds titles, not procedure;
        # so does a list most of whose items cite a year ("The procedures take account of the
        # following: ... Safeguarding Children, Welsh Assembly Government 2006").
        if (
            _READING.search(prompt)
            or _ENDS_IN_TITLE.search(prompt)
            or sum(_cites(u) for u in items) * 2 >= len(items)
        ):
            continue
        # "- NPFS Eastern Area Portsmouth", "- (02392) 722712": a directory of contacts, not procedure
        if any(_PHONE.fullmatch(_ITEM_TAIL.sub("", u.removeprefix("- ")).strip()) for u in items):
            continue
        # "The procedures are in five parts: - Part 4 provides ...": the document's plan, not procedure.
        if sum(bool(_OWN_PART.match(list_item(u) or u.removeprefix("- "))) for u in items) * 2 >= len(items):
            continue
        # A lead-in that only points ("The following should always be applied:") names no list.
        content = [w for w in _WORD.findall(prompt.lower()) if w not in _STOP and w not in _POINTING]
        needed = LEAD_CONTENT if not section_title(p) else 1 if words <= SHORT_LEAD else LEAD_CONTENT - 1
        if len(content) < needed or (words <= SHORT_LEAD and _PREPOSITION.match(prompt)):
            continue
        for unit in items:
            if value := list_item(unit):
                found.append(
                    Fact("listed", p, f"{lead}{QUOTE_JOIN}{unit}", value, value.lower(), prompt=prompt)
                )
    return found


def expansion_norm(text: str) -> str:
    """An expansion as compared: "Multi-agency Risk Assessment Conferences" and "Multi Agency Risk
    Assessment Conference" are the same answer."""
    words = re.sub(r"[-‐]", " ", text.lower().replace("’s", "").replace("'s", "")).split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


# An acronym item's options are expansions a reader compares at a glance.
EXPANSION_WORDS = (2, 10)


def acronym_facts(p: Paragraph) -> list[Fact]:
    """What each acronym the paragraph spells out stands for: a row of an acronym table ("CDOP Child
    Death Overview Panel") or "Child Death Overview Panel (CDOP)" in a sentence."""
    found: list[Fact] = []
    for unit in split_units(p.text):
        pairs = [(a, unit) for a, _, _ in acronyms.defined(unit)]
        if (row := acronyms.table_row(unit)) is not None:
            pairs.append((row, unit))
        for a, quote in pairs:
            # "Child Abduction Warning Notice's (CAWN)": the possessive belongs to the sentence
            if not EXPANSION_WORDS[0] <= len(a.expansion.split()) <= EXPANSION_WORDS[1] or re.search(
                r"['’]s$", a.expansion
            ):
                continue
            found.append(
                Fact("acronym", p, quote, a.expansion, expansion_norm(a.expansion), prompt=a.acronym,
                     table=a.table)
            )  # fmt: skip
    return found


# Statements true or false: the document's sentence verbatim, or that sentence with its main verb's
# polarity flipped ("Effective safeguarding systems are child centred" -> "... are not child centred").
# Only a copula, "can", "will" or a verb of _LEXICAL near the start of a main clause: further in, the
# verb may belong to a subordinate clause and the flip may not make the sentence false.
STATEMENT_VERB_WORDS = 12
STATEMENT_WORDS = 40  # a longer sentence holds more than one claim: which one is false?
_FLIP_NEGATIVE = re.compile(r"\b(?P<verb>is|are|was|were)\s+not\b|\b(?P<can>cannot|can not)\b", re.IGNORECASE)
# A verb with no auxiliary is denied with "does not"/"do not" and its base form: "The chair has the
# final say" -> "The chair does not have the final say". Only verbs that are seldom nouns ("needs",
# "supports", "covers" are often nouns: "the child's needs").
_LEXICAL = {
    "has": "does not have", "have": "do not have", "requires": "does not require",
    "require": "do not require", "includes": "does not include", "involves": "does not involve",
    "involve": "do not involve", "applies": "does not apply", "apply": "do not apply",
    "remains": "does not remain", "remain": "do not remain", "provides": "does not provide",
    "provide": "do not provide", "enables": "does not enable", "allows": "does not allow",
    "means": "does not mean", "protects": "does not protect", "places": "does not place",
    "creates": "does not create", "imposes": "does not impose", "gives": "does not give",
    "needs": "does not need", "need": "do not need",  # only before "to": "All agencies need to ensure"
    "makes": "does not make",  # "The Disability Discrimination Act 1995 makes it unlawful to ..."
}  # fmt: skip
_NEED = frozenset({"need", "needs"})
_ARTICLES = frozenset({"a", "an"})
_PRONOUN = re.compile(r"\b(?:they|he|she|we|you)\b", re.IGNORECASE)
_FLIP_POSITIVE = re.compile(
    rf"\b(?P<verb>is|are|was|were|can|may|will|needs?(?=\s+to\b)|{'|'.join(_LEXICAL.keys() - _NEED)})\b"
    r"(?=\s+(?P<next>[\w’'-]+))",
    re.IGNORECASE,
)
# After "may", verbs whose "cannot" garbles the sentence ("cannot need to", "cannot wish to").
_MAY_NEXT = frozenset({
    "need", "wish", "want", "feel", "seem", "appear", "well", "even", "therefore", "require", "prefer",
    "find", "think", "believe", "or",
})  # fmt: skip
_PARTICIPLES = frozenset({
    "been", "shown", "taken", "given", "seen", "done", "known", "become", "begun", "made", "brought",
    "put", "held", "found", "led", "kept", "sent", "told", "paid", "built", "set", "written", "drawn",
    "grown", "chosen", "undertaken", "thought", "sought", "taught", "met", "heard", "left", "lost",
})  # fmt: skip
# "The chair has the final say", "Cafcass Officers have different roles": an object, so "does not have".
_HAVE_OBJECTS = frozenset({
    "the", "a", "an", "responsibility", "different", "specific", "particular", "statutory", "legal",
    "overall", "primary", "prime", "lead", "key", "clear",
})  # fmt: skip
# A word before a lexical verb that makes it a noun or an infinitive ("the needs", "to provide").
_NOT_SUBJECT_END = frozenset(
    {"the", "a", "an", "of", "to", "for", "their", "his", "her", "its", "our", "your"}
)
# After the verb, a word whose negation says something else ("are not only", "is not always"), or a
# hedge ("are often") whose denial is not clearly false.
_FLIP_NEXT = frozenset({
    "only", "just", "necessarily", "always", "least", "limited", "exhaustive", "simply", "merely",
    "solely", "also", "often", "usually", "sometimes", "generally", "more", "most", "less", "likely",
    "not", "no", "never", "a", "an", "one", "some", "many", "normally", "particularly", "especially",
    "still", "already", "expected", "thought", "considered", "known", "unlikely", "possible",
    "available", "defined", "set", "described", "summarised", "outlined", "listed", "provided",
    "too", "far", "much", "now", "very", "both", "either", "rarely", "seldom", "then",
})  # fmt: skip
# Before the verb, a word that makes it the verb of a clause inside the sentence ("people who are
# hostile", "ensure that agencies are informed", "if contact is not supported"), or another verb.
_CLAUSE_BEFORE = re.compile(
    r"\b(?:who|which|that|how|what|whether|where|when|if|because|than|as|whose|whom|why|while|until|"
    r"unless|must|should|will|shall|needs?|requires?|ensures?|means|has|have|had|did|does|do)\b|"
    r"\b(?:and|or|but)\s*$|^\W*(?:usually|often|generally|normally|typically|ensure|make)\b",
    re.IGNORECASE,
)
# A subject that says "some": denying "Some children are vulnerable" is true as well.
_QUANTIFIED = re.compile(
    r"\b(?:some|many|most|few|several|certain|various|a number|not all|there|here|it|others?|one of)\b",
    re.IGNORECASE,
)
# Words that make a sentence's polarity hard to read, or a pointer to elsewhere in the document.
_TANGLED = re.compile(
    r"\b(?:no|never|nor|neither|nothing|none|unless|without|whether|not|might|could|would|see|"
    r"chapter|section|part|above|below|following|e\.g|i\.e|usually|sometimes|occasionally|perhaps|"
    # ("such as court orders" gives examples; "such cases" points back; "one or more" compares nothing)
    r"possibly|typically|mostly|frequently|only|here|www|https?|this|these|those|such(?!\s+as\b)|former|"
    r"latter|same|(?<!\bone or )more|thus|therefore|"
    # a comparison with nothing to compare ("Grooming online can be a faster process")
    r"faster|slower|easier|harder|better|worse|greater|higher|lower|less)\b|"
    r"[;:?]",
    re.IGNORECASE,
)
# "The discussion can take place ...", "The arrangements are to be made ...": a bare "the" and a noun
# as the subject names something the sentences before introduced.
_BARE_SUBJECT = re.compile(r"^\W*the\s+[\w’'-]+\s*$", re.IGNORECASE)
_SUBORDINATE = re.compile(
    r"^(?:where|when|if|although|as|until|while|whilst|unless|because|since|once|even|in|for|to|"
    r"with|during|after|before|following|given|on|at|by)\b",
    re.IGNORECASE,
)
NEGATION = re.compile(r"\b(?:not|no|never|cannot|nor|neither|none|nothing)\b|n’t\b|n't\b", re.IGNORECASE)


def statement_flip(sentence: str) -> tuple[int, int, str] | None:
    """Where to flip a sentence's main verb and what to write there, or None when the sentence is no
    plain statement (a condition, a hedge, "some ...", a pointer, a second negation).

    After an opening clause ("In local authorities, Directors of Children's Services are responsible
    for ...") the main clause is flipped and the opening kept: denying what holds in that case is as
    false as denying a plain statement."""
    if len(sentence.split()) > STATEMENT_WORDS:
        return None
    if _SUBORDINATE.match(sentence):
        comma = sentence.find(",")
        if comma < 0:
            return None
        opening, main = sentence[:comma], sentence[comma + 1 :]
        # "In some cases, X can ...": denied, it may hold in other cases
        if _TANGLED.search(opening) or NEGATION.search(opening) or _QUANTIFIED.search(opening):
            return None
        # "Where X, or a paediatric examination has taken place, ...": the opening clause goes on
        if _CONTINUES.match(main):
            return None
        offset = comma + 1 + len(main) - len(main.lstrip())
        flip = _plain_flip(main.lstrip())
        return (flip[0] + offset, flip[1] + offset, flip[2]) if flip else None
    return _plain_flip(sentence)


_CONTINUES = re.compile(
    r"\s*(?:and|or|but|nor|which|who|whom|whose|that|where|when|if|as|because|for example|e\.g)\b",
    re.IGNORECASE,
)


_ASIDE = re.compile(r",\s*(?:which|who|whose|whom)\b", re.IGNORECASE)


def _plain_flip(sentence: str) -> tuple[int, int, str] | None:
    """statement_flip of a sentence (or main clause) that opens with its subject. A comma before the
    verb may close an aside the denial reaches into; after it ("may involve hitting, shaking, ...")
    it lists what the verb governs."""
    if _SUBORDINATE.match(sentence):
        return None
    if (m := _FLIP_NEGATIVE.search(sentence)) is not None:
        rest = sentence[: m.start()] + sentence[m.end() :]
        before = sentence[: m.start()]
        if _TANGLED.search(rest) or _unclear_subject(before) or "," in before or _ASIDE.search(rest):
            return None
        nxt = sentence[m.end() :].split()[:1]
        # "are not evidence of X but possible indicators": without the "not" the "but" garbles it
        if nxt and nxt[0].lower() in _FLIP_NEXT or re.search(r"\bbut\b", sentence[m.end() :]):
            return None
        replacement = m.group("verb") or m.group("can")[:3]
        return (m.start(), m.end(), replacement) if _early(sentence, m.start()) else None
    if _TANGLED.search(sentence) or NEGATION.search(sentence):
        return None
    m = _FLIP_POSITIVE.search(sentence)
    if m is None or not _early(sentence, m.start()) or "," in sentence[: m.start()]:
        return None
    if _ASIDE.search(sentence):  # "A conference is needed, which should ...": the aside leans on the verb
        return None
    if _unclear_subject(sentence[: m.start()]):
        return None
    # "places a duty" denies as "does not place a duty"; only "is a ..." may be one of several
    if m.group("next").lower() in _FLIP_NEXT - (_ARTICLES if m.group("verb").lower() in _LEXICAL else set()):
        return None
    if m.start() == 0:
        return None
    verb = m.group("verb")
    if verb.lower() in _LEXICAL:
        previous = sentence[: m.start()].split()
        last, after = (previous[-1].lower() if previous else ""), m.group("next").lower()
        # "the needs", "the child's needs", "still remains", "also have": a noun, or an adverb the
        # denial would change ("also do not have")
        # (a one-word subject is a plural noun before "need to": "Professionals need to ...")
        if len(previous) < (1 if verb.lower() in _NEED else 2):
            return None
        if last in _NOT_SUBJECT_END or last.endswith(("'s", "’s")) or _adverb(last):
            return None
        if (after == "to") != (verb.lower() in _NEED) or last in _FLIP_NEXT or verb[0].isupper():
            return None
        if verb.lower() in ("has", "have"):
            if after in _PARTICIPLES or after.endswith("ed"):
                return (m.start(), m.end(), f"{verb} not")  # "has been appointed" -> "has not been ..."
            if after not in _HAVE_OBJECTS:  # "has made changes": an irregular participle, or unsure
                return None
        return (m.start(), m.end(), _LEXICAL[verb.lower()])
    # ("may ... in some cases" denied as "cannot ... in some cases" hedges a hedge)
    if verb.lower() == "may" and (m.group("next").lower() in _MAY_NEXT or re.search(r"\bsome\b", sentence)):
        return None
    # "Physical abuse may take many forms" -> "cannot take": what may happen denied is what cannot
    return (m.start(), m.end(), "cannot" if verb.lower() in ("can", "may") else f"{verb} not")


# "Professionals should always take what the child tells them seriously" -> "... should never take ...":
# "not" does not deny a duty stated with "always" ("should not always" may be true); "never" does.
_ALWAYS = re.compile(
    r"(?<!\bwhich\s)(?<!\bthat\s)(?<!\bwho\s)\b(?:must|should|will|shall|is|are)\s+(?P<always>always)\b",
    re.IGNORECASE,
)


def always_flip(sentence: str) -> tuple[int, int, str] | None:
    """Where a sentence's main clause says "must always", "is always" ..., and "never" to write there;
    None when the sentence holds a negation ("do not always fit ..., and professionals should always")
    or the "always" sits in an opening condition."""
    if NEGATION.search(sentence):
        return None
    start = 0
    if _SUBORDINATE.match(sentence):
        if "," not in sentence:
            return None
        start = sentence.index(",")
    m = _ALWAYS.search(sentence, start)
    if m is None or _unclear_subject(sentence[start : m.start()]):  # "The test is always ...": which test?
        return None
    return m.start("always"), m.end("always"), "never"


def _adverb(word: str) -> bool:
    """ "still", "also", "usually": a word before the verb the denial would change ("also do not")."""
    return word.endswith("ly") and word not in ("family", "assembly", "supply")


def _unclear_subject(before: str) -> bool:
    """The words before the verb are no plain subject: "some ...", a clause, or "The discussion"."""
    return bool(
        _QUANTIFIED.search(before)
        or _CLAUSE_BEFORE.search(before)
        or _BARE_SUBJECT.match(before)
        or _PRONOUN.search(before)  # "Alongside police and local authority they have ...": who?
    )


def _early(sentence: str, at: int) -> bool:
    return len(sentence[:at].split()) <= STATEMENT_VERB_WORDS


def _main_duty(sentence: str) -> re.Match | None:
    """The main clause's "must" or "should": after the comma that ends an opening "When a conference
    decides that a child should be ..., " (denying that one would deny the condition, not the duty)."""
    start = 0
    if _SUBORDINATE.match(sentence):
        if "," not in sentence:
            return None
        start = sentence.index(",")
    return OBLIGATION.search(sentence, start)


# Stages the procedures number ("Stage One: Direct Professional to Professional Discussion." heading each
# paragraph of a section; "- Level 2: active multi-agency management" in a list): a trainer asks for
# their order. The label as printed, its number, and what the stage is, up to its first full stop.
_STAGE = re.compile(
    r"^(?:- )?(?P<label>(?P<word>Stage|Step|Level|Phase)\s+(?P<n>[1-9]|one|two|three|four|five|six|seven|"
    r"eight|nine))\s*:\s*(?P<what>[^.;]+)",
    re.IGNORECASE,
)
_ORDINALS = {
    w: i for i, w in enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"), 1)
}
SEQUENCE_MIN = 3  # two stages are a choice, not an order
STAGE_WORDS = (2, 12)


def stage_facts(p: Paragraph) -> list[Fact]:
    """The numbered stages a paragraph prints, a fact per stage: value the label ("Stage Two"), prompt
    what the stage is, norm its number. A stage heads its paragraph, or is an item of a list. Which of
    them make a whole series (one, two, three ... with no gap) is for compose.sequence_groups to say,
    over the stages a quiz's scope holds."""
    units = split_units(p.text)
    found: list[Fact] = []
    for unit in units if any(u.startswith("- ") for u in units) else units[:1]:
        if (m := _STAGE.match(unit)) is None:
            continue
        n = m.group("n").lower()
        what = _ITEM_TAIL.sub("", m.group("what")).strip()
        if STAGE_WORDS[0] <= len(what.split()) <= STAGE_WORDS[1]:
            number = int(n) if n.isdigit() else _ORDINALS[n]
            found.append(
                Fact("sequence", p, unit.removeprefix("- "), m.group("label"), str(number), prompt=what)
            )
    return found


# "If stage one fails to resolve the issue then each professional should ...": words no role's name holds.
# "The responsible police service": "responsible" says which one, it is no part of a name.
_NOT_A_NAME = re.compile(r"\b(?:then|each|every|all|any|other|issue|matter|responsible)\b", re.IGNORECASE)
_RUNS_ON = re.compile(rf"\s+(?:{roles.HEADS})\b", re.IGNORECASE)


# "the Police and Criminal Evidence Act": a role's word inside an Act's name (with or without its year)
# is no role; gapped, it asks for part of a title.
_NAMED_ACT = re.compile(statutes.ACT_NAME + r"\b")


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= at < end for start, end in spans)


def heading_act(p: Paragraph) -> str:
    """The Act the paragraph's nearest heading names, if it names exactly one ("Children Act 2004" from
    "42.2 Children Act 2004", not from "42.5 Children Act 1989 s27 and Children Act 2004 s11")."""
    for title in reversed(p.heading):
        acts = [m.group(0) for m in statutes.ACT.finditer(title)]
        if acts:
            return acts[0] if len(acts) == 1 else ""
    return ""


def facts_of(p: Paragraph) -> list[Fact]:
    """Every testable fact a paragraph states."""
    found: list[Fact] = list_facts(p) + acronym_facts(p) + stage_facts(p)
    act = heading_act(p)
    # ("Child Protection: Child Protection is a part of ...": the definition gives its term away)
    if (d := definitions.glossary_definition(p)) is not None and d.term.lower() not in d.definition.lower():
        found.append(Fact("definition", p, d.quote, d.term, d.term.lower(), prompt=d.definition))
    units = split_units(p.text)
    for i, s in enumerate(units):
        if not quotable(s, last=i == len(units) - 1):
            continue
        for t in timescales.find_timescales(s):
            # "between 8 and 16 weeks", "from 13 years to 18 years": one end of a range
            if RANGE_START.search(s[: t.start]) or RANGE_END.match(s[t.end :]):
                continue
            found.append(Fact("timescale", p, s, t.text, t.normalised, t.start, t.end))
        for a in ages.find_ages(s):
            if not RANGE_END.match(s[a.end :]):  # "aged 16 to 74 years": one end of a range
                found.append(Fact("age", p, s, a.text, str(a.years), a.start, a.end))
        for law in statutes.find_statutes(s, act):
            # prompt: the heading's Act, for the stem to name, when the sentence does not
            named = act if act and not statutes.ACT.search(s) else ""
            found.append(
                Fact("law", p, s, law.text, f"{law.number} {law.act}", law.start, law.end, prompt=named)
            )
        acts = [m.span() for m in _NAMED_ACT.finditer(s)]
        if (duty := roles.duty(s)) is not None and not _inside(duty.start, acts):
            end = duty.start + len(duty.role)
            found.append(Fact("role", p, s, duty.role, duty.role.lower(), duty.start, end, prompt=duty.rest))
        # (dropping the "not" of "should not be subordinate to nor subsumed" would garble it)
        if (m := PROHIBITION.search(s)) is not None and not re.search(r"\bnor\b", s[m.end() :]):
            found.append(
                Fact("dont", p, s, m.group("not"), m.group("not").lower(), m.start("not"), m.end("not"))
            )
        # ("should X if Y" denied may hold; "should X even if Y" denied does not: the duty holds anyway)
        elif (m := _main_duty(s)) is not None and not re.search(r"(?<!\beven) if ", s.lower()):
            found.append(
                Fact("duty", p, s, m.group("modal"), m.group("modal"), m.start("modal"), m.end("modal"))
            )
        elif (flip := always_flip(s) or statement_flip(s)) is not None:
            start, end, false = flip
            polarity = "negative" if NEGATION.search(s) else "positive"
            found.append(Fact("statement", p, s, s[start:end], polarity, start, end, prompt=false))
        for mention in roles.mentions(s):
            # "A senior Police Officer": the role's name runs on past its head word; gapping "senior
            # Police" would leave "Officer" behind.
            if (
                _RUNS_ON.match(s[mention.end :])
                or _NOT_A_NAME.search(mention.role)
                or _inside(mention.start, acts)
            ):
                continue
            if duty is None or mention.start != duty.start:  # the subject is asked "Who ...?" above
                found.append(
                    Fact("role", p, s, mention.role, mention.role.lower(), mention.start, mention.end)
                )
        if (
            d := definitions.sentence_definition(s)
        ) is not None and d.term.lower() not in d.definition.lower():
            found.append(Fact("definition", p, s, d.term, d.term.lower(), prompt=d.definition))
    return found
