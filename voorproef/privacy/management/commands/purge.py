from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voorproef.privacy.services import retention_purge


class Command(BaseCommand):
    help = (
        "Apply the retention rules now (the scheduler does it every hour) and print what was "
        "cleared or deleted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for what, count in retention_purge().items():
            self.stdout.write(f"{what.replace('_', ' ')}: {count}")
