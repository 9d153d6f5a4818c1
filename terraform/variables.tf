# Inputs of the MedicalPortal deployment. terraform.tfvars.example lists the ones a clinic usually sets.

# ---------------------------------------------------------------------------------------------------------------
# Naming and place
# ---------------------------------------------------------------------------------------------------------------

variable "region" {
  type        = string
  description = "AWS region to deploy into, such as us-east-1."
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "application" {
  type        = string
  description = "Spinnaker application name; the first part of every name (server groups are <application>-<stack>-vNNN)."
  default     = "medicalportal"

  validation {
    # Spinnaker (Frigga) reserves '-' as the separator of application, stack and detail.
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.application))
    error_message = "application must be 2 to 16 lowercase letters and digits, starting with a letter (no '-': Spinnaker splits names on it)."
  }
}

variable "stack" {
  type        = string
  description = "Spinnaker stack (the environment), such as prod or staging; the second part of every name."
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,9}$", var.stack))
    error_message = "stack must be 1 to 10 lowercase letters and digits, starting with a letter (no '-')."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags on every resource (cost centre, owner, data classification...)."
  default     = {}
}

# ---------------------------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------------------------

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the VPC. It is cut into eight equal parts, six used (public, nodes and data, in each of two zones): a /16 gives /19 subnets."
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, false)
    error_message = "vpc_cidr must be an IPv4 CIDR block between /16 and /24, such as 10.40.0.0/16."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "The two availability zones to use; empty picks the region's first two available zones."
  default     = []

  validation {
    condition     = length(var.availability_zones) == 0 || length(var.availability_zones) == 2
    error_message = "availability_zones must be empty or name exactly two zones."
  }
}

variable "nat_gateway_per_zone" {
  type        = bool
  description = "One NAT gateway per zone (true: a zone's failure leaves the other zone's nodes their outbound path) or a single one for both zones (cheaper; staging)."
  default     = true
}

variable "spinnaker_subnet_purpose" {
  type        = string
  description = "Purpose written in the subnets' immutable_metadata tag, by which Spinnaker's deploy stage finds them (its subnetType): the nodes' subnets get {purpose, target = ec2}, the balancer's {purpose, target = elb}."
  default     = "internal"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.spinnaker_subnet_purpose))
    error_message = "spinnaker_subnet_purpose must be lowercase letters, digits and '-'."
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Balancer
# ---------------------------------------------------------------------------------------------------------------

variable "allowed_ingress_cidrs" {
  type        = list(string)
  description = "Networks (IPv4 or IPv6 CIDR) that may reach the balancer on 80 and 443. The default is the whole internet; a clinic that reaches the portal only over its own network or VPN lists those ranges."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.allowed_ingress_cidrs) > 0 && alltrue([for cidr in var.allowed_ingress_cidrs : can(cidrhost(cidr, 0))])
    error_message = "allowed_ingress_cidrs must list at least one valid CIDR block, such as 203.0.113.0/24."
  }
}

variable "certificate_arn" {
  type        = string
  description = "ARN of the ACM certificate the HTTPS listener presents (issued or imported in the same region), covering public_hostname."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z]{2}(-gov)?-[a-z]+-[0-9]:[0-9]{12}:certificate/[0-9a-f-]{36}$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN: arn:aws:acm:<region>:<account>:certificate/<uuid>."
  }
}

variable "ssl_policy" {
  type        = string
  description = "TLS policy of the HTTPS listener. The default offers TLS 1.3 and TLS 1.2 with forward-secret AEAD ciphers only."
  default     = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "ssl_policy must be one of the ELBSecurityPolicy-TLS13-* policies (TLS 1.2 at least, 1.3 offered)."
  }
}

variable "public_hostname" {
  type        = string
  description = "Host name users open (covered by the certificate), such as portal.clinic.example; null uses the balancer's own DNS name in the url output."
  default     = null

  validation {
    condition     = var.public_hostname == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.public_hostname))
    error_message = "public_hostname must be a lowercase DNS name such as portal.clinic.example."
  }
}

variable "route53_zone_id" {
  type        = string
  description = "Route 53 hosted zone in which to create public_hostname as an alias of the balancer; null creates no record."
  default     = null

  validation {
    condition     = var.route53_zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.route53_zone_id))
    error_message = "route53_zone_id must be a hosted zone id such as Z0123456789ABCDEFGHIJ."
  }

  validation {
    condition     = var.route53_zone_id == null || var.public_hostname != null
    error_message = "route53_zone_id needs public_hostname: the record to create."
  }
}

