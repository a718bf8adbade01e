"""The coverage report for policy leads: build it from the engine, write it as one folder.

    report = build_report(engine, ["set-2025", "wales-2008"])
    write_report(report, Path("coverage"))   -> coverage/report.html, checklist.csv, register.csv,
                                                comparison.csv (two documents), guidance.csv,
                                                staff.csv (when there are local records), sections.csv,
                                                *.png

The folder is written beside the output under a temporary name and renamed into place at the end, so a
reader never finds half a report; an older report in the same folder is replaced whole.
"""

from __future__ import annotations

import base64
import csv
import html
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from procqa.config import Settings
from procqa.coverage.checklist import COVERED, NOT_COVERED, PARTLY, STATUSES, CheckRow, checklist
from procqa.coverage.gold import Score, load_gold, score
from procqa.coverage.guidance import GuidanceRow, guidance_rows
from procqa.coverage.register import Comparison, RegisterRow, compare, register_rows
from procqa.coverage.sections import SectionRow, chapters, gold_questions, section_map
from procqa.coverage.staff import StaffAsks, read_records, staff_asks
from procqa.coverage.topics import load_topics
from procqa.engine import Engine
from procqa.records import DocumentInfo, Paragraph


class ReportError(ValueError):
    """A report that cannot be built or written; the message is one line for the user."""


@dataclass(frozen=True)
class CoverageReport:
    docs: tuple[DocumentInfo, ...]
    topics: int
    checklist: tuple[CheckRow, ...]
    register: tuple[RegisterRow, ...]
    comparison: tuple[Comparison, ...]  # empty unless exactly two documents
    guidance: tuple[GuidanceRow, ...]
    scores: tuple[Score, ...]  # against the gold, when one covers these documents
    staff: StaffAsks | None = None  # what staff ask, from the app's local records
    sections: tuple[SectionRow, ...] = ()  # the section map


def build_report(
    engine: Engine,
    doc_ids: Sequence[str],
    topics_path: Path | None = None,
    gold_path: Path | None = None,
) -> CoverageReport:
    """Check every topic, list every timescale and every cited law in each document; compare the
    timescales when there are two documents; score against the gold (eval/coverage_gold.json by default);
    group what staff asked by topic and map where gold questions, quiz items and staff questions land."""
    unknown = [d for d in doc_ids if d not in engine.docs]
    if unknown:
        known = ", ".join(sorted(engine.docs))
        raise ReportError(f"unknown document '{unknown[0]}'; the index holds: {known}")
    if not doc_ids:
        raise ReportError("no documents to report on")
    topics = load_topics(topics_path)
    checks = checklist(engine, doc_ids, topics)
    registers = {d: register_rows(engine, d) for d in doc_ids}
    comparison = compare(registers[doc_ids[0]], registers[doc_ids[1]]) if len(doc_ids) == 2 else []
    guidance = [g for d in doc_ids for g in guidance_rows(d, engine.docs[d].label, engine.paragraphs(d))]
    gold_path = gold_path or Settings().eval_dir / "coverage_gold.json"
    scores: list[Score] = []
    if Path(gold_path).is_file():
        gold = load_gold(gold_path)
        scores = [score(gold, d, checks, registers[d]) for d in doc_ids if _has_gold(gold, d)]
    settings = engine.settings
    records, log, note = read_records(settings)
    staff = staff_asks(engine, doc_ids, topics, records, note, settings.staff_questions)
    sections = section_map(engine, doc_ids, gold_questions(settings.gold), log)
    return CoverageReport(
        docs=tuple(engine.docs[d] for d in doc_ids),
        topics=len(topics),
        checklist=tuple(checks),
        register=tuple(r for d in doc_ids for r in registers[d]),
        comparison=tuple(comparison),
        guidance=tuple(guidance),
        scores=tuple(scores),
        staff=staff,
        sections=tuple(sections),
    )


def _has_gold(gold: dict, doc_id: str) -> bool:
    return doc_id in gold.get("checklist", {}) or doc_id in gold.get("timescales", {})


# --- writing --------------------------------------------------------------------------------------------


