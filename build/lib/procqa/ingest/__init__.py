"""Read procedures (text, Markdown or PDF), clean them and structure them into numbered paragraphs."""
