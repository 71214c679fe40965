"""`hf_models`: trending models on the Hugging Face Hub, from `https://huggingface.co/api/models`.

One request per gather, sorted by the Hub's `trendingScore`, narrowed by `pipeline_tag`
(`text-to-image`), `author` (`black-forest-labs`) or `search`. Each model carries its
likes, downloads and tags, and what a reader must know before using it: its license,
whether access is gated, and content tags such as `not-for-all-audiences`.

The Hub's answers vary by model age and by request: `id` or only `modelId`, `gated` as
false, true, "auto" or "manual", the license in `tags` ("license:openrail++") or in
`cardData`, dates present or not. All are read; none is required but the id. Items are
dated at the gather: a trending list says what is rising now.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from ..errors import SourceError
from ..items import Item, arxiv_url
from ..settings import SourceConfig
from ..text import plain_text
from . import rebased

TYPE = "hf_models"
ENDPOINT = "https://huggingface.co/api/models"
REQUIRED: dict[str, Any] = {}
OPTIONAL = {"pipeline_tag": str, "author": str, "search": str, "limit": int, "base_url": str}
DEFAULT_LIMIT = 20
MOST = 100
EXPAND = ("author", "likes", "downloads", "tags", "gated", "pipeline_tag", "library_name", "createdAt",
          "lastModified", "trendingScore", "cardData")
CONTENT_TAGS = ("not-for-all-audiences",)
_MODEL_ID = re.compile(r"^[\w.\-]+(?:/[\w.\-]+)?$")


def check(options: dict[str, Any]) -> None:
    if not 1 <= options.get("limit", DEFAULT_LIMIT) <= MOST:
        raise ValueError(f"'limit' must be between 1 and {MOST}")


def links(options: dict[str, Any]) -> tuple[str | None, str]:
    """The Hub has no feed of trending models, only its page."""
    query = [("sort", "trending"), *((key, options[key]) for key in ("pipeline_tag", "author", "search")
                                     if options.get(key))]
    return None, f"https://huggingface.co/models?{urlencode(query)}"


def gather(source: SourceConfig, fetcher: Any) -> list[Item]:
    query = [("sort", "trendingScore"), ("direction", "-1"), ("limit", source.options.get("limit", DEFAULT_LIMIT))]
    query += [(key, source.options[key]) for key in ("pipeline_tag", "author", "search") if source.options.get(key)]
    query += [("expand[]", field) for field in EXPAND]
    response = fetcher.get(rebased(f"{ENDPOINT}?{urlencode(query)}", source.options.get("base_url")))
    models = response.json("a list of models")
    if not isinstance(models, list):
        raise SourceError(f"expected a list of models, got {type(models).__name__}")
    items = (_item(model, source, fetcher.now) for model in models if isinstance(model, dict))
    return [item for item in items if item]


def _item(model: dict[str, Any], source: SourceConfig, now: Any) -> Item | None:
    model_id = str(model.get("id") or model.get("modelId") or "")
    if not _MODEL_ID.match(model_id):
        return None
    tags = tuple(str(tag) for tag in model.get("tags") or [] if isinstance(tag, str))
    likes, downloads = count(model.get("likes")), count(model.get("downloads"))
    task = str(model.get("pipeline_tag") or "")
    library = str(model.get("library_name") or "")
    return Item(
        url=f"https://huggingface.co/{model_id}",
        title=model_id,
        source=source.name,
        kind="model",
        published=now,
        summary=plain_text(" · ".join(part for part in (task, library) if part)),
        authors=(str(model.get("author") or model_id.split("/")[0]),) if "/" in model_id or model.get("author") else (),
        tags=tuple(tag for tag in tags if ":" not in tag),
        provenance=(f"{likes:,} likes · {downloads:,} downloads on the Hub",),
        signals={"likes": likes, "downloads": downloads},
        cautions=cautions(model, tags),
        links_to=_stories(model, tags),
    )


def _stories(model: dict[str, Any], tags: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The paper a model implements (its one `arxiv:` tag) and the model it was fine-tuned from (`base_model`)."""
    papers = [tag.split(":", 1)[1] for tag in tags if tag.startswith("arxiv:")]
    joins = [(arxiv_url(papers[0]), f"tagged arxiv:{papers[0]} on the Hub")] if len(papers) == 1 else []
    card = model.get("cardData") if isinstance(model.get("cardData"), dict) else {}
    base = card.get("base_model")
    base = base[0] if isinstance(base, list) and len(base) == 1 else base
    if isinstance(base, str) and _MODEL_ID.match(base) and "/" in base:
        joins.append((f"https://huggingface.co/{base}", f"fine-tuned from {base} (its base_model)"))
    return tuple(joins)


def cautions(model: dict[str, Any], tags: tuple[str, ...]) -> tuple[str, ...]:
    """What a reader must know before using the model, in plain words."""
    card = model.get("cardData") if isinstance(model.get("cardData"), dict) else {}
    license_name = next((tag.split(":", 1)[1] for tag in tags if tag.startswith("license:")), "")
    license_name = license_name or str(card.get("license") or "")
    if license_name == "other" and card.get("license_name"):
        license_name = str(card["license_name"])  # the Hub says "other" for a custom license, named in the card
    notes = [f"license: {plain_text(license_name)}" if license_name else "license: not stated"]
    gated = model.get("gated")
    if gated not in (None, False, "false", ""):
        how = "approved by the authors" if gated == "manual" else "accepted on the Hub"
        notes.append(f"gated: access must be {how} first")
    notes += [f"tagged {tag}" for tag in CONTENT_TAGS if tag in tags]
    return tuple(notes)


def count(value: Any) -> int:
    """A count from the Hub's JSON: a whole number of at least zero, or 0 for anything else."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
