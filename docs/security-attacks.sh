#!/usr/bin/env bash
# security-attacks.sh: tries the attacks of the threat model (README "Security and threat
# model") against a shared-host setup built from the CLI jar, and prints one line per attack:
#   <attack> | <what happened> | PASS (stopped or redacted) or FAIL (it worked)
#
# Setup: `locality server` (loopback), one `locality worker` as ops would run it on a shared
# host (file roots set, metrics on), a local HTTP server for downloads. Nothing leaves loopback:
# the host-policy attacks are refused before any connection (the policy judges the address).
#
# Usage: docs/security-attacks.sh [CLI_JAR]   (default: the jar ./locality builds)
# Needs: java, python3, curl, ss. Exit code: the number of attacks that worked.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${1:-}"
if [ -z "$jar" ]; then
  "$root/locality" --version >/dev/null || exit 1
  jar="$(ls "$root"/starter-app/target/locality-starter-app-*-all.jar | head -1)"
fi
work="$(mktemp -d /tmp/locality-attacks.XXXXXX)"
port=$((20000 + RANDOM % 20000))
http_port=$((port + 1))
metrics_port=$((port + 2))
export TEMPORAL_ADDRESS="127.0.0.1:$port"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/in" "$work/out" "$work/www" "$work/work" "$work/home/.ssh"
printf 'a,b\n1,2\n' > "$work/in/ok.csv"
printf 'a,b\n1,2\n' > "$work/www/ok.csv"
ln -s /etc/passwd "$work/in/passwd-link.csv"
mkdir -p "$work/work/not-ours"
echo "user data" > "$work/work/not-ours/keep.txt"
touch -d '2 hours ago' "$work/work/not-ours" "$work/work/not-ours/keep.txt"

cli() { java -jar "$jar" "$@"; }

java -jar "$jar" server --port "$port" > "$work/server.log" 2>&1 &
pids+=($!)
(cd "$work/www" && exec python3 -m http.server "$http_port" --bind 127.0.0.1) \
  > "$work/http.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done
roots=(--allowed-file-roots "$work/in" --allowed-upload-roots "$work/out")
if ! java -jar "$jar" worker --help 2>&1 | grep -q -- --allowed-upload-roots; then
  roots=(--setting "allowedFileRoots=$work/in") # an older jar: only what it knows
  echo "note: this jar has no --allowed-upload-roots; the worker runs with ${roots[*]}"
fi
java -jar "$jar" worker --worker-id attacked --work-root "$work/work" "${roots[@]}" \
  --janitor-period 2s --metrics-port "$metrics_port" \
  > "$work/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 150); do
  curl -fs "http://127.0.0.1:$metrics_port/readyz" > /dev/null && break
  sleep 0.2
done

failed=0
report() { # attack, observed, verdict
  printf '%-50s | %-100s | %s\n' "$1" "${2:0:100}" "$3"
  [ "$3" = PASS ] || failed=$((failed + 1))
}

# run_pipeline NAME DOWNLOAD_URL UPLOAD_TO: runs download -> upload, prints the failure or "ok"
run_pipeline() {
  local spec="$work/$1.yaml"
  cat > "$spec" <<EOF
name: $1
session: {heartbeatTimeout: 5s, creationTimeout: 30s, maxWorkerAttempts: 1}
stages:
  - {type: download, url: "$2"}
  - {type: upload, to: "$3", overwrite: true}
EOF
  local out
  out="$(cli run "$spec" --wait --plain 2>&1)"
  if [ $? -eq 0 ]; then echo ok; else
    echo "$out" >> "$work/failures.log"
    echo "$out" | grep -m1 -iE "refus|not allowed|outside|denied|invalid|failed|error" | tr -s ' '
  fi
}

n=0
attempt() { # DESCRIPTION URL TO EXPECT_PATTERN
  local got
  n=$((n + 1))
  got="$(run_pipeline "attack-$n" "$2" "$3")"
  if [ "$got" != ok ] && echo "$got" | grep -qiE "$4"; then report "$1" "$got" PASS
  else report "$1" "${got:-no message}" FAIL; fi
}

