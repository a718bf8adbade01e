"""The coverage report for policy leads: a topic checklist, a timescales register (compared across two
documents), the law and guidance each document cites, what staff ask that was not answered well (the app's
local records, procqa.feedback) and a section map of where gold questions (procqa.eval), quiz items
(procqa.quiz) and staff questions land. A front end: it reads the documents through procqa.engine and
procqa.records, never the stages behind them.

    from procqa.coverage.report import build_report, write_report
"""
