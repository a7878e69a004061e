"""The desktop editor: paint strokes, and a GAN finds images on its manifold that match them.

`editor.model` is Qt-free (document, history, tools, project files); `editor.qt` is the
user interface; `editor.jobs` runs engine operations off the GUI thread.
"""
