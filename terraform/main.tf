# MedicalPortal on AWS: web nodes from a baked image behind an Application Load Balancer, RDS for SQL Server (the
# catalog and one server per shard), ElastiCache for Redis, EFS for the export directory, secrets in Secrets
# Manager, everything encrypted with one customer-managed KMS key. Decision: docs/decisions/0025-aws-deployment.md.
#
#   internet -> ALB (public subnets, 443; 80 redirects) -> nodes :8080 (private subnets, Auto Scaling group)
#   nodes -> SQL Server :1433, Redis :6379, EFS :2049 (data subnets); nodes -> AWS APIs :443 through NAT
#
# Spinnaker owns the web nodes after the first deployment: see modules/web/main.tf.

locals {
  # Spinnaker's cluster name (<application>-<stack>); server groups are <cluster>-vNNN.
  cluster = "${var.application}-${var.stack}"

  tags = merge(var.tags, {
    Application = var.application
    Stack       = var.stack
    ManagedBy   = "terraform"
  })

  # The portal's own log, shipped by the CloudWatch agent on every node.
  log_group_name = "/${var.application}/${var.stack}/portal"

  # Where every node mounts the export EFS (Export:Directory).
  export_directory = "/var/lib/medicalportal/exports"
}

data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

module "network" {
  source = "./modules/network"

  name                 = local.cluster
  vpc_cidr             = var.vpc_cidr
  availability_zones   = length(var.availability_zones) == 2 ? var.availability_zones : slice(data.aws_availability_zones.available.names, 0, 2)
  nat_gateway_per_zone = var.nat_gateway_per_zone
  subnet_purpose       = var.spinnaker_subnet_purpose
}

module "security_groups" {
  source = "./modules/security-groups"

  name                  = local.cluster
  vpc_id                = module.network.vpc_id
  allowed_ingress_cidrs = var.allowed_ingress_cidrs
}

module "keys" {
  source = "./modules/keys"

  name                        = local.cluster
  log_group_name              = local.log_group_name
  kms_deletion_window_days    = var.kms_deletion_window_days
  secret_recovery_window_days = var.secret_recovery_window_days
}

module "database" {
  source = "./modules/database"

  name                        = local.cluster
  subnet_ids                  = module.network.data_subnet_ids
  security_group_id           = module.security_groups.database_id
  kms_key_arn                 = module.keys.kms_key_arn
  shard_count                 = var.shard_count
  engine                      = var.db_engine
  engine_version              = var.db_engine_version
  username                    = var.db_username
  catalog_instance_class      = var.catalog_instance_class
  shard_instance_class        = var.shard_instance_class
  allocated_storage_gib       = var.db_allocated_storage_gib
  max_allocated_storage_gib   = var.db_max_allocated_storage_gib
  multi_az                    = var.db_multi_az
  backup_retention_days       = var.db_backup_retention_days
  backup_window               = var.db_backup_window
  maintenance_window          = var.maintenance_window
  secret_recovery_window_days = var.secret_recovery_window_days
}

module "cache" {
  source = "./modules/cache"

  name                        = local.cluster
  subnet_ids                  = module.network.data_subnet_ids
  security_group_id           = module.security_groups.cache_id
  kms_key_arn                 = module.keys.kms_key_arn
  node_type                   = var.redis_node_type
  nodes                       = var.redis_nodes
  engine_version              = var.redis_engine_version
  maintenance_window          = var.maintenance_window
  secret_recovery_window_days = var.secret_recovery_window_days
}

module "exports" {
  source = "./modules/exports"

  name              = local.cluster
  subnet_ids        = module.network.data_subnet_ids
  security_group_id = module.security_groups.exports_id
  kms_key_arn       = module.keys.kms_key_arn

  anchor_retention_days = var.audit_anchor_retention_days
}

module "balancer" {
  source = "./modules/balancer"

  name                         = local.cluster
  vpc_id                       = module.network.vpc_id
  subnet_ids                   = module.network.public_subnet_ids
  security_group_id            = module.security_groups.balancer_id
  certificate_arn              = var.certificate_arn
  ssl_policy                   = var.ssl_policy
  idle_timeout_seconds         = var.idle_timeout_seconds
  deregistration_delay_seconds = var.deregistration_delay_seconds
  stickiness_seconds           = var.stickiness_seconds
  access_logs_bucket           = var.access_logs_bucket
  deletion_protection          = var.balancer_deletion_protection
}

module "web" {
  source = "./modules/web"

  cluster             = local.cluster
  tags                = local.tags
  subnet_ids          = module.network.node_subnet_ids
  security_group_id   = module.security_groups.node_id
  target_group_arn    = module.balancer.target_group_arn
  kms_key_arn         = module.keys.kms_key_arn
  image_id            = var.image_id
  image_owners        = var.image_owners
  instance_type       = var.instance_type
  root_volume_gib     = var.root_volume_gib
  min_size            = var.node_min
  max_size            = var.node_max
  desired_capacity    = var.node_desired
  health_check_type   = var.node_health_check_type
  warmup_seconds      = var.node_warmup_seconds
  create_server_group = var.create_initial_server_group
  log_group_name      = local.log_group_name
  log_retention_days  = var.log_retention_days

  export_file_system_id  = module.exports.file_system_id
  export_file_system_arn = module.exports.file_system_arn
  export_directory       = local.export_directory
  anchor_bucket_name     = module.exports.anchor_bucket_name
  anchor_bucket_arn      = module.exports.anchor_bucket_arn

  audit_hmac_key_secret_arn              = module.keys.audit_hmac_key_secret_arn
  export_pseudonym_key_secret_arn        = module.keys.export_pseudonym_key_secret_arn
  data_protection_certificate_secret_arn = module.keys.data_protection_certificate_secret_arn
  redis_auth_token_secret_arn            = module.cache.auth_token_secret_arn
  redis_host                             = module.cache.primary_endpoint_address
  redis_port                             = module.cache.port
  catalog_database                       = module.database.catalog
  shard_databases                        = module.database.shards
  known_networks                         = module.network.public_subnet_cidrs
  portal_settings                        = var.portal_settings
}

# The portal's name in DNS, when the clinic's zone is in Route 53 (otherwise the clinic points its own record at
# the balancer's dns_name output).
resource "aws_route53_record" "portal" {
  count = var.route53_zone_id == null ? 0 : 1

  zone_id = var.route53_zone_id
  name    = var.public_hostname
  type    = "A"

  alias {
    name                   = module.balancer.dns_name
    zone_id                = module.balancer.zone_id
    evaluate_target_health = true
  }
}
