from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("stats/hit", views.hit, name="stats_hit"),
]
