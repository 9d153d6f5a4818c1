variable "name" {
  type        = string
  description = "Prefix of every name (the Spinnaker cluster, <application>-<stack>)."
}

variable "vpc_id" {
  type        = string
  description = "The VPC of the groups."
}

variable "allowed_ingress_cidrs" {
  type        = list(string)
  description = "Networks (IPv4 or IPv6 CIDR) that may reach the balancer on 80 and 443."

  validation {
    condition     = alltrue([for cidr in var.allowed_ingress_cidrs : can(cidrhost(cidr, 0))])
    error_message = "allowed_ingress_cidrs must hold CIDR blocks."
  }
}
