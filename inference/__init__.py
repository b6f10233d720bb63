"""Inference: the FOMM model, the weight-free animator, templates and the render pipeline.

Knows nothing of chats or databases."""
