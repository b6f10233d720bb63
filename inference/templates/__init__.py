"""Song templates: a driving clip cropped to the face, its audio, and its motion computed once.

Ingest (`inference.templates.ingest`) tracks faces with cv2 and dlib, so it is imported only where clips are
ingested; listing and reading templates (which the bot does) stays light.
"""
from inference.templates.library import TemplateLibrary, TemplateNotFound, clip_template
from inference.templates.template import Template, TemplateMeta

__all__ = ["Template", "TemplateLibrary", "TemplateMeta", "TemplateNotFound", "clip_template"]
