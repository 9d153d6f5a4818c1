variable "name" {
  type        = string
  description = "Prefix of every name (the Spinnaker cluster, <application>-<stack>)."
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 range of the VPC, /16 to /24."

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block."
  }
}

variable "availability_zones" {
  type        = list(string)
  description = "The two availability zones."

  validation {
    condition     = length(var.availability_zones) == 2
    error_message = "availability_zones must name exactly two zones."
  }
}

variable "nat_gateway_per_zone" {
  type        = bool
  description = "One NAT gateway per zone, or a single one."
  default     = true
}

variable "subnet_purpose" {
  type        = string
  description = "Purpose in the subnets' immutable_metadata tag (Spinnaker's subnetType)."
}
