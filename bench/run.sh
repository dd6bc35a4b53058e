#!/usr/bin/env bash
# bench/run.sh: Locality's benchmark (see bench/README.md).
#
#   bench/run.sh [--size 1GB] [--runs 3] [--java-home DIR] [--only SECTIONS] [--jfr] [--keep]
#                [--small-count 200] [--small-size 1MB] [--small-sequential 20]
#                [--small-concurrency 8] [--data-dir DIR] [--out DIR]
#
# Builds the CLI and worker jars and the harness (module bench, locality-bench-*.jar) into the
# build directory target-bench (only when a source is newer than the jar), fetches the external
# tools the chosen sections use through the Maven wrapper into bench/results/tools when they are
# not there yet (S3Proxy's runnable jar org.gaul:s3proxy:4.1.0:jar-with-dependencies for
# noaffinity, DuckDB's JDBC driver org.duckdb:duckdb_jdbc:1.4.4.0 for duckdb), then runs the
# harness dev.locality.bench.Bench with the harness and CLI jars on the class path. Results:
# bench/results/latest.{json,md} and a time-stamped copy of each. Progress goes to stderr, the
# Markdown table to stdout at the end.
#
# Environment: JAVA (java for the harness, server and CLI; default: java on PATH),
# MVNW_REPOURL (used by the Maven wrapper, see mvnw).
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench_dir/.." && pwd)"
build_dir="target-bench"
java_cmd="${JAVA:-java}"
s3proxy_version="4.1.0"
duckdb_version="1.4.4.0"

sections="limit,duckdb,pipeline,kill,noaffinity,small,cache" # Options.ALL_SECTIONS
prev=""
for arg in "$@"; do
  case "$arg" in
    -h|--help)
      sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0 ;;
  esac
  if [ "$prev" = "--only" ]; then sections="$arg"; fi
  prev="$arg"
done
wants() { # is section $1 among --only's (or the default ones)?
  case ",$sections," in *",$1,"*) return 0 ;; *) return 1 ;; esac
}

jar_of() { # newest jar matching a glob, or nothing
  local jar
  for jar in $1; do if [ -f "$jar" ]; then printf '%s\n' "$jar"; fi; done | tail -n 1
}

echo "bench: building the jars if sources changed (build dir $build_dir)..." >&2
LOCALITY_BUILD_DIRNAME="$build_dir" "$root/locality" --version >&2
cli_jar="$(jar_of "$root/starter-app/$build_dir/locality-starter-app-*-all.jar")"
worker_jar="$(jar_of "$root/worker-app/$build_dir/locality-worker-app-*-all.jar")"
if [ -z "$cli_jar" ] || [ -z "$worker_jar" ]; then
  (cd "$root" && ./mvnw -q -B "-Dbuild.dirname=$build_dir" -Dmaven.test.skip=true \
    -Dspotless.check.skip=true -pl starter-app,worker-app -am package) >&2
  cli_jar="$(jar_of "$root/starter-app/$build_dir/locality-starter-app-*-all.jar")"
  worker_jar="$(jar_of "$root/worker-app/$build_dir/locality-worker-app-*-all.jar")"
fi

# The harness: rebuilt when a source of it, or of the modules it is compiled against, is newer.
bench_stale() {
  [ -z "$1" ] && return 0
  [ -n "$(cd "$root" && find pom.xml stage-api api bench \
    \( -type d \( -name 'target*' -o -path bench/results \) \) -prune -o \
    -type f \( -name pom.xml -o -path '*/src/main/*' \) -newer "$1" -print -quit 2>/dev/null)" ]
}
bench_jar="$(jar_of "$bench_dir/$build_dir/locality-bench-*.jar")"
if bench_stale "$bench_jar"; then
  echo "bench: building the harness (module bench)..." >&2
  (cd "$root" && ./mvnw -q -B "-Dbuild.dirname=$build_dir" -Dmaven.test.skip=true \
    -Dspotless.check.skip=true -pl bench -am package) >&2
  bench_jar="$(jar_of "$bench_dir/$build_dir/locality-bench-*.jar")"
fi

tools="$bench_dir/results/tools"
# fetch_tool DESCRIPTION GROUP:ARTIFACT:VERSION:TYPE[:CLASSIFIER] FILE: a jar from Maven Central
# through the Maven wrapper into $tools, once (FILE is the name the dependency plugin gives it).
fetch_tool() {
  if [ ! -f "$tools/$3" ]; then
    echo "bench: fetching $1 ($2)..." >&2
    mkdir -p "$tools"
    (cd "$root" && ./mvnw -q -B -N "-Dbuild.dirname=$build_dir" \
      org.apache.maven.plugins:maven-dependency-plugin:3.11.0:copy \
      "-Dartifact=$2" "-DoutputDirectory=$tools") >&2
  fi
  printf '%s\n' "$tools/$3"
}
tool_args=()
if wants noaffinity; then
  s3proxy_jar="$(fetch_tool "S3Proxy $s3proxy_version (runnable jar-with-dependencies)" \
    "org.gaul:s3proxy:$s3proxy_version:jar:jar-with-dependencies" \
    "s3proxy-$s3proxy_version-jar-with-dependencies.jar")"
  tool_args+=(--s3proxy-jar "$s3proxy_jar")
fi
if wants duckdb; then
  duckdb_jar="$(fetch_tool "DuckDB's JDBC driver $duckdb_version" \
    "org.duckdb:duckdb_jdbc:$duckdb_version:jar" "duckdb_jdbc-$duckdb_version.jar")"
  tool_args+=(--duckdb-jar "$duckdb_jar")
fi

# Snapshots, so a rebuild during the run cannot pull a jar from under a running JVM.
snap="$bench_dir/results/tools/snapshot-$$"
mkdir -p "$snap"
trap 'rm -rf "$snap"' EXIT
cp "$cli_jar" "$snap/cli.jar"
cp "$worker_jar" "$snap/worker.jar"
cp "$bench_jar" "$snap/bench.jar"

cd "$root"
status=0
"$java_cmd" -Dlogback.configurationFile=locality-cli-logback.xml \
  -cp "$snap/bench.jar:$snap/cli.jar" dev.locality.bench.Bench \
  --root "$root" --cli-jar "$snap/cli.jar" --worker-jar "$snap/worker.jar" \
  ${tool_args[@]+"${tool_args[@]}"} --command "bench/run.sh $*" "$@" || status=$?

# With --jfr: a text profile next to every recording of this run (where the CPU time went).
for arg in "$@"; do
  if [ "$arg" = "--jfr" ]; then
    for rec in "$bench_dir"/results/jfr/*.jfr; do
      [ -f "$rec" ] || continue
      [ -f "${rec%.jfr}.txt" ] && [ ! "$rec" -nt "${rec%.jfr}.txt" ] && continue
      "$java_cmd" -cp "$snap/bench.jar" dev.locality.bench.JfrTop "$rec" "" 30 \
        >"${rec%.jfr}.txt" 2>&1 || true
    done
    echo "bench: profiles in $bench_dir/results/jfr/*.txt" >&2
  fi
done
exit "$status"
