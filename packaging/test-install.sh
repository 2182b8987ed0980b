#!/usr/bin/env bash
# Install test of the Debian package, as root on a machine where netspot is not installed:
# builds the package (or takes the one given), installs it with apt-get, runs the demo and the
# service as the package sets them up, drives the service with netspotctl, checks the units,
# the man pages and the completions, then purges it and checks that nothing is left.
#   packaging/test-install.sh [netspot_VERSION_ARCH.deb]
# The expected alarms come from the repository's own build of the same tree (npm ci first).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }
step() { echo "--- test-install: $*"; }
[[ "$(id -u)" = 0 ]] || fail "run as root"
command -v dpkg >/dev/null || fail "dpkg is missing"
[[ -f "$repo/dist/src/cli/netspot.js" ]] || fail "build the tree first (npm ci)"
if dpkg -s netspot >/dev/null 2>&1 || getent passwd netspot >/dev/null; then
  fail "netspot (the package or the user) is already on this machine: this test installs and purges it"
fi
work="$(mktemp -d)"
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

deb="${1:-}"
if [[ -z "$deb" ]]; then
  step "build"
  "$repo/packaging/build-deb.sh" "$work" >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; fail "package build"; }
  deb="$(ls "$work"/netspot_*.deb)"
fi
deb="$(realpath "$deb")"
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB)"
if command -v lintian >/dev/null; then
  step "lintian"
  lintian --fail-on error,warning "$deb" || fail "lintian"
fi

step "install"
apt-get install -y "$deb" >"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log"; fail "apt-get install"; }
[[ "$(stat -c '%U %a' /etc/netspot/token)" = "netspot 600" ]] || fail "token file: $(stat -c '%U %a' /etc/netspot/token)"
[[ "$(wc -c </etc/netspot/token)" -ge 17 ]] || fail "token too short"
[[ "$(stat -c '%U %a' /var/lib/netspot)" = "netspot 750" ]] || fail "/var/lib/netspot: $(stat -c '%U %a' /var/lib/netspot)"
cmp -s /etc/netspot/netspot.toml <(node "$repo/dist/src/cli/netspot.js" defaults) || fail "/etc/netspot/netspot.toml is not netspot defaults"
grep -qx /etc/netspot/netspot.toml /var/lib/dpkg/info/netspot.conffiles || fail "netspot.toml is not a conffile"
/usr/bin/time -f 'start-up: netspot --help %es' netspot --help >/dev/null
/usr/bin/time -f 'start-up: netspotctl --help %es' netspotctl --help >/dev/null
[[ "$(netspot --version)" = "$(node -p "require('$repo/package.json').version")" ]] || fail "netspot --version"

step "units"
verify="$(systemd-analyze verify /lib/systemd/system/netspot.service /lib/systemd/system/netspot@.service 2>&1)" || fail "systemd-analyze verify: $verify"
[[ -z "$verify" ]] || fail "systemd-analyze verify: $verify"
# The Zeek front end's user daemon and its D-Bus activation file.
[[ -f /usr/share/dbus-1/services/bro.spot.service ]] || fail "bro.spot.service (D-Bus activation) not installed"
grep -qx /etc/netspot/zeek.toml /var/lib/dpkg/info/netspot.conffiles || fail "zeek.toml is not a conffile"
for unit in /usr/lib/systemd/user/dbus-bro.spot.service; do
  [[ -f "$unit" ]] || fail "$unit not installed"
  verify="$(systemd-analyze verify "$unit" 2>&1)" && [[ -z "$verify" ]] || fail "systemd-analyze verify $unit: $verify"
done
for unit in netspot.service netspot@.service; do
  systemd-analyze security --offline=true "/lib/systemd/system/$unit" 2>/dev/null | tail -1 | sed "s/^/$unit: /"
done

step "the demo, as root and as netspot@.service would run it"
# PERF (packets processed per second) measures this machine, not the traffic: its alarms vary
# from run to run, so the comparisons leave it out.
traffic_alarms() { grep -v '"stat":"PERF"' "$1" || true; }
node "$repo/dist/src/cli/netspot.js" run -q -d "$repo/data/demo-syn-flood.pcap.gz" >"$work/tree.json"
traffic_alarms "$work/tree.json" >"$work/expected.json"
expected="$(wc -l <"$work/expected.json")"
[[ "$expected" -gt 0 ]] || fail "the tree's own run raised no alarm"
netspot run -q -d /usr/share/netspot/demo-syn-flood.pcap.gz >"$work/installed.json"
cmp "$work/expected.json" <(traffic_alarms "$work/installed.json") || fail "the installed netspot's alarms differ from the tree's"
echo "alarms (PERF aside): $expected, as the tree's build"
# The instance unit's ExecStart, %I = the capture, as the unit's user with its capabilities.
as_service() {
  setpriv --reuid=netspot --regid=netspot --init-groups --no-new-privs \
    --inh-caps=+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin --bounding-set=-all,+net_raw,+net_admin "$@"
}
exec_start() { sed -n 's/^ExecStart=//p' "/lib/systemd/system/$1"; }
read -ra cmd <<<"$(exec_start netspot@.service | sed -e 's|%I|/usr/share/netspot/demo-syn-flood.pcap.gz|' -e 's|%i|usr-share-netspot-demo|')"
(cd /var/lib/netspot && as_service "${cmd[@]}" >"$work/instance.json" 2>"$work/instance.err") || fail "netspot@: $(cat "$work/instance.err")"
cmp "$work/expected.json" <(traffic_alarms "$work/instance.json") || fail "netspot@'s alarms differ"
# Its detectors were saved in the StateDirectory, by the service's user.
[[ "$(stat -c %U /var/lib/netspot/usr-share-netspot-demo.state.json)" = netspot ]] || fail "no state file in /var/lib/netspot"

