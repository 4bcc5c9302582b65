variable "name" {
  type        = string
  description = "Name prefix of the security groups."
}

variable "vpc_id" {
  type        = string
  description = "VPC the security groups belong to."
}

variable "container_ports" {
  type = object({
    submission  = number
    submissions = number
    http        = number
  })
  description = "Ports mailgate listens on inside the task (targets of the load balancer)."
}

variable "allowed_client_cidrs" {
  type        = list(string)
  description = "IPv4 client networks allowed on 465, 587 and 443."
}

variable "allowed_client_ipv6_cidrs" {
  type        = list(string)
  description = "IPv6 client networks allowed on 465, 587 and 443 when enable_ipv6 is true."
}

variable "enable_ipv6" {
  type        = bool
  description = "Also open the listeners and outbound port 25 over IPv6."
}

variable "dns_resolver_cidrs" {
  type        = list(string)
  description = "Destinations of outbound DNS (53 UDP/TCP)."
}

variable "extra_egress_tcp_ports" {
  type        = list(number)
  description = "Further outbound TCP ports of the tasks."
}
