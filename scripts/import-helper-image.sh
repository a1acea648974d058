#!/usr/bin/env bash
# Builds a minimal helper image (busybox for tar/df/du/sh, fio with the libraries it links) from
# this machine's binaries and imports it into an engine with `docker import`. For machines that
# reach no registry; `docker build -t storage-ops .` gives a full image that serves too.
#
# usage: scripts/import-helper-image.sh [TAG] [DOCKER_HOST]
#   TAG defaults to storage-ops-helper:latest; DOCKER_HOST defaults to the environment's.
# needs: busybox (Debian busybox-static), fio, tar, docker (client)
set -euo pipefail
tag=${1:-storage-ops-helper:latest}
if [ -n "${2:-}" ]; then export DOCKER_HOST=$2; fi

busybox=$(command -v busybox || true)
fio=$(command -v fio || true)
if [ -z "$busybox" ] || [ -z "$fio" ]; then
  echo "error: needs busybox and fio on this machine (apt-get install busybox-static fio)" >&2
  exit 1
fi
if ldd "$busybox" >/dev/null 2>&1; then
  echo "error: $busybox is dynamically linked; install busybox-static" >&2
  exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/usr/bin" "$root/tmp" "$root/etc" "$root/data"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cp "$fio" "$root/usr/bin/fio"
ldd "$fio" | grep -o '/[^ ]*' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

tar -C "$root" --numeric-owner -cf - . | docker import \
  --change 'LABEL org.opencontainers.image.title=storage-ops-helper' \
  --change 'CMD ["/bin/sh"]' - "$tag" >/dev/null
echo "$tag"
