"""Rows of every list page, for tests/test_query_counts.py."""
