output "lb_security_group_id" {
  description = "Security group of the Network Load Balancer."
  value       = aws_security_group.lb.id
}

output "task_security_group_id" {
  description = "Security group of the ECS tasks."
  value       = aws_security_group.tasks.id
}

output "db_security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.db.id
}
