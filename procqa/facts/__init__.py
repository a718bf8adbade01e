"""Facts the procedures state in a fixed shape, found in a paragraph's text: timescales, ages, roles,
definitions, and the sentences that hold them. Pure text analysis over the records; the quiz builder and
the coverage report both read the documents through these."""
