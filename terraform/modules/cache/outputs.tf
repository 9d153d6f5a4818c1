output "primary_endpoint_address" {
  description = "Host name of the primary (it follows a failover)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Redis port."
  value       = local.port
}

output "auth_token_secret_arn" {
  description = "Secret holding the AUTH token (from the secret version, so that the nodes wait for the value)."
  value       = aws_secretsmanager_secret_version.auth_token.arn
}
