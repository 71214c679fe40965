"""Settings for publishing: `pelican -s publishconf.py`. Everything else comes from pelicanconf.py."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F403

# The published address; the publish workflow sets it from the GitHub Pages configuration.
SITEURL = os.environ.get("SITEURL", "https://lamplighter-news.github.io/lamplighter").rstrip("/")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
# Drafts are never published, not even under drafts/.
DRAFT_SAVE_AS = DRAFT_URL = ""
DRAFT_LANG_SAVE_AS = DRAFT_LANG_URL = ""
DELETE_OUTPUT_DIRECTORY = True
# Pelican's content cache (set in pelicanconf.py) is restored and saved by the publish
# workflow, so a publish re-reads only the issues that changed.
