variable "name" {
  description = "The topology's name: the load balancer's, the prefix of every other name, and <name>.internal for the zone."
  type        = string
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  description = "The VPC's CIDR: the load balancer's group takes 80 and 443 from it and sends everything to it."
  type        = string
}

variable "subnet_ids" {
  description = "The two subnets of the internal load balancer."
  type        = list(string)
}

variable "services" {
  description = "Per service: the host name its rule matches and its CNAME carries, its tasks security group, its priority, and its health check path."
  type = map(object({
    host              = string
    security_group    = string
    priority          = number
    health_check_path = string
  }))
}

variable "service_port" {
  type    = number
  default = 8080
}

variable "dns_ttl" {
  type    = number
  default = 60
}
