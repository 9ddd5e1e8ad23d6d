#!/usr/bin/env bash
# `haul env --shell tcsh|csh` in a real tcsh, each way the README gives or a profile may use it
# (``eval `haul env` ``, ``eval "`haul env`"``, `source FILE`), twice each: the bin dir (with a
# quote and a space in it) is added to PATH once, first. Usage: scripts/env-snippets.sh HAUL.
# Installs tcsh (Debian) when it is missing.
set -euo pipefail
haul=$(realpath "$1")
if ! command -v tcsh >/dev/null; then
    sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends tcsh >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HAUL_BIN_DIR="$work/o'neil x/bin" HAUL_HOME="$work/home" HAUL_CONFIG="$work/none.toml"
expected="$HAUL_BIN_DIR:/usr/bin:/bin"
for shell in tcsh csh; do
    "$haul" env --shell "$shell" >"$work/snippet.csh"
    # shellcheck disable=SC2016 # tcsh expands them, not this script
    for how in 'eval `"$HAUL" env --shell $SH`' 'eval "`"$HAUL" env --shell $SH`"' "source $work/snippet.csh"; do
        got=$(HAUL="$haul" SH="$shell" tcsh -f -c "setenv PATH /usr/bin:/bin; $how; $how; printf '%s\n' \"\$PATH\"")
        if [ "$got" != "$expected" ]; then
            printf 'haul env --shell %s, run as: %s\n  PATH: %s\n  want: %s\n' "$shell" "$how" "$got" "$expected" >&2
            exit 1
        fi
    done
done
echo "haul env --shell tcsh|csh: PATH right each way"
