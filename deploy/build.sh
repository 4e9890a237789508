#!/usr/bin/env bash
# The build steps of the container image, in one script: deploy/Dockerfile runs it (release) and scripts/test runs it
# (debug, on the test build it has just made), so the image's build and CI's cannot drift apart.
#
#   bash deploy/build.sh [--configuration release|debug] [--output DIR] [--scratch-path DIR]
#
# 1. Installs the Debian build packages (scripts/lib.sh's list, the one scripts/test installs; release adds
#    libcurl4-openssl-dev, which the static Swift runtime's FoundationNetworking links, and binutils' strip).
# 2. Builds the `lodestar` product. release (the default): `swift build -c release --static-swift-stdlib`, so the
#    image needs no Swift runtime. debug: `swift build --product lodestar` with scripts/test's flags (none), so
#    after its `swift build --build-tests` nothing is rebuilt (about a second); the Swift runtime libraries the
#    debug binary loads are then staged beside it.
# 3. Stages the runtime tree in DIR (default .build/deploy):
#      DIR/app/bin/lodestar, DIR/app/bin/healthcheck   the binary (release: debug info stripped, symbols kept) and
#                                                       the image's HEALTHCHECK command
#      DIR/app/bin/Lodestar_InferenceAPI.resources/    the resource bundles of RESOURCE_TARGETS (openapi.yaml),
#                                                       beside the binary, where Bundle.module looks first
#      DIR/app/jobs/*.yaml                              the job files that ship
#      DIR/app/lib/                                     Swift runtime libraries the binary loads (none when static)
#      DIR/runtime-packages.txt                         Debian packages the runtime image installs: the owners of
#                                                       every other library the binary loads, plus ca-certificates
#                                                       and tzdata (TLS to Google and MongoDB; job time zones)
# 4. Checks the staged tree: `ldd` finds every library (each in DIR/app/lib or owned by a listed package, none of
#    them a -dev package), the staged openapi.yaml is the repository's, `lodestar --help` runs, and `lodestar serve
#    --only api` started from DIR/app answers the health check, serves that openapi.yaml at /openapi.yaml and exits 0
#    on SIGTERM. Any failure exits non-zero with what was wrong.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$LODESTAR_ROOT"

configuration=release
output="$LODESTAR_ROOT/.build/deploy"
scratch=()
while [ $# -gt 0 ]; do
    case "$1" in
        --configuration|-c) configuration="${2:?--configuration needs release or debug}"; shift 2 ;;
        --output|-o) output="${2:?--output needs a folder}"; shift 2 ;;
        --scratch-path) scratch=(--scratch-path "${2:?--scratch-path needs a folder}"); shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "deploy/build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
fail() { echo "deploy/build.sh: $*" >&2; exit 1; }

# The targets linked into `lodestar` that have resources (Package.swift's `resources:`; deploy/check compares the
# two lists). SwiftPM builds each into a bundle `<package>_<target>.resources` in the bin folder
# (Lodestar_InferenceAPI.resources; globbed, as the prefix is SwiftPM's choice), and Bundle.module looks for it beside
# the executable first, then at its absolute build path, which the image does not have.
RESOURCE_TARGETS=(InferenceAPI)

# Packages the runtime image needs beyond the libraries' owners: CA certificates (https to Google, TLS to MongoDB
# Atlas) and the time-zone database (job files' time_zone).
EXTRA_RUNTIME_PACKAGES=(ca-certificates tzdata)

# A static Swift runtime links FoundationNetworking's libcurl itself (-lcurl), so a release build needs its
# development files too (the Swift images ship them; a bare Debian machine does not).
[ "$configuration" = release ] && APT_PACKAGES+=(libcurl4-openssl-dev binutils)
ensure_apt
case "$configuration" in
    release) build=(swift build -c release --static-swift-stdlib --product lodestar "${scratch[@]}") ;;
    debug) build=(swift build --product lodestar "${scratch[@]}") ;;
    *) fail "unknown configuration '$configuration' (release or debug)" ;;
esac
log "building: ${build[*]}"
started=$SECONDS
"${build[@]}"
log "build done in $((SECONDS - started)) s"
bin_path="$(swift build --show-bin-path ${configuration:+-c "$configuration"} "${scratch[@]}")"
[ -x "$bin_path/lodestar" ] || fail "the build left no executable at $bin_path/lodestar"

