# RDS for SQL Server: one server for the catalog and one per shard (shard-0 ... shard-N-1), so a shard is a failure
# and scaling unit of its own (decision 0021: a shard that is down costs its own patients only). The portal creates
# its databases (MedicalPortalCatalog, MedicalPortalShardN) and applies the migrations itself at start, with the
# master login (ARCHITECTURE.md section 11); RDS for SQL Server creates no database at launch.
#
# Passwords: random_password, stored by Terraform in a Secrets Manager secret per server, not RDS's managed master
# password (manage_master_user_password). RDS rotates a managed password every seven days, while the nodes read
# their secrets once, at boot, into their environment file (the image contract): every running node would lose its
# databases at the first rotation. A password changes here only by an operator's decision (taint the
# random_password, apply, then roll the server group so every node reads the new value).
#
# TLS: rds.force_ssl refuses unencrypted connections; the portal's connection strings say Encrypt=True and
# TrustServerCertificate=False, and the nodes trust the RDS certificate authorities (installed at boot).

locals {
  # Every server by its portal name: the catalog, then the shards as Database:Shards names them.
  servers = merge(
    {
      catalog = {
        identifier     = "${var.name}-catalog"
        database       = "MedicalPortalCatalog"
        instance_class = var.catalog_instance_class
      }
    },
    {
      for index in range(var.shard_count) : "shard-${index}" => {
        identifier     = "${var.name}-shard-${index}"
        database       = "MedicalPortalShard${index}"
        instance_class = var.shard_instance_class
      }
    },
  )

  # sqlserver-se + 16.00(.x) -> sqlserver-se-16.0
  parameter_group_family = "${var.engine}-${split(".", var.engine_version)[0]}.0"
  port                   = 1433
}

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "MedicalPortal SQL Server: the data subnets"
  subnet_ids  = var.subnet_ids
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-"
  family      = local.parameter_group_family
  description = "MedicalPortal SQL Server: TLS required"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "random_password" "master" {
  for_each = local.servers

  # Letters and digits only: the password goes into a connection string and a systemd environment file, where
  # ';', '=', quotes and '$' would need escaping. 40 of 62 symbols is about 238 bits.
  length      = 40
  special     = false
  min_lower   = 1
  min_upper   = 1
  min_numeric = 1
}

resource "aws_db_instance" "this" {
  for_each = local.servers

  identifier     = each.value.identifier
  engine         = var.engine
  engine_version = var.engine_version
  license_model  = "license-included"
  instance_class = each.value.instance_class
  port           = local.port

  username = var.username
  password = random_password.master[each.key].result

  allocated_storage     = var.allocated_storage_gib
  max_allocated_storage = var.max_allocated_storage_gib
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.security_group_id]
  publicly_accessible    = false
  multi_az               = var.multi_az
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  skip_final_snapshot       = false
  final_snapshot_identifier = "${each.value.identifier}-final"
  deletion_protection       = true

  auto_minor_version_upgrade      = true
  apply_immediately               = false
  enabled_cloudwatch_logs_exports = ["agent", "error"]

  tags = {
    Name = each.value.identifier
    Role = each.key == "catalog" ? "catalog" : "shard"
  }

  # Multi-AZ SQL Server often takes longer than the provider's default 40 minutes to create or modify.
  timeouts {
    create = "120m"
    update = "120m"
    delete = "60m"
  }

  lifecycle {
    precondition {
      condition     = !(var.multi_az && contains(["sqlserver-ex", "sqlserver-web"], var.engine))
      error_message = "Multi-AZ needs sqlserver-se or sqlserver-ee."
    }
  }
}

resource "aws_secretsmanager_secret" "master" {
  for_each = local.servers

  name                    = "${var.name}/database/${each.key}"
  description             = "MedicalPortal SQL Server login of ${each.value.identifier} (${each.key})"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
}

# The shape RDS itself uses for database secrets, so operators' tools read it as they read any other.
resource "aws_secretsmanager_secret_version" "master" {
  for_each = local.servers

  secret_id = aws_secretsmanager_secret.master[each.key].id
  secret_string = jsonencode({
    engine               = "sqlserver"
    host                 = aws_db_instance.this[each.key].address
    port                 = local.port
    username             = var.username
    password             = random_password.master[each.key].result
    dbname               = each.value.database
    dbInstanceIdentifier = each.value.identifier
  })
}
