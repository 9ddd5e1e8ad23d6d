#!/usr/bin/env bash
# The shell side of the GitHub Action in action.yml, in one script so that it runs, and is
# tested (tests/release_e2e.sh), outside GitHub too.
#
#   action.sh dirs      choose haul's bin dir and download cache, export them through
#                       $GITHUB_ENV, and output them and the SHA-256 of haul.lock (the cache key)
#   action.sh install   install haul from its release archive, verified; put the bin dir on
#                       $GITHUB_PATH; `haul sync --frozen` when the project has a haul.lock
#
# Inputs come as environment variables (action.yml passes them through `env:`, never into the
# script's text):
#
#   HAUL_ACTION_VERSION            haul's version, `X.Y.Z` or `vX.Y.Z`, or `latest` (default)
#   HAUL_ACTION_WORKING_DIRECTORY  the project directory, holding haul.toml and haul.lock (.)
#   HAUL_ACTION_SYNC               `true` (default): install what haul.lock pins
#   HAUL_ACTION_FROZEN             `true` (default): `haul sync --frozen`, failing when haul.lock
#                                  does not match haul.toml
#
# and GitHub's own: GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, RUNNER_TEMP, HOME. HAUL_BIN_DIR and
# HAUL_CACHE_DIR are used when set (else ~/.local/bin and ~/.cache/haul).
# HAUL_INSTALLER_GITHUB_BASE_URL (the installer's own setting) replaces https://github.com for
# every download, as for a GitHub Enterprise server or a test server.
#
# How haul is verified: the release's `sha256.sum` is downloaded, and the haul archive for this
# machine (the one haul's installer would choose) is downloaded and must have the SHA-256 it
# lists. Nothing from the release runs before that: the installer script is read (for the
# version a `latest` release holds), never run. The haul unpacked from the checked archive must
# say, run from where it was unpacked, that it is the version asked for; only then is it copied
# into the bin dir. Any difference fails the step, and nothing is put in the bin dir.
set -euo pipefail

fail() {
    # One line: GitHub shows it as an error annotation; elsewhere it is plain text.
    printf '::error title=haul::%s\n' "$*" >&2
    exit 1
}
note() { printf '%s\n' "$*" >&2; }

for var in GITHUB_ENV GITHUB_OUTPUT GITHUB_PATH RUNNER_TEMP HOME; do
    [ -n "${!var:-}" ] || fail "$var is not set: this script runs as a step of action.yml"
done

version=${HAUL_ACTION_VERSION:-latest}
workdir=${HAUL_ACTION_WORKING_DIRECTORY:-.}
boolean() { # $1 = input name, $2 = value
    case $2 in
        true | false) printf '%s' "$2" ;;
        *) fail "input \`$1\` must be true or false, not \`$2\`" ;;
    esac
}
sync=$(boolean sync "${HAUL_ACTION_SYNC:-true}")
frozen=$(boolean frozen "${HAUL_ACTION_FROZEN:-true}")

# A value written to $GITHUB_ENV, $GITHUB_OUTPUT or $GITHUB_PATH must be one line.
one_line() {
    case $1 in
        *$'\n'* | *$'\r'*) fail "a path with a line break cannot be exported: $1" ;;
    esac
}
output() { one_line "$2"; printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; }
export_env() { one_line "$2"; printf '%s=%s\n' "$1" "$2" >>"$GITHUB_ENV"; }
# Windows runners run this under Git's bash; $GITHUB_PATH wants Windows paths there.
native() { if command -v cygpath >/dev/null 2>&1; then cygpath -w "$1"; else printf '%s' "$1"; fi; }
# And bash's own spelling, for its PATH (`C:\…` holds the `:` that PATH splits on).
posix() { if command -v cygpath >/dev/null 2>&1; then cygpath -u "$1"; else printf '%s' "$1"; fi; }
add_path() { local p; p=$(native "$1"); one_line "$p"; printf '%s\n' "$p" >>"$GITHUB_PATH"; }

# The file on stdin: GNU sha256sum escapes a name with a backslash (`D:\a\_temp` on Windows
# runners) and then starts its line with `\`.
sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum -b <"$1" | cut -d' ' -f1
    else
        shasum -a 256 -b <"$1" | cut -d' ' -f1
    fi
}

