"""Readers that parse each quiz export back into plain dicts, for the export tests.

Each reader parses its format the way the importing platform does (the GIFT reader follows Moodle's
own GIFT importer: escapes first, then the title, the answer block, "####" general feedback, answer
markers and "#" feedback), so a test that passes means the platform would see the same question.
`assert_roundtrip` writes a quiz with `procqa.quiz.export.write` and checks every item comes back.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import lxml.html
from lxml import etree

from procqa.quiz.export import write
from procqa.quiz.items import Item, Quiz

# ----------------------------------------------------------------------------------------- GIFT

# Moodle's importer swaps escaped characters for placeholders before parsing and back afterwards; a
# private-use character per escape does the same here.
_GIFT_PLACEHOLDER = {
    "\\": "\ue000",
    "~": "\ue001",
    "=": "\ue002",
    "#": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    ":": "\ue006",
    "n": "\ue007",
}
_GIFT_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _GIFT_PLACEHOLDER.items()}
_GIFT_WEIGHT = re.compile(r"^%(-*[0-9]{1,2}\.?[0-9]*)%")
_GIFT_FORMATS = ("moodle", "html", "plain", "markdown")


def _gift_protect(text: str) -> str:
    # Left to right, so "\\\\~" is an escaped backslash then a live tilde, as in Moodle.
    return re.sub(r"\\(.)", lambda m: _GIFT_PLACEHOLDER.get(m[1], m[0]), text, flags=re.S)


def _gift_restore(text: str) -> str:
    return "".join(_GIFT_RESTORE.get(ch, ch) for ch in text)


def _gift_formatted(text: str, default: str = "moodle") -> tuple[str, str]:
    """(format, text) of a text that may start with "[format]"."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        name = text[1 : text.index("]")]
        if name in _GIFT_FORMATS:
            return name, _gift_restore(text[len(name) + 2 :]).strip()
    return default, _gift_restore(text).strip()


def _gift_blocks(text: str) -> list[str]:
    """Questions are separated by blank lines; comment lines count as empty text within a question."""
    blocks, lines = [], []
    for line in [*text.splitlines(), ""]:
        if line.strip():
            lines.append(" " if line.strip().startswith("//") else line)
        elif lines:
            block = "\n".join(lines).strip()
            if block:
                blocks.append(block)
            lines = []
    return blocks


def _gift_answer(raw: str, fmt: str) -> dict:
    weight = 0.0
    raw = raw.strip()
    if raw.startswith("="):
        weight, raw = 100.0, raw[1:]
    elif m := _GIFT_WEIGHT.match(raw):
        weight, raw = float(m[1]), raw[m.end() :]
    text, _, feedback = raw.partition("#")
    return {
        "fraction": weight,
        "text": _gift_formatted(text, fmt)[1],
        "feedback": _gift_formatted(feedback, fmt)[1],
    }


