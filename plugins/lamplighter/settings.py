"""Lamplighter's settings, read once from the Pelican settings file and checked there.

Every `LAMPLIGHTER_*` name lives in `pelicanconf.py` beside Pelican's own settings, so a
fork configures one file. Errors name the setting, and the source, that needs fixing.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import SettingsError

DEFAULTS: dict[str, Any] = {
    "LAMPLIGHTER_SOURCES": [],
    "LAMPLIGHTER_CACHE_DIR": "cache/lamplighter",
    "LAMPLIGHTER_TIMEOUT": 20,
    "LAMPLIGHTER_MAX_BYTES": 10 * 1024 * 1024,
    "LAMPLIGHTER_WORKERS": 32,
    "LAMPLIGHTER_ARXIV_BASE_URL": None,
    "LAMPLIGHTER_FOCUS": {},
    "LAMPLIGHTER_MUTE": {},
    "LAMPLIGHTER_BUDGET_MINUTES": 120,
    "LAMPLIGHTER_SECTION_CAPS": {"update": 6, "paper": 12, "code": 8, "model": 6, "release": 6, "article": 8, "video": 4,
                                 "discussion": 4},
    "LAMPLIGHTER_LOCK_WAIT": 300,
    "LAMPLIGHTER_HISTORY": None,
    "LAMPLIGHTER_SUBSCRIBE_URL": None,
    "LAMPLIGHTER_EMAIL": None,
}
# Each mailing service `lamplighter send` knows: the keys it needs, and those it may have.
EMAIL_SERVICES = {
    "smtp": ({"host", "to", "from"}, {"port", "starttls", "list_unsubscribe"}),
    "buttondown": (set(), {"base_url"}),
    "listmonk": ({"url", "lists"}, {"from"}),
}
# The largest sensible value of each number: beyond it a typo, never a wish (and a crash in timedelta).
LIMITS = {"LAMPLIGHTER_TIMEOUT": 600, "LAMPLIGHTER_MAX_BYTES": 1024 ** 3, "LAMPLIGHTER_WORKERS": 256,
          "LAMPLIGHTER_BUDGET_MINUTES": 100_000, "LAMPLIGHTER_LOCK_WAIT": 86_400,
          "max_age_days": 36_500, "weight": 1000}
# Keys every source type accepts besides its own.
COMMON_KEYS: dict[str, Any] = {"max_age_days": (int, float), "weight": (int, float)}
# What LAMPLIGHTER_MUTE can name, each a list of strings.
MUTE_RULES = ("terms", "authors", "domains", "repos", "tags")
# Papers with Code shut down in 2025; its readers moved to Hugging Face's daily papers.
PAPERS_WITH_CODE = ("Papers with Code shut down in 2025; its papers, code links and audience moved to "
                    "Hugging Face's daily papers: use a source of type 'hf_papers' instead")


@dataclass(frozen=True)
class SourceConfig:
    """One entry of LAMPLIGHTER_SOURCES, checked against its type's keys."""

    name: str
    type: str
    options: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class Settings:
    content_path: Path
    sources: tuple[SourceConfig, ...]
    cache_dir: Path
    timeout: float
    max_bytes: int
    workers: int
    focus: dict[str, float]
    mute: dict[str, tuple[str, ...]]
    budget_minutes: float
    section_caps: dict[str, int]
    lock_wait: float = 300.0  # seconds a gather waits while another gather writes into the same issues folder
    arxiv_base_url: str | None = None  # where titles of papers only a citation names are asked (default arXiv)
    history: Path | None = None  # an earlier newsletter's weeks to learn from, besides the published issues
    subscribe_url: str | None = None  # where readers subscribe by email
    email: dict[str, Any] | None = None  # the mailing service `lamplighter send` hands issues to
    output_path: Path = Path("output")  # where the build writes the site (and each issue's email versions)


def load(path: str | Path) -> Settings:
    """Read a Pelican settings file the way `pelican -s` does, then check Lamplighter's part of it."""
    path = Path(path)
    if not path.is_file():
        raise SettingsError(f"settings file {path} not found")
    from pelican.settings import read_settings

    try:
        pelican_settings = read_settings(str(path))
    except SystemExit as error:
        raise SettingsError(f"{path} called exit({error.code!r}) while being read; a settings file must only "
                            "set names") from None
    except Exception as error:  # a settings file is Python: anything can go wrong in it
        raise SettingsError(f"cannot read {path}: {type(error).__name__}: {error}") from error
    return from_pelican(pelican_settings, base=path.resolve().parent)


