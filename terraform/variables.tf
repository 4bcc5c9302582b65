# ---------------------------------------------------------------------------------------------------
# Where it runs
# ---------------------------------------------------------------------------------------------------

variable "region" {
  type        = string
  description = "AWS region to deploy into, e.g. eu-central-1."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like eu-central-1."
  }
}

variable "name" {
  type        = string
  description = "Name prefix of every resource (load balancer, cluster, service, database, log group)."
  default     = "mailgate"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name must be 2-21 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}

variable "vpc_id" {
  type        = string
  description = "Existing VPC to deploy into."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Public subnets (one per availability zone, at least two) for the Network Load Balancer."

  validation {
    condition     = length(var.public_subnet_ids) >= 2 && alltrue([for s in var.public_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "public_subnet_ids needs at least two subnet ids (subnet-...)."
  }
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets (at least two availability zones) for the ECS tasks and the database. The tasks need a route to the internet (NAT gateway) for port 25, Keycloak and AWS APIs, unless assign_public_ip is true."

  validation {
    condition     = length(var.private_subnet_ids) >= 2 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "private_subnet_ids needs at least two subnet ids (subnet-...)."
  }
}

variable "assign_public_ip" {
  type        = bool
  description = "Give each task a public IP (tasks in public subnets without NAT). Outbound mail then leaves from changing addresses, which hurts SPF and reputation; prefer a NAT gateway with a fixed Elastic IP."
  default     = false
}

variable "enable_ipv6" {
  type        = bool
  description = "Make the load balancer dual-stack (AAAA records). The public subnets need IPv6 CIDR blocks."
  default     = false
}

variable "allowed_client_cidrs" {
  type        = list(string)
  description = "Client networks allowed to reach 465, 587 and 443. Submission is authenticated, so the internet is the usual answer."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.allowed_client_cidrs : can(cidrhost(c, 0))])
    error_message = "allowed_client_cidrs must be CIDR blocks."
  }
}

variable "allowed_client_ipv6_cidrs" {
  type        = list(string)
  description = "IPv6 client networks allowed to reach 465, 587 and 443 (used when enable_ipv6 is true)."
  default     = ["::/0"]

  validation {
    condition     = alltrue([for c in var.allowed_client_ipv6_cidrs : can(cidrhost(c, 0))])
    error_message = "allowed_client_ipv6_cidrs must be CIDR blocks."
  }
}

variable "dns_resolver_cidrs" {
  type        = list(string)
  description = "Where the tasks may send DNS queries (port 53 UDP/TCP) for MX lookups: the VPC resolver, or the servers named in delivery_dns_servers."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.dns_resolver_cidrs : can(cidrhost(c, 0))])
    error_message = "dns_resolver_cidrs must be CIDR blocks."
  }
}

variable "extra_egress_tcp_ports" {
  type        = list(number)
  description = "Further outbound TCP ports the tasks need, e.g. 8443 when Keycloak is not on 443, or 587 for a relay smart host."
  default     = []

  validation {
    condition     = alltrue([for p in var.extra_egress_tcp_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "extra_egress_tcp_ports must be port numbers 1-65535."
  }
}

# ---------------------------------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------------------------------

variable "image" {
  type        = string
  description = "Container image of mailgate, normally the native image from the image workflow, e.g. ghcr.io/OWNER/mailgate:1.2.3. Pin a tag or digest, never latest."

  validation {
    condition     = length(var.image) > 0 && !endswith(var.image, ":latest")
    error_message = "image must be set and must not use the latest tag."
  }
}

variable "cpu_architecture" {
  type        = string
  description = "CPU architecture of the image: X86_64 or ARM64."
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "task_cpu" {
  type        = number
  description = "Fargate task CPU units (256 = 0.25 vCPU). The native image is comfortable with 512."
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.task_cpu)
    error_message = "task_cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "task_memory" {
  type        = number
  description = "Fargate task memory in MiB; must be a valid combination with task_cpu."
  default     = 1024

  validation {
    condition     = var.task_memory >= 512 && var.task_memory <= 122880 && var.task_memory % 512 == 0
    error_message = "task_memory must be a multiple of 512 MiB between 512 and 122880."
  }
}

variable "desired_count" {
  type        = number
  description = "Tasks started on the first deployment; autoscaling takes over afterwards."
  default     = 2

  validation {
    condition     = var.desired_count >= 1
    error_message = "desired_count must be at least 1."
  }
}

variable "min_count" {
  type        = number
  description = "Fewest tasks autoscaling keeps (two spread over availability zones for availability)."
  default     = 2

  validation {
    condition     = var.min_count >= 1
    error_message = "min_count must be at least 1."
  }
}

variable "max_count" {
  type        = number
  description = "Most tasks autoscaling starts."
  default     = 10

  validation {
    condition     = var.max_count >= 1 && var.max_count <= 1000
    error_message = "max_count must be between 1 and 1000."
  }
}

variable "cpu_target_percent" {
  type        = number
  description = "Average task CPU utilisation that autoscaling aims for."
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 10 and 90."
  }
}

variable "connections_target_per_task" {
  type        = number
  description = "Open SMTP connections (465 + 587, NLB active flows) per task that autoscaling aims for."
  default     = 500

  validation {
    condition     = var.connections_target_per_task >= 10
    error_message = "connections_target_per_task must be at least 10."
  }
}

variable "container_ports" {
  type = object({
    submission  = number
    submissions = number
    http        = number
  })
  description = "Ports mailgate listens on inside the task. The image runs as a non-root user, so the defaults are unprivileged; the load balancer maps 587, 465 and 443 to them."
  default = {
    submission  = 2587
    submissions = 2465
    http        = 8080
  }

  validation {
    condition     = alltrue([for p in values(var.container_ports) : p >= 1024 && p <= 65535])
    error_message = "container_ports must be unprivileged ports (1024-65535)."
  }
}

variable "proxy_protocol" {
  type        = bool
  description = "Send PROXY protocol v2 from the NLB to the SMTP target groups so mailgate sees the real client address (audit log, per-IP limits). Sets MAILGATE_SMTP_PROXY_PROTOCOL to the same value: both sides must agree or every session fails."
  default     = true
}

variable "smtp_hostname" {
  type        = string
  description = "Public host name of the submission service (greeting, EHLO, certificate name, SRV target), e.g. smtp.example.com."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.smtp_hostname))
    error_message = "smtp_hostname must be a lower-case DNS name."
  }
}

