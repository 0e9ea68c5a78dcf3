"""Where document files live and how they are written.

Files are kept under ``settings.SIGAP_DOCUMENTS_DIR`` (outside the static and media paths: no URL
serves them except the access-checked download view), one folder per case, under a random name.

A file is written while its database row is written, so it must not outlive a rolled-back
transaction. :class:`PendingFile` writes to a hidden temporary name (``.<name>.part``) and is renamed
to its final name by a ``transaction.on_commit`` callback. If the transaction rolls back, Django drops
the callback and with it the last reference to the pending file, which then deletes its temporary
file; the service also deletes it at once when it fails itself. :func:`remove_stale_parts` (the
``clean_document_files`` command) clears what a crashed process may have left."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from .doctypes import ODT

logger = logging.getLogger(__name__)
PART_SUFFIX = ".part"
HEAD_BYTES = 16


def root() -> Path:
    return Path(settings.SIGAP_DOCUMENTS_DIR)


def case_dir(case_id: int) -> Path:
    return root() / f"case-{int(case_id)}"


def new_stored_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def path_for(case_id: int, stored_name: str) -> Path:
    name = Path(stored_name).name  # never a path: only a name we made
    if name != stored_name or name.startswith("."):
        raise ValueError("bad stored name")
    return case_dir(case_id) / name


# --- what a file holds ---------------------------------------------------------------------------


def sniff(fileobj: IO[bytes]) -> str | None:
    """The kind of content from the first bytes (and, for a ZIP, its members): "pdf", "png",
    "jpeg", "docx", "odt", "zip" or None. Leaves the file at its start."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head.startswith(b"PK\x03\x04"):
        kind = _office_kind(fileobj)
    fileobj.seek(0)
    return kind


def _office_kind(fileobj: IO[bytes]) -> str:
    """Tell an OpenDocument text or a Word document from another ZIP by its directory (members are
    not extracted, apart from the few bytes of the ODF ``mimetype`` entry)."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size <= 100
                and archive.read("mimetype").strip() == ODT.encode()
            ):
                return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError):
        return "broken"
    return "zip"


# --- writing -------------------------------------------------------------------------------------


class PendingFile:
    """A file being written for a transaction: kept under a temporary name until :meth:`commit`."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.temp = final.with_name(f".{final.name}{PART_SUFFIX}")
        self.done = False
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        self._file: IO[bytes] | None = os.fdopen(fd, "wb")
        self.size = 0
        self._hash = hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        assert self._file is not None
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def commit(self) -> None:
        """Give the file its final name (called once the transaction has committed)."""
        self.close()
        os.replace(self.temp, self.final)
        self.done = True

    def discard(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            if self._file is not None:
                self._file.close()
                self._file = None
        finally:
            self.temp.unlink(missing_ok=True)

    def __del__(self) -> None:
        # A rolled-back transaction drops its on_commit callbacks: the last reference goes with them.
        try:
            self.discard()
        except Exception:  # never raise from a finaliser
            logger.exception("Could not remove the temporary document file %s", getattr(self, "temp", "?"))


def commit_callback(pending: PendingFile) -> Any:
    def commit() -> None:
        try:
            pending.commit()
        except OSError:
            logger.exception("Could not store document file %s", pending.final)
            pending.discard()

    return commit


def remove_stale_parts(older_than_seconds: float = 3600) -> list[Path]:
    """Delete temporary files older than ``older_than_seconds`` (left by a crash or a killed
    process; a live upload takes seconds)."""
    removed: list[Path] = []
    base = root()
    if not base.is_dir():
        return removed
    cutoff = time.time() - older_than_seconds
    for part in base.glob(f"case-*/.*{PART_SUFFIX}"):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
                removed.append(part)
        except FileNotFoundError:
            continue
    return removed


def is_inside(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True
