"""The optional local language model: it writes the answer from the paragraphs retrieval found, and every
sentence it writes is checked against the paragraphs it cites before anyone sees it (`check.py`). The
prompt (`prompt.py`), the client of an OpenAI-compatible server on this machine (`client.py`) and the
writing of one answer (`write.py`)."""