variable "mail_domains" {
  type        = list(string)
  description = "Domains whose users submit through this service: each gets _submission._tcp / _submissions._tcp SRV records (RFC 6186) and an SPF hint in the outputs."

  validation {
    condition     = length(var.mail_domains) > 0 && alltrue([for d in var.mail_domains : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", d))])
    error_message = "mail_domains must be a non-empty list of lower-case DNS names."
  }
}

variable "api_certificate_arn" {
  type        = string
  description = "ACM certificate for the HTTPS API listener (443, TLS terminated at the NLB). SMTP TLS is terminated by mailgate with tls_secret_arn."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:", var.api_certificate_arn))
    error_message = "api_certificate_arn must be an ACM certificate ARN."
  }
}

variable "tls_secret_arn" {
  type        = string
  description = "Secrets Manager secret with the SMTP TLS certificate as JSON {\"cert\": \"<PEM chain>\", \"key\": \"<PEM private key>\"}, for smtp_hostname."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:", var.tls_secret_arn))
    error_message = "tls_secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "dkim_keys" {
  type = map(object({
    secret_arn = string
    public_key = string
  }))
  description = "DKIM keys by '<selector>._domainkey.<domain>': the Secrets Manager secret holding the PEM private key (plain text), and the base64 public key published in the DKIM TXT record output."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.dkim_keys : can(regex("^[a-z0-9-]+\\._domainkey\\.([a-z0-9-]+\\.)+[a-z]{2,}$", k)) && can(regex("^arn:aws[a-z-]*:secretsmanager:", v.secret_arn))])
    error_message = "dkim_keys keys must be '<selector>._domainkey.<domain>' and secret_arn a Secrets Manager ARN."
  }
}

variable "keycloak_realm_url" {
  type        = string
  description = "The Keycloak realm mailgate trusts (quarkus.oidc.auth-server-url), exactly as it appears in the tokens' iss claim, e.g. https://sso.example.com/realms/mail."

  validation {
    condition     = can(regex("^https?://[^/]+(/.*)?/realms/[^/]+$", var.keycloak_realm_url))
    error_message = "keycloak_realm_url must be a realm URL ending in /realms/<realm>."
  }
}

variable "oidc_client_id" {
  type        = string
  description = "Confidential Keycloak client mailgate uses for the password grant behind AUTH PLAIN/LOGIN (quarkus.oidc.client-id)."
  default     = "mailgate"
}

variable "oidc_client_secret_arn" {
  type        = string
  description = "Secrets Manager secret (plain text) with the secret of oidc_client_id (quarkus.oidc.credentials.secret)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:", var.oidc_client_secret_arn))
    error_message = "oidc_client_secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "auth_audience" {
  type        = string
  description = "Audience every token must carry (mailgate.auth.audience)."
  default     = "mailgate"
}

variable "auth_send_role" {
  type        = string
  description = "Role needed to send (mailgate.auth.send-role)."
  default     = "mail-send"
}

variable "auth_senders_claim" {
  type        = string
  description = "Claim listing extra sender addresses and @domains (mailgate.auth.senders-claim)."
  default     = "allowed_senders"
}

variable "limits" {
  type = object({
    max_message_size       = optional(number, 26214400)
    recipients_per_message = optional(number, 100)
    messages_per_minute    = optional(number, 120)
    auth_failures          = optional(number, 5)
  })
  description = "mailgate.limits.*: message size in octets, recipients per message, messages per principal per minute, auth failures per client address in 5 minutes."
  default     = {}

  validation {
    condition     = var.limits.max_message_size >= 1024 && var.limits.recipients_per_message >= 1 && var.limits.messages_per_minute >= 1 && var.limits.auth_failures >= 1
    error_message = "limits must be positive (max_message_size at least 1024)."
  }
}

