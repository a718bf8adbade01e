"""procqa in the browser: a chat over the procedures, with every citation one click from its source.

Run with `streamlit run app.py` (or scripts/start.sh). The UI only: it calls procqa.engine and renders the
records it returns (answers as sections of cited steps); links live in web/links.py, feedback in feedback/.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import streamlit as st

from procqa.config import Settings
from procqa.contents import CHAPTER_DEPTH, default_chapter, locate
from procqa.engine import Engine, InContext, QuestionError, llm_configured, llm_problem, llm_remote
from procqa.feedback.store import CHOICES, db_path, record
from procqa.records import (
    NOT_COVERED,
    PHASE_LABELS,
    QUOTED,
    TENTATIVE,
    Answer,
    Citation,
    DocumentInfo,
    Paragraph,
    Section,
    Urgent,
)
from procqa.web import coverage_page, escape_markdown, question_log, quiz_page, shorten
from procqa.web.links import SourceRef, paragraph_url, parse_source, source_params
from procqa.web.loading import current_engine, get_warm_engine
from procqa.web.record import record_html, record_text

NOTICE = (
    "procqa quotes the child protection procedures. It does not replace your designated safeguarding "
    "lead. **If a child is in danger now, call the police on 999.**"
)
EXAMPLES = (
    "One of my pupils has cuts on her arms and says she wants to die. What must I do?",
    "A 15 year old keeps going missing overnight and comes back with new trainers and two phones. What now?",
    "How quickly must I make a referral to children's social care?",
    "What should I do if an allegation is made against a member of staff?",
)
BOTH = "both"
USER_AVATAR, ASSISTANT_AVATAR = "🧑", "📘"
REMOTE_BANNER = (
    "Questions you ask with the local model switched on leave this machine: they are sent to the language "
    "model at {url} (PROCQA_LLM_ALLOW_REMOTE is set)."
)
USE_LLM = "Let the local model write the answer"
# The check misses about a third of wrong sentences it was not written against (README, Local LLM): say so.
LLM_HELP = (
    "The model writes the answer from the same paragraphs. Each sentence is shown only if it passes a check "
    "against the paragraph it cites. The check can miss a sentence that changes a condition or the order "
    "of steps, so read the paragraph before you act. If the model fails, you get the quoted answer."
)
START_AGAIN = (
    "Start again clears your questions and answers from this page and from the app's memory. Feedback you "
    "gave stays in the feedback store on this computer, with the question unless you switched that off."
)


@dataclass
class Turn:
    """One question and what came back: an answer, or the reason there is none."""

    question: str
    doc_ids: list[str]
    answer: Answer | None = None
    error: str | None = None
    history: list[str] = field(default_factory=list)
    asked: datetime = field(default_factory=datetime.now)


# --- small renderers ---


def doc_line(doc: DocumentInfo) -> str:
    return f"**{doc.label}**: {doc.title} — {doc.edition} edition · {doc.jurisdiction}"


def heading_line(p: Paragraph) -> str:
    page = f" · page {p.page}" if p.page else ""
    return (" › ".join(p.heading) or "Front matter") + page


def citation_expander(c: Citation) -> None:
    """Label and heading at a glance; the full paragraph and a link to it in context when opened."""
    p = c.paragraph
    number = f"[{c.n}] " if c.n else ""
    with st.expander(f"{number}{c.label} — {' › '.join(p.heading[-2:])}"):
        st.caption(heading_line(p))
        st.markdown(p.text)
        st.markdown(f"[Open {c.label} in context]({paragraph_url(p)})")


def render_section(section: Section, answer: Answer) -> None:
    """One document's part of an answer: its heading, an old-edition note, then steps with linked markers."""
    by_n = {c.n: c for c in answer.citations}
    st.markdown(f"**{escape_markdown(section.heading)}**")
    if section.note:
        st.caption(f"Note: {section.note}")
    if not section.covered:
        st.warning(NOT_COVERED)
        return
    lines, phase = [], None
    for step in section.steps:
        if step.phase and step.phase != phase:
            # Steps come in the order a person acts; each phase is named once.
            lines.append(f"\n**{PHASE_LABELS[step.phase]}**\n")
            phase = step.phase
        markers = "".join(
            f'[\\[{n}\\]]({paragraph_url(by_n[n].paragraph)} "{by_n[n].label}")'
            for n in step.citations
            if n in by_n
        )
        first, *rest = step.text.splitlines()
        lines.append("\n".join([f"- {first}"] + [f"  {line}" for line in rest]) + f" {markers}")
    st.markdown("\n".join(lines))


