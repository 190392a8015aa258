#!/bin/sh
# manage.py with the production environment, as the site's user (docs/deploy.md):
#   sudo -u branchsite /srv/branchsite/deploy/manage.sh createsuperuser
# The environment is the file's alone (ENV_FILE, default /etc/branchsite/branchsite.env),
# read as systemd reads it, so a command sees what the service sees.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
exec "$here/.venv/bin/python" "$here/scripts/with-env-file.py" \
    "${ENV_FILE:-/etc/branchsite/branchsite.env}" \
    "$here/.venv/bin/python" "$here/manage.py" "$@"
