"""Processing provider `classification` and one module per algorithm."""
