"""Notifications: the per-user notification centre and the `notify()` service."""
