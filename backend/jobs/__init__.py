"""Recurring and API-side jobs: the scheduler, cleanups, GDPR deletions and weekly reports."""
