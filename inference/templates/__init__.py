"""Song templates: a driving clip cropped to the face, its audio, and its motion computed once."""
from inference.templates.ingest import IngestLimits, ingest
from inference.templates.library import TemplateLibrary, TemplateNotFound, clip_template
from inference.templates.template import Template, TemplateMeta

__all__ = ["IngestLimits", "Template", "TemplateLibrary", "TemplateMeta", "TemplateNotFound", "clip_template", "ingest"]
