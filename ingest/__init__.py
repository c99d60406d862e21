"""Ingest: readers, declarative source mappings and normalisers that turn case files into graph records."""