variable "idle_timeout_seconds" {
  type        = number
  description = "Balancer idle timeout. Blazor Server keeps one WebSocket per browser tab; the circuit's keep-alive pings cross it every 15 s, so a long timeout only spares reconnects of idle tabs."
  default     = 3600

  validation {
    condition     = var.idle_timeout_seconds >= 60 && var.idle_timeout_seconds <= 4000
    error_message = "idle_timeout_seconds must be between 60 and 4000 (the ALB maximum)."
  }
}

variable "deregistration_delay_seconds" {
  type        = number
  description = "How long a node leaving the target group keeps its in-flight requests; longer than the service's TimeoutStopSec (45 s)."
  default     = 60

  validation {
    condition     = var.deregistration_delay_seconds >= 45 && var.deregistration_delay_seconds <= 3600
    error_message = "deregistration_delay_seconds must be between 45 (the service's stop timeout) and 3600."
  }
}

variable "stickiness_seconds" {
  type        = number
  description = "Lifetime of the balancer's stickiness cookie (Blazor Server circuits live on one node)."
  default     = 86400

  validation {
    condition     = var.stickiness_seconds >= 1 && var.stickiness_seconds <= 604800
    error_message = "stickiness_seconds must be between 1 and 604800 (7 days)."
  }
}

variable "access_logs_bucket" {
  type        = string
  description = "S3 bucket (SSE-S3, with the bucket policy that lets Elastic Load Balancing write to it) for the balancer's access logs; null keeps them off."
  default     = null

  validation {
    condition     = var.access_logs_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logs_bucket))
    error_message = "access_logs_bucket must be an S3 bucket name."
  }
}

variable "balancer_deletion_protection" {
  type        = bool
  description = "Refuse to delete the balancer until this is turned off."
  default     = true
}

# ---------------------------------------------------------------------------------------------------------------
# Web nodes
# ---------------------------------------------------------------------------------------------------------------

variable "image_id" {
  type        = string
  description = "AMI of the web nodes: the image Spinnaker's bake stage built from deploy/image/ (the portal, its systemd unit, the AWS CLI, amazon-efs-utils, the CloudWatch agent)."

  validation {
    condition     = can(regex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$", var.image_id))
    error_message = "image_id must be an AMI id such as ami-0123456789abcdef0."
  }
}

variable "image_owners" {
  type        = list(string)
  description = "Accounts that may own image_id: self, or the account Spinnaker bakes in when it shares its images."
  default     = ["self"]

  validation {
    condition     = length(var.image_owners) > 0 && alltrue([for owner in var.image_owners : can(regex("^(self|[0-9]{12})$", owner))])
    error_message = "image_owners must list self or 12-digit account ids."
  }
}

variable "instance_type" {
  type        = string
  description = "EC2 instance type of the web nodes. Blazor Server holds every open tab's circuit in memory."
  default     = "m7i.large"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must be an EC2 instance type such as m7i.large."
  }
}

variable "root_volume_gib" {
  type        = number
  description = "Size of each node's encrypted root volume (at least the image's)."
  default     = 30

  validation {
    condition     = var.root_volume_gib >= 8 && var.root_volume_gib <= 1024
    error_message = "root_volume_gib must be between 8 and 1024."
  }
}

variable "node_min" {
  type        = number
  description = "Fewest web nodes of the first server group."
  default     = 2

  validation {
    condition     = var.node_min >= 1 && floor(var.node_min) == var.node_min
    error_message = "node_min must be a whole number, at least 1."
  }
}

variable "node_max" {
  type        = number
  description = "Most web nodes of the first server group."
  default     = 6

  validation {
    condition     = floor(var.node_max) == var.node_max && var.node_max >= var.node_min
    error_message = "node_max must be a whole number, at least node_min."
  }
}

variable "node_desired" {
  type        = number
  description = "Web nodes the first server group starts with."
  default     = 2

  validation {
    condition     = floor(var.node_desired) == var.node_desired && var.node_desired >= var.node_min && var.node_desired <= var.node_max
    error_message = "node_desired must be a whole number between node_min and node_max."
  }
}

