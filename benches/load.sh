#!/usr/bin/env bash
# The load benchmark (issue #15). Builds madoguchi (release) and the floors (benches/floors, an example target), loads a made-up
# dataset of SCALE requests (`madoguchi demo-data --scale`), signs a resident and an officer in (sessions made
# with `madoguchi demo-session`), and drives each page with wrk on loopback. Prints requests/s, p50, p99 and the
# ratio to its floor for each page, and writes benches/RESULTS.md.
#
#   benches/load.sh                      # 10,000 requests on SQLite
#   SCALE=1000000 benches/load.sh        # a million
#   DATABASE_URL=postgres://… benches/load.sh   # on PostgreSQL (an empty database)
#
# Knobs: SCALE (10000), PROFILE (release), CONNECTIONS (64), DURATION (10s), THREADS (2), PORT (18080; the floors use PORT+1),
# RESULTS (benches/RESULTS.md; "-" prints only).
set -euo pipefail

cd "$(dirname "$0")/.."
SCALE=${SCALE:-10000}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
FLOOR_PORT=$((PORT + 1))
RESULTS=${RESULTS:-benches/RESULTS.md}
# release for figures worth comparing; dev only to try the script quickly (its figures mean little).
PROFILE=${PROFILE:-release}

if ! command -v wrk >/dev/null; then
    echo "Installing wrk…"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

echo "Building ($PROFILE)…"
cargo build --profile "$PROFILE" --quiet --bin madoguchi --example floors
OUT=target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

export MADOGUCHI_DATA_DIR="$WORK"
export DATABASE_URL=${DATABASE_URL:-"sqlite:$WORK/bench.db?mode=rwc"}
export MADOGUCHI_BIND="127.0.0.1:$PORT"
export MADOGUCHI_BASE_URL="http://localhost:$PORT"
export MADOGUCHI_DEMO=false
export MADOGUCHI_LOG=warn
BIN=$OUT/madoguchi

echo "Loading $SCALE requests…"
LOADED=$("$BIN" demo-data --scale "$SCALE")
echo "$LOADED"
# A resident with an issued request (a timeline of four events), one with a draft to answer questions in, and
# the officer of the first demo insurer (its queue).
RESIDENT=$("$BIN" demo-session sc-0000003)
DRAFTER=$("$BIN" demo-session sc-0000007)
OFFICER=$("$BIN" demo-session p-tanaka)

"$BIN" serve >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
"$OUT/examples/floors" "$FLOOR_PORT" "$WORK/floor.db" >"$WORK/floors.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && curl -sf "http://127.0.0.1:$FLOOR_PORT/hello" >/dev/null && break
    sleep 0.2
done

BASE="http://127.0.0.1:$PORT"
FLOOR="http://127.0.0.1:$FLOOR_PORT"
CODE=$(sqlite3 "$WORK/bench.db" "SELECT code FROM certificates WHERE request_id = 'sc-req-00000003'" 2>/dev/null || true)
if [ -z "$CODE" ]; then
    # PostgreSQL, or no sqlite3: the verification code is on the certificate page the resident sees.
    CODE=$(curl -s -b "session=$RESIDENT" "$BASE/certificates" | grep -o '/verify/[A-Za-z0-9_-]*' | head -1 | cut -d/ -f3)
fi
REFERENCE=$(curl -s -b "session=$RESIDENT" "$BASE/requests/sc-req-00000003" | grep -o 'R-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-.' | head -1)

# The question page's CSRF pair: the cookie and the form's token.
curl -s -c "$WORK/jar" -b "session=$DRAFTER" "$BASE/certificates/sc-req-00000007/reason" >"$WORK/form.html"
CSRF_COOKIE=$(awk '$6 == "csrf" { print $7 }' "$WORK/jar")
CSRF_TOKEN=$(grep -o 'name="csrf_token" value="[^"]*"' "$WORK/form.html" | head -1 | sed 's/.*value="//; s/"$//')
TRACK_TOKEN_JAR="$WORK/track-jar"
curl -s -c "$TRACK_TOKEN_JAR" "$BASE/track" >"$WORK/track.html"
TRACK_COOKIE=$(awk '$6 == "csrf" { print $7 }' "$TRACK_TOKEN_JAR")
TRACK_TOKEN=$(grep -o 'name="csrf_token" value="[^"]*"' "$WORK/track.html" | head -1 | sed 's/.*value="//; s/"$//')

