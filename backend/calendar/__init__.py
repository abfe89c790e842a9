"""Calendars in and out: importing an ICS file as entries (idempotent, all or nothing) and
the secret, rotatable iCalendar feed of a user's entries."""
