"""Property: whatever the shape of a document, the parsers never drop or duplicate its text.

Documents are generated in each style the parsers read (numbered paragraphs, numbered headings); every
word of every body line must come out exactly once, in order, across the parsed paragraphs.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procqa.ingest.clean import Line
from procqa.ingest.headings import parse_headings
from procqa.ingest.numbered import parse_numbered

WORDS = st.sampled_from(
    [
        "child",
        "parent",
        "referral",
        "social",
        "worker",
        "school",
        "nurse",
        "concern",
        "record",
        "within",
        "hours",
        "day",
        "must",
        "should",
        "the",
        "a",
        "to",
        "of",
        "family",
        "plan",
        "meeting",
        "police",
        "health",
        "staff",
        "lead",
        "designated",
        "safeguarding",
        "risk",
        "harm",
    ]
)
SENTENCE = st.lists(WORDS, min_size=12, max_size=30).map(lambda ws: " ".join(ws).capitalize() + ".")
BODY = st.lists(SENTENCE, min_size=1, max_size=3).map(" ".join)
# A document: chapters of sections of paragraphs (bodies).
SHAPE = st.lists(
    st.lists(st.lists(BODY, min_size=1, max_size=4), min_size=1, max_size=3), min_size=1, max_size=3
)


def _words(paragraphs) -> list[str]:
    return [w for p in paragraphs for w in p.text.replace("\n- ", " ").split()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SHAPE)
def test_numbered_paragraph_documents_keep_every_word_once(shape):
    lines, expected = [], []
    for c, chapter in enumerate(shape, start=1):
        lines += [f"{c}. Chapter title {c}", ""]
        for s, section in enumerate(chapter, start=1):
            lines += [f"{c}.{s} Section title {c} {s}", ""]
            for n, body in enumerate(section, start=1):
                lines += [f"{c}.{s}.{n} {body}", ""]
                expected += body.split()
    paragraphs = parse_numbered("doc", [Line(t) for t in lines])
    assert _words(paragraphs) == expected
    assert len({p.ref for p in paragraphs}) == len(paragraphs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SHAPE)
def test_numbered_heading_documents_keep_every_word_once(shape):
    lines, expected = [], []
    for c, chapter in enumerate(shape, start=1):
        lines.append(f"{c}. Chapter title {c}")
        for s, section in enumerate(chapter, start=1):
            lines.append(f"{c}.{s} Section title {c} {s}")
            for body in section:
                lines += [body, ""]
                expected += body.split()
    paragraphs = parse_headings("doc", [Line(t) for t in lines])
    assert _words(paragraphs) == expected
    assert len({(p.ref, p.para) for p in paragraphs}) == len(paragraphs)