def render_written(answer: Answer) -> None:
    """The local model's answer: its kept sentences with linked markers, per document, then the same
    sources as a quoted answer (every paragraph one click away)."""
    written = answer.written
    assert written is not None
    by_n = {c.n: c for c in answer.citations}
    st.caption(
        f"Written by {escape_markdown(written.model)}. Every sentence passed a check against the paragraph "
        "it cites, but the check can miss a changed condition or order of steps: open the source and read "
        "the procedures' own words before you act."
    )
    if answer.tentative:
        st.warning(TENTATIVE)
    for section in answer.sections:
        kept = [c for c in written.kept if c.doc_id == section.doc_id]
        if not kept:
            continue
        st.markdown(f"**{escape_markdown(section.heading)}**")
        if section.note:
            st.caption(f"Note: {section.note}")
        lines = []
        for c in kept:
            markers = "".join(
                f'[\\[{n}\\]]({paragraph_url(by_n[n].paragraph)} "{by_n[n].label}")' for n in c.citations
            )
            lines.append(f"- {escape_markdown(c.text)} {markers}")
        st.markdown("\n".join(lines))
    render_sources(list(answer.citations))


def render_answer(answer: Answer) -> None:
    if answer.written is not None:
        if answer.written.used:
            render_written(answer)
            return
        # The model was asked but could not be used: say why in one line, then the quoted answer.
        st.info(answer.written.notice)
        st.caption(f"Answer {QUOTED}.")
    if answer.tentative:
        st.warning(TENTATIVE)
    sections = answer.sections
    if len(sections) > 1:
        # Side by side: each document's steps and sources in its own column, never mixed.
        for col, section in zip(st.columns(len(sections)), sections, strict=True):
            with col:
                render_section(section, answer)
                render_sources([c for c in answer.citations if c.paragraph.doc_id == section.doc_id])
        return
    for section in sections:
        render_section(section, answer)
    render_sources(list(answer.citations))


def render_sources(citations: list[Citation]) -> None:
    if citations:
        st.caption("Sources")
    for c in citations:
        citation_expander(c)


def render_declined(answer: Answer) -> None:
    st.warning(answer.text)
    if answer.related:
        st.markdown("Nearest paragraphs, in case one of them helps:")
        for c in answer.related:
            citation_expander(c)


def render_feedback(index: int, turn: Turn, settings: Settings) -> None:
    given = st.session_state.setdefault("feedback_given", {})
    if index in given:
        st.caption(f"Feedback recorded ({given[index]}). Thank you.")
        return
    answer = turn.answer
    assert answer is not None
    for col, choice in zip(st.columns([1, 1, 1, 3]), CHOICES, strict=False):
        if col.button(choice.capitalize(), key=f"feedback-{index}-{choice}"):
            keep = st.session_state.get("keep_question", True)
            try:
                record(
                    db_path(settings),
                    choice,
                    [c.label for c in answer.citations],
                    answer.question if keep else None,
                    turn.doc_ids,
                )
            except (sqlite3.Error, OSError) as exc:
                st.error(f"Could not store feedback in {db_path(settings)}: {exc}")
                return
            given[index] = choice
            st.rerun()


def render_urgent(urgent: Urgent) -> None:
    """What the procedures say to do if a child is in immediate danger, and who to call now: first, in a
    box of its own, quoted and cited like every other step."""
    by_n = {c.n: c for c in urgent.citations}
    lines, phase = [f"**{escape_markdown(urgent.heading)}**"], None
    for step in urgent.steps:
        if step.phase != phase:
            lines.append(f"\n**{PHASE_LABELS[step.phase]}**\n")
            phase = step.phase
        links = " ".join(f"[{by_n[n].label}]({paragraph_url(by_n[n].paragraph)})" for n in step.citations)
        first, *rest = step.text.splitlines()
        lines.append("\n".join([f"- {first}"] + [f"  {line}" for line in rest]) + f" ({links})")
    with st.container(border=True):
        st.markdown("\n".join(lines))


def render_record(index: int, turn: Turn) -> None:
    """Save for my record: the question, the answer's steps and every paragraph quoted, to keep."""
    answer = turn.answer
    assert answer is not None
    stamp = f"{turn.asked:%Y-%m-%d-%H%M}"
    page, text = st.columns(2)
    page.download_button(
        "Save for my record (printable page)",
        # Built when clicked: every rerun redraws every turn, and most records are never saved.
        data=partial(record_html, answer, turn.asked),
        file_name=f"procqa-record-{stamp}.html",
        mime="text/html",
        key=f"record-html-{index}",
    )
    text.download_button(
        "Save as text (to paste into a log)",
        data=partial(record_text, answer, turn.asked),
        file_name=f"procqa-record-{stamp}.txt",
        mime="text/plain",
        key=f"record-text-{index}",
    )


