"""The trainer's page: build a quiz from chosen sections or a topic, review every item beside the
paragraph it cites, drop, edit or regenerate items, and download the quiz in each format."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from functools import partial
from pathlib import Path

import streamlit as st

from procqa.config import Settings
from procqa.engine import Engine
from procqa.quiz import checks
from procqa.quiz.build import QuizError, build_quiz, replace_item, section_choices
from procqa.quiz.export import FORMATS, write
from procqa.quiz.items import TYPES, Item, Quiz
from procqa.web import escape_markdown
from procqa.web.links import source_url
from procqa.web.loading import current_engine, get_warm_engine

TYPE_NAMES = {
    "mcq": "Multiple choice",
    "truefalse": "True or false",
    "gap": "Fill the gap",
    "match": "Matching",
}
FORMAT_NAMES = {
    "gift": "GIFT (Moodle)",
    "moodle-xml": "Moodle XML",
    "csv": "CSV (spreadsheet)",
    "anki": "Anki deck",
    "html": "Printable handout",
}
MIME = {
    "gift": "text/plain",
    "moodle-xml": "application/xml",
    "csv": "text/csv",
    "anki": "application/octet-stream",
    "html": "text/html",
}
INTRO = (
    "Every question is written from what the procedures say and cites its paragraph. Before it is offered, "
    "each one is checked: its answer is in the cited paragraph, no wrong option is, no other paragraph "
    "gives a different answer, and asking the question finds the paragraph."
)


def export_bytes(quiz: Quiz, fmt: str) -> bytes:
    """The quiz in one format, through the same atomic writer the command line uses."""
    with tempfile.TemporaryDirectory() as folder:
        path = write(quiz, fmt, Path(folder) / f"quiz{FORMATS[fmt]}")
        return path.read_bytes()


def cite_link(item: Item) -> str:
    # "./" so the link opens the chat page's source view from /quiz (and behind a proxy's sub-path).
    links = [f"[{s.cite}](./{source_url(s.doc_id, s.ref, s.para)})" for s in item.sources]
    return ", ".join(dict.fromkeys(links))


def render_item(number: int, item: Item) -> None:
    st.markdown(f"**{number}. {TYPE_NAMES[item.kind]}** · {item.fact} · {cite_link(item)}")
    st.markdown(escape_markdown(item.stem))
    if item.kind == "mcq":
        for letter, option in zip("abcdefgh", item.options, strict=False):
            mark = " ✓" if option == item.answer else ""
            st.markdown(f"{letter}) {escape_markdown(option)}{mark}")
    elif item.kind == "match":
        st.table({"Statement": [p for p, _ in item.pairs], "Answer": [a for _, a in item.pairs]})
    else:
        st.markdown(f"Answer: **{escape_markdown(item.answer)}**")
    st.caption(escape_markdown(item.feedback))


def edit_item(quiz: Quiz, index: int, item: Item) -> Quiz | None:
    """The edit form of one item; returns the quiz with the edit saved, or None when nothing was saved."""
    with st.form(f"edit-{item.id}"):
        stem = st.text_area("Question", item.stem, key=f"stem-{item.id}")
        options = list(item.options)
        if item.kind == "mcq":
            for i, option in enumerate(item.options):
                label = "Right answer" if option == item.answer else f"Wrong option {i + 1}"
                options[i] = st.text_input(label, option, key=f"option-{item.id}-{i}")
        if not st.form_submit_button("Save the edit"):
            return None
    answer = options[item.options.index(item.answer)] if item.kind == "mcq" else item.answer
    edited = replace(
        item, stem=stem.strip(), options=tuple(o.strip() for o in options), answer=answer.strip()
    )
    failed = [name for name, check in checks.TEXT_CHECKS.items() if not check(edited)]
    if failed:
        st.warning(
            f"Saved, but the edited item no longer passes: {', '.join(failed)}. "
            "Check it against the paragraph."
        )
    return replace(quiz, items=quiz.items[:index] + (edited,) + quiz.items[index + 1 :])


def request_form(engine: Engine) -> None:
    docs = engine.docs
    doc_id = st.selectbox(
        "Procedures",
        list(docs),
        format_func=lambda d: f"{docs[d].label}: {docs[d].title} ({docs[d].edition})",
        key="quiz_doc",
    )
    choices = dict(section_choices(engine, doc_id))
    sections = st.multiselect(
        "Chapters or sections (none: the whole document)",
        list(choices),
        format_func=choices.get,
        key="quiz_sections",
    )
    topic = st.text_input("Or a topic (picks the sections that cover it)", key="quiz_topic", max_chars=200)
    left, middle, right = st.columns(3)
    n = left.number_input("Number of questions", min_value=1, max_value=60, value=20, key="quiz_n")
    seed = middle.number_input(
        "Seed (the same seed gives the same quiz)", min_value=0, value=0, key="quiz_seed"
    )
    types = right.multiselect(
        "Question types", list(TYPES), default=list(TYPES), format_func=TYPE_NAMES.get, key="quiz_types"
    )
    if st.button("Build the quiz", type="primary", key="quiz_build"):
        if not types:
            st.error("Choose at least one question type.")
            return
        try:
            with st.spinner("Writing and checking questions…"):
                quiz = build_quiz(engine, doc_id, sections, topic.strip() or None, int(n), types, int(seed))
        except QuizError as exc:
            st.error(f"No quiz: {exc}.")
            return
        st.session_state["quiz"] = quiz


def review(engine: Engine, quiz: Quiz) -> None:
    rejected = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in quiz.rejected.items() if v) or "none"
    st.success(
        f"{len(quiz.items)} questions from {len({i.section for i in quiz.items})} sections of {quiz.title}. "
        f"{quiz.candidates} candidates were written; the checks rejected: {rejected}."
    )
    for index, item in enumerate(quiz.items):
        with st.container(border=True):
            render_item(index + 1, item)
            drop, regenerate, _ = st.columns([1, 1, 4])
            if drop.button("Drop", key=f"drop-{item.id}"):
                st.session_state["quiz"] = replace(quiz, items=quiz.items[:index] + quiz.items[index + 1 :])
                st.rerun()
            if regenerate.button("Regenerate", key=f"regenerate-{item.id}"):
                attempt = st.session_state.setdefault("quiz_attempt", 0) + 1
                st.session_state["quiz_attempt"] = attempt
                try:
                    st.session_state["quiz"] = replace_item(engine, quiz, index, attempt)
                    st.rerun()
                except QuizError as exc:
                    st.warning(f"{exc}.")
            with st.expander("Edit"):
                edited = edit_item(quiz, index, item)
                if edited is not None:
                    st.session_state["quiz"] = edited
                    st.rerun()
    if not quiz.items:
        st.info("Every question was dropped: build the quiz again.")
        return
    st.markdown("**Download**")
    columns = st.columns(len(FORMATS))
    for column, fmt in zip(columns, FORMATS, strict=True):
        column.download_button(
            FORMAT_NAMES[fmt],
            # Built when clicked, not on every rerun of the page (five formats, one an Anki zip).
            data=partial(export_bytes, quiz, fmt),
            file_name=f"quiz-{quiz.doc_id}{FORMATS[fmt]}",
            mime=MIME[fmt],
            key=f"download-{fmt}",
        )


def page() -> None:
    st.title("Build a quiz")
    st.caption(INTRO)
    settings = Settings()
    engine, index = current_engine(settings)
    request_form(engine)
    quiz = st.session_state.get("quiz")
    if quiz is not None:
        review(get_warm_engine(str(settings.data_dir), index), quiz)


if __name__ == "__main__":  # Streamlit runs this file as the quiz page's script
    page()
