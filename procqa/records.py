"""The core records that travel through the pipeline: document, paragraph, hit, citation, answer.

An answer is a structure, not text: per document a section of steps, each step citing paragraphs by
number. Every front end (the CLI's text, the JSON interface, the app, eval) renders from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

NOT_COVERED = "These procedures do not appear to cover this question."
TENTATIVE = (
    "The procedures may not answer this exactly: these are the closest paragraphs. Check them, and speak "
    "to your designated safeguarding lead."
)
# The phases of acting on a concern, in order, and how a front end titles them.
PHASE_LABELS = {
    "safety": "If a child is in immediate danger",
    "contacts": "Numbers the procedures give for referring now",
    "respond": "Responding to the child",
    "record": "Recording",
    "tell": "Telling your designated lead or manager",
    "refer": "Referring, and by when",
    "situation": "What this situation adds",
}
FALLBACK = (
    "The procedures do not appear to answer this question. Please speak to your designated safeguarding "
    "lead. If a child is in immediate danger, call the police on 999."
)


@dataclass(frozen=True)
class DocumentInfo:
    """One set of procedures as described by the corpus manifest (or inferred for a user's file)."""

    doc_id: str
    title: str
    label: str  # short citation label, e.g. "SET" or "AWCPP"
    edition: str  # edition date as printed, e.g. "June 2025"
    jurisdiction: str
    file: str  # path relative to the manifest's folder, or absolute for a user's file
    note: str = ""  # e.g. a warning that this is an old edition
    # Sections (ref prefixes) holding the general "respond, record, tell, refer" steps; empty: found
    # from the paragraphs' wording instead.
    pathway: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict) -> DocumentInfo:
        """From a manifest entry or docs.json (lists become tuples; unknown keys are refused)."""
        return cls(**{**data, "pathway": tuple(data.get("pathway", ()))})

    @property
    def heading(self) -> str:
        """How an answer introduces this document: "SET: Southend ... (June 2025)"."""
        if not self.edition:
            return f"{self.label}: {self.title}"
        edition = f"{self.edition} edition" if self.note else self.edition
        return f"{self.label}: {self.title} ({edition})"


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph (or a glossary entry, box or un-numbered intro) of a document."""

    doc_id: str
    ref: str  # unique within the document: "A 1.6.5", "3.8.3", "Box 2", "Glossary: LSCB"
    text: str
    heading: tuple[str, ...] = ()  # part > chapter > section > sub-heading
    page: int | None = None
    para: int | None = None  # n-th paragraph under a heading, for documents that number headings only
    kind: str = "paragraph"  # paragraph | box | glossary | intro
    order: int = 0  # position in the document

    @classmethod
    def from_json(cls, data: dict) -> Paragraph:
        """From a stored record (`dataclasses.asdict` written as JSON: the heading comes back a list)."""
        return cls(**{**data, "heading": tuple(data["heading"])})

    @cached_property
    def pid(self) -> str:
        """Deterministic id: re-ingesting unchanged text gives the same id, so nothing is re-embedded.
        Hashed once per record (a question's answer asks for ids thousands of times: a quarter of its
        time at 40 documents when hashed on every call)."""
        key = f"{self.doc_id}\x1f{self.ref}\x1f{self.para}\x1f{self.text}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]

    @property
    def cite_ref(self) -> str:
        """The reference as a reader sees it: "3.8.3 ¶2" or "A 1.6.5"."""
        return f"{self.ref} ¶{self.para}" if self.para else self.ref

    def embed_text(self) -> str:
        """What the embedding model sees: headings give context; refs and ids stay out."""
        return " › ".join(self.heading[-3:]) + "\n" + self.text if self.heading else self.text


@dataclass(frozen=True)
class Hit:
    """A paragraph found by a retriever, with the score that ranked it."""

    paragraph: Paragraph
    score: float
    dense_similarity: float = 0.0  # cosine similarity to the question, kept for the abstention decision


@dataclass(frozen=True)
class Citation:
    """A paragraph an answer cites; `n` is the number behind the [n] marker in the answer text
    (0 for a paragraph that is only listed as related or ranked)."""

    n: int
    paragraph: Paragraph
    label: str  # "SET A 1.6.5" or "AWCPP 3.8.3 ¶2"
    score: float

    def to_json(self) -> dict:
        p = self.paragraph
        return {
            "n": self.n,
            "doc": p.doc_id,
            "ref": p.ref,
            "para": p.para,
            "label": self.label,
            "heading": " › ".join(p.heading),
            "page": p.page,
            "text": p.text,
            "score": round(self.score, 5),
        }


@dataclass(frozen=True)
class Step:
    """One thing the procedures say, in their own words, with the citation numbers it rests on."""

    text: str
    citations: tuple[int, ...]
    phase: str = ""  # where in acting it belongs (respond, record, refer, ...), when known

    def to_json(self) -> dict:
        return {"text": self.text, "citations": list(self.citations), "phase": self.phase}


@dataclass(frozen=True)
class Section:
    """One document's part of an answer, under its own heading: jurisdictions are never mixed."""

    doc_id: str
    heading: str
    note: str  # e.g. the old-edition warning; "" when there is none
    steps: tuple[Step, ...]  # empty: this document does not cover the question

    @property
    def covered(self) -> bool:
        return bool(self.steps)

    def to_json(self) -> dict:
        return {
            "doc": self.doc_id,
            "heading": self.heading,
            "note": self.note,
            "covered": self.covered,
            "steps": [s.to_json() for s in self.steps],
        }


