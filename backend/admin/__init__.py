"""`englog-admin`: operator commands (backup, restore)."""
