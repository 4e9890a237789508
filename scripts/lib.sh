# Shared shell helpers for scripts/test, scripts/quickstart, bench/run and .ci/run.
# Idempotent: safe on a fresh machine and on one where they already ran.

LODESTAR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APT_PACKAGES=(pkg-config libmongoc-dev libbson-dev libopenblas-dev liblapack-dev zlib1g-dev libsnappy-dev curl)

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

ensure_apt() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing Debian packages: ${missing[*]}"
        local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# ensure_venv DIR REQUIREMENTS_FILE: a venv whose packages match the requirements file (re-installed when it changes).
ensure_venv() {
    local dir="$1" req="$2" stamp
    stamp="$(sha256sum "$req" | cut -c1-16)"
    if [ ! -x "$dir/bin/python" ] || [ "$(cat "$dir/.lodestar-stamp" 2>/dev/null)" != "$stamp" ]; then
        log "preparing Python venv $dir from $req"
        python3 -m venv "$dir"
        "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
        echo "$stamp" > "$dir/.lodestar-stamp"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # wait_port PORT NAME PID
    local port="$1" name="$2" pid="$3"
    for _ in $(seq 1 150); do
        if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1',$port)))" 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { log "$name exited before listening"; return 1; }
        sleep 0.2
    done
    log "$name did not listen on port $port within 30 s"; return 1
}

LODESTAR_PIDS=()
stop_services() {
    # Runs from an EXIT trap under `set -e`: nothing here may fail (a killed server's status is 143).
    # SIGTERM first, SIGKILL for a server still up 10 s later, so no server outlives the script.
    local pid i
    for pid in "${LODESTAR_PIDS[@]:-}"; do
        [ -n "$pid" ] || continue
        kill "$pid" 2>/dev/null || true
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    LODESTAR_PIDS=()
    if [ -n "${LODESTAR_SERVICE_DIR:-}" ]; then rm -rf "$LODESTAR_SERVICE_DIR" || true; fi
    return 0
}

# trap_services: stop the servers this script starts on every exit path (normal exit, error, Ctrl-C, SIGTERM, SIGHUP).
trap_services() {
    trap stop_services EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}

# start_mongo VENV: SecantusDB (MongoDB wire protocol, one-node replica set) on a free loopback port; exports MONGODB_URI.
start_mongo() {
    local venv="$1" port
    : "${LODESTAR_SERVICE_DIR:=$(mktemp -d /tmp/lodestar-services.XXXXXX)}"
    port="$(free_port)"
    mkdir -p "$LODESTAR_SERVICE_DIR/mongo"
    "$venv/bin/secantusd-py" --host 127.0.0.1 --port "$port" --storage-path "$LODESTAR_SERVICE_DIR/mongo" \
        > "$LODESTAR_SERVICE_DIR/mongo.log" 2>&1 &
    LODESTAR_PIDS+=($!)
    wait_port "$port" SecantusDB $! || { tail -20 "$LODESTAR_SERVICE_DIR/mongo.log" >&2; return 1; }
    export MONGODB_URI="mongodb://127.0.0.1:$port/?replicaSet=secantus"
    log "SecantusDB listening: $MONGODB_URI"
}

# start_gcs VENV: gcp-storage-emulator on a free loopback port; exports STORAGE_EMULATOR_HOST.
start_gcs() {
    local venv="$1" port
    : "${LODESTAR_SERVICE_DIR:=$(mktemp -d /tmp/lodestar-services.XXXXXX)}"
    port="$(free_port)"
    mkdir -p "$LODESTAR_SERVICE_DIR/gcs"
    "$venv/bin/gcp-storage-emulator" -d "$LODESTAR_SERVICE_DIR/gcs" start --host 127.0.0.1 --port "$port" -q \
        > "$LODESTAR_SERVICE_DIR/gcs.log" 2>&1 &
    LODESTAR_PIDS+=($!)
    wait_port "$port" gcp-storage-emulator $! || { tail -20 "$LODESTAR_SERVICE_DIR/gcs.log" >&2; return 1; }
    export STORAGE_EMULATOR_HOST="http://127.0.0.1:$port"
    log "GCS emulator listening: $STORAGE_EMULATOR_HOST"
}

# start_pubsub VENV: the project's Pub/Sub REST emulator (scripts/pubsub_emulator.py, standard library only) on a free
# loopback port; exports PUBSUB_EMULATOR_HOST (host:port, as Google's emulator does).
start_pubsub() {
    local venv="$1" port
    : "${LODESTAR_SERVICE_DIR:=$(mktemp -d /tmp/lodestar-services.XXXXXX)}"
    port="$(free_port)"
    "$venv/bin/python" "$LODESTAR_ROOT/scripts/pubsub_emulator.py" --host 127.0.0.1 --port "$port" \
        > "$LODESTAR_SERVICE_DIR/pubsub.log" 2>&1 &
    LODESTAR_PIDS+=($!)
    wait_port "$port" pubsub-emulator $! || { tail -20 "$LODESTAR_SERVICE_DIR/pubsub.log" >&2; return 1; }
    export PUBSUB_EMULATOR_HOST="127.0.0.1:$port"
    log "Pub/Sub emulator listening: $PUBSUB_EMULATOR_HOST"
}