def _gift_question(block: str) -> dict:
    text = _gift_protect(block)
    if text.startswith("$CATEGORY:"):
        return {"type": "category", "category": text[len("$CATEGORY:") :].strip()}
    title = None
    if text.startswith("::") and (end := text.find("::", 2)) >= 0:
        title, text = _gift_restore(text[2:end]).strip(), text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    assert start >= 0 and finish > start, f"no answer block in GIFT question: {block!r}"
    answertext = text[start + 1 : finish].strip()
    # Moodle inserts a blank only when the answer block is inside the sentence.
    blank = "" if text.endswith("}") else "_____"
    fmt, stem = _gift_formatted(text[:start] + blank + text[finish + 1 :])
    general = ""
    if (sep := answertext.rfind("####")) >= 0:
        general, answertext = answertext[sep + 4 :], answertext[:sep].strip()
    question = {
        "title": title,
        "format": fmt,
        "stem": stem,
        "general_feedback": _gift_formatted(general, fmt)[1],
        "answers": [],
        "pairs": [],
    }
    head = answertext.split("#", 1)[0].strip()
    if "~" in answertext:
        question["type"] = "multichoice"
        parts = answertext.replace("=", "~=").split("~")
        question["answers"] = [_gift_answer(p, fmt) for p in parts if p.strip()]
    elif "=" in answertext and "->" in answertext:
        question["type"] = "matching"
        for part in answertext.split("="):
            if part.strip():
                prompt, arrow, match = part.partition("->")
                assert arrow, f"matching pair without '->': {part!r}"
                question["pairs"].append((_gift_formatted(prompt, fmt)[1], _gift_restore(match).strip()))
    elif head in ("T", "TRUE", "F", "FALSE"):
        question["type"] = "truefalse"
        bits = answertext.split("#", 2) + ["", ""]
        question["truth"] = head.startswith("T")
        question["wrong_feedback"] = _gift_formatted(bits[1], fmt)[1]
        question["right_feedback"] = _gift_formatted(bits[2], fmt)[1]
    else:
        question["type"] = "shortanswer"
        parts = [p for p in answertext.split("=") if p.strip()]
        question["answers"] = [{**_gift_answer(p, fmt), "fraction": 100.0} for p in parts]
        for part, answer in zip(parts, question["answers"], strict=True):
            if m := _GIFT_WEIGHT.match(part.strip()):
                answer["fraction"] = float(m[1])
    return question


def read_gift(text: str) -> dict:
    """{"category": path or None, "questions": [question dicts]} from GIFT text."""
    category, questions = None, []
    for block in _gift_blocks(text):
        question = _gift_question(block)
        if question["type"] == "category":
            category = question["category"]
        else:
            questions.append(question)
    return {"category": category, "questions": questions}


# ----------------------------------------------------------------------------------------- HTML text


def _fragment_text(fragment: str) -> str:
    """The text an HTML fragment shows, with <br> as a newline."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return _element_text(root)


def _element_text(element) -> str:
    element = copy.deepcopy(element)  # the <br> tails are rewritten: leave the caller's tree alone
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return element.text_content().strip()


def _by_class(element, tag: str, cls: str) -> list:
    """Descendants <tag class="... cls ..."> (what the CSS selector tag.cls finds)."""
    return element.xpath(f'.//{tag}[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]')


def _list_texts(element, tag: str, cls: str) -> list[str]:
    """The texts of the <li> children of <tag class="cls">."""
    return [_element_text(li) for lst in _by_class(element, tag, cls) for li in lst.findall("li")]


def _pairs(element) -> list[tuple[str, str]]:
    return [
        (_element_text(_by_class(tr, "td", "prompt")[0]), _element_text(_by_class(tr, "td", "match")[0]))
        for table in _by_class(element, "table", "pairs")
        for tr in table.iter("tr")
    ]


def _unwildcard(answer: str) -> str:
    return answer.replace("\\*", "*")


# ----------------------------------------------------------------------------------------- Moodle XML


def _xml_text(element, path: str) -> str | None:
    found = element.find(path)
    if found is None:
        return None
    text = found.findtext("text")
    if text is None:
        return None
    return _fragment_text(text) if found.get("format") == "html" else text


def read_moodle_xml(data: bytes) -> dict:
    """{"category": path, "questions": [question dicts]} from Moodle XML bytes."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    assert root.tag == "quiz", root.tag
    category, questions = None, []
    for q in root.iter("question"):
        qtype = q.get("type")
        if qtype == "category":
            category = q.findtext("category/text")
            continue
        answers = [
            {
                "fraction": float(a.get("fraction")),
                "format": a.get("format"),
                "text": _fragment_text(a.findtext("text"))
                if a.get("format") == "html"
                else a.findtext("text"),
                "feedback": _xml_text(a, "feedback"),
            }
            for a in q.findall("answer")
        ]
        pairs = [(_xml_text(s, "."), s.findtext("answer/text")) for s in q.findall("subquestion")]
        questions.append(
            {
                "type": qtype,
                "name": q.findtext("name/text"),
                "stem": _xml_text(q, "questiontext"),
                "stem_format": q.find("questiontext").get("format"),
                "general_feedback": _xml_text(q, "generalfeedback"),
                "answers": answers,
                "pairs": pairs,
                **{
                    tag: q.findtext(tag) for tag in ("single", "shuffleanswers", "answernumbering", "usecase")
                },
            }
        )
    return {"category": category, "questions": questions}