echo "Locality attacks, $(date -u +%FT%TZ), jar $(basename "$jar")"
printf '%-50s | %-100s | %s\n' attack observed verdict
attempt "read /proc/self/environ (worker's secrets)" "file:///proc/self/environ" \
  "file://$work/out/env.txt" "proc|outside|not allowed|refus"
attempt "write ~/.ssh/authorized_keys" "file://$work/in/ok.csv" \
  "file://$work/home/.ssh/authorized_keys" "outside|not allowed|refus"
attempt "read through a symlink that leaves the root" "file://$work/in/passwd-link.csv" \
  "file://$work/out/passwd.csv" "outside|link|not allowed|refus"
attempt "read a file outside the read roots" "file:///etc/hostname" \
  "file://$work/out/hostname.csv" "outside|not allowed|refus"
attempt "write into the worker's work root" "file://$work/in/ok.csv" \
  "file://$work/work/planted.csv" "outside|work|not allowed|refus"
for target in "0.0.0.0:$http_port" "[::]:$http_port" "[64:ff9b::a9fe:a9fe]" "100.100.100.200" \
  "169.254.169.254"; do
  attempt "download http://$target/ (host policy)" "http://$target/ok.csv" \
    "file://$work/out/x.csv" "refus|not allowed|denied|metadata|policy"
done

# credentials in a URL must not reach the worker's log or the CLI's output
out="$(run_pipeline creds-attack "http://alice:hunter2@127.0.0.1:$http_port/missing.csv?X-Amz-Signature=s3cr3tsig" "file://$work/out/c.csv"; cli list --plain 2>&1)"
if ! grep -q 404 <<< "$out"; then
  report "credentials in a URL (userinfo, signature)" "the download did not fail with 404: $out" FAIL
elif grep -qE "hunter2|s3cr3tsig" "$work/worker.log" || grep -qE "hunter2|s3cr3tsig" <<< "$out"; then
  report "credentials in a URL (userinfo, signature)" "secret found in worker log or CLI output" FAIL
else
  report "credentials in a URL (userinfo, signature)" "404 reported; no secret in worker log or CLI output" PASS
fi

# listeners: the server and the metrics port are on loopback only
listeners="$(ss -ltnH "( sport = :$port or sport = :$metrics_port )" | awk '{print $4}' | sort -u | tr '\n' ' ')"
if echo "$listeners" | grep -qvE "^((127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):[0-9]+ )+$"; then
  report "server and metrics port reachable from the network" "listening on $listeners" FAIL
else
  report "server and metrics port reachable from the network" "listening on $listeners" PASS
fi
readyz="$(curl -s "http://127.0.0.1:$metrics_port/readyz")"
if echo "$readyz" | grep -q "$port"; then
  report "/readyz shows the Temporal address" "$readyz" FAIL
else report "/readyz shows the Temporal address" "$(echo "$readyz" | tr -d '\n')" PASS; fi

# the janitor: a foreign, old directory in the work root survives sweeps
sleep 5
if [ -f "$work/work/not-ours/keep.txt" ]; then
  report "janitor deletes a foreign old dir in the work root" "not-ours/keep.txt still there after sweeps" PASS
else report "janitor deletes a foreign old dir in the work root" "not-ours/ was deleted" FAIL; fi

# idempotency per spec: the same --id with an edited spec must not attach or skip
spec="$work/idem.yaml"
printf 'name: idem\nstages:\n  - {type: download, url: "file://%s/in/ok.csv"}\n  - {type: upload, to: "file://%s/out/idem-{file}", overwrite: true}\n' "$work" "$work" > "$spec"
cli run "$spec" --id idem-1 --wait --plain > /dev/null 2>&1
sed -i 's/idem-{file}/edited-{file}/' "$spec"
out="$(cli run "$spec" --id idem-1 --wait --plain 2>&1)"; rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -qi "spec"; then
  report "--id re-run after editing the spec" "exit 2: $(echo "$out" | grep -m1 -i spec)" PASS
else report "--id re-run after editing the spec" "exit $rc: $(echo "$out" | tail -1)" FAIL; fi

echo "attacks that worked: $failed"
exit "$failed"
