# nn module: sources, Check suite, man pages
