"""The photographs the outdoor-scenes training set is cut from, picked by eye.

All candidates come from three Debian (bookworm) packages. Every raster image in them was
looked at on contact sheets; only real photographs of natural or outdoor scenes are
kept, one variant per picture (the largest one).

Left out:
- gnome-backgrounds 43.1: all wallpapers are abstract renders, patterns or SVG.
- mate-backgrounds: everything under abstract/ and desktop/ (art, stripes, logos, and
  the Elephants painting), nature/Aqua.jpg (studio macro of a water drop) and
  nature/Wood.jpg (a close-up of a plank surface, not a scene).
- plasma-workspace-wallpapers: the vector/render art (Altai, Canopee, Cascade, Cluster,
  Elarun, Flow, FlyingKonqui, Honeywave, IceCold, Kay, Kokkini, MilkyWay, Opal,
  PastelHills, Patak, SafeLanding, Shell, Volna), the painting Autumn, and the
  photographs that are not outdoor scenes (ColorfulCups, Grey: indoor / architecture).

Other registries were searched too (docs/models.md, "Looking for more photographs"): none
of the other Debian packages opened held outdoor photographs; scikit-learn's two sample
photos were found and are not in this set.

Licences: mate-backgrounds' debian/copyright names an author per file. For
plasma-workspace-wallpapers, debian/copyright only has `Files: *` (2014 KDE Visual Design
Group, GPL-2+); the photographer and the upstream licence come from each wallpaper's
metadata.json, which says LGPLv3. Both are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

PACKAGES = ("gnome-backgrounds", "mate-backgrounds", "plasma-workspace-wallpapers")

_MATE_NATURE = "usr/share/backgrounds/mate/nature"
_PLASMA = "usr/share/wallpapers"
_PLASMA_LICENCE = "GPL-2+ (debian/copyright, Files: *); LGPLv3 per the wallpaper's metadata.json"
_PLASMA_AUTHOR_NOTE = (
    "author from the wallpaper's metadata.json; debian/copyright names only the "
    "package-level holder, 2014 KDE Visual Design Group"
)


@dataclass(frozen=True)
class SourcePhoto:
    name: str  # short unique id, used for holdout file names and in the manifest
    package: str
    path: str  # inside the unpacked package
    author: str
    licence: str
    holdout: bool  # True: never used for training, only for evaluation
    sha256: str  # of the file in the bookworm package; a mismatch is reported, not fatal
    note: str = ""


def _mate(name: str, author: str, sha256: str, holdout: bool = False) -> SourcePhoto:
    return SourcePhoto(
        name=f"mate-{name}",
        package="mate-backgrounds",
        path=f"{_MATE_NATURE}/{name}.jpg",
        author=author,
        licence="GPL-2+",
        holdout=holdout,
        sha256=sha256,
    )


def _plasma(name: str, author: str, sha256: str, holdout: bool = False) -> SourcePhoto:
    return SourcePhoto(
        name=f"plasma-{name}",
        package="plasma-workspace-wallpapers",
        # The other sizes in images/ are symlinks to this, the only real file.
        path=f"{_PLASMA}/{name}/contents/images/2560x1600.jpg",
        author=author,
        licence=_PLASMA_LICENCE,
        holdout=holdout,
        sha256=sha256,
        note=_PLASMA_AUTHOR_NOTE,
    )


_RISTO = "Risto Saukonpää <paristo@gmail.com>"

OUTDOOR_PHOTOS: tuple[SourcePhoto, ...] = (
    _mate("Blinds", "2008, Lennart Poettering; 2008, Andrea Cimitan",
          "f7aac0dcc2e06d0491643e84df3da1d9db7c4610f58806a880d56e074799f600"),
    _mate("Dune", "2007, Marco Cogoni; 2008, Hylke Bons",
          "8a67c2cb0be8c46b70c237311a4fa4d2b4ac7d39568135384787801fa5cc9a91", holdout=True),
    _mate("FreshFlower", "2005, Jens Ansorg",
          "972b0a0c4e5e3fa93f4f244fc84bc64b121a5eac3aaa5856f1308c1f38a02f8e"),
    _mate("Garden", "2008, Charles Barbin",
          "d3095ee09d425ef23d27155412136cf14fc3c9af76ca58b452f55e23da324e78", holdout=True),
    _mate("GreenMeadow", "2005, Timothy Schellhase; 2008, Lapo Calamandrei",
          "8fa0de0aa4089f7319c9fb7a6d006d4cab6023e8c8853731557cff53567b4832"),
    _mate("LadyBird", "2008, Charles Barbin",
          "e35a9a4126ef969c90b29c038058c5a575a20eadd84106a37bf1fa9931e7b61d"),
    _mate("RainDrops", '2008, "blackcombwhistler07"',
          "3e4ea9671c28c90a86cf67b3db9daf18c4741587c596333a7529ca589aaa0c16"),
    _mate("Storm", "2008, Sergey Nazarov",
          "77ca53077831d3237f73393a91fc879158abc046d852941c26e90de336356957"),
    _mate("TwoWings", "2008, Charles Barbin; 2008, Hylke Bons",
          "665e5abf8a5399070a91a9a8e455fe071e5b61697ff78fdeda4e9843ef545aeb"),
    _mate("YellowFlower", "2008, Charles Barbin",
          "254da96256acb7add685679775a04d1e4a5bc8cd13e5a5a3d61351ce198a5306"),
    _plasma("BytheWater", "Maciej Wiklo <mwiklo@yandex.com>",
            "c272434ef39f2abf1ed48a15a8910088020f3165329a5092f3940ec9464bc05f"),
    _plasma("ColdRipple", _RISTO,
            "05bef6722fc0ed81292cceb3ed026c38d17e510f3c84be7d68610c2b1a723c3f"),
    _plasma("DarkestHour", _RISTO,
            "8e3703fae3a3c217b1fc2b399b706cd3720584268d071ba153e4809daa55f1ce"),
    _plasma("EveningGlow", "Ian Hex",
            "586682dcb362b9f620068f10138f87d0d3649939aef238adc5807cb951976a7a"),
    _plasma("FallenLeaf", "Martin Klapetek <mklapetek@kde.org>",
            "95603a6560c7e8d50e0e03b3f4adbe39c5258c72528e74e4ecaea1daf4e499de"),
    _plasma("Kite", _RISTO,
            "bdca288ce296a981e80659c021cf707caddc702c0c8d4247e60bd618476d47f8", holdout=True),
    _plasma("OneStandsOut", _RISTO,
            "cb507baf1dafdcae362264f3aba9483ed4be5f6c9fdd770f0ec0920c6d9e80fd"),
    _plasma("Path", _RISTO,
            "7477457d7f17b736259f1b021864778ad4ba802cf3214e6728181ff29126bba8"),
    _plasma("summer_1am", _RISTO,
            "c868b50789591dd42910153c768053f1ba0a98cb36bbfc2b7a96a1045d0477f8", holdout=True),
)
