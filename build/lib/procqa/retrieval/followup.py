"""Follow-up questions in a chat: "and what if he drives off with her?" means little on its own."""

from __future__ import annotations

import re

FOLLOW_UP = re.compile(
    r"^\s*(and|but|also|so|then|what if|what about|how about|if so|if not|ok|okay)\b"
    r"|\b(he|she|they|him|her|them|his|it|this|that|those|these)\b",
    re.IGNORECASE,
)


def contextualize(question: str, history: list[str]) -> str:
    """The text to search with: a short question that leans on the conversation (starts with "and",
    "what if", or uses a pronoun) is searched together with the previous question."""
    if not history:
        return question
    if len(question.split()) <= 12 and FOLLOW_UP.search(question):
        return f"{history[-1]} {question}"
    return question
