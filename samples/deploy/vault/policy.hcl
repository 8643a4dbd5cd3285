# Read-only access to the one KV v2 secret the app reads (FromVault: secret/payments/db).
# KV v2 serves data under secret/data/... and versions' metadata under secret/metadata/...
path "secret/data/payments/db" {
  capabilities = ["read"]
}

path "secret/metadata/payments/db" {
  capabilities = ["read"]
}