def from_pelican(pelican_settings: Mapping[str, Any], *, base: Path) -> Settings:
    """Lamplighter's settings out of Pelican's; relative paths are relative to the settings file."""
    _check_names(pelican_settings)
    value = {name: pelican_settings.get(name, default) for name, default in DEFAULTS.items()}
    return Settings(
        content_path=Path(pelican_settings["PATH"]),
        sources=_sources(value["LAMPLIGHTER_SOURCES"]),
        cache_dir=base / value["LAMPLIGHTER_CACHE_DIR"],
        timeout=_positive("LAMPLIGHTER_TIMEOUT", value["LAMPLIGHTER_TIMEOUT"]),
        max_bytes=_whole("LAMPLIGHTER_MAX_BYTES", value["LAMPLIGHTER_MAX_BYTES"]),
        workers=_whole("LAMPLIGHTER_WORKERS", value["LAMPLIGHTER_WORKERS"]),
        focus=_focus(value["LAMPLIGHTER_FOCUS"]),
        mute=_mute(value["LAMPLIGHTER_MUTE"]),
        budget_minutes=_positive("LAMPLIGHTER_BUDGET_MINUTES", value["LAMPLIGHTER_BUDGET_MINUTES"]),
        section_caps=_caps(value["LAMPLIGHTER_SECTION_CAPS"]),
        lock_wait=_positive("LAMPLIGHTER_LOCK_WAIT", value["LAMPLIGHTER_LOCK_WAIT"]),
        arxiv_base_url=_base_url("LAMPLIGHTER_ARXIV_BASE_URL", value["LAMPLIGHTER_ARXIV_BASE_URL"]),
        history=_history(value["LAMPLIGHTER_HISTORY"], base),
        subscribe_url=_subscribe_url(value["LAMPLIGHTER_SUBSCRIBE_URL"]),
        email=_email(value["LAMPLIGHTER_EMAIL"]),
        output_path=Path(pelican_settings.get("OUTPUT_PATH", "output")),
    )


def _email(config: Any) -> dict[str, Any] | None:
    """`LAMPLIGHTER_EMAIL`: a mailing service and its keys (`lamplighter send`), or None when issues are not emailed."""
    if config is None:
        return None
    service = config.get("service") if isinstance(config, Mapping) else None
    if service not in EMAIL_SERVICES:
        raise SettingsError(f"LAMPLIGHTER_EMAIL must be a dict whose 'service' is one of {', '.join(EMAIL_SERVICES)}, "
                            f"not {config!r}")
    required, optional = EMAIL_SERVICES[service]
    missing, unknown = required - set(config), set(config) - required - optional - {"service"}
    if missing or unknown:
        problem = f"needs {', '.join(sorted(missing))}" if missing else f"has no key {', '.join(sorted(unknown))}"
        raise SettingsError(f"LAMPLIGHTER_EMAIL for {service} {problem}; its keys are "
                            f"{', '.join(sorted(required | optional))}")
    lists = config.get("lists", [1])
    if not (isinstance(lists, list) and lists and all(type(i) is int for i in lists)):
        raise SettingsError(f"LAMPLIGHTER_EMAIL 'lists' must be listmonk list ids like [1, 3], not {lists!r}")
    if "port" in config and not (type(config["port"]) is int and 0 < config["port"] < 65536):
        raise SettingsError(f"LAMPLIGHTER_EMAIL 'port' must be a port number like 587, not {config['port']!r}")
    for key in ("url", "base_url"):
        if key in config:
            _base_url(f"LAMPLIGHTER_EMAIL '{key}'", config[key])
    return dict(config)


def _subscribe_url(value: Any) -> str | None:
    """The page where readers subscribe by email, shown on every page: a web page or a mailto: address."""
    if value is None:
        return None
    address = urlsplit(value) if isinstance(value, str) else None
    if address is None or not (address.scheme in ("http", "https") and address.hostname
                               or address.scheme == "mailto" and "@" in address.path):
        raise SettingsError("LAMPLIGHTER_SUBSCRIBE_URL must be a page like https://buttondown.com/NAME or a "
                            f"mailto: address, not {value!r}")
    return value


def _history(raw: Any, base: Path) -> Path | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise SettingsError(f"LAMPLIGHTER_HISTORY must be the path of a history file (JSON Lines), not {raw!r}")
    path = base / raw
    if not path.is_file():
        raise SettingsError(f"LAMPLIGHTER_HISTORY: {path} is not a file")
    return path


def _check_names(pelican_settings: Mapping[str, Any]) -> None:
    """A misspelt setting would be silently ignored: name it, and the one that was meant."""
    for name in pelican_settings:
        if "PAPERSWITHCODE" in name.replace("_", ""):
            raise SettingsError(f"{name}: {PAPERS_WITH_CODE}")
        if name.startswith("LAMPLIGHTER_") and name not in DEFAULTS:
            close = difflib.get_close_matches(name, DEFAULTS, n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; the settings are: {', '.join(DEFAULTS)}"
            raise SettingsError(f"unknown setting {name}{hint}")


def _focus(raw: Any) -> dict[str, float]:
    example = '{"controlnet": 3, "video diffusion": 2, "benchmark": -1}'
    if not isinstance(raw, Mapping):
        raise SettingsError(f"LAMPLIGHTER_FOCUS must be a dict of terms and weights, like {example}")
    for term, weight in raw.items():
        if not isinstance(term, str) or not term.strip():
            raise SettingsError(f"LAMPLIGHTER_FOCUS: {term!r} is not a term; terms are words or phrases")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
            raise SettingsError(f"LAMPLIGHTER_FOCUS: the weight of {term!r} must be a number, not {weight!r}")
    return {term.strip(): float(weight) for term, weight in raw.items()}


def _mute(raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, Mapping):
        raise SettingsError(f"LAMPLIGHTER_MUTE must be a dict with any of {', '.join(MUTE_RULES)}, each a list")
    for rule, values in raw.items():
        if rule not in MUTE_RULES:
            raise SettingsError(f"LAMPLIGHTER_MUTE: unknown rule {rule!r}; the rules are: {', '.join(MUTE_RULES)}")
        if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in values):
            raise SettingsError(f"LAMPLIGHTER_MUTE[{rule!r}] must be a list of non-empty strings")
    return {rule: tuple(value.strip() for value in values) for rule, values in raw.items()}