def source_link(p: Paragraph) -> str:
    """The app's source view of a paragraph, relative ("?doc=set-2025&ref=A%201.6.5&para="); the same
    address procqa.web.links.source_url gives, built here because the web layer sits above this one."""
    params = {"doc": p.doc_id, "ref": p.ref, "para": "" if p.para is None else str(p.para)}
    return "?" + urlencode(params, quote_via=quote)


def _tables(report: CoverageReport) -> dict[str, tuple[list[str], list[list[str]]]]:
    tables = {
        "checklist.csv": (
            ["topic", "doc", "status", "heading", "refs", "quote", "score", "paragraphs_naming"],
            [
                [
                    c.topic,
                    c.doc_id,
                    c.status,
                    c.heading,
                    "; ".join(c.refs),
                    c.quote,
                    f"{c.score:.2f}",
                    str(c.mentions),
                ]
                for c in report.checklist
            ],
        ),
        "register.csv": (
            [
                "doc",
                "ref",
                "timescale",
                "as_printed",
                "event",
                "action",
                "runs_from",
                "from_event",
                "role",
                "deadline",
                "recurring",
                "sentence",
            ],
            [
                [
                    r.doc_id,
                    r.ref,
                    r.timescale,
                    r.printed,
                    r.event,
                    r.action,
                    r.runs_from,
                    r.from_event,
                    r.role,
                    "yes" if r.limit else "",
                    "yes" if r.recurring else "",
                    r.sentence,
                ]
                for r in report.register
            ],
        ),
        "guidance.csv": (
            ["doc", "title", "year", "kind", "paragraphs", "refs"],
            [
                [g.doc_id, g.title, g.year, g.kind, str(len(g.paragraphs)), "; ".join(g.refs)]
                for g in report.guidance
            ],
        ),
    }
    if len(report.docs) == 2:
        a, b = report.docs
        tables["comparison.csv"] = (
            [
                "event",
                "runs_from",
                f"{a.label}_timescales",
                f"{b.label}_timescales",
                "differs",
                f"{a.label}_refs",
                f"{b.label}_refs",
            ],
            [
                [
                    c.event,
                    c.from_event,
                    "; ".join(c.timescales_a),
                    "; ".join(c.timescales_b),
                    "yes" if c.differs else "",
                    "; ".join(r.ref for r in c.a),
                    "; ".join(r.ref for r in c.b),
                ]
                for c in report.comparison
            ],
        )
    if report.staff is not None and report.staff.questions:
        tables["staff.csv"] = (
            ["topic", "kind", "question", "times", "procedures", "closest_refs"],
            [
                [
                    q.topic,
                    q.kind,
                    q.question,
                    str(q.times),
                    ",".join(q.doc_ids),
                    "; ".join(f"{lab} {p.cite_ref}" for lab, p in zip(q.labels, q.closest, strict=True)),
                ]
                for q in report.staff.questions
            ],
        )
    if report.sections:
        tables["sections.csv"] = (
            [
                "doc",
                "chapter",
                "chapter_title",
                "section",
                "title",
                "paragraphs",
                "gold",
                "quiz",
                "staff",
                "reached",
                "first_ref",
            ],  # fmt: skip
            [
                [
                    r.doc_id,
                    r.chapter,
                    r.chapter_title,
                    r.section,
                    r.title,
                    str(r.paragraphs),
                    str(r.gold),
                    str(r.quiz),
                    str(r.staff),
                    "yes" if r.reached else "",
                    f"{r.label} {r.first.cite_ref}",
                ]
                for r in report.sections
            ],
        )
    return tables


