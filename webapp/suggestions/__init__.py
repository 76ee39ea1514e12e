"""Suggestions to leaders (建言献策 · 领导信箱)."""
