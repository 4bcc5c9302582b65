# Three security groups: the load balancer (465/587/443 from clients), the tasks (only from the load
# balancer; out: 25 to MX hosts, 443 to Keycloak and AWS APIs, 53 to resolvers, 5432 to the database)
# and the database (only from the tasks).

locals {
  listener_ports = [465, 587, 443]
  target_ports   = [var.container_ports.submissions, var.container_ports.submission, var.container_ports.http]

  client_rules = merge(
    { for pair in setproduct(local.listener_ports, var.allowed_client_cidrs) : "v4-${pair[0]}-${pair[1]}" => { port = pair[0], cidr_ipv4 = pair[1], cidr_ipv6 = null } },
    var.enable_ipv6 ? { for pair in setproduct(local.listener_ports, var.allowed_client_ipv6_cidrs) : "v6-${pair[0]}-${pair[1]}" => { port = pair[0], cidr_ipv4 = null, cidr_ipv6 = pair[1] } } : {},
  )

  internet_egress = merge(
    { "smtp-v4" = { port = 25, protocol = "tcp", cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null } },
    { "https-v4" = { port = 443, protocol = "tcp", cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null } },
    var.enable_ipv6 ? { "smtp-v6" = { port = 25, protocol = "tcp", cidr_ipv4 = null, cidr_ipv6 = "::/0" } } : {},
    { for pair in setproduct(["udp", "tcp"], var.dns_resolver_cidrs) : "dns-${pair[0]}-${pair[1]}" => { port = 53, protocol = pair[0], cidr_ipv4 = pair[1], cidr_ipv6 = null } },
    { for p in var.extra_egress_tcp_ports : "extra-${p}" => { port = p, protocol = "tcp", cidr_ipv4 = "0.0.0.0/0", cidr_ipv6 = null } },
  )
}

resource "aws_security_group" "lb" {
  name        = "${var.name}-lb"
  description = "mailgate load balancer: SMTP 465/587 and HTTPS 443 in"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "mailgate tasks: from the load balancer only; out to MX hosts, Keycloak, AWS APIs, DNS, the database"
  vpc_id      = var.vpc_id
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "mailgate PostgreSQL: from the tasks only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = local.client_rules

  security_group_id = aws_security_group.lb.id
  description       = "clients to ${each.value.port}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr_ipv4
  cidr_ipv6         = each.value.cidr_ipv6
}

resource "aws_vpc_security_group_egress_rule" "lb_to_tasks" {
  for_each = toset([for p in local.target_ports : tostring(p)])

  security_group_id            = aws_security_group.lb.id
  description                  = "load balancer to mailgate ${each.value} (traffic and health checks)"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = aws_security_group.tasks.id
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_lb" {
  for_each = toset([for p in local.target_ports : tostring(p)])

  security_group_id            = aws_security_group.tasks.id
  description                  = "from the load balancer on ${each.value}"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = aws_security_group.lb.id
}

resource "aws_vpc_security_group_egress_rule" "tasks_out" {
  for_each = local.internet_egress

  security_group_id = aws_security_group.tasks.id
  description       = "out ${each.key}"
  ip_protocol       = each.value.protocol
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr_ipv4
  cidr_ipv6         = each.value.cidr_ipv6
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_db" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.db.id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_tasks" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from mailgate tasks"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.tasks.id
}
