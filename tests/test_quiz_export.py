"""Quiz exports (GIFT, Moodle XML, CSV, Anki, HTML): every format parsed back gives every item's stem,
right answer, options or pairs and citation, however nasty the text; files are written atomically."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import genanki
import pytest
from lxml import etree
from quiz_formats import assert_roundtrip, read_anki, read_csv, read_gift, read_html, read_moodle_xml

from procqa.quiz import export
from procqa.quiz.export import FORMATS, to_csv, to_gift, to_html, to_moodle_xml, write
from procqa.quiz.items import Item, Quiz, Source

# Sources in the procedures' own words (SET procedures 2025, part A).
ICPC = Source(
    doc_id="set-procedures-2025",
    ref="A 3.10.2",
    cite="SET A 3.10.2",
    quote="The maximum period from the strategy meeting/discussion of an enquiry to the date of the initial "
    "child protection conference is 15 working days.",
    text="The maximum period from the strategy meeting/discussion of an enquiry to the date of the initial "
    "child protection conference is 15 working days. In exceptional circumstances where more than one "
    "strategy meeting/discussion takes place the timescale remains as 15 working days from the strategy "
    "meeting/discussion which initiated the s47 enquiries.",
)
TELEPHONE = Source(
    doc_id="set-procedures-2025",
    ref="A 3.4.16",
    cite="SET A 3.4.16",
    quote="For telephone strategy discussions, all agencies should make a record of the outcome of the "
    "telephone discussion and actions agreed at the time.",
    text="For telephone strategy discussions, all agencies should make a record of the outcome of the "
    "telephone discussion and actions agreed at the time. The record of the notes and decisions authorised "
    "by the local authority children's social care manager should be circulated as soon as practicable to "
    "all parties to the discussion.",
)
CORE_GROUP = Source(
    doc_id="set-procedures-2025",
    ref="A 5.5.1",
    cite="SET A 5.5.1",
    quote="Where any member of the core group is aware of difficulties implementing the protection plan, "
    "the lead social worker must be informed immediately",
    text="Where any member of the core group is aware of difficulties implementing the protection plan, the "
    "lead social worker must be informed immediately and a core group meeting/discussion co-ordinated to "
    "agree a reconsidered child protection plan.",
)
# The same paragraph with every character the formats treat specially, in the quote and the cite.
NASTY_SOURCE = replace(
    ICPC,
    cite="SET A 3.10.2 ¶1 {~=#:}",
    quote='The maximum period is "15 working days" (it\'s <b>not</b> 10 & ~ = # { } : \\ — “exceptional”).',
)

MCQ = Item(
    kind="mcq",
    fact="timescale",
    stem="What is the maximum period from the strategy meeting/discussion to the initial child protection "
    "conference? {~ = # : \\ < > & \" '}",
    answer="15 working days",
    options=(
        "10 working days = 2 weeks",
        "15 working days",
        "#20 {working} days",
        "[html] 5 days",
        "%50% of 30",
    ),
    sources=(NASTY_SOURCE,),
    section="A 3.10",
)
TRUEFALSE = Item(
    kind="truefalse",
    fact="dont",
    stem="=1+1 and @SUM(A1) aside: after a telephone strategy discussion,\nno agency needs to keep a record "
    "(C:\\notes\\é).",
    answer="False",
    options=("all agencies",),
    sources=(TELEPHONE,),
    section="A 3.4",
)
GAP = Item(
    kind="gap",
    fact="timescale",
    stem="Where the core group cannot implement the protection plan, the lead social worker must be "
    "informed _____ <urgent & immédiat>.",
    answer="immediately",
    options=("at once", "=straight away*", "-now"),
    sources=(CORE_GROUP,),
    section="A 5.5",
)
MATCH = Item(
    kind="match",
    fact="role",
    stem="Match each duty to what the procedures say: {who} = what?",
    answer="",
    options=(),
    sources=(ICPC, CORE_GROUP, TELEPHONE),
    section="A 3",
    pairs=(
        ("[Timescale] strategy discussion to initial conference", "15 working days"),
        ("Told at once when the plan cannot be implemented", "The lead social worker -> then the core group"),
        ("Record a telephone strategy discussion: who?", "All agencies ~ each {its own} #record"),
    ),
)
NASTY = Quiz(
    doc_id="set-procedures-2025",
    title="Strategy / timescales: “SET” A3 & A5",
    items=(MCQ, TRUEFALSE, GAP, MATCH),
)

PLAIN = Item(
    kind="mcq",
    fact="timescale",
    stem="Within how many working days of the strategy discussion must the initial conference be held?",
    answer="15",
    options=("10", "15", "20"),
    sources=(ICPC,),
    section="A 3.10",
)


def quiz_of(*items: Item, title: str = "Timescales") -> Quiz:
    return Quiz(doc_id="set-procedures-2025", title=title, items=items)


# ----------------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_gives_back_every_item_of_every_kind(fmt, tmp_path):
    assert {i.kind for i in NASTY.items} == {"mcq", "truefalse", "gap", "match"}
    assert_roundtrip(NASTY, fmt, tmp_path / f"quiz{FORMATS[fmt]}")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_gives_back_a_plain_quiz(fmt, tmp_path):
    assert_roundtrip(quiz_of(PLAIN), fmt, tmp_path / f"plain{FORMATS[fmt]}")


def test_formats_and_extensions():
    assert FORMATS == {"gift": ".txt", "moodle-xml": ".xml", "csv": ".csv", "anki": ".apkg", "html": ".html"}


# ----------------------------------------------------------------------------------------- GIFT


def test_gift_of_a_plain_item_is_exactly_this():
    assert to_gift(quiz_of(PLAIN)) == (
        "// Timescales: 1 question\n"
        "$CATEGORY: $course$/Timescales\n"
        "\n"
        f"// {PLAIN.id} mcq timescale\n"
        f"::SET A 3.10.2 timescale mcq {PLAIN.id[:6]}::[plain]Within how many working days of the strategy "
        "discussion must the initial conference be held?{\n"
        "\t~10#No\\: the answer is “15”.\n"
        "\t=15#Right.\n"
        "\t~20#No\\: the answer is “15”.\n"
        "\t####“The maximum period from the strategy meeting/discussion of an enquiry to the date of the "
        "initial child protection conference is 15 working days.” (SET A 3.10.2)\n"
        "}\n"
    )


def test_gift_escapes_every_special_character_and_newlines():
    text = to_gift(quiz_of(TRUEFALSE, MCQ))
    assert "after a telephone strategy discussion,\\nno agency" in text  # a newline would split the question
    assert "(C\\:\\\\notes\\\\é)" in text
    assert "conference? \\{\\~ \\= \\# \\: \\\\ < > & \" '\\}" in text
    # No blank line inside a question: blocks are exactly the category and the two questions.
    assert len([b for b in text.split("\n\n") if b.strip()]) == 3


def test_gift_true_false_and_short_answer_blocks(tmp_path):
    questions = read_gift(to_gift(quiz_of(TRUEFALSE, GAP)))["questions"]
    tf, gap = questions
    assert tf["type"] == "truefalse" and tf["truth"] is False
    assert tf["right_feedback"] == "Right." and tf["wrong_feedback"] == "No: the answer is “False”."
    assert tf["general_feedback"] == TRUEFALSE.feedback
    # The gap stays in the text and the answers follow it, so Moodle inserts no second blank.
    assert gap["type"] == "shortanswer" and gap["stem"] == GAP.stem
    # "*" would be a wildcard in a Moodle short answer; it is written "\*".
    assert [a["text"] for a in gap["answers"]] == ["immediately", "at once", "=straight away\\*", "-now"]


def test_gift_texts_that_start_like_a_format_or_weight_are_marked_plain():
    text = to_gift(quiz_of(MCQ))
    assert "~[plain][html] 5 days#" in text and "~[plain]%50% of 30#" in text
    answers = read_gift(text)["questions"][0]["answers"]
    assert [a["fraction"] for a in answers] == [0, 100, 0, 0, 0]


def test_gift_category_escapes_slashes_and_keeps_one_line():
    assert "$CATEGORY: $course$/Strategy // timescales: “SET” A3 & A5\n" in to_gift(NASTY)
    assert read_gift(to_gift(NASTY))["category"] == "$course$/Strategy // timescales: “SET” A3 & A5"


def test_gift_cannot_carry_an_arrow_in_a_prompt_or_short_answer_so_it_becomes_one_character():
    pairs = (("a -> b", "1 -> 2"), ("c", "3"), ("d", "4"))
    match = replace(MATCH, pairs=pairs, sources=MATCH.sources)
    gap = replace(GAP, answer="s47 -> ICPC", options=())
    questions = read_gift(to_gift(quiz_of(match, gap)))["questions"]
    assert questions[0]["pairs"][0] == ("a → b", "1 -> 2")
    assert [a["text"] for a in questions[1]["answers"]] == ["s47 → ICPC"]


def test_gift_every_question_quotes_its_feedback():
    questions = read_gift(to_gift(NASTY))["questions"]
    assert [q["general_feedback"] for q in questions] == [i.feedback for i in NASTY.items]
    assert [q["title"] for q in questions] == [i.title for i in NASTY.items]


# ----------------------------------------------------------------------------------------- Moodle XML


def test_moodle_xml_structure():
    data = to_moodle_xml(NASTY)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<quiz>")
    root = etree.fromstring(data)
    types = [q.get("type") for q in root.findall("question")]
    assert types == ["category", "multichoice", "truefalse", "shortanswer", "matching"]
    assert root.findtext("question/category/text") == "$course$/Strategy // timescales: “SET” A3 & A5"
    mcq, tf, gap, match = root.findall("question")[1:]
    assert [a.get("fraction") for a in mcq.findall("answer")] == ["0", "100", "0", "0", "0"]
    assert (mcq.findtext("single"), mcq.findtext("shuffleanswers"), mcq.findtext("answernumbering")) == (
        "true",
        "true",
        "abc",
    )
    assert [(a.findtext("text"), a.get("fraction")) for a in tf.findall("answer")] == [
        ("true", "0"),
        ("false", "100"),
    ]
    assert gap.findtext("usecase") == "0"
    assert [a.get("fraction") for a in gap.findall("answer")] == ["100"] * 4
    assert len(match.findall("subquestion")) == 3 and match.findtext("shuffleanswers") == "true"
    for question in root.findall("question")[1:]:
        assert question.find("generalfeedback").get("format") == "html"
        assert question.find("questiontext").get("format") == "html"


def test_moodle_xml_html_fields_are_escaped_html_in_cdata():
    data = to_moodle_xml(quiz_of(MCQ))
    # The stem's "<" and "&" are text, so they are HTML-escaped inside the CDATA.
    assert b"<![CDATA[<p>What is the maximum period" in data
    assert b"conference? {~ = # : \\ &lt; &gt; &amp; &quot; &#x27;}</p>]]>" in data
    question = read_moodle_xml(data)["questions"][0]
    assert question["stem"] == MCQ.stem and question["general_feedback"] == MCQ.feedback
    assert [a["feedback"] for a in question["answers"]][:2] == [
        "No: the answer is “15 working days”.",
        "Right.",
    ]


def test_moodle_xml_drops_characters_xml_cannot_hold():
    item = replace(PLAIN, stem="Form\x0cfeed and\x00 nul: how many days?")
    assert (
        read_moodle_xml(to_moodle_xml(quiz_of(item)))["questions"][0]["stem"]
        == "Formfeed and nul: how many days?"
    )


@pytest.mark.parametrize("render", [to_gift, to_moodle_xml])
def test_moodle_formats_refuse_a_matching_item_moodle_would_not_save(render):
    two = replace(MATCH, pairs=MATCH.pairs[:2], sources=MATCH.sources[:2])
    with pytest.raises(ValueError, match="at least 3 pairs"):
        render(quiz_of(two))
    assert read_csv(to_csv(quiz_of(two)))[0]["options"] == [p for p, _ in MATCH.pairs[:2]]


@pytest.mark.parametrize("render", [to_gift, to_moodle_xml, to_csv, to_html])
def test_an_mcq_whose_answer_is_not_an_option_is_refused(render):
    with pytest.raises(ValueError, match="exactly one of the options"):
        render(quiz_of(replace(PLAIN, answer="16")))


# ----------------------------------------------------------------------------------------- CSV


def test_csv_header_rows_and_formula_guard():
    text = to_csv(NASTY)
    assert text.startswith("id,type,fact,stem,options,answer,ref,quote,section\r\n")
    rows = read_csv(text)
    assert [r["type"] for r in rows] == ["mcq", "truefalse", "gap", "match"]
    # A cell a spreadsheet would run as a formula starts with an apostrophe in the file.
    assert "\"'=1+1 and @SUM(A1) aside" in text
    assert rows[1]["stem"] == TRUEFALSE.stem and rows[1]["options"] == ["all agencies"]
    assert rows[3]["options"] == [p for p, _ in MATCH.pairs]
    assert rows[3]["answer"].split(" | ")[1] == "Told at once when the plan cannot be implemented -> " + (
        "The lead social worker -> then the core group"
    )
    assert rows[3]["ref"] == ["SET A 3.10.2", "SET A 5.5.1", "SET A 3.4.16"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "'"])
def test_csv_guards_each_formula_start(start):
    item = replace(PLAIN, stem=f"{start}cmd|' /C calc'!A0")
    text = to_csv(quiz_of(item))
    assert f",\"'{start}cmd|' /C calc'!A0\"," in text or f",'{start}cmd|' /C calc'!A0," in text
    assert read_csv(text)[0]["stem"] == item.stem


def test_csv_file_has_a_byte_order_mark_for_excel(tmp_path):
    path = write(NASTY, "csv", tmp_path / "quiz.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,type,")


# ----------------------------------------------------------------------------------------- Anki


def test_anki_re_export_keeps_note_guids_and_ids(tmp_path):
    first = read_anki(write(NASTY, "anki", tmp_path / "a.apkg"))
    second = read_anki(write(NASTY, "anki", tmp_path / "b.apkg"))
    guids = [n["guid"] for n in first["notes"]]
    assert guids == [n["guid"] for n in second["notes"]]
    assert guids == [genanki.guid_for("procqa", i.id) for i in NASTY.items]
    assert len(set(guids)) == len(guids)
    assert first["models"].keys() == second["models"].keys() == {export.ANKI_MODEL.model_id}
    assert first["decks"] == second["decks"]
    assert "Strategy / timescales: “SET” A3 & A5" in first["decks"].values()


def test_anki_fields_are_html_escaped(tmp_path):
    note = read_anki(write(quiz_of(MCQ), "anki", tmp_path / "q.apkg"))["notes"][0]
    assert "&lt; &gt; &amp;" in note["fields"]["Stem"]
    assert "<b>" not in note["fields"]["Feedback"] and "&lt;b&gt;not&lt;/b&gt;" in note["fields"]["Feedback"]
    assert note["tags"] == ["procqa::mcq", "timescale"]


def test_anki_deck_name_does_not_nest():
    assert export._one_line("A::B").replace("::", ":") == "A:B"


def test_anki_export_leaves_no_scratch_files(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(export.tempfile, "tempdir", str(scratch))
    export.to_anki(quiz_of(PLAIN), tmp_path / "deck.apkg")
    assert list(scratch.iterdir()) == []


# ----------------------------------------------------------------------------------------- HTML


def test_html_handout_is_self_contained_numbered_lettered_and_escaped():
    text = to_html(NASTY)
    page = read_html(text)
    assert page["lang"] == "en" and page["title"] == page["h1"] == "Strategy / timescales: “SET” A3 & A5"
    assert page["external"] == [] and "<style>" in text and "<script" not in text
    assert '<ol class="options" type="a">' in text
    assert [q["kind"] for q in page["questions"]] == ["mcq", "truefalse", "gap", "match"]
    assert page["key"][0]["letter"] == "b" and page["key"][0]["answer"] == "15 working days"
    assert page["key"][0]["quotes"] == [NASTY_SOURCE.quote]
    assert page["key"][3]["cites"] == ["SET A 3.10.2", "SET A 5.5.1", "SET A 3.4.16"]
    assert "<b>not</b>" not in text and "&lt;b&gt;not&lt;/b&gt;" in text
    assert "strategy discussion,<br>no agency" in text


# ----------------------------------------------------------------------------------------- write


def test_unknown_format_and_empty_quiz_write_nothing(tmp_path):
    with pytest.raises(ValueError) as unknown:
        write(NASTY, "pdf", tmp_path / "quiz.pdf")
    with pytest.raises(ValueError) as empty:
        write(quiz_of(), "gift", tmp_path / "quiz.txt")
    for error in (unknown, empty):
        assert "\n" not in str(error.value)
    assert "unknown quiz format 'pdf'" in str(unknown.value) and "no items" in str(empty.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_failed_replace_keeps_the_old_file_and_no_temporary(fmt, tmp_path, monkeypatch):
    target = tmp_path / f"quiz{FORMATS[fmt]}"
    target.write_bytes(b"the previous export")

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(export.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write(NASTY, fmt, target)
    assert target.read_bytes() == b"the previous export"
    assert list(tmp_path.iterdir()) == [target]


def test_an_anki_export_failing_midway_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "quiz.apkg"
    target.write_bytes(b"the previous deck")

    def half_written(package, path):
        path.write_bytes(b"PK\x03\x04 half a zip")
        raise RuntimeError("interrupted")

    monkeypatch.setattr(export, "_write_apkg", half_written)
    with pytest.raises(RuntimeError, match="interrupted"):
        write(NASTY, "anki", target)
    assert target.read_bytes() == b"the previous deck"
    assert list(tmp_path.iterdir()) == [target]


def test_a_bad_item_keeps_the_old_file(tmp_path):
    target = tmp_path / "quiz.txt"
    target.write_text("the previous export", encoding="utf-8")
    bad = replace(PLAIN, kind="essay")
    with pytest.raises(ValueError, match="unknown kind 'essay'"):
        write(quiz_of(PLAIN, bad), "gift", target)
    assert target.read_text(encoding="utf-8") == "the previous export"
    assert list(tmp_path.iterdir()) == [target]


def test_write_replaces_an_existing_file_and_returns_its_path(tmp_path):
    target = tmp_path / "quiz.html"
    target.write_text("old", encoding="utf-8")
    assert write(NASTY, "html", str(target)) == Path(target)
    assert read_html(target.read_text(encoding="utf-8"))["title"] == "Strategy / timescales: “SET” A3 & A5"
    assert list(tmp_path.iterdir()) == [target]
