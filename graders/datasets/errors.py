"""The one exception the datasets package raises."""

from __future__ import annotations


class DatasetError(Exception):
    """A dataset could not be described, found, fetched or verified; the message says why."""
