#!/usr/bin/env bash
# Syscalls per key of a cold load of a kubelet-layout volume, our volume source against AddKeyPerFile.
# Each load runs REPEATS times in one process under `strace -f -c`, after a warm-up load of a 1-key
# volume; a run on an empty volume is subtracted, and the difference divided by keys x REPEATS.
# Usage: benchmarks/syscalls.sh [REPEATS] [KEYS...]   (defaults: 20, then 10 100 1000)
set -euo pipefail
repeats=${1:-20}; shift || true
sizes=("${@:-10 100 1000}"); sizes=(${sizes[@]})
here=$(cd "$(dirname "$0")" && pwd)
project="$here/K8sSecrets.Configuration.Benchmarks"
dotnet build -c Release "$project" -v:q -nologo >/dev/null
app=$(find "$project/bin/Release" -name K8sSecrets.Configuration.Benchmarks.dll | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOTNET_TieredCompilation=0 DOTNET_TieredPGO=0 DOTNET_gcServer=0
for n in 0 1 "${sizes[@]}"; do dotnet "$app" syscalls make "$work/v$n" "$n"; done
count() { # kind keys -> "syscall calls" lines
  strace -f -c -o "$work/trace" dotnet "$app" syscalls "$1" "$work/v$2" "$work/v1" "$repeats" >/dev/null
  awk 'NF >= 5 && $1 ~ /^[0-9.]+$/ { print $NF, $4 }' "$work/trace" | grep -v '^total ' | sort
}
for kind in ours kpf; do
  count "$kind" 0 > "$work/$kind-0"
  for n in "${sizes[@]}"; do
    count "$kind" "$n" > "$work/$kind-$n"
    join -a1 -a2 -e 0 -o 0,1.2,2.2 "$work/$kind-$n" "$work/$kind-0" \
      | awk -v kind="$kind" -v n="$n" -v r="$repeats" '
          { d = ($2 - $3) / (n * r); total += d; if (d >= 0.05 || d <= -0.05) parts = parts sprintf(" %s=%.2f", $1, d) }
          END { printf "%-4s %5d keys: %6.2f syscalls per key:%s\n", kind, n, total, parts }'
  done
done
