"""Qt-free editor state: the document, its undoable commands, the brush tools and project files."""
