variable "name" {
  type = string
}

variable "ingress_ports" {
  type = list(number)
}

variable "sources" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

resource "aws_security_group" "this" {
  name        = var.name
  description = "${var.name} servers"
  vpc_id      = "vpc-0123456789abcdef0"

  dynamic "ingress" {
    for_each = toset(var.ingress_ports)
    content {
      description = "${var.name} on ${ingress.value}"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = var.sources
    }
  }
}

output "id" {
  value = aws_security_group.this.id
}