def _charts(report: CoverageReport, folder: Path) -> list[str]:
    """PNG charts (matplotlib, no display needed); returns the file names written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    labels = [d.label for d in report.docs]
    fig, ax = plt.subplots(figsize=(6, 3.2))
    width = 0.8 / max(1, len(STATUSES))
    for i, status in enumerate(STATUSES):
        counts = [
            sum(1 for c in report.checklist if c.doc_id == d.doc_id and c.status == status)
            for d in report.docs
        ]
        ax.bar([x + i * width for x in range(len(labels))], counts, width, label=status)
    ax.set_xticks([x + width for x in range(len(labels))], labels)
    ax.set_ylabel("topics")
    ax.set_title("Topic checklist")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "checklist.png", dpi=100)
    plt.close(fig)
    names.append("checklist.png")

    events = Counter(r.event for r in report.register if r.event)
    top = [e for e, _ in events.most_common(15)][::-1]
    if top:
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(top) + 1.2))
        left = [0] * len(top)
        for d in report.docs:
            counts = [sum(1 for r in report.register if r.doc_id == d.doc_id and r.event == e) for e in top]
            ax.barh(top, counts, left=left, label=d.label)
            left = [a + b for a, b in zip(left, counts, strict=True)]
        ax.set_xlabel("timescales in the register")
        ax.set_title("Timescales per event")
        ax.legend()
        fig.tight_layout()
        fig.savefig(folder / "timescales.png", dpi=100)
        plt.close(fig)
        names.append("timescales.png")

    per_chapter = chapters(report.sections)
    if per_chapter:
        labels = [f"{c.label} {c.chapter}" for c in per_chapter][::-1]
        reached = [c.reached for c in per_chapter][::-1]
        missed = [c.sections - c.reached for c in per_chapter][::-1]
        fig, ax = plt.subplots(figsize=(7, 0.22 * len(labels) + 1.4))
        ax.barh(labels, reached, label="reached", color="#4c9a5b")
        ax.barh(labels, missed, left=reached, label="nothing reaches", color="#d9534f")
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlabel("sections")
        ax.set_title("Section map: sections reached by gold, quiz or staff questions")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08 - 1.2 / fig.get_figheight()), ncol=2)
        fig.tight_layout()
        fig.savefig(folder / "sections.png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        names.append("sections.png")
    return names


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:75rem;
padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:2px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.8rem 0}
th,td{border:1px solid #ccc;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#f1f1f1}.covered{background:#dff0d8}.partly{background:#fcf8e3}.not{background:#f2dede}
.differs{background:#fcf8e3}.quote{color:#444;font-style:italic}.small{font-size:.8rem;color:#555}
a{color:#0b57a4}img{max-width:100%}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _refs_html(paragraphs: Sequence[Paragraph], label: str) -> str:
    return ", ".join(f'<a href="{_e(source_link(p))}">{_e(label)} {_e(p.cite_ref)}</a>' for p in paragraphs)


def _status_class(status: str) -> str:
    return {COVERED: "covered", PARTLY: "partly", NOT_COVERED: "not"}[status]


def render_html(report: CoverageReport, charts: dict[str, bytes]) -> str:
    """The report as one self-contained page: inline CSS, charts as data URIs, every text escaped."""
    docs = report.docs
    out = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Coverage report: {_e(', '.join(d.label for d in docs))}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Coverage report</h1>",
        "<ul>"
        + "".join(
            f"<li>{_e(d.heading)}" + (f" <span class=small>({_e(d.note)})</span>" if d.note else "") + "</li>"
            for d in docs
        )
        + "</ul>",
        "<p>A topic is <b>covered</b> when a heading in the document names it, <b>partly</b> covered when "
        "paragraphs name it but no heading does, and <b>not covered</b> when nothing names it. The score is "
        "the share of the ten paragraphs retrieved for the topic that name it. Every row links to the "
        "paragraphs it rests on: read them before relying on a line.</p>",
    ]
    for name, data in charts.items():
        if name not in LATER_CHARTS:
            out.append(_img(name, data))
    if report.scores:
        out.append(
            "<h2>Measured against the gold set</h2><table><tr><th>Document</th>"
            "<th>Checklist agreement</th><th>Register precision</th><th>Register recall</th></tr>"
        )
        for s in report.scores:
            out.append(
                f"<tr><td>{_e(s.doc_id)}</td><td>{_pct(s.agreement)} of {s.topics} topics</td>"
                f"<td>{_pct(s.precision)} of {s.found_pairs}</td><td>{_pct(s.recall)} of {s.gold_pairs}"
                f"{' (refs from ' + _e(s.scope.strip()) + ')' if s.scope else ''}</td></tr>"
            )
        out.append("</table>")
    # Checklist: one row per topic, one column per document.
    out.append(f"<h2>Topic checklist ({report.topics} topics)</h2><table><tr><th>Topic</th>")
    out += [f"<th>{_e(d.label)}</th>" for d in docs]
    out.append("</tr>")
    by = {(c.topic, c.doc_id): c for c in report.checklist}
    for topic in dict.fromkeys(c.topic for c in report.checklist):
        out.append(f"<tr><th>{_e(topic)}</th>")
        for d in docs:
            c = by[(topic, d.doc_id)]
            detail = f"<br><span class=small>under “{_e(c.heading)}”</span>" if c.heading else ""
            refs = _refs_html(c.evidence, c.label)
            refs = f"<br><span class=small>{'closest: ' if c.status == NOT_COVERED else ''}{refs}</span>"
            quote_ = f"<br><span class=quote>“{_e(c.quote)}”</span>" if c.quote else ""
            out.append(
                f'<td class="{_status_class(c.status)}"><b>{_e(c.status)}</b> '
                f"<span class=small>score {c.score:.1f}, {c.mentions} paragraphs</span>"
                f"{detail}{refs}{quote_}</td>"
            )
        out.append("</tr>")
    out.append("</table>")
    if report.comparison:
        a, b = docs
        out.append(
            f"<h2>Timescales compared: {_e(a.label)} and {_e(b.label)}</h2>"
            "<p>Events timed in both documents come first; a highlighted row shares no timescale.</p>"
            f"<table><tr><th>Event</th><th>Runs from</th><th>{_e(a.label)}</th><th>{_e(b.label)}</th></tr>"
        )
        for c in report.comparison:
            cls = ' class="differs"' if c.differs else ""
            out.append(
                f"<tr{cls}><td>{_e(c.event)}</td><td>{_e(c.from_event)}</td>"
                f"<td>{_side(c.a)}</td><td>{_side(c.b)}</td></tr>"
            )
        out.append("</table>")
    for d in docs:
        rows = [r for r in report.register if r.doc_id == d.doc_id]
        out.append(
            f"<h2>Timescales register: {_e(d.label)} ({len(rows)} timescales)</h2><table><tr>"
            "<th>Ref</th><th>Timescale</th><th>Event</th><th>What</th><th>Runs from</th><th>Who</th></tr>"
        )
        for r in rows:
            out.append(
                f"<tr><td>{_refs_html([r.paragraph], r.label)}</td><td>{_e(r.timescale)}</td>"
                f"<td>{_e(r.event)}</td><td>{_e(r.action)}</td><td>{_e(r.runs_from)}</td><td>{_e(r.role)}</td></tr>"
            )
        out.append("</table>")
    for d in docs:
        rows = [g for g in report.guidance if g.doc_id == d.doc_id]
        out.append(
            f"<h2>Law and guidance cited: {_e(d.label)}</h2><table><tr><th>Title</th><th>Kind</th>"
            "<th>Paragraphs</th><th>Cited at</th></tr>"
        )
        for g in rows:
            out.append(
                f"<tr><td>{_e(g.name)}</td><td>{_e(g.kind)}</td><td>{len(g.paragraphs)}</td>"
                f"<td class=small>{_refs_html(g.paragraphs[:12], g.label)}"
                f"{' …' if len(g.paragraphs) > 12 else ''}</td></tr>"
            )
        out.append("</table>")
    out += _staff_html(report.staff)
    out += _sections_html(report.sections, charts.get("sections.png"))
    out.append("</body></html>")
    return "\n".join(out)


LATER_CHARTS = {"sections.png"}  # shown in their own part of the page, not at the top


def _img(name: str, data: bytes) -> str:
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return f'<img src="{uri}" alt="{_e(name.removesuffix(".png"))} chart">'


STAFF_RULE = (
    "From this machine's local records only: answers staff rated <b>not helpful</b> or <b>wrong citation</b> "
    "(feedback), and questions the app <b>declined</b> (the question log, kept only when switched on in "
    "the app's sidebar). A question is counted under the topic it names (the checklist's word rule; the "
    "most specific name wins), else the topic named by the headings of its closest paragraph. The closest "
    "paragraphs are what the procedures return when the question is asked again."
)


def _staff_html(staff: StaffAsks | None) -> list[str]:
    out = ["<h2>What staff ask</h2>"]
    if staff is None or not staff.questions:
        out.append(
            "<p>No local records: no answers rated not helpful or wrong citation, and no declined questions "
            "in the question log, for these procedures.</p>"
        )
        if staff is not None and staff.note:
            out.append(f"<p class=small>Note: {_e(staff.note)}.</p>")
        return out
    out.append(f"<p>{STAFF_RULE}</p>")
    if staff.note:
        out.append(f"<p class=small>Note: {_e(staff.note)}.</p>")
    out.append(
        "<table><tr><th>Topic</th><th>Declined</th><th>Not helpful</th><th>Wrong citation</th>"
        "<th>Questions and the closest paragraphs</th></tr>"
    )
    for topic, counts, questions in staff.by_topic():
        items = []
        for q in questions:
            times = f", ×{q.times}" if q.times > 1 else ""
            refs = ", ".join(
                f'<a href="{_e(source_link(p))}">{_e(lab)} {_e(p.cite_ref)}</a>'
                for lab, p in zip(q.labels, q.closest, strict=True)
            )
            items.append(
                f"<li><span class=quote>{_e(q.question)}</span> <span class=small>({_e(q.kind)}{times})"
                f"{' closest: ' + refs if refs else ''}</span></li>"
            )
        out.append(
            f"<tr><th>{_e(topic)}</th><td>{counts['declined']}</td><td>{counts['not helpful']}</td>"
            f"<td>{counts['wrong citation']}</td><td><ul>{''.join(items)}</ul></td></tr>"
        )
    out.append("</table>")
    return out


SECTIONS_RULE = (
    "Where questions land, per chapter: <b>gold</b> questions of the evaluation set (every split) by their "
    "gold paragraphs; <b>quiz</b> items the quiz builder writes for the whole document and that pass its "
    "text checks, by the paragraphs they cite; <b>staff</b> questions from the question log, by their "
    "closest paragraph. A section nothing reaches may be one nobody asks about, or one the tools never test."
)


def _sections_html(rows: Sequence[SectionRow], chart: bytes | None) -> list[str]:
    if not rows:
        return []
    out = ["<h2>Section map</h2>", f"<p>{SECTIONS_RULE}</p>"]
    if chart:
        out.append(_img("sections.png", chart))
    out.append(
        "<table><tr><th>Chapter</th><th>Sections</th><th>Reached</th><th>Gold</th><th>Quiz</th>"
        "<th>Staff</th><th>Sections nothing reaches</th></tr>"
    )
    for c in chapters(rows):
        missed = ", ".join(
            f'<a href="{_e(source_link(r.first))}">{_e(r.label)} {_e(r.section)}</a>'
            + (f" <span class=small>{_e(r.title)}</span>" if r.title and r.title != r.section else "")
            for r in c.unreached
        )
        title = f" <span class=small>{_e(c.title)}</span>" if c.title else ""
        cls = ' class="not"' if c.unreached and not c.reached else ""
        out.append(
            f"<tr{cls}><th>{_e(c.label)} {_e(c.chapter)}{title}</th><td>{c.sections}</td><td>{c.reached}</td>"
            f"<td>{c.gold}</td><td>{c.quiz}</td><td>{c.staff}</td><td class=small>{missed}</td></tr>"
        )
    out.append("</table>")
    return out


def _side(rows: Sequence[RegisterRow]) -> str:
    return "<br>".join(
        f"{_e(r.timescale)} <span class=small>{_refs_html([r.paragraph], r.label)}</span>" for r in rows
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def write_report(report: CoverageReport, out_dir: Path) -> Path:
    """Write the report folder; returns its path. Raises ReportError (one line) when it cannot."""
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportError(f"cannot write {out_dir}: it is a file, not a folder")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise ReportError(f"cannot write {out_dir}: {exc.strerror or exc}") from exc
    try:
        for name, (header, rows) in _tables(report).items():
            with (tmp / name).open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(header)
                writer.writerows(rows)
        charts = {name: (tmp / name).read_bytes() for name in _charts(report, tmp)}
        (tmp / "report.html").write_text(render_html(report, charts), encoding="utf-8")
        tmp.chmod(0o755)  # mkdtemp makes a private folder; a report is for reading
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=parent))
            old.rmdir()
            out_dir.rename(old)
        tmp.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ReportError(f"cannot write {out_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
