#!/usr/bin/env bash
# Runs every check and test of Tributary: the README's test command, and what CI runs (.ci/run).
# On a fresh Debian 12 machine with the .NET SDK it installs what the tests need by itself.
# Ends with a line "N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0
failed=0
fail() { echo "FAILED: $*" >&2; failed=$((failed + 1)); }
ok() { echo "ok: $*"; passed=$((passed + 1)); }
finish() { echo; echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# System libraries and tools the tests use. liblz4 and libzstd back the lz4 and zstd codecs.
need_packages=()
ldconfig -p | grep -q 'liblz4.so.1 ' || need_packages+=(liblz4-1)
ldconfig -p | grep -q 'libzstd.so.1 ' || need_packages+=(libzstd1)
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "Installing ${need_packages[*]} ..."
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}"; }; then
    fail "could not install ${need_packages[*]} (run as root on Debian 12, or install them by hand)"
    finish
  fi
fi
if ! command -v dotnet >/dev/null; then
  fail "the .NET SDK (dotnet) is not on PATH; install the SDK named in global.json"
  finish
fi

if dotnet restore Tributary.slnx --nologo -v quiet; then ok "restore"; else fail "dotnet restore"; finish; fi
if dotnet build Tributary.slnx --no-restore --nologo -v quiet -clp:ErrorsOnly; then ok "build (warnings as errors)"; else fail "build"; finish; fi
if dotnet format Tributary.slnx --verify-no-changes --no-restore -v quiet; then ok "dotnet format --verify-no-changes"; else fail "dotnet format --verify-no-changes (run 'dotnet format' to fix)"; fi

results=.test-output
rm -rf "$results"
dotnet test Tributary.slnx --no-build --nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=false
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
