"""Regenerate the Russian .po files: one per app (in the app's locale/) and one for the project.

Each app's templates live in the app (`<app>/templates/<app>/`), so each app owns its catalogue
and two people working on two apps never edit the same .po file.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

APPS = ["orgs", "socialstats", "news", "contests", "api"]


class Command(BaseCommand):
    help = "Run makemessages -l ru for every app and for the project (needs GNU gettext)."

    def handle(self, *args, **options):
        base = str(settings.BASE_DIR)
        executable = str(Path(sys.executable).with_name("django-admin"))
        django_admin = [executable, "makemessages", "-l", "ru", "--no-obsolete"]
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        for app in APPS:
            os.makedirs(os.path.join(base, app, "locale"), exist_ok=True)
            subprocess.run(django_admin, cwd=os.path.join(base, app), env=env, check=True)
        skipped = [*APPS, ".venv", "media", "staticfiles", "benchmarks"]
        ignores = [flag for app in skipped for flag in ("-i", app)]
        subprocess.run([*django_admin, *ignores], cwd=base, env=env, check=True)
