#!/usr/bin/env bash
# Install smoke: what a newcomer types, against the packages eng/consumer-smoke.sh packed into
# artifacts/packages (run that first).
#  1. A fresh `dotnet new web` app runs every `dotnet add package` line of README.md's Install block
#     exactly as written, then builds.
#  2. A fresh app per cloud store runs only that store's line and must not get ExternalSecrets, Vault
#     or YamlDotNet (a store package depends on the core alone).
# K8sSecrets.* resolve only from the local folder (package source mapping), everything else from the
# registry, into the same private cache the consumer smoke uses. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
feed="$root/artifacts/packages"
ls "$feed"/K8sSecrets.Configuration.*.nupkg >/dev/null 2>&1 || { echo "install smoke: no packages in $feed (run eng/consumer-smoke.sh first)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="$root/artifacts/smoke/packages" /></config>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="K8sSecrets.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
EOF

# The README's install lines, comments dropped: the block between "## Install" and the next heading.
mapfile -t lines < <(awk '/^## Install/{on=1; next} /^## /{on=0} on && /^dotnet add package /{sub(/ *#.*/, ""); print}' README.md)
[ "${#lines[@]}" -ge 8 ] || { echo "install smoke: found ${#lines[@]} install lines in README.md, expected every package"; exit 1; }
for id in $(cd src && ls -d */ | sed 's#/$##'); do
  [ -f "src/$id/$id.csproj" ] || continue
  printf '%s\n' "${lines[@]}" | grep -q "dotnet add package $id " || { echo "install smoke: README.md's Install block does not list $id"; exit 1; }
done

new_app() { # $1 = folder; a fresh web app of the SDK's own template
  dotnet new web -o "$work/$1" --no-restore >/dev/null
}

new_app all
(cd "$work/all" && for line in "${lines[@]}"; do echo "+ $line"; eval "$line" >/dev/null || { echo "install smoke: '$line' failed"; exit 1; }; done)
dotnet build "$work/all" -nologo -v:q >/dev/null || { echo "install smoke: the app with every package does not build"; exit 1; }
echo "install smoke: ${#lines[@]} README install lines ran as written and the app builds"

for store in Aws Azure Google; do
  line=$(printf '%s\n' "${lines[@]}" | grep "dotnet add package K8sSecrets.Configuration.$store ")
  new_app "$store"
  (cd "$work/$store" && eval "$line" >/dev/null) || { echo "install smoke: '$line' failed"; exit 1; }
  assets="$work/$store/obj/project.assets.json"
  found=$(python3 - "$assets" <<'PY'
import json, sys
libs = json.load(open(sys.argv[1]))["libraries"]
bad = ("K8sSecrets.Configuration.ExternalSecrets", "K8sSecrets.Configuration.Vault", "YamlDotNet")
print(" ".join(sorted(k.split("/")[0] for k in libs if k.split("/")[0].startswith(bad))))
PY
)
  [ -z "$found" ] || { echo "install smoke: an app with only K8sSecrets.Configuration.$store gets $found"; exit 1; }
  echo "install smoke: K8sSecrets.Configuration.$store alone brings no ExternalSecrets, Vault or YamlDotNet"
done