variable "node_health_check_type" {
  type        = string
  description = "How the Auto Scaling group judges a node: EC2 (the instance) or ELB (also the balancer's /health/ready). EC2 by default: /health/ready fails when the shared catalog does not answer, and replacing every node would not help (decision 0009)."
  default     = "EC2"

  validation {
    condition     = contains(["EC2", "ELB"], var.node_health_check_type)
    error_message = "node_health_check_type must be EC2 or ELB."
  }
}

variable "node_warmup_seconds" {
  type        = number
  description = "Grace and warm-up time of a new node: boot, secrets, EFS mount, and the migrations every node applies at start."
  default     = 600

  validation {
    condition     = var.node_warmup_seconds >= 60 && var.node_warmup_seconds <= 7200
    error_message = "node_warmup_seconds must be between 60 and 7200."
  }
}

variable "create_initial_server_group" {
  type        = bool
  description = "Create the first server group (<application>-<stack>-v000). Set to false once Spinnaker's pipeline has deployed its own server group and the state entry has been removed (see modules/web/main.tf)."
  default     = true
}

variable "portal_settings" {
  type        = map(string)
  description = "Further non-secret portal settings written to the nodes' environment file, as environment variable names with '__' (for example Clinic__TimeZone = \"America/Chicago\", Export__Schedule = \"0 2 * * *\"). Secrets never go here."
  default     = {}

  validation {
    condition     = alltrue([for key, value in var.portal_settings : can(regex("^[A-Za-z][A-Za-z0-9_]*$", key)) && value != "" && !can(regex("[\"\\\\$`\\n]", value))])
    error_message = "portal_settings keys must be variable names (letters, digits, '_'), values non-empty and free of double quotes, backslashes, '$', backquotes and newlines."
  }

  validation {
    # These come from Terraform's own resources; a second value would make the file ambiguous.
    condition     = length(setintersection(keys(var.portal_settings), ["Database__Provider", "Database__Catalog", "Cache__Redis", "Audit__HmacKey", "Export__PseudonymKey", "Export__Directory", "Audit__AnchorDirectory", "DataProtection__Certificate", "DataProtection__CertificatePassword"])) == 0 && !anytrue([for key in keys(var.portal_settings) : startswith(key, "Database__Shards__") || startswith(key, "Proxy__KnownNetworks__")])
    error_message = "portal_settings must not set the database, cache, keys, the key ring certificate, export and audit-anchor directories or proxy settings: Terraform writes those."
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Databases (RDS for SQL Server): the catalog and the shards
# ---------------------------------------------------------------------------------------------------------------

variable "shard_count" {
  type        = number
  description = "Shard databases created at the start (named shard-0 ... shard-N-1). Shards added later with `shards add` are registered in the catalog, not here."
  default     = 2

  validation {
    condition     = var.shard_count >= 1 && var.shard_count <= 32 && floor(var.shard_count) == var.shard_count
    error_message = "shard_count must be a whole number from 1 to 32."
  }
}

variable "db_engine" {
  type        = string
  description = "RDS for SQL Server edition: sqlserver-se (Standard), sqlserver-ee (Enterprise), sqlserver-web, or sqlserver-ex (Express: no Multi-AZ, 10 GB per database, and storage encryption, which this configuration requires, only on the instance classes RDS offers it for; trials only)."
  default     = "sqlserver-se"

  validation {
    condition     = contains(["sqlserver-ee", "sqlserver-se", "sqlserver-web", "sqlserver-ex"], var.db_engine)
    error_message = "db_engine must be sqlserver-ee, sqlserver-se, sqlserver-web or sqlserver-ex."
  }
}

variable "db_engine_version" {
  type        = string
  description = "SQL Server version: a major version (16.00 is SQL Server 2022, 15.00 is 2019) takes RDS's current minor release, or a full version such as 16.00.4185.3.v1."
  default     = "16.00"

  validation {
    condition     = can(regex("^1[4-9]\\.00(\\.[0-9]+\\.[0-9]+\\.v[0-9]+)?$", var.db_engine_version))
    error_message = "db_engine_version must look like 16.00 or 16.00.4185.3.v1."
  }
}

variable "db_username" {
  type        = string
  description = "Master login of each database server. The portal uses it: every node creates and migrates its databases at start."
  default     = "portal_admin"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,127}$", var.db_username)) && !contains(["sa", "admin", "administrator", "rdsadmin"], lower(var.db_username))
    error_message = "db_username must start with a letter, hold letters, digits and '_', and not be a reserved login (sa, admin, rdsadmin...)."
  }
}

