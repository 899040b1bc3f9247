environment = "staging"
http_port   = 8080
