"""Shared fixtures: one real index of the real corpus per test session, in a temporary data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from procqa.config import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus():
    """The bundled corpus parsed (no index): {doc_id: (DocumentInfo, [Paragraph, ...])}."""
    from ingest.pipeline import parse_corpus

    return parse_corpus(Settings())


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """A data folder holding a complete index of the bundled corpus, built by the real ingest."""
    from ingest.pipeline import ingest

    folder = tmp_path_factory.mktemp("procqa-data")
    ingest(Settings(data_dir=folder), progress=lambda msg: None)
    os.environ["PROCQA_DATA"] = str(folder)  # for subprocesses and the Streamlit app
    return folder


@pytest.fixture(scope="session")
def settings(data_dir) -> Settings:
    return Settings(data_dir=data_dir)


@pytest.fixture(scope="session")
def engine(settings):
    from answer.ask import load_engine

    return load_engine(settings)