def check_moodle_structure(parsed: dict) -> None:
    """What Moodle needs to import each question as meant."""
    for q in parsed["questions"]:
        name = q["name"]
        assert q["type"] in ("multichoice", "truefalse", "shortanswer", "matching"), (name, q["type"])
        assert q["general_feedback"], f"{name}: no general feedback"
        fractions = [a["fraction"] for a in q["answers"]]
        if q["type"] == "multichoice":
            assert q["single"] == "true" and q["answernumbering"] == "abc", name
            assert q["shuffleanswers"] == "true", name
            assert fractions.count(100.0) == 1 and set(fractions) <= {0.0, 100.0}, (name, fractions)
            assert len(fractions) >= 2, name
            assert all(a["feedback"] for a in q["answers"]), f"{name}: an answer without feedback"
        elif q["type"] == "truefalse":
            assert sorted(a["text"] for a in q["answers"]) == ["false", "true"], name
            assert sorted(fractions) == [0.0, 100.0], (name, fractions)
        elif q["type"] == "shortanswer":
            assert q["usecase"] == "0", name
            assert fractions and set(fractions) == {100.0}, (name, fractions)
        else:
            assert len(q["pairs"]) >= 3, f"{name}: {len(q['pairs'])} subquestions"
            assert q["shuffleanswers"] == "true", name
            assert all(p and a for p, a in q["pairs"]), name


# ----------------------------------------------------------------------------------------- CSV


def read_csv(text: str) -> list[dict]:
    """One dict per row, a formula-guard apostrophe removed, joined values split into lists."""
    rows = []
    for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")):
        row = {k: v[1:] if v.startswith("'") else v for k, v in row.items()}
        for key in ("options", "ref", "quote"):
            row[key] = row[key].split(" | ") if row[key] else []
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------- Anki


def read_anki(path: str | Path) -> dict:
    """{"decks": {id: name}, "models": {id: model}, "notes": [note dicts]} from an .apkg file."""
    with zipfile.ZipFile(path) as apkg, tempfile.TemporaryDirectory() as folder:
        assert "collection.anki2" in apkg.namelist()
        db = apkg.extract("collection.anki2", folder)
        conn = sqlite3.connect(db)
        try:
            models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
            raw = conn.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY id").fetchall()
        finally:
            conn.close()
    models = {int(k): v for k, v in json.loads(models_json).items()}
    decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
    notes = []
    for guid, mid, flds, tags in raw:
        names = [f["name"] for f in sorted(models[mid]["flds"], key=lambda f: f["ord"])]
        fields = dict(zip(names, flds.split("\x1f"), strict=True))
        notes.append(
            {"guid": guid, "model_id": mid, "tags": tags.split(), "fields": fields, **_anki_parts(fields)}
        )
    return {"decks": decks, "models": models, "notes": notes}


def _anki_parts(fields: dict) -> dict:
    options = lxml.html.fragment_fromstring(fields["Options"] or "<div></div>", create_parent="div")
    answer = lxml.html.fragment_fromstring(fields["Answer"], create_parent="div")
    cites = lxml.html.fragment_fromstring(fields["Cite"], create_parent="div")
    return {
        "id": fields["Id"],
        "stem": _fragment_text(fields["Stem"]),
        "options": _list_texts(options, "ol", "options"),
        "prompts": _list_texts(options, "ol", "prompts"),
        "choices": _list_texts(options, "ul", "choices"),
        "answer": "".join(_element_text(a) for a in _by_class(answer, "span", "answer")),
        "alts": [_element_text(a) for a in _by_class(answer, "span", "alt")],
        "pairs": _pairs(answer),
        "feedback": _fragment_text(fields["Feedback"]),
        "cites": [_element_text(c) for c in _by_class(cites, "span", "cite")],
    }


