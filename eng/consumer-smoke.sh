#!/usr/bin/env bash
# Consumer smoke test: pack every src/* package into artifacts/packages, check the packages
# (eng/check-packages.py), restore tests/K8sSecrets.Configuration.ConsumerSmoke from that folder only
# (its nuget.config maps K8sSecrets.* to it) and run it. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/artifacts/packages"
app=tests/K8sSecrets.Configuration.ConsumerSmoke
rm -rf "$out" "$app/bin" "$app/obj"
# A package of the same version restored earlier must not be reused: drop ours from the app's cache.
rm -rf artifacts/smoke/packages/k8ssecrets.*

dotnet msbuild -restore eng/pack.proj -t:Pack -m -warnaserror -nologo -v:m -p:PackageOutputPath="$out/"
check=$(python3 eng/check-packages.py src "$out") || { echo "$check"; exit 1; }
echo "$check"
version=$(tail -n 1 <<<"$check")
ids=$(cd src && ls -d */ | sed 's#/$##' | while read -r d; do [ -f "$d/$d.csproj" ] && echo "$d"; done | paste -sd';')
# Passed as environment variables (MSBuild reads them as properties; a ';' list cannot go through -p:).
export K8sSecretsVersion="$version" K8sSecretsPackages="$ids"

dotnet restore "$app"
dotnet build "$app" --no-restore -warnaserror -nologo -v:q
# The app must have taken ours from the local folder, not from anywhere else.
for id in ${ids//;/ }; do
  lower=$(echo "$id" | tr '[:upper:]' '[:lower:]')
  meta="artifacts/smoke/packages/$lower/$version/.nupkg.metadata"
  grep -q "\"source\": \"$out" "$meta" || { echo "consumer smoke: $id $version was not restored from $out"; exit 1; }
done
dotnet "$app/bin/Debug/net10.0/K8sSecrets.Configuration.ConsumerSmoke.dll"
