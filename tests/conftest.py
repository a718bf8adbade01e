"""Shared fixtures: one real index of the real corpus per test session, in a temporary data folder.

No test changes the process environment for the session: a test that needs PROCQA_DATA (the app, a
subprocess) sets it for itself with monkeypatch or passes it in the child's environment.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from procqa.config import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus():
    """The bundled corpus parsed (no index): {doc_id: (DocumentInfo, [Paragraph, ...])}."""
    from procqa.engine import parse_corpus

    return parse_corpus(Settings())


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """A data folder holding a complete index of the bundled corpus, built by the real ingest."""
    from procqa.engine import ingest

    folder = tmp_path_factory.mktemp("procqa-data")
    ingest(Settings(data_dir=folder), progress=lambda msg: None)
    return folder


@pytest.fixture(scope="session")
def settings(data_dir) -> Settings:
    return Settings(data_dir=data_dir)


@pytest.fixture(scope="session")
def engine(settings):
    from procqa.engine import open_engine

    return open_engine(settings, warm=True)


@pytest.fixture
def gold_path() -> Path:
    return Settings().gold


@pytest.fixture
def cli(data_dir, monkeypatch, capsys):
    """Run `procqa ARGS` in-process against the session's index; returns (status, stdout, stderr)."""
    from procqa.cli import main

    monkeypatch.setenv("PROCQA_DATA", str(data_dir))

    def run(args: list[str], stdin: str | None = None):
        if stdin is not None:
            data = stdin if isinstance(stdin, bytes) else stdin.encode("utf-8")
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        status = main(args)
        out, err = capsys.readouterr()
        return status, out, err

    return run
