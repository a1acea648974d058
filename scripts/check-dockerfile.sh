#!/usr/bin/env bash
# Proves the Dockerfile builds and the image runs: builds storage-ops:latest on the engine in
# DOCKER_HOST, runs it the way the Dockerfile's header says (engine socket mounted, --group-add
# of the socket's group, STORAGE_OPS_HTTP_HOST=0.0.0.0) and checks the non-root user, the logs
# of `serve`, the HEALTHCHECK, `report` and `driver` from inside (with the image as its own
# helper image), the tools the helper needs, the DOCKER_GID build argument and a clean stop.
# Prints one PASS/FAIL line per check and exits non-zero if any failed. Slow (a full image
# build), so not part of `npm test`.
#
# usage: DOCKER_HOST=unix:///path/to/docker.sock scripts/check-dockerfile.sh
#
# The engine should be a disposable one: the script tags storage-ops:latest there (the image's
# default helper image) and starts, then removes, a container, a volume and a second image.
#
# When NODE_IMAGE (default node:22-bookworm-slim) is not on the engine, a stand-in is built and
# imported as local/node:22-bookworm-slim (reused on later runs; STANDIN_REBUILD=1 rebuilds it):
# a debootstrap'ed Debian bookworm (minbase) with the npm registry's node-linux-<arch>@22 binary
# and npm@10 under /usr/local, like the official image. That needs root, debootstrap, npm and
# tar here. CA certificates this machine added in /usr/local/share/ca-certificates (e.g. a
# TLS-inspecting proxy's) are copied into the stand-in and set as NODE_EXTRA_CA_CERTS so that
# `npm ci` in the build can reach the registry; STANDIN_EXTRA_CA=none leaves them out.
#
# Other settings (environment):
#   BUILD_NETWORK   network for RUN steps during the build (default host; empty: engine default)
#   ENGINE_SOCKET   the engine's socket path on the engine host, to mount into the container
#                   (default: the path in DOCKER_HOST when it is unix://, else /var/run/docker.sock)
#   HEALTH_TIMEOUT  seconds to wait for the health check to report healthy (default 120)
#   DEBIAN_MIRROR   for debootstrap (default http://deb.debian.org/debian)
#   KEEP=1          leave the check container and volume in place for a look afterwards
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
: "${DOCKER_HOST:?set DOCKER_HOST to the engine to build and run on, e.g. unix:///tmp/dk/sock}"
export DOCKER_HOST
NODE_IMAGE=${NODE_IMAGE:-node:22-bookworm-slim}
STANDIN_IMAGE=local/node:22-bookworm-slim
IMAGE=storage-ops:latest
GID_IMAGE=storage-ops-check:docker-gid
BUILD_NETWORK=${BUILD_NETWORK-host}
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-120}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
name=storage-ops-check-$$
volume=storage-ops-check-data-$$
work=

