from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voorproef.essays.demo.loader import demo_load
from voorproef.privacy.services import privacy_page_ensure


class Command(BaseCommand):
    help = "Publish the demo essay Nieuw Publiek Werken (does nothing when it is there already)."

    def handle(self, *args: Any, **options: Any) -> None:
        essay = demo_load()
        if essay is None:
            self.stdout.write("The demo essay is there already.")
            if privacy_page_ensure() is not None:
                self.stdout.write(self.style.SUCCESS("Published the privacy statement."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Published the demo essay at {essay.url}"))
