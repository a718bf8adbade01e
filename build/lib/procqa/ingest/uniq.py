"""Make printed references unique without losing any paragraph."""

from __future__ import annotations


class UniqueRefs:
    """The sources print some numbers twice (SET A 4.1.13, AWCPP 1.2.3). The first keeps its number;
    a repeat becomes "A 4.1.13 (2)": visible to the reader, and stable across re-ingests."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def claim(self, ref: str) -> str:
        count = self.seen.get(ref, 0) + 1
        self.seen[ref] = count
        return ref if count == 1 else f"{ref} ({count})"
