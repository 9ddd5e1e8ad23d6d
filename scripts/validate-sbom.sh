#!/usr/bin/env bash
# `haul sbom` against the CycloneDX 1.6 JSON schema, with the fixture project in tests/data/sbom
# (a haul.toml and a hand-written haul.lock: a GitHub release verified by API digests, the
# catalog's URL-template kubectl, a tag with a `/`, a SHA-512-verified release, four platforms
# and a platform one tool has no build for). No network: sbom reads the lock.
#
#   scripts/validate-sbom.sh              the fixture, for this platform and every --target
#   scripts/validate-sbom.sh FILE...      validate these CycloneDX 1.6 JSON files only
#
# Needs a Python with cyclonedx-python-lib[json-validation] (and jsonschema[format-nongpl], so
# that formats such as date-time and iri-reference are checked too): SBOM_PYTHON names it
# (default: python3). `.ci/run` installs them in ~/.cache/haul-ci/sbom. HAUL names the haul
# binary (default: `cargo build --locked` and the debug build).
#
# Each document must pass JsonStrictValidator(SchemaVersion.V1_6) (no unknown properties) and
# match the lock: one component per locked file of the platform, with its SHA-256 (and SHA-512
# when locked), its URL, its purl and what verified it. A broken document must be rejected, so
# a validator that checks nothing fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

python=${SBOM_PYTHON:-python3}
fail() { printf 'validate-sbom: FAILED: %s\n' "$*" >&2; exit 1; }

"$python" - <<'EOF' || fail "$python lacks the validator: pip install 'cyclonedx-python-lib[json-validation]' 'jsonschema[format-nongpl]'"
import sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
import rfc3339_validator, rfc3987_syntax  # the date-time and iri-reference format checks
assert sys.version_info >= (3, 11), "Python 3.11 or newer (tomllib) is needed"
EOF

# validate MODE FILE...: MODE is `schema` (the schema only), `broken` (each file must be
# rejected) or `lock:LOCKFILE:PLATFORM` (the schema, and the components match the lock).
validate() {
    "$python" - "$@" <<'EOF'
import json, sys, tomllib
from urllib.parse import quote
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

mode, files = sys.argv[1], sys.argv[2:]
validator = JsonStrictValidator(SchemaVersion.V1_6)

def schema_errors(text):
    errors = validator.validate_str(text, all_errors=True)
    return [] if errors is None else [
        f"{'/'.join(str(p) for p in e.data.absolute_path) or '(document)'}: {e.data.message}"
        for e in errors
    ]

def lock_problems(bom, lock_path, platform):
    lock = tomllib.load(open(lock_path, "rb"))
    want = {}
    for tool in lock.get("tool", []):
        for artifact in tool["platforms"].get(platform, []):
            want[artifact["url"]] = (tool, artifact)
    problems = []
    if bom.get("bomFormat") != "CycloneDX" or bom.get("specVersion") != "1.6":
        problems.append(f"bomFormat/specVersion: {bom.get('bomFormat')} {bom.get('specVersion')}")
    components = bom.get("components", [])
    refs = [c.get("bom-ref") for c in components]
    if len(set(refs)) != len(refs):
        problems.append(f"bom-refs are not unique: {refs}")
    got = {}
    for c in components:
        urls = [r["url"] for r in c.get("externalReferences", []) if r.get("type") == "distribution"]
        if len(urls) != 1:
            problems.append(f"{c.get('bom-ref')}: {len(urls)} distribution references")
            continue
        got[urls[0]] = c
    if sorted(got) != sorted(want):
        problems.append(f"components for {platform}: got {sorted(got)}, want {sorted(want)}")
    for url, (tool, artifact) in want.items():
        c = got.get(url)
        if c is None:
            continue
        hashes = {h["alg"]: h["content"] for h in c.get("hashes", [])}
        expect = {"SHA-256": artifact["sha256"]}
        if "sha512" in artifact:
            expect["SHA-512"] = artifact["sha512"]
        if hashes != expect:
            problems.append(f"{url}: hashes {hashes}, want {expect}")
        if (c.get("name"), c.get("version")) != (tool["name"], tool["version"]):
            problems.append(f"{url}: name/version {c.get('name')} {c.get('version')}")
        source = tool["source"]
        if source.startswith("github:"):
            purl = f"pkg:github/{source[7:].lower()}@{quote(tool['tag'], safe='')}"
        else:
            purl = (f"pkg:generic/{quote(tool['name'], safe='')}@{quote(tool['version'], safe='')}"
                    f"?download_url={quote(url, safe='')}")
        if c.get("purl") != purl:
            problems.append(f"{url}: purl {c.get('purl')}, want {purl}")
        props = {p["name"]: p["value"] for p in c.get("properties", [])}
        expect_props = {"haul:platform": platform, "haul:asset": artifact["asset"],
                        "haul:verified-by": artifact.get("verified_by", "unverified")}
        if "checksum_url" in artifact:
            expect_props["haul:checksum-url"] = artifact["checksum_url"]
        if props != expect_props:
            problems.append(f"{url}: properties {props}, want {expect_props}")
    return problems

failed = 0
for path in files:
    text = open(path).read()
    errors = schema_errors(text)
    if mode == "broken":
        if errors:
            print(f"ok   {path}: rejected as it must be ({errors[0]})")
        else:
            print(f"FAIL {path}: a broken document passed the schema")
            failed += 1
        continue
    if not errors and mode.startswith("lock:"):
        _, lock_path, platform = mode.split(":", 2)
        errors = lock_problems(json.loads(text), lock_path, platform)
    if errors:
        failed += 1
        print(f"FAIL {path}:")
        for error in errors:
            print(f"       {error}")
    else:
        n = len(json.loads(text).get("components", []))
        print(f"ok   {path}: valid CycloneDX 1.6 ({n} components)")
sys.exit(1 if failed else 0)
EOF
}

