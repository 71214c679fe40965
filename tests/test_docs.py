"""The README documents every setting and every source type, as Datasette's docs tests do."""

from __future__ import annotations

import pytest

from conftest import REPO
from lamplighter.settings import DEFAULTS
from lamplighter.sources import SOURCE_TYPES

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", sorted(DEFAULTS))
def test_every_setting_is_in_the_readme(setting):
    assert f"| `{setting}` |" in README


@pytest.mark.parametrize("name", sorted(SOURCE_TYPES))
def test_every_source_type_and_its_keys_are_in_the_readme(name):
    assert f"### `{name}`" in README
    section = README.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    module = SOURCE_TYPES[name]
    for key in [*module.REQUIRED, *module.OPTIONAL]:
        assert f"| `{key}` |" in section


def test_quick_start_is_the_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in quick_start and "make test" in quick_start


def test_the_shipped_settings_are_valid():
    """Whatever pelicanconf.py holds: this repository's sources, or a fork's."""
    from lamplighter import settings

    settings.load(REPO / "pelicanconf.py")


def test_the_readmes_example_settings_use_every_source_type():
    """The README shows each type; test_all_sources.py gathers every one of them."""
    assert all(f"`{kind}`" in README for kind in SOURCE_TYPES)
