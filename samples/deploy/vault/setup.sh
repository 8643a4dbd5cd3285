#!/bin/sh
# Vault side of samples/deploy: Kubernetes auth, the "payments" policy and the role bound to the
# pod's service account. Run with VAULT_ADDR and a token allowed to configure auth and policies,
# from a shell that can reach the cluster's API server (for the reviewer's CA and host).
set -eu
cd "$(dirname "$0")"

vault secrets enable -path=secret -version=2 kv 2>/dev/null || true
vault auth enable kubernetes 2>/dev/null || true

# Vault checks each pod token with the TokenReview API of this cluster.
vault write auth/kubernetes/config \
  kubernetes_host="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}')"

vault policy write payments policy.hcl

vault write auth/kubernetes/role/payments \
  bound_service_account_names=payments-api \
  bound_service_account_namespaces=payments \
  token_policies=payments \
  token_ttl=1h \
  token_max_ttl=24h

# The value the app reads (and the ExternalSecret copies): change it to see a rotation.
vault kv put secret/payments/db username=payments-app password=change-me
