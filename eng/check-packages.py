#!/usr/bin/env python3
"""Checks the packages eng/pack.proj wrote: one .nupkg and one .snupkg per src/<Package>/ project, all
at one version, each with its assembly, XML docs, PDB (in the .snupkg), its own README (packed,
titled with the package id, absolute links only), complete nuspec metadata, and dependencies that
resolve: K8sSecrets.* at the same version in the folder, Microsoft.Extensions.* at the lowest 10.0.x.
Prints the version on success (stdout, last line); exits 1 with one line per problem otherwise.
usage: check-packages.py SRC_DIR PACKAGES_DIR"""
import pathlib, re, sys, zipfile
import xml.etree.ElementTree as ET

src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
problems, versions = [], set()
ids = sorted(p.stem for p in src.glob("*/*.csproj"))
if not ids:
    problems.append(f"no package projects under {src}")

def nupkg_of(pid, ext):
    found = [f for f in out.glob(f"{pid}.*.{ext}") if re.fullmatch(re.escape(pid) + r"\.\d+\.\d+\.\d+[^/]*\." + ext, f.name)]
    if len(found) != 1:
        problems.append(f"{pid}: expected one .{ext} in {out}, found {len(found)}")
        return None
    return found[0]

for pid in ids:
    nupkg, snupkg = nupkg_of(pid, "nupkg"), nupkg_of(pid, "snupkg")
    if nupkg is None:
        continue
    with zipfile.ZipFile(nupkg) as z:
        names = set(z.namelist())
        for required in (f"lib/net10.0/{pid}.dll", f"lib/net10.0/{pid}.xml", "README.md", f"{pid}.nuspec"):
            if required not in names:
                problems.append(f"{pid}: {nupkg.name} lacks {required}")
        if f"{pid}.nuspec" not in names:
            continue
        meta = ET.fromstring(z.read(f"{pid}.nuspec"))
        ns = {"n": meta.tag.split("}")[0].strip("{")}
        m = meta.find("n:metadata", ns)
        text = lambda tag: (m.findtext(f"n:{tag}", default="", namespaces=ns) or "").strip()
        version = text("version")
        versions.add(version)
        for tag in ("authors", "description", "tags", "projectUrl", "readme", "copyright"):
            if not text(tag):
                problems.append(f"{pid}: nuspec has no <{tag}>")
        lic = m.find("n:license", ns)
        if lic is None or lic.get("type") != "expression":
            problems.append(f"{pid}: nuspec has no license expression")
        repo = m.find("n:repository", ns)
        if repo is None or not repo.get("url", "").startswith("https://") or len(repo.get("commit", "")) != 40:
            problems.append(f"{pid}: nuspec <repository> lacks an https url or a commit (SourceLink)")
        if m.find("n:icon", ns) is not None or m.find("n:iconUrl", ns) is not None:
            problems.append(f"{pid}: nuspec names an icon; the packages are icon-free")
        for dep in m.iter(f"{{{ns['n']}}}dependency"):
            did, dver = dep.get("id"), dep.get("version", "")
            if did.startswith("K8sSecrets."):
                if dver != version or nupkg_of(did, "nupkg") is None:
                    problems.append(f"{pid}: depends on {did} {dver}, which is not in {out} at {version}")
            elif did.startswith("Microsoft.Extensions.") and not re.fullmatch(r"\[?10\.0\.0[,)\]]*", dver):
                problems.append(f"{pid}: depends on {did} {dver}; shipped Microsoft.Extensions.* stay at 10.0.0 (Directory.Packages.props)")
        if "README.md" in names:
            readme = z.read("README.md").decode("utf-8")
            if not readme.startswith(f"# {pid}\n"):
                problems.append(f"{pid}: the packed README.md is not the package's own (its first line must be '# {pid}')")
            if "```" not in readme:
                problems.append(f"{pid}: the packed README.md shows no usage (no code block)")
            for link in re.findall(r"\]\(([^)]+)\)", readme):
                if not link.startswith("https://"):
                    problems.append(f"{pid}: README link '{link}' is relative; nuget.org cannot follow it")
    if snupkg is not None:
        with zipfile.ZipFile(snupkg) as z:
            if f"lib/net10.0/{pid}.pdb" not in z.namelist():
                problems.append(f"{pid}: {snupkg.name} lacks lib/net10.0/{pid}.pdb")

if len(versions) > 1:
    problems.append(f"packages disagree on the version: {sorted(versions)}")
for p in problems:
    print(f"package check: {p}")
if problems:
    sys.exit(1)
print(f"package check: {len(ids)} packages OK ({', '.join(ids)})")
print(versions.pop())
