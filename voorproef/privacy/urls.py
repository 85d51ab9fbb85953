from __future__ import annotations

from django.urls import path

from . import views
from .services import COPY_JSON_NAME

urlpatterns = [
    path("mijn-gegevens/", views.access_request, name="privacy_access"),
    path("mijn-gegevens/verstuurd/", views.access_sent, name="privacy_access_sent"),
    path("mijn-gegevens/gewist/", views.erased, name="privacy_erased"),
    path("mijn-gegevens/<str:token>/", views.overview, name="privacy_overview"),
    path(
        f"mijn-gegevens/<str:token>/{COPY_JSON_NAME}", views.export_json, name="privacy_export_json"
    ),
    path("mijn-gegevens/<str:token>/<str:kind>.csv", views.export_csv, name="privacy_export_csv"),
]
