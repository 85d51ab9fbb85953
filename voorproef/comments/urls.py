from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("reacties/beoordelen/<str:token>/", views.comment_moderate, name="comment_moderate"),
    path("reacties/afmelden/<str:token>/", views.comment_unsubscribe, name="comment_unsubscribe"),
]
