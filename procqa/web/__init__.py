"""The Streamlit page (app.py), citation links, and safe display of user text."""

from __future__ import annotations

import re

# Every character Markdown (and Streamlit's LaTeX/emoji extensions) might treat as syntax.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:])")


def escape_markdown(text: str) -> str:
    """User text shown through st.markdown appears exactly as typed: no links, tags, formulas or styling."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def shorten(text: str, limit: int) -> str:
    """An enormous paste is echoed back in part, not in full."""
    return text if len(text) <= limit else text[:limit].rstrip() + f"… ({len(text):,} characters)"
