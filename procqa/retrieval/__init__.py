"""The query side: expand the question, search both indexes, fuse the rankings."""
