# Terraform and provider versions.
#
# hashicorp/aws is pinned to the 6.x line from 6.25, the version the offline check's schema comes from
# (@cdktf/provider-aws 21.22.1 was generated from hashicorp/aws 6.25.0; see deploy/checks/). A later 6.x adds
# arguments but removes none, so what the check accepts here keeps planning.
#
# hashicorp/random >= 3.6 for random_bytes (the two application keys are 32 random bytes, base64).
#
# hashicorp/tls 4.x for the certificate that encrypts the Data Protection key ring (tls_private_key and
# tls_self_signed_cert, both as old as the provider).
#
# Terraform >= 1.9: variable validations here refer to other variables.

terraform {
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}