# ----------------------------------------------------------------------------------------- HTML


def read_html(text: str) -> dict:
    """The handout's title, language, external references, questions and answer key."""
    doc = lxml.html.document_fromstring(text)
    questions = []
    for li in _by_class(doc, "ol", "questions")[0].findall("li"):
        questions.append(
            {
                "id": li.get("data-item"),
                "kind": li.get("data-kind"),
                "stem": _element_text(_by_class(li, "p", "stem")[0]),
                "options": _list_texts(li, "ol", "options"),
                "prompts": [_element_text(td) for td in _by_class(li, "td", "prompt")],
                "choices": _list_texts(li, "ol", "choices"),
            }
        )
    key = []
    for li in _by_class(doc, "ol", "key")[0].findall("li"):
        letter = _by_class(li, "span", "letter")
        key.append(
            {
                "id": li.get("data-item"),
                "number": int(li.get("value")),
                "letter": _element_text(letter[0]) if letter else None,
                "answer": "".join(_element_text(a) for a in _by_class(li, "span", "answer")),
                "alts": [_element_text(a) for a in _by_class(li, "span", "alt")],
                "pairs": _pairs(li),
                "quotes": [_element_text(q) for q in _by_class(li, "blockquote", "quote")],
                "cites": [_element_text(c) for c in _by_class(li, "p", "cite")],
            }
        )
    external = [
        el.get(attr)
        for el in doc.iter()
        for attr in ("src", "href")
        if isinstance(el.tag, str) and el.get(attr) and not el.get(attr).startswith("#")
    ]
    return {
        "title": doc.findtext(".//title"),
        "lang": doc.get("lang"),
        "h1": _element_text(doc.find(".//h1")),
        "external": external,
        "questions": questions,
        "key": key,
    }


# ----------------------------------------------------------------------------------------- round trip


def expected(item: Item) -> dict:
    """What every export must give back for an item. A true/false item's options (the distractors
    swapped in to make it false) are how it was made, not part of the question, so they are left out."""
    return {
        "kind": item.kind,
        "stem": item.stem,
        "answer": "" if item.kind == "match" else item.answer,
        "options": list(item.options) if item.kind in ("mcq", "gap") else [],
        "pairs": [tuple(p) for p in item.pairs],
        "feedback": item.feedback,
        "cites": [s.cite for s in item.sources],
        "quotes": [s.quote for s in item.sources],
        "id": item.id,
    }


_KIND = {"multichoice": "mcq", "truefalse": "truefalse", "shortanswer": "gap", "matching": "match"}


def _from_moodle(q: dict) -> dict:
    """A parsed GIFT or Moodle XML question in the shape of `expected`."""
    kind = _KIND[q["type"]]
    answers = q["answers"]
    if kind == "mcq":
        answer, options = (
            next(a["text"] for a in answers if a["fraction"] == 100),
            [a["text"] for a in answers],
        )
    elif kind == "gap":
        texts = [_unwildcard(a["text"]) for a in answers]
        answer, options = texts[0], texts[1:]
    elif kind == "truefalse":
        truth = (
            q["truth"] if "truth" in q else next(a["text"] for a in answers if a["fraction"] == 100) == "true"
        )
        answer, options = ("True" if truth else "False"), []
    else:
        answer, options = "", []
    return {
        "kind": kind,
        "stem": q["stem"],
        "answer": answer,
        "options": options,
        "pairs": [tuple(p) for p in q["pairs"]],
        "feedback": q["general_feedback"],
    }


