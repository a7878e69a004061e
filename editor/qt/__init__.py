"""The Qt user interface: composition root, main window wiring, canvas, panels and dialogs."""
