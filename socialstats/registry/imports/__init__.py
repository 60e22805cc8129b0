"""Registry imports: pages, snapshots, websites with their figures, print publications."""

from orgs.services import ImportRejected

from .common import Source
from .pages import PagesImportReport, pages_import
from .resources import (
    RegistryImportReport,
    WebsiteStatsImportReport,
    publications_import,
    website_stats_import,
    websites_import,
)
from .snapshots import SnapshotImportReport, snapshots_import

__all__ = [
    "ImportRejected",
    "PagesImportReport",
    "RegistryImportReport",
    "SnapshotImportReport",
    "Source",
    "WebsiteStatsImportReport",
    "pages_import",
    "publications_import",
    "snapshots_import",
    "website_stats_import",
    "websites_import",
]