def render_turn(index: int, turn: Turn, settings: Settings) -> None:
    # Emoji avatars: the default icon avatars fail the contrast minimum (axe-core: color-contrast).
    with st.chat_message("user", avatar=USER_AVATAR):
        # Escaped: a question is shown exactly as typed, never as markup.
        st.markdown(escape_markdown(shorten(turn.question, 500)))
    with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
        if turn.error is not None:
            st.error(turn.error)
            return
        assert turn.answer is not None
        for urgent in turn.answer.urgent:
            render_urgent(urgent)
        if turn.answer.abstained:
            render_declined(turn.answer)
        else:
            render_answer(turn.answer)
        render_record(index, turn)
        render_feedback(index, turn, settings)


# --- views ---


def start_again() -> None:
    """Clear the conversation from the page and from the server's session state: on a shared computer
    the next person must not see the last person's questions."""
    for key in list(st.session_state):
        if key in ("turns", "feedback_given") or str(key).startswith(("feedback-", "record-")):
            del st.session_state[key]
    st.query_params.clear()
    st.rerun()


def sidebar(docs: dict[str, DocumentInfo]) -> list[str]:
    """The choice of procedures (kept for the session) and settings; returns the chosen doc ids."""
    with st.sidebar:
        options = [*docs, BOTH] if len(docs) > 1 else list(docs)
        # A select box, not st.radio: Streamlit's radio group carries an ARIA attribute its role does
        # not allow (axe-core: aria-allowed-attr, critical).
        choice = st.selectbox(
            "Procedures",
            options,
            key="procedures",
            format_func=lambda d: (
                "Both, side by side" if d == BOTH else f"{docs[d].label} ({docs[d].edition})"
            ),
        )
        # A checkbox, not st.toggle: Streamlit's switch has no aria-checked (axe-core: aria-required-attr).
        st.checkbox(
            "Keep question text with feedback",
            value=True,
            key="keep_question",
            help="When off, feedback is stored without the question (the question column is left empty).",
        )
        settings = Settings()
        if llm_configured(settings):
            if problem := llm_problem(settings):
                st.warning(f"The local model is not used: {problem}")
            else:
                # A checkbox, not st.toggle (see above); shown only when a model is configured.
                st.checkbox(f"{USE_LLM} ({settings.llm_model})", value=False, key="use_llm", help=LLM_HELP)
        if st.button("Start again", key="start_again", help=START_AGAIN):
            start_again()
        st.caption(START_AGAIN)
        st.markdown("**Browse the contents**")
        for doc in docs.values():
            if st.button(f"Contents of {doc.label}", key=f"contents-{doc.doc_id}"):
                st.query_params.from_dict(source_params(doc.doc_id))
                st.rerun()
    return list(docs) if choice == BOTH else [choice]


def chat_view(settings: Settings, index_path: str, docs: dict[str, DocumentInfo], doc_ids: list[str]) -> None:
    for d in doc_ids:
        st.markdown(doc_line(docs[d]))
        if docs[d].note:
            st.warning(docs[d].note)

    turns: list[Turn] = st.session_state.setdefault("turns", [])
    for i, turn in enumerate(turns):
        render_turn(i, turn, settings)

    question = None
    examples = st.empty()
    if not turns:
        with examples.container():
            st.markdown("**New here? Try an example:**")
            for i, example in enumerate(EXAMPLES):
                if st.button(example, key=f"example-{i}"):
                    question = example
    typed = st.chat_input("Ask about the procedures…")
    question = typed if typed is not None else question
    if question is None:
        return
    examples.empty()

    history = [t.answer.question for t in turns if t.answer is not None]
    turn = Turn(question, doc_ids, history=history)
    try:
        engine = get_warm_engine(str(settings.data_dir), index_path)
        with st.spinner("Searching the procedures…"):
            turn.answer = engine.ask(question, doc_ids, history=history)
        if st.session_state.get("use_llm") and llm_configured(settings) and not llm_problem(settings):
            turn.answer = stream_written(engine, turn, settings)
    except QuestionError as exc:
        turn.error = f"That question cannot be asked as typed: {exc}."
    turns.append(turn)
    render_turn(len(turns) - 1, turn, settings)
    question_log.keep(settings, question, doc_ids, turn.answer)  # only when switched on in the sidebar


def stream_written(engine: Engine, turn: Turn, settings: Settings) -> Answer:
    """The local model's answer as it is written, each sentence shown once it has passed the check; the
    finished answer is then drawn like any other turn (with its sources), so the stream is cleared."""
    assert turn.answer is not None
    writing = engine.write(turn.answer, settings)  # the engine is shared; the model is this page's
    live = st.empty()
    with live.container():
        with st.chat_message("user", avatar=USER_AVATAR):
            st.markdown(escape_markdown(shorten(turn.question, 500)))
        with st.chat_message("assistant", avatar=ASSISTANT_AVATAR):
            st.caption(f"{escape_markdown(settings.llm_model)} is writing; each sentence is checked.")
            # The model's words are shown as text, never as markup (links, images, HTML).
            st.write_stream(f"- {escape_markdown(line.strip())}\n" for line in writing)
    live.empty()
    return writing.answer


