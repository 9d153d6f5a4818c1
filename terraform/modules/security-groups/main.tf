# Every security group and every rule between them, in one place:
#
#   allowed_ingress_cidrs --80,443--> balancer --8080--> nodes --1433--> databases
#                                                          |  --6379--> cache
#                                                          |  --2049--> exports (EFS)
#                                                          +---443---> AWS APIs (through the NAT gateways)
#
# Nothing else reaches anything: only the balancer takes traffic from outside the VPC (on 80, which only redirects,
# and 443), and nobody logs in over SSH (operators use SSM Session Manager; the nodes have no key pair). Terraform
# removes the allow-all egress rule AWS puts in a new group, so each group sends only what is written here; the
# data groups send nothing of their own (security groups are stateful: replies go back on the same connection).

locals {
  # One rule per network and port; a CIDR with ':' goes in cidr_ipv6.
  ingress_cidrs = toset(var.allowed_ingress_cidrs)
}

resource "aws_security_group" "balancer" {
  name        = "${var.name}-balancer"
  description = "MedicalPortal balancer: 80 and 443 from the allowed networks, 8080 to the nodes"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-balancer"
  }
}

resource "aws_security_group" "node" {
  # Spinnaker's deploy stage names this group in securityGroups for every new server group.
  name        = "${var.name}-node"
  description = "MedicalPortal web nodes: 8080 from the balancer only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-node"
  }
}

resource "aws_security_group" "database" {
  name        = "${var.name}-database"
  description = "MedicalPortal SQL Server: 1433 from the web nodes only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-database"
  }
}

resource "aws_security_group" "cache" {
  name        = "${var.name}-cache"
  description = "MedicalPortal Redis: 6379 from the web nodes only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-cache"
  }
}

resource "aws_security_group" "exports" {
  name        = "${var.name}-exports"
  description = "MedicalPortal export file system: NFS 2049 from the web nodes only"
  vpc_id      = var.vpc_id

  tags = {
    Name = "${var.name}-exports"
  }
}

# ---- the balancer: the only group open to networks outside the VPC ----

resource "aws_vpc_security_group_ingress_rule" "balancer_http" {
  for_each = local.ingress_cidrs

  security_group_id = aws_security_group.balancer.id
  description       = "HTTP (redirected to HTTPS) from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null
}

resource "aws_vpc_security_group_ingress_rule" "balancer_https" {
  for_each = local.ingress_cidrs

  security_group_id = aws_security_group.balancer.id
  description       = "HTTPS from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = strcontains(each.value, ":") ? null : each.value
  cidr_ipv6         = strcontains(each.value, ":") ? each.value : null
}

resource "aws_vpc_security_group_egress_rule" "balancer_to_nodes" {
  security_group_id            = aws_security_group.balancer.id
  description                  = "Requests and health checks to the web nodes"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.node.id
}

# ---- the web nodes ----

resource "aws_vpc_security_group_ingress_rule" "node_from_balancer" {
  security_group_id            = aws_security_group.node.id
  description                  = "The portal (Kestrel on 8080) from the balancer only"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.balancer.id
}

resource "aws_vpc_security_group_egress_rule" "node_to_aws_apis" {
  security_group_id = aws_security_group.node.id
  description       = "HTTPS to AWS APIs (Secrets Manager, CloudWatch Logs, SSM) through the NAT gateways"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "node_to_database" {
  security_group_id            = aws_security_group.node.id
  description                  = "SQL Server"
  ip_protocol                  = "tcp"
  from_port                    = 1433
  to_port                      = 1433
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "node_to_cache" {
  security_group_id            = aws_security_group.node.id
  description                  = "Redis (TLS)"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.cache.id
}

resource "aws_vpc_security_group_egress_rule" "node_to_exports" {
  security_group_id            = aws_security_group.node.id
  description                  = "NFS (TLS through efs-utils) to the export file system"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.exports.id
}

# ---- the data tier: from the nodes only ----

resource "aws_vpc_security_group_ingress_rule" "database_from_nodes" {
  security_group_id            = aws_security_group.database.id
  description                  = "SQL Server from the web nodes"
  ip_protocol                  = "tcp"
  from_port                    = 1433
  to_port                      = 1433
  referenced_security_group_id = aws_security_group.node.id
}

resource "aws_vpc_security_group_ingress_rule" "cache_from_nodes" {
  security_group_id            = aws_security_group.cache.id
  description                  = "Redis from the web nodes"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.node.id
}

resource "aws_vpc_security_group_ingress_rule" "exports_from_nodes" {
  security_group_id            = aws_security_group.exports.id
  description                  = "NFS from the web nodes"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.node.id
}
