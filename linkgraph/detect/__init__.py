"""Nightly detection: resolve what is new, find the cross-case links it makes, raise alerts once."""
