"""Notebook conventions and the authoring pipeline (solutions -> student notebooks)."""
