variable "name" {
  type        = string
  description = "Prefix of every name (the Spinnaker cluster, <application>-<stack>); also the replication group id (at most 40 characters)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.name))
    error_message = "name must be at most 40 lowercase letters, digits and '-', starting with a letter."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private data subnets, in two zones."
}

variable "security_group_id" {
  type        = string
  description = "Security group of the cache (6379 from the web nodes only)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key that encrypts data at rest, snapshots and the AUTH token's secret."
}

variable "node_type" {
  type        = string
  description = "ElastiCache node type."
}

variable "nodes" {
  type        = number
  description = "Primary plus replicas; more than one turns on automatic failover and Multi-AZ."

  validation {
    condition     = var.nodes >= 1 && var.nodes <= 6
    error_message = "nodes must be from 1 to 6."
  }
}

variable "engine_version" {
  type        = string
  description = "Redis OSS version, 7.x."
}

variable "maintenance_window" {
  type        = string
  description = "Weekly maintenance window (UTC)."
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted secret can still be restored."
}
