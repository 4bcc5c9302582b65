output "alarm_names" {
  description = "Names of all alarms."
  value = concat(
    [aws_cloudwatch_metric_alarm.api_5xx.alarm_name, aws_cloudwatch_metric_alarm.auth_failures.alarm_name],
    aws_cloudwatch_metric_alarm.queue_age[*].alarm_name,
    [for a in aws_cloudwatch_metric_alarm.unhealthy_targets : a.alarm_name],
    [aws_cloudwatch_metric_alarm.service_cpu.alarm_name, aws_cloudwatch_metric_alarm.db_cpu.alarm_name, aws_cloudwatch_metric_alarm.db_storage.alarm_name],
  )
}
