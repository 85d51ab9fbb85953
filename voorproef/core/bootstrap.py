"""What a process that starts the site or runs a command prepares before Django reads its
settings: VAR_DIR's folders and the generated secret key. manage.py and voorproef/wsgi.py call
it; importing the settings (pytest, mypy, a shell) only reads. No Django here: settings are not
configured yet when it runs."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]


def var_dir_prepare() -> None:
    """VAR_DIR, STATIC_ROOT, the beacons' folder and the SQLite file's folder exist; so does
    VAR_DIR/secret_key unless SECRET_KEY or SECRET_KEY_FILE is set; the old file cache's files
    are gone. Safe to run in many processes at once."""
    # The same defaults as voorproef/settings.py.
    var_dir = Path(os.environ.get("VAR_DIR", str(BASE_DIR / "var")))
    # WhiteNoise warns about a STATIC_ROOT that is not there (collectstatic makes it later).
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    # nginx writes the statistics beacons it answers here (deploy/nginx/locations.conf).
    (var_dir / "stats-beacon").mkdir(exist_ok=True)
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{var_dir / 'voorproef.sqlite3'}")
    database = dj_database_url.parse(database_url)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if not (os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE")):
        _secret_key_create(var_dir / "secret_key")
    for folder in ("cache", "stats-cache"):
        _file_cache_remove(var_dir / folder)


def _file_cache_remove(folder: Path) -> None:
    """The files of the cache these folders held before (Django's file cache, one per entry,
    up to 200,000) are read by nothing now; the SQLite cache there keeps its own."""
    for path in folder.glob("*.djcache"):
        path.unlink(missing_ok=True)


def _secret_key_create(path: Path) -> None:
    """Generated once and kept, so that signed links survive a restart. It is written in full
    to a file of its own first, then linked into place: a process starting at the same moment
    never reads half a key, and never replaces one another process made."""
    if path.exists():
        return
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
        os.link(draft, path)
    except FileExistsError:
        pass  # another process was first: its key stands
    finally:
        draft.unlink()


if __name__ == "__main__":
    var_dir_prepare()
