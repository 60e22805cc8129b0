"""The documented backup and restore scripts, run for real against PostgreSQL."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from orgs.models import OrgKind
from tests.factories import make_org

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("integration_db")]
ROOT = Path(__file__).resolve().parents[2]


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def test_backup_then_restore_into_an_empty_database_gives_the_same_rows(tmp_path):
    union = make_org("Союз для копии", OrgKind.UNION)
    make_org("ТПО для копии", OrgKind.TERRITORIAL, union)
    source = _url(settings.DATABASES["default"]["NAME"])
    media = tmp_path / "media"
    (media / "news").mkdir(parents=True)
    (media / "news" / "photo.jpg").write_bytes(b"jpeg bytes")
    env = {**os.environ, "DATABASE_URL": source, "MEDIA_ROOT": str(media)}
    dump = (
        subprocess.run(
            ["bash", "scripts/backup.sh", str(tmp_path / "backups")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert Path(dump).stat().st_size > 0
    archives = list((tmp_path / "backups").glob("media-*.tar.gz"))
    assert len(archives) == 1

    scratch = "unionportal_restore_check"
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {scratch}")
    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "DATABASE_URL": _url(scratch), "MEDIA_ROOT": str(restored_media)}
    subprocess.run(
        ["bash", "scripts/restore.sh", dump, str(archives[0])], cwd=ROOT, env=env, check=True, capture_output=True
    )
    with psycopg.connect(_url(scratch)) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM orgs_organisation ORDER BY path")]
    assert names == ["Союз для копии", "ТПО для копии"]
    assert (restored_media / "news" / "photo.jpg").read_bytes() == b"jpeg bytes"
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)")
