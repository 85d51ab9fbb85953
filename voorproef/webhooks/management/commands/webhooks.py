from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from voorproef.webhooks.models import EVENTS, Delivery, Webhook
from voorproef.webhooks.services import (
    delivery_resend,
    webhook_activate,
    webhook_create,
    webhook_secret_rotate,
)


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


class Command(BaseCommand):
    help = (
        "Webhooks for operators: add one (its secret is printed once), list them, their "
        "deliveries, send failed deliveries again, rotate a secret, switch one on again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="Add a webhook and print its signing secret once.")
        add.add_argument("url")
        add.add_argument(
            "--events",
            required=True,
            help=f"Comma-separated, from: {', '.join(EVENTS)}",
        )
        add.add_argument("--name", default="")
        add.add_argument(
            "--allow-private",
            action="store_true",
            help="Allow an address on this machine or a private network.",
        )
        commands.add_parser("list", help="The webhooks, with their state.")
        deliveries = commands.add_parser("deliveries", help="The latest deliveries.")
        deliveries.add_argument("--webhook", type=int, help="Only this webhook's (its id).")
        deliveries.add_argument("--status", choices=Delivery.Status.values)
        deliveries.add_argument("--limit", type=int, default=50)
        resend = commands.add_parser("resend", help="Send failed deliveries again.")
        resend.add_argument("ids", nargs="*", type=int, help="Delivery ids.")
        resend.add_argument(
            "--failed-of", type=int, metavar="WEBHOOK", help="Every failed delivery of a webhook."
        )
        rotate = commands.add_parser("rotate", help="A new secret; the old one signs on a while.")
        rotate.add_argument("webhook", type=int)
        rotate.add_argument("--overlap-hours", type=int, default=None)
        enable = commands.add_parser("enable", help="Switch a webhook on again.")
        enable.add_argument("webhook", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['command']}")(options)

    def _webhook(self, pk: int) -> Webhook:
        webhook = Webhook.objects.filter(pk=pk).first()
        if webhook is None:
            raise CommandError(f"No webhook with id {pk}.")
        return webhook

    def _add(self, options: dict[str, Any]) -> None:
        events = [name.strip() for name in options["events"].split(",") if name.strip()]
        unknown = [name for name in events if name not in EVENTS]
        if unknown:
            raise CommandError(f"Unknown events: {', '.join(unknown)}. Known: {', '.join(EVENTS)}")
        try:
            webhook, secret = webhook_create(
                name=options["name"] or options["url"][:100],
                url=options["url"],
                events=events,
                allow_private=options["allow_private"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Webhook {webhook.pk} added: {webhook.url}")
        self.stdout.write(f"Events: {', '.join(webhook.events)}")
        self.stdout.write(f"Signing secret (shown only now): {secret}")

    def _list(self, options: dict[str, Any]) -> None:
        for webhook in Webhook.objects.all():
            state = "on" if webhook.active else f"off ({webhook.disabled_reason or 'by hand'})"
            events = ", ".join(webhook.events) if not webhook.is_connector else webhook.kind
            failed = webhook.deliveries.filter(status=Delivery.Status.FAILED).count()
            queued = webhook.deliveries.filter(status=Delivery.Status.QUEUED).count()
            self.stdout.write(
                f"{webhook.pk}\t{webhook.name}\t{webhook.url or '-'}\t{state}\t{events}\t"
                f"queued {queued}, failed {failed}"
            )

    def _deliveries(self, options: dict[str, Any]) -> None:
        rows = Delivery.objects.select_related("webhook")
        if options["webhook"]:
            rows = rows.filter(webhook_id=options["webhook"])
        if options["status"]:
            rows = rows.filter(status=options["status"])
        for delivery in rows[: options["limit"]]:
            self.stdout.write(
                f"{delivery.pk}\t{_when(delivery.created_at)}\t{delivery.webhook.name}\t"
                f"{delivery.event}\t{delivery.status}\tattempts {delivery.attempts}\t"
                f"HTTP {delivery.response_code or '-'}\t{delivery.last_error[:80]}"
            )

    def _resend(self, options: dict[str, Any]) -> None:
        rows = Delivery.objects.filter(status=Delivery.Status.FAILED)
        if options["failed_of"]:
            rows = rows.filter(webhook_id=options["failed_of"])
        elif options["ids"]:
            rows = rows.filter(pk__in=options["ids"])
        else:
            raise CommandError("Name delivery ids, or --failed-of WEBHOOK.")
        queued = sum(delivery_resend(delivery=delivery) for delivery in rows)
        self.stdout.write(f"{queued} deliveries queued again.")

    def _rotate(self, options: dict[str, Any]) -> None:
        webhook = self._webhook(options["webhook"])
        overlap = options["overlap_hours"]
        secret = webhook_secret_rotate(
            webhook=webhook, overlap=None if overlap is None else timedelta(hours=overlap)
        )
        webhook.refresh_from_db()
        until = _when(webhook.previous_secret_until) if webhook.previous_secret_until else "now"
        self.stdout.write(f"New signing secret (shown only now): {secret}")
        self.stdout.write(f"The old secret signs too until {until}.")

    def _enable(self, options: dict[str, Any]) -> None:
        webhook_activate(webhook=self._webhook(options["webhook"]))
        self.stdout.write("Switched on; what waited is being sent.")
