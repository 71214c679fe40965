"""Settings for the site and for gathering; `publishconf.py` overrides what publishing needs.

Every LAMPLIGHTER_* setting is described in README.md, "Settings".
"""

AUTHOR = "The Lamplighter editor"
SITENAME = "Lamplighter"
SITESUBTITLE = "A weekly, curated guide to generative image models: papers, code and models worth your time."
# The local preview (`make serve`); feeds need absolute links, so this is set even for previews.
SITEURL = "http://127.0.0.1:8000"
RELATIVE_URLS = True

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["lamplighter"]

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

# Headings get ids (#papers), so an issue's sections can be linked to.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}

ARTICLE_PATHS = ["issues"]
PAGE_PATHS = ["pages"]
# An issue's slug is its week, taken from the file name: content/issues/2026-W48.md.
FILENAME_METADATA = r"(?P<slug>\d{4}-W\d{2})"
ARTICLE_URL = "issues/{slug}/"
ARTICLE_SAVE_AS = "issues/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
ARCHIVES_SAVE_AS = "archive/index.html"
ARCHIVES_URL = "archive/"
DIRECT_TEMPLATES = ["index", "archives"]
DEFAULT_PAGINATION = False
# Issues have no categories, tags or authors pages of their own.
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""

# Feeds: every issue, full content.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
RSS_FEED_SUMMARY_ONLY = False
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# What `lamplighter gather` reads. Each source: a name readers see, a type, the type's keys.
LAMPLIGHTER_SOURCES = [
    {"name": "Hugging Face blog", "type": "feed", "url": "https://huggingface.co/blog/feed.xml"},
    {"name": "arXiv cs.CV", "type": "feed", "url": "https://rss.arxiv.org/rss/cs.CV", "kind": "paper"},
    {"name": "diffusers releases", "type": "feed", "url": "https://github.com/huggingface/diffusers/releases.atom",
     "kind": "release"},
    {"name": "ComfyUI releases", "type": "feed", "url": "https://github.com/comfyanonymous/ComfyUI/releases.atom",
     "kind": "release"},
    {"name": "BAIR blog", "type": "feed", "url": "https://bair.berkeley.edu/blog/feed.xml"},
    {"name": "Lil'Log", "type": "feed", "url": "https://lilianweng.github.io/index.xml"},
]
LAMPLIGHTER_CACHE_DIR = "cache/lamplighter"
LAMPLIGHTER_TIMEOUT = 20  # seconds per request
LAMPLIGHTER_MAX_BYTES = 10 * 1024 * 1024  # a larger response is abandoned, not read
