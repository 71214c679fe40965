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
# GitHub Pages answers a missing page with 404.html; the search page is indexed by Pagefind after the build.
DIRECT_TEMPLATES = ["index", "archives", "tags", "search", "404"]
SEARCH_SAVE_AS = "search/index.html"
SEARCH_URL = "search/"
DEFAULT_PAGINATION = False
# Topics are the issues' `Tags:`; each has a page and feeds. No categories or authors pages.
TAG_URL = "topics/{slug}/"
TAG_SAVE_AS = "topics/{slug}/index.html"
TAGS_URL = "topics/"
TAGS_SAVE_AS = "topics/index.html"
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""

# Pelican's content cache: a rebuild re-reads only the files that changed (cache/ is git-ignored).
# Files are compared by content, not time, so the cache also holds on a fresh checkout (CI);
# it is not gzipped, which cost a third of a second on every build for 300 issues.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache/pelican"
CHECK_MODIFIED_METHOD = "blake2b"
GZIP_CACHE = False

# Feeds: every issue, full content.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
FEED_ALL_JSON = "feeds/all.json"  # JSON Feed 1.1, written by the lamplighter plugin
RSS_FEED_SUMMARY_ONLY = False
FEED_MAX_ITEMS = 20  # whole issues: twenty weeks is plenty for a reader, and keeps each feed near 1 MB
TAG_FEED_ATOM = "feeds/topics/{slug}.atom.xml"
TAG_FEED_RSS = "feeds/topics/{slug}.rss.xml"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# What `lamplighter gather` reads. Each source: a name readers see, a type, the type's keys.
# A generative-image newsletter's channels: the people, the code, the Hub, the lists, the blogs.
LAMPLIGHTER_SOURCES = [
    # Papers by the people who keep moving the field.
    {"name": "Followed authors", "type": "arxiv", "authors": [
        "Robin Rombach", "Patrick Esser", "Andreas Blattmann", "Björn Ommer", "Jonathan Ho", "Tim Salimans",
        "Yang Song", "Tero Karras", "Lvmin Zhang", "William Peebles", "Saining Xie", "Yaron Lipman",
        "Chenlin Meng", "Kaiming He"]},
    {"name": "arXiv: diffusion in vision", "type": "arxiv", "categories": ["cs.CV"],
     "query": 'abs:diffusion OR abs:"flow matching" OR abs:"rectified flow"', "max_results": 100},
    {"name": "HF Papers", "type": "hf_papers", "limit": 50},
    # The code: what was merged, what was released, what is rising.
    {"name": "diffusers", "type": "github_repo", "repo": "huggingface/diffusers", "branch": "main"},
    {"name": "diffusers releases", "type": "github_releases", "repo": "huggingface/diffusers"},
    {"name": "ComfyUI releases", "type": "github_releases", "repo": "comfyanonymous/ComfyUI"},
    {"name": "lllyasviel on GitHub", "type": "github_user", "user": "lllyasviel"},
    {"name": "GitHub Trending (Python)", "type": "github_trending", "language": "python", "since": "weekly"},
    # The Hub: models people are trying this week.
    {"name": "Trending text-to-image models", "type": "hf_models", "pipeline_tag": "text-to-image", "limit": 20},
    {"name": "Trending text-to-video models", "type": "hf_models", "pipeline_tag": "text-to-video", "limit": 10},
    # Blogs, channels and discussions.
    {"name": "Hugging Face blog", "type": "feed", "url": "https://huggingface.co/blog/feed.xml"},
    {"name": "Sander Dieleman", "type": "feed", "url": "https://sander.ai/feed.xml"},
    {"name": "Lil'Log", "type": "feed", "url": "https://lilianweng.github.io/index.xml"},
    {"name": "BAIR blog", "type": "feed", "url": "https://bair.berkeley.edu/blog/feed.xml"},
    {"name": "Two Minute Papers", "type": "feed", "kind": "video",
     "url": "https://www.youtube.com/feeds/videos.xml?channel_id=UCbfYPyITQ-7l4upoX8nvctg"},
    {"name": "Yannic Kilcher", "type": "feed", "kind": "video",
     "url": "https://www.youtube.com/feeds/videos.xml?channel_id=UCZHmQk67mSJgfCCTn7xBfew"},
    {"name": "r/StableDiffusion", "type": "feed", "kind": "discussion",
     "url": "https://www.reddit.com/r/StableDiffusion/top/.rss?t=week"},
]
# What this newsletter's editor wants to learn now, and what they are not interested in.
LAMPLIGHTER_FOCUS = {
    "controlnet": 2, "flow matching": 2, "rectified flow": 2, "diffusion transformer": 2, "distillation": 1.5,
    "video diffusion": 1.5, "image editing": 1, "lora": 1, "comfyui": 1, "sdxl": 0.5, "survey": -0.5,
}
LAMPLIGHTER_MUTE = {"terms": ["nft", "crypto", "airdrop"], "tags": ["not-for-all-audiences"]}
LAMPLIGHTER_BUDGET_MINUTES = 120
LAMPLIGHTER_CACHE_DIR = "cache/lamplighter"
LAMPLIGHTER_TIMEOUT = 20  # seconds per request
LAMPLIGHTER_MAX_BYTES = 10 * 1024 * 1024  # a larger response is abandoned, not read
