"""Accounts have no per-object access beyond 'your own'; team management is for coordinators."""

from soscience.core.access import require_coordinator

__all__ = ["require_coordinator"]
