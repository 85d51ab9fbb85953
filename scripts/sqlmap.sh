#!/usr/bin/env bash
# A repeatable sqlmap scan of Voorproef's public forms and the GET parameters the site reads.
#
# Starts the production server (`manage.py run --production`: app server, task worker, scheduler)
# on a throwaway SQLite database with the demo essay, relaxes only the anti-spam settings that
# would refuse sqlmap's repeated posts before they reach the database code, runs one sqlmap per
# target and prints a summary. Results: var/sqlmap/<target>/ (command.txt, sqlmap.log,
# traffic.txt.gz: every request and response) and
# var/sqlmap/server.log. Needs Debian's sqlmap (apt-get install -y sqlmap) and `make install`.
#
#   scripts/sqlmap.sh                       # level 3, risk 2
#   SQLMAP_LEVEL=5 SQLMAP_RISK=3 scripts/sqlmap.sh
#   SQLMAP_TARGETS="home essay" scripts/sqlmap.sh
#   SQLMAP_REF=HEAD scripts/sqlmap.sh       # scan a commit (git archive), not the working tree
#   SQLMAP_LANES=1 scripts/sqlmap.sh        # one target at a time (default: three side by side)
#
# Parameters: every field of each form (except the honeypot `homepage`, which must stay empty,
# and `form_token`, which sqlmap refreshes from the essay page before every post) plus the
# User-Agent header, which the forms store; the Referer is read nowhere and is skipped. On the
# GET targets only the parameters the site reads (pagina, reactie, antwoord).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
LEVEL=${SQLMAP_LEVEL:-3}
RISK=${SQLMAP_RISK:-2}
TARGETS=${SQLMAP_TARGETS:-"comment message download my_data home comment_edit essay comments_page2"}
LANES=${SQLMAP_LANES:-3}
OUT=$ROOT/var/sqlmap

command -v sqlmap >/dev/null || { echo "sqlmap missing: apt-get install -y sqlmap" >&2; exit 1; }
[ -x "$PY" ] || { echo "$PY missing: run 'make install' first" >&2; exit 1; }

# Never scan whatever the caller's environment points at: a throwaway SQLite site only.
unset DATABASE_URL REDIS_URL EMAIL_URL EMAIL_URL_FILE MEDIA_ROOT PRIVATE_ROOT ALLOWED_HOSTS \
  BEHIND_PROXY SECRET_KEY SECRET_KEY_FILE EDITORS_EMAIL HOST
TMP=$(mktemp -d /tmp/voorproef-sqlmap.XXXXXX)
PORT=${SQLMAP_PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
BASE=http://127.0.0.1:$PORT
export VAR_DIR=$TMP/var PORT SITE_URL=$BASE DEBUG=0 WEB_CONCURRENCY=3 LOG_LEVEL=INFO
# Relaxed so the scan reaches the database code (defaults in README, Configuration):
export FORM_MIN_SECONDS=0                      # the token is fetched just before each post
export FORM_POSTS_PER_IP_PER_HOUR=100000000    # every request comes from 127.0.0.1
export FORM_POSTS_PER_EMAIL_PER_HOUR=100000000 # the same address in every request
export DOWNLOAD_MAILS_PER_ADDRESS_PER_DAY=100000000 # so the mail is queued too
export MAIL_ATTACHMENT_MAX_BYTES=0             # mail printed by the console backend stays small
export COMMENTS_FLOOD_SECONDS=0               # one scanner, many comments
export PRIVACY_MAILS_PER_ADDRESS_PER_DAY=100000000
# Not relaxable: the duplicate-comment check (409), a rule about the text, not a limit.

SERVER_PID=
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [ -f "$TMP/server.log" ] && cp "$TMP/server.log" "$OUT/server.log"
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$OUT"
mkdir -p "$OUT"
START=$(date +%s)

# The code to scan: the working tree, or a commit exported with git archive (read-only on the
# repository), for when the working tree is in the middle of someone's change.
APP=$ROOT
if [ -n "${SQLMAP_REF:-}" ]; then
  APP=$TMP/src
  mkdir -p "$APP"
  git -C "$ROOT" archive "$SQLMAP_REF" | tar -x -C "$APP"
  (cd "$APP/voorproef" && "$PY" ../manage.py compilemessages -v0)
  echo "scanning $(git -C "$ROOT" rev-parse --short "$SQLMAP_REF") (git archive of $SQLMAP_REF)"
else
  echo "scanning the working tree at $(git -C "$ROOT" rev-parse --short HEAD)" \
    "($(git -C "$ROOT" status --porcelain | wc -l) changed files)"
fi
cd "$APP"

"$PY" manage.py run --production --port "$PORT" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 120); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 1
done
curl -fsS -o /dev/null "$BASE/healthz"

