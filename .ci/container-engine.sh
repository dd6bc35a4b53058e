#!/usr/bin/env bash
# Prepares a Docker-compatible container engine for Locality's container-mode integration tests
# on a CI machine that has no Docker and cannot reach a container registry (Debian 12, as root):
#
#   * rootful podman with runc (crun refuses hybrid cgroups here), serving the Docker API on a
#     unix socket that Testcontainers talks to;
#   * the JRE base image the project's Dockerfiles build on, localhost/locality-jre:25 (Debian 13
#     trixie's openjdk-25-jre-headless), made with debootstrap from the Debian mirror apt already
#     uses (no registry needed). The jars are Java 17 bytecode; the image's JDK is only the
#     runtime. LOCALITY_BASE_JDK=17 LOCALITY_BASE_SUITE=bookworm builds the former
#     localhost/locality-jre:17 instead (any JDK the suite packages: trixie has 21 and 25).
#
# Usage:
#   .ci/container-engine.sh            # prepare (idempotent); prints the env file's path last
#   .ci/container-engine.sh env        # print the `export` lines for the test command
#   .ci/container-engine.sh stop       # stop the API service this script started
#
# Exit code 0 means the API answered /_ping; any other means container mode is unavailable and the
# tests fall back to process mode (they pick the mode by probing DOCKER_HOST).
# State lives in $LOCALITY_ENGINE_DIR (default /var/tmp/locality-engine).
set -euo pipefail

STATE=${LOCALITY_ENGINE_DIR:-/var/tmp/locality-engine}
BASE_JDK=${LOCALITY_BASE_JDK:-25}
BASE_SUITE=${LOCALITY_BASE_SUITE:-trixie}
BASE_IMAGE=${LOCALITY_BASE_IMAGE:-localhost/locality-jre:$BASE_JDK}
SOCKET="$STATE/podman.sock"
export CONTAINERS_CONF="$STATE/containers.conf" CONTAINERS_STORAGE_CONF="$STATE/storage.conf"

print_env() {
  # Ryuk is pulled from a registry (impossible here); Testcontainers' guess of the host address
  # (10.88.0.1, from /.dockerenv) is wrong for containers on custom networks.
  cat <<ENV
export CONTAINERS_CONF=$CONTAINERS_CONF CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF
export DOCKER_HOST=unix://$SOCKET
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
export LOCALITY_IT_BASE_IMAGE=$BASE_IMAGE
ENV
}

api_up() { curl -sf --max-time 2 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1; }

install_tools() {
  command -v podman >/dev/null && command -v runc >/dev/null && command -v debootstrap >/dev/null \
    && return
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq podman runc debootstrap >/dev/null
}

write_config() {
  mkdir -p "$STATE"/{storage,run,tmp}
  # Containers may not raise rlimits above the caller's hard limits; podman caps NPROC at 32768.
  cat >"$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$STATE/tmp"
CONF
  cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "overlay"
graphroot = "$STATE/storage"
runroot = "$STATE/run"
CONF
}

build_base_image() {
  podman image exists "$BASE_IMAGE" && return
  local mirror rootfs="$STATE/rootfs" java_home
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  java_home=/usr/lib/jvm/java-$BASE_JDK-openjdk-$(dpkg --print-architecture)
  rm -rf "$rootfs"
  echo "building $BASE_IMAGE (Debian $BASE_SUITE, openjdk-$BASE_JDK-jre-headless) with debootstrap" \
    "from $mirror (one to a few minutes)" >&2
  timeout 900 debootstrap --variant=minbase \
    --include="openjdk-$BASE_JDK-jre-headless,ca-certificates" \
    "$BASE_SUITE" "$rootfs" "$mirror" >"$STATE/debootstrap.log" 2>&1
  if [ ! -x "$rootfs$java_home/bin/java" ]; then
    echo "debootstrap gave no $java_home/bin/java; see $STATE/debootstrap.log" >&2
    return 1
  fi
  # Nothing the JVM needs: downloaded packages, package lists and apt's caches, logs, man and info
  # pages, message translations, and the docs but for the copyright files.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
  find "$rootfs"/usr/share/doc ! -type d ! -name copyright -delete
  tar -C "$rootfs" --numeric-owner -cf - . | podman import -q \
    --change "ENV JAVA_HOME=$java_home" --change 'CMD ["/bin/bash"]' \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

start_api() {
  api_up && return
  # From a directory that outlives the caller's: conmon inherits the service's working
  # directory and cannot start containers once it is gone ("Failed to get working directory").
  (cd "$STATE" && exec nohup podman system service --time=0 "unix://$SOCKET" >"$STATE/service.log" 2>&1) &
  echo $! >"$STATE/service.pid"
  for _ in $(seq 150); do api_up && return; sleep 0.2; done
  echo "the podman API did not come up; see $STATE/service.log" >&2
  return 1
}

case "${1:-prepare}" in
  env) print_env ;;
  stop)
    if [ -f "$STATE/service.pid" ]; then kill "$(cat "$STATE/service.pid")" 2>/dev/null || true; fi
    rm -f "$STATE/service.pid"
    ;;
  prepare)
    install_tools
    write_config
    build_base_image
    start_api
    print_env >"$STATE/env.sh"
    echo "container engine ready: DOCKER_HOST=unix://$SOCKET, base image $BASE_IMAGE" >&2
    echo "$STATE/env.sh"
    ;;
  *) echo "usage: $0 [prepare|env|stop]" >&2; exit 64 ;;
esac
