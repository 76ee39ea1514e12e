"""Accounts: registration, login, profiles, avatars, roles, real-name verification."""
