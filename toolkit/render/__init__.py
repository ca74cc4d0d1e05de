"""Rendering: Markdown and blocks to HTML, pages through Jinja templates."""
