"""Hybrid retrieval: keyword and dense candidates per document, described by features, ranked.

Candidates come from BM25 (the question, and separately the procedures' words for its everyday phrases),
from Chroma (dense, through llama-index), from the sections the question routes to, and, for "what do I
do" questions, from the general pathway (how to respond, record, tell and refer). Each candidate is
described by the features in `features.py`; the fitted ranker (ranker.py) orders them, or reciprocal
rank fusion does when no ranker has been fitted.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np

from procqa.config import Settings
from procqa.index.embedder import embed, use_threads
from procqa.index.store import OpenIndex
from procqa.index.tokens import tokenize
from procqa.records import Hit, Paragraph
from procqa.retrieval.expand import build_acronyms, expand
from procqa.retrieval.features import Candidates, QueryView, candidate_features
from procqa.retrieval.fusion import reciprocal_rank_fusion
from procqa.retrieval.ranker import LinearModel, load_models
from procqa.retrieval.routes import Units, build_units
from procqa.retrieval.vocabulary import Entry, load_vocabulary, matches

# What the procedures say anyone with a concern must do: the general pathway an action answer needs
# beside the situation's own chapter. Matched by meaning against every paragraph, so a user's own
# procedures find their own pathway paragraphs.
PATHWAY = (
    "If you are worried about a child or a child tells you about abuse: listen to the child, do not promise "
    "to keep it secret, record what was said, tell your designated safeguarding lead or manager, and make a "
    "referral to children's social care or the police without delay; if the child is in immediate danger "
    "call the police on 999."
)


GENERIC_SHARE = 0.02  # a word in more than this share of paragraphs says nothing about the situation
SENTENCES = re.compile(r"(?<=[.!?;])\s+|\s+(?:but|and then|so)\s+")


_VECTORS: dict[str, np.ndarray] = {}
_CACHE_SIZE = 4096
_CACHE_LOCK = threading.Lock()  # the app answers several sessions at once from one engine


def _query_vectors(texts: list[str]) -> list[np.ndarray]:
    """Embed the texts a question needs in one batch; a text already embedded (the same question asked
    of both documents, or again in a sweep) is not embedded again."""
    with _CACHE_LOCK:
        found = {t: _VECTORS[t] for t in texts if t in _VECTORS}
    missing = list(dict.fromkeys(t for t in texts if t not in found))
    if missing:
        fresh = {t: np.asarray(v, dtype=np.float32) for t, v in zip(missing, embed(missing), strict=True)}
        found.update(fresh)
        with _CACHE_LOCK:
            if len(_VECTORS) + len(fresh) > _CACHE_SIZE:
                _VECTORS.clear()
            _VECTORS.update(fresh)
    return [found[t] for t in texts]


def _query_vector(text: str) -> np.ndarray:
    return _query_vectors([text])[0]


def pathway_membership(index: OpenIndex, vectors: np.ndarray, pool: int) -> np.ndarray:
    """1.0 for every paragraph of a document's general pathway: the sections its manifest entry declares,
    or, for a document that declares none (a user's own), the `pool` paragraphs reading most like
    PATHWAY."""
    docs = np.array([p.doc_id for p in index.paragraphs])
    out = np.zeros(len(docs), dtype=np.float32)
    like = vectors @ _query_vector(PATHWAY)
    for doc_id, doc in index.docs.items():
        if doc.pathway:
            for i, p in enumerate(index.paragraphs):
                if p.doc_id == doc_id and any(p.ref == s or p.ref.startswith(s + ".") for s in doc.pathway):
                    out[i] = 1.0
        else:
            top = np.argsort(-np.where(docs == doc_id, like, -np.inf), kind="stable")[:pool]
            out[top[np.isfinite(like[top])]] = 1.0
    return out


@dataclass
class Retriever:
    """The loaded index plus what the query side derives from it once: acronyms, vocabulary, idf,
    exact paragraph vectors, chapter and section units, the pathway score of every paragraph."""

    index: OpenIndex
    settings: Settings
    acronyms: dict[str, str]
    vocabulary: tuple[Entry, ...]
    idf: dict[str, float]
    doc_of: np.ndarray  # doc id of each paragraph, by position
    max_idf: float  # the weight of a word the corpus never uses
    passage_vectors: np.ndarray
    passage_owner: np.ndarray
    heading_tokens: list[frozenset[str]]
    chapters: Units
    sections: Units
    pathway: np.ndarray  # 1.0 for the paragraphs of each document's general pathway
    models: dict[str, LinearModel]
    df: dict[str, int]  # paragraphs using each word

    @classmethod
    def open(cls, index: OpenIndex, settings: Settings) -> Retriever:
        use_threads(settings.query_threads)
        paragraphs = index.paragraphs
        tokens = [tokenize(" ".join(p.heading[-2:]) + " " + p.text) for p in paragraphs]
        df: Counter[str] = Counter()
        for p in paragraphs:
            df.update(set(tokenize(p.text)))
        n = len(paragraphs)
        idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        vectors, owner = index.passage_vectors()
        para_vectors = np.zeros((n, vectors.shape[1]), dtype=np.float32)
        np.add.at(para_vectors, owner, vectors)
        para_vectors /= np.maximum(np.linalg.norm(para_vectors, axis=1, keepdims=True), 1e-9)
        doc_ids = [p.doc_id for p in paragraphs]
        headings = [p.heading for p in paragraphs]
        pathway = pathway_membership(index, para_vectors, settings.pathway_pool)
        return cls(
            index=index,
            settings=settings,
            acronyms=build_acronyms(paragraphs),
            vocabulary=load_vocabulary(),
            idf=idf,
            doc_of=np.array(doc_ids),
            max_idf=max(idf.values(), default=1.0),
            passage_vectors=vectors,
            passage_owner=owner,
            heading_tokens=[frozenset(tokenize(" ".join(h))) for h in headings],
            chapters=build_units(doc_ids, headings, tokens, para_vectors, 2),
            sections=build_units(doc_ids, headings, tokens, para_vectors, 3),
            pathway=pathway,
            models=load_models(),
            df=dict(df),
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

    def paragraph(self, i: int) -> Paragraph:
        return self.index.paragraphs[i]

    def keyword_scores(self, tokens: list[str], doc_ids: list[str]) -> np.ndarray:
        """BM25 score of every paragraph (-1 outside `doc_ids`, 0 when no token is known)."""
        known = [t for t in tokens if t in self.index.bm25.vocab_dict]
        scores = (
            np.asarray(self.index.bm25.get_scores(known), dtype=float)
            if known
            else np.zeros(len(self.doc_of))
        )
        scores[~np.isin(self.doc_of, doc_ids)] = -1.0
        return scores

    def keyword(self, query: str, doc_ids: list[str], n: int) -> list[tuple[Paragraph, float]]:
        scores = self.keyword_scores(tokenize(query), doc_ids)
        top = np.argsort(-scores, kind="stable")[:n]
        return [(self.index.paragraphs[i], float(scores[i])) for i in top if scores[i] > 0]

    def dense(self, query: str, doc_ids: list[str], n: int) -> list[tuple[Paragraph, float]]:
        # Chroma is asked directly (not through llama-index, whose import alone costs a second or more
        # of start-up); with the cosine space its distance is 1 - cosine.
        result = self.index.collection.query(
            query_embeddings=[_query_vector(query).tolist()],
            # Passages are searched; a paragraph scores as its best passage.
            n_results=self.settings.dense_oversample * n,
            where={"procedures": {"$in": list(doc_ids)}},
            include=["distances"],
        )
        best: dict[str, float] = {}
        for key, distance in zip(result["ids"][0], result["distances"][0], strict=True):
            pid = key.split(":")[0]
            if pid in self.index.by_id and pid not in best:
                best[pid] = 1.0 - float(distance)
        return [(self.index.paragraphs[self.index.by_id[pid]], s) for pid, s in list(best.items())[:n]]

    def exact_dense(self, vector: np.ndarray) -> np.ndarray:
        """Cosine of every paragraph (its best passage) to a query vector."""
        out = np.full(len(self.doc_of), -1.0, dtype=np.float32)
        np.maximum.at(out, self.passage_owner, self.passage_vectors @ vector)
        return out

    def situation_words(self, question: str) -> int:
        """How many of the vocabulary's everyday phrases for situations the question uses, leaving out
        phrases that come down to one word the procedures use everywhere ("in care" -> "care")."""
        n = len(self.doc_of)
        return sum(
            1
            for e in matches(question, self.vocabulary)
            if len(e.phrase) > 1 or self.df.get(e.phrase[0], 0) <= GENERIC_SHARE * n
        )

    def view(self, question: str) -> QueryView:
        """Everything the features need from a question, computed once for all documents searched."""
        expanded = self.expand(question)
        found = matches(question, self.vocabulary)
        terms = list(dict.fromkeys(t for e in found for t in e.terms))
        with_terms = f"{expanded} ({'; '.join(terms)})" if terms else expanded
        pieces = [p for p in SENTENCES.split(expanded) if len(p.split()) >= 3]
        pieces = pieces if len(pieces) >= 2 else []
        vector, vector_terms, *piece_vectors = _query_vectors([expanded, with_terms, *pieces])
        return QueryView(
            question=question,
            expanded=expanded,
            with_terms=with_terms,
            tokens=tokenize(expanded),
            term_tokens=tokenize(" ".join(terms)),
            vector=vector,
            vector_terms=vector_terms,
            dense=self.exact_dense(vector),
            dense_terms=self.exact_dense(vector_terms) if terms else None,
            dense_sentences=(
                np.max([self.exact_dense(v) for v in piece_vectors], axis=0) if piece_vectors else None
            ),
            places=tuple(dict.fromkeys(p for e in found for p in e.places)),
        )

    def candidates(self, question: str, doc_id: str, k: int | None = None) -> Candidates:
        """The candidate paragraphs of one document with their features (for ranking, and for fitting)."""
        return candidate_features(self, self.view(question), doc_id, max(self.settings.candidates, k or 0))

    def search(
        self, question: str, doc_ids: list[str], k: int | None = None, mode: str = "hybrid"
    ) -> list[Hit]:
        """The top-k paragraphs for a question among `doc_ids`. mode: hybrid, bm25 or dense."""
        k = k or self.settings.top_k
        n = max(self.settings.candidates, k)
        if mode == "bm25":
            return [Hit(p, s) for p, s in self.keyword(self.expand(question), doc_ids, n)[:k]]
        if mode == "dense":
            return [
                Hit(p, s, dense_similarity=s) for p, s in self.dense(self.expand(question), doc_ids, n)[:k]
            ]
        by_doc, _ = self.search_each(question, doc_ids, k, mode)
        hits = [h for d in doc_ids for h in by_doc[d]]
        return sorted(hits, key=lambda h: -h.score)[:k] if len(doc_ids) > 1 else hits

    def search_each(
        self, question: str, doc_ids: list[str], k: int | None = None, mode: str = "hybrid"
    ) -> tuple[dict[str, list[Hit]], QueryView | None]:
        """The top-k paragraphs in each of `doc_ids` (jurisdictions are ranked apart), and, in hybrid
        mode, the question's view: read once however many documents are searched."""
        if mode != "hybrid":
            return {d: self.search(question, [d], k, mode) for d in doc_ids}, None
        k = k or self.settings.top_k
        n = max(self.settings.candidates, k)
        view = self.view(question)
        return {d: self.rank(candidate_features(self, view, d, n), k) for d in doc_ids}, view

    def pathway_hits(self, view: QueryView, doc_id: str, n: int) -> list[Hit]:
        """The `n` paragraphs of the document's general pathway closest to the question."""
        if n <= 0:
            return []
        pool = np.flatnonzero((self.doc_of == doc_id) & (self.pathway > 0))
        dense = view.dense
        best = pool[np.argsort(-dense[pool], kind="stable")][:n]
        return [
            Hit(self.index.paragraphs[i], float(dense[i]), dense_similarity=float(dense[i])) for i in best
        ]

    def rank(self, c: Candidates, k: int) -> list[Hit]:
        model = self.models.get("paragraph")
        if model is not None and list(model.features) == list(c.names):
            scores = model.probability(c.rows)
        else:  # no fitted ranker: reciprocal rank fusion of the keyword and dense rankings
            fused = dict(
                reciprocal_rank_fusion(
                    [c.keyword_order, c.dense_order],
                    weights=[self.settings.bm25_weight, 1.0],
                    k=self.settings.rrf_k,
                )
            )
            scores = np.array([fused.get(int(i), 0.0) for i in c.index])
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            Hit(self.index.paragraphs[c.index[j]], float(scores[j]), dense_similarity=float(c.dense[j]))
            for j in order
        ]
