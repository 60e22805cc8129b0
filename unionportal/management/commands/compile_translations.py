"""Compile every .po file to .mo with polib, so no GNU gettext is needed to build or run."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def po_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path
        for path in base.glob("**/locale/*/LC_MESSAGES/django.po")
        if ".venv" not in path.parts and "site-packages" not in path.parts
    )


class Command(BaseCommand):
    help = "Compile the committed .po files to .mo files (pure Python)."

    def handle(self, *args, **options):
        for path in po_files():
            polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))
            self.stdout.write(f"compiled {path.relative_to(settings.BASE_DIR)}")
