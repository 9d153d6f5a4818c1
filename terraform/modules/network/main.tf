# The VPC across two availability zones:
#   public subnets - the balancer and the NAT gateways (a route to the internet gateway);
#   node subnets   - the web nodes (private; outbound through a NAT gateway);
#   data subnets   - SQL Server, Redis and the EFS mount targets (private; no route out of the VPC at all).
#
# Outbound path of the nodes: NAT gateways, not interface endpoints. The nodes call Secrets Manager, KMS (through
# Secrets Manager), CloudWatch Logs, SSM (ssm, ssmmessages, ec2messages) and STS, and fetch the RDS certificate
# bundle at boot. Interface endpoints for those would be seven endpoints in two zones: 14 endpoint-zones billed
# around the clock (at us-east-1 prices about 1.5 times the hourly price of two NAT gateways), each with a policy and
# a private DNS name to keep in step with whatever the image's agents start calling. A NAT gateway covers every AWS
# API, and keeps working when an agent starts calling one more.
# The S3 gateway endpoint is free, so S3 traffic (SSM agent updates, for instance) skips the NAT gateway. With
# nat_gateway_per_zone each zone has its own NAT gateway, so losing a zone does not cut the other zone's nodes off
# their secrets and logs. A clinic that must keep all traffic inside AWS's network can add the interface endpoints
# and drop the NAT gateways; nothing else here depends on them.

locals {
  # Eight equal parts of the VPC range: 0-1 public, 2-3 nodes, 4-5 data, 6-7 spare.
  public_cidrs = [for index in range(2) : cidrsubnet(var.vpc_cidr, 3, index)]
  node_cidrs   = [for index in range(2) : cidrsubnet(var.vpc_cidr, 3, 2 + index)]
  data_cidrs   = [for index in range(2) : cidrsubnet(var.vpc_cidr, 3, 4 + index)]

  nat_gateways = var.nat_gateway_per_zone ? 2 : 1
}

data "aws_region" "current" {}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = var.name
  }
}

# No rule at all in the VPC's default security group: everything here uses its own groups.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = "${var.name}-default-unused"
  }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = var.name
  }
}

resource "aws_subnet" "public" {
  count = 2

  vpc_id            = aws_vpc.this.id
  availability_zone = var.availability_zones[count.index]
  cidr_block        = local.public_cidrs[count.index]

  # The balancer has its own addresses; nothing launched here gets a public IP by default.
  map_public_ip_on_launch = false

  tags = {
    Name = "${var.name}-public-${var.availability_zones[count.index]}"
    Tier = "public"
    # Spinnaker finds the balancer's subnets by this tag (subnetType = purpose).
    immutable_metadata = jsonencode({ purpose = var.subnet_purpose, target = "elb" })
  }
}

resource "aws_subnet" "node" {
  count = 2

  vpc_id            = aws_vpc.this.id
  availability_zone = var.availability_zones[count.index]
  cidr_block        = local.node_cidrs[count.index]

  tags = {
    Name = "${var.name}-nodes-${var.availability_zones[count.index]}"
    Tier = "nodes"
    # Spinnaker's deploy stage launches server groups in the subnets whose purpose is its subnetType.
    immutable_metadata = jsonencode({ purpose = var.subnet_purpose, target = "ec2" })
  }
}

resource "aws_subnet" "data" {
  count = 2

  vpc_id            = aws_vpc.this.id
  availability_zone = var.availability_zones[count.index]
  cidr_block        = local.data_cidrs[count.index]

  tags = {
    Name = "${var.name}-data-${var.availability_zones[count.index]}"
    Tier = "data"
  }
}

# Public: the internet gateway.
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = "${var.name}-public"
  }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = 2

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# Nodes: a NAT gateway (the zone's own, or the single one).
resource "aws_eip" "nat" {
  count = local.nat_gateways

  domain = "vpc"

  tags = {
    Name = "${var.name}-nat-${var.availability_zones[count.index]}"
  }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_gateways

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = {
    Name = "${var.name}-${var.availability_zones[count.index]}"
  }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "node" {
  count = 2

  vpc_id = aws_vpc.this.id

  tags = {
    Name = "${var.name}-nodes-${var.availability_zones[count.index]}"
  }
}

resource "aws_route" "node_outbound" {
  count = 2

  route_table_id         = aws_route_table.node[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[min(count.index, local.nat_gateways - 1)].id
}

resource "aws_route_table_association" "node" {
  count = 2

  subnet_id      = aws_subnet.node[count.index].id
  route_table_id = aws_route_table.node[count.index].id
}

# Data: only the VPC's local route.
resource "aws_route_table" "data" {
  vpc_id = aws_vpc.this.id

  tags = {
    Name = "${var.name}-data"
  }
}

resource "aws_route_table_association" "data" {
  count = 2

  subnet_id      = aws_subnet.data[count.index].id
  route_table_id = aws_route_table.data.id
}

# S3 through a gateway endpoint (free), from the nodes' route tables.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.node[*].id

  tags = {
    Name = "${var.name}-s3"
  }
}
