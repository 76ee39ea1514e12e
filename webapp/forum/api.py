"""Forum API (placeholder until the routes are declared)."""
