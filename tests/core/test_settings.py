"""Settings are read once at start-up, so each case starts Python afresh with its environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import global_settings

from tests.support import ROOT, SUITE_ONLY_ENV
from voorproef.core.bootstrap import _secret_key_create
from voorproef.settings import _email_settings, _secret_key

_PRINT = """
import json
import re
from voorproef import settings
print(json.dumps({name: getattr(settings, name) for name in %r}, default=str))
"""


_EMAIL_NAMES = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_SSL",
    "EMAIL_USE_TLS",
    "EMAIL_TIMEOUT",
)


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Python with these arguments and a secret of its own, unless `env` takes it away
    (SECRET_KEY=""): a fresh VAR_DIR has none until manage.py makes it."""
    outside = SUITE_ONLY_ENV | {"SECRET_KEY_FILE"}
    full_env = {k: v for k, v in os.environ.items() if k not in outside}
    full_env.update(
        {
            "DJANGO_SETTINGS_MODULE": "voorproef.settings",
            "SECRET_KEY": "only-for-reading-settings-in-these-tests",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _python(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    return _run(env, "-c", code)


def _settings(env: dict[str, str], *names: str) -> dict[str, object]:
    result = _python(env, _PRINT % (names,))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return _python(
        env,
        f"from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    env = {
        "VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": "k" * 10 + "a-real-secret-of-sufficient-length-and-variety-!@#$%^&*",
        "SITE_URL": "https://essays.example.nl",
        "EMAIL_URL": "smtp://mail.example.nl:587?starttls=1",
    }
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # Without a mail server, mails (and the personal links in them) would go to the log.
    unsent = _manage(
        {k: v for k, v in env.items() if k != "EMAIL_URL"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert unsent.returncode != 0 and "voorproef.W001" in unsent.stdout + unsent.stderr
    values = _settings(env, "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "ALLOWED_HOSTS")
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SESSION_COOKIE_SECURE"] is True
    assert "essays.example.nl" in values["ALLOWED_HOSTS"]  # type: ignore[operator]


def test_a_plain_http_site_is_not_sent_to_https(tmp_path: Path) -> None:
    values = _settings(
        {"VAR_DIR": str(tmp_path), "PORT": "8123"},
        "SITE_URL",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "DEBUG",
    )
    assert values == {
        "SITE_URL": "http://127.0.0.1:8123",
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "DEBUG": True,
    }


def test_it_reads_the_settings_without_making_a_file_or_folder(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    result = _python({"VAR_DIR": str(var_dir)}, "import django; django.setup()")
    assert result.returncode == 0, result.stderr
    assert not var_dir.exists()


def test_it_makes_the_secret_on_the_first_command_and_keeps_it(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    env = {"VAR_DIR": str(var_dir), "SECRET_KEY": ""}
    first = _run(env, "manage.py", "check")
    assert first.returncode == 0, first.stderr
    secret = var_dir / "secret_key"
    assert secret.stat().st_mode & 0o777 == 0o600
    key = secret.read_text()
    assert len(key) >= 50
    assert _settings(env, "SECRET_KEY") == {"SECRET_KEY": key}
    second = _run(env, "manage.py", "check")
    assert second.returncode == 0, second.stderr
    assert secret.read_text() == key


def test_it_keeps_the_secret_of_a_process_that_was_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret_key"
    link = os.link

    def first_made_by_another_process(draft: Path, target: Path) -> None:
        target.write_text("the-other-process-key")
        link(draft, target)

    monkeypatch.setattr(os, "link", first_made_by_another_process)
    _secret_key_create(secret)
    assert secret.read_text() == "the-other-process-key"
    assert list(tmp_path.iterdir()) == [secret], "no draft is left behind"


def test_a_site_that_had_the_file_cache_starts_without_its_files(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    old = [var_dir / "cache" / "0a1b.djcache", var_dir / "stats-cache" / "2c3d.djcache"]
    for path in old:
        path.parent.mkdir(parents=True)
        path.write_bytes(b"an entry of Django's file cache")
    code = "from django.core.cache import cache; cache.set('k', 1); print(cache.get('k'))"
    result = _run({"VAR_DIR": str(var_dir)}, "manage.py", "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("1")
    assert not any(path.exists() for path in old)


def test_it_says_what_to_do_when_there_is_no_secret(tmp_path: Path) -> None:
    result = _python({"VAR_DIR": str(tmp_path), "SECRET_KEY": ""}, _PRINT % (("DEBUG",),))
    assert result.returncode != 0
    assert "set SECRET_KEY (or SECRET_KEY_FILE), or run any manage.py command" in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "key").write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "key"))
    assert _secret_key(tmp_path) == "from-a-file"
    assert not (tmp_path / "secret_key").exists()


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path: Path) -> None:
    result = _python(
        {"VAR_DIR": str(tmp_path)},
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
        "print(connection.transaction_mode)\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]


def test_email_url_configures_smtp(tmp_path: Path) -> None:
    url = "smtp://mailer:p%40ss@mail.example.nl:587?starttls=1"
    assert _settings({"VAR_DIR": str(tmp_path), "EMAIL_URL": url}, *_EMAIL_NAMES) == {
        "EMAIL_BACKEND": "voorproef.mail.backends.SMTPBackend",
        "EMAIL_HOST": "mail.example.nl",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 20,
    }
    assert _email_settings("smtps://mail.example.nl").port == 465


def test_mail_goes_to_the_console_by_default(tmp_path: Path) -> None:
    values = _settings({"VAR_DIR": str(tmp_path)}, *_EMAIL_NAMES)
    assert values.pop("EMAIL_BACKEND") == "django.core.mail.backends.console.EmailBackend"
    assert values == {name: getattr(global_settings, name) for name in values}, "Django's own"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "perhaps", "DEBUG must be a boolean"),
        ("PORT", "eighty", "PORT must be a whole number"),
        ("EMAIL_URL", "pigeon://loft", "EMAIL_URL must start with"),
        ("SITE_URL", "essays.example.nl", "SITE_URL must be an http(s) address"),
        ("LANGUAGE_CODE", "fr", "LANGUAGE_CODE must be one of nl, en"),
    ],
)
def test_a_wrong_setting_stops_start_up_with_a_clear_message(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = _python({"VAR_DIR": str(tmp_path), name: value}, _PRINT % (("DEBUG",),))
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("redis_url", "tasks_redis_url", "message"),
    [
        ("redis://127.0.0.1:6379/1", "", "TASKS_BACKEND=rq needs TASKS_REDIS_URL"),
        ("redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/1/", "another Redis database"),
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/0", "another Redis database"),
    ],
)
def test_rq_refuses_to_keep_its_jobs_where_the_cache_can_be_emptied(
    tmp_path: Path, redis_url: str, tasks_redis_url: str, message: str
) -> None:
    env = {"VAR_DIR": str(tmp_path), "TASKS_BACKEND": "rq", "REDIS_URL": redis_url}
    result = _python({**env, "TASKS_REDIS_URL": tasks_redis_url}, _PRINT % (("DEBUG",),))
    assert result.returncode != 0
    assert message in result.stderr


def test_rq_keeps_its_jobs_in_the_redis_database_named_for_them(tmp_path: Path) -> None:
    env = {
        "VAR_DIR": str(tmp_path),
        "TASKS_BACKEND": "rq",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "TASKS_REDIS_URL": "redis://127.0.0.1:6379/2",
    }
    result = _python(env, _PRINT % (("RQ_QUEUES", "CACHES"),))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["RQ_QUEUES"]["default"]["URL"] == "redis://127.0.0.1:6379/2"
    assert printed["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_the_health_check_fails_when_the_database_is_down(tmp_path: Path) -> None:
    result = _python(
        {"VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"},
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/healthz', HTTP_HOST='127.0.0.1')\n"
        "print(response.status_code, response.content.decode().strip())\n",
    )
    assert result.stdout.strip().splitlines()[-1] == "503 database unavailable"


def test_the_readme_documents_every_environment_variable() -> None:
    sources = [
        ROOT / "voorproef" / "settings.py",
        *ROOT.glob("voorproef/*/management/commands/*.py"),
    ]
    pattern = re.compile(r"""(?:env\w*|environ\.get)\(\s*["']([A-Z_]+)["']""")
    names = {name for path in sources for name in pattern.findall(path.read_text())}
    assert {"SITE_URL", "DATABASE_URL", "HOST"} <= names
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == []


def test_the_deploy_check_asks_for_harfbuzz_s_subsetter(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.text import ffi

    from voorproef.core.checks import pdf_fonts_subset_fast

    # This machine has it (`make install` puts it there): the check is quiet.
    assert ffi.harfbuzz_subset is not None
    assert pdf_fonts_subset_fast(None) == []
    # Where it is missing, WeasyPrint falls back to fontTools and the check names the package.
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    (warning,) = pdf_fonts_subset_fast(None)
    assert warning.id == "voorproef.W002" and "libharfbuzz-subset0" in (warning.hint or "")
