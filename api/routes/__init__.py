"""One router per resource; each handler makes one call to a service."""