# --- stage -----------------------------------------------------------------------------------------------------
rm -rf "$output"
mkdir -p "$output/app/bin" "$output/app/jobs" "$output/app/lib"
cp "$bin_path/lodestar" "$output/app/bin/lodestar"
# Release: without DWARF (168 → 113 MB), keeping the symbol table, so crash backtraces still name functions.
if [ "$configuration" = release ]; then strip --strip-debug "$output/app/bin/lodestar"; fi
cp "$LODESTAR_ROOT/deploy/healthcheck" "$output/app/bin/healthcheck"
chmod 0755 "$output/app/bin/lodestar" "$output/app/bin/healthcheck"
shopt -s nullglob
for target in "${RESOURCE_TARGETS[@]}"; do
    bundles=("$bin_path"/*_"$target".resources)
    [ ${#bundles[@]} -eq 1 ] || fail "expected one resource bundle *_$target.resources in $bin_path, found ${#bundles[@]}"
    cp -R "${bundles[0]}" "$output/app/bin/"
done
staged_openapi=("$output"/app/bin/*_InferenceAPI.resources/openapi.yaml)
[ ${#staged_openapi[@]} -eq 1 ] && cmp -s "${staged_openapi[0]}" "$LODESTAR_ROOT/Sources/InferenceAPI/Resources/openapi.yaml" \
    || fail "the staged resource bundle does not hold Sources/InferenceAPI/Resources/openapi.yaml"
jobs=("$LODESTAR_ROOT"/jobs/*.yaml "$LODESTAR_ROOT"/jobs/*.yml)
[ ${#jobs[@]} -gt 0 ] || fail "no job files in jobs/"
cp "${jobs[@]}" "$output/app/jobs/"

# The Debian package owning each library, from one `dpkg -S` over every path `ldd` printed, each tried as given,
# resolved through symlinks (update-alternatives' libblas.so.3) and with or without the /usr prefix (merged /usr).
declare -A OWNER=()
candidates() { # candidates PATH: the spellings dpkg may know PATH by
    local p real
    real="$(readlink -f "$1")"
    for p in "$1" "$real"; do
        echo "$p"
        case "$p" in /usr/*) echo "${p#/usr}" ;; *) echo "/usr$p" ;; esac
    done
}
lookup_owners() { # lookup_owners LDD_OUTPUT: fills OWNER[path]
    local all=() line path pkg
    while read -r path; do
        [ -n "$path" ] && mapfile -t -O "${#all[@]}" all < <(candidates "$path")
    done < <(sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p' <<<"$1")
    [ ${#all[@]} -gt 0 ] || return 0
    while IFS= read -r line; do
        case "$line" in diversion*) continue ;; esac
        pkg="${line%%: /*}"; path="${line#*: }"
        pkg="${pkg%%,*}"; OWNER["$path"]="${pkg%%:*}"
    done < <(dpkg -S "${all[@]}" 2>/dev/null || true)
}
owner_package() { # owner_package PATH: prints the owning package, or fails
    local c
    while read -r c; do
        if [ -n "${OWNER[$c]:-}" ]; then echo "${OWNER[$c]}"; return 0; fi
    done < <(candidates "$1")
    return 1
}

packages=("${EXTRA_RUNTIME_PACKAGES[@]}")
toolchain_root="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
ldd_out="$(ldd "$output/app/bin/lodestar")" || fail "ldd cannot read the staged binary"
lookup_owners "$ldd_out"
while read -r line; do
    case "$line" in *"not found"*) fail "the binary needs a library the build machine lacks: $line" ;; esac
    path="$(sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p' <<<"$line")"
    [ -n "$path" ] || continue   # linux-vdso and the dynamic loader's own line
    if pkg="$(owner_package "$path")"; then
        packages+=("$pkg")
    elif [[ "$(readlink -f "$path")" == "$toolchain_root"/* ]]; then
        cp -L "$path" "$output/app/lib/$(basename "$path")"   # a Swift runtime library (debug builds only)
    else
        fail "no Debian package owns $path (from: $line), so the runtime image could not install it"
    fi
done <<<"$ldd_out"
printf '%s\n' "${packages[@]}" | sed 's/:.*//' | sort -u > "$output/runtime-packages.txt"
if grep -- '-dev$' "$output/runtime-packages.txt"; then fail "a -dev package would be needed at run time (above)"; fi
if [ "$configuration" = release ] && [ -n "$(ls -A "$output/app/lib")" ]; then
    fail "a static release build still loads Swift runtime libraries: $(ls "$output/app/lib" | tr '\n' ' ')"
fi

# --- check the staged tree --------------------------------------------------------------------------------------
# The image sets LD_LIBRARY_PATH=/app/lib; it is searched before the binary's RUNPATH, so here too every Swift
# library comes from the staged folder, and every other one must belong to a listed package.
staged_ldd="$(LD_LIBRARY_PATH="$output/app/lib" ldd "$output/app/bin/lodestar")"
lookup_owners "$staged_ldd"
listed="$(cat "$output/runtime-packages.txt")"
while read -r line; do
    case "$line" in *"not found"*) fail "with the staged libraries, ldd does not find: $line" ;; esac
    path="$(sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p' <<<"$line")"
    [ -n "$path" ] || continue
    [[ "$path" == "$output/app/lib/"* ]] && continue
    pkg="$(owner_package "$path")" || fail "$path is neither staged nor owned by a Debian package"
    grep -qx "${pkg%%:*}" <<<"$listed" || fail "$path belongs to $pkg, which runtime-packages.txt does not list"
