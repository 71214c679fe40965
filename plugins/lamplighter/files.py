"""Reading and writing the files Lamplighter keeps: whole, named in every error, never half-written.

Every file is written the same way: into a temporary file beside it, flushed to disk, then
renamed over the old one, so a crash or a full disk leaves the old file or the new one,
never a mix. New files get the usual permissions (what the umask allows, as `git checkout`
gives), and a replaced file keeps its own. Files are read as bytes and decoded here, so
the editor's line endings and byte-order mark reach the draft's code as they are on disk.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import StateError

# The process's umask, read once at import (reading it means setting it, which threads must not race).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
# Tests of crash safety name a write by words of what it writes and which time ("2026-W48#3": the
# third write or rename of a file whose name holds 2026-W48): the process says so on stderr and
# waits there to be killed (SIGKILL) or to go on (a line on its standard input). Nothing else reads this.
_PAUSE_WORDS, _, _PAUSE_COUNT = os.environ.get("LAMPLIGHTER_PAUSE_AT_WRITE", "").partition("#")
_writes = 0


def read_text(path: Path) -> str | None:
    """A text file's content exactly as saved (CRLF and a BOM kept); None when it does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StateError(f"{path} is not UTF-8 text (byte {error.start} cannot be read); "
                         "save it as UTF-8 and run again") from None


def temporary_beside(path: Path, text: str | bytes, *, durable: bool = False) -> Path:
    """A new file beside `path` holding `text` (UTF-8) or bytes, with the permissions `path` has or would get."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(text.encode("utf-8") if isinstance(text, str) else text)
            file.flush()
            if durable:
                os.fsync(file.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_UMASK
        os.chmod(temporary, mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def replace(temporary: Path, path: Path, *, durable: bool = False, new: bool = False) -> None:
    """Put a file made by `temporary_beside` in place, in one step.

    With `new`, only if there is no file there yet (FileExistsError otherwise): a file someone
    else created meanwhile is never replaced.
    """
    pause_point(f"replace {path.name}")
    if new:
        os.link(temporary, path)
        temporary.unlink()
    else:
        os.replace(temporary, path)
    if durable:
        _sync_folder(path.parent)


def write_atomically(path: Path, text: str | bytes, *, durable: bool = False) -> None:
    """Replace the file in one step, so an interrupted run never leaves half a file.

    `durable` also waits for the disk, for the files an editor would miss (draft and record).
    """
    pause_point(f"write {path.name}")
    replace(temporary_beside(path, text, durable=durable), path, durable=durable)


def check_writable(folder: Path, what: str) -> None:
    """A StateError now, naming the folder, rather than a gather that fails half-way through."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise StateError(f"cannot write in {folder} ({what}): {error.strerror}") from None


def leftovers(path: Path) -> list[Path]:
    """Temporary files of `path` that a killed run left behind."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def pause_point(what: str) -> None:
    """Where a test of crash safety may stop this process with a real SIGKILL (see `_PAUSE_AT`)."""
    global _writes
    if not _PAUSE_WORDS or _PAUSE_WORDS not in what:
        return
    _writes += 1
    if _writes == int(_PAUSE_COUNT or 1):
        print(f"lamplighter: paused before {what}", file=sys.stderr, flush=True)
        sys.stdin.readline()


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
