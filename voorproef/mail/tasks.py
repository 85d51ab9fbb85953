from __future__ import annotations

from django_tasks import task

from .services import mail_send


@task()
def mail_send_task(mail_id: int) -> None:
    mail_send(mail_id=mail_id)
