"""Citation URLs: every cited paragraph has an address of its own (?doc=set-2025&ref=A%201.6.5&para=).

A link pasted into an email opens the source view at that paragraph, so the URL is the only state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from procqa.records import Paragraph


@dataclass(frozen=True)
class SourceRef:
    """What the query parameters ask the source view to show: a document, maybe one paragraph in it."""

    doc_id: str
    ref: str | None = None
    para: int | None = None


def source_params(doc_id: str, ref: str | None = None, para: int | None = None) -> dict[str, str]:
    params = {"doc": doc_id}
    if ref is not None:
        params["ref"] = ref
        params["para"] = "" if para is None else str(para)
    return params


def source_url(doc_id: str, ref: str | None = None, para: int | None = None) -> str:
    """A relative URL ("?doc=..."): it resolves against wherever the app is served."""
    # quote (not quote_plus): "A 1.6.5" becomes "A%201.6.5", which reads the same in every mail client.
    return "?" + urlencode(source_params(doc_id, ref, para), quote_via=quote)


def paragraph_url(paragraph: Paragraph) -> str:
    return source_url(paragraph.doc_id, paragraph.ref, paragraph.para)


def _single(value: str | Sequence[str] | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):  # a repeated parameter: the last one wins, as in st.query_params
        value = value[-1] if value else ""
    return value.strip()


def parse_source(params: Mapping[str, str | Sequence[str]]) -> SourceRef | None:
    """None when the URL does not ask for the source view; a bad `para` is ignored rather than fatal."""
    doc_id = _single(params.get("doc"))
    if not doc_id:
        return None
    ref = _single(params.get("ref")) or None
    para_text = _single(params.get("para"))
    para = int(para_text) if para_text.isdigit() else None
    return SourceRef(doc_id, ref, para)
