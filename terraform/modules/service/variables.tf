variable "name" {
  type        = string
  description = "Name of the cluster, service, task family and log groups."
}

variable "region" {
  type        = string
  description = "Region of the log groups (awslogs driver)."
}

variable "image" {
  type        = string
  description = "mailgate container image."
}

variable "cpu_architecture" {
  type        = string
  description = "X86_64 or ARM64."
}

variable "task_cpu" {
  type        = number
  description = "Task CPU units."
}

variable "task_memory" {
  type        = number
  description = "Task memory in MiB."
}

variable "desired_count" {
  type        = number
  description = "Initial number of tasks."
}

variable "min_count" {
  type        = number
  description = "Autoscaling minimum."
}

variable "max_count" {
  type        = number
  description = "Autoscaling maximum."
}

variable "cpu_target_percent" {
  type        = number
  description = "Target average CPU utilisation."
}

variable "connections_target_per_task" {
  type        = number
  description = "Target SMTP connections per task."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets of the tasks."
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the tasks."
}

variable "assign_public_ip" {
  type        = bool
  description = "Public IP per task."
}

variable "container_ports" {
  type = object({
    submission  = number
    submissions = number
    http        = number
  })
  description = "Ports mailgate listens on."
}

variable "target_groups" {
  type = map(object({
    arn        = string
    arn_suffix = string
  }))
  description = "Target groups by door: submission (587), submissions (465), api (443)."
}

variable "lb_arn_suffix" {
  type        = string
  description = "Load balancer ARN suffix, for the connection-count scaling metric."
}

variable "environment" {
  type        = map(string)
  description = "Plain configuration of mailgate as environment variables."
}

variable "secrets" {
  type        = map(string)
  description = "Environment variables filled from Secrets Manager: name => secret ARN (optionally with :json-key::)."
}

variable "tls_secret_arn" {
  type        = string
  description = "Secret with JSON keys cert and key (PEM) for the SMTP listeners; written to files by the init container."
}

variable "dkim_keys" {
  type        = map(string)
  description = "'<selector>._domainkey.<domain>' => secret ARN of the PEM private key; written to the mailgate.dkim.keys folder."
  default     = {}
}

variable "init_image" {
  type        = string
  description = "Image with a POSIX shell for the secrets init container."
}

variable "app_uid" {
  type        = number
  description = "User id mailgate runs as in its image (Dockerfile.native: 1001); owner of the secret files."
  default     = 1001
}

variable "metrics_collector_image" {
  type        = string
  description = "ADOT collector image for the metrics sidecar; empty disables it."
}

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace the sidecar publishes mailgate's Prometheus metrics under."
  default     = "mailgate"
}

variable "log_retention_days" {
  type        = number
  description = "Log retention in days."
}
