"""Progress bars for long runs (embedding, evaluation): shown on a terminal, silent otherwise."""

from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def progress_bar(total: int, description: str, quiet: bool = False):
    """A tqdm bar on stderr when a person is watching; piped output, --json and tests stay clean."""
    from tqdm import tqdm

    disable = quiet or total == 0 or not sys.stderr.isatty()
    with tqdm(total=total, desc=description, unit="item", disable=disable, leave=False) as bar:
        yield bar
