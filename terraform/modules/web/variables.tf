variable "cluster" {
  type        = string
  description = "Spinnaker cluster, <application>-<stack>; the first server group is <cluster>-v000."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*-[a-z][a-z0-9]*$", var.cluster))
    error_message = "cluster must be <application>-<stack>, lowercase letters and digits."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags of the instances and volumes the server group launches."
  default     = {}
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of the nodes, in two zones."
}

variable "security_group_id" {
  type        = string
  description = "Security group of the nodes."
}

variable "target_group_arn" {
  type        = string
  description = "The balancer's target group of the nodes."
}

variable "kms_key_arn" {
  type        = string
  description = "The customer-managed key (secrets, volumes, log)."
}

variable "image_id" {
  type        = string
  description = "AMI baked from deploy/image/."
}

variable "image_owners" {
  type        = list(string)
  description = "Accounts that may own the AMI (self, or the baking account)."
  default     = ["self"]
}

variable "instance_type" {
  type        = string
  description = "EC2 instance type."
}

variable "root_volume_gib" {
  type        = number
  description = "Size of the encrypted root volume."
}

variable "min_size" {
  type        = number
  description = "Fewest nodes of the first server group."
}

variable "max_size" {
  type        = number
  description = "Most nodes of the first server group."
}

variable "desired_capacity" {
  type        = number
  description = "Nodes the first server group starts with."
}

variable "health_check_type" {
  type        = string
  description = "EC2 or ELB."

  validation {
    condition     = contains(["EC2", "ELB"], var.health_check_type)
    error_message = "health_check_type must be EC2 or ELB."
  }
}

variable "warmup_seconds" {
  type        = number
  description = "Health check grace period and instance warm-up."
}

variable "create_server_group" {
  type        = bool
  description = "Create the first server group (false once Spinnaker owns the cluster and the state entry is removed)."
  default     = true
}

variable "log_group_name" {
  type        = string
  description = "CloudWatch log group of the portal's log."
}

variable "log_retention_days" {
  type        = number
  description = "Days CloudWatch keeps the log."

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values."
  }
}

variable "export_file_system_id" {
  type        = string
  description = "EFS file system of the export directory."
}

variable "export_file_system_arn" {
  type        = string
  description = "ARN of the export file system."
}

variable "export_directory" {
  type        = string
  description = "Where the nodes mount it (Export:Directory)."
}

variable "anchor_bucket_name" {
  type        = string
  description = "S3 bucket (Object Lock) to which every node copies new audit checkpoints."
}

variable "anchor_bucket_arn" {
  type        = string
  description = "ARN of that bucket: the nodes may add objects to it and list it, nothing else."
}

variable "audit_hmac_key_secret_arn" {
  type        = string
  description = "Secret holding Audit:HmacKey."
}

variable "export_pseudonym_key_secret_arn" {
  type        = string
  description = "Secret holding Export:PseudonymKey."
}

variable "data_protection_certificate_secret_arn" {
  type        = string
  description = "Secret holding DataProtection:Certificate (the certificate and its private key, PEM)."
}

variable "redis_auth_token_secret_arn" {
  type        = string
  description = "Secret holding the Redis AUTH token."
}

variable "redis_host" {
  type        = string
  description = "Primary endpoint of the Redis replication group."
}

variable "redis_port" {
  type        = number
  description = "Redis port."
}

variable "catalog_database" {
  type = object({
    name       = string
    host       = string
    port       = number
    database   = string
    secret_arn = string
  })
  description = "The catalog server and the secret of its login."
}

variable "shard_databases" {
  type = list(object({
    name       = string
    host       = string
    port       = number
    database   = string
    secret_arn = string
  }))
  description = "The shard servers in order, shard-0 first, each with the secret of its login."

  validation {
    condition     = length(var.shard_databases) >= 1
    error_message = "shard_databases must hold at least one shard."
  }
}

variable "known_networks" {
  type        = list(string)
  description = "The balancer's subnets: the portal honours forwarded headers from these only (Proxy:KnownNetworks)."
}

variable "portal_settings" {
  type        = map(string)
  description = "Further non-secret settings for the environment file."
  default     = {}
}
