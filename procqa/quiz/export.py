"""Quiz exports a learning platform imports: Moodle GIFT, Moodle XML, CSV, an Anki deck, a printable page.

Every export renders only from the quiz records (items.py). Each item carries its proof: the feedback a
learner sees quotes the sentence that makes the answer right and cites where it stands.

What shaped the two Moodle formats (Moodle's own importer, question/format/gift/format.php and
question/format/xml/format.php, and the GIFT and Moodle XML pages on docs.moodle.org):
- GIFT: a backslash escapes ~ = # { } : and "\\n" is a newline; a question must hold no blank line;
  "[plain]" before a text sets its format; "####" starts the general feedback; a missing-word blank is
  only inserted when the answer block is not at the end, so a gap item keeps its "_____" as text and
  puts the block last.
- Moodle XML: <quiz> of <question type="...">; HTML text fields go in CDATA; answers carry a fraction
  (100 right, 0 wrong); a short answer's "*" is a wildcard unless written "\\*".

`write` is the one entry point that touches the disk, and it never leaves a partial file.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import itertools
import os
import re
import secrets
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import genanki
from lxml import etree

from procqa.quiz.items import TYPES, Item, Quiz

# Format name -> file extension. GIFT is ".txt": Moodle's own GIFT export uses it, and its import file
# picker takes plain text, where a ".gift" file may be refused.
FORMATS = {"gift": ".txt", "moodle-xml": ".xml", "csv": ".csv", "anki": ".apkg", "html": ".html"}

# Moodle refuses to save a matching question with fewer than 2 sub-questions and 3 answers; a pair is
# one of each, so 3 pairs is the least that imports.
MOODLE_MIN_PAIRS = 3

LETTERS = "abcdefghijklmnopqrstuvwxyz"

# C0 control characters (bar tab and newline) and DEL: XML 1.0 forbids them, Anki uses \x1f to separate
# a note's fields, and a PDF's form feed is noise in every format.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ----------------------------------------------------------------------------------------- shared


def _clean(text: str) -> str:
    """One line-ending convention and no control characters, whatever the source PDF held."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _check(item: Item, min_pairs: int = 1) -> None:
    """Refuse an item a platform would import wrong (no right option, an unknown kind) rather than
    write a question that marks learners wrongly."""
    where = f"item {item.id} ({_one_line(item.title)})" if item.sources else f"item {item.id}"
    if item.kind not in TYPES:
        raise ValueError(f"{where}: unknown kind {item.kind!r}; expected one of {', '.join(TYPES)}")
    if not item.sources:
        raise ValueError(f"{where}: no source to cite")
    if item.kind == "mcq" and item.options.count(item.answer) != 1:
        raise ValueError(f"{where}: the answer must be exactly one of the options")
    if item.kind == "truefalse" and item.answer not in ("True", "False"):
        raise ValueError(f"{where}: a true/false answer is 'True' or 'False', not {item.answer!r}")
    if item.kind == "match" and len(item.pairs) < min_pairs:
        raise ValueError(f"{where}: a matching item needs at least {min_pairs} pairs")


def _verdict(item: Item, option: str) -> str:
    """Per-answer feedback: short, because the general feedback already quotes the proof."""
    if option == item.answer:
        return "Right."
    return f"No: the answer is “{item.answer}”."


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _wildcard_escape(answer: str) -> str:
    """Moodle's short answer reads "*" as 'anything'; "\\*" is a literal asterisk."""
    return answer.replace("*", "\\*")


def _arrowless(text: str) -> str:
    """GIFT has no escape for "->": in a short answer it turns the question into a matching one, and in
    a matching prompt it ends the prompt early. An arrow character reads the same to a learner."""
    return text.replace("->", "→")


# ----------------------------------------------------------------------------------------- GIFT

