from __future__ import annotations

from django.urls import path

from .anchors import comment_anchor

urlpatterns = [
    path("wordpress/reactie/<int:wp_id>/", comment_anchor, name="wordpress_comment_anchor"),
]