# The essay's address, from the home page.
ESSAY_PATH=$(curl -fsS "$BASE/" | grep -oE 'href="/[a-z0-9-]+/"' | head -1 | cut -d'"' -f2)
[ -n "$ESSAY_PATH" ] || { echo "no essay linked from the home page" >&2; exit 1; }
ESSAY=$BASE$ESSAY_PATH

# Seed data so every GET parameter has something real to point at: 51 approved threads (so
# reacties/2/ exists), and a held comment whose author key is a valid ?reactie= value.
seed() {
  "$PY" manage.py shell -v0 -c "
from voorproef.comments.models import Comment
from voorproef.comments.services import author_key
from voorproef.essays.models import EssayPage
essay = EssayPage.objects.get(url_path__endswith='$ESSAY_PATH')
kind = '$1'
if kind == 'threads':
    for i in range(51):
        c = Comment.objects.create(essay=essay, name=f'Lezer {i}', email=f'lezer{i}@example.org',
                                   text=f'Reactie nummer {i}.', status=Comment.Status.APPROVED)
    held = Comment.objects.create(essay=essay, name='Wachtend', email='wacht@example.org',
                                  text='Wacht op goedkeuring.', status=Comment.Status.PENDING)
    print(c.pk, author_key(held))
else:  # a fresh approved comment its author may edit for ten minutes
    c = Comment.objects.create(essay=essay, name='Bewerker', email='bewerk@example.org',
                               text='Te bewerken reactie.', status=Comment.Status.APPROVED)
    print(c.pk, author_key(c))
"
}
read -r APPROVED_ID HELD_KEY < <(seed threads)
HELD_KEY_Q=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$HELD_KEY")

SQLMAP_COMMON=(--batch --level="$LEVEL" --risk="$RISK" --flush-session --disable-coloring)
# Forms: a fresh token from the essay page before every post (so no --threads with these).
FORM_OPTS=(--csrf-token=form_token --csrf-url="$ESSAY" --skip=homepage,Referer)
GET_OPTS=(--threads=4)
TOKEN=placeholder # replaced by sqlmap with a fresh token before each request

run_sqlmap() { # name, then sqlmap arguments
  local name=$1; shift
  mkdir -p "$OUT/$name"
  local cmd=(sqlmap "$@" "${SQLMAP_COMMON[@]}" --output-dir="$OUT/$name" -t "$OUT/$name/traffic.txt")
  printf '%q ' "${cmd[@]}" >"$OUT/$name/command.txt"
  echo >>"$OUT/$name/command.txt"
  echo "== $name: $(cat "$OUT/$name/command.txt")"
  local t0; t0=$(date +%s)
  "${cmd[@]}" >"$OUT/$name/sqlmap.log" 2>&1 || echo "   sqlmap ($name) exited with $?"
  echo $(( $(date +%s) - t0 )) >"$OUT/$name/seconds"
}

run_target() {
  case $1 in
    home) run_sqlmap home -u "$BASE/?pagina=1" -p pagina "${GET_OPTS[@]}" ;;
    essay) run_sqlmap essay -u "$ESSAY?reactie=$HELD_KEY_Q&antwoord=$APPROVED_ID" \
      -p reactie,antwoord "${GET_OPTS[@]}" ;;
    comments_page2) run_sqlmap comments_page2 \
      -u "${ESSAY}reacties/2/?reactie=$HELD_KEY_Q&antwoord=$APPROVED_ID" \
      -p reactie,antwoord "${GET_OPTS[@]}" ;;
    download)
      run_sqlmap download -u "${ESSAY}download/" "${FORM_OPTS[@]}" \
        --data "name=Sam%20Scanner&email=sam@example.org&newsletter=on&homepage=&form_token=$TOKEN" ;;
    message)
      run_sqlmap message -u "${ESSAY}bericht/" "${FORM_OPTS[@]}" \
        --data "name=Sam%20Scanner&email=sam@example.org&organisation=Gemeente&text=Mijn%20ervaring%20met%20publiek%20werken.&publish=on&publish_as=name&homepage=&form_token=$TOKEN" ;;
    comment)
      run_sqlmap comment -u "${ESSAY}reacties/plaatsen/" "${FORM_OPTS[@]}" \
        --data "text=Een%20reactie%20van%20de%20scan.&name=Sam%20Scanner&email=sam@example.org&url=https://example.org/&remember=on&notify=on&parent=$APPROVED_ID&homepage=&form_token=$TOKEN" ;;
    comment_edit) # the author's edit form: key valid 10 minutes, no form token (origin check only)
      local edit_id edit_key
      read -r edit_id edit_key < <(seed edit)
      edit_key=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$edit_key")
      run_sqlmap comment_edit -u "${ESSAY}reacties/$edit_id/bewerken/?reactie=$edit_key" \
        --data "text=Bewerkte%20reactie%20van%20de%20scan." --skip=Referer "${GET_OPTS[@]}" ;;
    my_data) # "Mijn gegevens": the address form, then the overview behind a link
      run_sqlmap my_data -u "$BASE/mijn-gegevens/" "${FORM_OPTS[@]}" \
        --data "email=sam@example.org&homepage=&form_token=$TOKEN" ;;
    *) echo "unknown target $1" >&2; return 2 ;;
  esac
}

