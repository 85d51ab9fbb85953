from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("download/<str:token>/", views.download_landing, name="download_landing"),
    path("download/<str:token>/pdf/", views.download_file, name="download_file"),
    path(
        "nieuwsbrief/bevestigen/<str:token>/", views.newsletter_confirm, name="newsletter_confirm"
    ),
    path(
        "nieuwsbrief/afmelden/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
]
