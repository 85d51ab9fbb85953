"""The files of `wp-content/uploads`, from a folder or a ZIP, found by their path below
`uploads/` (`2019/03/photo.jpg`). Nothing is ever fetched over the network."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class UploadsError(Exception):
    pass


def _key(name: str) -> str:
    name = name.replace("\\", "/")
    if "uploads/" in name:
        name = name.split("uploads/", 1)[1]
    return name.lstrip("/").lower()


class Uploads:
    def __init__(self, source: Path | None) -> None:
        self.source = source
        self.zip: zipfile.ZipFile | None = None
        self.files: dict[str, str] = {}  # key → name in the ZIP, or path in the folder
        self.by_name: dict[str, str | None] = {}  # file name → its key; None when not unique
        if source is None:
            return
        if source.is_dir():
            names = [
                str(path.relative_to(source))
                for path in source.rglob("*")
                if path.is_file() and not path.is_symlink()
            ]
        elif source.is_file():
            try:
                self.zip = zipfile.ZipFile(source)
            except (zipfile.BadZipFile, OSError) as error:
                raise UploadsError(str(error)) from error
            names = [info.filename for info in self.zip.infolist() if not info.is_dir()]
        else:
            raise UploadsError(f"{source} is neither a folder nor a ZIP file")
        for name in names:
            key = _key(name)
            if "/." in f"/{key}" or key.startswith("__macosx/"):
                continue
            self.files.setdefault(key, name)
            base = key.rsplit("/", 1)[-1]
            self.by_name[base] = None if base in self.by_name else key

    def __bool__(self) -> bool:
        return bool(self.files)

    def find(self, *keys: str) -> str | None:
        """The first key present, or a file of that name that is the only one so named."""
        for key in keys:
            if key and key.lower() in self.files:
                return key.lower()
        for key in keys:
            if key and (found := self.by_name.get(key.lower().rsplit("/", 1)[-1])):
                return found
        return None

    @contextmanager
    def open(self, key: str) -> Iterator[IO[bytes]]:
        name = self.files[key]
        if self.zip is not None:
            with self.zip.open(name) as handle:
                yield handle
        else:
            assert self.source is not None
            with (self.source / name).open("rb") as handle:
                yield handle

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()
