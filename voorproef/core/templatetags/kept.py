"""`{% kept key "template.html" name=value … %}`: the include, kept in the cache under a page
fragment key (core/pagecache.py) until that key changes, and rendered each time when the key is
empty (a preview, a form that answers one comment). One tag for what would otherwise be a
`{% cache %}` around an include, with the same include again for the empty key."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from ..pagecache import FRAGMENT_SECONDS

register = template.Library()


@register.simple_tag(takes_context=True)
def kept(context: template.Context, key: str, template_name: str, **extra: Any) -> SafeString:
    cache_key = f"kept:{template_name}:{key}" if key else ""
    if cache_key and (html := cache.get(cache_key)) is not None:
        return mark_safe(html)  # noqa: S308 (rendered here, from our own template)
    assert context.template is not None  # a tag renders inside a template
    with context.push(**extra):
        html = context.template.engine.get_template(template_name).render(context)
    if cache_key:
        cache.set(cache_key, str(html), FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 (as above)
