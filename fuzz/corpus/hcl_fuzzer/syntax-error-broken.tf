resource "aws_security_group" "broken" {
  name = "broken"
  ingress {
    from_port = 22
    cidr_blocks = ["10.0.0.0/8",
  }
}