post_script() { # body → a wrk Lua script that POSTs it as a form
    cat >"$WORK/$1.lua" <<LUA
wrk.method = "POST"
wrk.body = "$2"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
    echo "$WORK/$1.lua"
}
QUESTION_LUA=$(post_script question "csrf_token=$CSRF_TOKEN&reason=lost-or-renewing")
TRACK_LUA=$(post_script track "csrf_token=$TRACK_TOKEN&reference=$REFERENCE&birth_date=1943-04-04")

to_ms() { # wrk latency (850.00us, 1.20ms, 2.00s) → milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0; if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000;
        printf "%.2f", n }'
}

ROWS=()
declare -A RPS
run() { # name floor url [wrk options…]
    local name=$1 floor=$2 url=$3
    shift 3
    local out
    # A pause first, so the server has finished the previous run's queued requests.
    sleep 2
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency "$@" "$url")
    [ -n "${VERBOSE:-}" ] && echo "$out" >&2
    local rps p50 p99 errors ratio
    rps=$(echo "$out" | awk '/^Requests\/sec/ { printf "%d", $2 }')
    p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
    p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
    errors=$(echo "$out" | awk '/Non-2xx or 3xx/ { print $5 }')
    RPS[$name]=$rps
    ratio="-"
    if [ -n "$floor" ] && [ -n "${RPS[$floor]:-}" ] && [ "${RPS[$floor]}" -gt 0 ]; then
        ratio=$(awk -v a="$rps" -v b="${RPS[$floor]}" 'BEGIN { printf "%d %%", 100 * a / b }')
    fi
    local row
    row=$(printf "| %-34s | %8s | %7s | %7s | %-10s | %s |" "$name" "$rps" "$p50" "$p99" "$ratio" "${errors:-0}")
    echo "$row"
    ROWS+=("$row")
}

echo
printf "| %-34s | %8s | %7s | %7s | %-10s | %s |\n" "page" "req/s" "p50 ms" "p99 ms" "of floor" "non-2xx/3xx"
run "floor: hello" "" "$FLOOR/hello"
run "floor: one read (native SQLite)" "" "$FLOOR/read" -H "Cookie: session=tok-42"
run "floor: one read (Any driver)" "floor: one read (native SQLite)" "$FLOOR/read-any" -H "Cookie: session=tok-42"
run "/ (anonymous)" "floor: hello" "$BASE/"
run "/track (anonymous form)" "floor: hello" "$BASE/track"
run "/verify/{code}" "floor: hello" "$BASE/verify/$CODE"
run "POST /track (rate-limited lookup)" "floor: hello" "$BASE/track" -s "$TRACK_LUA" -H "Cookie: csrf=$TRACK_COOKIE"
run "/requests (resident)" "floor: one read (native SQLite)" "$BASE/requests" -H "Cookie: session=$RESIDENT"
run "/requests/{id} (timeline)" "floor: one read (native SQLite)" "$BASE/requests/sc-req-00000003" -H "Cookie: session=$RESIDENT"
run "/office (officer home)" "floor: one read (native SQLite)" "$BASE/office" -H "Cookie: session=$OFFICER"
run "POST question page" "floor: one read (native SQLite)" "$BASE/certificates/sc-req-00000007/reason" -s "$QUESTION_LUA" -H "Cookie: session=$DRAFTER; csrf=$CSRF_COOKIE"
# Last: the queue lists every open request of the insurer (no pages yet), and a slow run leaves a backlog.
run "/office/certificates (queue)" "floor: one read (native SQLite)" "$BASE/office/certificates" -H "Cookie: session=$OFFICER"

[ "$RESULTS" = "-" ] && exit 0
{
    echo "### $(date -u '+%Y-%m-%d %H:%M UTC'): $SCALE requests on ${DATABASE_URL%%:*}"
    echo
    echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)."
    echo "Command: \`PROFILE=$PROFILE SCALE=$SCALE CONNECTIONS=$CONNECTIONS DURATION=$DURATION benches/load.sh\` (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, loopback)."
    echo "Dataset: $LOADED"
    echo
    echo "| page | req/s | p50 ms | p99 ms | of floor | non-2xx/3xx |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    for row in "${ROWS[@]}"; do echo "$row" | sed 's/  */ /g'; done
    echo
} >>"$RESULTS"
echo
echo "Appended to $RESULTS."
