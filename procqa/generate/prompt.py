"""What the model is shown: the question and the paragraphs found, numbered as the answer cites them."""

from __future__ import annotations

from procqa.records import Citation

SYSTEM = (
    "You answer questions from staff about child-protection procedures. Use only the numbered "
    "paragraphs you are given. Write the steps in the order a person acts, one short sentence per line. "
    "End every sentence with the number of the paragraph it comes from in square brackets, like [1]. "
    "Keep the paragraphs' own words for times, ages, roles and duties (must, should, must not). "
    "Do not add anything the paragraphs do not say."
)


def excerpt(text: str, words: int) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"


# One worked example, so that even a small model sees the shape wanted: a step, then its [n].
EXAMPLE_USER = (
    "Paragraphs:\n\n[1] Staff must record the concern on the day it arises.\n\n[2] The designated lead "
    "should refer to children's social care within one working day.\n\nQuestion: what do I do?"
)
EXAMPLE_REPLY = (
    "Record the concern on the day it arises [1].\n"
    "The designated lead should refer to children's social care within one working day [2]."
)


def messages(question: str, citations: list[Citation], words: int) -> list[dict]:
    """Chat messages for one document's part of an answer: the paragraphs as [n] (n as the answer
    numbers them, so a model's [2] is the answer's source [2]) then the question."""
    numbered = "\n\n".join(f"[{c.n}] {excerpt(c.paragraph.text, words)}" for c in citations)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": EXAMPLE_USER},
        {"role": "assistant", "content": EXAMPLE_REPLY},
        {"role": "user", "content": f"Paragraphs:\n\n{numbered}\n\nQuestion: {question}"},
    ]


MAX_LINES = 8  # a grammar-bound reply: at most this many steps


def citing_grammar(numbers: list[int]) -> str:
    """A llama.cpp (GBNF) grammar for a reply of 1..MAX_LINES lines, each one sentence (at most 150
    characters, so it ends within the reply's token budget) ending in the number of one of the
    paragraphs shown: "Record the concern on the day it arises. [1]"."""
    cite = " | ".join(f'"{n}"' for n in sorted(set(numbers)))
    optional = " ".join(["line?"] * (MAX_LINES - 1))
    line = r'line ::= [A-Z] [^\n\[\].!?]{10,150} "." " [" cite "]\n"'
    return f"root ::= line {optional}\n{line}\ncite ::= {cite}\n"
