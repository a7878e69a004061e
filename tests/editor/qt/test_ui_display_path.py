"""Asking what the pad shows starts nothing: the photo view's transfer is scheduled by the
change that needs it (a view or document change), and the pad shows its result."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from ui_helpers import EDIT_TIMEOUT, open_photo, paint_and_wait, write_photo


def test_the_photo_view_transfer_is_started_by_the_change_not_by_the_display(window, qtbot,
                                                                              tmp_path):
    c = window.controller
    path = tmp_path / "photo.png"
    write_photo(path)
    open_photo(qtbot, window, path)
    qtbot.waitUntil(lambda: not c.photos.transfers.busy, timeout=EDIT_TIMEOUT)
    started = []
    c.photos.transfers.jobStarted.connect(started.append)
    for _ in range(3):
        c.display_image()   # the image view: nothing to transfer, nothing started
    paint_and_wait(qtbot, window, [(2, 3), (14, 3)])   # an edit: the image view needs none
    assert started == []
    with qtbot.waitSignal(c.photos.transfers.busyChanged, timeout=EDIT_TIMEOUT,
                          check_params_cb=lambda busy: not busy):
        qtbot.keyClick(window, Qt.Key_P)   # the photo view
    assert len(started) == 1
    shown = c.display_image()
    for _ in range(3):
        assert c.display_image() is shown   # asking again starts no transfer
    assert len(started) == 1
    assert shown.shape[:2] != c.doc.image.shape[:2]   # the photo's preview, not the model image
    paint_and_wait(qtbot, window, [(10, 28), (30, 28)])   # a document change: a new transfer
    qtbot.waitUntil(lambda: not c.photos.transfers.busy, timeout=EDIT_TIMEOUT)
    assert len(started) >= 2
    assert not np.array_equal(c.display_image(), shown)
