"""Notifications API (STUB — being written)."""
