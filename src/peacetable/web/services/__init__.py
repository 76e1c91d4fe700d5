"""What the server does, one module per resource; the routers only translate HTTP."""
