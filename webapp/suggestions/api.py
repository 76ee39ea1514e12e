"""Suggestions API: submit, list, read, support, screen, assign, answer, rate; leaders and their figures."""
