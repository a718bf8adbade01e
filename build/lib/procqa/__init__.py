"""procqa: offline, cited question answering over child-protection procedures."""
