"""The Streamlit app driven headless (AppTest) on the real index: chat, procedures, sources, feedback."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from procqa.config import Settings
from procqa.contents import build_contents, default_chapter, locate
from procqa.feedback.store import COLUMNS, db_path, rows
from procqa.records import Paragraph
from procqa.web import escape_markdown, shorten
from procqa.web.links import SourceRef, parse_source, source_url

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180  # the first question loads the embedding model; later ones take a second or two
QUESTION = "A child has told me they are being hurt at home. What must I do now?"


@pytest.fixture
def app(data_dir, engine, monkeypatch):
    """A fresh session of the app on the test index. `engine` is loaded first so its cost is paid once."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def page_text(at) -> str:
    """Everything written on the page, as the Markdown the app sent."""
    parts = [
        e.value
        for kind in ("markdown", "caption", "warning", "info", "error", "subheader")
        for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def ask_in(at, question: str):
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


def citation_labels(at) -> list[str]:
    return [e.label for e in at.expander]


def citation_links(at) -> list[str]:
    """The "Open ... in context" links of the citations on the page."""
    links = []
    for m in at.markdown:
        if m.value.startswith("[Open "):
            links.append(m.value[m.value.index("](") + 2 : -1])
    return links


@pytest.mark.slow
def test_opens_on_a_chat_with_notice_editions_and_examples(app):
    notice = " ".join(i.value for i in app.info)
    assert "designated safeguarding lead" in notice and "999" in notice
    assert "June 2025 edition" in page_text(app)  # SET is the default choice
    labels = [b.label for b in app.button]
    assert any(label.startswith("How quickly must I make a referral") for label in labels)
    assert len(app.chat_input) == 1
    assert app.selectbox(key="procedures").value == "set-2025"


@pytest.mark.slow
def test_answer_has_steps_and_numbered_citations_then_follow_up(app):
    ask_in(app, QUESTION)
    text = page_text(app)
    assert "**SET\\: Southend, Essex & Thurrock" in text  # the heading, shown exactly as written
    assert "?doc=set-2025&ref=" in text  # step markers link to their sources
    assert "**Responding to the child**" in text or "**Referring, and by when**" in text  # acting order
    labels = citation_labels(app)
    assert labels and labels[0].startswith("[1] SET ")
    assert all(" — " in label for label in labels)  # label and heading
    assert [b.label for b in app.button][:3] == ["Helpful", "Not helpful", "Wrong citation"]
    assert not any(b.label.startswith("How quickly must I") for b in app.button)  # examples gone

    ask_in(app, "What if the child is disabled?")
    turns = app.session_state["turns"]
    assert len(turns) == 2
    assert turns[1].history == [QUESTION]  # the follow-up is asked in context
    assert turns[1].answer is not None and not turns[1].answer.abstained
    assert len([m for m in app.chat_message if m.name == "user"]) == 2
    assert len([m for m in app.chat_message if m.name == "assistant"]) == 2


@pytest.mark.slow
def test_example_question_is_asked_in_one_click(app):
    example = next(b for b in app.button if b.label.startswith("One of my pupils has cuts"))
    example.click().run()
    assert not app.exception
    assert app.session_state["turns"][0].question == example.label
    assert citation_labels(app)


@pytest.mark.slow
def test_choice_of_procedures_stays_and_both_sit_side_by_side(app):
    app.selectbox(key="procedures").set_value("wales-2008").run()
    text = page_text(app)
    assert "2008 edition" in text
    assert any("Old edition" in w.value for w in app.warning)  # the AWCPP note is always visible

    ask_in(app, QUESTION)
    assert all(label.split()[1] == "AWCPP" for label in citation_labels(app))
    assert app.selectbox(key="procedures").value == "wales-2008"  # kept for the session

    app.selectbox(key="procedures").set_value("both").run()
    ask_in(app, QUESTION)
    last = app.session_state["turns"][-1]
    assert last.doc_ids == ["set-2025", "wales-2008"]
    labels = [c.label for c in last.answer.citations]
    assert any(label.startswith("SET ") for label in labels)
    assert any(label.startswith("AWCPP ") for label in labels)
    assert len(app.columns) >= 2


@pytest.mark.slow
def test_off_topic_question_is_declined_with_related_paragraphs(app):
    ask_in(app, "what is the capital of France")
    assert any("do not appear to answer" in w.value for w in app.warning)
    assert app.session_state["turns"][0].answer.abstained
    assert citation_labels(app)  # the nearest paragraphs are still listed
    assert not any(label.startswith("[1]") for label in citation_labels(app))  # but not as citations


@pytest.mark.slow
def test_bad_questions_get_a_clear_error_not_a_traceback(app):
    ask_in(app, "   ")
    assert "empty" in app.error[-1].value
    ask_in(app, "why " * 1000)
    assert "characters long" in app.error[-1].value
    ask_in(app, "<script>alert(1)</script> **bold** [x](http://example.com)")
    user_says = [m.markdown[0].value for m in app.chat_message if m.name == "user"]
    assert user_says[-1].startswith(r"\<script\>alert\(1\)\</script\> \*\*bold\*\*")
    assert "](http" not in user_says[-1]


@pytest.mark.slow
def test_citation_link_opens_the_paragraph_in_context(app, data_dir):
    from streamlit.testing.v1 import AppTest

    ask_in(app, QUESTION)
    link = citation_links(app)[0]
    params = dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))
    cited = app.session_state["turns"][0].answer.citations[0].paragraph
    assert params == {"doc": cited.doc_id, "ref": cited.ref, "para": str(cited.para or "")}

    # A fresh session, as when the link is pasted into a new tab or an email.
    view = AppTest.from_file(APP, default_timeout=TIMEOUT)
    view.query_params.update(params)
    view.run()
    assert not view.exception
    assert view.subheader[0].value == f"SET {cited.cite_ref}"
    text = page_text(view)
    assert cited.text in text
    assert " › ".join(cited.heading) in text
    assert len(view.chat_input) == 0


