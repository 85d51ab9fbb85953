from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from voorproef.core.bootstrap import var_dir_prepare

var_dir_prepare()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorproef.settings")

application = get_wsgi_application()
