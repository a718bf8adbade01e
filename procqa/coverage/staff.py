"""What staff ask: the questions the procedures did not answer well, from the app's local records.

Both records live in <data_dir>/feedback.sqlite and never leave the machine:
- the feedback store: answers rated "not helpful" or "wrong citation" (with the question's text only when
  the user kept it; without it the row is listed as "(question not kept)" with the refs it cited);
- the question log (opt-in, in the app's sidebar): questions the app declined.

The topic of a question, by the checklist's word rule (topics.names_topic), in this order:
1. a topic the question names; when it names several, the one whose matching name has the most key words
   (the most specific), then the first in the topics file;
2. else a topic named by the headings of the closest paragraph (where the procedures come nearest);
3. else "(no topic named)".
The closest paragraphs are the top CLOSEST hits of asking the question again of the same procedures
(engine.ask(question, doc_ids).hits), taken in turn from each document asked.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from procqa.config import Settings
from procqa.coverage.topics import Topic, names_in
from procqa.engine import QuestionError
from procqa.feedback.log import LoggedQuestion, logged
from procqa.feedback.store import COLUMNS, db_path, rows
from procqa.records import DocumentInfo, Paragraph

DECLINED = "declined"
KINDS = (DECLINED, "not helpful", "wrong citation")  # the feedback choices that mean "not answered well"
NO_TOPIC = "(no topic named)"
NOT_KEPT = "(question not kept)"
CLOSEST = 3


@dataclass(frozen=True)
class Record:
    """One thing a member of staff asked that was not answered well, as stored."""

    kind: str  # declined | not helpful | wrong citation
    question: str  # "" when the user did not keep the question's text
    doc_ids: tuple[str, ...]  # the procedures asked ("" in old feedback rows: every document)
    cited: tuple[str, ...] = ()  # feedback: the refs the rated answer cited ("SET A 1.6.5")


@dataclass(frozen=True)
class StaffQuestion:
    """One question (the same text, kind and procedures counted together) under its topic."""

    topic: str
    kind: str
    question: str
    doc_ids: tuple[str, ...]
    times: int
    closest: tuple[Paragraph, ...]
    labels: tuple[str, ...]  # the citation label of each closest paragraph's document


@dataclass(frozen=True)
class StaffAsks:
    questions: tuple[StaffQuestion, ...]  # by topic (most records first), then most asked first
    records: int  # records read (of any procedures)
    note: str = ""  # why some records were not read or not shown, "" when all were

    def by_topic(self) -> list[tuple[str, Counter, list[StaffQuestion]]]:
        """(topic, records per kind, its questions), most records first."""
        groups: dict[str, tuple[Counter, list[StaffQuestion]]] = {}
        for q in self.questions:
            counts, qs = groups.setdefault(q.topic, (Counter(), []))
            counts[q.kind] += q.times
            qs.append(q)
        return [(t, c, qs) for t, (c, qs) in groups.items()]


def read_records(settings: Settings) -> tuple[list[Record], list[LoggedQuestion], str]:
    """The feedback rated not helpful / wrong citation, every logged question, and a note when the store
    cannot be read (a corrupt or locked file is reported, never changed)."""
    path = db_path(settings)
    try:
        feedback = rows(path)
        log = logged(settings)
    except (sqlite3.Error, OSError) as exc:
        return [], [], f"the local records in {path} cannot be read ({exc})"
    col = {name: i for i, name in enumerate(COLUMNS)}
    records = [
        Record(
            r[col["choice"]],
            r[col["question"]] or "",
            tuple(d for d in (r[col["procedures"]] or "").split(",") if d),
            tuple(x for x in (r[col["refs"]] or "").split("; ") if x),
        )
        for r in feedback
        if r[col["choice"]] in KINDS
    ]
    records += [Record(DECLINED, q.question, q.doc_ids) for q in log if q.declined]
    return records, log, ""


def topic_of(question: str, topics: Sequence[Topic], closest: Sequence[Paragraph] = ()) -> str:
    """The topic a question is counted under (the rule in the module docstring)."""

    def best(text: str) -> str:
        scored = [
            (max((len(n) for n in t.names if names_in(text, n)), default=0), -i, t.topic)
            for i, t in enumerate(topics)
        ]
        top = max(scored, default=(0, 0, ""))
        return top[2] if top[0] else ""

    found = best(question) if question else ""
    if not found and closest:
        found = best(" \n ".join(closest[0].heading))
    return found or NO_TOPIC


def _label_ref(label: str, docs: dict[str, DocumentInfo], index: dict) -> Paragraph | None:
    """A stored citation label ("AWCPP 3.8.3 ¶2") back to its paragraph, when the index still has it."""
    for doc_id, info in docs.items():
        if label.startswith(info.label + " "):
            ref, _, para = label[len(info.label) + 1 :].partition(" ¶")
            return index.get((doc_id, ref, int(para) if para.isdigit() else None))
    return None


def _closest(engine, question: str, doc_ids: Sequence[str], n: int = CLOSEST) -> tuple[Paragraph, ...]:
    try:
        answer = engine.ask(question, list(doc_ids))
    except QuestionError:
        return ()
    per_doc = {d: [c.paragraph for c in answer.hits if c.paragraph.doc_id == d] for d in doc_ids}
    out: list[Paragraph] = []
    for i in range(n):
        for d in doc_ids:
            if i < len(per_doc[d]) and len(out) < n:
                out.append(per_doc[d][i])
    return tuple(out)


def staff_asks(
    engine,
    doc_ids: Sequence[str],
    topics: Sequence[Topic],
    records: Sequence[Record],
    note: str = "",
    limit: int = 200,
) -> StaffAsks:
    """Group the records about these procedures by topic, with the closest paragraphs of each question.
    At most `limit` distinct questions (the most recent) are asked again; the rest are counted in the note."""
    chosen = list(doc_ids)
    grouped: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], int] = {}
    for r in reversed(records):  # most recent first
        asked = [d for d in chosen if d in r.doc_ids] if r.doc_ids else chosen
        if not asked:
            continue  # about other procedures
        key = (r.kind, " ".join(r.question.split()), tuple(asked), () if r.question else r.cited)
        grouped[key] = grouped.get(key, 0) + 1
    keys = list(grouped)
    notes = [note] if note else []
    if len(keys) > limit:
        notes.append(f"the {limit} most recent of {len(keys)} distinct questions are shown")
        keys = keys[:limit]
    index = {(p.doc_id, p.ref, p.para): p for d in chosen for p in engine.paragraphs(d)}
    asked_before: dict[tuple[str, tuple[str, ...]], tuple[Paragraph, ...]] = {}
    out = []
    for kind, question, asked, cited in keys:
        if question:
            if (question, asked) not in asked_before:
                asked_before[(question, asked)] = _closest(engine, question, asked)
            closest = asked_before[(question, asked)]
        else:
            closest = tuple(p for label in cited if (p := _label_ref(label, engine.docs, index)))[:CLOSEST]
        out.append(
            StaffQuestion(
                topic=topic_of(question, topics, closest),
                kind=kind,
                question=question or NOT_KEPT,
                doc_ids=asked,
                times=grouped[(kind, question, asked, cited)],
                closest=closest,
                labels=tuple(engine.docs[p.doc_id].label for p in closest),
            )
        )
    total = Counter()
    for q in out:
        total[q.topic] += q.times
    out.sort(key=lambda q: (q.topic == NO_TOPIC, -total[q.topic], q.topic, -q.times, KINDS.index(q.kind)))
    return StaffAsks(tuple(out), len(records), "; ".join(notes))
