"""The REST API (django-ninja): version 1 under /api/v1/, OpenAPI at /api/openapi.json."""