failures=0
checks=0
pass() { checks=$((checks + 1)); printf 'PASS  %s\n' "$1"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'FAIL  %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/      /'; }
info() { printf '....  %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

cleanup() {
  if [ -z "${KEEP:-}" ]; then
    docker rm -f "$name" >/dev/null 2>&1
    docker volume rm "$volume" >/dev/null 2>&1
    docker rmi "$GID_IMAGE" >/dev/null 2>&1
  fi
  if [ -n "$work" ] && [ -d "$work" ]; then
    # debootstrap can leave proc/sys mounted in its target when it fails part way.
    grep -o " $work/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "no engine answers at DOCKER_HOST=$DOCKER_HOST"
info "engine $DOCKER_HOST: docker $(docker version --format '{{.Server.Version}}'), storage driver $(docker info --format '{{.Driver}}')"

# --- 1. The base image: the real one when the engine has it, else the stand-in ----------------
build_standin() {
  [ "$(id -u)" = 0 ] || die "building the stand-in base image needs root (debootstrap, chroot)"
  command -v debootstrap >/dev/null || die "building the stand-in base image needs debootstrap (apt-get install -y debootstrap)"
  command -v npm >/dev/null || die "building the stand-in base image needs npm (to fetch node and npm from the registry)"
  local arch nodearch root t0
  arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
  case "$arch" in
    amd64|x86_64) nodearch=x64 ;;
    arm64|aarch64) nodearch=arm64 ;;
    *) die "no node-linux package for architecture $arch" ;;
  esac
  t0=$(date +%s)
  work=$(mktemp -d /tmp/storage-ops-check.XXXXXX)
  root=$work/rootfs
  info "debootstrap bookworm (minbase) from $DEBIAN_MIRROR"
  debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  info "fetching node-linux-$nodearch@22 and npm@10 from the npm registry"
  (cd "$work" && npm pack --silent "node-linux-$nodearch@22" "npm@10" >/dev/null) || die "npm pack failed"
  mkdir -p "$work/node"
  tar -xzf "$work"/node-linux-"$nodearch"-*.tgz -C "$work/node" --strip-components=1
  install -m 0755 "$work/node/bin/node" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # Like the official images: deb822 sources with updates and security, no package lists or
  # downloaded packages, a `node` user with uid 1000.
  rm -f "$root/etc/apt/sources.list" "$root"/var/cache/apt/archives/*.deb
  rm -rf "$root"/var/lib/apt/lists/*
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  local version changes=()
  version=$(chroot "$root" /usr/local/bin/node --version) || die "the node binary does not run in the stand-in"
  chroot "$root" /usr/local/bin/node /usr/local/bin/npm --version >/dev/null || die "npm does not run in the stand-in"
  changes+=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  changes+=(--change "ENV NODE_VERSION=${version#v}")
  local extra=${STANDIN_EXTRA_CA:-}
  if [ -z "$extra" ] && compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    extra=$(ls /usr/local/share/ca-certificates/*.crt)
  fi
  if [ -n "$extra" ] && [ "$extra" != none ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    # shellcheck disable=SC2086
    cat $extra >"$root/usr/local/share/ca-certificates/storage-ops-check-extra.crt"
    changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/storage-ops-check-extra.crt')
    info "stand-in trusts this machine's extra CA certificates ($(echo $extra | wc -w) file(s)) via NODE_EXTRA_CA_CERTS"
  fi
  changes+=(--change 'CMD ["node"]')
  tar -C "$root" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - . \
    | docker import "${changes[@]}" - "$STANDIN_IMAGE" >/dev/null || die "docker import of the stand-in failed"
  info "imported $STANDIN_IMAGE (Debian $(cat "$root/etc/debian_version"), node $version, npm $(chroot "$root" /usr/local/bin/node /usr/local/bin/npm --version)) in $(( $(date +%s) - t0 ))s"
  rm -rf "$work"; work=
}

if docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
  base=$NODE_IMAGE
  info "base image: $NODE_IMAGE (present on the engine)"
else
  base=$STANDIN_IMAGE
  if [ -n "${STANDIN_REBUILD:-}" ] || ! docker image inspect "$STANDIN_IMAGE" >/dev/null 2>&1; then
    info "$NODE_IMAGE is not on the engine; building the stand-in $STANDIN_IMAGE"
    build_standin
  else
    info "$NODE_IMAGE is not on the engine; reusing the stand-in $STANDIN_IMAGE (STANDIN_REBUILD=1 rebuilds it)"
  fi
fi
docker run --rm --network none --entrypoint sh "$base" -c 'node --version && npm --version' >/dev/null 2>&1 \
  && pass "base image $base has node $(docker run --rm --network none --entrypoint node "$base" --version) and npm" \
  || fail "base image $base runs node and npm"

# --- 2. Build -----------------------------------------------------------------------------------
netflag=()
[ -z "$BUILD_NETWORK" ] || netflag=(--network "$BUILD_NETWORK")
t0=$(date +%s)
log=$(mktemp)
if docker build "${netflag[@]}" --build-arg NODE_IMAGE="$base" -t "$IMAGE" "$here" >"$log" 2>&1; then
  pass "docker build -t $IMAGE (NODE_IMAGE=$base) in $(( $(date +%s) - t0 ))s"
  rm -f "$log"
else
  fail "docker build -t $IMAGE (NODE_IMAGE=$base) after $(( $(date +%s) - t0 ))s" "$(tail -30 "$log")"
  rm -f "$log"
  printf '\n%d of %d checks failed\n' "$failures" "$checks"
  exit 1
fi
info "image size $(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"

cfg() { docker image inspect --format "$1" "$IMAGE"; }
[ "$(cfg '{{.Config.User}}')" = storage-ops ] && pass "image USER is storage-ops" || fail "image USER is storage-ops (got '$(cfg '{{.Config.User}}')')"
[ "$(cfg '{{json .Config.Cmd}}')" = '["storage-ops","serve"]' ] && pass "image CMD is storage-ops serve" || fail "image CMD is storage-ops serve (got $(cfg '{{json .Config.Cmd}}'))"
[ "$(cfg '{{if .Config.Healthcheck}}yes{{end}}')" = yes ] && pass "image has a HEALTHCHECK" || fail "image has a HEALTHCHECK"
[ "$(cfg '{{len .Config.Volumes}}')" = 0 ] && pass "image declares no VOLUME (helper containers would each leave an anonymous volume)" \
  || fail "image declares no VOLUME" "$(cfg '{{json .Config.Volumes}}')"

# --- 3. Run as the Dockerfile's header says ------------------------------------------------------
if [ -n "${ENGINE_SOCKET:-}" ]; then sock=$ENGINE_SOCKET
elif [[ $DOCKER_HOST == unix://* ]]; then sock=${DOCKER_HOST#unix://}
else sock=/var/run/docker.sock
fi
gid=$(docker run --rm --network none --user 0 --entrypoint stat -v "$sock:/s" "$IMAGE" -c %g /s 2>/dev/null)
[[ $gid =~ ^[0-9]+$ ]] || die "could not read the group of $sock on the engine host (set ENGINE_SOCKET)"
info "engine socket $sock, group $gid"
if docker network inspect bridge >/dev/null 2>&1; then
  net=(-p 127.0.0.1::8765)
  info "publishing port 8765 on 127.0.0.1 (random host port)"
else
  net=(--network none)
  info "engine has no bridge network; running with --network none (health is checked from inside)"
fi
docker run -d --name "$name" -v "$sock:/var/run/docker.sock" --group-add "$gid" \
  -v "$volume:/data" -e STORAGE_OPS_HTTP_HOST=0.0.0.0 "${net[@]}" "$IMAGE" >/dev/null \
  && pass "docker run -d (socket mounted, --group-add $gid, STORAGE_OPS_HTTP_HOST=0.0.0.0)" \
  || { fail "docker run -d"; printf '\n%d of %d checks failed\n' "$failures" "$checks"; exit 1; }

ex() { docker exec "$name" "$@"; }
uid=$(ex id -u 2>/dev/null); user=$(ex id -un 2>/dev/null)
[ -n "$uid" ] && [ "$uid" != 0 ] && [ "$user" = storage-ops ] && pass "runs as non-root user $user (uid $uid, groups $(ex id -G))" \
  || fail "runs as the non-root user storage-ops (got uid '$uid' user '$user')"
pid1user=$(ex sh -c 'awk "/^Uid:/{print \$2}" /proc/1/status')
[ "$pid1user" = "$uid" ] && pass "PID 1 (tini) runs as uid $pid1user too" || fail "PID 1 runs as the storage-ops uid (got '$pid1user')"

logs=
for _ in $(seq 30); do
  logs=$(docker logs "$name" 2>&1)
  grep -q '"msg":"parts"' <<<"$logs" && break
  sleep 1
done
for want in '"msg":"storage-ops starting"' '"msg":"http listener started","url":"http://0.0.0.0:8765"' '"msg":"parts"'; do
  grep -qF "$want" <<<"$logs" && pass "serve logged $want" || fail "serve logged $want" "$logs"
done

status=
t0=$(date +%s)
while [ $(( $(date +%s) - t0 )) -lt "$HEALTH_TIMEOUT" ]; do
  status=$(docker inspect --format '{{.State.Health.Status}}' "$name" 2>/dev/null)
  [ "$status" = healthy ] || [ "$status" = unhealthy ] && break
  [ "$(docker inspect --format '{{.State.Running}}' "$name")" = true ] || break
  sleep 2
done
[ "$status" = healthy ] && pass "health check healthy after $(( $(date +%s) - t0 ))s" \
  || fail "health check healthy within ${HEALTH_TIMEOUT}s (status '$status')" "$(docker inspect --format '{{json .State.Health}}' "$name"; docker logs --tail 20 "$name" 2>&1)"

if [ "${net[0]}" = -p ] && [[ $DOCKER_HOST == unix://* ]] && command -v curl >/dev/null; then
  port=$(docker port "$name" 8765/tcp | head -1 | sed 's/.*://')
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null && pass "/healthz answers on the published port $port" || fail "/healthz answers on the published port $port"
fi

anon_before=$(docker volume ls -q --filter dangling=true | sort)
out=$(ex storage-ops report 2>&1); rc=$?
[ $rc = 0 ] && pass "storage-ops report exits 0 inside the container" || fail "storage-ops report exits 0 inside the container (exit $rc)" "$out"
root_line=$(grep -E '^Host [^ ]+ \([^)]*\): .* full ' <<<"$out")
[ -n "$root_line" ] && pass "report has the root filesystem line (from a helper container of $IMAGE): $root_line" \
  || fail "report has the root filesystem line" "$out"
grep -q '^warning:' <<<"$out" && fail "report has no warnings (helper image $IMAGE usable as its own helper)" "$(grep '^warning:' <<<"$out")" \
  || pass "report has no warnings (helper image $IMAGE usable as its own helper)"
json=$(ex sh -c 'storage-ops report --json | node -e "let s=\"\";process.stdin.on(\"data\",d=>s+=d).on(\"end\",()=>{const r=JSON.parse(s);const o=r.hosts?r.hosts[0]:r;console.log(JSON.stringify({root:o.rootFilesystem??null,warnings:o.warnings??null}))})"' 2>&1)
grep -q '"root":{' <<<"$json" && grep -q '"warnings":\[\]' <<<"$json" \
  && pass "report --json: rootFilesystem read, warnings empty" || fail "report --json: rootFilesystem read, warnings empty" "$json"
left=$(docker ps -aq --filter label=storage-ops.helper)
[ -z "$left" ] && pass "no helper containers left behind" || fail "no helper containers left behind" "$(docker ps -a --filter label=storage-ops.helper)"
anon_after=$(docker volume ls -q --filter dangling=true | sort)
new_anon=$(comm -13 <(echo "$anon_before") <(echo "$anon_after"))
[ -z "$new_anon" ] && pass "no volumes left behind by helper containers" || fail "no volumes left behind by helper containers" "$new_anon"

out=$(ex storage-ops driver 2>&1); rc=$?
[ $rc = 0 ] && grep -q 'storage driver' <<<"$out" && pass "storage-ops driver works inside the container: $(head -1 <<<"$out")" \
  || fail "storage-ops driver works inside the container (exit $rc)" "$out"

for tool in 'fio --version' 'tar --version' 'df -P -k /' 'zstd --version' 'age --version' 'tini --version' 'du --version'; do
  out=$(ex sh -c "$tool" 2>&1) && pass "$tool: $(head -1 <<<"$out" | tr -s ' ' | cut -c1-70)" || fail "$tool" "$out"
done
ex sh -c 'test -w /data && ls /data' >/dev/null 2>&1 && pass "/data (named volume) is writable by storage-ops: $(ex ls /data | tr '\n' ' ')" \
  || fail "/data is writable by storage-ops" "$(ex ls -ld /data 2>&1)"

# The other way to reach the socket: its group baked in at build time, no --group-add.
if docker build "${netflag[@]}" --build-arg NODE_IMAGE="$base" --build-arg DOCKER_GID="$gid" -t "$GID_IMAGE" "$here" >/dev/null 2>&1; then
  out=$(docker run --rm --network none -v "$sock:/var/run/docker.sock" "$GID_IMAGE" storage-ops driver 2>&1); rc=$?
  [ $rc = 0 ] && pass "--build-arg DOCKER_GID=$gid: storage-ops driver reaches the socket without --group-add" \
    || fail "--build-arg DOCKER_GID=$gid: storage-ops driver reaches the socket without --group-add (exit $rc)" "$out"
else
  fail "docker build --build-arg DOCKER_GID=$gid"
fi

t0=$(date +%s)
docker stop -t 20 "$name" >/dev/null
took=$(( $(date +%s) - t0 ))
code=$(docker inspect --format '{{.State.ExitCode}}' "$name")
case "$code" in
  0) pass "docker stop: exit code 0 after ${took}s (tini passed SIGTERM on; serve closed its listener and returned 0)" ;;
  143) fail "docker stop: exit code 143 = 128+SIGTERM: node died of the signal, so serve's SIGTERM handler did not run" ;;
  137) fail "docker stop: exit code 137 = 128+SIGKILL: nothing stopped within 20s of SIGTERM, so the engine killed it" ;;
  *) fail "docker stop: exit code $code after ${took}s" ;;
esac
logs=$(docker logs --tail 5 "$name" 2>&1)
grep -q '"msg":"shutting down","signal":"SIGTERM"' <<<"$logs" && grep -q '"msg":"stopped"' <<<"$logs" \
  && pass "serve logged the SIGTERM shutdown and 'stopped'" || fail "serve logged the SIGTERM shutdown" "$logs"

printf '\n'
if [ "$failures" -gt 0 ]; then
  printf '%d of %d checks failed\n' "$failures" "$checks"
  exit 1
fi
printf 'all %d checks passed\n' "$checks"
