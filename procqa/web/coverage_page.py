"""The policy lead's page: the coverage report (topic checklist, timescales register, comparison, law and
guidance cited, what staff ask, section map) as filterable tables whose refs open the chat page's source
view, with the report folder and each CSV to download."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from procqa.config import Settings
from procqa.coverage.checklist import STATUSES
from procqa.coverage.gold import GoldError
from procqa.coverage.report import CoverageReport, ReportError, build_report, write_report
from procqa.coverage.sections import chapters
from procqa.coverage.staff import KINDS as STAFF_KINDS
from procqa.coverage.topics import TopicsError, load_topics
from procqa.engine import Engine
from procqa.records import Paragraph
from procqa.web import escape_markdown
from procqa.web.links import paragraph_url
from procqa.web.loading import current_engine, get_warm_engine

TITLE = "Coverage for policy leads"
INTRO = (
    "Does each set of procedures cover the topics you expect, what timescales does it set, what law and "
    "guidance does it cite, what do staff ask that it does not answer well, and which sections does nothing "
    "ever reach? Every status is decided by plain word tests you can check by hand: follow a ref to read the "
    "paragraph it rests on before relying on a line."
)
BUILT = "coverage_built"
ALL_EVENTS = "All events"
NO_EVENT = "(no event named)"
MIME = {".csv": "text/csv", ".zip": "application/zip"}
CITED_SHOWN = 8  # refs listed per law or guidance row


@dataclass(frozen=True)
class Built:
    """A built report, kept for the session: the records, the written files and the folder zipped."""

    report: CoverageReport
    files: dict[str, bytes]  # report.html, *.csv, *.png as write_report wrote them
    archive: bytes  # report.zip
    topics: str  # where the topics came from, for the caption


def report_files(report: CoverageReport) -> dict[str, bytes]:
    """The report folder, through the same writer the command line uses, read back into memory."""
    with tempfile.TemporaryDirectory() as folder:
        out = write_report(report, Path(folder) / "coverage")
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"coverage/{name}", data)
    return buffer.getvalue()


def link(label: str, p: Paragraph) -> str:
    # "./" so the link opens the chat page's source view from /coverage (as the quiz page's links do).
    return f"[{escape_markdown(f'{label} {p.cite_ref}')}](./{paragraph_url(p)})"


def links(labels: Sequence[str], paragraphs: Sequence[Paragraph]) -> str:
    return ", ".join(link(lab, p) for lab, p in zip(labels, paragraphs, strict=True))


def md(text: object) -> str:
    return escape_markdown(str(text))


# --- building ---


def _topics_file(uploaded, folder: Path) -> Path | None:
    """The uploaded topics CSV saved to `folder` and checked; TopicsError names the upload, not the copy."""
    if uploaded is None:
        return None
    path = folder / "topics.csv"
    path.write_bytes(uploaded.getvalue())
    try:
        load_topics(path)
    except TopicsError as exc:
        raise TopicsError(str(exc).replace(str(path), uploaded.name)) from None
    return path


def request_form(engine: Engine, settings: Settings, index: str) -> None:
    docs = engine.docs
    chosen = st.multiselect(
        "Procedures (one, or two to compare their timescales)",
        list(docs),
        default=list(docs)[:1],
        max_selections=2,
        format_func=lambda d: f"{docs[d].label}: {docs[d].title} ({docs[d].edition})",
        key="coverage_docs",
    )
    uploaded = st.file_uploader(
        "Your own topics (CSV with columns topic,description and optionally also); none: the shipped list",
        type=["csv"],
        key="coverage_topics",
    )
    if not st.button("Build the report", type="primary", key="coverage_build"):
        return
    if not chosen:
        st.error("Choose one or two sets of procedures.")
        return
    with tempfile.TemporaryDirectory() as folder:
        try:
            topics = _topics_file(uploaded, Path(folder))
            with st.spinner(
                "Checking topics, timescales, law cited, what staff ask and where questions land…"
            ):
                warm = get_warm_engine(str(settings.data_dir), index)
                report = build_report(warm, chosen, topics)
                files = report_files(report)
        except (TopicsError, ReportError, GoldError) as exc:
            st.error(f"No report: {exc}")
            return
    st.session_state[BUILT] = Built(
        report, files, zip_bytes(files), uploaded.name if uploaded is not None else "the shipped list"
    )


# --- showing ---


def checklist_tab(report: CoverageReport) -> None:
    statuses = st.multiselect("Status", list(STATUSES), default=list(STATUSES), key="coverage_status")
    rows = [c for c in report.checklist if c.status in statuses]
    st.caption(
        f"{len(rows)} of {len(report.checklist)} lines. Covered: a heading names the topic; partly: "
        "paragraphs name it but no heading does; not covered: nothing names it (the refs are the closest)."
    )
    if rows:
        st.table(
            [
                {
                    "Topic": md(c.topic),
                    "Procedures": md(c.label),
                    "Status": c.status,
                    "Heading": md(c.heading),
                    "Refs": links([c.label] * len(c.evidence), c.evidence),
                    "Quote": md(c.quote),
                    "Score": f"{c.score:.2f}",
                }
                for c in rows
            ]
        )


def register_tab(report: CoverageReport) -> None:
    events = sorted({r.event for r in report.register if r.event})
    event = st.selectbox("Event", [ALL_EVENTS, *events, NO_EVENT], key="coverage_event")
    wanted = {ALL_EVENTS: None, NO_EVENT: ""}.get(event, event)
    rows = [r for r in report.register if wanted is None or r.event == wanted]
    st.caption(f"{len(rows)} of {len(report.register)} timescales.")
    if rows:
        st.table(
            [
                {
                    "Ref": link(r.label, r.paragraph),
                    "Timescale": md(r.timescale),
                    "Event": md(r.event),
                    "What": md(r.action),
                    "Runs from": md(r.runs_from),
                    "Who": md(r.role),
                }
                for r in rows
            ]
        )


def comparison_tab(report: CoverageReport) -> None:
    if len(report.docs) != 2:
        st.info("Choose two sets of procedures and build the report again to compare their timescales.")
        return
    a, b = report.docs
    only_differing = st.checkbox("Only events timed differently", key="coverage_differs")
    rows = [c for c in report.comparison if c.differs or not only_differing]
    st.caption("Events timed in both documents come first; 'differs' means no timescale is shared.")
    if rows:
        st.table(
            [
                {
                    "Event": md(c.event),
                    "Runs from": md(c.from_event),
                    a.label: "; ".join(f"{md(r.timescale)} ({link(r.label, r.paragraph)})" for r in c.a),
                    b.label: "; ".join(f"{md(r.timescale)} ({link(r.label, r.paragraph)})" for r in c.b),
                    "Differs": "yes" if c.differs else "",
                }
                for c in rows
            ]
        )


def guidance_tab(report: CoverageReport) -> None:
    st.caption("Acts, Regulations and national guidance each document cites by name, most cited first.")
    if report.guidance:
        st.table(
            [
                {
                    "Procedures": md(g.label),
                    "Title": md(g.name),
                    "Kind": g.kind,
                    "Paragraphs": len(g.paragraphs),
                    "Cited at": links(
                        [g.label] * min(CITED_SHOWN, len(g.paragraphs)), g.paragraphs[:CITED_SHOWN]
                    )
                    + (" …" if len(g.paragraphs) > CITED_SHOWN else ""),
                }
                for g in report.guidance
            ]
        )


def staff_tab(report: CoverageReport) -> None:
    staff = report.staff
    if staff is not None and staff.note:
        st.warning(f"Note: {staff.note}.")
    if staff is None or not staff.questions:
        st.info(
            "No local records: no answers rated not helpful or wrong citation, and no declined questions in "
            "the question log, for these procedures. The log is kept only when switched on in the chat "
            "page's sidebar."
        )
        return
    st.caption(
        "From this machine's records: feedback rated not helpful or wrong citation, and questions the app "
        "declined (the opt-in question log). A question counts under the topic it names, else the topic "
        "named by the headings of its closest paragraph."
    )
    st.table(
        [
            {
                "Topic": md(topic),
                **{kind.capitalize(): counts[kind] for kind in STAFF_KINDS},
                "Questions": sum(counts.values()),
            }
            for topic, counts, _ in staff.by_topic()
        ]
    )
    st.table(
        [
            {
                "Topic": md(q.topic),
                "Kind": q.kind,
                "Question": md(q.question),
                "Times": q.times,
                "Closest paragraphs": links(q.labels, q.closest),
            }
            for q in staff.questions
        ]
    )


def sections_tab(built: Built) -> None:
    rows = built.report.sections
    if not rows:
        st.info("No sections to map.")
        return
    st.caption(
        "Where questions land: gold questions of the evaluation set (every split) by their gold paragraphs; "
        "quiz items written for the whole document that pass the text checks, by the paragraphs they cite; "
        "logged staff questions by their closest paragraph."
    )
    if "sections.png" in built.files:
        st.image(built.files["sections.png"], caption="Sections reached and not, per chapter")
    st.table(
        [
            {
                "Chapter": md(f"{c.label} {c.chapter}"),
                "Title": md(c.title),
                "Sections": c.sections,
                "Reached": c.reached,
                "Gold": c.gold,
                "Quiz": c.quiz,
                "Staff": c.staff,
                "Nothing reaches": ", ".join(link(r.label, r.first) for r in c.unreached),
            }
            for c in chapters(rows)
        ]
    )
    only = st.checkbox("Only sections nothing reaches", key="coverage_unreached")
    shown = [r for r in rows if not (only and r.reached)]
    st.caption(
        f"{len(shown)} of {len(rows)} sections; {sum(not r.reached for r in rows)} reached by nothing."
    )
    if shown:
        st.table(
            [
                {
                    "Section": link(r.label, r.first),
                    "Title": md(r.title),
                    "Paragraphs": r.paragraphs,
                    "Gold": r.gold,
                    "Quiz": r.quiz,
                    "Staff": r.staff,
                }
                for r in shown
            ]
        )


def downloads(built: Built) -> None:
    st.markdown("**Download**")
    names = ["report.zip", *(n for n in built.files if n.endswith(".csv"))]
    for column, name in zip(st.columns(len(names)), names, strict=True):
        data = built.archive if name == "report.zip" else built.files[name]
        column.download_button(
            name,
            data=data,
            file_name=name,
            mime=MIME[Path(name).suffix],
            key=f"coverage_download_{name}",
        )


def show(built: Built) -> None:
    report = built.report
    st.success(
        f"Report for {', '.join(d.label for d in report.docs)}: {report.topics} topics from {built.topics}, "
        f"{len(report.register)} timescales, {len(report.guidance)} laws and guidance cited."
    )
    downloads(built)
    tabs = st.tabs(
        ["Topic checklist", "Timescales", "Comparison", "Law and guidance", "What staff ask", "Section map"]
    )
    with tabs[0]:
        checklist_tab(report)
    with tabs[1]:
        register_tab(report)
    with tabs[2]:
        comparison_tab(report)
    with tabs[3]:
        guidance_tab(report)
    with tabs[4]:
        staff_tab(report)
    with tabs[5]:
        sections_tab(built)


def page() -> None:
    st.title(TITLE)
    st.caption(INTRO)
    settings = Settings()
    engine, index = current_engine(settings)
    request_form(engine, settings, index)
    built = st.session_state.get(BUILT)
    if built is not None:
        show(built)


if __name__ == "__main__":  # Streamlit runs this file as the coverage page's script
    page()
