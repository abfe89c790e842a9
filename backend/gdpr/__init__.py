"""GDPR rights under /v1/users/me: export everything, anonymise, delete now or later."""
