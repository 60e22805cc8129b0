#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into DATABASE_URL (replacing what is there).
# Usage: scripts/restore.sh FILE.dump [MEDIA.tar.gz]
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to restore into}"
dump=${1:?name the .dump file}
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --dbname "$DATABASE_URL" "$dump"
if [ "${2:-}" ]; then
  media=${MEDIA_ROOT:-media}
  mkdir -p "$media"
  tar -xzf "$2" -C "$media"
fi
echo "restored $dump"
