"""Names of uploaded files: whatever the browser sends (``..``, ``/``, 300 characters, control
characters, nothing) is kept only trimmed, for display and provenance; the file written to disk
gets a safe name of its own (docs/security.md, "Uploads")."""

from __future__ import annotations

import re
import unicodedata

#: the longest name shown and stored (imports.file_name holds 255)
DISPLAY_LIMIT = 200
#: the longest name written to disk (in characters; well below the file system's 255 bytes)
FILE_LIMIT = 60
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".parquet", ".pq")
_UNSAFE = re.compile(r"[^\w .\-()（）\u3000-\u9fff]+")


def display_name(original: str | None) -> str:
    """The name as sent, without control characters, trimmed; ``upload`` when nothing is left."""
    text = "".join(ch for ch in (original or "") if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())[:DISPLAY_LIMIT]
    return text or "upload"


def safe_file_name(original: str | None) -> str:
    """A name for the file on disk: no folder, no leading dot, only plain characters, short; the
    known suffix (``.xlsx``, ``.csv`` …) is kept so the reader recognises the format."""
    base = re.split(r"[/\\]", display_name(original))[-1]
    suffix = next((s for s in SUFFIXES if base.lower().endswith(s)), "")
    stem = base[: len(base) - len(suffix)] if suffix else base
    stem = _UNSAFE.sub("_", stem).strip("._ ")[: FILE_LIMIT]
    return f"{stem or 'upload'}{suffix}"
