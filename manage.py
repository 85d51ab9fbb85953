#!/usr/bin/env python
from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    from voorproef.core.bootstrap import var_dir_prepare

    var_dir_prepare()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorproef.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
