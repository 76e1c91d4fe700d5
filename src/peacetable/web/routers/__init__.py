"""HTTP routers, one per resource; each only translates between HTTP and a service."""
