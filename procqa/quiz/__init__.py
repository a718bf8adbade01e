"""The quiz builder for trainers: items written from what the procedures state, each checked against
its paragraph, exported in the formats learning platforms import."""
