output "kms_key_arn" {
  description = "ARN of the customer-managed key."
  value       = aws_kms_key.this.arn
}

# The ARNs are read from the secret versions so that whatever uses them (the nodes) waits for the values.
output "audit_hmac_key_secret_arn" {
  description = "Secret holding Audit:HmacKey."
  value       = aws_secretsmanager_secret_version.audit_hmac_key.arn
}

output "export_pseudonym_key_secret_arn" {
  description = "Secret holding Export:PseudonymKey."
  value       = aws_secretsmanager_secret_version.export_pseudonym_key.arn
}

output "data_protection_certificate_secret_arn" {
  description = "Secret holding DataProtection:Certificate (the certificate and its private key, PEM)."
  value       = aws_secretsmanager_secret_version.data_protection_certificate.arn
}
