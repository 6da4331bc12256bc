#!/usr/bin/env bash
# Docker engines for Stagecraft's development, tests and benchmark: the one place that installs
# them and starts or stops an instance. Two engines, side by side:
#   20.10  Debian bookworm's docker.io (classic builder, built-in BuildKit 0.8, no buildx)
#   26     Debian trixie's docker.io 26.1 + docker-cli + docker-buildx 0.13 + containerd 1.7,
#          extracted into $ENGINES/docker-26 (apt's own state is not touched; trixie's runc needs
#          glibc 2.38, so bookworm's runc runs the containers)
#
#   engine.sh install                 install both (idempotent; root + apt)
#   engine.sh start NAME [--version 26|20.10] [--store containerd|overlay2] [--root DIR] [--base busybox|debian]...
#                                     start instance NAME (idempotent): its own dockerd, data root
#                                     /var/lib/stagecraft-engines/NAME/root (or --root), socket
#                                     /run/stagecraft-engines/NAME/docker.sock, bridge and NAT
#                                     rule; the base images named are imported. Prints
#                                     DOCKER_HOST=... and DOCKER=<the matching client> last.
#   engine.sh stop NAME [--purge]     stop it (by its PID file), remove its bridge and rules;
#                                     --purge also deletes its data root
#   engine.sh env NAME                print DOCKER_HOST=... / DOCKER=... of a running instance
#   engine.sh import DOCKER BASE      import a base image (busybox, debian) into $DOCKER_HOST's engine
#
# Each instance is wholly the caller's: tests and the benchmark reset theirs to "a fresh CI
# machine" without touching any other engine's images or build cache. Registries on 127.0.0.1
# are trusted without TLS by both engines (their default for loopback).
set -euo pipefail
ENGINES=${STAGECRAFT_ENGINES:-/opt/stagecraft}
D26=$ENGINES/docker-26
STATE_ROOT=/var/lib/stagecraft-engines
RUN_ROOT=/run/stagecraft-engines
ROOTFS_CACHE=/var/cache/stagecraft
HERE=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive
log() { echo "[engine] $*" >&2; }
die() { echo "[engine] $*" >&2; exit 1; }

client_of() { if [ "$1" = 26 ]; then echo "$D26/usr/bin/docker"; else echo /usr/bin/docker; fi; }

# The machine's own Debian mirror (never a host name written into the project).
mirror() {
  local m
  m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$m" ] || die "no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  echo "$m"
}

