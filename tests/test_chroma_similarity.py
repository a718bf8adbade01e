"""The similarity the abstention threshold is compared with must be the true cosine similarity.

llama-index reports Chroma's cosine distance as exp(-distance); `cosine_from_llama_similarity` undoes that.
If a Chroma or llama-index upgrade changed either convention, every min_similarity chosen on dev would
silently mean something else: this test compares a real embedded Chroma with numpy on the same vectors.
"""

from __future__ import annotations

import numpy as np
import pytest

from procqa.index.store import _vector_store, chroma_client, cosine_from_llama_similarity


@pytest.mark.slow
def test_chroma_similarity_is_numpy_cosine(tmp_path):
    from llama_index.core.schema import TextNode
    from llama_index.core.vector_stores.types import VectorStoreQuery

    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(50, 16))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    _, store = _vector_store(chroma_client(tmp_path / "chroma"), create=True)
    store.add([TextNode(id_=f"n{i}", text=f"t{i}", embedding=v.tolist()) for i, v in enumerate(vectors)])

    query = rng.normal(size=16)
    query /= np.linalg.norm(query)
    result = store.query(VectorStoreQuery(query_embedding=query.tolist(), similarity_top_k=10))
    expected = {f"n{i}": float(vectors[i] @ query) for i in range(len(vectors))}
    got = {i: cosine_from_llama_similarity(s) for i, s in zip(result.ids, result.similarities, strict=True)}
    assert len(got) == 10
    assert list(got) == sorted(expected, key=lambda i: -expected[i])[:10]  # the true nearest ten, in order
    for i, cos in got.items():
        assert cos == pytest.approx(expected[i], abs=1e-4)
