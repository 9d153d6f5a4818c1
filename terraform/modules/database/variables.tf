variable "name" {
  type        = string
  description = "Prefix of every name (the Spinnaker cluster, <application>-<stack>)."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private data subnets, in two zones."
}

variable "security_group_id" {
  type        = string
  description = "Security group of the servers (1433 from the web nodes only)."
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key that encrypts the storage, the snapshots and the secrets."
}

variable "shard_count" {
  type        = number
  description = "Shard servers besides the catalog."

  validation {
    condition     = var.shard_count >= 1 && floor(var.shard_count) == var.shard_count
    error_message = "shard_count must be a whole number, at least 1."
  }
}

variable "engine" {
  type        = string
  description = "sqlserver-ee, sqlserver-se, sqlserver-web or sqlserver-ex."

  validation {
    condition     = contains(["sqlserver-ee", "sqlserver-se", "sqlserver-web", "sqlserver-ex"], var.engine)
    error_message = "engine must be sqlserver-ee, sqlserver-se, sqlserver-web or sqlserver-ex."
  }
}

variable "engine_version" {
  type        = string
  description = "SQL Server version, major (16.00) or full (16.00.4185.3.v1)."
}

variable "username" {
  type        = string
  description = "Master login."
}

variable "catalog_instance_class" {
  type        = string
  description = "Instance class of the catalog server."
}

variable "shard_instance_class" {
  type        = string
  description = "Instance class of each shard server."
}

variable "allocated_storage_gib" {
  type        = number
  description = "Initial storage of each server."
}

variable "max_allocated_storage_gib" {
  type        = number
  description = "Storage autoscaling bound of each server."
}

variable "multi_az" {
  type        = bool
  description = "A standby in the other zone."
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups."

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "backup_window" {
  type        = string
  description = "Daily backup window (UTC)."
}

variable "maintenance_window" {
  type        = string
  description = "Weekly maintenance window (UTC)."
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted secret can still be restored."
}
