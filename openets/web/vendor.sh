#!/usr/bin/env bash
# Vendor the browser terminal's front-end libraries into openets/web/static/vendor/.
#
# The files are committed, so a machine without node serves the terminal as it is; run this
# only to change a version (it needs npm and the npm registry). Versions:
#   echarts   5.6.0   dist/echarts.min.js   (Apache-2.0)  charts: depth, K-line, dashboards
#   htmx.org  2.0.11  dist/htmx.min.js      (0BSD)        fragment refresh
#   swagger-ui-dist 5.17.14  swagger-ui-bundle.js, swagger-ui.css  (Apache-2.0)  /docs
#   redoc     2.1.5   bundles/redoc.standalone.js  (MIT)  /redoc
# htmx stays on the 2.x line: 4.x changed attribute inheritance and its request events.
set -euo pipefail

ECHARTS_VERSION="${ECHARTS_VERSION:-5.6.0}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
SWAGGER_VERSION="${SWAGGER_VERSION:-5.17.14}"
REDOC_VERSION="${REDOC_VERSION:-2.1.5}"

here="$(cd "$(dirname "$0")" && pwd)"
dest="$here/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dest"

fetch() {  # fetch <package> <version> <file in package> <file in vendor/> <license out>
  local pkg="$1" ver="$2" src="$3" out="$4" lic="$5"
  (cd "$tmp" && npm pack --silent "$pkg@$ver" >/dev/null)
  local tgz
  tgz="$(ls "$tmp"/*.tgz | head -n 1)"
  mkdir -p "$tmp/x"
  tar -xzf "$tgz" -C "$tmp/x"
  cp "$tmp/x/package/$src" "$dest/$out"
  cp "$tmp/x/package/LICENSE" "$dest/$lic"
  if [ -f "$tmp/x/package/NOTICE" ]; then cp "$tmp/x/package/NOTICE" "$dest/$lic.NOTICE"; fi
  rm -rf "$tmp/x" "$tgz"
  echo "vendored $pkg@$ver -> static/vendor/$out"
}

fetch echarts "$ECHARTS_VERSION" dist/echarts.min.js echarts.min.js LICENSE.echarts
fetch htmx.org "$HTMX_VERSION" dist/htmx.min.js htmx.min.js LICENSE.htmx
fetch swagger-ui-dist "$SWAGGER_VERSION" swagger-ui-bundle.js swagger-ui-bundle.js LICENSE.swagger-ui
fetch swagger-ui-dist "$SWAGGER_VERSION" swagger-ui.css swagger-ui.css LICENSE.swagger-ui
fetch redoc "$REDOC_VERSION" bundles/redoc.standalone.js redoc.standalone.js LICENSE.redoc
{
  echo "echarts $ECHARTS_VERSION"
  echo "htmx.org $HTMX_VERSION"
  echo "swagger-ui-dist $SWAGGER_VERSION"
  echo "redoc $REDOC_VERSION"
} > "$dest/VERSIONS"
