#!/usr/bin/env bash
# Installs the tslab (TypeScript) Jupyter kernel into a project-local prefix (default: .jupyter/ in the repo,
# gitignored), for Debian's /usr/bin/python3 and its Jupyter packages. Idempotent: does nothing when the kernel spec
# is already installed for this checkout's node_modules/.bin/tslab.
#
#   scripts/setup-notebooks.sh            # install or check
#   scripts/setup-notebooks.sh --force    # reinstall
#
# Then: JUPYTER_PATH=.jupyter/share/jupyter jupyter lab   (see notebooks/README.md)
#
# Needs the Debian packages: jupyter-nbconvert python3-nbclient python3-nbformat jupyter-client python3-ipykernel
# jupyter-core (and `npm ci` for tslab). Environment: COMPLENS_PYTHON (default /usr/bin/python3),
# COMPLENS_JUPYTER_PREFIX (default <repo>/.jupyter).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
prefix="${COMPLENS_JUPYTER_PREFIX:-$root/.jupyter}"
python="${COMPLENS_PYTHON:-/usr/bin/python3}"
tslab="$root/node_modules/.bin/tslab"
apt_packages="jupyter-nbconvert python3-nbclient python3-nbformat jupyter-client python3-ipykernel jupyter-core"
force=0
[ "${1:-}" = "--force" ] && force=1

if [ ! -x "$python" ]; then
  echo "setup-notebooks: $python not found; install Debian's python3 and: apt-get install $apt_packages" >&2
  exit 2
fi
if ! "$python" -c 'import jupyter_client, nbclient, nbformat, nbconvert, ipykernel' 2>/dev/null; then
  echo "setup-notebooks: $python lacks Jupyter; install: apt-get install $apt_packages" >&2
  exit 2
fi
if [ ! -x "$tslab" ]; then
  echo "setup-notebooks: $tslab not found; run 'npm ci' first (tslab is a devDependency)" >&2
  exit 2
fi

kernel_json="$prefix/share/jupyter/kernels/tslab/kernel.json"
if [ "$force" = 0 ] && [ -f "$kernel_json" ] && grep -qF "\"$tslab\"" "$kernel_json"; then
  echo "setup-notebooks: tslab kernel already installed in $prefix"
else
  # --binary: the kernel spec names this checkout's tslab, so Jupyter finds it without node_modules/.bin on PATH.
  "$tslab" install --python "$python" --prefix "$prefix" --binary "$tslab" >/dev/null
  echo "setup-notebooks: installed the tslab kernel into $prefix (tslab $("$tslab" --version 2>/dev/null | sed 's/^tslab //'))"
fi

# Check that Jupyter sees it.
# (Output captured first: `grep -q` closing the pipe early would make the pipeline fail under pipefail.)
specs="$(JUPYTER_PATH="$prefix/share/jupyter" PYDEVD_DISABLE_FILE_VALIDATION=1 "$python" -m jupyter kernelspec list 2>/dev/null || true)"
if ! grep -qw tslab <<<"$specs"; then
  echo "setup-notebooks: the tslab kernel spec is not visible to Jupyter under $prefix/share/jupyter" >&2
  exit 1
fi
