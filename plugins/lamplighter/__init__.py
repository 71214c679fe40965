"""Lamplighter: a weekly newsletter about a fast-moving field, gathered, curated and published with Pelican.

Two halves share this package. The gathering side (`lamplighter gather`) runs
sources -> fetch -> items -> curate -> draft, and writes `content/issues/YYYY-Www.md`.
The Pelican side (`site.py`, loaded through `PLUGINS = ["lamplighter"]`) turns the
issues into the site and its feeds. See README.md for the settings.
"""

from .site import register

__all__ = ["register"]
