variable "name" {
  type        = string
  description = "Name prefix of the load balancer and target groups."
}

variable "vpc_id" {
  type        = string
  description = "VPC of the target groups."
}

variable "subnet_ids" {
  type        = list(string)
  description = "Public subnets of the Network Load Balancer."
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the Network Load Balancer."
}

variable "enable_ipv6" {
  type        = bool
  description = "Dual-stack load balancer."
}

variable "container_ports" {
  type = object({
    submission  = number
    submissions = number
    http        = number
  })
  description = "Target ports inside the tasks."
}

variable "proxy_protocol" {
  type        = bool
  description = "PROXY protocol v2 on the SMTP target groups (mailgate must be configured to expect it)."
}

variable "api_certificate_arn" {
  type        = string
  description = "ACM certificate of the TLS listener on 443."
}

variable "health_check_path" {
  type        = string
  description = "HTTP path of the target health checks."
  default     = "/q/health/ready"
}
