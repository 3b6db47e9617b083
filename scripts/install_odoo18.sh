#!/usr/bin/env bash
# Install Odoo 18 community for the tests (README, "Requirements"):
#
#   ./scripts/install_odoo18.sh [SOURCE [REVISION]] [TARGET]
#
#   SOURCE    git URL or local repository of Odoo 18 (default https://github.com/odoo/odoo.git)
#   REVISION  branch, tag or commit to check out (default 18.0)
#   TARGET    where Odoo goes (default /opt/odoo18; never inside this repository)
#
# Then makes `import odoo` work in this python (PYTHON, default python3: an odoo.pth in
# its site-packages, a venv's own when PYTHON is a venv's) and
# installs Odoo's requirements with what this machine needs instead:
#   * cbor2>=5.6: Odoo pins 5.4.2, which does not build on Python 3.11 here;
#   * no python-ldap: it needs libldap2-dev/libsasl2-dev, OneCard does not use it;
#   * zope.interface<7, zope.event<6, setuptools<81: gevent finds its plugins through
#     setuptools' pkg_resources, which did not find the newer zope packages and is
#     gone from setuptools 81+. Without them Odoo's gevent worker (--workers > 0)
#     dies at start and is respawned in a loop that eats a CPU.
# Safe to rerun: an existing TARGET with odoo-bin is kept (only the pip steps rerun).
set -euo pipefail

SOURCE="${1:-https://github.com/odoo/odoo.git}"
REVISION="${2:-18.0}"
TARGET="${3:-/opt/odoo18}"
PY="${PYTHON:-python3}"

if [[ ! -x "$TARGET/odoo-bin" ]]; then
    # Never clone over (nor remove) a directory that holds something else.
    if [[ -e "$TARGET" && -n "$(ls -A "$TARGET" 2>/dev/null)" ]]; then
        echo "install_odoo18.sh: $TARGET exists without odoo-bin; remove it or choose another TARGET" >&2
        exit 1
    fi
    # A branch or tag clones shallow; a commit needs the history (a local mirror clones
    # fast), checked out once: REVISION's tree only, never the source's default branch.
    git clone -q --depth 1 --branch "$REVISION" "$SOURCE" "$TARGET" 2>/dev/null \
        || { rm -rf "$TARGET" && git clone -q --no-checkout "$SOURCE" "$TARGET" \
             && git -C "$TARGET" -c advice.detachedHead=false checkout -q "$REVISION"; } \
        || { echo "install_odoo18.sh: cannot get $REVISION from $SOURCE" >&2; rm -rf "$TARGET"; exit 1; }
fi

requirements="$(mktemp)"
trap 'rm -f "$requirements"' EXIT
grep -v -e '^cbor2' -e '^python-ldap' "$TARGET/requirements.txt" > "$requirements"
"$PY" -m pip install -q -r "$requirements" 'cbor2>=5.6'
"$PY" -m pip install -q 'zope.interface<7' 'zope.event<6' 'setuptools<81'
echo "$TARGET" > "$("$PY" -c 'import site; print(site.getsitepackages()[0])')/odoo.pth"
"$PY" -c 'import odoo; print("Odoo %s importable from %s" % (odoo.release.version, odoo.__path__[0]))'
