"""What every command shares: one clear line on stderr for anything a user did wrong."""

from __future__ import annotations

import sys


def fail(message: str, code: int = 2, prog: str = "procqa") -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code
