"""The back office for the staff of departments and the credit office (uploads, queues)."""
