"""Hybrid retrieval: BM25 and dense (Chroma through llama-index) rankings, fused, filtered by document."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from procqa.config import Settings
from procqa.index.embedder import embed
from procqa.index.store import OpenIndex, cosine_from_llama_similarity
from procqa.index.tokens import tokenize
from procqa.records import Hit, Paragraph
from procqa.retrieval.expand import build_acronyms, expand
from procqa.retrieval.fusion import reciprocal_rank_fusion


@lru_cache(maxsize=256)
def _query_vector(query: str) -> list[float]:
    """Asking both documents searches twice with the same text; embed it once."""
    return embed([query])[0]


@dataclass
class Retriever:
    """The loaded index plus what the query side derives from it once (acronyms, idf, doc masks)."""

    index: OpenIndex
    settings: Settings
    acronyms: dict[str, str]
    idf: dict[str, float]
    doc_of: np.ndarray  # doc id of each paragraph, by position
    max_idf: float  # the weight of a word the corpus never uses

    @classmethod
    def open(cls, index: OpenIndex, settings: Settings) -> Retriever:
        df: Counter[str] = Counter()
        for p in index.paragraphs:
            df.update(set(tokenize(p.text)))
        n = len(index.paragraphs)
        idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        doc_of = np.array([p.doc_id for p in index.paragraphs])
        return cls(
            index, settings, build_acronyms(index.paragraphs), idf, doc_of, max(idf.values(), default=1.0)
        )

    def expand(self, question: str) -> str:
        return expand(question, self.acronyms)

    def coverage(self, expanded: str, hits: list[Hit]) -> float:
        """Share of the (expanded) question's words, weighted by idf, that occur in any of the hits.
        Words the corpus never uses count fully against: they are what the procedures do not cover."""
        terms = {t: self.idf.get(t, self.max_idf) for t in set(tokenize(expanded))}
        if not terms:
            return 0.0
        seen = set().union(*(tokenize(h.paragraph.text + " " + " ".join(h.paragraph.heading)) for h in hits))
        return sum(w for t, w in terms.items() if t in seen) / sum(terms.values())

    def keyword(self, query: str, doc_ids: list[str], n: int) -> list[tuple[Paragraph, float]]:
        tokens = [t for t in tokenize(query) if t in self.index.bm25.vocab_dict]
        if not tokens:
            return []
        scores = np.asarray(self.index.bm25.get_scores(tokens), dtype=float)
        scores[~np.isin(self.doc_of, doc_ids)] = -1.0
        top = np.argsort(-scores)[:n]
        return [(self.index.paragraphs[i], float(scores[i])) for i in top if scores[i] > 0]

    def dense(self, query: str, doc_ids: list[str], n: int) -> list[tuple[Paragraph, float]]:
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        vector = _query_vector(query)
        filters = MetadataFilters(
            filters=[MetadataFilter(key="procedures", value=doc_ids, operator=FilterOperator.IN)]
        )
        # Passages are searched; a paragraph scores as its best passage.
        result = self.index.vector_store.query(
            VectorStoreQuery(
                query_embedding=vector, similarity_top_k=self.settings.dense_oversample * n, filters=filters
            )
        )
        best: dict[str, float] = {}
        for key, sim in zip(result.ids or [], result.similarities or [], strict=True):
            pid = key.split(":")[0]
            if pid in self.index.by_id and pid not in best:
                best[pid] = cosine_from_llama_similarity(sim)
        return [(self.index.paragraphs[self.index.by_id[pid]], s) for pid, s in list(best.items())[:n]]

    def search(
        self, question: str, doc_ids: list[str], k: int | None = None, mode: str = "hybrid"
    ) -> list[Hit]:
        """The top-k paragraphs for a question among `doc_ids`. mode: hybrid, bm25 or dense."""
        k = k or self.settings.top_k
        query = self.expand(question)
        n = max(self.settings.candidates, k)
        lexical = self.keyword(query, doc_ids, n) if mode in ("hybrid", "bm25") else []
        dense = self.dense(query, doc_ids, n) if mode in ("hybrid", "dense") else []
        if mode == "bm25":
            return [Hit(p, s) for p, s in lexical[:k]]
        if mode == "dense":
            return [Hit(p, s, dense_similarity=s) for p, s in dense[:k]]
        cos = {p.pid: s for p, s in dense}
        fused = reciprocal_rank_fusion(
            [[p.pid for p, _ in lexical], [p.pid for p, _ in dense]],
            weights=[self.settings.bm25_weight, 1.0],
            k=self.settings.rrf_k,
        )
        hits = []
        for pid, score in fused[:k]:
            p = self.index.paragraphs[self.index.by_id[pid]]
            hits.append(Hit(p, score, dense_similarity=cos.get(pid, 0.0)))
        return hits
