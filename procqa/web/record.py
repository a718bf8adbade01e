""" "Save for my record": the question, what the procedures said and every paragraph it rests on, as a
printable page and as plain text to paste into a safeguarding log. Built from the structured answer."""

from __future__ import annotations

import html
from datetime import datetime

from procqa.records import FALLBACK, PHASE_LABELS, TENTATIVE, Answer, Citation, Step

NOTE = (
    "Quoted from the procedures by procqa. It does not replace your designated safeguarding lead's advice. "
    "Check each step against its paragraph below."
)


def _cited(step: Step, citations: dict[int, Citation]) -> str:
    return ", ".join(citations[n].label for n in step.citations if n in citations)


def _paragraph_heading(c: Citation) -> str:
    p = c.paragraph
    page = f", page {p.page}" if p.page else ""
    return f"{c.label}: {' › '.join(p.heading)}{page}"


def record_text(answer: Answer, asked: datetime) -> str:
    """Plain text: question, when, urgent help, the steps by document, then every cited paragraph."""
    lines = [f"Question: {answer.question}", f"Asked: {asked:%d %B %Y, %H:%M}", "", NOTE, ""]
    for u in answer.urgent:
        lines += [u.text, ""]
    if answer.abstained:
        lines += [FALLBACK, ""]
    else:
        by_n = {c.n: c for c in answer.citations}
        if answer.tentative:
            lines += [TENTATIVE, ""]
        for section in answer.sections:
            lines.append(section.heading)
            if section.note:
                lines.append(f"Note: {section.note}")
            for step in section.steps:
                lines.append(f"- {' '.join(step.text.split())} [{_cited(step, by_n)}]")
            lines.append("")
    cited = list(answer.citations) + [c for u in answer.urgent for c in u.citations]
    if cited:
        lines.append("The paragraphs quoted:")
        seen = set()
        for c in cited:
            if c.label in seen:
                continue
            seen.add(c.label)
            lines += ["", _paragraph_heading(c), c.paragraph.text]
    return "\n".join(lines).rstrip() + "\n"


def _steps_html(steps: tuple[Step, ...], citations: dict[int, Citation]) -> str:
    items, phase = [], None
    for step in steps:
        if step.phase and step.phase != phase:
            items.append(f"</ul><h4>{html.escape(PHASE_LABELS[step.phase])}</h4><ul>")
            phase = step.phase
        text = "<br>".join(html.escape(line) for line in step.text.splitlines())
        items.append(f"<li>{text} <span class=cite>[{html.escape(_cited(step, citations))}]</span></li>")
    return "<ul>" + "".join(items) + "</ul>"


def record_html(answer: Answer, asked: datetime) -> str:
    """A self-contained, printable page (no outside assets) with the same content as record_text."""
    e = html.escape
    parts = [
        f"<h1>What the procedures say</h1><p><strong>Question:</strong> {e(answer.question)}</p>",
        f"<p><strong>Asked:</strong> {asked:%d %B %Y, %H:%M}</p><p class=note>{e(NOTE)}</p>",
    ]
    for u in answer.urgent:
        parts.append(f"<section class=urgent><h2>{e(u.heading)}</h2>")
        parts.append(_steps_html(u.steps, {c.n: c for c in u.citations}) + "</section>")
    if answer.abstained:
        parts.append(f"<p>{e(FALLBACK)}</p>")
    else:
        if answer.tentative:
            parts.append(f"<p class=note>{e(TENTATIVE)}</p>")
        by_n = {c.n: c for c in answer.citations}
        for section in answer.sections:
            parts.append(f"<h2>{e(section.heading)}</h2>")
            if section.note:
                parts.append(f"<p class=note>Note: {e(section.note)}</p>")
            parts.append(_steps_html(section.steps, by_n))
    cited = list(answer.citations) + [c for u in answer.urgent for c in u.citations]
    if cited:
        parts.append("<h2>The paragraphs quoted</h2>")
        seen = set()
        for c in cited:
            if c.label not in seen:
                seen.add(c.label)
                body = "<br>".join(e(line) for line in c.paragraph.text.splitlines())
                parts.append(f"<h3>{e(_paragraph_heading(c))}</h3><p>{body}</p>")
    style = (
        "body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.5;color:#111}"
        ".note{color:#333;font-style:italic}.cite{color:#333;font-size:.9em}"
        ".urgent{border:2px solid #b00;padding:0 1em;margin:1em 0}h4{margin:.5em 0 0}"
    )
    title = e(f"procqa record: {answer.question[:80]}")
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )
