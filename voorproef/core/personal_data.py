"""What the site holds about a person, as each app registers it.

Every app that stores something under a reader's address says, in its own `personal_data.py`,
how to find those rows, show them in a copy, erase them and age them out; its `AppConfig.ready()`
registers that here. The privacy app runs "Mijn gegevens", the editors' export and erasure and
the retention purge over this registry, and knows no app's columns.

It lives in `core` and not in `privacy` because the mail app, which privacy stands on (it sends
the overview's link), holds personal data too: every app, mail included, registers downwards."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class Copy:
    """How a copy is being made: for whom, and for people (a spreadsheet: states and kinds as the
    site names them, in its language) or for programs (their codes)."""

    email: str
    readable: bool = False

    def shown(self, row: Any, name: str) -> Any:
        return getattr(row, f"get_{name}_display")() if self.readable else getattr(row, name)

    @staticmethod
    def when(value: Any) -> str | None:
        """A moment as the site's clock shows it (the pages' time), with its offset from UTC."""
        return timezone.localtime(value).isoformat() if value else None


@dataclass
class Erasure:
    """One erasure under way: what every kind held before anything went (so a row that pointed
    at another is still known when that row is erased), and what was done."""

    email: str
    found: Mapping[str, list[Any]]
    delete_comments: bool
    summary: dict[str, int] = field(default_factory=dict)
    pages_changed: bool = False  # something left a public page: the page cache is purged
    # What left the site for good, for the editors' notice: (what, on which page), never who.
    taken_off: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Withdrawal:
    """A consent the reader can take back from the overview with one button."""

    action: str  # the button's value
    done: str  # the word in the address afterwards (?gedaan=…)
    logged_as: str  # the key in the data request log's summary
    message: str | Promise  # what the overview says once it is done
    run: Callable[[list[Any], Mapping[str, str]], int]  # the kind's rows, the POST; rows changed


@dataclass(frozen=True)
class PersonalData:
    """One kind of personal data, as the app that holds it describes it."""

    kind: str  # the key in a copy and the kind of its spreadsheet: "download_requests"
    position: int  # where it stands in copies and on the overview
    file_name: str | Promise  # its spreadsheet's name, in the site's language
    columns: Mapping[str, str | Promise]  # its spreadsheet's column headers
    find: Callable[[str], list[Any]]  # the rows held under an address (any case)
    export: Callable[[Any, Copy], dict[str, Any]]  # one row, as a copy holds it
    count_label: str | Promise  # "%(n)s consent" / "%(n)s consents" (ngettext_lazy, key "n")
    erase: Callable[[Erasure], None]  # erases its rows, adds to the summary
    # What the receipt of an erasure says of the summary's keys this kind sets.
    receipt: Mapping[str, str | Promise] = field(default_factory=dict)
    # Its section on the reader's overview, and what that section needs besides the rows.
    overview_template: str = ""
    overview_context: Callable[[list[Any], str], dict[str, Any]] | None = None
    withdrawals: Sequence[Withdrawal] = ()
    # Whether a row counts as holding something (mail that only carried the overview's link
    # does not).
    held: Callable[[Any], bool] = lambda row: True
    # The mail this kind's rows point at (a query of mail ids): it is the reader's mail too.
    mail_ids: Callable[[str], Any] | None = None
    # Retention rules: (name, rule), each returning how many rows it changed. Rules of several
    # apps with one name are added up.
    retention: Sequence[tuple[str, Callable[[], int]]] = ()


@dataclass(frozen=True)
class RetentionRule:
    name: str
    run: Callable[[], int]


_KINDS: dict[str, PersonalData] = {}
_RULES: list[RetentionRule] = []


def traces_clear(model: Any) -> Callable[[], int]:
    """A retention rule for a model whose rows keep the writer's truncated network and browser
    (`ip_network`, `user_agent`) against abuse: cleared once RETENTION_NETWORK_DAYS passed."""

    def rule() -> int:
        cutoff = timezone.now() - timedelta(days=settings.RETENTION_NETWORK_DAYS)
        rows = model.objects.filter(created_at__lt=cutoff).exclude(ip_network="", user_agent="")
        return int(rows.update(ip_network="", user_agent=""))

    return rule


def personal_data_register(data: PersonalData) -> None:
    _KINDS[data.kind] = data


def retention_rule_register(name: str, run: Callable[[], int]) -> None:
    """A retention rule that belongs to no kind of a copy (links, mail that answered a request)."""
    _RULES.append(RetentionRule(name, run))


def personal_data_kinds() -> list[PersonalData]:
    """Every registered kind, in the order copies and the overview show them."""
    return sorted(_KINDS.values(), key=lambda data: data.position)


def personal_data_erasure_order() -> list[PersonalData]:
    """Every registered kind in the order the apps are installed, which is the order they are
    erased in and the receipt names them."""
    return list(_KINDS.values())


def retention_rules() -> list[RetentionRule]:
    return [
        *(RetentionRule(name, run) for data in _KINDS.values() for name, run in data.retention),
        *_RULES,
    ]
