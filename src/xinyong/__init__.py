"""xinyong (信用): an open public-credit information platform."""
