#!/usr/bin/env bash
# Back up the PostgreSQL database (pg_dump custom format) and the media files.
# Usage: scripts/backup.sh [DIR]      (DATABASE_URL must point at PostgreSQL; MEDIA_ROOT optional)
# With docker-compose: docker compose exec -T web scripts/backup.sh /app/media/../backups
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
dir=${1:-backups}
mkdir -p "$dir"
stamp=$(date -u +%Y%m%d-%H%M%S)
dump="$dir/unionportal-$stamp.dump"
pg_dump --format=custom --no-owner --no-privileges --file "$dump" "$DATABASE_URL"
media=${MEDIA_ROOT:-media}
if [ -d "$media" ]; then
  tar -czf "$dir/media-$stamp.tar.gz" -C "$media" .
fi
echo "$dump"
