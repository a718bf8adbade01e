"""The engine, loaded once per process and shared by every session and page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from procqa.config import Settings
from procqa.engine import Engine, IndexMissing, live_index, open_engine


@st.cache_resource(show_spinner=False)
def get_engine(data_dir: str, index_path: str) -> Engine:
    """One engine per live index folder: a re-ingest swaps the folder, and the next run opens it."""
    return open_engine(Settings(data_dir=Path(data_dir)))


@st.cache_resource(show_spinner="Loading the procedures and the language model…")
def get_warm_engine(data_dir: str, index_path: str) -> Engine:
    return get_engine(data_dir, index_path).warm()


def current_engine(settings: Settings) -> tuple[Engine, str]:
    """The engine of the live index and its folder; without one, the page says how to build it and stops."""
    index = live_index(settings)
    try:
        engine = get_engine(str(settings.data_dir), str(index)) if index is not None else None
    except IndexMissing:  # the index vanished between the check above and opening it
        engine = None
    if engine is None or not engine.docs:
        st.error(
            f"There is no index in {settings.data_dir}. Build it first: run `procqa ingest` "
            "(or `scripts/start.sh`, which builds it and starts the app)."
        )
        st.stop()
    return engine, str(index)
