#!/usr/bin/env bash
# The asset corpus in tests/data/assets.json is a copy of the shared corpus
# (../shared/corpus/assets.json beside this checkout).
#   scripts/sync-corpus.sh          copy it again, and say which cases changed
#   scripts/sync-corpus.sh --check  only say which cases differ; exit 1 when any do
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/corpus/assets.json
[ -f "$shared" ] || { echo "no shared corpus at $shared" >&2; exit 1; }
python3 - "$shared" tests/data/assets.json "${1:-}" <<'PY'
import json, sys
new = {c["id"]: c for c in json.load(open(sys.argv[1]))}
old = {c["id"]: c for c in json.load(open(sys.argv[2]))}
diff = [("added:  ", i) for i in sorted(new.keys() - old.keys())]
diff += [("removed:", i) for i in sorted(old.keys() - new.keys())]
diff += [("changed:", i) for i in sorted(new.keys() & old.keys()) if new[i] != old[i]]
for what, i in diff:
    print(what, i)
if sys.argv[3] == "--check":
    if diff:
        print(f"tests/data/assets.json differs from {sys.argv[1]} in {len(diff)} cases; "
              "run scripts/sync-corpus.sh", file=sys.stderr)
        sys.exit(1)
    print(f"tests/data/assets.json matches {sys.argv[1]} ({len(new)} cases)")
PY
if [ "${1:-}" != "--check" ]; then
    cp "$shared" tests/data/assets.json
    chmod 644 tests/data/assets.json
fi