@pytest.mark.slow
def test_source_view_shows_neighbours_headings_and_page(data_dir, engine, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))
    found = engine.context("wales-2008", "3.12.4", 2, before=1, after=1)
    (target,), (before,), (after,) = found.matches, found.before, found.after

    view = AppTest.from_file(APP, default_timeout=TIMEOUT)
    view.query_params.update({"doc": "wales-2008", "ref": "3.12.4", "para": "2"})
    view.run()
    assert not view.exception
    assert view.subheader[0].value == "AWCPP 3.12.4 ¶2"
    text = page_text(view)
    assert target.text in text and f"page {target.page}" in text
    assert before.text in text and after.text in text
    assert "?doc=wales-2008&ref=3.12.4&para=1" in text  # the neighbour has its own address
    # The contents browser opens at the paragraph's chapter and section.
    chapter = view.selectbox[0].format_func(view.selectbox[0].value)
    assert chapter.startswith("Part 3 › 3. The Child Protection")
    assert "3.12 " in view.selectbox[1].format_func(view.selectbox[1].value)


@pytest.mark.slow
def test_contents_browser_lists_chapters_sections_paragraphs(data_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))
    view = AppTest.from_file(APP, default_timeout=TIMEOUT)
    view.run()
    view.button(key="contents-set-2025").click().run()
    assert not view.exception
    assert view.query_params["doc"] == "set-2025"
    assert view.subheader[0].value == "Contents of SET"
    assert "SET A 1.1.1" in page_text(view)  # Part A chapter 1, section 1.1 by default

    view.selectbox[1].select_index(1).run()  # the next section: 1.2
    assert not view.exception
    assert "SET A 1.2.1" in page_text(view)

    view.button(key="back").click().run()
    assert not view.exception
    assert len(view.chat_input) == 1


@pytest.mark.slow
def test_unknown_paragraph_says_so_and_still_browses(data_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))
    view = AppTest.from_file(APP, default_timeout=TIMEOUT)
    view.query_params.update({"doc": "set-2025", "ref": "Z 9.9.9", "para": ""})
    view.run()
    assert not view.exception
    assert "has no paragraph Z 9" in view.error[0].value
    assert view.subheader[0].value == "Contents of SET"


@pytest.mark.slow
def test_feedback_is_stored_with_or_without_the_question(app, data_dir):
    before = len(rows(db_path(Settings(data_dir=data_dir))))
    ask_in(app, QUESTION)
    app.button(key="feedback-0-wrong citation").click().run()
    assert not app.exception
    assert any("Feedback recorded" in c.value for c in app.caption)

    app.checkbox(key="keep_question").set_value(False).run()
    ask_in(app, "Who chairs a child protection conference?")
    app.button(key="feedback-1-helpful").click().run()
    assert not app.exception

    stored = rows(db_path(Settings(data_dir=data_dir)))[before:]
    col = {name: i for i, name in enumerate(COLUMNS)}
    assert [r[col["choice"]] for r in stored] == ["wrong citation", "helpful"]
    assert stored[0][col["question"]] == QUESTION
    assert stored[0][col["refs"]].startswith("SET ")
    assert stored[1][col["question"]] is None


@pytest.mark.slow
def test_missing_index_tells_the_user_to_ingest(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROCQA_DATA", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert "procqa ingest" in at.error[0].value
    assert "scripts/start.sh" in at.error[0].value


# --- the non-UI helpers behind the app (fast, no index) ---


def test_source_urls_round_trip():
    url = source_url("set-2025", "A 1.6.5")
    assert url == "?doc=set-2025&ref=A%201.6.5&para="
    assert parse_source(dict(parse_qsl(url[1:], keep_blank_values=True))) == SourceRef("set-2025", "A 1.6.5")
    url = source_url("wales-2008", "Glossary: Abuse (1)", 2)
    assert " " not in url and "(" not in url
    assert parse_source(dict(parse_qsl(url[1:]))) == SourceRef("wales-2008", "Glossary: Abuse (1)", 2)
    assert parse_source({"doc": "set-2025", "para": "x"}) == SourceRef("set-2025")  # a bad para is ignored
    assert parse_source({"doc": ["old", "set-2025"]}) == SourceRef("set-2025")  # the last value wins
    assert parse_source({}) is None


def test_contents_tree_and_lookup():
    def para(ref, heading, n=None):
        return Paragraph("d", ref, f"text {ref}", heading, para=n)

    ps = [
        para("Front matter", ()),
        para("1", ("Part 1", "1. Key")),
        para("1.1", ("Part 1", "1. Key", "1.1 First"), 1),
        para("1.1", ("Part 1", "1. Key", "1.1 First", "Box 1"), 2),
        para("2.1", ("Part 2", "2. Next", "2.1 Only")),
    ]
    chapters = build_contents(ps)
    assert [c.title for c in chapters] == ["Front matter", "Part 1 › 1. Key", "Part 2 › 2. Next"]
    assert [s.title for s in chapters[1].sections] == ["Introduction", "1.1 First"]
    assert chapters[1].paragraph_count == 3
    assert default_chapter(chapters) == 1
    assert locate(chapters, ps[3]) == (1, 1)


def test_user_text_is_escaped_and_shortened():
    assert escape_markdown("<b>hi</b> *x* [a](b) $1") == r"\<b\>hi\</b\> \*x\* \[a\]\(b\) \$1"
    assert shorten("abc", 5) == "abc"
    assert shorten("a" * 10, 4) == "aaaa… (10 characters)"
