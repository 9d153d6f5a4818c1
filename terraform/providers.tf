provider "aws" {
  region = var.region

  # Every resource that takes tags gets these; the Auto Scaling group propagates them to its instances itself.
  default_tags {
    tags = local.tags
  }
}