variable "delivery" {
  type = object({
    mode        = optional(string, "mx")
    tls         = optional(string, "opportunistic")
    dns_servers = optional(list(string), [])
    helo_name   = optional(string)
  })
  description = "mailgate.delivery.*: mode (mx, relay or capture), TLS policy (opportunistic, required or none), resolvers as host:port (empty: the VPC resolver), outbound EHLO name (default smtp_hostname)."
  default     = {}

  validation {
    condition     = contains(["mx", "relay", "capture"], var.delivery.mode) && contains(["opportunistic", "required", "none"], var.delivery.tls)
    error_message = "delivery.mode must be mx, relay or capture; delivery.tls opportunistic, required or none."
  }

  validation {
    condition     = alltrue([for s in var.delivery.dns_servers : can(regex("^[0-9a-fA-F:.\\[\\]]+:[0-9]+$", s))])
    error_message = "delivery.dns_servers entries must be host:port."
  }
}

variable "extra_environment" {
  type        = map(string)
  description = "Further configuration as environment variables (MAILGATE_* / QUARKUS_*), e.g. MAILGATE_SMTP_IDLE_TIMEOUT. Secrets never go here."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_environment) : can(regex("^(MAILGATE|QUARKUS)_[A-Z0-9_]+$", k))])
    error_message = "extra_environment keys must be MAILGATE_* or QUARKUS_* environment variable names."
  }
}

variable "init_image" {
  type        = string
  description = "Small image with a POSIX shell used by the init container that writes the TLS and DKIM secrets to files for mailgate."
  default     = "public.ecr.aws/docker/library/busybox:1.37"
}

variable "metrics_collector_image" {
  type        = string
  description = "AWS Distro for OpenTelemetry collector image; the sidecar scrapes /q/metrics and publishes the queue-age metric the alarms watch. Empty disables the sidecar (and the queue-age alarm)."
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3"
}

# ---------------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------------

variable "db_instance_class" {
  type        = string
  description = "RDS instance class for PostgreSQL."
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.db_instance_class, "db.")
    error_message = "db_instance_class must be an RDS class such as db.t4g.medium."
  }
}

variable "db_engine_version" {
  type        = string
  description = "PostgreSQL major (or major.minor) version."
  default     = "16"

  validation {
    condition     = can(regex("^1[5-9](\\.[0-9]+)?$", var.db_engine_version))
    error_message = "db_engine_version must be PostgreSQL 15 or newer."
  }
}

variable "db_allocated_storage" {
  type        = number
  description = "Initial storage in GiB (gp3); grows automatically up to db_max_allocated_storage."
  default     = 50

  validation {
    condition     = var.db_allocated_storage >= 20
    error_message = "db_allocated_storage must be at least 20 GiB."
  }
}

variable "db_max_allocated_storage" {
  type        = number
  description = "Upper bound for storage autoscaling in GiB."
  default     = 500
}

variable "db_multi_az" {
  type        = bool
  description = "Run PostgreSQL Multi-AZ (a synchronous standby in another zone). A 250 means committed, so production wants true."
  default     = true
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated backups (point-in-time recovery)."
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35."
  }
}

variable "db_deletion_protection" {
  type        = bool
  description = "Protect the database from terraform destroy and console deletion."
  default     = true
}

variable "db_kms_key_arn" {
  type        = string
  description = "KMS key for storage encryption; null uses the AWS managed RDS key. Storage is encrypted either way."
  default     = null
}

# ---------------------------------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------------------------------

variable "log_retention_days" {
  type        = number
  description = "CloudWatch Logs retention of the application and audit log."
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, ...)."
  }
}

variable "alarm_actions" {
  type        = list(string)
  description = "SNS topic ARNs notified when an alarm fires or recovers."
  default     = []
}

variable "alarm_thresholds" {
  type = object({
    api_5xx_per_5min       = optional(number, 10)
    auth_failures_per_5min = optional(number, 100)
    queue_age_seconds      = optional(number, 3600)
  })
  description = "Alarm thresholds: API 5xx responses and SMTP/API authentication failures per 5 minutes, age of the oldest queued message in seconds."
  default     = {}
}

variable "route53_zone_id" {
  type        = string
  description = "Route 53 hosted zone to create the smtp_hostname A/AAAA alias records in; null only outputs the records to publish elsewhere."
  default     = null
}

variable "egress_ips" {
  type        = list(string)
  description = "Public IPv4 addresses outbound mail leaves from (NAT gateway Elastic IPs), for the SPF hint and the reverse-DNS request; empty leaves a placeholder."
  default     = []

  validation {
    condition     = alltrue([for ip in var.egress_ips : can(cidrhost("${ip}/32", 0))])
    error_message = "egress_ips must be IPv4 addresses."
  }
}