def _from_csv(row: dict) -> dict:
    kind = row["type"]
    pairs = []
    if kind == "match":
        pairs = [tuple(p.split(" -> ", 1)) for p in row["answer"].split(" | ")]
        assert [p for p, _ in pairs] == row["options"], "the options of a match row are its prompts"
    return {
        "id": row["id"],
        "kind": kind,
        "stem": row["stem"],
        "answer": "" if kind == "match" else row["answer"],
        "options": row["options"] if kind in ("mcq", "gap") else [],
        "pairs": pairs,
        "cites": row["ref"],
        "quotes": row["quote"],
    }


def _from_anki(note: dict) -> dict:
    kind = next(t.removeprefix("procqa::") for t in note["tags"] if t.startswith("procqa::"))
    if kind == "match":
        assert note["prompts"] == [p for p, _ in note["pairs"]]
        assert sorted(note["choices"]) == sorted({a for _, a in note["pairs"]})
    return {
        "id": note["id"],
        "kind": kind,
        "stem": note["stem"],
        "answer": note["answer"],
        "options": note["options"] if kind == "mcq" else note["alts"],
        "pairs": note["pairs"],
        "feedback": note["feedback"],
        "cites": note["cites"],
    }


def _from_html(question: dict, key: dict) -> dict:
    assert question["id"] == key["id"]
    kind = question["kind"]
    if kind == "mcq":
        assert key["letter"] == "abcdefghijklmnopqrstuvwxyz"[question["options"].index(key["answer"])]
    if kind == "match":
        assert question["prompts"] == [p for p, _ in key["pairs"]]
        assert sorted(question["choices"]) == sorted({a for _, a in key["pairs"]})
    return {
        "id": question["id"],
        "kind": kind,
        "stem": question["stem"],
        "answer": key["answer"],
        "options": question["options"] if kind == "mcq" else key["alts"],
        "pairs": key["pairs"],
        "cites": key["cites"],
        "quotes": key["quotes"],
    }


def read_back(fmt: str, path: Path) -> tuple[dict | list, list[dict]]:
    """(the reader's output, one `expected`-shaped dict per question) for an export file."""
    if fmt == "gift":
        parsed = read_gift(path.read_text(encoding="utf-8"))
        return parsed, [_from_moodle(q) for q in parsed["questions"]]
    if fmt == "moodle-xml":
        parsed = read_moodle_xml(path.read_bytes())
        check_moodle_structure(parsed)
        return parsed, [_from_moodle(q) for q in parsed["questions"]]
    if fmt == "csv":
        parsed = read_csv(path.read_text(encoding="utf-8"))
        return parsed, [_from_csv(row) for row in parsed]
    if fmt == "anki":
        parsed = read_anki(path)
        return parsed, [_from_anki(note) for note in parsed["notes"]]
    if fmt == "html":
        parsed = read_html(path.read_text(encoding="utf-8"))
        assert parsed["lang"] == "en" and parsed["title"] and parsed["external"] == []
        assert [k["number"] for k in parsed["key"]] == list(range(1, len(parsed["key"]) + 1))
        return parsed, [_from_html(q, k) for q, k in zip(parsed["questions"], parsed["key"], strict=True)]
    raise ValueError(fmt)


def assert_roundtrip(quiz: Quiz, fmt: str, path: str | Path) -> dict | list:
    """Write quiz as fmt to path, read it back, and assert each item's stem, right answer, options or
    pairs, and citation (the feedback quoting it, or the cite itself) come back equal, in order."""
    out = write(quiz, fmt, path)
    assert out == Path(path) and out.is_file()
    parsed, got = read_back(fmt, out)
    assert len(got) == len(quiz.items), f"{fmt}: {len(got)} questions for {len(quiz.items)} items"
    for item, back in zip(quiz.items, got, strict=True):
        want = {k: v for k, v in expected(item).items() if k in back}
        assert back == want, f"{fmt}, item {item.id} ({item.kind})"
        # Every format carries the citation one way or another.
        assert "feedback" in back or "cites" in back
    return parsed
