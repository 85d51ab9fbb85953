from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.urls import serve_pattern

from voorproef.core import routing
from voorproef.core import views as core_views
from voorproef.essays.feeds import EssayFeed

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("feed/", EssayFeed(), name="essay_feed"),
    path("", include("voorproef.downloads.urls")),
    path("", include("voorproef.inbox.urls")),
    path("", include("voorproef.comments.urls")),
    path("", include("voorproef.privacy.urls")),
    path("", include("voorproef.wordpress.urls")),
    path("", include("voorproef.stats.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]
if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^media/images/(?P<path>.+)$", core_views.media_image, name="media_image")
    )
# Pages take no CSRF cookie (public pages set none): their forms carry guards of their own
# (voorproef.core.guards), checked by the views that accept a POST.
# Wagtail's own views for a page with a view restriction (its password, or signing in) come
# first: the page pattern would take their addresses too.
urlpatterns += [
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        core_views.page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path(
        "_util/login/",
        auth_views.LoginView.as_view(template_name="wagtailcore/login.html"),
        name="wagtailcore_login",
    ),
    re_path(serve_pattern, csrf_exempt(routing.serve), name="wagtail_serve"),
]
