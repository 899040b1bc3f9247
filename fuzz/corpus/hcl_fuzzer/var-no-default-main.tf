# Variables without a default: unknown, with the variable named; nothing is guessed.
variable "admin_cidr" {
  type = string
}

variable "admin_port" {
  type = number
}

resource "aws_security_group" "admin" {
  name        = "admin"
  description = "administration"
  vpc_id      = "vpc-0123456789abcdef0"

  ingress {
    description = "SSH from the admins"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }

  ingress {
    description = "the admin console"
    from_port   = var.admin_port
    to_port     = var.admin_port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress = []
}
