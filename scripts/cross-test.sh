#!/usr/bin/env bash
# Run haul's whole test suite for other targets on this Linux x86_64 machine:
#   x86_64-pc-windows-gnu      test binaries and haul.exe run under wine
#   x86_64-unknown-linux-musl  static binaries, run natively
#
#   scripts/cross-test.sh [TARGET...]     (default: both)
#
# Uses the wine prefix and the ProcessPrng shim that ../shared/scripts/cross-check.sh prepares
# (run it first, as .ci/run does); installs the packages and rustup targets it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-pc-windows-gnu x86_64-unknown-linux-musl)
state=${XDG_CACHE_HOME:-$HOME/.cache}/cross-check
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo

need() {   # Debian packages
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    $SUDO apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

for target in "${targets[@]}"; do
    rustup target list --installed | grep -qx "$target" || rustup target add "$target"
    tu=${target//-/_}
    TU=$(echo "$tu" | tr a-z A-Z)
    envs=()
    retries=()
    case $target in
        x86_64-pc-windows-gnu)
            need mingw-w64 wine wine64
            [ -f "$state/wine/system.reg" ] || { echo "no wine prefix: run ../shared/scripts/cross-check.sh first" >&2; exit 1; }
            envs+=("CARGO_TARGET_${TU}_LINKER=x86_64-w64-mingw32-gcc" "CC_$tu=x86_64-w64-mingw32-gcc"
                   "AR_$tu=x86_64-w64-mingw32-ar" "CARGO_TARGET_${TU}_RUNNER=wine"
                   "WINEPREFIX=$state/wine" "WINEDEBUG=-all" "WINEDLLOVERRIDES=mscoree,mshtml=")
            # Under load, wine now and then fails to start a process at all (CreateProcess
            # returns ERROR_INTERNAL_ERROR, or a test binary dies before its first test): a
            # fault of the emulator, not of haul. A test that fails is run again, up to twice;
            # nextest reports each such test as FLAKY, and one that fails three times fails
            # the run.
            retries=(--retries 2) ;;
        x86_64-unknown-linux-musl)
            need musl-tools
            envs+=("CC_$tu=x86_64-linux-musl-gcc") ;;
        *) echo "cross-test: no recipe for $target" >&2; exit 2 ;;
    esac
    printf '\n==> cargo nextest run --target %s\n' "$target"
    env "${envs[@]}" CARGO_TARGET_DIR="target/cross-test" cargo nextest run --locked --no-fail-fast "${retries[@]}" --target "$target"
done
