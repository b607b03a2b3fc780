"""Credit evaluation (信用评价): declarative models compiled to SQL, runs, versioned scores."""
