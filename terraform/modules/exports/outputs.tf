output "file_system_id" {
  description = "The export file system (fs-...). Its mount targets exist once this is read: the nodes mount at boot."
  value       = aws_efs_file_system.this.id
  depends_on  = [aws_efs_mount_target.this]
}

output "file_system_arn" {
  description = "ARN of the export file system, for the nodes' role and the file system policy."
  value       = aws_efs_file_system.this.arn
}

output "anchor_bucket_name" {
  description = "The S3 bucket (Object Lock, compliance mode) that keeps a copy of every audit checkpoint."
  value       = aws_s3_bucket.anchors.bucket
}

output "anchor_bucket_arn" {
  description = "ARN of the audit checkpoints' bucket, for the nodes' role."
  value       = aws_s3_bucket.anchors.arn
}