@dataclass(frozen=True)
class Urgent:
    """What one document says to do first when a child is in immediate danger or seriously hurt, and the
    numbers it prints for referring now, quoted and cited. Shown before a "what do I do" answer; it is
    the same whatever the question, so it is not part of the answer that eval measures."""

    doc_id: str
    heading: str
    steps: tuple[Step, ...]  # phase "safety" or "contacts"; citations number into `citations`
    citations: tuple[Citation, ...]  # n counts from 1 within this block

    def to_json(self) -> dict:
        return {
            "doc": self.doc_id,
            "heading": self.heading,
            "steps": [s.to_json() for s in self.steps],
            "citations": [c.to_json() for c in self.citations],
        }

    @property
    def text(self) -> str:
        labels = {c.n: c.label for c in self.citations}
        lines, phase = [self.heading], None
        for step in self.steps:
            if step.phase != phase:
                lines.append(f"{PHASE_LABELS[step.phase]}:")
                phase = step.phase
            first, *rest = step.text.splitlines()
            cites = " ".join(f"[{labels[n]}]" for n in step.citations)
            lines.append("\n".join([f"- {first}"] + [f"  {line}" for line in rest]) + f" {cites}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Signals:
    """What the decision to answer from one document rests on (kept so it can be checked and re-decided
    offline by a sweep)."""

    doc_id: str
    similarity: float  # cosine similarity of the best paragraph to the question
    coverage: float  # idf-weighted share of the question's words found in the top paragraphs
    top_score: float = 0.0  # the ranker's score of the best paragraph
    answerable: float | None = None  # fitted probability that the document answers (None: no model)
    situation: int = 0  # everyday phrases for situations the procedures name, found in the question
    asks_what_to_do: bool = False  # the question asks what to do (a situation, then "what now?")

    def to_json(self) -> dict:
        return {
            "doc": self.doc_id,
            "similarity": round(self.similarity, 4),
            "coverage": round(self.coverage, 4),
            "top_score": round(self.top_score, 4),
            "answerable": None if self.answerable is None else round(self.answerable, 4),
            "situation": self.situation,
            "asks_what_to_do": self.asks_what_to_do,
        }


QUOTED = "quoted from the procedures"


@dataclass(frozen=True)
class Checked:
    """One sentence a language model wrote, and the check's verdict against the paragraphs it cites."""

    text: str  # the sentence without its [n] markers
    citations: tuple[int, ...]  # the numbers it ends with (into Answer.citations)
    kept: bool
    reason: str = ""  # why it was removed ("" when kept), e.g. "timescale '48 hours' is not in [2]"
    support: float = 0.0  # the support score of its content by the best cited paragraph (0..1)
    doc_id: str = ""
    meaning: float = 0.0  # cosine with the closest cited sentence, when support alone fell short (0..1)

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "citations": list(self.citations),
            "kept": self.kept,
            "reason": self.reason,
            "support": round(self.support, 4),
            "doc": self.doc_id,
            "meaning": round(self.meaning, 4),
        }


