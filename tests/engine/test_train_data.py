"""Training data: folder scan, decode cache, crops, batch order, DiffAugment, pair inputs."""

import numpy as np
import pytest
import torch

from engine.errors import UserError
from engine.pairs import edges, make_input
from engine.train.augment import diff_augment, parse_policy
from engine.train.data import BatchOrder, load_image_set, random_square_crop, scan_images
from support.images import make_scenes, write_image_folder


def test_scan_is_recursive_sorted_and_ignores_other_files(tmp_path):
    write_image_folder(tmp_path / "d" / "sub", 3, 16, suffix=".jpg")
    write_image_folder(tmp_path / "d", 2, 16)
    (tmp_path / "d" / "notes.txt").write_text("x")
    files = scan_images(tmp_path / "d")
    assert len(files) == 5 and files == sorted(files)


@pytest.mark.parametrize("make", ["missing", "file", "empty"])
def test_scan_rejects_missing_or_empty_folders(tmp_path, make):
    path = tmp_path / "data"
    if make == "file":
        path.write_text("x")
    elif make == "empty":
        path.mkdir()
    with pytest.raises(UserError, match="data"):
        scan_images(path)


def test_unreadable_files_are_skipped_and_counted(tmp_path):
    folder = write_image_folder(tmp_path / "d", 4, 16)
    (folder / "broken.png").write_bytes(b"not a png")
    images = load_image_set(folder, 32, tmp_path / "cache")
    assert len(images) == 4 and len(images.skipped) == 1 and "broken.png" in images.skipped[0]


def test_no_readable_image_is_an_error(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"junk")
    with pytest.raises(UserError, match="could be read"):
        load_image_set(folder, 32, tmp_path / "cache")


def test_cache_bounds_size_and_is_reused_until_files_change(tmp_path):
    folder = write_image_folder(tmp_path / "d", 3, 64)
    first = load_image_set(folder, 24, tmp_path / "cache")
    assert first.get(0).shape == (24, 24, 3)
    caches = sorted((tmp_path / "cache").glob("*.pixels.npy"))
    again = load_image_set(folder, 24, tmp_path / "cache")
    np.testing.assert_array_equal(again.get(2), first.get(2))
    assert sorted((tmp_path / "cache").glob("*.pixels.npy")) == caches
    write_image_folder(tmp_path / "d", 4, 64, seed=5)   # rewrites files, adds one
    assert len(load_image_set(folder, 24, tmp_path / "cache")) == 4
    assert len(list((tmp_path / "cache").glob("*.pixels.npy"))) == 2


def test_decoding_reports_its_end_too(tmp_path):
    folder = write_image_folder(tmp_path / "imgs", 5, 16)
    seen = []
    load_image_set(folder, 24, tmp_path / "cache", progress=lambda n, total: seen.append((n, total)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)   # a log that stopped at 0/5 looked stuck


def test_square_crops_stay_inside_the_image():
    rng = np.random.default_rng(0)
    for _ in range(200):
        crop = random_square_crop(30, 50, rng)
        assert crop.height == crop.width and 0 <= crop.top <= 30 - crop.height
        assert 0 <= crop.left <= 50 - crop.width and crop.height >= int(30 * 0.8)


def test_batch_order_covers_an_epoch_and_resumes_exactly():
    order = BatchOrder(10, 3, seed=1)
    epoch = np.concatenate([order.next()[0] for _ in range(3)])
    assert len(set(epoch.tolist())) == 9
    state = order.state_dict()
    expected = [order.next() for _ in range(5)]
    resumed = BatchOrder(10, 3, seed=99)
    resumed.load_state_dict(state)
    for (idx, seed), (idx2, seed2) in zip(expected, [resumed.next() for _ in range(5)]):
        np.testing.assert_array_equal(idx, idx2)
        assert seed == seed2


def test_fewer_images_than_a_batch_is_an_error():
    with pytest.raises(UserError, match="fewer than one batch"):
        BatchOrder(5, 8, seed=0)


def test_diff_augment_keeps_shape_and_passes_gradients():
    x = (torch.rand(4, 3, 16, 16) * 2 - 1).requires_grad_(True)
    y = diff_augment(x, parse_policy("color,translation,cutout"))
    assert y.shape == x.shape
    y.sum().backward()
    assert x.grad.abs().sum() > 0
    assert not torch.allclose(y, x)


def test_translation_shifts_content_and_cutout_zeroes_a_quarter():
    from engine.train.augment import cutout, translation
    torch.manual_seed(0)
    x = torch.ones(8, 3, 16, 16)
    shifted = translation(x)
    assert ((shifted == 0).flatten(1).any(1)).any()        # some images moved, zeros came in
    cut = cutout(x)
    zero_fraction = (cut[:, 0] == 0).float().mean((1, 2))
    assert (zero_fraction <= 0.25 + 1e-6).all() and (zero_fraction > 0).all()


def test_unknown_augmentation_is_a_user_error():
    with pytest.raises(UserError, match="blur"):
        parse_policy("color,blur")
    assert parse_policy("none") == ()


def test_edges_are_black_lines_on_white_and_gray_is_luminance():
    scene = make_scenes(1, 32, seed=3)[0]
    edges = make_input("edges", scene)
    assert edges.shape == scene.shape and edges.dtype == np.uint8
    assert set(np.unique(edges)) <= {0, 255}
    assert 0.01 < (edges[..., 0] == 0).mean() < 0.4      # mostly white background
    flat = np.full((32, 32, 3), 120, np.uint8)
    assert (make_input("edges", flat) == 255).all()
    gray = make_input("gray", scene)
    assert (gray[..., 0] == gray[..., 1]).all() and (gray[..., 1] == gray[..., 2]).all()
    with pytest.raises(UserError):
        make_input("sepia", scene)


def _five_outlines() -> np.ndarray:
    picture = np.full((64, 64, 3), 110, np.uint8)
    for side, x, y in ((40, 2, 2), (14, 46, 4), (8, 48, 40), (5, 10, 52), (3, 30, 56)):
        picture[y:y + side, x:x + side] = 230          # squares: outlines of five lengths
    return picture


def test_thinned_edges_keep_the_longest_lines_and_the_default_keeps_all():
    picture = _five_outlines()
    default = make_input("edges", picture)[..., 0] == 0
    assert (make_input("edges", picture)[..., 0] == 0).sum() == default.sum()   # deterministic
    drawn = [edges(picture, keep)[..., 0] == 0 for keep in np.linspace(0.2, 1.0, 12)]
    counts = [int(d.sum()) for d in drawn]
    assert max(counts) <= default.sum() and min(counts) < 0.6 * default.sum()
    assert len(set(counts)) > 2                                  # the share kept varies
    big_outline = default[:44, :44]
    for d in drawn:
        assert (d & ~default).sum() == 0                         # only ever removes lines
        assert d[:44, :44].sum() == big_outline.sum()            # the longest line stays


def test_training_edges_vary_in_share_and_line_width():
    picture = _five_outlines()
    default = make_input("edges", picture)[..., 0] == 0
    rng = np.random.default_rng(0)
    drawn = [make_input("edges", picture, rng)[..., 0] == 0 for _ in range(16)]
    thin = [d for d in drawn if (d & ~default).sum() == 0]
    thick = [d for d in drawn if (d & ~default).sum() > 0]
    assert thin and thick                                        # both widths are drawn
    assert len({int(d.sum()) for d in thin}) > 1                 # the share kept varies
    for d in thick:                                              # a thick line covers its thin one
        assert d[:44, :44].sum() > default[:44, :44].sum()
