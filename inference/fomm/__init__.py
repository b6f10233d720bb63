"""A checkpoint-exact First Order Motion Model (Siarohin et al. 2019) that loads the official vox-256 weights."""
from .checkpoint import CheckpointError, convert_checkpoint
from .config import FOMMConfig
from .model import FOMM, load
from .motion import normalize_kp

__all__ = ["FOMM", "CheckpointError", "FOMMConfig", "convert_checkpoint", "load", "normalize_kp"]