def _caps(raw: Any) -> dict[str, int]:
    from .items import KINDS

    if not isinstance(raw, Mapping):
        raise SettingsError("LAMPLIGHTER_SECTION_CAPS must be a dict of kinds and numbers, like {\"paper\": 12}")
    for kind, cap in raw.items():
        if kind not in KINDS:
            raise SettingsError(f"LAMPLIGHTER_SECTION_CAPS: unknown kind {kind!r}; the kinds are: {', '.join(KINDS)}")
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
            raise SettingsError(f"LAMPLIGHTER_SECTION_CAPS: the cap of {kind!r} must be a whole number, not {cap!r}")
    return dict(raw)


def _positive(name: str, value: Any, limit: str | None = None) -> float:
    """A number above 0 and at most its limit: NaN, infinity and a negative number are refused by name."""
    most = LIMITS[limit or name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= most:
        raise SettingsError(f"{name} must be a number above 0 and at most {most:,}, not {value!r}")
    return value


def _whole(name: str, value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise SettingsError(f"{name} must be a whole number, not {value!r}")
    return int(_positive(name, value))


def _base_url(name: str, value: Any) -> str | None:
    """A mirror's address (a cache, a test server): http or https, a host, no query or fragment."""
    if value is None:
        return None
    base = urlsplit(value) if isinstance(value, str) else None
    if base is None or base.scheme not in ("http", "https") or not base.hostname or base.query or base.fragment:
        raise SettingsError(f"{name} must be an address like http://127.0.0.1:8123/mirror, not {value!r}")
    return value


def _sources(raw: Any) -> tuple[SourceConfig, ...]:
    if not isinstance(raw, (list, tuple)):
        raise SettingsError("LAMPLIGHTER_SOURCES must be a list of dicts, one per source")
    configs = tuple(_source(index, entry) for index, entry in enumerate(raw))
    seen: set[str] = set()
    for config in configs:
        if config.name in seen:
            raise SettingsError(f"LAMPLIGHTER_SOURCES: two sources are named {config.name!r}; names must differ")
        seen.add(config.name)
    return configs


def _source(index: int, entry: Any) -> SourceConfig:
    from .sources import SOURCE_TYPES

    where = f"LAMPLIGHTER_SOURCES[{index}]"
    if not isinstance(entry, Mapping):
        raise SettingsError(f"{where} must be a dict with 'name' and 'type', not {entry!r}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SettingsError(f"{where} needs a 'name' (the text readers see as the source)")
    where = f"{where} {name!r}"
    kind = entry.get("type")
    if not isinstance(kind, str):
        raise SettingsError(f"{where}: 'type' must be a string such as 'feed', not {kind!r}")
    if str(kind).replace("_", "").replace("-", "").lower() == "paperswithcode":
        raise SettingsError(f"{where}: {PAPERS_WITH_CODE}")
    if kind not in SOURCE_TYPES:
        known = ", ".join(sorted(SOURCE_TYPES))
        raise SettingsError(f"{where}: unknown type {kind!r}; the types are: {known}")
    module = SOURCE_TYPES[kind]
    options = {key: value for key, value in entry.items() if key not in ("name", "type")}
    for key, expected in module.REQUIRED.items():
        if key not in options:
            raise SettingsError(f"{where}: type {kind!r} needs the key {key!r}")
    allowed = {**module.REQUIRED, **module.OPTIONAL, **COMMON_KEYS}
    for key, value in options.items():
        if key not in allowed:
            raise SettingsError(f"{where}: unknown key {key!r} for type {kind!r}; its keys are: {', '.join(allowed)}")
        if not isinstance(value, allowed[key]) or isinstance(value, bool) and allowed[key] is not bool:
            raise SettingsError(f"{where}: {key!r} must be {_type_name(allowed[key])}, not {value!r}")
    for key in ("max_age_days", "weight"):
        if key in options:
            _positive(f"{where}: {key!r}", options[key], key)
    if "base_url" in options:
        _base_url(f"{where}: 'base_url'", options["base_url"])
    try:
        module.check(options)
    except ValueError as error:
        raise SettingsError(f"{where}: {error}") from None
    return SourceConfig(name=name.strip(), type=kind, options=options)


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", list: "a list", bool: "true or false"}
    if isinstance(expected, tuple):
        return " or ".join(names.get(t, t.__name__) for t in expected)
    return names.get(expected, expected.__name__)
