#!/usr/bin/env bash
# Packs FastNmf (library, XML docs, README, libfastnmf.so) under a unique version into a fresh local folder and runs
# the consumer tests against that package. Usage: tests/FastNmf.PackageTests/run.sh [path/to/libfastnmf.so]
# (default: build/native/publish/libfastnmf.so, what `cmake --build build` publishes).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
native=${1:-$root/build/native/publish/libfastnmf.so}
version="0.1.0-local.$(date +%s)"
feed=$(mktemp -d)
trap 'rm -rf "$feed"' EXIT
dotnet pack "$root/src/FastNmf" -c Release -o "$feed" --nologo -p:PackageVersion="$version" -p:FastNmfNativeLibrary="$native"
dotnet test "$root/tests/FastNmf.PackageTests" -c Release --nologo \
  -p:FastNmfPackageVersion="$version" -p:FastNmfPackageSource="$feed"
