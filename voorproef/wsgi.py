from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

from voorproef.core.access_log import AccessLog
from voorproef.core.bootstrap import var_dir_prepare

var_dir_prepare()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorproef.settings")

application = AccessLog(get_wsgi_application())

# What the process loaded (Django, Wagtail, the project: some 200,000 objects) lives as long as
# it does; frozen, Python's full garbage collection no longer walks it. Unfrozen, each full
# collection stopped the process's threads for about 100 ms every few seconds under load, the
# slowest hundredth of page renders; frozen, such a pause takes a few ms.
gc.freeze()
