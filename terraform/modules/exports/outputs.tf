output "file_system_id" {
  description = "The export file system (fs-...). Its mount targets exist once this is read: the nodes mount at boot."
  value       = aws_efs_file_system.this.id
  depends_on  = [aws_efs_mount_target.this]
}

output "file_system_arn" {
  description = "ARN of the export file system, for the nodes' role and the file system policy."
  value       = aws_efs_file_system.this.arn
}
