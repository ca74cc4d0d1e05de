"""E-learning content toolkit: course sources to sites, LMS packages and an LRS."""

__version__ = "0.1.0"
