"""The query side: understand the question (acronyms, everyday words), gather candidates, rank them."""
