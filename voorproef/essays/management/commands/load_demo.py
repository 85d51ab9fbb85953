from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from voorproef.essays.demo.loader import demo_load
from voorproef.essays.models import HomePage
from voorproef.privacy.services import privacy_page_ensure


class Command(BaseCommand):
    help = "Publish the demo essay Nieuw Publiek Werken (does nothing when it is there already)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only on a site without a home page (as `manage.py run` starts a new site).",
        )

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if if_empty and HomePage.objects.exists():
            return
        essay = demo_load()
        if essay is None:
            self.stdout.write("The demo essay is there already.")
            if privacy_page_ensure() is not None:
                self.stdout.write(self.style.SUCCESS("Published the privacy statement."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Published the demo essay at {essay.url}"))
