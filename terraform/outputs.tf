locals {
  spf_mechanisms = length(var.egress_ips) > 0 ? join(" ", [for ip in var.egress_ips : "ip4:${ip}"]) : "ip4:<NAT-gateway-Elastic-IP>"

  dns_records = concat(
    [
      { name = var.smtp_hostname, type = "A", value = "ALIAS ${module.load_balancer.dns_name}", note = "Route 53 alias (or CNAME when smtp_hostname is not a zone apex) to the load balancer" },
    ],
    var.enable_ipv6 ? [
      { name = var.smtp_hostname, type = "AAAA", value = "ALIAS ${module.load_balancer.dns_name}", note = "dual-stack load balancer" },
    ] : [],
    flatten([for d in var.mail_domains : [
      { name = "_submissions._tcp.${d}", type = "SRV", value = "0 1 465 ${var.smtp_hostname}.", note = "RFC 6186 / RFC 8314: implicit TLS preferred" },
      { name = "_submission._tcp.${d}", type = "SRV", value = "1 1 587 ${var.smtp_hostname}.", note = "RFC 6186: STARTTLS" },
      { name = d, type = "TXT", value = "v=spf1 ${local.spf_mechanisms} ~all", note = "SPF hint: merge with the domain's existing SPF record, there may be only one" },
    ]]),
    [for k, v in var.dkim_keys : {
      name  = k
      type  = "TXT"
      value = "v=DKIM1; k=${length(v.public_key) < 100 ? "ed25519" : "rsa"}; p=${v.public_key}"
      note  = "DKIM public key (RFC 6376; k=ed25519 per RFC 8463); split into 255-character strings if your DNS tool needs it"
    }],
  )
}

output "load_balancer_dns_name" {
  description = "DNS name of the Network Load Balancer (465, 587, 443)."
  value       = module.load_balancer.dns_name
}

output "dns_records" {
  description = "DNS records to publish: A/AAAA for the endpoint, RFC 6186 SRV records and an SPF hint per mail domain, DKIM TXT per key."
  value       = local.dns_records
}

output "reverse_dns_hint" {
  description = "Outbound mail needs a PTR record for each egress IP that matches the HELO name; AWS sets it through the same request that lifts the port 25 block."
  value       = "PTR for ${length(var.egress_ips) > 0 ? join(", ", var.egress_ips) : "<NAT-gateway-Elastic-IP>"} -> ${coalesce(var.delivery.helo_name, var.smtp_hostname)}"
}

output "ecs_cluster_name" {
  description = "ECS cluster running mailgate."
  value       = module.service.cluster_name
}

output "ecs_service_name" {
  description = "ECS service running mailgate."
  value       = module.service.service_name
}

output "log_group_name" {
  description = "CloudWatch log group with mailgate's application, access and audit log."
  value       = module.service.log_group_name
}

output "database_endpoint" {
  description = "PostgreSQL host (private)."
  value       = module.database.endpoint
}

output "database_password_secret_arn" {
  description = "Secrets Manager secret RDS keeps the database password in."
  value       = module.database.password_secret_arn
}

output "alarm_names" {
  description = "CloudWatch alarms created."
  value       = module.alarms.alarm_names
}