if [ $# -gt 0 ]; then
    validate schema "$@"
    exit
fi

if [ -z "${HAUL:-}" ]; then
    cargo build --locked --quiet
    HAUL=$(cargo metadata --format-version 1 --no-deps --offline |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/debug/haul
fi
HAUL=$(cd "$(dirname "$HAUL")" && pwd)/$(basename "$HAUL")
[ -x "$HAUL" ] || fail "no haul binary at $HAUL"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The fixture is copied, so that nothing is written into the repository; haul's own state goes
# into a home of its own and no request leaves the machine.
project=$work/sbom
cp -r "$root/tests/data/sbom" "$project"
mkdir -p "$work/home" "$work/out"
haul() {
    (cd "$project" && env -i PATH="$PATH" HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" \
        HAUL_HOME="$work/home/store" HAUL_CACHE_DIR="$work/home/cache" \
        HAUL_BIN_DIR="$work/home/bin" HAUL_CONFIG="$work/home/config.toml" HAUL_OFFLINE=1 \
        "$HAUL" "$@")
}

passed=0
pass() { passed=$((passed + 1)); }

# The fixture must be a lock haul itself accepts as current for its haul.toml: `haul lock`
# keeps every entry (no network) and leaves the file as it is.
haul lock -q || fail "haul lock does not accept the fixture tests/data/sbom/haul.lock"
cmp -s "$project/haul.lock" "$root/tests/data/sbom/haul.lock" ||
    fail "haul lock rewrote the fixture; it is not current for tests/data/sbom/haul.toml"
echo "ok   tests/data/sbom/haul.lock is current for its haul.toml"
pass

platforms=$("$python" -c 'import sys, tomllib; print(" ".join(tomllib.load(open(sys.argv[1], "rb"))["platforms"]))' \
    "$project/haul.lock")
# Every locked platform, and this machine's. A platform a tool has no build for (the fixture's
# windows-x86_64) gives a valid document without that tool, the tool named on stderr, and exit
# 1 (`haul sync` fails there; the inventory is not whole).
for platform in $platforms; do
    if haul sbom --target "$platform" >"$work/out/$platform.cdx.json" 2>"$work/out/$platform.err"; then
        ! grep -q "has no build for" "$work/out/$platform.err" ||
            fail "haul sbom exited 0 for $platform, where a tool has no build"
    else
        grep -q "has no build for $platform" "$work/out/$platform.err" ||
            fail "haul sbom --target $platform failed: $(cat "$work/out/$platform.err")"
    fi
    (cd "$work/out" && validate "lock:$project/haul.lock:$platform" "$platform.cdx.json")
    pass
done
grep -q "has no build for windows-x86_64" "$work/out/windows-x86_64.err" ||
    fail "haul sbom did not say a tool has no build for windows-x86_64"
# A platform the lock does not cover: a valid document with no components, each tool named on
# stderr, and exit 1 (the inventory is not whole).
if haul sbom --target macos-x86_64 >"$work/out/macos-x86_64.cdx.json" 2>"$work/out/uncovered.err"; then
    fail "haul sbom exited 0 for a platform the lock does not cover"
fi
grep -q "does not cover macos-x86_64" "$work/out/uncovered.err" ||
    fail "haul sbom did not say the lock does not cover macos-x86_64: $(cat "$work/out/uncovered.err")"
(cd "$work/out" && validate "lock:$project/haul.lock:macos-x86_64" "macos-x86_64.cdx.json")
pass
haul sbom >"$work/out/host.cdx.json"
(cd "$work/out" && validate schema host.cdx.json)
pass
# Outside a project (and with --installed inside one): the installed tools, here none.
haul sbom --installed >"$work/out/installed.cdx.json"
(cd "$work/out" && validate schema installed.cdx.json)
pass

# The validator must reject what the schema forbids, else the checks above prove nothing.
"$python" - "$work/out/linux-x86_64.cdx.json" "$work/out" <<'EOF'
import json, sys
source, out = sys.argv[1], sys.argv[2]
def broken(name, change):
    bom = json.load(open(source))
    change(bom)
    json.dump(bom, open(f"{out}/broken-{name}.json", "w"))
broken("unknown-property", lambda b: b["components"][0].update(licence="MIT"))
broken("hash-algorithm", lambda b: b["components"][0]["hashes"][0].update(alg="SHA256"))
broken("hash-length", lambda b: b["components"][0]["hashes"][0].update(content="abc"))
broken("bom-format", lambda b: b.update(bomFormat="SPDX"))
broken("serial-number", lambda b: b.update(serialNumber="42"))
broken("timestamp", lambda b: b["metadata"].update(timestamp="yesterday"))
broken("url", lambda b: b["components"][0]["externalReferences"][0].update(url="https://exa mple/<x>"))
EOF
(cd "$work/out" && validate broken broken-*.json)
pass

echo "validate-sbom: $passed passed, 0 failed"
