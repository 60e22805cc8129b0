from django.core.management.base import BaseCommand

from unionportal.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demo organisations, data and one user per role (running it again adds nothing)."

    def handle(self, *args, **options):
        users = demo_load()
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<10} {user.full_name}")
