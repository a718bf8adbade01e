"""The core records that travel through the pipeline: document, paragraph, hit, citation, answer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


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

    @property
    def pid(self) -> str:
        """Deterministic id: re-ingesting unchanged text gives the same id, so nothing is re-embedded."""
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
    retriever: str  # "bm25", "dense" or "hybrid"
    dense_similarity: float = 0.0  # cosine similarity to the question, kept for the abstention decision
    lexical_score: float = 0.0


@dataclass(frozen=True)
class Citation:
    """A paragraph an answer cites; `n` is the number behind the [n] marker in the answer text."""

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
class Answer:
    """What `ask` returns: the answer text with [n] markers, its citations in rank order, and timings."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "related": [c.to_json() for c in self.related],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
