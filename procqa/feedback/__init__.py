"""Feedback on answers (helpful / not helpful / wrong citation), kept locally in SQLite."""