@dataclass(frozen=True)
class Written:
    """An answer a local model wrote, sentence by sentence checked; or why the quoted answer stands."""

    model: str  # the model's name as configured
    sentences: tuple[Checked, ...] = ()  # everything it wrote, in order, kept and removed
    notice: str = ""  # one line: why the quoted answer is shown instead ("" when the model's is shown)
    ms: float = 0.0  # time spent writing and checking

    @property
    def used(self) -> bool:
        """The model's answer is shown (otherwise the quoted answer, with `notice`)."""
        return not self.notice and any(c.kept for c in self.sentences)

    @property
    def mode(self) -> str:
        return self.model if self.used else QUOTED

    @property
    def kept(self) -> tuple[Checked, ...]:
        return tuple(c for c in self.sentences if c.kept)

    def to_json(self) -> dict:
        return {
            "mode": self.mode,
            "model": self.model,
            "used": self.used,
            "notice": self.notice,
            "text": self.text if self.used else "",
            "sentences": [c.to_json() for c in self.sentences],
            "kept": len(self.kept),
            "removed": len(self.sentences) - len(self.kept),
            "ms": round(self.ms, 1),
        }

    @property
    def text(self) -> str:
        """The kept sentences, each ending with its [n] markers, a block per document."""
        return "\n\n".join(self.lines(doc) for doc in dict.fromkeys(c.doc_id for c in self.kept))

    def lines(self, doc_id: str) -> str:
        """One document's kept sentences, one a line: "- sentence [n]"."""
        return "\n".join(f"- {c.text} {_markers(c.citations)}" for c in self.kept if c.doc_id == doc_id)


@dataclass(frozen=True)
class Answer:
    """What `ask` returns: per-document sections of cited steps, the citations in rank order, the
    related paragraphs, every ranked hit with its score, and timings."""

    question: str
    abstained: bool
    sections: tuple[Section, ...] = ()
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = ()
    hits: tuple[Citation, ...] = ()  # everything retrieved, best first per document (n as cited, or 0)
    signals: tuple[Signals, ...] = ()
    tentative: bool = False  # answered from the closest paragraphs, which may not answer exactly
    timings_ms: dict[str, float] = field(default_factory=dict)
    urgent: tuple[Urgent, ...] = ()  # for "what do I do" questions: immediate danger and who to call now
    written: Written | None = None  # asked with the local model (--llm): what it wrote and the check

    @property
    def text(self) -> str:
        """The answer as plain text with [n] markers: one block per document."""
        if self.abstained:
            return FALLBACK
        blocks = [TENTATIVE] if self.tentative else []
        for s in self.sections:
            if not s.covered:
                blocks.append(f"{s.heading}\n{NOT_COVERED}")
                continue
            note = f"\nNote: {s.note}" if s.note else ""
            steps = "\n".join(_render_step(step) for step in s.steps)
            blocks.append(f"{s.heading}{note}\n{steps}")
        return "\n\n".join(blocks)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "related": [c.to_json() for c in self.related],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "sections": [s.to_json() for s in self.sections],
            "hits": [c.to_json() for c in self.hits],
            "signals": [s.to_json() for s in self.signals],
            "tentative": self.tentative,
            "urgent": [u.to_json() for u in self.urgent],
            # Only when the model was asked for: the default output stays byte for byte as it was.
            **({"llm": self.written.to_json()} if self.written is not None else {}),
        }


def _markers(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _render_step(step: Step) -> str:
    """ "- First line" with the list a lead-in introduces indented under it; the markers end the step."""
    first, *rest = step.text.splitlines()
    lines = [f"- {first}"] + [f"  {line}" for line in rest]
    return "\n".join(lines) + f" {_markers(step.citations)}"