# Targets dealt round-robin over $LANES lanes that run side by side; each lane one at a time.
read -ra TARGET_LIST <<<"$TARGETS"
LANE_PIDS=()
for ((lane = 0; lane < LANES; lane++)); do
  (
    for ((i = lane; i < ${#TARGET_LIST[@]}; i += LANES)); do run_target "${TARGET_LIST[i]}"; done
  ) &
  LANE_PIDS+=($!)
done
for pid in "${LANE_PIDS[@]}"; do wait "$pid"; done

# What the scan left in the database (did the posts get through to the code that stores them?).
STORED=$("$PY" manage.py shell -v0 -c "
from collections import Counter
from voorproef.comments.models import Comment
from voorproef.downloads.models import DownloadRequest
from voorproef.inbox.models import ReaderMessage
from voorproef.mail.models import OutgoingMail
print('download requests:', DownloadRequest.objects.count(), '| reader messages:',
      ReaderMessage.objects.count(), '| comments (52 seeded, +1 for comment_edit):',
      dict(Counter(Comment.objects.values_list('status', flat=True))), '| mails:',
      dict(Counter(OutgoingMail.objects.values_list('status', flat=True))))
")

echo
echo "== Summary (sqlmap $(sqlmap --version 2>/dev/null | head -1), level $LEVEL, risk $RISK)"
for target in $TARGETS; do
  d=$OUT/$target
  log=$d/sqlmap.log
  params=$(grep -oE "testing for SQL injection on .*parameter '[^']+'" "$log" \
    | sed -E "s/.*on (\(custom\) )?//; s/parameter //; s/'//g" | awk '!seen[$0]++' | paste -sd, -)
  # Request numbers, not request lines: sqlmap logs a redirected POST a second time ("POST None").
  requests=$(grep -oE '^HTTP request \[#[0-9]+' "$d/traffic.txt" 2>/dev/null | sort -u | wc -l)
  methods=$(grep -A1 -E '^HTTP request \[#' "$d/traffic.txt" 2>/dev/null \
    | grep -oE '^(GET|POST) /[^ ]*' | sed -E 's/\?.*//' | sort | uniq -c \
    | awk '{printf "%s %s ×%s, ", $2, $3, $1}' | sed 's/, $//')
  statuses=$(grep -oE '^HTTP response \[#[0-9]+\] \([0-9]+' "$d/traffic.txt" 2>/dev/null \
    | awk -F'(' '{print $2}' | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')
  # sqlmap first says a parameter "appears to be ... injectable", then confirms it ("identified
  # the following injection point") or drops it ("false positive or unexploitable").
  tentative=$(grep -oE "parameter '[^']+' appears to be '[^']+'" "$log" | sed -E "s/ appears to be /: /" | paste -sd';' - || true)
  if grep -qE "is vulnerable|identified the following injection point" "$log"; then
    result="INJECTION FOUND (see $log)"
  elif grep -q "all tested parameters do not appear to be injectable" "$log"; then
    result="no injection"
    [ -n "$tentative" ] && result+=" (tentative hit dropped by sqlmap as false positive: $tentative)"
  else
    result="inconclusive: $(grep -E '\[(CRITICAL|ERROR)\]' "$log" | tail -1 || echo 'see log')"
  fi
  printf '%-15s %4ss  params: %s\n                requests: %s (%s)\n                statuses: %s\n                result: %s\n' \
    "$target" "$(cat "$d/seconds")" "${params:-none}" "${requests:-0}" "$methods" "${statuses:-?}" "$result"
done
echo "stored: $STORED"
srv=$TMP/server.log
echo "server: $(grep -cE '" 500 ' "$srv" || true) responses with status 500," \
  "$(grep -c 'Traceback' "$srv" || true) tracebacks," \
  "$(grep -cE ' (ERROR|CRITICAL) ' "$srv" || true) ERROR lines (log: $OUT/server.log)"
grep -E '" 500 |Traceback| (ERROR|CRITICAL) ' "$srv" | head -20 || true
echo "guard refusals logged by the app:"
grep -oE 'refused: [^(]+' "$srv" | sort | uniq -c | sed 's/^/  /' || true
# The traffic logs run to a gigabyte (every response in full); kept compressed, read with zgrep.
gzip -f "$OUT"/*/traffic.txt 2>/dev/null || true
echo "total: $(( $(date +%s) - START ))s"
