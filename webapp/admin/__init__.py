"""Staff pages: users, roles, suspension, the verification queue, the audit log."""
