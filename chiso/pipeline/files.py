"""The files a backfill finds, each with its place, and an outcome for every one it will not read.

Folders are walked without following links: a link to a folder is not followed (loops), a
link to a file outside the folder given is not read (the folder is what the user asked
for), a dangling link, a pipe, a socket or a device is reported, never opened. Every
regular file is read, whatever its name says: its content decides what it is. A file that
is no document (a README, a picture) found in a folder is skipped with the reason; a file
named like a document that is none fails with the reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chiso.load.identity import source_key

DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".rtf", ".xlsx", ".xls", ".csv"}


@dataclass(frozen=True)
class Found:
    """A regular file to read."""

    path: str
    key: str  # its place: path below the folder given (identity.source_key)
    in_folder: bool  # found by walking a folder (not named on the command line)


@dataclass(frozen=True)
class NotRead:
    """A path that will not be read, and why."""

    path: str
    status: str  # failed | skipped
    reason: str
    code: str


def collect(paths: Sequence[Path]) -> tuple[list[Found], list[NotRead]]:
    found: dict[str, Found] = {}
    not_read: list[NotRead] = []
    seen_real: set[str] = set()
    for p in dict.fromkeys(Path(x) for x in paths):
        if not os.path.lexists(p):
            not_read.append(NotRead(str(p), "failed", "no such file or folder", "missing"))
        elif p.is_dir() and not p.is_symlink():
            _walk(p, paths, found, not_read, seen_real)
        else:
            _given_file(p, paths, found, not_read, seen_real)
    return list(found.values()), not_read


def _given_file(p: Path, roots: Sequence[Path], found: dict[str, Found], not_read: list[NotRead],
                seen_real: set[str]) -> None:
    why = _not_regular(p)
    if why:
        not_read.append(NotRead(str(p), "failed", why, "not_a_file"))
        return
    real = os.path.realpath(p)
    if real not in seen_real:
        seen_real.add(real)
        found[str(p)] = Found(str(p), source_key(p, roots), False)


def _walk(root: Path, roots: Sequence[Path], found: dict[str, Found], not_read: list[NotRead],
          seen_real: set[str]) -> None:
    real_root = os.path.realpath(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames) + sorted(d for d in dirnames if os.path.islink(os.path.join(dirpath, d))):
            path = Path(dirpath) / name
            if name in dirnames:  # a link to a folder: not followed (it may loop)
                not_read.append(NotRead(str(path), "skipped", "a link to a folder: not followed", "link"))
                continue
            if path.is_symlink():
                target = os.path.realpath(path)
                if not os.path.exists(target):
                    not_read.append(NotRead(str(path), "skipped", "a link to nothing (dangling)", "link"))
                    continue
                if os.path.commonpath([real_root, target]) != real_root:
                    not_read.append(NotRead(str(path), "skipped", f"a link to a file outside {root}: not read",
                                            "link"))
                    continue
            why = _not_regular(path)
            if why:
                not_read.append(NotRead(str(path), "skipped", why, "not_a_file"))
                continue
            real = os.path.realpath(path)
            if real in seen_real:
                continue  # the same file reached twice (a link inside the folder)
            seen_real.add(real)
            found[str(path)] = Found(str(path), source_key(path, roots), True)


def _not_regular(p: Path) -> str | None:
    try:
        mode = os.stat(p).st_mode
    except OSError as e:
        return f"cannot read: {e.strerror}"
    if stat.S_ISREG(mode):
        return None
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return f"{kind}, not a file: not read"


def named_like_a_document(path: str) -> bool:
    return Path(path).suffix.lower() in DOCUMENT_SUFFIXES