_GIFT_ESCAPES = str.maketrans(
    {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:", "\n": "\\n"}
)


def _gift(text: str) -> str:
    """Escape GIFT's control characters; a newline becomes "\\n" since a blank line ends a question."""
    return _clean(text).translate(_GIFT_ESCAPES)


def _gift_part(text: str) -> str:
    """An answer or prompt Moodle reads for a "[format]" prefix and a "%weight%": a text starting with
    "[" or "%" gets an explicit "[plain]" so its first characters stay text."""
    escaped = _gift(text)
    return f"[plain]{escaped}" if escaped.startswith(("[", "%")) else escaped


def _gift_category(title: str) -> str:
    """Moodle splits a category path on "/" and reads "//" as a slash within a name."""
    name = _one_line(title).replace("/", "//") or "procqa quiz"
    if name.startswith("/"):
        name = " " + name
    if name.endswith("/"):
        name += " "
    return f"$course$/{name}"


def _gift_answers(item: Item) -> list[str]:
    if item.kind == "mcq":
        return [
            f"{'=' if opt == item.answer else '~'}{_gift_part(opt)}#{_gift(_verdict(item, opt))}"
            for opt in item.options
        ]
    if item.kind == "truefalse":
        # {TRUE#feedback if answered wrongly#feedback if answered rightly}
        wrong = "False" if item.answer == "True" else "True"
        return [f"{item.answer.upper()}#{_gift(_verdict(item, wrong))}#{_gift(_verdict(item, item.answer))}"]
    if item.kind == "gap":
        return [f"={_gift_part(_wildcard_escape(_arrowless(a)))}" for a in (item.answer, *item.options)]
    return [f"={_gift_part(_arrowless(p))} -> {_gift(a)}" for p, a in item.pairs]


def _gift_question(item: Item) -> str:
    _check(item, MOODLE_MIN_PAIRS)
    # "[plain]": the procedures' text is not HTML, so "<" and "&" must show as themselves.
    comment = f"// {item.id} {item.kind} {_one_line(item.fact)}\n"
    head = f"{comment}::{_gift(item.title)}::[plain]{_gift(item.stem)}"
    body = "".join(f"\t{line}\n" for line in _gift_answers(item))
    return f"{head}{{\n{body}\t####{_gift(item.feedback)}\n}}\n"


def to_gift(quiz: Quiz) -> str:
    """The quiz as Moodle GIFT text: a category named after the quiz, then one question per item."""
    count = len(quiz.items)
    header = f"// {_one_line(quiz.title)}: {count} question{'' if count == 1 else 's'}\n"
    parts = [f"{header}$CATEGORY: {_gift_category(quiz.title)}\n"]
    parts += [_gift_question(item) for item in quiz.items]
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------- Moodle XML


def _html(text: str) -> str:
    """Plain text as an HTML fragment: escaped, with line breaks kept."""
    return html.escape(_clean(text)).replace("\n", "<br>")


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        etree.SubElement(child, "text").text = _clean(text)
    return child


def _html_el(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    """A format="html" field: the text HTML-escaped, then in CDATA as Moodle's docs ask for HTML. The
    escaping also means the text cannot hold "]]>", which would end the CDATA early."""
    child = etree.SubElement(parent, tag, format="html", **attrs)
    etree.SubElement(child, "text").text = etree.CDATA(f"<p>{_html(text)}</p>")
    return child


def _xml_option(parent: etree._Element, item: Item, option: str) -> None:
    """A multiple-choice answer: 100 if it is the right one, else 0, with its own feedback."""
    fraction = "100" if option == item.answer else "0"
    answer = etree.SubElement(parent, "answer", fraction=fraction, format="html")
    etree.SubElement(answer, "text").text = etree.CDATA(_html(option))
    _html_el(answer, "feedback", _verdict(item, option))


def _xml_question(item: Item) -> etree._Element:
    _check(item, MOODLE_MIN_PAIRS)
    qtype = {"mcq": "multichoice", "truefalse": "truefalse", "gap": "shortanswer", "match": "matching"}
    question = etree.Element("question", type=qtype[item.kind])
    _el(question, "name", _one_line(item.title))
    _html_el(question, "questiontext", item.stem)
    _html_el(question, "generalfeedback", item.feedback)
    etree.SubElement(question, "defaultgrade").text = "1"
    # Moodle's defaults: a true/false guess loses everything on a retry, others a third.
    etree.SubElement(question, "penalty").text = "1" if item.kind == "truefalse" else "0.3333333"
    etree.SubElement(question, "hidden").text = "0"
    if item.kind == "mcq":
        etree.SubElement(question, "single").text = "true"
        etree.SubElement(question, "shuffleanswers").text = "true"
        etree.SubElement(question, "answernumbering").text = "abc"
        for opt in item.options:
            _xml_option(question, item, opt)
    elif item.kind == "truefalse":
        for value in ("True", "False"):
            fraction = "100" if value == item.answer else "0"
            answer = etree.SubElement(question, "answer", fraction=fraction, format="moodle_auto_format")
            etree.SubElement(answer, "text").text = value.lower()
            _html_el(answer, "feedback", _verdict(item, value))
    elif item.kind == "gap":
        etree.SubElement(question, "usecase").text = "0"
        for accepted in (item.answer, *item.options):
            answer = etree.SubElement(question, "answer", fraction="100", format="moodle_auto_format")
            etree.SubElement(answer, "text").text = _wildcard_escape(_clean(accepted))
    else:
        etree.SubElement(question, "shuffleanswers").text = "true"
        for prompt, match in item.pairs:
            sub = _html_el(question, "subquestion", prompt)
            # The answer side is shown in a drop-down as plain text, so it is not HTML.
            etree.SubElement(etree.SubElement(sub, "answer"), "text").text = _clean(match)
    return question


def to_moodle_xml(quiz: Quiz) -> bytes:
    """The quiz as Moodle XML (UTF-8): a category question named after the quiz, then one per item."""
    root = etree.Element("quiz")
    category = etree.SubElement(root, "question", type="category")
    _el(category, "category", _gift_category(quiz.title))
    for item in quiz.items:
        question = _xml_question(item)  # checks the item, so the comment below holds a known kind
        root.append(etree.Comment(f" {item.id} {item.kind} "))
        root.append(question)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ----------------------------------------------------------------------------------------- CSV

CSV_COLUMNS = ("id", "type", "fact", "stem", "options", "answer", "ref", "quote", "section")
JOIN = " | "
# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...) can leak data or
# run a command), so such a cell gets a leading apostrophe, which the spreadsheet shows as text. A cell
# already starting with an apostrophe gets one too, so a reader strips exactly one and is never wrong.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def _cell(text: str) -> str:
    text = _clean(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_row(item: Item) -> list[str]:
    _check(item)
    if item.kind == "match":
        options = JOIN.join(p for p, _ in item.pairs)
        answer = JOIN.join(f"{p} -> {a}" for p, a in item.pairs)
    else:
        options, answer = JOIN.join(item.options), item.answer
    cites = JOIN.join(s.cite for s in item.sources)
    quotes = JOIN.join(s.quote for s in item.sources)
    row = [item.id, item.kind, item.fact, item.stem, options, answer, cites, quotes, item.section]
    return [_cell(value) for value in row]


def to_csv(quiz: Quiz) -> str:
    """One row per item under a header; values that hold several (options, pairs, cites) joined " | "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends: what spreadsheets expect
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(item) for item in quiz.items)
    return out.getvalue()


# ----------------------------------------------------------------------------------------- Anki


def _anki_id(name: str) -> int:
    """A stable id in the range genanki recommends (2**30 to 2**31), so a re-import finds the same
    note type and deck instead of adding copies."""
    digest = int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16)
    return (1 << 30) + digest % (1 << 30)


ANKI_FIELDS = ("Stem", "Options", "Answer", "Feedback", "Cite", "Id")
# The note type's name is part of its id: change the fields, change the version, so Anki never maps
# old notes onto a different layout.
ANKI_MODEL_NAME = "procqa quiz question v1"
ANKI_CSS = """.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.4; text-align: left;
  max-width: 40em; margin: 0 auto; }
.answer { font-weight: bold; } .feedback { margin-top: 1em; font-size: 15px; color: #333; }
.pairs td { padding: 0.2em 0.6em; border-bottom: 1px solid #ccc; }"""
ANKI_MODEL = genanki.Model(
    _anki_id(ANKI_MODEL_NAME),
    ANKI_MODEL_NAME,
    fields=[{"name": name} for name in ANKI_FIELDS],
    templates=[
        {
            "name": "Question",
            "qfmt": '<div class="stem">{{Stem}}</div>{{Options}}',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>'
            '<div class="feedback">{{Feedback}}</div>',
        }
    ],
    css=ANKI_CSS,
)


def _li(values, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "".join(f"<li{attr}>{_html(v)}</li>" for v in values)


def _anki_fields(item: Item) -> list[str]:
    _check(item)
    if item.kind == "mcq":
        options = f'<ol type="a" class="options">{_li(item.options)}</ol>'
        answer = f'<span class="answer">{_html(item.answer)}</span>'
    elif item.kind == "truefalse":
        options = '<p class="tf">True or false?</p>'
        answer = f'<span class="answer">{_html(item.answer)}</span>'
    elif item.kind == "gap":
        options = ""
        answer = f'<span class="answer">{_html(item.answer)}</span>'
        if item.options:
            alts = ", ".join(f'<span class="alt">{_html(a)}</span>' for a in item.options)
            answer += f'<div class="also">Also accepted: {alts}</div>'
    else:
        # The choices sorted, not in pair order, so the front does not give the matches away.
        choices = sorted({a for _, a in item.pairs}, key=str.casefold)
        prompts = _li(p for p, _ in item.pairs)
        options = f'<ol class="prompts">{prompts}</ol><ul class="choices">{_li(choices)}</ul>'
        rows = "".join(
            f'<tr><td class="prompt">{_html(p)}</td><td class="match">{_html(a)}</td></tr>'
            for p, a in item.pairs
        )
        answer = f'<table class="pairs">{rows}</table>'
    cites = "".join(f'<span class="cite">{_html(s.cite)}</span>' for s in item.sources)
    return [_html(item.stem), options, answer, _html(item.feedback), cites, item.id]


def _anki_tag(value: str) -> str:
    return re.sub(r"\s+", "_", value.strip()) or "none"


def to_anki(quiz: Quiz, path: str | os.PathLike) -> Path:
    """An Anki package (.apkg) at path, one note per item. Note ids (guids) come from the item ids, so
    importing a re-exported deck updates its notes instead of duplicating them. Not atomic: use
    write(quiz, "anki", path) for that."""
    # "::" in a deck name makes Anki nest decks; a quiz title is one deck.
    name = _one_line(quiz.title).replace("::", ":") or "procqa quiz"
    deck = genanki.Deck(_anki_id(f"procqa deck {quiz.doc_id} {name}"), name)
    for item in quiz.items:
        tags = [f"procqa::{_anki_tag(item.kind)}", _anki_tag(item.fact)]
        guid = genanki.guid_for("procqa", item.id)
        deck.add_note(genanki.Note(model=ANKI_MODEL, fields=_anki_fields(item), guid=guid, tags=tags))
    _write_apkg(genanki.Package(deck), Path(path))
    return Path(path)


def _write_apkg(package: genanki.Package, path: Path) -> None:
    """What genanki's Package.write_to_file does, but its scratch database lives in a folder that is
    removed afterwards: write_to_file (0.13.1) leaves one file in the system temp folder per export."""
    with tempfile.TemporaryDirectory(prefix="procqa-anki-") as folder:
        db = os.path.join(folder, "collection.anki2")
        conn = sqlite3.connect(db)
        try:
            now = time.time()
            package.write_to_db(conn.cursor(), now, itertools.count(int(now * 1000)))
            conn.commit()
        finally:
            conn.close()
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as apkg:
            apkg.write(db, "collection.anki2")
            apkg.writestr("media", "{}")  # no media files: the map of them is empty


# ----------------------------------------------------------------------------------------- HTML

HTML_CSS = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 44em; margin: 2em auto; padding: 0 1em;
  line-height: 1.45; color: #111; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } .meta { color: #555; margin-top: 0; }
ol.questions > li { margin: 0 0 1.2em; break-inside: avoid; }
.stem { margin: 0 0 0.4em; } ol.options, ol.choices { margin: 0.2em 0; }
.tf, .blank { font-style: italic; color: #333; }
table.match, table.pairs { border-collapse: collapse; margin: 0.3em 0; }
table.match td, table.pairs td { padding: 0.2em 0.8em 0.2em 0; vertical-align: top; }
td.line { min-width: 4em; border-bottom: 1px solid #999; }
section.key { break-before: page; page-break-before: always; }
ol.key > li { margin-bottom: 1em; break-inside: avoid; }
.answer { font-weight: bold; } blockquote { margin: 0.3em 0 0 1.5em; font-style: italic; }
.cite { color: #444; font-size: 0.9em; }
@media print { body { margin: 0; max-width: none; } }
"""


def _html_question(number: int, item: Item) -> str:
    _check(item)
    parts = [f'<li class="q" id="q{number}" data-item="{item.id}" data-kind="{item.kind}">']
    parts.append(f'<p class="stem">{_html(item.stem)}</p>')
    if item.kind == "mcq":
        parts.append(f'<ol class="options" type="a">{_li(item.options)}</ol>')
    elif item.kind == "truefalse":
        parts.append('<p class="tf">True / False</p>')
    elif item.kind == "gap":
        parts.append('<p class="blank">Fill the gap.</p>')
    else:
        rows = "".join(
            f'<tr><td class="prompt">{_html(p)}</td><td class="line"></td></tr>' for p, _ in item.pairs
        )
        choices = sorted({a for _, a in item.pairs}, key=str.casefold)
        parts.append(f'<table class="match">{rows}</table><ol class="choices" type="a">{_li(choices)}</ol>')
    parts.append("</li>")
    return "".join(parts)


def _html_key(number: int, item: Item) -> str:
    parts = [f'<li data-item="{item.id}" value="{number}">']
    if item.kind == "mcq":
        letter = LETTERS[item.options.index(item.answer)] if len(item.options) <= len(LETTERS) else ""
        parts.append(
            f'<p><span class="letter">{letter}</span>) <span class="answer">{_html(item.answer)}</span></p>'
        )
    elif item.kind == "match":
        rows = "".join(
            f'<tr><td class="prompt">{_html(p)}</td><td>→</td><td class="match">{_html(a)}</td></tr>'
            for p, a in item.pairs
        )
        parts.append(f'<table class="pairs">{rows}</table>')
    else:
        parts.append(f'<p><span class="answer">{_html(item.answer)}</span></p>')
        if item.kind == "gap" and item.options:
            alts = ", ".join(f'<span class="alt">{_html(a)}</span>' for a in item.options)
            parts.append(f'<p class="also">Also accepted: {alts}</p>')
    for source in item.sources:
        parts.append(
            f'<blockquote class="quote">{_html(source.quote)}</blockquote>'
            f'<p class="cite">{_html(source.cite)}</p>'
        )
    parts.append("</li>")
    return "".join(parts)


def to_html(quiz: Quiz) -> str:
    """A printable handout: numbered questions, lettered options, then an answer key on its own page
    with each answer, the sentence that proves it and where it stands. No external files."""
    title = _html(_one_line(quiz.title)) or "Quiz"
    questions = "\n".join(_html_question(n, item) for n, item in enumerate(quiz.items, 1))
    key = "\n".join(_html_key(n, item) for n, item in enumerate(quiz.items, 1))
    count = len(quiz.items)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{HTML_CSS}</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">{count} question{"" if count == 1 else "s"}. Answers and sources at the end.</p>
<ol class="questions">
{questions}
</ol>
<section class="key">
<h2>Answer key</h2>
<ol class="key">
{key}
</ol>
</section>
</body>
</html>
"""


# ----------------------------------------------------------------------------------------- write

_TEXT: dict[str, Callable[[Quiz], str | bytes]] = {
    "gift": to_gift,
    "moodle-xml": to_moodle_xml,
    "csv": to_csv,
    "html": to_html,
}
# Excel reads a CSV without a byte-order mark in the local code page, mangling “ ” and accents.
_ENCODING = {"csv": "utf-8-sig"}


def write(quiz: Quiz, fmt: str, path: str | os.PathLike) -> Path:
    """Write the quiz in format fmt (a key of FORMATS) to path, atomically: the export goes to a
    temporary file in the same folder, which then replaces path in one step. On any error the
    temporary file is removed and path is left as it was."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown quiz format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if not quiz.items:
        raise ValueError(f"the quiz {quiz.title!r} has no items; there is nothing to export")
    path = Path(path)
    # Render text formats before touching the disk, so a bad item costs nothing.
    data = None
    if fmt in _TEXT:
        rendered = _TEXT[fmt](quiz)
        data = rendered if isinstance(rendered, bytes) else rendered.encode(_ENCODING.get(fmt, "utf-8"))
    # Same folder, so os.replace is a rename on one file system; a random name, so two writers never
    # share a temporary file; created by open(), so it gets the usual umask permissions.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        if data is None:
            to_anki(quiz, tmp)
        else:
            with open(tmp, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
