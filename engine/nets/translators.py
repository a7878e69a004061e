"""Image-to-image networks: U-Net generator and PatchGAN (pix2pix), ResNet generator (CycleGAN).

Upsampling is resize-then-conv to avoid checkerboard artifacts.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from ..config import IMAGE_SIZES, NORMS, UPSAMPLES, _check_choice, _check_positive, num_doublings
from ..errors import UserError
from ..registry import register
from ._blocks import dcgan_init, norm2d, pyramid_widths, upsample_conv


UNET_HEADS = ("tanh", "bins")


@dataclass
class UNetConfig:
    image_size: int = 64
    in_channels: int = 3
    out_channels: int = 3
    width: int = 32
    max_width: int = 256
    norm: str = "batch"
    upsample: str = "resize"
    # 0: halve down to 1x1 at image_size (pix2pix's U-Net, a fixed input size). n > 0: n
    # halvings, so the net is fully convolutional: any size that is a multiple of 2 ** n.
    depth: int = 0
    # "tanh": out_channels values in [-1, 1] at the input's size. "bins": out_channels
    # logits at half the input's size (a colouriser's distribution over ab bins,
    # engine.chroma_bins; colour needs no full resolution and the head is wide).
    head: str = "tanh"

    def validate(self) -> None:
        _check_choice("image_size", self.image_size, IMAGE_SIZES)
        _check_choice("head", self.head, UNET_HEADS)
        for name in ("in_channels", "out_channels", "width", "max_width"):
            _check_positive(name, getattr(self, name))
        _check_choice("norm", self.norm, NORMS)
        _check_choice("upsample", self.upsample, UPSAMPLES)
        if not isinstance(self.depth, int) or self.depth < 0:
            raise UserError(f"depth must be 0 or a positive whole number, got {self.depth!r}")

    @property
    def levels(self) -> int:
        return self.depth or num_doublings(self.image_size, base=1)


@register("unet")
class UNet(nn.Module):
    """Encoder down to 1x1 (or `depth` halvings), decoder back up with skip connections;
    output tanh in [-1, 1] (or bin logits at half size, see UNetConfig.head)."""
    Config = UNetConfig

    def __init__(self, config: UNetConfig):
        super().__init__()
        config.validate()
        self.config = config
        levels = config.levels
        widths = pyramid_widths(config.width, config.max_width, levels - 1)
        bias = config.norm == "none"
        downs = [nn.Sequential(nn.Conv2d(config.in_channels, widths[0], 4, 2, 1),
                               nn.LeakyReLU(0.2, inplace=True))]
        for i in range(1, levels):
            innermost = i == levels - 1 and not config.depth   # 1x1: nothing to normalise
            downs.append(nn.Sequential(
                nn.Conv2d(widths[i - 1], widths[i], 4, 2, 1, bias=bias or innermost),
                nn.Identity() if innermost else norm2d(config.norm, widths[i]),
                nn.LeakyReLU(0.2, inplace=True)))
        self.downs = nn.ModuleList(downs)
        ups = []
        for i in range(levels - 1, 0, -1):
            in_ch = widths[i] if i == levels - 1 else widths[i] * 2
            ups.append(nn.Sequential(upsample_conv(in_ch, widths[i - 1], config.upsample, bias),
                                     norm2d(config.norm, widths[i - 1]), nn.ReLU(inplace=True)))
        self.ups = nn.ModuleList(ups)
        last_in = widths[0] * 2 if levels > 1 else widths[0]
        if config.head == "bins":
            self.to_out = nn.Conv2d(last_in, config.out_channels, 1)
        else:
            self.to_out = nn.Sequential(upsample_conv(last_in, config.out_channels,
                                                      config.upsample, bias=True), nn.Tanh())
        dcgan_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
        for i, up in enumerate(self.ups):
            x = torch.cat([up(x), skips[-2 - i]], dim=1)
        return self.to_out(x)


@dataclass
class PatchGANConfig:
    in_channels: int = 6      # condition and image, concatenated (pix2pix); 3 for CycleGAN
    width: int = 64
    layers: int = 3           # stride-2 convs; 3 gives the 70x70 receptive field
    norm: str = "batch"

    def validate(self) -> None:
        for name in ("in_channels", "width", "layers"):
            _check_positive(name, getattr(self, name))
        _check_choice("norm", self.norm, NORMS)


@register("patchgan")
class PatchGAN(nn.Module):
    """A map of real/fake logits, one per overlapping patch: (B, 1, h, w)."""
    Config = PatchGANConfig

    def __init__(self, config: PatchGANConfig):
        super().__init__()
        config.validate()
        self.config = config
        w, cap = config.width, config.width * 8
        bias = config.norm == "none"
        layers: list[nn.Module] = [nn.Conv2d(config.in_channels, w, 4, 2, 1),
                                   nn.LeakyReLU(0.2, inplace=True)]
        ch = w
        for i in range(1, config.layers + 1):
            out = min(w * 2 ** i, cap)
            stride = 2 if i < config.layers else 1
            layers += [nn.Conv2d(ch, out, 4, stride, 1, bias=bias), norm2d(config.norm, out),
                       nn.LeakyReLU(0.2, inplace=True)]
            ch = out
        layers.append(nn.Conv2d(ch, 1, 4, 1, 1))
        self.body = nn.Sequential(*layers)
        dcgan_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def patchgan_layers_for(size: int, wanted: int = 3) -> int:
    """Most stride-2 layers (up to `wanted`) that still leave a patch map at `size` pixels."""
    layers = wanted
    while layers > 1 and size // 2 ** layers < 4:
        layers -= 1
    return layers


@dataclass
class ResnetTranslatorConfig:
    in_channels: int = 3
    out_channels: int = 3
    width: int = 32
    blocks: int = 6
    downs: int = 2
    norm: str = "instance"
    upsample: str = "resize"

    def validate(self) -> None:
        for name in ("in_channels", "out_channels", "width", "blocks", "downs"):
            _check_positive(name, getattr(self, name))
        _check_choice("norm", self.norm, NORMS)
        _check_choice("upsample", self.upsample, UPSAMPLES)


class _ResidualBlock(nn.Module):
    def __init__(self, ch: int, norm: str):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), norm2d(norm, ch), nn.ReLU(inplace=True),
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), norm2d(norm, ch))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


@register("resnet_translator")
class ResnetTranslator(nn.Module):
    """CycleGAN's generator: 7x7 in, stride-2 downs, residual blocks, resize-conv ups, 7x7 out.
    Height and width must be multiples of 2 ** downs."""
    Config = ResnetTranslatorConfig

    def __init__(self, config: ResnetTranslatorConfig):
        super().__init__()
        config.validate()
        self.config = config
        w, norm = config.width, config.norm
        layers: list[nn.Module] = [nn.ReflectionPad2d(3), nn.Conv2d(config.in_channels, w, 7),
                                   norm2d(norm, w), nn.ReLU(inplace=True)]
        ch = w
        for _ in range(config.downs):
            layers += [nn.Conv2d(ch, ch * 2, 3, 2, 1), norm2d(norm, ch * 2), nn.ReLU(inplace=True)]
            ch *= 2
        layers += [_ResidualBlock(ch, norm) for _ in range(config.blocks)]
        for _ in range(config.downs):
            layers += [upsample_conv(ch, ch // 2, config.upsample, bias=True),
                       norm2d(norm, ch // 2), nn.ReLU(inplace=True)]
            ch //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ch, config.out_channels, 7), nn.Tanh()]
        self.body = nn.Sequential(*layers)
        dcgan_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)
