from __future__ import annotations

from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from voorproef.core import views as core_views
from voorproef.essays.feeds import EssayFeed

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("feed/", EssayFeed(), name="essay_feed"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]
if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^media/images/(?P<path>.+)$", core_views.media_image, name="media_image")
    )
urlpatterns.append(path("", include(wagtail_urls)))
