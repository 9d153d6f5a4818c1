# Host, database, login secret for each server; the ARNs come from the secret versions so that the nodes wait for
# the values. No password leaves this module except inside its secret.

output "catalog" {
  description = "The catalog server: name, host, port, database and the ARN of its login's secret."
  value = {
    name       = "catalog"
    host       = aws_db_instance.this["catalog"].address
    port       = local.port
    database   = local.servers["catalog"].database
    secret_arn = aws_secretsmanager_secret_version.master["catalog"].arn
  }
}

output "shards" {
  description = "The shard servers in order (shard-0 first), each with name, host, port, database and its login's secret ARN."
  value = [
    for index in range(var.shard_count) : {
      name       = "shard-${index}"
      host       = aws_db_instance.this["shard-${index}"].address
      port       = local.port
      database   = local.servers["shard-${index}"].database
      secret_arn = aws_secretsmanager_secret_version.master["shard-${index}"].arn
    }
  ]
}
