"""Files an analyst brings in the browser, kept while they are looked at, confirmed and
imported: each in a folder of its own (owner only) under a private temporary folder that goes
when the server stops, and deleted as soon as its rows are in the workspace (they hold what
citizens said). The reading, the proposal and the import are the library's (io/); this module
only keeps the file and what was decided about it between one page and the next."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from servicecheck.io.errors import InputError
from servicecheck.io.propose import Mapping, Proposal
from servicecheck.io.report import ImportReport
from servicecheck.io.tables import source_kind
from servicecheck.service.model import Service

KEEP = 8  # files kept per server; the oldest goes (with its folder) as a new one comes
CHUNK = 1 << 20
# the characters a kept file's name keeps: it is shown on pages and in the import log
_UNSAFE = re.compile(r"[^\w .()\-]+")


@dataclass
class Upload:
    """One file brought in, and what the team decided about it so far."""

    id: str
    path: Path  # the file, 0600, in a folder of its own
    by: str  # who brought it: only they see it
    proposal: Proposal | None = None
    mapping: Mapping | None = None  # the confirmed mapping (None: the service file's own)
    service: Service | None = None  # the service it was imported with (or refused)
    report: ImportReport | None = None  # what the import did, once it is done
    max_rejects: float | None = None  # the share of rows it may set aside (None: the file's)
    save_to: Path | None = None  # its service's file (None: the app's own service file)

    @property
    def name(self) -> str:
        return self.path.name


def safe_name(filename: str) -> str:
    """The file's own name (never a path), in characters safe to show and store; its type is
    checked here, so a file servicecheck cannot read is refused before it is written."""
    name = _UNSAFE.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[:100]}.{suffix[:16]}" if dot else name[:120]
    name = name or "upload"
    source_kind(Path(name))  # an InputError naming the type when it is not one read
    return name


class Uploads:
    """The files of one server, in a private temporary folder."""

    def __init__(self) -> None:
        self.root: Path | None = None  # made (0700) with the first file
        self.items: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def keep(self, filename: str, data: BinaryIO, by: str) -> Upload:
        """Write the file sent (refused with an InputError when its type is not one read, or
        it is empty) where only this server's user may read it."""
        name = safe_name(filename)
        upload_id = secrets.token_urlsafe(12)
        with self._lock:
            if self.root is None:
                self.root = Path(tempfile.mkdtemp(prefix="servicecheck-uploads-"))
            # the folder says when: the import log and the report name the file by its name
            folder = self.root / f"{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}-{upload_id}"
            folder.mkdir(mode=0o700)
        path = folder / name
        size = 0
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := data.read(CHUNK):
                out.write(chunk)
                size += len(chunk)
        if size == 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise InputError("the file is empty", source=name,
                             fix="choose the export itself; this file holds nothing")
        upload = Upload(upload_id, path, by)
        with self._lock:
            self.items[upload_id] = upload
            for old in list(self.items)[:-KEEP]:
                self.discard(self.items.pop(old))
        return upload

    def get(self, upload_id: str, by: str) -> Upload | None:
        """The upload, only for the person who brought it."""
        upload = self.items.get(upload_id)
        return upload if upload is not None and upload.by == by else None

    @staticmethod
    def discard(upload: Upload) -> None:
        """Delete the file (its rows are in the workspace, or it is no longer wanted)."""
        shutil.rmtree(upload.path.parent, ignore_errors=True)

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