done <<<"$staged_ldd"
LD_LIBRARY_PATH="$output/app/lib" "$output/app/bin/lodestar" --help > "$output/help.txt" 2>&1 \
    || { cat "$output/help.txt" >&2; fail "the staged 'lodestar --help' failed"; }
grep -q 'serve' "$output/help.txt" || fail "'lodestar --help' does not list serve"
rm -f "$output/help.txt"

# serve --only api from the staged tree (its jobs/ folder, a scratch models folder), probed by the image's
# health check; /healthz needs no MongoDB, so this runs in an image build as well as in CI (MONGODB_URI points at a
# closed port: the check touches no database). The API needs token keys to start: a throwaway development secret.
# A free port without Python (the Swift build image may not have it): a random one nothing answers on.
port=""
for _ in $(seq 1 50); do
    candidate=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || fail "found no free loopback port"
scratch_models="$(mktemp -d)"
(cd "$output/app" && LD_LIBRARY_PATH="$output/app/lib" PORT="$port" LODESTAR_MODELS_DIR="$scratch_models" \
    MONGODB_URI="mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500" LODESTAR_ARTIFACTS=mongodb \
    LODESTAR_JWT_SECRET="$(head -c 32 /dev/urandom | base64)" LODESTAR_JWKS_URL="" \
    exec ./bin/lodestar serve --only api --host 127.0.0.1 --log-level info) > "$output/serve.log" 2>&1 &
serve_pid=$!
healthy=""
for _ in $(seq 1 150); do
    if PORT="$port" "$output/app/bin/healthcheck"; then healthy=yes; break; fi
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.2
done
# The contract it serves is the staged file's bytes (curl: one of the build packages above).
served_openapi=""
if [ -n "$healthy" ] && curl -fsS --max-time 5 -o "$output/openapi.served" "http://127.0.0.1:$port/openapi.yaml" \
    && cmp -s "$output/openapi.served" "${staged_openapi[0]}"; then served_openapi=yes; fi
rm -f "$output/openapi.served"
kill -TERM "$serve_pid" 2>/dev/null || true
for _ in $(seq 1 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.2; done
stopped=yes; kill -0 "$serve_pid" 2>/dev/null && { stopped=""; kill -KILL "$serve_pid" 2>/dev/null || true; }
status=0; wait "$serve_pid" 2>/dev/null || status=$?
rm -rf "$scratch_models"
if [ -z "$healthy" ]; then tail -20 "$output/serve.log" >&2; fail "the staged 'lodestar serve' did not pass the health check"; fi
[ -n "$served_openapi" ] || { tail -20 "$output/serve.log" >&2; fail "the staged 'lodestar serve' did not serve openapi.yaml at /openapi.yaml"; }
[ -n "$stopped" ] || { tail -20 "$output/serve.log" >&2; fail "the staged 'lodestar serve' did not exit within 20 s of SIGTERM"; }
[ "$status" = 0 ] || { tail -20 "$output/serve.log" >&2; fail "the staged 'lodestar serve' exited $status after SIGTERM (expected 0)"; }
# The API read the staged job files (its start line counts them): they parse with this binary.
grep 'HTTP API starting' "$output/serve.log" | grep -Eq "(^| )jobs=${#jobs[@]}( |$)" \
    || { grep 'HTTP API starting' "$output/serve.log" >&2; fail "the staged serve did not load the ${#jobs[@]} job files of app/jobs"; }
rm -f "$output/serve.log"

log "staged $configuration build in $output: $(du -sh "$output/app" | cut -f1), runtime packages: $(tr '\n' ' ' < "$output/runtime-packages.txt")"
