"""The templates that ship with memebot: one folder per template, installed as the package inference.templates.shipped."""