def source_view(settings: Settings, engine: Engine, source: SourceRef) -> None:
    """One paragraph in context (its own URL), and the document's contents to browse."""
    if st.button("← Back to the chat", key="back"):
        st.query_params.clear()
        st.rerun()
    doc = engine.docs.get(source.doc_id)
    if doc is None:
        st.error(f"There are no procedures called {escape_markdown(source.doc_id)}; choose from the sidebar.")
        return
    st.markdown(doc_line(doc))
    if doc.note:
        st.warning(doc.note)

    focus = None
    if source.ref is not None:
        found = engine.context(doc.doc_id, source.ref, source.para)
        if found is None:
            wanted = source.ref + (f" ¶{source.para}" if source.para else "")
            st.error(f"{doc.label} has no paragraph {escape_markdown(wanted)}; browse the contents below.")
        else:
            focus = found.matches[0]
            in_context(found)
    contents_browser(doc, engine, focus)


def in_context(found: InContext) -> None:
    doc, p = found.doc, found.matches[0]
    st.subheader(f"{doc.label} {p.cite_ref}")
    st.caption(heading_line(p))
    for q in found.before:
        _neighbour(doc, q, p)
    for q in found.matches:
        with st.container(border=True):
            st.markdown(f"**{doc.label} {q.cite_ref}**")
            st.markdown(q.text)
    for q in found.after:
        _neighbour(doc, q, p)


def _neighbour(doc: DocumentInfo, q: Paragraph, focus: Paragraph) -> None:
    where = "" if q.heading == focus.heading else f" — {' › '.join(q.heading[-1:])}"
    st.markdown(f"[{doc.label} {q.cite_ref}]({paragraph_url(q)}){where}")
    st.caption(q.text)


def contents_browser(doc: DocumentInfo, engine: Engine, focus: Paragraph | None) -> None:
    chapters = engine.contents(doc.doc_id)
    if not chapters:
        st.info(f"{doc.label} has no paragraphs in the index.")
        return
    st.subheader(f"Contents of {doc.label}")
    ci0, si0 = locate(chapters, focus) if focus else (default_chapter(chapters), 0)
    key = f"{doc.doc_id}-{focus.pid if focus else ''}"
    ci = st.selectbox(
        "Chapter",
        range(len(chapters)),
        index=ci0,
        key=f"chapter-{key}",
        format_func=lambda k: f"{chapters[k].title} ({chapters[k].paragraph_count} paragraphs)",
    )
    sections = chapters[ci].sections
    si = st.selectbox(
        "Section",
        range(len(sections)),
        index=si0 if ci == ci0 else 0,
        key=f"section-{key}-{ci}",
        format_func=lambda k: f"{sections[k].title} ({len(sections[k].paragraphs)})",
    )
    shown: tuple[str, ...] = ()
    for p in sections[si].paragraphs:
        sub = p.heading[CHAPTER_DEPTH + 1 :]
        if sub and sub != shown:
            st.caption(" › ".join(sub))
        shown = sub
        st.markdown(f"[**{doc.label} {p.cite_ref}**]({paragraph_url(p)})")
        st.markdown(p.text)


def chat_page() -> None:
    st.title("procqa")
    st.info(NOTICE)
    settings = Settings()
    engine, index = current_engine(settings)
    doc_ids = sidebar(engine.docs)
    question_log.controls(settings)
    source = parse_source(st.query_params.to_dict())
    if source is not None:
        source_view(settings, engine, source)
    else:
        chat_view(settings, index, engine.docs, doc_ids)


def main() -> None:
    st.set_page_config(page_title="procqa — child-protection procedures", layout="wide")
    settings = Settings()
    if llm_remote(settings) and not llm_problem(settings):
        # Every page, every run: the user allowed a model on another machine, so questions leave this one.
        st.warning(REMOTE_BANNER.format(url=escape_markdown(settings.llm_url)))
    # One app, a page per kind of user: staff ask, trainers build quizzes. The chat stays at "/", so
    # every citation URL ("?doc=...&ref=...") made before the quiz page existed still opens.
    pages = [
        st.Page(chat_page, title="Ask the procedures", default=True),
        # A page file (it runs page() as a script) rather than a function, so AppTest can switch to it.
        st.Page(Path(quiz_page.__file__), title="Build a quiz", url_path="quiz"),
        st.Page(Path(coverage_page.__file__), title="Coverage for policy leads", url_path="coverage"),
    ]
    st.navigation(pages).run()
