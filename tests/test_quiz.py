"""The quiz builder on the real corpus and the real index: every item of every generated quiz passes
its checks, run again here independently; the command line writes exports that parse back; bad requests
fail with one line and no file."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from quiz_formats import assert_roundtrip, read_gift

from procqa.facts.ages import find_ages
from procqa.facts.timescales import find_timescales
from procqa.quiz import checks
from procqa.quiz.build import (
    LIST_MOST,
    PER_LIST,
    DocumentFacts,
    build_quiz,
    candidates,
    choose,
    in_section,
    pick,
    replace_item,
    retrieves_source,
    scope,
)
from procqa.quiz.compose import statement
from procqa.quiz.export import FORMATS
from procqa.quiz.facts import QUOTE_JOIN, list_facts, quotable
from procqa.quiz.items import TYPES
from procqa.records import Paragraph

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

# One chapter of each document: the quizzes every check below runs over.
REQUESTS = {"set": ("set-2025", ("A 4",)), "awcpp": ("wales-2008", ("3",))}


@pytest.fixture(scope="module")
def quizzes(engine):
    return {
        name: build_quiz(engine, doc, sections, n=20, seed=7) for name, (doc, sections) in REQUESTS.items()
    }


@pytest.mark.parametrize("name", list(REQUESTS))
def test_every_item_passes_every_check(engine, quizzes, name):
    quiz = quizzes[name]
    assert len(quiz.items) == 20
    for item in quiz.items:
        for check_name, check in checks.TEXT_CHECKS.items():
            assert check(item), (check_name, item)
        assert retrieves_source(engine, item), item
        for source in item.sources:
            paragraph = engine.context(source.doc_id, source.ref, source.para)
            assert paragraph is not None and paragraph.matches[0].text == source.text
            assert source.cite.startswith(engine.docs[source.doc_id].label + " ")


@pytest.mark.parametrize("name", list(REQUESTS))
def test_items_spread_over_sections_and_types_and_never_repeat_a_fact(quizzes, name):
    quiz = quizzes[name]
    doc, sections = REQUESTS[name]
    assert all(
        any(item.section == s or item.section.startswith(s + ".") for s in sections) for item in quiz.items
    )
    assert quiz.sections_covered >= 5
    kinds = Counter(item.kind for item in quiz.items)
    assert len(kinds) >= 3 and max(kinds.values()) <= 10
    quotes = [s.quote for item in quiz.items for s in item.sources]
    assert len(quotes) == len(set(quotes))
    assert len({item.key for item in quiz.items}) == len(quiz.items)


@pytest.mark.parametrize("name", list(REQUESTS))
def test_distractors_are_of_the_answers_kind(quizzes, name):
    for item in quizzes[name].items:
        if item.kind != "mcq":
            continue
        assert item.answer in item.options and len(set(item.options)) == 4
        if item.fact == "timescale":
            assert all(find_timescales(o) for o in item.options), item.options
        if item.fact == "age":
            assert all(re.fullmatch(r"\d+|[a-z]+", o) for o in item.options), item.options
        if item.fact == "law":
            assert all(re.fullmatch(r"section \d+[A-Z]?", o) for o in item.options), item.options
        if item.fact == "listed":  # items of other lists, none stated in the cited paragraph
            assert not any(o.lower() in item.source.text.lower() for o in item.options if o != item.answer)


def test_same_seed_same_quiz_other_seed_other_quiz(engine, quizzes):
    doc, sections = REQUESTS["awcpp"]
    again = build_quiz(engine, doc, sections, n=20, seed=7)
    assert [i.id for i in again.items] == [i.id for i in quizzes["awcpp"].items]
    other = build_quiz(engine, doc, sections, n=20, seed=8)
    assert [i.id for i in other.items] != [i.id for i in again.items]


def test_a_topic_picks_the_sections_that_cover_it(engine):
    quiz = build_quiz(engine, "set-2025", topic="private fostering", n=5, seed=1)
    titles = {
        " ".join(engine.context("set-2025", i.source.ref, i.source.para).matches[0].heading)
        for i in quiz.items
    }
    assert all("fostering" in t.lower() for t in titles), titles


def test_regenerate_swaps_one_item_for_a_new_checked_one(engine, quizzes):
    quiz = quizzes["set"]
    new = replace_item(engine, quiz, 3)
    assert new.items[:3] == quiz.items[:3] and new.items[4:] == quiz.items[4:]
    assert new.items[3].id not in {i.id for i in quiz.items}
    assert all(check(new.items[3]) for check in checks.TEXT_CHECKS.values())


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_of_a_real_quiz_parses_back(quizzes, fmt, tmp_path):
    assert_roundtrip(quizzes["set"], fmt, tmp_path / f"quiz{FORMATS[fmt]}")


def test_cli_writes_the_quiz_it_reports(cli, engine, tmp_path):
    out = tmp_path / "chapter 3 quiz.txt"
    status, _, err = cli(["quiz", "--doc", "wales-2008", "--section", "3.14", "--section", "3.24", "-n", "6",
                         "--seed", "3", "--format", "gift", "--out", str(out)])  # fmt: skip
    assert status == 0, err
    assert re.search(r"\d+ candidate items generated; rejected by check: .*; wrote 6 items", err)
    parsed = read_gift(out.read_text(encoding="utf-8"))
    expected = build_quiz(engine, "wales-2008", ["3.14", "3.24"], n=6, seed=3)
    assert len(parsed["questions"]) == 6
    assert [q["title"] for q in parsed["questions"]] == [i.title for i in expected.items]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--doc", "nope"], "unknown document 'nope'"),
        (["--doc", "set-2025", "--section", "Z 99"], "has no chapter or section 'Z 99'"),
        (["--doc", "set-2025", "-n", "0"], "-n must be at least 1"),
        (["--doc", "wales-2008", "--section", "3.14", "-n", "500"], "support only"),
        (["--doc", "set-2025", "--types", "essay"], "unknown question type essay"),
        (["--doc", "set-2025", "--format", "pdf"], "unknown format 'pdf'"),
    ],
)
def test_bad_requests_fail_with_one_line_and_no_file(cli, tmp_path, args, message):
    out = tmp_path / "quiz.txt"
    if "--format" not in args:
        args = [*args, "--format", "gift"]
    status, stdout, err = cli(["quiz", *args, "--out", str(out)])
    assert status == 2 and message in err and err.count("\n") == 1 and not stdout
    assert not out.exists()


def test_section_refs_cover_their_paragraphs_only():
    def p(ref: str, heading: tuple[str, ...] = ()) -> Paragraph:
        return Paragraph("d", ref, "text", heading)

    assert in_section(p("A 4.2.1"), "A 4") and in_section(p("A 4"), "A 4")
    assert not in_section(p("A 40.1"), "A 4") and not in_section(p("B 4.1"), "A 4")
    assert in_section(p("3.8.5"), "3.8") and not in_section(p("3.80"), "3.8")
    assert in_section(p("Glossary: Core group"), "Glossary")
    assert in_section(p("A 1.1", ("Part A",)), "Part A")


def test_a_stem_too_short_to_be_a_question_is_not_well_formed(quizzes):
    item = next(i for i in quizzes["set"].items if i.kind == "mcq")
    assert checks.well_formed(item)
    assert not checks.well_formed(replace(item, stem="Who ?"))
    assert not checks.well_formed(replace(item, stem=item.stem + " The following:"))
    assert not checks.well_formed(replace(item, stem=item.stem.replace(" ", " • ", 1)))  # a bullet run in


def test_list_items_are_facts_under_a_lead_in_that_names_the_list():
    text = (
        "Community circumstances which can foster the emergence of gangs include:\n"
        "- Areas with a high level of social and economic exclusion;\n"
        "- o Lack of access to pro-social activities, and\n"
        "- See Part A section 1.3.13 for more information.\n"
        "- Reasons for the exclusion of parents must be noted in the minutes;\n"
        "- Very High: there is an imminent risk of harm.\n"
        "- Schools can be targeted. We know that education is a protective factor.\n"
        "- Family members involved in gang activity and criminality."
    )
    facts = list_facts(Paragraph("d", "B 1.1", text))
    assert [f.value for f in facts] == [
        "Areas with a high level of social and economic exclusion",
        "Lack of access to pro-social activities",  # the PDF's "o" glyph and the joining "and" dropped
        "Family members involved in gang activity and criminality",
    ]  # a pointer, a duty of its own, a labelled line and a bullet of two sentences are prose, not items
    lead = "Community circumstances which can foster the emergence of gangs include:"
    assert all(f.prompt == lead[:-1] and f.sentence.startswith(lead + QUOTE_JOIN) for f in facts)
    # Half a clause, a pointing lead-in, or two bullets: no list to quiz.
    for lead in ("If the referring staff member:", "The following should always be applied:"):
        assert not list_facts(Paragraph("d", "B 1.1", lead + "\n- one item here\n- two items here\n- three"))
    assert not list_facts(Paragraph("d", "B 1.1", text.split("\n- See")[0]))
    concerned = "If a professional is concerned about a child, the professional should:\n" + "\n".join(
        ["- Consult their safeguarding lead", "- Make a referral to social care", "- Record the concern"]
    )
    assert len(list_facts(Paragraph("d", "B 1.1", concerned))) == 3


def test_a_list_item_true_false_is_checked_against_the_list(quizzes):
    item = next(
        (i for q in quizzes.values() for i in q.items if i.fact == "listed" and i.kind == "truefalse"), None
    )
    assert item is not None, "no list item in the quizzes"
    assert checks.answer_in_source(item)
    flipped = replace(item, answer="False" if item.answer == "True" else "True")
    assert not checks.answer_in_source(flipped)


def test_quotable_sentences_stand_on_their_own():
    assert quotable("The conference must be held within 15 working days of the strategy discussion.")
    assert not quotable("This must be held within 15 working days of the strategy discussion.")
    assert not quotable("- the conference must be held within 15 working days of the meeting.")
    assert not quotable("Too short to quote.")
    # Sentences that lean on the one before: a pronoun for what was said there.
    assert not quotable("Where this is because of the lack of consent, it should be included in the report.")
    assert not quotable("At the start of each conference, the chair will check that this has occurred.")
    assert not quotable("In their absence the social services team manager for the case must be notified.")
    assert quotable("A child that is at risk of harm must be referred to children's social care at once.")
    assert not find_ages("within 15 working days")
    assert set(TYPES) == {"mcq", "truefalse", "gap", "match"}


def test_quiz_page_builds_previews_drops_and_downloads(data_dir, engine, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("procqa/web/quiz_page.py").run()
    assert not at.exception and at.title[0].value == "Build a quiz"
    at.selectbox(key="quiz_doc").set_value("wales-2008").run()
    at.multiselect(key="quiz_sections").set_value(["3.14", "3.24"]).run()
    at.number_input(key="quiz_n").set_value(5).run()
    at.button(key="quiz_build").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("5 questions from")
    drops = [b for b in at.button if b.key and b.key.startswith("drop-")]
    assert len(drops) == 5
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert "AWCPP 3.14" in shown or "AWCPP 3.24" in shown
    drops[0].click().run()
    assert len([b for b in at.button if b.key and b.key.startswith("drop-")]) == 4
    downloads = at.get("download_button")
    assert len(downloads) == len(FORMATS)
    # A bad request shows a message on the page, not a traceback.
    at.number_input(key="quiz_n").set_value(60).run()
    at.multiselect(key="quiz_sections").set_value(["3.24"]).run()
    at.button(key="quiz_build").click().run()
    assert not at.exception and "No quiz:" in at.error[0].value


def test_report_accounts_for_every_candidate(engine):
    from procqa.quiz.report import quiz_report

    report = quiz_report(engine, "wales-2008", sample=12, seed=1)
    assert sum(report.generated.values()) == sum(report.passed_text.values()) + sum(report.rejected.values())
    assert sum(report.sampled.values()) == 12 and 0 < sum(report.retrieved.values()) <= 12
    assert 0 < report.sections_reached <= report.sections
    text = report.markdown()
    assert "| **all** |" in text and f"of {report.sections}" in text


def test_a_one_paragraph_acronym_guide_gives_a_20_item_quiz(engine, tmp_path):
    """SET B 46 is one paragraph, a table of acronyms: its items ask what they stand for, every one
    passes every check, and every export of the quiz parses back."""
    quiz = build_quiz(engine, "set-2025", ["B 46"], n=20, seed=11)
    assert len(quiz.items) == 20 and {i.fact for i in quiz.items} == {"acronym"}
    for item in quiz.items:
        assert all(check(item) for check in checks.TEXT_CHECKS.values()), item
        assert retrieves_source(engine, item), item
        wrong = [o for o in item.options if o != item.answer]
        assert not any(o.lower() in item.source.text.lower() for o in wrong), item
    assert len({i.key for i in quiz.items}) == 20
    for fmt in FORMATS:
        assert_roundtrip(quiz, fmt, tmp_path / f"b46{FORMATS[fmt]}")


def test_statement_items_quote_the_document_or_deny_it(engine):
    """A descriptive chapter's true/false statements: a true one is a sentence of its paragraph, a
    false one is that sentence with its verb denied ("are" -> "are not", "need to" -> "do not need to")
    or its "not" dropped, and it is printed nowhere in the document."""
    quiz = build_quiz(engine, "set-2025", ["B 28", "B 29"], n=20, seed=5)
    statements = [i for i in quiz.items if i.fact == "statement"]
    assert statements
    everything = " ".join(p.text for p in engine.paragraphs("set-2025")).lower()
    for item in statements:
        said = statement(item)  # "True or false: “S”" or, naming its section, "... procedures say “S”"
        if item.answer == "True":
            assert said == item.source.quote and said in item.source.text
        else:
            words, quoted = said.split(), item.source.quote.split()
            assert abs(len(words) - len(quoted)) <= 2 and said.lower() not in everything


def _per_list(quiz) -> Counter:
    return Counter(
        f"{i.source.ref}|{i.source.quote.split(QUOTE_JOIN)[0]}" for i in quiz.items if i.fact == "listed"
    )


def test_a_short_list_heavy_chapter_draws_deeper_on_its_lists_only_when_it_must(engine, quizzes):
    """B 40 (parents who misuse substances, mental illness ...) prints its indicators as lists: a
    20-item quiz on it takes more than PER_LIST items from one list, never more than LIST_MOST; a quiz
    with enough facts elsewhere keeps to PER_LIST."""
    quiz = build_quiz(engine, "set-2025", ["B 40"], n=20, seed=3)
    for item in quiz.items:
        assert all(check(item) for check in checks.TEXT_CHECKS.values()), item
        assert retrieves_source(engine, item), item
    assert max(_per_list(quiz).values()) <= LIST_MOST
    assert max(_per_list(quizzes["set"]).values(), default=0) <= PER_LIST
    # The list stems name the section, whose lead-ins ("The risk to child/ren may arise from") do not.
    listed = [i for i in quiz.items if i.fact == "listed"]
    assert listed and all("“Parents" in i.stem or "“Parenting" in i.stem for i in listed), listed


def test_an_ambiguous_stem_names_its_section_and_still_passes_every_check(engine):
    """Where a stem alone does not find its paragraph, the item is offered with its section named,
    and then passes every check like any other."""
    named = []
    for chapter in ("B 28", "B 29", "B 23"):
        quiz = build_quiz(engine, "set-2025", [chapter], n=12, seed=1)
        named += [
            i
            for i in quiz.items
            if i.fact != "listed"
            and re.match(r"(?:In|True or false: in|Fill the gap in this sentence from) “", i.stem)
        ]
    assert named
    for item in named:
        assert all(check(item) for check in checks.TEXT_CHECKS.values()), item
        assert retrieves_source(engine, item), item


def test_the_escalation_stages_make_an_ordering_item_that_exports(engine, tmp_path):
    """SET B 11 numbers the stages of resolving a professional disagreement: a matching quiz on it puts
    them in order, every pair passes its checks, and every export carries it."""
    quiz = build_quiz(engine, "set-2025", ["B 11"], n=1, types=("match",), seed=0)
    (item,) = [i for i in quiz.items if i.fact == "sequence"]
    assert [a for _, a in item.pairs] == ["Stage One", "Stage Two", "Stage Three", "Stage Four"]
    assert [s.ref for s in item.sources] == ["B 11.2.1", "B 11.2.2", "B 11.2.3", "B 11.2.4"]
    assert all(check(item) for check in checks.TEXT_CHECKS.values()) and retrieves_source(engine, item)
    for fmt in FORMATS:
        assert_roundtrip(quiz, fmt, tmp_path / f"b11{FORMATS[fmt]}")


def test_a_quiz_short_after_its_first_choice_draws_distractors_afresh(engine):
    """SET B 34 with seed 1: the first choice falls short of 20 (false list claims whose stems miss their
    paragraph because of the item they carry); drawing distractors again for the facts not yet tested
    fills it. Every item still passes every check, and no fact is tested twice."""
    paragraphs = scope(engine, "set-2025", ["B 34"], None)
    known = DocumentFacts.of(engine, "set-2025")
    first = choose(engine, candidates(engine, "set-2025", paragraphs, TYPES, 1, known), 20, TYPES, 1)
    found = candidates(engine, "set-2025", paragraphs, TYPES, 1, known)
    assert len(pick(engine, "set-2025", paragraphs, found, 20, TYPES, 1, known)) >= len(first)
    quiz = build_quiz(engine, "set-2025", ["B 34"], n=20, seed=1)
    assert len(quiz.items) == 20 and len({i.key for i in quiz.items}) == 20
    for item in quiz.items:
        assert all(check(item) for check in checks.TEXT_CHECKS.values()), item
        assert retrieves_source(engine, item), item
