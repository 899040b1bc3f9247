resource "aws_security_group" "h" {
  description = <<-EOT
    multi ${var.x}
      line %{ if true }yes%{ endif }
    EOT
  name = <<EOF2
plain
EOF2
  /* a block
     comment */
  ingress { from_port = 22 // trailing
    to_port = 22
    protocol = "tcp"
    cidr_blocks = ["${"0.0.0.0"}/0"] # x
  }
}
variable "x" {}
