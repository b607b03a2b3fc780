"""The ingestion pipeline: read → map columns → clean and validate → link → version → events."""