step "netspot.service's ExecStart as the netspot user, driven by netspotctl"
install -d -o netspot -g netspot -m 0755 /run/netspot   # RuntimeDirectory=netspot
read -ra cmd <<<"$(exec_start netspot.service)"
(cd /var/lib/netspot && exec setpriv --reuid=netspot --regid=netspot --init-groups --no-new-privs \
  --inh-caps=+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin --bounding-set=-all,+net_raw,+net_admin \
  "${cmd[@]}" >"$work/serve.out" 2>"$work/serve.err") &
server_pid=$!
for _ in $(seq 100); do [[ -S /run/netspot/api.sock ]] && break; sleep 0.1; done
[[ -S /run/netspot/api.sock ]] || fail "no socket: $(cat "$work/serve.err")"
[[ "$(stat -c '%U %a' /run/netspot/api.sock)" = "netspot 600" ]] || fail "socket: $(stat -c '%U %a' /run/netspot/api.sock)"
if netspotctl -e unix:///run/netspot/api.sock status >/dev/null 2>"$work/notoken.err"; then fail "the API answered without the token"; fi
grep -q 401 "$work/notoken.err" || grep -qi token "$work/notoken.err" || fail "no token: $(cat "$work/notoken.err")"
netspotctl config set miner.device /usr/share/netspot/demo-syn-flood.pcap.gz >/dev/null
netspotctl config set exporter.file.alarm '/var/log/netspot/%s.alarms.json' >/dev/null
netspotctl start >/dev/null
for _ in $(seq 600); do
  state="$(netspotctl --json status | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).state')"
  [[ "$state" = ended ]] && break
  sleep 0.2
done
[[ "$state" = ended ]] || fail "the run did not end: $state"
alarms="$(netspotctl --json status | node -pe 's = JSON.parse(require("fs").readFileSync(0, "utf8")); s.alarms - (s.alarmsByStat.PERF ?? 0)')"
[[ "$alarms" = "$expected" ]] || fail "the service counted $alarms alarms (PERF aside), expected $expected"
[[ "$(stat -c %U /var/log/netspot/demo-syn-flood.alarms.json)" = netspot ]] || fail "alarm file owner"
cmp "$work/expected.json" <(traffic_alarms /var/log/netspot/demo-syn-flood.alarms.json) || fail "the service's alarm file differs"
echo "service: $alarms alarms, written to /var/log/netspot/demo-syn-flood.alarms.json"
logrotate -d /etc/logrotate.d/netspot >"$work/logrotate.log" 2>&1 || fail "logrotate: $(cat "$work/logrotate.log")"
kill -HUP "$server_pid"; sleep 0.5
netspotctl status >/dev/null || fail "the server did not survive SIGHUP (reload)"
kill -TERM "$server_pid"
wait "$server_pid" || fail "serve did not exit 0 on SIGTERM: $(tail -5 "$work/serve.err")"
server_pid=
[[ ! -e /run/netspot/api.sock ]] || fail "the socket was left behind"
[[ -s /var/lib/netspot/serve.state.json ]] || fail "serve saved no state"
rm -rf /run/netspot   # systemd removes the RuntimeDirectory

step "man pages and completions"
man -w netspot && man -w netspotctl && man -w 5 netspot.toml || fail "man -w"
[[ "$(bash -c 'source /usr/share/bash-completion/completions/netspot; COMP_WORDS=(netspot se); COMP_CWORD=1; _netspot_complete; echo "${COMPREPLY[*]}"')" = serve ]] || fail "bash completion"
[[ -f /usr/share/zsh/vendor-completions/_netspot ]] || fail "zsh completion"

step "purge"
files="$(dpkg -L netspot)"
apt-get purge -y netspot >"$work/purge.log" 2>&1 || { tail -30 "$work/purge.log"; fail "apt-get purge"; }
left=""
while IFS= read -r f; do
  [[ -e "$f" && ! -d "$f" ]] && left+=" $f"
done <<<"$files"
for p in /etc/netspot /var/lib/netspot /var/log/netspot /usr/lib/netspot /usr/share/netspot /usr/share/doc/netspot /run/netspot; do
  [[ -e "$p" ]] && left+=" $p"
done
getent passwd netspot >/dev/null && left+=" user:netspot"
getent group netspot >/dev/null && left+=" group:netspot"
[[ -z "$left" ]] || fail "left after purge:$left"
echo "test-install: OK"
