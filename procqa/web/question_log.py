"""The chat page's opt-in question log: the sidebar switch, the clear button, and keeping a turn.

Off by default (st.session_state[LOG_KEY] is False until a user switches it on, for this session only).
"""

from __future__ import annotations

import sqlite3

import streamlit as st

from procqa.config import Settings
from procqa.feedback.log import clear_log, log_question, logged, top_refs
from procqa.feedback.store import db_path
from procqa.records import Answer

LOG_KEY = "log_questions"
LABEL = "Keep a local log of questions for coverage reports"


def _problem(settings: Settings, exc: Exception) -> str:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return (
            f"the question log in {db_path(settings)} is busy (another process is writing); try again shortly"
        )
    return (
        f"the question log in {db_path(settings)} cannot be used ({exc}); "
        "nothing stored was changed. Move the file aside to start a new one"
    )


def controls(settings: Settings) -> None:
    """The sidebar switch (off by default), what is kept and where, and the clear button."""
    with st.sidebar:
        st.checkbox(  # not st.toggle: its switch lacks aria-checked (axe-core)
            LABEL,
            value=False,
            key=LOG_KEY,
            help="Off unless you switch it on, for this session only.",
        )
        st.caption(
            f"When on, each question you ask is kept on this machine in {db_path(settings)} (the question, "
            "the procedures chosen, whether it was declined, and the refs of the closest paragraphs), "
            "for the coverage page's 'What staff ask' and section map. Nothing leaves the machine."
        )
        if st.button("Clear the question log", key="clear_question_log"):
            try:
                removed = clear_log(settings)
            except (sqlite3.Error, OSError) as exc:
                st.error(f"Could not clear: {_problem(settings, exc)}.")
            else:
                st.success(f"Question log cleared ({removed} question{'s' if removed != 1 else ''} removed).")
        else:
            try:
                kept = len(logged(settings))
            except (sqlite3.Error, OSError):
                kept = None
            if kept:
                st.caption(f"{kept} question{'s' if kept != 1 else ''} in the log.")


def keep(settings: Settings, question: str, doc_ids: list[str], answer: Answer | None) -> None:
    """Log an answered (or declined) question when the user switched the log on; a question refused as
    typed is not kept. A store that cannot be written is reported under the answer, which stays shown."""
    if answer is None or not st.session_state.get(LOG_KEY, False):
        return
    try:
        log_question(settings, question, doc_ids, answer.abstained, top_refs(answer))
    except (sqlite3.Error, OSError) as exc:
        st.error(f"The question was not kept: {_problem(settings, exc)}.")
