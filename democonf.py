"""Settings for `make demo`: the real site, gathering from the bundled sample feeds in demo/feeds/.

The samples are written to look like the real services' feeds; their entries are dated
in the week of 23 November 2026 (the Makefile gathers from that day on).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pelicanconf import *  # noqa: E402,F403

_feeds = Path(__file__).resolve().parent / "demo" / "feeds"
LAMPLIGHTER_SOURCES = [
    {"name": "Hugging Face blog", "type": "feed", "url": (_feeds / "huggingface-blog.atom").as_uri()},
    {"name": "arXiv cs.CV", "type": "feed", "url": (_feeds / "arxiv-cs-cv.rss").as_uri(), "kind": "paper"},
    {"name": "diffusers releases", "type": "feed", "url": (_feeds / "diffusers-releases.atom").as_uri(),
     "kind": "release"},
    {"name": "Sander Dieleman", "type": "feed", "url": (_feeds / "sander-dieleman.atom").as_uri()},
]
