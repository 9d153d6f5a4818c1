# ElastiCache for Redis: the cache every node shares and the channel on which nodes evict each other's copies
# (Cache:Redis, decision 0015). One shard (cluster mode off: the portal uses one keyspace and pub/sub), a primary
# and replicas across the two zones with automatic failover when there is more than one node. TLS is required in
# transit, the AUTH token is generated here and kept in Secrets Manager, and data at rest (and snapshots) are
# encrypted with the customer-managed key.

locals {
  replicated = var.nodes > 1
  port       = 6379
}

resource "random_password" "auth_token" {
  # ElastiCache takes 16 to 128 printable characters except '@', '"' and '/'; letters and digits only, because the
  # token also goes into StackExchange.Redis's comma-separated configuration string and a systemd environment file.
  length      = 64
  special     = false
  min_lower   = 1
  min_upper   = 1
  min_numeric = 1
}

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "MedicalPortal Redis: the data subnets"
  subnet_ids  = var.subnet_ids
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "MedicalPortal cache and eviction channel"

  engine               = "redis"
  engine_version       = var.engine_version
  parameter_group_name = "default.redis${split(".", var.engine_version)[0]}"
  node_type            = var.node_type
  num_cache_clusters   = var.nodes
  port                 = local.port

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [var.security_group_id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = random_password.auth_token.result
  auth_token_update_strategy = "ROTATE"

  automatic_failover_enabled = local.replicated
  multi_az_enabled           = local.replicated

  # The cache holds copies of what the databases hold (nothing is lost without it), so a day of snapshots is
  # enough to restart warm.
  snapshot_retention_limit   = 1
  snapshot_window            = "02:00-03:00"
  maintenance_window         = var.maintenance_window
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = {
    Name = var.name
  }
}

resource "aws_secretsmanager_secret" "auth_token" {
  name                    = "${var.name}/redis-auth-token"
  description             = "MedicalPortal Redis AUTH token"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

resource "aws_secretsmanager_secret_version" "auth_token" {
  secret_id     = aws_secretsmanager_secret.auth_token.id
  secret_string = random_password.auth_token.result
}
