"""Loading and checking course sources (YAML + Markdown) with line marks."""