variable "catalog_instance_class" {
  type        = string
  description = "Instance class of the catalog database server."
  default     = "db.m6i.large"

  validation {
    condition     = startswith(var.catalog_instance_class, "db.")
    error_message = "catalog_instance_class must be an RDS instance class such as db.m6i.large."
  }
}

variable "shard_instance_class" {
  type        = string
  description = "Instance class of each shard's database server."
  default     = "db.m6i.xlarge"

  validation {
    condition     = startswith(var.shard_instance_class, "db.")
    error_message = "shard_instance_class must be an RDS instance class such as db.m6i.xlarge."
  }
}

variable "db_allocated_storage_gib" {
  type        = number
  description = "Initial storage of each database server (gp3), grown automatically up to db_max_allocated_storage_gib."
  default     = 100

  validation {
    condition     = var.db_allocated_storage_gib >= 20 && var.db_allocated_storage_gib <= 16384
    error_message = "db_allocated_storage_gib must be between 20 and 16384."
  }
}

variable "db_max_allocated_storage_gib" {
  type        = number
  description = "Upper bound of storage autoscaling of each database server."
  default     = 1000

  validation {
    condition     = var.db_max_allocated_storage_gib >= var.db_allocated_storage_gib && var.db_max_allocated_storage_gib <= 16384
    error_message = "db_max_allocated_storage_gib must be between db_allocated_storage_gib and 16384."
  }
}

variable "db_multi_az" {
  type        = bool
  description = "A synchronous standby in the other zone for every database server (not available on sqlserver-ex and sqlserver-web)."
  default     = true

  validation {
    condition     = !(var.db_multi_az && contains(["sqlserver-ex", "sqlserver-web"], var.db_engine))
    error_message = "db_multi_az needs sqlserver-se or sqlserver-ee: Express and Web have no Multi-AZ on RDS."
  }
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated backups (point-in-time restore) kept for every database server."
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 7 and 35."
  }
}

variable "db_backup_window" {
  type        = string
  description = "Daily backup window (UTC, hh24:mi-hh24:mi), outside the maintenance window."
  default     = "03:00-04:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_backup_window))
    error_message = "db_backup_window must look like 03:00-04:00."
  }
}

variable "maintenance_window" {
  type        = string
  description = "Weekly maintenance window of the databases and the cache (UTC, ddd:hh24:mi-ddd:hh24:mi)."
  default     = "sun:05:00-sun:06:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like sun:05:00-sun:06:00."
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Cache (ElastiCache for Redis)
# ---------------------------------------------------------------------------------------------------------------

variable "redis_node_type" {
  type        = string
  description = "ElastiCache node type."
  default     = "cache.t4g.medium"

  validation {
    condition     = startswith(var.redis_node_type, "cache.")
    error_message = "redis_node_type must be an ElastiCache node type such as cache.t4g.medium."
  }
}

variable "redis_nodes" {
  type        = number
  description = "Redis nodes: one primary and replicas in the other zone. More than one turns on automatic failover and Multi-AZ."
  default     = 2

  validation {
    condition     = var.redis_nodes >= 1 && var.redis_nodes <= 6 && floor(var.redis_nodes) == var.redis_nodes
    error_message = "redis_nodes must be a whole number from 1 to 6."
  }
}

variable "redis_engine_version" {
  type        = string
  description = "Redis OSS version (7.0 and later: TLS in transit with transit_encryption_mode)."
  default     = "7.1"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be a Redis 7 version such as 7.1."
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Logs, keys and secrets
# ---------------------------------------------------------------------------------------------------------------

variable "log_retention_days" {
  type        = number
  description = "Days CloudWatch keeps the portal's log (one of CloudWatch's allowed values)."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "audit_anchor_retention_days" {
  type        = number
  description = "Days S3 Object Lock keeps every audit checkpoint (compliance mode: nobody can delete one sooner). HIPAA keeps documentation six years."
  default     = 2192

  validation {
    condition     = var.audit_anchor_retention_days >= 1 && var.audit_anchor_retention_days <= 36500 && floor(var.audit_anchor_retention_days) == var.audit_anchor_retention_days
    error_message = "audit_anchor_retention_days must be a whole number of days from 1 to 36500."
  }
}

variable "secret_recovery_window_days" {
  type        = number
  description = "Days a deleted secret can still be restored."
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30
    error_message = "secret_recovery_window_days must be between 7 and 30."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Days between scheduling the deletion of the KMS key and its deletion (everything it encrypts is lost with it)."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
