"""Credit reports (信用报告): signed, verifiable PDF snapshots of what is held about a subject."""
