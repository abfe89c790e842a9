"""The shell verbs of `englog` (click), sharing the terminal UI's config and tokens."""
