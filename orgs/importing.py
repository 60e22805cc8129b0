"""What `orgs` gives every importer: organisation names resolved (tree names, paths, aliases) and suggestions.

`unionportal.lib.importing` knows no app; an importer asks `OrganisationNames` for each row's organisation
and hands its `unknown` names to `ImportRejected`, so the preview can offer a select for each of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from unionportal.lib.importing import (
    ColumnsNotRecognised,
    ImportRejected,
    RowError,
    header_key,
    parse_column_options,
)

from .models import Organisation
from .selectors import organisations_by_names


class OrganisationNames:
    """The organisations a file names, found in one query for the whole file (two with aliases)."""

    def __init__(self, names: Iterable[str]):
        self.found = organisations_by_names(names)
        self.unknown: set[str] = set()

    def get(self, name: str, row: int, errors: list[RowError], column: str = "organisation") -> Organisation | None:
        name = (name or "").strip()
        if not name:
            errors.append(RowError(row, column, _("the organisation name is empty")))
            return None
        matches = self.found.get(name, [])
        if not matches:
            self.unknown.add(name)
            errors.append(RowError(row, column, _("no organisation «%(name)s» in the portal") % {"name": name}))
            return None
        if len(matches) > 1:
            errors.append(
                RowError(
                    row,
                    column,
                    _("«%(name)s» matches several organisations: %(list)s")
                    % {"name": name, "list": "; ".join(org.name for org in matches)},
                )
            )
            return None
        return matches[0]


def closest_organisations(name: str, organisations: Iterable[Organisation], *, limit: int = 200) -> list[Organisation]:
    """`organisations` ordered by how close their names are to `name` (difflib's ratio), closest first."""
    key = header_key(name)

    def closeness(organisation: Organisation) -> float:
        return max(
            difflib.SequenceMatcher(None, key, header_key(candidate)).ratio()
            for candidate in (organisation.name, organisation.short_name or organisation.name)
        )

    return sorted(organisations, key=lambda org: (-closeness(org), org.path))[:limit]


def parse_alias_options(values: Iterable[str]) -> dict[str, Organisation]:
    """`--alias "NAME=ORGANISATION"` options, each organisation found by its name in the tree."""
    pairs = []
    for value in values:
        name, sep, target = value.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise ValidationError(_("«%(value)s»: write NAME=ORGANISATION") % {"value": value})
        pairs.append((name.strip(), target.strip()))
    found = organisations_by_names(target for _name, target in pairs)
    aliases = {}
    for name, target in pairs:
        matches = found.get(target, [])
        if len(matches) != 1:
            raise ValidationError(
                _("«%(name)s» is not one organisation of the portal") % {"name": target}
                if not matches
                else _("«%(name)s» matches several organisations") % {"name": target}
            )
        aliases[name] = matches[0]
    return aliases


class ImportCommand(BaseCommand):
    """A management command for one importer: FILE, --dry-run, --column "HEADER=field", --alias "NAME=ORG".

    A subclass sets `columns` (the importer's declared columns) and implements `run(file, mapping, dry_run,
    **options)` returning the report, and `summary(report)`. Aliases are saved in the import's transaction:
    a refused file or a dry run saves none of them.
    """

    columns: tuple = ()

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="HEADER=field",
            help="read the file's column HEADER as field (- skips it); fields: "
            + ", ".join(column.field for column in self.columns),
        )
        parser.add_argument(
            "--alias",
            action="append",
            default=[],
            metavar="NAME=ORGANISATION",
            help="the file's organisation NAME is ORGANISATION of the portal (remembered for later files)",
        )

    def run(self, *, file: Path, mapping: dict[str, str], dry_run: bool, **options):
        raise NotImplementedError

    def summary(self, report) -> str:
        raise NotImplementedError

    def handle(self, *args, file: Path, dry_run: bool, column: list[str], alias: list[str], **options):
        from .services import organisation_alias_save

        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            mapping = parse_column_options(column, (item.field for item in self.columns))
            with transaction.atomic():
                for name, organisation in parse_alias_options(alias).items():
                    organisation_alias_save(name=name, organisation=organisation)
                report = self.run(file=file, mapping=mapping, dry_run=dry_run, **options)
                if dry_run:
                    transaction.set_rollback(True)
        except (ValueError, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        except ColumnsNotRecognised as error:
            raise CommandError(
                f'{error}\nName them with --column "HEADER=field" (- skips a column); fields: '
                + ", ".join(item.field for item in self.columns)
            ) from error
        except ImportRejected as rejected:
            hint = (
                '\nTell unknown names with --alias "NAME=ORGANISATION": ' + "; ".join(rejected.unknown_names)
                if rejected.unknown_names
                else ""
            )
            raise CommandError("Nothing was imported:\n" + "\n".join(rejected.errors) + hint) from rejected
        self.stdout.write(self.summary(report) + (" (dry run, nothing saved)" if dry_run else ""))