bin_dir=${HAUL_BIN_DIR:-$HOME/.local/bin}
cache_dir=${HAUL_CACHE_DIR:-$HOME/.cache/haul}
# Relative, they would name a directory of the checkout (whose files nothing verified) once the
# sync runs in the project directory.
absolute() { # $1 = variable, $2 = value
    case $2 in
        /* | [A-Za-z]:[\\/]*) ;;
        *) fail "$1 must be an absolute path, not \`$2\`" ;;
    esac
}
absolute HAUL_BIN_DIR "$bin_dir"
absolute HAUL_CACHE_DIR "$cache_dir"
# haul, run below, uses the same two.
export HAUL_BIN_DIR=$bin_dir HAUL_CACHE_DIR=$cache_dir
exe=
case $(uname -s) in MINGW* | MSYS* | CYGWIN*) exe=.exe ;; esac

dirs() {
    # As the platform spells paths: later steps may be PowerShell or cmd on Windows.
    export_env HAUL_BIN_DIR "$(native "$bin_dir")"
    export_env HAUL_CACHE_DIR "$(native "$cache_dir")"
    output bin-dir "$(native "$bin_dir")"
    output cache-dir "$(native "$cache_dir")"
    local hash=
    if [ -f "$workdir/haul.lock" ]; then
        hash=$(sha256_of "$workdir/haul.lock")
    fi
    output lock-hash "$hash"
}

# curl for every download: https only (with TLS 1.2 or newer) unless the base URL itself is
# plain http (a local test server).
base=${HAUL_INSTALLER_GITHUB_BASE_URL:-https://github.com}
base=${base%/}
case $base in
    https://*) proto='=https' ;;
    http://*) proto='=http,https' ;;
    *) fail "HAUL_INSTALLER_GITHUB_BASE_URL must be an http(s) URL, not \`$base\`" ;;
esac
releases=$base/haul-cli/haul/releases
fetch() { # $1 = URL, $2 = file
    curl --proto "$proto" --proto-redir "$proto" --tlsv1.2 --fail --silent --show-error --location \
        --retry 3 --output "$2" "$1" || fail "could not download $1"
}

# The archive of haul for this machine, as haul's installer would choose it, among those
# sha256.sum lists (as arguments): on Linux the glibc build where glibc is, else the static one;
# on a Mac its own architecture, else x86_64 (Rosetta 2); on Windows likewise.
archive_for_here() {
    local arch want=() w n
    case $(uname -m) in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=aarch64 ;;
        *) arch=$(uname -m) ;;
    esac
    case $(uname -s) in
        Linux)
            if getconf GNU_LIBC_VERSION >/dev/null 2>&1; then want+=("haul-$arch-unknown-linux-gnu.tar.xz"); fi
            want+=("haul-$arch-unknown-linux-musl.tar.xz")
            ;;
        Darwin) want=("haul-$arch-apple-darwin.tar.xz" haul-x86_64-apple-darwin.tar.xz) ;;
        MINGW* | MSYS* | CYGWIN*) want=("haul-$arch-pc-windows-msvc.zip" haul-x86_64-pc-windows-msvc.zip) ;;
        *) fail "haul has no build for $(uname -s)" ;;
    esac
    for w in "${want[@]}"; do
        for n in "$@"; do
            if [ "$n" = "$w" ]; then
                printf '%s' "$n"
                return
            fi
        done
    done
}

install_haul() {
    local tmp
    tmp=$(mktemp -d "$RUNNER_TEMP/haul-setup.XXXXXX")
    # shellcheck disable=SC2064 # expand now: tmp is local
    trap "rm -rf '$tmp'" EXIT

    local wanted url
    case $version in
        latest) wanted='' url=$releases/latest/download/haul-installer.sh ;;
        v[0-9]* | [0-9]*)
            wanted=${version#v}
            [[ $wanted =~ ^[0-9A-Za-z.+-]+$ ]] || fail "input \`version\` is not a version: \`$version\`"
            url=$releases/download/v$wanted/haul-installer.sh
            ;;
        *) fail "input \`version\` must be \`latest\` or a version such as 0.4.1, not \`$version\`" ;;
    esac
    fetch "$url" "$tmp/haul-installer.sh"
    # The version the installer installs (for `latest`, the release it came from).
    local app_version tag
    app_version=$(sed -n 's/^APP_VERSION="\([^"]*\)"$/\1/p' "$tmp/haul-installer.sh" | head -n 1)
    [[ $app_version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
        fail "$url is not a haul installer (no APP_VERSION)"
    if [ -n "$wanted" ] && [ "$app_version" != "$wanted" ]; then
        fail "$url installs haul $app_version, not $wanted"
    fi
    tag=v$app_version

    fetch "$releases/download/$tag/sha256.sum" "$tmp/sha256.sum"
    if [ -z "$wanted" ]; then
        # The installer's text chose the release: it must be the one `latest` leads to.
        fetch "$releases/latest/download/sha256.sum" "$tmp/latest.sum"
        cmp -s "$tmp/sha256.sum" "$tmp/latest.sum" ||
            fail "the latest release's installer names haul $app_version, whose sha256.sum is not the latest release's"
    fi
    local names=() name listed got
    while read -r _ name; do
        names+=("${name#\*}")
    done <"$tmp/sha256.sum"
    name=$(archive_for_here "${names[@]}")
    [ -n "$name" ] || fail "the sha256.sum of haul $tag lists no archive for $(uname -s) $(uname -m)"
    fetch "$releases/download/$tag/$name" "$tmp/$name"
    listed=$(awk -v n="$name" '{ f = $2; sub(/^\*/, "", f) } f == n { print $1 }' "$tmp/sha256.sum")
    [ "$(printf '%s\n' "$listed" | wc -l)" -eq 1 ] || fail "sha256.sum lists $name more than once"
    got=$(sha256_of "$tmp/$name")
    [ "$got" = "$listed" ] ||
        fail "checksum mismatch for $name of haul $tag: sha256.sum says $listed, the download is $got"
    note "verified $name of haul $tag against the release's sha256.sum"
    mkdir -p "$tmp/unpacked"
    case $name in
        *.zip) unzip -q "$tmp/$name" -d "$tmp/unpacked" ;;
        *) tar -xJf "$tmp/$name" -C "$tmp/unpacked" ;;
    esac || fail "$name of haul $tag cannot be unpacked"
    local found=() candidate
    while IFS= read -r -d '' candidate; do found+=("$candidate"); done \
        < <(find "$tmp/unpacked" -type f -name "haul$exe" -print0)
    [ ${#found[@]} -eq 1 ] || fail "$name holds ${#found[@]} files named haul$exe, not one"

    # It runs, and is the version asked for, before it goes where later steps find it.
    chmod 755 "${found[0]}"
    local said
    said=$("${found[0]}" --version) || fail "the haul in $name does not run here"
    [ "$said" = "haul $app_version" ] || fail "\`haul --version\` says \`$said\`, not \`haul $app_version\`"
    mkdir -p "$bin_dir"
    local placed=$bin_dir/.haul-action-$$
    if ! { cp "${found[0]}" "$placed" && chmod 755 "$placed" && mv -f "$placed" "$bin_dir/haul$exe"; }; then
        rm -f "$placed"
        fail "could not put haul$exe into $bin_dir"
    fi
    note "installed haul $app_version into $bin_dir from $name"

    add_path "$bin_dir"
    output version "$app_version"
    rm -rf "$tmp"
    trap - EXIT
}

# The directory `haul sync --json` linked into (`"bin_dir": "…"`, escaped as JSON): haul's
# own reading of haul.toml, which it checked stays inside the project.
synced_bin_dir() {
    sed -n 's/^  "bin_dir": "\(.*\)",$/\1/p' | sed 's/\\\\/\\/g'
}

sync_project() {
    if [ "$sync" != true ]; then
        output synced false
        return
    fi
    [ -d "$workdir" ] || fail "working-directory \`$workdir\` is not a directory"
    local args=(sync)
    if [ -f "$workdir/haul.lock" ]; then
        if [ "$frozen" = true ]; then args+=(--frozen); fi
    elif [ -f "$workdir/haul.toml" ] && [ "$frozen" = false ]; then
        note "no haul.lock in $workdir: haul sync locks haul.toml first"
    elif [ -f "$workdir/haul.toml" ]; then
        # As `haul sync --frozen` does: a project whose lock is missing is not synced by luck.
        fail "$workdir has haul.toml but no haul.lock: run \`haul lock\` and commit haul.lock (or set \`frozen: false\`)"
    else
        note "no haul.toml in $workdir: nothing to sync"
        output synced false
        return
    fi
    # The directory haul linked the tools into goes on PATH for the later steps, when it is
    # the project's own.
    local json own
    PATH=$(posix "$bin_dir"):$PATH
    local code=0
    json=$(CDPATH='' && cd -- "$workdir" && "$bin_dir/haul$exe" "${args[@]}" --json) || code=$?
    if [ "$code" != 0 ]; then
        # haul's own exit code (4: a verification failed) is the step's.
        printf '::error title=haul::haul %s failed in %s (exit %s)\n' "${args[*]}" "$workdir" "$code" >&2
        exit "$code"
    fi
    own=$(printf '%s\n' "$json" | synced_bin_dir)
    if [ -n "$own" ] && [ "$own" != "$(native "$bin_dir")" ] && [ "$own" != "$bin_dir" ]; then
        add_path "$own"
    fi
    output synced true
}

case ${1:-} in
    dirs) dirs ;;
    install)
        install_haul
        sync_project
        ;;
    *) fail "usage: action.sh dirs|install" ;;
esac
