"""Who acts: the roles and bodies the procedures give duties to ("the conference chair must ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The last word of a role's name. A role is up to three words before one of these ("lead social
# worker", "Local Authority Designated Officer"); a generic word ("plan", "assessment") is not a role.
HEADS = (
    "police|worker|chair|chairperson|manager|lead|professional|referrer|consultant|paediatrician|officer|"
    "lado|employer|advocate|governor|practitioner|nurse|doctor|gp|teacher|headteacher|panel|group|lscb|"
    "board|committee|custodian|co-ordinator|coordinator|visitor|midwife|investigator|guardian"
)
# Up to three words of a role's name; never a function word ("the use of an advocate" is no role).
# Nor a verb: "looking after the child should exercise lead responsibility" names no "child should
# exercise lead".
_MODIFIER = (
    r"(?:(?!(?:of|an?|the|to|for|in|on|and|or|with|by|from|at|as|is|are|be|must|should|will|shall|may|can|"
    r"would|could|has|have)\b)[A-Za-z'’-]+\s+){0,3}?"
)
# The bodies that hold as many duties as any named person, whose names end in no head word: "Local
# authority children's social care must acknowledge all referrals ...", "Social services will identify a
# senior manager ...". Only where the name ends its noun phrase (a verb, a preposition or punctuation
# follows): "social care staff", "the social services out of hours service", "the local authority
# children's social care first line manager" name someone else.
BODY = (
    r"(?:local authority\s+)?(?:children['’]s\s+)?social\s+(?:care|services)"
    r"(?=\s*(?:[.,;:)]|$)|\s+(?:must|should|will|shall|would|could|can|may|is|are|was|were|has|have|"
    r"had|and|or|in|for|to|of|on|as|at|with|where|when|if|who|which|that|about|regarding|by|from|"
    r"within|immediately|also|under|via|because|before|after|during|unless|until)\b)"
)
_DUTY_VERB = (
    r"(?P<rest>(?:must|should|will|shall|is responsible|are responsible|chairs|has responsibility)\b.*)$"
)
# A sentence whose subject is a role followed by what it must do: "The conference chair must ...". A
# body needs no article.
DUTY = re.compile(
    rf"^(?:(?P<det>The|A|An|Each|Every)\s+(?P<role>{_MODIFIER}(?:{HEADS})|{BODY})|(?P<body>{BODY}))\s+{_DUTY_VERB}",
    re.IGNORECASE,
)
ROLE = re.compile(rf"\b(?:the|a|an)\s+(?P<role>{_MODIFIER}(?:{HEADS})|{BODY})\b", re.IGNORECASE)
# Words that can precede a head without being part of a role's name.
_NOT_NAME = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "any",
    "each",
    "every",
    "all",
    "other",
    "relevant",
    "same",
    "their",
}


# First words that make a phrase a description rather than a role's name ("most appropriate professional").
VAGUE = {
    "most", "different", "appropriate", "relevant", "other", "same", "new", "named", "nominated", "such",
    "first", "second", "next", "last", "any", "each", "this", "that", "their", "his", "her", "its", "use",
    "broad", "wider", "discernible",  # "a broad group of agencies", "seen as a discernible group"
}  # fmt: skip


# A head word alone names no one in particular ("the group", "the lead").
GENERIC = {"group", "lead", "worker", "officer", "professional", "manager", "panel", "board", "committee",
           "practitioner", "co-ordinator", "coordinator", "visitor", "investigator"}  # fmt: skip


def is_body(name: str) -> bool:
    """ "social services", "local authority children's social care": a body, named without an article."""
    return re.fullmatch(BODY, name.strip(), re.IGNORECASE) is not None


@dataclass(frozen=True)
class Mention:
    role: str
    start: int
    end: int


def named(name: str) -> bool:
    """A role's proper name, not a description or a pair ("police or social worker")."""
    if not name or name.lower() in GENERIC:
        return False
    return name.split()[0].lower() not in VAGUE and not re.search(r"\b(or|and)\b", name)


def mentions(text: str) -> list[Mention]:
    """Every role named in a text, with where its name sits."""
    found = []
    for m in ROLE.finditer(text):
        name = role_name(m.group("role"))
        if named(name):
            found.append(Mention(name, m.end("role") - len(name), m.end("role")))
    return found


@dataclass(frozen=True)
class Duty:
    role: str  # as printed, e.g. "conference chair"
    rest: str  # what the sentence says the role does: "must chair the meeting."
    start: int  # where the role starts in the sentence


def role_name(phrase: str) -> str:
    """The role without leading articles or generic words: 'the relevant team manager' -> 'team manager'."""
    words = phrase.split()
    while words and words[0].lower() in _NOT_NAME:
        words.pop(0)
    return " ".join(words)


def duty(sentence: str) -> Duty | None:
    """The role and its duty when the sentence is "The <role> must/should/will ...", else None."""
    m = DUTY.match(sentence)
    if not m:
        return None
    if m.group("body"):  # "Local authority children's social care should ...": an option among roles
        body = m.group("body")
        return Duty(body[0].lower() + body[1:], m.group("rest"), 0)
    name = role_name(m.group("role"))
    if not named(name):
        return None
    return Duty(name, m.group("rest"), m.start("role") + len(m.group("role")) - len(name))


def roles_in(text: str) -> list[str]:
    """Every role named in a text, as printed (for distractors)."""
    return [name for m in ROLE.finditer(text) if (name := role_name(m.group("role")))]
