"""What an earlier build made from what, so a rebuild can skip the work whose inputs have not changed.

One small JSON file per kind of output in Pelican's `CACHE_PATH`, mapping each output to a
digest of its inputs and of the code that makes it (a change to the plugin redoes
everything). An output that is missing is always made again, so a cold build, or a
publish that empties the output folder, does all the work. Safe to delete.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

_CODE = hashlib.sha256(b"".join(path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py"))))
CODE_DIGEST = _CODE.hexdigest()  # the plugin's code: what it made before a change is not what it makes now


class BuildRecord:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.before: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.before = {}
        self.now: dict[str, str] = {}

    @classmethod
    def of(cls, settings: dict, kind: str) -> BuildRecord:
        """The record of one kind of output ("emails", "pages", "search") in the site's `CACHE_PATH`."""
        return cls(Path(settings["CACHE_PATH"]) / f"lamplighter-{kind}.json")

    def unchanged(self, name: str, inputs: Iterable[str], outputs: Sequence[Path]) -> bool:
        """Whether `name` was made from the same inputs last time and its outputs are still there."""
        digest = _CODE.copy()
        for part in inputs:
            digest.update(part.encode("utf-8") + b"\0")
        self.now[name] = digest.hexdigest()
        return self.before.get(name) == self.now[name] and all(path.exists() for path in outputs)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.now, sort_keys=True), encoding="utf-8")
