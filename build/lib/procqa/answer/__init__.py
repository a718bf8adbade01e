"""Turn retrieved paragraphs into a cited answer, or an honest refusal."""
