#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the
# project's PublicAPI.Unshipped.txt, and drops the ones it reports as gone (RS0017).
# Usage: eng/update-public-api.sh [project-or-solution]
set -euo pipefail
target=${1:-K8sSecrets.Configuration.sln}
log=$(mktemp)
dotnet build "$target" --no-incremental -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true
python3 - "$log" <<'PY'
import re, sys, collections, os
adds, removes = collections.defaultdict(set), collections.defaultdict(set)
for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
    m = re.search(r"(RS0016|RS0017): Symbol '(.+?)' is (?:not part of the declared public API|part of the declared API, but is either not public or could not be found).*\[(.+?\.csproj)", line)
    if not m:
        continue
    code, sym, proj = m.groups()
    (adds if code == 'RS0016' else removes)[os.path.dirname(proj)].add(sym)
for d in set(adds) | set(removes):
    path = os.path.join(d, 'PublicAPI.Unshipped.txt')
    lines = [l.rstrip('\n') for l in open(path)] if os.path.exists(path) else ['#nullable enable']
    body = (set(lines[1:]) | adds[d]) - removes[d]
    body.discard('')
    open(path, 'w').write('\n'.join([lines[0]] + sorted(body)) + '\n')
    print(f"{path}: +{len(adds[d])} -{len(removes[d])}")
PY
rm -f "$log"
