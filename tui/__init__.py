"""EngLog terminal UI: a Textual app that talks to the API over HTTP only."""
