"""Build and open the search index: Chroma (dense, via llama-index) and BM25 side by side."""
