#!/usr/bin/env bash
# Two Routing Lab replicas behind nginx (Debian's package) on loopback, with sticky sessions.
#
#   deploy/serve_two_replicas.sh [PROXY_PORT] [PORT_A] [PORT_B]     (defaults 8600 8601 8602)
#
# Open http://127.0.0.1:PROXY_PORT/workshop. Each replica is `routing-lab app --headless` (what
# `uv run routing-lab` starts), bound to 127.0.0.1; both share one cookie secret so either can check
# the other's cookies. Ctrl-C (or SIGTERM) stops nginx and both replicas. Logs and nginx's files go to
# a temporary folder, printed at start. Needs: nginx (apt-get install nginx), uv or the project's .venv.
set -euo pipefail

PROXY_PORT="${1:-8600}"
PORT_A="${2:-8601}"
PORT_B="${3:-8602}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HERE")"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
if [[ ! -x "$NGINX" ]]; then
    echo "nginx not found: install it (apt-get install nginx) or set NGINX=/path/to/nginx" >&2
    exit 2
fi
if [[ -x "$REPO/.venv/bin/routing-lab" ]]; then
    LAB=("$REPO/.venv/bin/routing-lab")
else
    LAB=(uv run --project "$REPO" routing-lab)
fi

PREFIX="$(mktemp -d -t routing-lab-proxy.XXXXXX)"
mkdir -p "$PREFIX/tmp"
sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" -e "s|@PORT_A@|$PORT_A|g" -e "s|@PORT_B@|$PORT_B|g" \
    "$HERE/nginx-two-replicas.conf.template" > "$PREFIX/nginx.conf"

export STREAMLIT_SERVER_ADDRESS=127.0.0.1
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')}"
export LITELLM_LOCAL_MODEL_COST_MAP=True

pids=()
stop() {
    trap - EXIT INT TERM
    [[ -f "$PREFIX/nginx.pid" ]] && kill "$(cat "$PREFIX/nginx.pid")" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop EXIT INT TERM

cd "$REPO"
"${LAB[@]}" app --headless --port "$PORT_A" > "$PREFIX/replica-a.log" 2>&1 &
pids+=($!)
"${LAB[@]}" app --headless --port "$PORT_B" > "$PREFIX/replica-b.log" 2>&1 &
pids+=($!)
healthy() {  # until the replica on port $1 answers its health check (2 minutes at most)
    for _ in $(seq 1 600); do
        python3 -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$1/_stcore/health', timeout=1)" \
            2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
for port in "$PORT_A" "$PORT_B"; do
    healthy "$port" || { echo "the replica on port $port did not start: see $PREFIX/replica-*.log" >&2; exit 1; }
done
"$NGINX" -p "$PREFIX" -e "$PREFIX/error.log" -c "$PREFIX/nginx.conf" -g "daemon off;" &
pids+=($!)
echo "Routing Lab on http://127.0.0.1:$PROXY_PORT/ (replicas on $PORT_A and $PORT_B; files in $PREFIX)"
wait -n "${pids[@]}"
echo "a process stopped; stopping the rest (logs in $PREFIX)" >&2
