"""`manage.py posts_prune [--dry-run]`: the retention of the kept posts (docs/posts.md «Retention»).

The nightly collection runs it after each network's run; the command is for a first run after raising the
volume, or to see how many posts would go."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from socialstats.collection.retention import posts_prune


class Command(BaseCommand):
    help = "Delete the posts older than POSTS_KEEP_DAYS, keeping each page's 10 newest and the posts news refer to."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the posts that would be deleted.")

    def handle(self, *args, dry_run: bool = False, **options):
        count = posts_prune(dry_run=dry_run)
        if dry_run:
            self.stdout.write(_("Posts that would be deleted: %(count)s") % {"count": count})
        else:
            self.stdout.write(_("Posts deleted: %(count)s") % {"count": count})
