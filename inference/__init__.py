"""Segmenting pages, tagging themes, digesting, and batch runs."""
