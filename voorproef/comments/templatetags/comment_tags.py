from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ..text import avatar_colour, comment_html, initials

register = template.Library()


@register.filter(name="comment_html")
def comment_html_filter(text: str) -> SafeString:
    return comment_html(text)


@register.filter
def avatar_initials(name: str) -> str:
    return initials(name)


@register.filter
def avatar_class(email: str) -> str:
    return f"avatar--{avatar_colour(email)}"
