#!/bin/sh
# The compose "backup" service: `platform backup --all` once a day at BACKUP_HOUR_UTC (default 3), for ever.
# A fixed hour rather than "every 24 h since start", so a restart or a deploy never moves the backup into
# the busy part of the day. `backup-daily.sh --health` is the service's health check:
#   unhealthy when the last run failed (any database, or its retention), or when no run has succeeded in
#   26 hours although the service has been up that long (the schedule is stuck or the runs hang).
set -u

STATE_DIR="${BACKUP_STATE_DIR:-/tmp/backup-state}"
STALE_MINUTES=1560 # 26 h: a day plus slack for a slow run

if [ "${1:-}" = "--health" ]; then
  [ ! -e "$STATE_DIR/failed" ] || exit 1
  # A success, or the start of the service, within the last 26 h.
  [ -n "$(find "$STATE_DIR" -maxdepth 1 \( -name succeeded -o -name started \) -mmin -"$STALE_MINUTES" 2>/dev/null)" ]
  exit
fi

hour="${BACKUP_HOUR_UTC:-3}"
case "$hour" in
  [0-9] | 1[0-9] | 2[0-3]) ;;
  *) echo "backup: BACKUP_HOUR_UTC must be an hour from 0 to 23 (got \"$hour\")" >&2; exit 2 ;;
esac

mkdir -p "$STATE_DIR"
touch "$STATE_DIR/started"

# As PID 1, sh ignores SIGTERM unless trapped, and a trap only runs between commands: children run in the
# background and are waited for, so `docker stop` ends a sleep at once and lets a running backup clean up
# its temp files (the CLI removes them on SIGTERM) before the container goes.
child=""
trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child"; fi; exit 143' TERM INT

while :; do
  now=$(date -u +%s)
  wait_s=$(( (hour * 3600 - now % 86400 + 86400) % 86400 ))
  echo "backup: next run at $(date -u -d "@$((now + wait_s))" +%Y-%m-%dT%H:%M:%SZ)"
  sleep "$wait_s" & child=$!
  wait "$child"
  node --import tsx scripts/platform.ts backup --all & child=$!
  if wait "$child"; then
    touch "$STATE_DIR/succeeded"
    rm -f "$STATE_DIR/failed"
  else
    touch "$STATE_DIR/failed"
  fi
  child=""
  # Never twice in the same second, however fast a run failed.
  sleep 1
done
