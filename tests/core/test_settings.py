"""Settings are read once at start-up, so each case starts Python afresh with its environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT, SUITE_ONLY_ENV
from voorproef.settings import _email_settings, _secret_key

_PRINT = """
import json
import re
from voorproef import settings
print(json.dumps({name: getattr(settings, name) for name in %r}, default=str))
"""


def _python(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in SUITE_ONLY_ENV}
    full_env.update({"DJANGO_SETTINGS_MODULE": "voorproef.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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


def test_the_secret_key_is_generated_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = _secret_key(tmp_path)
    assert first == _secret_key(tmp_path)
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


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


def test_email_url_configures_smtp() -> None:
    assert _email_settings("smtp://mailer:p%40ss@mail.example.nl:587?starttls=1") == {
        "EMAIL_BACKEND": "voorproef.mail.backends.SMTPBackend",
        "EMAIL_HOST": "mail.example.nl",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 20,
    }
    assert _email_settings("smtps://mail.example.nl")["EMAIL_PORT"] == 465


def test_mail_goes_to_the_console_by_default(tmp_path: Path) -> None:
    values = _settings({"VAR_DIR": str(tmp_path)}, "EMAIL_BACKEND")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


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
