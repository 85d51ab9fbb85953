from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path(
        "ervaring/intrekken/<str:token>/",
        views.consent_withdraw,
        name="inbox_consent_withdraw",
    ),
]
