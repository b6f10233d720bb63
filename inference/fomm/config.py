"""Architecture parameters of the First Order Motion Model; the defaults are the official vox-256 ones."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KPDetectorConfig:
    """Keypoint detector: an hourglass on the anti-aliased, downscaled frame."""

    block_expansion: int = 32
    max_features: int = 1024
    num_blocks: int = 5
    temperature: float = 0.1
    scale_factor: float = 0.25


@dataclass(frozen=True)
class DenseMotionConfig:
    """Dense motion network: an hourglass predicting per-keypoint masks and an occlusion map."""

    block_expansion: int = 64
    max_features: int = 1024
    num_blocks: int = 5
    scale_factor: float = 0.25
    kp_variance: float = 0.01


@dataclass(frozen=True)
class GeneratorConfig:
    """Occlusion-aware generator: encoder, warp, residual bottleneck, decoder."""

    block_expansion: int = 64
    max_features: int = 512
    num_down_blocks: int = 2
    num_bottleneck_blocks: int = 6
    dense_motion: DenseMotionConfig = field(default_factory=DenseMotionConfig)


@dataclass(frozen=True)
class FOMMConfig:
    """The whole model (jacobians and the occlusion map are always on, as in every official config)."""

    num_kp: int = 10
    num_channels: int = 3
    kp_detector: KPDetectorConfig = field(default_factory=KPDetectorConfig)
    generator: GeneratorConfig = field(default_factory=GeneratorConfig)

    @classmethod
    def small(cls) -> "FOMMConfig":
        """A tiny model of the same structure for fast tests (64x64 frames work)."""
        return cls(
            num_kp=4,
            kp_detector=KPDetectorConfig(block_expansion=4, max_features=16, num_blocks=3),
            generator=GeneratorConfig(
                block_expansion=8,
                max_features=16,
                num_bottleneck_blocks=2,
                dense_motion=DenseMotionConfig(block_expansion=4, max_features=16, num_blocks=3),
            ),
        )