install_engines() {
  local need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v docker-registry >/dev/null || need+=(docker-registry)
  [ -x /bin/busybox ] || need+=(busybox-static)
  command -v runc >/dev/null || need+=(runc)
  command -v iptables >/dev/null || need+=(iptables)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  if [ ${#need[@]} -gt 0 ]; then
    log "apt-get install ${need[*]}"
    apt-get update -q >/dev/null
    apt-get install -y -q "${need[@]}" >/dev/null
  fi
  if [ ! -x "$D26/usr/sbin/dockerd" ] || [ ! -x "$D26/usr/libexec/docker/cli-plugins/docker-buildx" ]; then
    local t
    t=$(mktemp -d /tmp/stagecraft-trixie.XXXXXX)
    mkdir -p "$t/lists/partial" "$t/cache/archives/partial"
    echo "deb $(mirror) trixie main" > "$t/sources.list"
    local A=(-o "Dir::State::Lists=$t/lists" -o "Dir::Etc::sourcelist=$t/sources.list" -o Dir::Etc::sourceparts=-
             -o "Dir::Cache=$t/cache" -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
    log "downloading Docker 26 + buildx from Debian trixie"
    apt-get "${A[@]}" update >/dev/null
    (cd "$t" && apt-get "${A[@]}" download docker.io docker-cli docker-buildx containerd >/dev/null)
    rm -rf "$D26.tmp"; mkdir -p "$D26.tmp"
    for deb in "$t"/*.deb; do dpkg-deb -x "$deb" "$D26.tmp"; done
    rm -f "$D26.tmp/usr/sbin/runc" "$D26.tmp/usr/bin/runc"
    rm -rf "$D26"; mv "$D26.tmp" "$D26"; rm -rf "$t"
    log "Docker $("$D26/usr/bin/docker" --version | awk '{print $3}' | tr -d ,) in $D26"
  fi
  # The buildx plugin where every docker client looks for it (the user's CLI plugins).
  local plugins=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
  mkdir -p "$plugins"
  if [ "$(readlink -f "$plugins/docker-buildx" 2>/dev/null)" != "$D26/usr/libexec/docker/cli-plugins/docker-buildx" ] && [ ! -x "$plugins/docker-buildx" ]; then
    ln -sf "$D26/usr/libexec/docker/cli-plugins/docker-buildx" "$plugins/docker-buildx"
  fi
}

# A free 10.231.X.0/24 for a new bridge (none of the host's addresses in it).
free_subnet() {
  local used x
  used=$(ip -4 -o addr show | awk '{print $4}')
  for x in $(seq 1 250); do
    echo "$used" | grep -q "^10\.231\.$x\." || { echo "10.231.$x"; return; }
  done
  die "no free 10.231.X.0/24 subnet"
}

import_base() { # import_base DOCKER NAME
  local docker=$1 base=$2
  case "$base" in
    busybox)
      "$docker" image inspect stagecraft-test/busybox:1 >/dev/null 2>&1 && return
      local root
      root=$(mktemp -d)
      mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
      cp /bin/busybox "$root/bin/busybox"
      for applet in $("$root/bin/busybox" --list); do [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"; done
      echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
      echo 'root:x:0:' > "$root/etc/group"
      # Fixed times: every engine imports the very same layer.
      tar --mtime=@0 --sort=name --owner=0 --group=0 -C "$root" -c . | "$docker" import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - stagecraft-test/busybox:1 >/dev/null
      rm -rf "$root"
      log "imported stagecraft-test/busybox:1";;
    debian)
      DOCKER=$docker BENCH_BASE_ROOTFS=$ROOTFS_CACHE/debian-bookworm-minbase.tar bash "$HERE/../bench/ci/make-base.sh" >&2;;
    *) die "unknown base image $base (busybox, debian)";;
  esac
}

start_engine() {
  local name=$1; shift
  local version=26 store=containerd bases=() root=
  while [ $# -gt 0 ]; do
    case "$1" in
      --version) version=$2; shift 2;;
      --store) store=$2; shift 2;;
      --root) root=$2; shift 2;;
      --base) bases+=("$2"); shift 2;;
      *) die "start: unknown option $1";;
    esac
  done
  case "$version" in 26|20.10) ;; *) die "--version 26 or 20.10";; esac
  [ "$version" = 26 ] || store=overlay2
  [[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,30}$ ]] || die "instance name: lower-case letters, digits and -"
  install_engines
  local data=$STATE_ROOT/$name run=$RUN_ROOT/$name
  local sock=$run/docker.sock docker
  docker=$(client_of "$version")
  [ -n "$root" ] || root=$data/root
  mkdir -p "$data" "$run"
  if ! DOCKER_HOST=unix://$sock "$docker" version >/dev/null 2>&1; then
    # A dockerd that was killed: wait for it to be gone (a zombie counts as gone), then its PID file is stale.
    if [ -f "$run/dockerd.pid" ]; then
      local old
      old=$(cat "$run/dockerd.pid")
      for _ in $(seq 1 40); do
        [ -d "/proc/$old" ] && ! grep -q '^State:.*Z' "/proc/$old/status" 2>/dev/null || break
        sleep 0.25
      done
      if [ -d "/proc/$old" ] && ! grep -q '^State:.*Z' "/proc/$old/status" 2>/dev/null && grep -q dockerd "/proc/$old/cmdline" 2>/dev/null; then
        die "dockerd $name (PID $old) is running but does not answer; stop it first (engine.sh stop $name)"
      fi
      rm -f "$run/dockerd.pid"
    fi
    local bridge net
    bridge=sce$(printf '%s' "$name" | md5sum | cut -c1-8)
    if ip link show "$bridge" >/dev/null 2>&1; then
      net=$(ip -4 -o addr show dev "$bridge" | awk '{print $4}' | cut -d. -f1-3)
    else
      net=$(free_subnet)
      ip link add "$bridge" type bridge
      ip addr add "$net.1/24" dev "$bridge"
    fi
    ip link set "$bridge" up
    echo 1 > /proc/sys/net/ipv4/ip_forward
    iptables -t nat -C POSTROUTING -s "$net.0/24" ! -o "$bridge" -j MASQUERADE 2>/dev/null \
      || iptables -t nat -A POSTROUTING -s "$net.0/24" ! -o "$bridge" -j MASQUERADE
    iptables -C FORWARD -i "$bridge" -j ACCEPT 2>/dev/null || iptables -I FORWARD 1 -i "$bridge" -j ACCEPT
    iptables -C FORWARD -o "$bridge" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null \
      || iptables -I FORWARD 1 -o "$bridge" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
    printf '%s %s\n' "$bridge" "$net" > "$run/bridge"
    echo "$version" > "$run/version"
    local snap=false
    [ "$store" = containerd ] && snap=true
    printf '{"features":{"containerd-snapshotter":%s}}\n' "$snap" > "$run/daemon.json"
    local dockerd=/usr/sbin/dockerd path=$PATH
    if [ "$version" = 26 ]; then dockerd=$D26/usr/sbin/dockerd; path=$D26/usr/bin:$D26/usr/sbin:$PATH; fi
    [ -x "$dockerd" ] || dockerd=$(command -v dockerd)
    log "starting Docker $version ($store store) as $name (log: $data/dockerd.log)"
    PATH=$path setsid "$dockerd" --config-file "$run/daemon.json" --data-root "$root" --exec-root "$run/exec" \
      --pidfile "$run/dockerd.pid" -H "unix://$sock" --bridge "$bridge" --iptables=false --ip-masq=false \
      --userland-proxy=false >"$data/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 1 120); do DOCKER_HOST=unix://$sock "$docker" version >/dev/null 2>&1 && break; sleep 0.5; done
    DOCKER_HOST=unix://$sock "$docker" version >/dev/null 2>&1 || { tail -20 "$data/dockerd.log" >&2; die "dockerd $name did not start"; }
  fi
  for b in "${bases[@]}"; do DOCKER_HOST=unix://$sock import_base "$docker" "$b"; done
  echo "DOCKER_HOST=unix://$sock"
  echo "DOCKER=$docker"
}

stop_engine() {
  local name=$1 purge=${2:-}
  local data=$STATE_ROOT/$name run=$RUN_ROOT/$name
  if [ -f "$run/dockerd.pid" ]; then
    local pid
    pid=$(cat "$run/dockerd.pid")
    if kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
  fi
  # The containerd that dockerd started (still running when dockerd was killed).
  for pidfile in "$run/exec/containerd/containerd.pid" "$run/exec/containerd/daemon/containerd.pid"; do
    if [ -f "$pidfile" ]; then
      local cpid
      cpid=$(cat "$pidfile")
      if kill -0 "$cpid" 2>/dev/null && grep -q containerd "/proc/$cpid/cmdline" 2>/dev/null; then
        kill "$cpid"; for _ in $(seq 1 20); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$cpid" 2>/dev/null && kill -9 "$cpid"
      fi
    fi
  done
  if [ -f "$run/bridge" ]; then
    local bridge net
    read -r bridge net < "$run/bridge"
    iptables -t nat -D POSTROUTING -s "$net.0/24" ! -o "$bridge" -j MASQUERADE 2>/dev/null || true
    iptables -D FORWARD -i "$bridge" -j ACCEPT 2>/dev/null || true
    iptables -D FORWARD -o "$bridge" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null || true
    ip link del "$bridge" 2>/dev/null || true
  fi
  # The exec root may hold mounts of a killed daemon's containers.
  { grep -o " $run/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$run"
  if [ "$purge" = --purge ]; then
    { grep -o " $data/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$data"
  fi
  log "stopped $name"
}

case "${1:-}" in
  install) install_engines ;;
  start) [ $# -ge 2 ] || die "usage: engine.sh start NAME [options]"; shift; start_engine "$@" ;;
  stop) [ $# -ge 2 ] || die "usage: engine.sh stop NAME [--purge]"; stop_engine "$2" "${3:-}" ;;
  import) [ $# -ge 3 ] || die "usage: engine.sh import DOCKER busybox|debian (on \$DOCKER_HOST)"; import_base "$2" "$3" ;;
  env)
    [ $# -ge 2 ] || die "usage: engine.sh env NAME"
    sock=$RUN_ROOT/$2/docker.sock
    [ -S "$sock" ] || die "$2 is not running"
    echo "DOCKER_HOST=unix://$sock"; echo "DOCKER=$(client_of "$(cat "$RUN_ROOT/$2/version")")" ;;
  *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
